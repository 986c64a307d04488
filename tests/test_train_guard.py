"""The Trainer's divergence guard (objective changes, optimizer state), its batch preview
`next_batch_indices`, the L1 term's cost and the regression split."""

import math

import numpy as np
import pytest
from sklearn.model_selection import train_test_split

from micrograd import engine, train
from micrograd.data import make_dataset
from micrograd.functional import data_loss
from micrograd.train import Trainer


def _diverge(tr):
    """Make the next step overflow (weights of 1e160: the squared error overflows a float)."""
    tr.model.set_parameter_values([1e160] * tr.n_params)
    assert not tr.step()
    assert tr.diverged_at is not None


@pytest.mark.parametrize("change", [dict(reg="l2", rate=0.5), dict(reg="l1", rate=0.2)])
def test_turning_on_regularization_moves_the_restore_point_past_it(change):
    # 150 unregularized steps reach a low loss; the regularized objective is higher at every
    # weight, so a checkpoint keyed on the loss function alone stays at a pre-regularization step
    X, y = make_dataset("moons", 60, 0.1, 0)
    tr = Trainer(X, y, hidden=(4,), loss="mse", lr=0.1)
    tr.run(150)
    switched = tr.step_count
    for k, v in change.items():
        setattr(tr, k, v)
    tr.run(20)
    _diverge(tr)
    assert tr.restored_step >= switched  # a state of the regularized run, not the old objective's
    assert tr.reg == change["reg"] and tr.step_count == tr.restored_step


def test_changing_the_rate_also_moves_the_restore_point():
    X, y = make_dataset("moons", 60, 0.1, 0)
    tr = Trainer(X, y, hidden=(4,), loss="mse", lr=0.1, reg="l2", rate=0.001)
    tr.run(150)
    switched = tr.step_count
    tr.rate = 0.5  # a higher rate: a higher loss at every weight
    tr.run(20)
    _diverge(tr)
    assert tr.restored_step >= switched


def test_adam_second_moment_overflow_is_divergence_not_a_silent_freeze():
    # inputs of 1e160: the hinge loss (~1e160) and its gradient (~1e160) are finite, but Adam's
    # v = (1 - beta2) g^2 = 1e317 overflows to inf, after which every update would be m / inf = 0
    rs = np.random.RandomState(0)
    X = rs.normal(size=(40, 2)) * 1e160
    y = np.where(X[:, 0] > 0, 1, -1)
    tr = Trainer(X, y, hidden=(), lr=0.1, optimizer="adam", test_fraction=0.0)
    before = tr.model.parameter_values()
    assert not tr.step()
    assert tr.diverged_at == 1 and tr.step_count == 0 and tr.restored_step == 0
    assert tr.model.parameter_values() == before
    assert all(math.isfinite(v) for v in tr.optimizer.v)  # the restored state, not the inf one


@pytest.mark.parametrize("batch_size", [0, 7, 16])
def test_next_batch_indices_are_the_examples_the_next_step_trains_on(monkeypatch, batch_size):
    X, y = make_dataset("moons", 40, 0.1, 0)
    tr = Trainer(X, y, hidden=(3,), batch_size=batch_size, lr=0.1)  # 32 training points
    ref = Trainer(X, y, hidden=(3,), batch_size=batch_size, lr=0.1)  # never asked: the same run
    seen = []
    real = train.get_engine("scalar")

    def spy(name):
        def fn(model, Xb, yb, **kw):
            seen.append((np.array(Xb), np.array(yb)))
            return real(model, Xb, yb, **kw)
        return fn

    monkeypatch.setattr(train, "get_engine", spy)
    for _ in range(12):  # 32 = 4 * 7 + 4: epochs end with leftovers, and new shuffles start
        idx = tr.next_batch_indices()
        np.testing.assert_array_equal(tr.next_batch_indices(), idx)  # asking again changes nothing
        assert len(idx) == tr.effective_batch
        assert tr.step()
        Xb, yb = seen[-1]
        np.testing.assert_array_equal(Xb, tr.X_train[idx])
        np.testing.assert_array_equal(yb, tr.y_train[idx])
    if batch_size == 0:
        np.testing.assert_array_equal(idx, np.arange(tr.n_train))
    ref.run(12)
    assert tr.model.parameter_values() == ref.model.parameter_values() and tr.epoch == ref.epoch


def test_an_l1_step_builds_no_graph_for_the_penalty_and_reports_it(monkeypatch):
    # the L1 term is applied as a proximal step: its value is read, never back-propagated, so an
    # L1 step builds exactly the nodes of an unregularized step (none inside the timed part)
    X, y = make_dataset("moons", 40, 0.1, 0)
    a = Trainer(X, y, hidden=(4,), loss="bce", lr=0.1, reg="l1", rate=0.05)
    b = Trainer(X, y, hidden=(4,), loss="bce", lr=0.1)
    count = [0]
    real = engine._node

    def counting(*args):
        count[0] += 1
        return real(*args)

    monkeypatch.setattr(engine, "_node", counting)
    w = a.model.parameter_values()
    data = data_loss(a.predict(a.X_train), a.y_train, "bce")
    assert a.step()
    n_l1, count[0] = count[0], 0
    assert b.step()
    assert n_l1 == count[0] > 0
    assert a.nodes_per_step == b.nodes_per_step
    assert a.last_loss == pytest.approx(data + 0.05 * math.fsum(abs(v) for v in w), rel=1e-12)


def test_an_l1_term_that_overflows_is_divergence_not_an_exception():
    X, y = make_dataset("moons", 40, 0.1, 0)
    tr = Trainer(X, y, hidden=(2,), lr=0.1, reg="l1", rate=0.1)
    tr.model.set_parameter_values([1e308] * tr.n_params)  # fsum of |p| overflows
    assert not tr.step()
    assert tr.diverged_at == 1 and not math.isfinite(tr.last_loss)


def test_whole_number_regression_targets_are_not_stratified():
    # regression targets 0..3 look like classes; a regression run's split must be the plain one
    rs = np.random.RandomState(1)
    X = rs.normal(size=(40, 2))
    y = rs.randint(0, 4, size=40).astype(np.float64)
    tr = Trainer(X, y, hidden=(), problem="regression", loss="mse", seed=3)
    plain = train_test_split(X, y, test_size=8, random_state=3)
    strat = train_test_split(X, y, test_size=8, random_state=3, stratify=y)
    assert not np.array_equal(plain[3], strat[3])  # the two splits differ here, so the test can tell
    np.testing.assert_array_equal(tr.y_test, plain[3])
    np.testing.assert_array_equal(tr.X_train, plain[0])
