"""Tests for micrograd/lessons/slow_motion.py: the staged step ends in exactly the weights one
Trainer.step() produces, its loss after is the next forward's, and the narration's numbers hold."""

import copy
import math

import numpy as np
import pytest

from micrograd import functional
from micrograd.graph import LIGHT, fmt_number
from micrograd.lessons.microscope import Microscope
from micrograd.lessons.playground import PlaygroundConfig, build_trainer
from micrograd.lessons.slow_motion import slow_motion
from micrograd.train import Trainer


def _weights(t):
    return [p.data for p in t.model.parameters()]


def _state(t):
    return (_weights(t), [p.grad for p in t.model.parameters()], t.step_count, t.epoch, t._pos,
            t._rs.get_state()[1].tolist(), list(t.history["train_loss"]))


@pytest.mark.parametrize("changes", [
    {},  # the default: moons, 8-8 tanh, full batch, SGD lr 0.3
    {"batch_size": 8, "momentum": 0.5, "reg": "l2", "rate": 0.01, "activation": "relu"},
    {"batch_size": 4, "engine": "tensor", "loss": "bce"},
])
def test_stages_end_in_exactly_the_weights_of_one_step(changes):
    t = build_trainer(PlaygroundConfig(n_points=60, **changes))
    t.run(3)
    other = copy.deepcopy(t)
    before = _state(t)
    sm = slow_motion(t)
    assert _state(t) == before  # building the stages does not disturb the trainer
    assert other.step()
    assert sm.weights_after == _weights(other)  # every weight, compared with ==
    assert sm.applied and sm.weights_after != sm.weights_before
    assert sm.apply(t) and _weights(t) == _weights(other) and t.step_count == other.step_count
    assert sm.loss_before == other.last_loss


def test_adam_l1_caption_quotes_the_per_weight_threshold():
    t = build_trainer(PlaygroundConfig(n_points=40, batch_size=8))
    t.optimizer_name, t.reg, t.rate, t.lr = "adam", "l1", 0.01, 0.03
    t.run(2)
    other = copy.deepcopy(t)
    sm = slow_motion(t)
    other.step()
    assert sm.weights_after == _weights(other)
    opt = other.optimizer  # Adam's state after the step: L1's threshold lr·α/(√v̂ + ε), v̂ = v/(1 − β₂ᵗ)
    assert opt.t == 3
    ts = [0.03 * 0.01 / (math.sqrt(v / (1 - 0.999 ** 3)) + 1e-8) for v in opt.v]
    assert max(ts) > 2 * min(ts)  # per weight, not one number
    update = next(s for s in sm.stages if s.kind == "update")
    assert f"lr·α/(√v̂ + ε), α = 0.01: here from {fmt_number(min(ts))} to {fmt_number(max(ts))}" in update.caption
    assert "lr·α = " not in update.caption  # SGD's single threshold is not claimed
    back = next(s for s in sm.stages if s.kind == "backward")
    assert "gradient" in back.caption and "term's gradient" not in back.caption  # L1 is not in ∂L/∂w
    loss = next(s for s in sm.stages if s.kind == "loss")
    assert "plus the L1 term α·Σ|w| (α = 0.01)" in loss.caption


def test_sgd_l1_threshold_and_l2_gradient_wording():
    t = build_trainer(PlaygroundConfig(n_points=40))
    t.reg, t.rate = "l1", 0.02
    t.run(1)
    sm = slow_motion(t)
    update = next(s for s in sm.stages if s.kind == "update")
    assert f"moves each weight lr·α = {fmt_number(0.3 * 0.02)} toward 0" in update.caption
    assert "term's gradient" not in next(s for s in sm.stages if s.kind == "backward").caption
    t.reg, t.rate = "l2", 0.02
    back = next(s for s in slow_motion(t).stages if s.kind == "backward")
    assert "(plus the L2 term's gradient 2·α·w)" in back.caption


def test_adamw_caption_shows_the_decoupled_decay_and_the_numbers_follow_it():
    t = build_trainer(PlaygroundConfig(n_points=40))
    t.optimizer_name, t.weight_decay, t.lr = "adamw", 0.05, 0.01
    t.run(2)
    sm = slow_motion(t)
    other = copy.deepcopy(t)
    other.step()
    update = next(s for s in sm.stages if s.kind == "update")
    assert "first the decoupled weight decay w ← w − lr·λ·w (λ = 0.05" in update.caption
    assert "then w ← w − lr·m̂/(√v̂ + ε)" in update.caption
    opt = other.optimizer  # the rule shown, by hand from the optimizer's moments after the step
    c1, c2 = 1 - 0.9 ** opt.t, 1 - 0.999 ** opt.t
    by_hand = [w - 0.01 * 0.05 * w - 0.01 * (m / c1) / (math.sqrt(v / c2) + 1e-8)
               for w, m, v in zip(sm.weights_before, opt.m, opt.v)]
    assert sm.weights_after == pytest.approx(by_hand, rel=1e-12, abs=1e-15)
    t.optimizer_name = "adam"
    assert "decay" not in next(s for s in slow_motion(t).stages if s.kind == "update").caption


def test_the_batch_is_the_trainers_even_with_duplicate_points():
    rs = np.random.RandomState(0)
    X0 = rs.normal(size=(10, 2))
    X = np.vstack([X0, X0])  # every point twice, with the same label
    y = np.where(X[:, 0] > 0, 1, -1)
    t = Trainer(X, y, hidden=(3,), test_fraction=0.0, batch_size=6, seed=3)
    for _ in range(4):
        expected = t.next_batch_indices().tolist()
        sm = slow_motion(t)
        assert sm.batch == expected and sm.example == expected[0]
        assert sm.apply(t)


@pytest.mark.parametrize("features", [("x1", "x2", "x1sq"), ("x1sq", "x2sq")])
def test_features_are_what_the_step_sees(features):
    rs = np.random.RandomState(0)
    X = rs.normal(size=(40, 2))
    y = np.where((X ** 2).sum(axis=1) > 1.2, 1, -1)
    t = Trainer(X, y, hidden=(4,), test_fraction=0.0, features=features, batch_size=10, seed=1)
    t.run(2)
    other = copy.deepcopy(t)
    sm = slow_motion(t, example=3)
    other.step()
    assert sm.weights_after == _weights(other)
    x = t.X_train[3]
    cols = {"x1": x[0], "x2": x[1], "x1sq": x[0] ** 2, "x2sq": x[1] ** 2}
    assert sm.microscope.x == [cols[f] for f in features]


def test_multiclass_step_narrates_the_k_logits_and_cross_entropy():
    rs = np.random.RandomState(0)
    X = rs.normal(size=(30, 2))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5).astype(int)  # classes 0, 1, 2
    t = Trainer(X, y, hidden=(4,), test_fraction=0.0, problem="multiclass", seed=1)
    t.run(2)
    other = copy.deepcopy(t)
    sm = slow_motion(t, example=2)
    other.step()
    assert sm.weights_after == _weights(other) and sm.loss_before == other.last_loss
    z = t.model.predict(t.X_train[2:3])[0]  # by hand: ℓ = log Σ e^z − z_y
    label = int(t.y_train[2])
    ell = math.log(sum(math.exp(v) for v in z)) - z[label]
    loss = next(s for s in sm.stages if s.kind == "loss")
    assert f"logits z = ({', '.join(fmt_number(v) for v in z)}) and class y = {label}" in loss.caption
    assert f"softmax cross-entropy, one example) is ℓ = log Σₖ e^(z_k) − z_y = {fmt_number(ell)}" in loss.caption
    assert sm.microscope.loss == pytest.approx(ell, rel=1e-12)
    back = next(s for s in sm.stages if s.kind == "backward")
    p = np.exp(z) / np.exp(z).sum()
    assert f"∂ℓ/∂z2[1] = {fmt_number(p[0] - (label == 0))}" in back.caption


def test_regression_step_narrates_the_squared_error_of_the_target():
    rs = np.random.RandomState(0)
    X = rs.normal(size=(30, 2))
    y = 1.5 * X[:, 0] - 0.5 * X[:, 1]
    t = Trainer(X, y, hidden=(3,), test_fraction=0.0, problem="regression", seed=1, lr=0.05)
    t.run(2)
    other = copy.deepcopy(t)
    sm = slow_motion(t, example=4)
    other.step()
    assert sm.weights_after == _weights(other) and sm.loss_before == other.last_loss
    s = t.model.predict(t.X_train[4:5])[0]
    loss = next(st for st in sm.stages if st.kind == "loss")
    assert f"target y = {fmt_number(t.y_train[4])}" in loss.caption
    assert f"ℓ = (s − y)² = {fmt_number((s - t.y_train[4]) ** 2)}" in loss.caption


def test_plain_sgd_update_is_w_minus_lr_grad_and_grad_is_the_batch_mean():
    t = build_trainer(PlaygroundConfig(n_points=40, reg="l2", rate=0.001))
    t.run(2)
    sm = slow_motion(t, example=3)
    assert [w - t.lr * g for w, g in zip(sm.weights_before, sm.grads)] == sm.weights_after
    # ∂L/∂w is the mean of every example's ∂ℓ/∂w (each its own microscope) plus 2·l2·w
    mean = np.zeros(len(sm.grads))
    for n in range(t.n_train):
        m = Microscope.for_trainer(t, n)
        flat = [g for W, b in zip(m.weight_grads(), m.bias_grads()) for j in range(len(b)) for g in [*W[j], b[j]]]
        mean += np.array(flat) / t.n_train
    mean += 2 * t.l2 * np.array(sm.weights_before)
    assert sm.grads == pytest.approx(mean.tolist(), rel=1e-10, abs=1e-14)
    update = next(s for s in sm.stages if s.kind == "update")
    w = update.highlight["weights"][0]
    assert abs(w["after"] - w["before"]) == max(abs(a - b) for a, b in zip(sm.weights_after, sm.weights_before))
    assert f"{w['name']}: {fmt_number(w['before'])} − 0.3 × {fmt_number(w['grad'])} = {fmt_number(w['after'])}" \
        in update.caption


def test_loss_after_is_the_next_forward():
    t = build_trainer(PlaygroundConfig(n_points=40))  # full batch: the next step sees the same batch
    t.run(2)
    sm = slow_motion(t)
    other = copy.deepcopy(t)
    other.step()
    other.step()
    assert sm.loss_after == other.last_loss  # the next step's loss, taken before its update
    assert sm.loss_after < sm.loss_before
    # a mini-batch with L2: the same batch's loss at the new weights, by the numpy forward
    t = build_trainer(PlaygroundConfig(n_points=60, batch_size=8, reg="l2", rate=0.01))
    t.run(3)
    sm = slow_motion(t)
    other = copy.deepcopy(t)
    other.step()
    X, y = t.X_train[sm.batch], t.y_train[sm.batch]
    s = other.model.predict(X)
    expected = functional.data_loss(s, y, "hinge") + 0.01 * sum(w * w for w in _weights(other))
    assert sm.loss_after == pytest.approx(expected, rel=1e-12)
    result = sm.stages[-1]
    assert result.kind == "result" and fmt_number(sm.loss_after) in result.caption


def test_stages_narrate_forward_loss_backward_update():
    t = build_trainer(PlaygroundConfig())
    t.run(5)
    worst = int(np.argmin(t.y_train * t.model.predict(t.X_train)))  # inside the margin: nonzero gradients
    sm = slow_motion(t, example=worst)
    assert [(s.kind, s.layer) for s in sm.stages] == [
        ("forward", 0), ("forward", 1), ("forward", 2), ("loss", None), ("backward", 2), ("backward", 1),
        ("backward", 0), ("update", None), ("result", None)]
    m = sm.microscope
    assert m.index == worst and m.loss > 0
    f0 = sm.stages[0]
    assert f"a1[1] = tanh({fmt_number(m.neurons[(0, 0)].z.data)}) = {fmt_number(m.neurons[(0, 0)].out.data)}" \
        in f0.caption
    assert [r["a"] for r in f0.highlight["neurons"]] == [m.neurons[(0, j)].out.data for j in range(8)]
    loss = sm.stages[3]
    assert f"ℓ = max(0, 1 − y·s) = {fmt_number(m.loss)}" in loss.caption and "batch of 80" in loss.caption
    back = sm.stages[5]
    for e in back.highlight["edges"]:  # ∂ℓ/∂w = local × upstream, the example's share 1/B of it
        assert e["local"] * e["upstream"] == e["grad"]
        assert e["grad"] == m.neurons[(1, e["target"])].weights[e["source"]].grad
        assert e["share"] == e["grad"] / 80
    assert sum(e["grad"] != 0 for e in back.highlight["edges"]) > 32
    assert "whole training set" in back.caption and "1/80" in back.caption
    dot = m.graph(**back.highlight["graph"]).to_string()  # the microscope lights up the stage's layer
    assert dot.count(f'fillcolor="{LIGHT.done}"') == 8 and " × " in dot


def test_a_diverging_step_is_narrated_and_matches_the_guard():
    t = build_trainer(PlaygroundConfig(n_points=40, loss="mse", lr=3.0))  # the "learning rate too high" preset
    probe = copy.deepcopy(t)
    for _ in range(300):  # find the step that diverges
        if not probe.step():
            break
        t.step()
    assert probe.diverged_at == t.step_count + 1
    other = copy.deepcopy(t)
    sm = slow_motion(t)
    assert not other.step() and not sm.applied
    assert sm.weights_after == _weights(other)  # the weights the divergence guard went back to
    update = next(s for s in sm.stages if s.kind == "update")
    assert "diverged" in update.caption and "lower the learning rate" in update.caption


def test_mini_batch_narration_names_the_mean_and_the_share():
    t = build_trainer(PlaygroundConfig(n_points=100, batch_size=8))
    t.run(2)
    sm = slow_motion(t)
    assert len(sm.batch) == 8 and sm.example == sm.batch[0] and sm.copies == 1
    back = next(s for s in sm.stages if s.kind == "backward")
    assert "mini-batch of 8" in back.caption and "share is 1/8" in back.caption
    outside = next(n for n in range(t.n_train) if n not in sm.batch)
    sm = slow_motion(t, example=outside)
    back = next(s for s in sm.stages if s.kind == "backward")
    assert "not in this batch" in back.caption and all(e["share"] == 0 for e in back.highlight["edges"])
    with pytest.raises(IndexError):
        slow_motion(t, example=t.n_train)
