"""Tests for micrograd/train.py: the engine seam and the Trainer, with real training outcomes."""

import math

import numpy as np
import pytest

from micrograd.data import TASKS, make_dataset
from micrograd.engines import get_engine, scalar_loss_and_grads
from micrograd.functional import accuracy, data_loss
from micrograd.lessons.playground import PlaygroundConfig, build_trainer, preset_config
from micrograd.nn import MLP
from micrograd.train import HISTORY_FIELDS, Trainer


def _small_batch(seed=0, n=6):
    rs = np.random.RandomState(seed)
    X = rs.normal(size=(n, 2))
    y = np.where(rs.uniform(size=n) > 0.5, 1, -1)
    return X, y


def _reference_total(model, X, y, loss, l2):
    """Independent forward in plain floats (a tanh MLP written out neuron by neuron, the losses'
    textbook formulas), sharing no code with the engines or micrograd.functional."""
    total = 0.0
    for x, t in zip(X.tolist(), y.tolist()):
        a = x
        for i, layer in enumerate(model.layers):
            z = [n.b.data + sum(w.data * v for w, v in zip(n.w, a)) for n in layer.neurons]
            a = z if i == len(model.layers) - 1 else [math.tanh(v) for v in z]
        s = a[0]
        total += {"hinge": max(0.0, 1.0 - t * s), "mse": (s - t) ** 2, "bce": math.log1p(math.exp(-t * s))}[loss]
    return total / len(X) + l2 * sum(p.data ** 2 for p in model.parameters())


@pytest.mark.parametrize("loss", ["hinge", "mse", "bce"])
@pytest.mark.parametrize("l2", [0.0, 0.01])
def test_scalar_grads_match_central_differences(loss, l2):
    X, y = _small_batch()
    model = MLP(2, [3, 1], activation="tanh", seed=3)
    value, scores, nodes = scalar_loss_and_grads(model, X, y, loss=loss, l2=l2)
    assert value == pytest.approx(_reference_total(model, X, y, loss, l2), rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(scores, model.predict(X), rtol=1e-12, atol=1e-12)
    assert scores.shape == (6,) and nodes > 0
    h = 1e-6
    for p in model.parameters():
        x0 = p.data
        p.data = x0 + h
        up = _reference_total(model, X, y, loss, l2)
        p.data = x0 - h
        down = _reference_total(model, X, y, loss, l2)
        p.data = x0
        assert p.grad == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-7)


def test_scalar_grads_are_not_accumulated_across_calls():
    X, y = _small_batch()
    model = MLP(2, [3, 1], seed=1)
    scalar_loss_and_grads(model, X, y)
    first = [p.grad for p in model.parameters()]
    scalar_loss_and_grads(model, X, y)  # zeroes before backward: same grads, not doubled
    assert [p.grad for p in model.parameters()] == first
    assert any(g != 0 for g in first)


def test_node_count_hand_derived():
    # linear MLP(2, [1]) on one example, hinge loss. A neuron is one fused node
    # (Value.weighted_sum, inputs are constants): leaves w1 w2 b (3) + the Σwx+b node     = 4
    # hinge: -y*s (const + mul), 1 + . (const + add), relu                              = 5
    # mean: sum starts at 0 (const + add), * (1/n) (const + mul)                          = 4
    model = MLP(2, [1], seed=0)
    _, _, nodes = scalar_loss_and_grads(model, np.array([[0.5, -1.0]]), np.array([1]))
    assert nodes == 13
    # the L2 term adds: Value(0) start, 3 squares (mul) and 3 adds, * alpha (const + mul), + total
    _, _, nodes_l2 = scalar_loss_and_grads(model, np.array([[0.5, -1.0]]), np.array([1]), l2=0.1)
    assert nodes_l2 == 13 + 1 + 3 + 3 + 2 + 1


def test_scalar_grads_match_pytorch():
    torch = pytest.importorskip("torch")
    X, y = _small_batch(seed=4, n=8)
    model = MLP(2, [4, 4, 1], activation="relu", seed=2)
    loss, _, _ = scalar_loss_and_grads(model, X, y, loss="bce", l2=0.001)
    tensors = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in model.parameter_values()]
    A = torch.tensor(X)
    k = 0
    for li, layer in enumerate(model.layers):
        nin, nout = len(layer.neurons[0].w), len(layer.neurons)
        rows = []
        for _ in range(nout):
            w = torch.stack(tensors[k:k + nin])
            rows.append(A @ w + tensors[k + nin])
            k += nin + 1
        A = torch.stack(rows, dim=1)
        if li < len(model.layers) - 1:
            A = torch.relu(A)
    target = (torch.tensor(y, dtype=torch.float64) + 1) / 2
    ref = torch.nn.functional.binary_cross_entropy_with_logits(A[:, 0], target)
    ref = ref + 0.001 * sum(t * t for t in tensors)
    ref.backward()
    assert loss == pytest.approx(ref.item(), rel=1e-12)
    np.testing.assert_allclose([p.grad for p in model.parameters()], [t.grad.item() for t in tensors],
                               rtol=1e-10, atol=1e-12)


def test_data_loss_and_accuracy_hand_values():
    s, y = np.array([2.0, 0.5, -1.0, 0.0]), np.array([1, 1, 1, -1])
    assert data_loss(s, y, "hinge") == pytest.approx((0 + 0.5 + 2 + 1) / 4)
    assert data_loss(s, y, "mse") == pytest.approx((1 + 0.25 + 4 + 1) / 4)
    expected = np.mean([math.log1p(math.exp(-v * t)) for v, t in zip(s, y, strict=True)])
    assert data_loss(s, y, "bce") == pytest.approx(expected)
    assert accuracy(s, y) == 0.75  # 0 counts as -1: right for the last one
    assert data_loss(np.array([1e300]), np.array([-1]), "bce") == pytest.approx(1e300)  # no overflow
    assert math.isnan(data_loss(np.zeros(0), np.zeros(0)))
    with pytest.raises(ValueError, match="unknown loss"):
        data_loss(s, y, "l1")


def test_get_engine():
    assert get_engine("scalar") is scalar_loss_and_grads
    with pytest.raises(ValueError, match="unknown engine"):
        get_engine("gpu")


def test_tensor_engine_agrees_with_scalar_when_available():
    fn = get_engine("tensor")
    X, y = _small_batch(seed=5, n=10)
    for loss in ("hinge", "mse", "bce"):
        a, b = MLP(2, [5, 3, 1], activation="tanh", seed=7), MLP(2, [5, 3, 1], activation="tanh", seed=7)
        la, sa, _ = scalar_loss_and_grads(a, X, y, loss=loss, l2=0.01)
        lb, sb, nb = fn(b, X, y, loss=loss, l2=0.01)
        assert lb == pytest.approx(la, rel=1e-10)
        np.testing.assert_allclose(sb, sa, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose([p.grad for p in b.parameters()], [p.grad for p in a.parameters()],
                                   rtol=1e-8, atol=1e-12)
        assert nb > 0


# --- the Trainer: real outcomes ---

def test_default_moons_reaches_97_percent_within_300_steps():
    tr = build_trainer(PlaygroundConfig())  # the page's default
    assert (tr.hidden, tr.activation, tr.effective_batch) == ((8, 8), "tanh", 80)
    while tr.current["train_acc"] < 0.97 and tr.step_count < 300:
        assert tr.step()
    assert tr.current["train_acc"] >= 0.97, tr.current
    assert tr.step_count <= 300
    # the curves agree with an independent evaluation of the final weights
    s = tr.model.predict(tr.X_train)
    assert tr.history["train_acc"][-1] == np.mean((s > 0) == (tr.y_train > 0))
    # per example: 8 + 8 neurons (Σwx+b and tanh: 2 nodes each) + the output's Σwx+b = 33, hinge 5,
    # one add in the sum = 39; plus the sum's start (2) and the mean's scale (2) - 1, and 105 parameters
    assert tr.nodes_per_step == 39 * 80 + 3 + 105 and tr.ms_per_step > 0


def test_xor_without_hidden_layer_stalls():
    tr = build_trainer(preset_config("XOR needs a hidden layer"))
    assert tr.hidden == ()
    tr.run(300)
    assert tr.step_count == 300
    assert max(tr.history["train_acc"]) <= 0.75


def test_xor_with_one_hidden_layer_of_4_tanh_solves_it():
    tr = build_trainer(preset_config("XOR needs a hidden layer").replace(hidden=(4,)))
    while tr.current["train_acc"] < 0.95 and tr.step_count < 300:
        tr.step()
    assert tr.current["train_acc"] >= 0.95


def test_too_high_preset_triggers_the_divergence_guard():
    tr = build_trainer(preset_config("learning rate too high"))
    done = tr.run(500)
    assert tr.diverged_at is not None and done < 500
    assert tr.diverged_at == done + 1 and tr.diverged_lr == 3.0
    assert not math.isfinite(tr.last_loss)
    # the run went back to the lowest-loss checkpoint: the weights and counters a fresh run has at that step
    k = tr.restored_step
    assert k is not None and k < done and tr.step_count == k
    ref = build_trainer(preset_config("learning rate too high"))
    ref.run(k)
    assert tr.model.parameter_values() == ref.model.parameter_values() and tr.epoch == ref.epoch
    assert all(math.isfinite(v) for v in tr.model.parameter_values())
    # the curves end at step k with its finite values; the undone points k..done are kept aside
    assert tr.history["step"][-1] == k and all(math.isfinite(v) for v in tr.history["train_loss"])
    assert tr.history["train_loss"][-1] == tr.current["train_loss"] == ref.current["train_loss"]
    undone = tr.diverged_history
    assert undone["step"] == list(range(k, done + 1))  # one point per step here, from k (where they join)
    assert undone["train_loss"][0] == pytest.approx(min(undone["train_loss"][:-1]), rel=1e-9)
    assert undone["train_loss"][-2] > 1e100  # it really blew up before the guard fired
    # lower the learning rate and it trains on from the kept weights
    tr.lr = 0.01
    assert tr.step() and tr.diverged_at is None and tr.step_count == k + 1
    assert tr.diverged_history is None and tr.diverged_lr is None
    assert tr.current["train_loss"] < 1.0


def test_after_a_restore_the_run_is_the_run_of_a_fresh_trainer_from_that_step():
    # minibatches and momentum: the guard restores the batch order and the velocity too
    cfg = preset_config("learning rate too high").replace(batch_size=16, momentum=0.5)
    tr = build_trainer(cfg)
    tr.run(500)
    k = tr.restored_step
    assert tr.diverged_at is not None and tr.step_count == k
    ref = build_trainer(cfg)
    ref.run(k)
    for t in (tr, ref):
        t.lr = 0.01
        t.run(7)
    assert tr.model.parameter_values() == ref.model.parameter_values()
    assert tr.history == ref.history and tr.epoch == ref.epoch


def test_overflow_inside_an_op_counts_as_divergence():
    X, y = make_dataset("moons", 40, 0.1, 0)
    tr = Trainer(X, y, hidden=(4,), activation="linear", loss="mse", lr=3.0)
    tr.model.set_parameter_values([1e160] * tr.n_params)  # squaring the score overflows a float
    before = tr.model.parameter_values()
    assert not tr.step()
    assert tr.diverged_at == 1 and tr.model.parameter_values() == before


def test_hyperparameters_apply_without_reset():
    X, y = make_dataset("moons", 40, 0.1, 0)
    tr = Trainer(X, y, hidden=(4,), lr=0.1)
    tr.run(3)
    w = tr.model.parameter_values()
    tr.lr, tr.l2, tr.momentum, tr.loss = 0.5, 0.01, 0.5, "bce"
    assert tr.step_count == 3 and tr.model.parameter_values() == w
    model = MLP(2, [4, 1], activation="tanh", seed=0)
    model.set_parameter_values(w)
    scalar_loss_and_grads(model, tr.X_train, tr.y_train, loss="bce", l2=0.01)
    expected = [p.data - 0.5 * p.grad for p in model.parameters()]  # first momentum step: v = g
    tr.step()
    np.testing.assert_allclose(tr.model.parameter_values(), expected, rtol=1e-12)


def test_minibatches_cover_each_epoch_once():
    X, y = make_dataset("blobs", 50, 0.1, 1)
    tr = Trainer(X, y, test_fraction=0.2, hidden=(2,), batch_size=8)
    assert tr.n_train == 40 and tr.effective_batch == 8
    seen = []
    for _ in range(5):
        Xb, _ = tr._next_batch()
        seen.extend(map(tuple, Xb))
    assert sorted(seen) == sorted(map(tuple, tr.X_train))
    tr2 = Trainer(X, y, test_fraction=0.2, hidden=(2,), batch_size=8)
    tr2.run(10)
    assert tr2.epoch == pytest.approx(2.0) and tr2.nodes_per_step < tr.n_train * 40


def test_history_is_bounded_and_downsampled():
    X, y = make_dataset("moons", 20, 0.1, 0)
    tr = Trainer(X, y, hidden=(), history_cap=16)
    tr.run(200)
    steps = tr.history["step"]
    assert len(steps) <= 17 and steps[0] == 0
    assert steps == sorted(steps) and steps[-1] >= 200 - 2 * (steps[1] - steps[0])
    assert all(len(v) == len(steps) for v in tr.history.values())
    assert tr.current["step"] == 200


def test_bad_arguments_raise():
    X, y = make_dataset("moons", 20, 0.1, 0)
    with pytest.raises(ValueError, match="activation"):
        Trainer(X, y, activation="gelu")
    with pytest.raises(ValueError, match="learning rate"):
        Trainer(X, y, lr=0)
    with pytest.raises(ValueError, match="unknown engine"):
        Trainer(X, y, engine="gpu")
    tr = Trainer(X, y)
    tr.momentum = 1.0
    with pytest.raises(ValueError, match="momentum"):
        tr.step()


def test_tensor_engine_trains_the_default_moons_like_the_scalar_one():
    a = build_trainer(PlaygroundConfig())
    b = build_trainer(PlaygroundConfig(engine="tensor"))
    a.run(20)
    b.run(20)
    # same maths, only the order of float sums differs: the weights agree closely after 20 steps
    np.testing.assert_allclose(b.model.parameter_values(), a.model.parameter_values(), rtol=1e-8, atol=1e-10)
    assert b.nodes_per_step < a.nodes_per_step / 10  # one node per array, not per number
    b.engine = "scalar"  # switching engines mid-run keeps the model
    assert b.step() and b.step_count == 21


# --- optimizers ---

@pytest.mark.parametrize("opt", ["adam", "adamw"])
def test_tensor_engine_with_adam_gives_the_scalar_weights(opt):
    X, y = make_dataset("moons", 100, 0.1, 0)
    a = Trainer(X, y, lr=0.01, optimizer=opt)
    b = Trainer(X, y, lr=0.01, optimizer=opt, engine="tensor")
    assert a.run(20) == b.run(20) == 20
    np.testing.assert_allclose(b.model.parameter_values(), a.model.parameter_values(), rtol=0, atol=1e-9)
    assert a.optimizer.t == b.optimizer.t == 20
    assert a.current["train_loss"] < 0.6 * a.history["train_loss"][0]  # it trained


def test_trainer_adam_step_is_the_paper_first_step():
    # step 1 of Adam moves every parameter with a nonzero gradient by lr * |g| / (|g| + eps)
    X, y = make_dataset("moons", 40, 0.1, 0)
    tr = Trainer(X, y, hidden=(4,), lr=0.02, optimizer="adam")
    w0 = tr.model.parameter_values()
    model = MLP(2, [4, 1], activation="tanh", seed=0)
    model.set_parameter_values(w0)
    scalar_loss_and_grads(model, tr.X_train, tr.y_train)
    g = np.array([p.grad for p in model.parameters()])
    assert tr.step()
    step = np.array(tr.model.parameter_values()) - np.array(w0)
    np.testing.assert_allclose(step, -0.02 * g / (np.abs(g) + 1e-8), rtol=1e-12, atol=1e-15)
    assert np.count_nonzero(g) > 10


@pytest.mark.parametrize("opt", ["sgd", "adam", "adamw"])
def test_restored_run_with_each_optimizer_continues_as_an_uninterrupted_one(opt):
    # minibatches: blow the run up with a huge learning rate, the guard restores a checkpoint
    # (weights, the optimizer's moments and step count, batch order); from there it must go on
    # exactly as a fresh run that trained to that step
    X, y = make_dataset("moons", 100, 0.1, 0)
    kw = dict(lr=0.05, optimizer=opt, loss="mse", batch_size=16, momentum=0.5)
    tr = Trainer(X, y, **kw)
    tr.run(30)
    tr.lr = 1e200
    tr.run(5)
    k = tr.restored_step
    assert tr.diverged_at is not None and 0 < k < 30 and tr.step_count == k
    ref = Trainer(X, y, **kw)
    ref.run(k)
    for t in (tr, ref):
        t.lr = 0.05
        assert t.run(7) == 7
    assert tr.model.parameter_values() == ref.model.parameter_values()
    assert tr.optimizer.state_dict() == ref.optimizer.state_dict()
    assert tr.history == ref.history and tr.epoch == ref.epoch


def test_switching_optimizer_keeps_weights_and_starts_fresh():
    X, y = make_dataset("moons", 40, 0.1, 0)
    tr = Trainer(X, y, hidden=(4,), lr=0.05, momentum=0.9)
    tr.run(3)
    w = tr.model.parameter_values()
    tr.optimizer_name = "adam"
    assert tr.step() and tr.step_count == 4 and type(tr.optimizer).__name__ == "Adam"
    assert tr.optimizer.t == 1  # fresh moments: a first Adam step, each |dw| <= lr
    assert max(abs(a - b) for a, b in zip(tr.model.parameter_values(), w, strict=True)) <= 0.05
    tr.optimizer_name = "adamw"
    tr.weight_decay = 0.5
    tr.step()
    assert tr.optimizer.weight_decay == 0.5 and tr.optimizer.t == 1


def test_default_trainer_is_plain_sgd():
    X, y = make_dataset("moons", 40, 0.1, 0)
    tr = Trainer(X, y)
    assert (tr.optimizer_name, type(tr.optimizer).__name__, tr.reg, tr.l2) == ("sgd", "SGD", "none", 0.0)


# --- regularization: reg= and rate=, with l2= kept ---

def test_l2_argument_means_reg_l2():
    X, y = make_dataset("moons", 40, 0.1, 0)
    old = Trainer(X, y, hidden=(4,), l2=0.01)
    new = Trainer(X, y, hidden=(4,), reg="l2", rate=0.01)
    assert (old.reg, old.rate, old.l2) == ("l2", 0.01, 0.01)
    old.run(5)
    new.run(5)
    assert old.model.parameter_values() == new.model.parameter_values() and old.last_loss == new.last_loss
    none = Trainer(X, y, hidden=(4,))
    none.run(5)
    assert none.model.parameter_values() != old.model.parameter_values()
    # setting l2 between steps, as the playground does: L2 on; 0 leaves an L1 set-up alone
    none.l2 = 0.02
    assert (none.reg, none.rate) == ("l2", 0.02)
    l1 = Trainer(X, y, hidden=(4,), reg="l1", rate=0.01)
    l1.l2 = 0.0
    assert (l1.reg, l1.rate, l1.l2) == ("l1", 0.01, 0.0)


def test_bad_optimizer_and_regularization_arguments_raise():
    X, y = make_dataset("moons", 20, 0.1, 0)
    with pytest.raises(ValueError, match="unknown optimizer 'rmsprop'"):
        Trainer(X, y, optimizer="rmsprop")
    with pytest.raises(ValueError, match="unknown regularization"):
        Trainer(X, y, reg="l3")
    with pytest.raises(ValueError, match="not both"):
        Trainer(X, y, l2=0.1, reg="l1", rate=0.1)
    with pytest.raises(ValueError, match="rate must be >= 0"):
        Trainer(X, y, reg="l1", rate=-1.0)
    tr = Trainer(X, y)
    tr.optimizer_name = "lbfgs"
    with pytest.raises(ValueError, match="unknown optimizer"):
        tr.step()
    tr.optimizer_name, tr.weight_decay = "adamw", -0.1
    with pytest.raises(ValueError, match="weight decay"):
        tr.step()


# --- regression and multiclass through the Trainer (problem=) ---

def _mlp_outputs(model, x):
    """Plain-float forward of a tanh MLP (every output), sharing no code with the engines."""
    a = x
    for i, layer in enumerate(model.layers):
        z = [n.b.data + sum(w.data * v for w, v in zip(n.w, a)) for n in layer.neurons]
        a = z if i == len(model.layers) - 1 else [math.tanh(v) for v in z]
    return a


def _reference_task_total(model, X, y, task, l2):
    """Textbook MSE on real targets, or softmax cross-entropy log sum e^z - z_y, mean, + L2."""
    total = 0.0
    for x, t in zip(X.tolist(), y.tolist()):
        z = _mlp_outputs(model, x)
        if task == "regression":
            total += (z[0] - t) ** 2
        else:
            total += math.log(sum(math.exp(v) for v in z)) - z[t]
    return total / len(X) + l2 * sum(p.data ** 2 for p in model.parameters())


@pytest.mark.parametrize("task", ["regression", "multiclass"])
def test_both_engine_seams_give_central_difference_gradients_for_the_new_tasks(task):
    rs = np.random.RandomState(0)
    X = rs.normal(size=(7, 2))
    if task == "regression":
        y, nout, kw = rs.normal(size=7) * 2, 1, dict(loss="mse", regression=True)
    else:
        y, nout, kw = np.array([0, 2, 1, 1, 0, 2, 2]), 3, dict(loss="ce")
    for engine in ("scalar", "tensor"):
        model = MLP(2, [4, nout], activation="tanh", seed=5)
        value, scores, nodes = get_engine(engine)(model, X, y, l2=0.01, **kw)
        assert value == pytest.approx(_reference_task_total(model, X, y, task, 0.01), rel=1e-12)
        expected_scores = [_mlp_outputs(model, x) for x in X.tolist()]
        np.testing.assert_allclose(scores, np.array(expected_scores).reshape(scores.shape), rtol=1e-12, atol=1e-14)
        assert scores.shape == ((7,) if task == "regression" else (7, 3)) and nodes > 0
        h = 1e-6
        for p in model.parameters():
            x0 = p.data
            p.data = x0 + h
            up = _reference_task_total(model, X, y, task, 0.01)
            p.data = x0 - h
            down = _reference_task_total(model, X, y, task, 0.01)
            p.data = x0
            assert p.grad == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-7)


def test_engine_seams_reject_a_loss_that_does_not_fit():
    X, y = np.zeros((2, 2)), np.array([0.5, -0.25])
    for engine in ("scalar", "tensor"):
        fn = get_engine(engine)
        with pytest.raises(ValueError, match="regression trains with loss 'mse' only"):
            fn(MLP(2, [1], seed=0), X, y, loss="hinge", regression=True)
        with pytest.raises(ValueError, match="K >= 2 outputs"):
            fn(MLP(2, [1], seed=0), X, np.array([0, 1]), loss="ce")
        with pytest.raises(ValueError, match="one output"):
            fn(MLP(2, [3], seed=0), X, np.array([1, -1]), loss="hinge")


def test_the_problem_comes_from_problem_and_the_labels():
    Xb, yb = make_dataset("moons", 40, 0.1, 0)
    tr = Trainer(Xb, yb, hidden=(4,))  # unchanged: +-1 labels are binary, one output, hinge
    assert (tr.task, tr.n_classes, tr.n_outputs, tr.loss, tr.metric) == ("binary", 2, 1, "hinge", "acc")
    assert tr.classes.tolist() == [-1, 1] and len(tr.model.layers[-1].neurons) == 1
    assert tuple(tr.history) == tr.history_fields == HISTORY_FIELDS
    Xm, ym = make_dataset("yinyang", 40, 0.1, 0)
    tm = Trainer(Xm, ym, hidden=(4,))  # class indices 0..2: multiclass, 3 logits, softmax cross-entropy
    assert (tm.task, tm.n_classes, tm.n_outputs, tm.loss, tm.metric) == ("multiclass", 3, 3, "ce", "acc")
    assert tm.classes.tolist() == [0, 1, 2] and len(tm.model.layers[-1].neurons) == 3
    Xr, yr = make_dataset("plane", 40, 0.1, 0)
    trg = Trainer(Xr, yr, hidden=(4,), problem="regression")
    assert (trg.task, trg.n_classes, trg.n_outputs, trg.loss, trg.metric, trg.classes) == (
        "regression", 0, 1, "mse", "r2", None)
    assert tuple(trg.history) == trg.history_fields == HISTORY_FIELDS + ("train_r2", "test_r2")
    for name, task in TASKS.items():  # problem=TASKS[name] works for every dataset
        X, y = make_dataset(name, 30, 0.1, 0)
        assert Trainer(X, y, hidden=(), problem=task).task == task
    two = Trainer(Xb, (yb > 0).astype(int), hidden=(), problem="multiclass")  # asked for: a 2-class softmax
    assert (two.n_classes, two.loss) == (2, "ce")


@pytest.mark.parametrize("labels, kw, says", [
    ("01", {}, r"convert 0/1 labels with y \* 2 - 1"),
    ("01", {"problem": "binary"}, r"-1 or \+1"),
    ("plane", {}, "pass problem='regression'"),
    ("yinyang", {"problem": "binary"}, r"-1 or \+1"),
    ("moons", {"problem": "multiclass"}, "class indices"),
    ("moons", {"problem": "ranking"}, "unknown problem 'ranking'"),
    ("nan", {"problem": "regression"}, "finite"),
])
def test_labels_that_do_not_fit_the_problem_raise(labels, kw, says):
    X, y = make_dataset("moons" if labels in ("01", "nan") else labels, 30, 0.1, 0)
    if labels == "01":
        y = (y > 0).astype(int)
    elif labels == "nan":
        y = np.where(y > 0, np.nan, 0.5)
    with pytest.raises(ValueError, match=says):
        Trainer(X, y, **kw)


@pytest.mark.parametrize("name, problem, loss, says", [
    ("plane", "regression", "hinge", "regression trains with loss 'mse' only"),
    ("plane", "regression", "bce", "regression trains with loss 'mse' only"),
    ("plane", "regression", "ce", "regression trains with loss 'mse' only"),
    ("blobs3", "classification", "hinge", "multiclass classification .* trains with loss 'ce'"),
    ("blobs3", "classification", "mse", "multiclass classification .* trains with loss 'ce'"),
    ("blobs3", "classification", "bce", "multiclass classification .* trains with loss 'ce'"),
    ("moons", "classification", "ce", "binary classification .* trains with 'hinge', 'mse' or 'bce'"),
    ("moons", "classification", "l1", "unknown loss 'l1'"),
])
def test_a_loss_the_task_does_not_train_with_raises(name, problem, loss, says):
    X, y = make_dataset(name, 30, 0.1, 0)
    with pytest.raises(ValueError, match=says):
        Trainer(X, y, hidden=(), problem=problem, loss=loss)
    tr = Trainer(X, y, hidden=(), problem=problem)  # set between steps, as the page does: the next step says so
    tr.loss = loss
    with pytest.raises(ValueError, match=says):
        tr.step()
    with pytest.raises(ValueError, match=says):
        tr.evaluate()


AGREEMENT_CASES = {
    "regression, sgd with momentum": ("plane", dict(problem="regression", lr=0.05, momentum=0.5)),
    "regression, adam, minibatches": ("gauss", dict(problem="regression", lr=0.01, optimizer="adam", batch_size=16)),
    "regression, features, l1": ("plane", dict(problem="regression", lr=0.02, features="x1,x2,x1sq,sin1",
                                               reg="l1", rate=0.001)),
    "multiclass, sgd": ("blobs3", dict(lr=0.3)),
    "multiclass, features, l2": ("yinyang", dict(lr=0.1, features="x1,x2,x1sq,x2sq,x1x2", reg="l2", rate=0.001)),
    "multiclass, adamw, l1, minibatches": ("yinyang", dict(hidden=(16, 16), lr=0.01, optimizer="adamw",
                                                           reg="l1", rate=0.001, batch_size=16)),
}


@pytest.mark.parametrize("case", AGREEMENT_CASES)
def test_both_engines_train_the_new_problems_to_the_same_weights(case):
    name, kw = AGREEMENT_CASES[case]
    X, y = make_dataset(name, 80, 0.1, 0)
    a = Trainer(X, y, **kw)
    b = Trainer(X, y, engine="tensor", **kw)
    assert a.run(20) == b.run(20) == 20
    np.testing.assert_allclose(b.model.parameter_values(), a.model.parameter_values(), rtol=0, atol=1e-9)
    for k in a.history_fields:
        np.testing.assert_allclose(b.history[k], a.history[k], rtol=0, atol=1e-9, err_msg=k)
    first, last = a.history["train_loss"][0], a.history["train_loss"][-1]
    assert last < 0.9 * first, (first, last)  # it trained
    if "features" in kw:
        assert a.model.nin == len(kw["features"].split(","))
    if kw.get("reg"):  # the penalty acted: the same run without it ends with larger weights
        plain = Trainer(X, y, **{**kw, "reg": "none"})
        plain.run(20)
        assert sum(abs(w) for w in a.model.parameter_values()) < sum(abs(w) for w in plain.model.parameter_values())
        # the curves' loss is the data loss alone (no penalty): the engine's loss at l2=0 on the final weights
        model = MLP(a.model.nin, list(a.hidden) + [a.n_outputs], activation=a.activation, seed=0)
        model.set_parameter_values(a.model.parameter_values())
        value, _, _ = scalar_loss_and_grads(model, a.inputs(a.X_train), a.y_train, loss=a.loss,
                                            regression=a.task == "regression")
        assert value == pytest.approx(a.current["train_loss"], rel=1e-12)


def test_regression_curves_hold_r2_and_nan_accuracy():
    sk = pytest.importorskip("sklearn.metrics")
    X, y = make_dataset("plane", 60, 0.1, 0)
    tr = Trainer(X, y, hidden=(4,), lr=0.05, problem="regression", history_cap=16)
    tr.run(40)
    cur = tr.current
    assert math.isnan(cur["train_acc"]) and math.isnan(cur["test_acc"])
    assert cur["train_r2"] == pytest.approx(sk.r2_score(tr.y_train, tr.predict(tr.X_train)), rel=1e-12)
    assert cur["test_r2"] == pytest.approx(sk.r2_score(tr.y_test, tr.predict(tr.X_test)), rel=1e-12)
    assert cur["test_loss"] == pytest.approx(sk.mean_squared_error(tr.y_test, tr.predict(tr.X_test)), rel=1e-12)
    assert tr.history["train_r2"][0] < 0.5 < tr.history["train_r2"][-1] == cur["train_r2"]
    assert len({len(v) for v in tr.history.values()}) == 1 and len(tr.history["step"]) <= 17  # downsampled together


def test_multiclass_curves_are_cross_entropy_and_argmax_accuracy():
    sk = pytest.importorskip("sklearn.metrics")
    X, y = make_dataset("yinyang", 90, 0.1, 0)
    tr = Trainer(X, y, hidden=(8,), lr=0.3)
    tr.run(15)
    for part in ("train", "test"):
        Xs, ys = getattr(tr, "X_" + part), getattr(tr, "y_" + part)
        Z = tr.predict(Xs)
        assert Z.shape == (len(ys), 3)
        P = np.exp(Z - Z.max(axis=1, keepdims=True))
        P /= P.sum(axis=1, keepdims=True)
        assert tr.current[part + "_loss"] == pytest.approx(sk.log_loss(ys, P, labels=[0, 1, 2]), rel=1e-10)
        assert tr.current[part + "_acc"] == sk.accuracy_score(ys, Z.argmax(axis=1))
    empty = Trainer(X, y, hidden=(8,), test_fraction=0.0)  # no test set: nan test curves, no error
    assert empty.step() and math.isnan(empty.current["test_loss"]) and math.isnan(empty.current["test_acc"])


def test_predict_class_and_confusion_matrix_equal_sklearn():
    sk = pytest.importorskip("sklearn.metrics")
    X, y = make_dataset("yinyang", 150, 0.1, 0)
    tr = Trainer(X, y, hidden=(8,), lr=0.3)
    tr.run(10)  # partly trained: some points are still wrong, so the matrix has off-diagonal counts
    G = np.random.RandomState(0).uniform(-2, 2, size=(50, 2))
    np.testing.assert_array_equal(tr.predict_class(G), tr.predict(G).argmax(axis=1))
    for part in ("test", "train"):
        Xs, ys = getattr(tr, "X_" + part), getattr(tr, "y_" + part)
        cm = tr.confusion_matrix(part)
        assert cm.dtype == np.int64
        np.testing.assert_array_equal(cm, sk.confusion_matrix(ys, tr.predict_class(Xs), labels=[0, 1, 2]))
        assert cm.sum() == len(ys) and np.trace(cm) / len(ys) == tr.current[part + "_acc"]
    assert tr.confusion_matrix("train").sum() - np.trace(tr.confusion_matrix("train")) > 0
    Xb, yb = make_dataset("moons", 60, 0.3, 0)
    tb = Trainer(Xb, yb, hidden=(), lr=0.1)
    tb.run(5)
    pred = tb.predict_class(tb.X_test)
    np.testing.assert_array_equal(pred, np.where(tb.predict(tb.X_test) > 0, 1, -1))
    np.testing.assert_array_equal(tb.confusion_matrix(), sk.confusion_matrix(tb.y_test, pred, labels=[-1, 1]))
    assert Trainer(Xb, yb, hidden=(), test_fraction=0).confusion_matrix().tolist() == [[0, 0], [0, 0]]
    with pytest.raises(ValueError, match="'test' or 'train'"):
        tb.confusion_matrix("validation")
    Xr, yr = make_dataset("plane", 30, 0.1, 0)
    reg = Trainer(Xr, yr, hidden=(), problem="regression")
    with pytest.raises(ValueError, match="use predict"):
        reg.predict_class(Xr)
    with pytest.raises(ValueError, match="no confusion matrix"):
        reg.confusion_matrix()


@pytest.mark.parametrize("name, kw", [
    ("plane", dict(problem="regression", lr=0.02, batch_size=16)),
    # relu layers: weights of 1e200 multiply to inf (with tanh the logits stay finite, if huge:
    # the cross-entropy's gradient is bounded, so nothing overflows and the guard has no cause to fire)
    ("yinyang", dict(lr=0.1, optimizer="adam", batch_size=16, activation="relu")),
])
def test_divergence_guard_restores_the_new_problems(name, kw):
    X, y = make_dataset(name, 100, 0.1, 0)
    tr = Trainer(X, y, **kw)
    tr.run(20)
    tr.lr = 1e200
    tr.run(5)
    k = tr.restored_step
    assert tr.diverged_at is not None and 0 < k <= 20 and tr.step_count == k
    assert all(math.isfinite(v) for v in tr.model.parameter_values())
    assert all(math.isfinite(v) for v in tr.history["train_loss"])
    ref = Trainer(X, y, **kw)
    ref.run(k)
    for t in (tr, ref):
        t.lr = kw["lr"]
        assert t.run(5) == 5
    assert tr.model.parameter_values() == ref.model.parameter_values()
    assert tr.history == ref.history or all(  # nan accuracies of regression are not == themselves
        np.array_equal(tr.history[f], ref.history[f], equal_nan=True) for f in tr.history_fields)
