"""L1 regularization: `l1_penalty` in both engines against torch.abs and hand values, and the
`Trainer`'s reg="l1" (a proximal step) setting the weight of a pure-noise input to exactly 0,
where the subgradient of the same penalty only makes it oscillate around 0."""

import numpy as np
import pytest

from micrograd.engine import Value
from micrograd.losses import LOSSES, l1_penalty
from micrograd.optim import SGD
from micrograd.tensor.engine import Tensor
from micrograd.tensor.losses import l1_penalty as tensor_l1_penalty
from micrograd.train import Trainer

POINTS = [0.5, -2.0, 0.0, 3.0, -1e-300]


def test_l1_penalty_value_and_gradient_by_hand():
    ps = [Value(v) for v in POINTS]
    out = l1_penalty(ps, 0.1)
    assert out.data == pytest.approx(0.1 * 5.5, rel=1e-15)
    out.backward()
    assert [p.grad for p in ps] == [0.1, -0.1, 0.0, 0.1, -0.1]  # alpha sign(p), 0 at p = 0
    zero = l1_penalty(ps, 0.0)
    assert isinstance(zero, Value) and zero.data == 0.0
    assert l1_penalty([], 0.1).data == 0.0


def test_l1_penalty_matches_torch_abs_in_both_engines():
    torch = pytest.importorskip("torch")
    t = torch.tensor(POINTS, dtype=torch.float64, requires_grad=True)
    ref = 0.3 * t.abs().sum()
    ref.backward()
    ps = [Value(v) for v in POINTS]
    out = l1_penalty(ps, 0.3)
    out.backward()
    assert out.data == pytest.approx(ref.item(), rel=1e-15)
    assert [p.grad for p in ps] == t.grad.tolist()
    # the Tensor engine: any shapes, one node
    a, b = Tensor(np.array(POINTS[:4]).reshape(2, 2)), Tensor(np.array(POINTS[4:]))
    tout = tensor_l1_penalty([a, b], 0.3)
    tout.backward()
    assert float(tout.data) == pytest.approx(ref.item(), rel=1e-15)
    assert np.concatenate([a.grad.ravel(), b.grad]).tolist() == t.grad.tolist()
    assert tout.op == "l1" and len(tout.topo_order()) == 3


def test_tensor_l1_penalty_rejects_bad_input():
    with pytest.raises(ValueError, match="at least one"):
        tensor_l1_penalty([], 0.1)
    with pytest.raises(TypeError, match="Tensors"):
        tensor_l1_penalty([np.ones(2)], 0.1)


def noisy_feature_data(n=200, seed=0):
    """Labels from input 0 (plus label noise); input 1 is pure noise, independent of the labels."""
    rs = np.random.RandomState(seed)
    signal = rs.normal(size=n)
    y = np.where(signal + 0.5 * rs.normal(size=n) > 0, 1, -1)
    return np.column_stack([signal, rs.normal(size=n)]), y


def test_l1_sets_the_noise_input_weight_to_exactly_zero():
    X, y = noisy_feature_data()
    # a linear model, score = w0 x0 + w1 x1 + b: w1 is useless (x1 is noise)
    tr = Trainer(X, y, hidden=(), loss="bce", lr=0.1, reg="l1", rate=0.05)
    noise_w = []
    for _ in range(300):
        assert tr.step()
        noise_w.append(tr.model.parameter_values()[1])
    w_signal, w_noise, _b = tr.model.parameter_values()
    assert w_noise == 0.0 and noise_w[-100:] == [0.0] * 100  # exactly 0, and it stays there
    assert w_signal > 1.0 and tr.current["train_acc"] > 0.85  # the useful weight is kept
    # the reported loss is the data loss + rate * sum|p| at the weights before the update
    assert tr.last_loss > 0.05 * abs(w_signal)
    # without regularization, and with L2 at the same rate, the noise weight is not 0
    for kw in (dict(), dict(reg="l2", rate=0.05)):
        other = Trainer(X, y, hidden=(), loss="bce", lr=0.1, **kw)
        other.run(300)
        assert abs(other.model.parameter_values()[1]) > 0.01


def lasso_reference(X, y, rate, steps=20000, lr=0.1):
    """The L1-regularized logistic regression's minimizer, by plain numpy ISTA (independent code):
    weights of x0, x1 and the bias, minimizing mean(log(1 + e^(-y z))) + rate * sum|w|."""
    A = np.column_stack([X, np.ones(len(y))])
    w = np.zeros(3)
    for _ in range(steps):
        g = -(A.T @ (y / (1.0 + np.exp(y * (A @ w))))) / len(y)
        w = w - lr * g
        w = np.sign(w) * np.maximum(np.abs(w) - lr * rate, 0.0)
    return w


@pytest.mark.parametrize("opt,lr", [("adam", 0.05), ("adamw", 0.05)])
def test_l1_with_adam_reaches_the_lasso_solution(opt, lr):
    # Adam's L1 step thresholds in Adam's own metric, so it finds the same minimizer as ISTA
    X, y = noisy_feature_data()
    tr = Trainer(X, y, hidden=(), loss="bce", lr=lr, reg="l1", rate=0.05, optimizer=opt, weight_decay=0.0)
    tr.run(600)
    ref = lasso_reference(tr.X_train, tr.y_train, 0.05)
    assert ref[1] == 0.0 and ref[2] == 0.0 and ref[0] > 2.0
    w = tr.model.parameter_values()
    assert w[1] == 0.0 and w[2] == 0.0  # exactly, as the reference's
    assert w[0] == pytest.approx(ref[0], rel=1e-6)


def test_the_subgradient_of_l1_oscillates_around_zero_instead():
    # the same penalty through backward (d|w|/dw = sign w): the noise weight keeps overshooting 0
    X, y = noisy_feature_data()
    tr = Trainer(X, y, hidden=(), loss="bce", lr=0.1)
    model = tr.model
    opt = SGD(model.parameters(), lr=0.1)
    noise_w = []
    for _ in range(300):
        scores = [model(x) for x in tr.X_train.tolist()]
        total = LOSSES["bce"](scores, tr.y_train.tolist()) + l1_penalty(model.parameters(), 0.05)
        model.zero_grad()
        total.backward()
        opt.step()
        noise_w.append(model.parameter_values()[1])
    last = noise_w[-100:]
    assert all(w != 0.0 for w in last) and max(abs(w) for w in last) < 0.01
    assert min(last) < 0 < max(last)  # it crosses 0 back and forth


def test_l1_through_the_tensor_engine_gives_the_same_weights():
    X, y = noisy_feature_data()
    a = Trainer(X, y, hidden=(3,), loss="bce", lr=0.1, reg="l1", rate=0.02)
    b = Trainer(X, y, hidden=(3,), loss="bce", lr=0.1, reg="l1", rate=0.02, engine="tensor")
    a.run(20)
    b.run(20)
    np.testing.assert_allclose(b.model.parameter_values(), a.model.parameter_values(), rtol=0, atol=1e-12)
    assert 0.0 in a.model.parameter_values()
