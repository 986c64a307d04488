"""Tests for micrograd.gradcheck: the order of the finite differences' truncation error, the
gradient check on a real MLP, and proof that the check fails on a wrong gradient.
"""

import math
from itertools import pairwise

import pytest

from micrograd.engine import Value
from micrograd.gradcheck import central_difference, check_gradients, forward_difference, relative_error
from micrograd.losses import hinge_loss, l2_penalty, mse_loss
from micrograd.nn import MLP


def f(x):
    return math.sin(x) * math.exp(0.5 * x)


def df(x):  # derived by hand
    return math.exp(0.5 * x) * (math.cos(x) + 0.5 * math.sin(x))


@pytest.mark.parametrize("x", [0.3, 1.1, -2.0])
def test_forward_difference_error_is_first_order(x):
    # halving h halves the error: ratio -> 2
    errs = [abs(forward_difference(f, x, h) - df(x)) for h in (1e-2, 5e-3, 2.5e-3)]
    for e1, e2 in pairwise(errs):
        assert 1.8 < e1 / e2 < 2.2, errs


@pytest.mark.parametrize("x", [0.3, 1.1, -2.0])
def test_central_difference_error_is_second_order(x):
    # halving h quarters the error: ratio -> 4
    errs = [abs(central_difference(f, x, h) - df(x)) for h in (1e-1, 5e-2, 2.5e-2)]
    for e1, e2 in pairwise(errs):
        assert 3.6 < e1 / e2 < 4.4, errs


def test_differences_exact_on_a_line_and_central_exact_on_a_parabola():
    assert forward_difference(lambda t: 3 * t + 1, 2.0, 0.5) == pytest.approx(3.0, rel=1e-14)
    assert central_difference(lambda t: t * t, 2.0, 0.5) == pytest.approx(4.0, rel=1e-14)
    assert forward_difference(lambda t: t * t, 2.0, 0.5) == pytest.approx(4.5, rel=1e-14)  # 2x + h


def test_differences_accept_value_returning_functions():
    g = lambda t: Value(t) ** 2  # noqa: E731
    assert central_difference(g, 3.0, 1e-3) == pytest.approx(6.0, rel=1e-9)
    assert forward_difference(g, 3.0, 1e-3) == pytest.approx(6.001, rel=1e-9)


@pytest.mark.parametrize("h", [0.0, -1e-3])
def test_bad_step_raises(h):
    with pytest.raises(ValueError):
        forward_difference(f, 1.0, h)
    with pytest.raises(ValueError):
        central_difference(f, 1.0, h)


def test_relative_error():
    assert relative_error(2.0, 2.0) == 0.0
    assert relative_error(1.0, 1.1) == pytest.approx(0.1 / 1.1, rel=1e-14)
    assert relative_error(-1.0, 1.0) == pytest.approx(2.0)
    assert relative_error(0.0, 1e-15) == pytest.approx(1e-15 / 1e-12)  # floor keeps it finite
    assert relative_error(1.0, 1.1) == relative_error(1.1, 1.0)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_check_gradients_on_a_small_mlp(activation):
    model = MLP(2, [4, 3, 1], activation=activation, seed=2)
    xs = [[0.5, -1.2], [1.3, 0.4], [-0.7, 0.9]]
    ys = [1, -1, 1]
    params = model.parameters()
    before = model.parameter_values()
    calls = []

    def loss_fn():
        calls.append(1)
        return mse_loss([model(x) for x in xs], ys) + l2_penalty(params, 1e-3)

    rows = check_gradients(loss_fn, params, h=1e-6)
    assert len(rows) == len(params) and [r["index"] for r in rows] == list(range(len(params)))
    assert len(calls) == 2 * len(params) + 1
    assert model.parameter_values() == before  # data restored exactly
    for r, p in zip(rows, params, strict=True):
        assert set(r) >= {"index", "autograd", "numeric", "abs_error", "rel_error"}
        assert r["autograd"] == p.grad  # gradients left in p.grad
        assert r["abs_error"] == abs(r["autograd"] - r["numeric"])
        assert r["rel_error"] < 1e-6 or r["abs_error"] < 1e-9, r
    assert any(abs(r["autograd"]) > 1e-3 for r in rows)  # not a trivial all-zero check


def test_check_gradients_resets_grads_first():
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    params = model.parameters()
    for p in params:
        p.grad = 123.0  # stale gradients must not leak into the check

    def loss_fn():
        return hinge_loss([model([0.2, 0.3])], [1])

    rows = check_gradients(loss_fn, params)
    for r in rows:
        assert r["autograd"] == pytest.approx(r["numeric"], rel=1e-6, abs=1e-9)
    assert any(abs(r["numeric"]) > 1e-3 for r in rows)
    assert all(abs(p.grad) < 100 for p in params)


def _bad_sin(v):
    """sin(v) with a deliberately wrong derivative: sin(v) instead of cos(v).

    Built from public ops only: (v - v0) * sin(v0) + sin(v0) has the value sin(v0) at
    v = v0, and its autograd slope is sin(v0), while the true slope of sin is cos(v0).
    """
    v0 = v.data
    return (v - v0) * math.sin(v0) + math.sin(v0)


def test_check_gradients_catches_a_wrong_local_derivative():
    w = [Value(0.4), Value(-1.1)]

    def loss_fn():
        return _bad_sin(w[0]) * w[1] + w[1] ** 2

    rows = check_gradients(loss_fn, w)
    # w0: autograd says sin(0.4) * w1, the truth is cos(0.4) * w1
    assert rows[0]["numeric"] == pytest.approx(math.cos(0.4) * -1.1, rel=1e-8)
    assert rows[0]["autograd"] == pytest.approx(math.sin(0.4) * -1.1, rel=1e-12)
    assert rows[0]["rel_error"] > 0.5
    # w1 is unaffected by the bug: sin(0.4) + 2 w1
    assert rows[1]["rel_error"] < 1e-8


def test_check_gradients_catches_a_missing_local_derivative():
    # a node built by hand with Value(data, children, op) has no local derivatives
    w = [Value(1.5)]

    def loss_fn():
        return Value(w[0].data ** 2, (w[0],), "sq")

    rows = check_gradients(loss_fn, w)
    assert rows[0]["autograd"] == 0.0
    assert rows[0]["numeric"] == pytest.approx(3.0, rel=1e-8)
    assert rows[0]["rel_error"] == pytest.approx(1.0)


@pytest.mark.parametrize("a,b", [(math.nan, 1.0), (math.inf, 1.0), (-math.inf, math.inf), (1.0, math.nan)])
def test_relative_error_of_a_nonfinite_value_is_inf_never_nan(a, b):
    assert relative_error(a, b) == math.inf


def test_a_nan_gradient_fails_the_check_instead_of_hiding_from_max():
    # sqrt(p^2) at p = 0: backward's local derivative is inf * 0 = nan, the central difference is 0
    q, p = Value(0.7), Value(0.0)
    rows = check_gradients(lambda: q * q + (p * p) ** 0.5, [q, p])
    assert math.isnan(rows[1]["autograd"])
    assert max(r["rel_error"] for r in rows) == math.inf


def test_check_gradients_rejects_a_nonpositive_step():
    p = Value(1.0)
    with pytest.raises(ValueError, match="h must be > 0"):
        check_gradients(lambda: p * p, [p], h=0.0)
