"""Tests for micrograd.losses: values against hand-computed numbers, gradients against
central finite differences, numerical stability of BCE on logits.
"""

import math

import pytest

from micrograd.engine import Value
from micrograd.losses import (
    LOSSES,
    accuracy,
    bce_with_logits_loss,
    cross_entropy_loss,
    hinge_loss,
    l2_penalty,
    mse_loss,
)

SCORES = [0.5, -2.0, 3.0, 0.0]
YS = [1, 1, -1, -1]


def hinge_ref(scores, ys):
    return sum(max(0.0, 1 - y * s) for s, y in zip(scores, ys, strict=True)) / len(ys)


def mse_ref(scores, ys):
    return sum((s - y) ** 2 for s, y in zip(scores, ys, strict=True)) / len(ys)


def bce_ref(scores, ys):
    # -log p(true class), p = sigmoid(y z), with log1p: log(1 + e^(-y z))
    total = 0.0
    for s, y in zip(scores, ys, strict=True):
        m = -y * s
        total += m + math.log1p(math.exp(-m)) if m > 0 else math.log1p(math.exp(m))
    return total / len(ys)


def grads(loss_fn, scores, ys):
    vs = [Value(s) for s in scores]
    out = loss_fn(vs, ys)
    out.backward()
    return out, [v.grad for v in vs]


def central_grads(ref, scores, ys, h=1e-6):
    out = []
    for k in range(len(scores)):
        up, down = list(scores), list(scores)
        up[k] += h
        down[k] -= h
        out.append((ref(up, ys) - ref(down, ys)) / (2 * h))
    return out


def test_hinge_value_by_hand():
    # margins 1 - y s: 0.5, 3, 4, 1 -> mean 8.5 / 4
    out, g = grads(hinge_loss, SCORES, YS)
    assert out.data == pytest.approx(8.5 / 4, rel=1e-15)
    # d/ds_i = -y_i / n where the margin is positive
    assert g == pytest.approx([-0.25, -0.25, 0.25, 0.25], rel=1e-15)


def test_hinge_is_zero_beyond_the_margin():
    out, g = grads(hinge_loss, [2.0, -1.5], [1, -1])
    assert out.data == 0.0 and g == [0.0, 0.0]


def test_mse_value_by_hand():
    # (0.5-1)^2 + (-2-1)^2 + (3+1)^2 + (0+1)^2 = 0.25 + 9 + 16 + 1
    out, g = grads(mse_loss, SCORES, YS)
    assert out.data == pytest.approx(26.25 / 4, rel=1e-15)
    assert g == pytest.approx([2 * (s - y) / 4 for s, y in zip(SCORES, YS, strict=True)], rel=1e-15)


def test_bce_value_by_hand():
    out, g = grads(bce_with_logits_loss, SCORES, YS)
    want = (math.log(1 + math.exp(-0.5)) + math.log(1 + math.exp(2.0)) + math.log(1 + math.exp(3.0))
            + math.log(2.0)) / 4
    assert out.data == pytest.approx(want, rel=1e-14)
    # d/dz of log(1 + e^(-y z)) = -y sigmoid(-y z)
    sig = lambda t: 1 / (1 + math.exp(-t))  # noqa: E731
    assert g == pytest.approx([-y * sig(-y * s) / 4 for s, y in zip(SCORES, YS, strict=True)], rel=1e-12)


@pytest.mark.parametrize("loss,ref", [(hinge_loss, hinge_ref), (mse_loss, mse_ref),
                                      (bce_with_logits_loss, bce_ref)])
@pytest.mark.parametrize("scores,ys", [([0.3, -1.7, 2.2], [1, -1, -1]), ([-0.05, 4.0, -3.5, 1.2, 0.9],
                                                                          [1, -1, 1, 1, -1])])
def test_loss_gradients_match_central_differences(loss, ref, scores, ys):
    out, g = grads(loss, scores, ys)
    assert out.data == pytest.approx(ref(scores, ys), rel=1e-12)
    assert g == pytest.approx(central_grads(ref, scores, ys), rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("z,y,value,grad", [
    (1000.0, 1, 0.0, 0.0),       # confidently right
    (-1000.0, 1, 1000.0, -1.0),  # confidently wrong: loss = |z|, slope -y
    (1000.0, -1, 1000.0, 1.0),
    (-1000.0, -1, 0.0, 0.0),
])
def test_bce_is_stable_at_huge_logits(z, y, value, grad):
    out, g = grads(bce_with_logits_loss, [z], [y])
    assert math.isfinite(out.data) and out.data == pytest.approx(value, abs=1e-12)
    assert math.isfinite(g[0]) and g[0] == pytest.approx(grad, abs=1e-12)


@pytest.mark.parametrize("z", [30.0, 40.0, 60.0])
def test_bce_far_from_the_boundary(z):
    # loss log(1 + e^-z) is tiny: exact to an absolute 1e-15 (1 + e^-z rounds in float64),
    # and the gradient -sigmoid(-z) keeps full relative precision
    out, g = grads(bce_with_logits_loss, [z], [1])
    assert out.data >= 0.0
    assert abs(out.data - math.log1p(math.exp(-z))) < 1e-15
    assert g[0] == pytest.approx(-math.exp(-z) / (1 + math.exp(-z)), rel=1e-12, abs=0.0)


def test_bce_gradient_at_logit_zero_is_minus_half_y_over_n():
    ys = [1, -1, 1, 1, -1]
    out, g = grads(bce_with_logits_loss, [0.0] * len(ys), ys)
    assert out.data == pytest.approx(math.log(2.0), rel=1e-15)
    assert g == [pytest.approx(-y / 2 / len(ys), rel=1e-15) for y in ys]


def test_losses_accept_numpy_labels():
    import numpy as np

    ys = np.array([1, -1, -1], dtype=np.int64)
    scores = [Value(0.2), Value(0.4), Value(-3.0)]
    from micrograd.losses import TASK_LOSSES

    for name in TASK_LOSSES["binary"]:
        out = LOSSES[name](scores, ys)
        assert isinstance(out, Value), name
        assert type(out.data) is float


def test_losses_registry():
    assert set(LOSSES) == {"hinge", "mse", "bce", "ce"}
    assert LOSSES["hinge"] is hinge_loss and LOSSES["mse"] is mse_loss
    assert LOSSES["bce"] is bce_with_logits_loss and LOSSES["ce"] is cross_entropy_loss


@pytest.mark.parametrize("fn", [hinge_loss, mse_loss, bce_with_logits_loss, accuracy])
def test_loss_length_errors(fn):
    with pytest.raises(ValueError):
        fn([Value(1.0), Value(2.0)], [1])
    with pytest.raises(ValueError):
        fn([], [])


def test_l2_penalty_value_and_gradient():
    ps = [Value(0.5), Value(-2.0), Value(3.0)]
    out = l2_penalty(ps, 1e-2)
    assert out.data == pytest.approx(1e-2 * (0.25 + 4 + 9), rel=1e-15)
    out.backward()
    assert [p.grad for p in ps] == pytest.approx([2e-2 * p.data for p in ps], rel=1e-15)
    zero = l2_penalty(ps, 0.0)
    assert isinstance(zero, Value) and zero.data == 0.0
    assert l2_penalty([], 0.1).data == 0.0


def test_accuracy():
    scores = [Value(0.5), Value(-1.0), Value(0.0), Value(2.0)]
    assert accuracy(scores, [1, 1, -1, -1]) == pytest.approx(2 / 4)  # score 0 counts as -1
    assert accuracy([0.3, -0.2], [1, -1]) == 1.0  # plain floats too
    assert accuracy([0.3, -0.2], [-1, 1]) == 0.0


@pytest.mark.parametrize("loss", [hinge_loss, mse_loss, bce_with_logits_loss])
def test_labels_other_than_plus_minus_one_are_rejected(loss):
    with pytest.raises(ValueError, match="-1 or \\+1"):
        loss([Value(0.5), Value(-0.5)], [1, 0])


def test_task_losses_is_the_one_rule_of_which_loss_trains_which_task():
    import numpy as np

    from micrograd.data import TASKS
    from micrograd.losses import TASK_LOSSES, check_loss, check_task_loss
    from micrograd.tensor import Tensor
    from micrograd.tensor.losses import mse_loss as tensor_mse_loss
    from micrograd.train import Trainer

    assert set(TASKS.values()) == set(TASK_LOSSES)  # the task names: one list
    assert {n for losses in TASK_LOSSES.values() for n in losses} == set(LOSSES)  # every loss trains a task
    for task, valid in TASK_LOSSES.items():
        for name in LOSSES:
            if name in valid:
                check_task_loss(task, name)
            else:
                with pytest.raises(ValueError, match=f"{task}.* trains with"):
                    check_task_loss(task, name)
    with pytest.raises(ValueError, match="unknown loss 'l9': regression trains with loss 'mse' only"):
        check_task_loss("regression", "l9")
    # the engines' seam check says the same as the Trainer's, from the same table
    with pytest.raises(ValueError) as seam:
        check_loss("hinge", 1, regression=True)
    X, y = np.zeros((10, 2)), np.linspace(-1, 1, 10)
    with pytest.raises(ValueError) as trainer:
        Trainer(X, y, problem="regression", loss="hinge", hidden=())
    assert str(seam.value) == str(trainer.value)
    assert "regression trains with loss 'mse' only" in str(seam.value)
    # finite targets: one check and one message for both engines' losses and the Trainer's labels
    messages = set()
    for bad in (math.nan, math.inf):
        for call in (lambda b=bad: mse_loss([Value(0.0)] * 2, [0.0, b], regression=True),
                     lambda b=bad: tensor_mse_loss(Tensor([0.0, 0.0]), [0.0, b], regression=True),
                     lambda b=bad: Trainer(X, np.r_[y[:-1], b], problem="regression", hidden=())):
            with pytest.raises(ValueError, match="finite real numbers") as err:
                call()
            messages.add(str(err.value).split(", got")[0])
    assert len(messages) == 1
