"""Tests for micrograd.optim: SGD against hand-computed update sequences (PyTorch's
formulation; the torch.optim.SGD comparison is in test_torch_crosscheck.py), Adam and AdamW
against torch.optim and a hand-derived first step, and the L1 proximal step.
"""

import math

import pytest

from micrograd.engine import Value
from micrograd.optim import OPTIMIZERS, SGD, Adam, AdamW, soft_threshold


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


# --- Adam and AdamW ---

# a fixed, varied gradient sequence: 10 steps x 4 parameters (signs flip, one gradient is 0
# at times, magnitudes from 1e-6 to 1e3), so the moments and bias corrections are exercised
GRADS = [[math.sin(1.7 * t + k) * 10.0 ** (k - 2) if (t + k) % 5 else 0.0 for k in range(4)] for t in range(1, 11)]
W0 = [0.5, -1.25, 3.0, 1e-3]


def feed(opt, grads=GRADS):
    """Apply each gradient vector of `grads` with opt.step(); return the weights after each step."""
    trace = []
    for g in grads:
        for p, gi in zip(opt.params, g, strict=True):
            p.grad = gi
        opt.step()
        trace.append([p.data for p in opt.params])
    return trace


def torch_feed(torch_opt_cls, grads=GRADS, **kwargs):
    torch = pytest.importorskip("torch")
    ps = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in W0]
    opt = torch_opt_cls(ps, **kwargs)
    trace = []
    for g in grads:
        for p, gi in zip(ps, g, strict=True):
            p.grad = torch.tensor(gi, dtype=torch.float64)
        opt.step()
        trace.append([p.item() for p in ps])
    return trace


@pytest.mark.parametrize(("ours_cls", "torch_name", "kwargs"), [
    (Adam, "Adam", dict(lr=0.001)), (Adam, "Adam", dict(lr=0.1, betas=(0.8, 0.99), eps=1e-6)),
    (AdamW, "AdamW", dict(lr=0.001)), (AdamW, "AdamW", dict(lr=0.05, weight_decay=0.3)),
    (AdamW, "AdamW", dict(lr=0.1, weight_decay=0.0)),
])
def test_adam_and_adamw_first_10_updates_equal_torch(ours_cls, torch_name, kwargs):
    torch = pytest.importorskip("torch")
    ours = feed(ours_cls([Value(w) for w in W0], **kwargs))
    ref = torch_feed(getattr(torch.optim, torch_name), **kwargs)
    for a, b in zip(ours, ref, strict=True):
        assert a == pytest.approx(b, rel=1e-12, abs=1e-12)
    assert ours[-1] != W0  # it moved


def test_adamw_differs_from_adam_by_the_decoupled_decay_only():
    # with zero gradients Adam does not move; AdamW shrinks every weight by (1 - lr wd) a step
    adam, adamw = Adam([Value(w) for w in W0], lr=0.1), AdamW([Value(w) for w in W0], lr=0.1, weight_decay=0.5)
    zeros = [[0.0] * 4] * 3
    assert feed(adam, zeros)[-1] == W0
    assert feed(adamw, zeros)[-1] == pytest.approx([w * 0.95 ** 3 for w in W0], rel=1e-15)


@pytest.mark.parametrize("g", [1e-6, -3.0, 2.5e4])
def test_adam_first_step_moves_by_lr_hand_derived(g):
    # t = 1: m = (1 - b1) g and v = (1 - b2) g^2, so m_hat = g and v_hat = g^2 after the bias
    # corrections, and the step is lr * g / (|g| + eps): lr itself when eps is negligible (1e-300 beside |g|)
    p = Value(2.0)
    opt = Adam([p], lr=0.01, eps=1e-300)
    p.grad = g
    opt.step()
    assert p.data - 2.0 == pytest.approx(-math.copysign(0.01, g), rel=1e-12)
    q = Value(2.0)
    opt = Adam([q], lr=0.01)  # eps = 1e-8
    q.grad = g
    opt.step()
    assert q.data - 2.0 == pytest.approx(-0.01 * g / (abs(g) + 1e-8), rel=1e-12)
    assert (opt.t, opt.m[0], opt.v[0]) == (1, pytest.approx(0.1 * g), pytest.approx(0.001 * g * g))


def test_adam_second_step_hand_derived():
    # g1 = 1, g2 = -1, b = (0.5, 0.5), eps = 1e-300 (negligible): m2 = 0.25 - 0.5 = -0.25, v2 = 0.25 + 0.5 = 0.75;
    # m_hat = -0.25 / 0.75 = -1/3, v_hat = 0.75 / 0.75 = 1: the second step is +lr/3
    p = Value(0.0)
    opt = Adam([p], lr=0.3, betas=(0.5, 0.5), eps=1e-300)
    feed(opt, [[1.0], [-1.0]])
    assert p.data == pytest.approx(-0.3 + 0.1, rel=1e-14)


def test_optimizer_state_round_trip_continues_exactly():
    # save after 4 steps, take 3 more, load: the next 6 are those of an uninterrupted run
    for make in (lambda ps: SGD(ps, lr=0.1, momentum=0.9), lambda ps: Adam(ps, lr=0.1),
                 lambda ps: AdamW(ps, lr=0.1, weight_decay=0.1)):
        ref = make([Value(w) for w in W0])
        want = feed(ref)
        opt = make([Value(w) for w in W0])
        feed(opt, GRADS[:4])
        saved, weights = opt.state_dict(), [p.data for p in opt.params]
        feed(opt, GRADS[4:7])
        opt.load_state_dict(saved)
        for p, w in zip(opt.params, weights, strict=True):
            p.data = w
        assert feed(opt, GRADS[4:]) == want[4:]


@pytest.mark.parametrize("kwargs", [dict(lr=0.0), dict(lr=0.1, betas=(0.9, 1.0)), dict(lr=0.1, betas=(-0.1, 0.9)),
                                    dict(lr=0.1, eps=-1.0), dict(lr=0.1, eps=0.0), dict(lr=float("nan"))])
def test_adam_bad_hyperparameters_raise_valueerror(kwargs):
    with pytest.raises(ValueError):
        Adam([Value(1.0)], **kwargs)
    with pytest.raises(ValueError):
        AdamW([Value(1.0)], **kwargs)
    with pytest.raises(ValueError, match="weight decay"):
        AdamW([Value(1.0)], weight_decay=-0.1)


def test_adam_eps_zero_is_refused_not_a_zero_division_later():
    # eps = 0 with a gradient that has been exactly 0 so far would compute 0.0 / 0.0 at the first step
    with pytest.raises(ValueError, match="eps must be > 0"):
        Adam([Value(1.0)], eps=0.0)
    opt = Adam([Value(1.0)])
    opt.eps = 0.0  # set between steps: refused at the step, before any division
    with pytest.raises(ValueError, match="eps must be > 0"):
        opt.step()


def test_adam_l1_zeroes_a_never_moved_parameter_in_one_step():
    # gradient 0 on every step so far: v_hat = 0, so the L1 threshold is lr * l1 / eps = 1e-3 * 0.1 / 1e-8 = 1e4
    p, q = Value(3.0), Value(3.0)
    opt = Adam([p, q], lr=1e-3, l1=0.1)
    p.grad, q.grad = 0.0, 0.5
    opt.step()
    assert p.data == 0.0
    assert q.data == pytest.approx(3.0 - 1e-3 * 0.5 / (0.5 + 1e-8) - 1e-3 * 0.1 / (0.5 + 1e-8), rel=1e-12)


def test_state_is_finite_sees_adams_v_overflow():
    # g = 1e156: (1 - b2) * g * g = 1e309 overflows to inf in v without an exception; every later update is m / inf = 0
    p = Value(1.0)
    opt = Adam([p], lr=0.1)
    assert opt.state_is_finite()
    p.grad = 1e156
    opt.step()
    assert math.isinf(opt.v[0]) and math.isfinite(p.data)
    assert not opt.state_is_finite()
    before = p.data
    p.grad = 1.0
    opt.step()
    assert p.data == before  # frozen: what the Trainer must not let happen silently
    sgd = SGD([Value(1.0)], lr=0.1, momentum=0.9)
    assert sgd.state_is_finite()  # velocity None before the first step
    sgd.params[0].grad = 1.0
    sgd.step()
    assert sgd.state_is_finite()
    sgd.velocity[0] = math.inf
    assert not sgd.state_is_finite()


def test_registry_names():
    assert OPTIMIZERS == {"sgd": SGD, "adam": Adam, "adamw": AdamW}


# --- the L1 proximal step ---

def test_soft_threshold_hand_values():
    assert [soft_threshold(x, 0.1) for x in (0.5, -0.5, 0.05, -0.1, 0.0)] == [0.4, -0.4, 0.0, 0.0, 0.0]
    assert math.isnan(soft_threshold(float("nan"), 0.1))


def test_sgd_l1_step_lands_on_zero_instead_of_crossing_it():
    # p = 0.3, 0.02, -0.02 with gradient 0: each moves by lr * l1 = 0.05 toward 0, and stops at 0
    ps = [Value(0.3), Value(0.02), Value(-0.02)]
    opt = SGD(ps, lr=0.5, l1=0.1)
    opt.step()
    assert [p.data for p in ps] == [pytest.approx(0.25, rel=1e-15), 0.0, 0.0]
    # a gradient step first, then the threshold: 1 - 0.5 * 1 = 0.5, then 0.45
    ps[0].data, ps[0].grad = 1.0, 1.0
    opt.step()
    assert ps[0].data == pytest.approx(0.45, rel=1e-15)


def test_adam_l1_threshold_is_scaled_as_its_step():
    # t = 1, g = 0.2: the Adam step is lr * g / |g| = lr (eps = 1e-300, negligible), the threshold lr * l1 / |g|
    p, q = Value(1.0), Value(0.012)
    opt = Adam([p, q], lr=0.01, eps=1e-300, l1=0.1)
    p.grad = q.grad = 0.2
    opt.step()
    assert p.data == pytest.approx(1.0 - 0.01 - 0.01 * 0.1 / 0.2, rel=1e-14)
    assert q.data == 0.0  # 0.012 - 0.01 = 0.002 <= the threshold 0.005: exactly 0
    with pytest.raises(ValueError, match="L1 rate"):
        Adam([p], l1=-1.0)
    with pytest.raises(ValueError, match="L1 rate"):
        SGD([p], l1=float("nan"))
