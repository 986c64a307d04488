"""Tests for micrograd.optim.SGD against hand-computed update sequences
(PyTorch's formulation; the torch.optim.SGD comparison is in test_torch_crosscheck.py).
"""

import pytest

from micrograd.engine import Value
from micrograd.optim import SGD


def run(opt, p, steps):
    """Minimise f(p) = p^2 (gradient 2p) for `steps` steps; return p after each step."""
    trace = []
    for _ in range(steps):
        opt.zero_grad()
        (p * p).backward()
        opt.step()
        trace.append(p.data)
    return trace


def test_plain_sgd_hand_sequence():
    # p <- p - 0.1 * 2p = 0.8 p: 1 -> 0.8 -> 0.64 -> 0.512
    p = Value(1.0)
    trace = run(SGD([p], lr=0.1), p, 3)
    assert trace == pytest.approx([0.8, 0.64, 0.512], rel=1e-15)


def test_momentum_hand_sequence():
    # v1 = g1 = 2;            p1 = 1 - 0.1 * 2        = 0.8
    # g2 = 1.6, v2 = 0.9*2 + 1.6 = 3.4;    p2 = 0.8 - 0.34  = 0.46
    # g3 = 0.92, v3 = 0.9*3.4 + 0.92 = 3.98; p3 = 0.46 - 0.398 = 0.062
    p = Value(1.0)
    opt = SGD([p], lr=0.1, momentum=0.9)
    trace = run(opt, p, 3)
    assert trace == pytest.approx([0.8, 0.46, 0.062], rel=1e-13)


def test_two_parameters_keep_separate_velocities():
    # f = a^2 + 3b: grads 2a and 3
    a, b = Value(2.0), Value(0.0)
    opt = SGD([a, b], lr=0.5, momentum=0.5)
    for _ in range(2):
        opt.zero_grad()
        (a * a + 3 * b).backward()
        opt.step()
    # a: g1=4, v1=4, a1=0; g2=0, v2=2, a2=-1.   b: v1=3, b1=-1.5; v2=4.5, b2=-3.75
    assert a.data == pytest.approx(-1.0, rel=1e-15)
    assert b.data == pytest.approx(-3.75, rel=1e-15)


def test_learning_rate_can_change_between_steps():
    p = Value(1.0)
    opt = SGD([p], lr=0.1)
    run(opt, p, 1)
    opt.lr = 0.25
    run(opt, p, 1)
    assert p.data == pytest.approx(0.8 * 0.5, rel=1e-15)  # 0.8 - 0.25 * 1.6


def test_step_reads_grad_without_zeroing_it():
    p = Value(1.0)
    opt = SGD([p], lr=0.1)
    p.grad = 3.0
    opt.step()
    assert p.data == pytest.approx(0.7, rel=1e-15) and p.grad == 3.0
    opt.zero_grad()
    assert p.grad == 0.0


def test_params_can_be_a_generator():
    ps = (Value(float(i)) for i in range(3))
    opt = SGD(ps, lr=1.0)
    for p in opt.params:
        p.grad = 1.0
    opt.step()
    assert [p.data for p in opt.params] == [-1.0, 0.0, 1.0]


@pytest.mark.parametrize("kwargs", [dict(lr=0.0), dict(lr=-0.1), dict(lr=0.1, momentum=1.0),
                                    dict(lr=0.1, momentum=-0.1), dict(lr=float("nan"))])
def test_bad_hyperparameters_raise_valueerror(kwargs):
    with pytest.raises(ValueError):
        SGD([Value(1.0)], **kwargs)


def test_bad_learning_rate_set_later_raises_on_step():
    opt = SGD([Value(1.0)], lr=0.1)
    opt.lr = -1.0
    with pytest.raises(ValueError):
        opt.step()
