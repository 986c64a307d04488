"""Tests for micrograd/lessons/slow_motion.py: the staged step ends in exactly the weights one
Trainer.step() produces, its loss after is the next forward's, and the narration's numbers hold."""

import copy

import numpy as np
import pytest

from micrograd import functional
from micrograd.graph import LIGHT, fmt_number
from micrograd.lessons.microscope import Microscope
from micrograd.lessons.playground import PlaygroundConfig, build_trainer
from micrograd.lessons.slow_motion import slow_motion


def _weights(t):
    return [p.data for p in t.model.parameters()]


def _state(t):
    return (_weights(t), [p.grad for p in t.model.parameters()], t.step_count, t.epoch, t._pos,
            t._rs.get_state()[1].tolist(), list(t.history["train_loss"]))


@pytest.mark.parametrize("changes", [
    {},  # the default: moons, 8-8 tanh, full batch, SGD lr 0.3
    {"batch_size": 8, "momentum": 0.5, "l2": 0.01, "activation": "relu"},
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


def test_adam_and_l1_steps_are_the_trainers_too():
    t = build_trainer(PlaygroundConfig(n_points=40, batch_size=8))
    if not hasattr(t, "optimizer_name"):
        pytest.skip("this Trainer has no optimizer choice")
    t.optimizer_name, t.reg, t.rate, t.lr = "adam", "l1", 0.01, 0.03
    t.run(2)
    other = copy.deepcopy(t)
    sm = slow_motion(t)
    other.step()
    assert sm.weights_after == _weights(other)
    update = next(s for s in sm.stages if s.kind == "update")
    assert "Adam" in update.caption and "L1" in update.caption


def test_plain_sgd_update_is_w_minus_lr_grad_and_grad_is_the_batch_mean():
    t = build_trainer(PlaygroundConfig(n_points=40, l2=0.001))
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
    t = build_trainer(PlaygroundConfig(n_points=60, batch_size=8, l2=0.01))
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
