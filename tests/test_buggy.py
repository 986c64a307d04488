"""Tests for the lesson-only buggy backward passes (micrograd/lessons/buggy.py)."""

import math

import pytest

from micrograd.engine import Value
from micrograd.gradcheck import central_difference
from micrograd.lessons.buggy import buggy_backward


def test_no_bugs_matches_backward(lecture_graph):
    n = lecture_graph()
    buggy_backward(n["L"])
    got = {k: v.grad for k, v in n.items()}
    n2 = lecture_graph()
    n2["L"].backward()
    assert got == {k: v.grad for k, v in n2.items()}
    assert got["a"] == 6.0 and got["b"] == -4.0


def test_assign_breaks_a_plus_a():
    a = Value(3.0, label="a")
    b = a + a
    b.backward()
    assert a.grad == 2.0
    buggy_backward(b, assign=True)
    assert a.grad == 1.0
    buggy_backward(b)
    assert a.grad == 2.0  # a fresh pass: earlier grads are not kept


def test_assign_fanout_product():
    # e = (a + b) * (b + 1) at a = 2, b = -3: de/da = b + 1 = -2, de/db = (b + 1) + (a + b) = -3
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    e = (a + b) * (b + 1)
    e.backward()
    assert (a.grad, b.grad) == (-2.0, -3.0)
    buggy_backward(e, assign=True)
    assert a.grad == -2.0  # a has one path: unaffected
    # the engine's order processes (b+1) last, so b keeps only that path: (a + b) * 1 = -1
    assert b.grad == -1.0


def test_wrong_tanh_uses_one_minus_t():
    x = Value(0.5, label="x")
    y = x.tanh()
    buggy_backward(y, wrong_tanh=True)
    t = math.tanh(0.5)
    assert x.grad == pytest.approx(1 - t)
    numeric = central_difference(math.tanh, 0.5, 1e-6)
    assert numeric == pytest.approx(1 - t * t, rel=1e-8)
    assert abs(x.grad - numeric) > 0.1
    buggy_backward(y)
    assert x.grad == pytest.approx(numeric, rel=1e-8)


def test_forgot_zero_grad_doubles(lecture_graph):
    n = lecture_graph()
    n["L"].backward()
    n["L"].backward()
    assert n["a"].grad == 12.0 and n["b"].grad == -8.0
