"""micrograd/lessons/derivatives_catalogue.py: the picker's functions, by the engine against hand derivatives."""

import math

import numpy as np
import pytest
from conftest import EXACT_DERIVATIVES as EXACT

from micrograd.engine import Value
from micrograd.expr import ExpressionError
from micrograd.lessons import derivatives as lesson
from micrograd.lessons import derivatives_catalogue as catalogue


def test_catalogue_lists_the_hand_derived_functions_in_order_then_custom():
    # every built-in entry has its hand-derived f, f' in EXACT (checked below), in the README's order
    assert [c.key for c in catalogue.CATALOGUE] == [*EXACT, "custom"]
    # the page opens on the home page's example: f(x) = x^2 at 3, f = 9, f' = 6
    from micrograd.lessons.tour import tour

    r = tour()
    start = catalogue.make_function(catalogue.DEFAULT_KEY).value_and_grad(lesson.DEFAULT_X)
    assert start == (r["f"], r["dfdx"]) == (9, 6)


@pytest.mark.parametrize("key", sorted(EXACT))
@pytest.mark.parametrize("x", [-2.3, 0.7, 3.0])
def test_engine_value_and_grad_match_hand_derivatives(key, x):
    f, df = EXACT[key]
    fx, slope = catalogue.make_function(key).value_and_grad(x)
    assert fx == pytest.approx(f(x), rel=1e-14, abs=1e-15)
    assert slope == pytest.approx(df(x), rel=1e-13, abs=1e-15)


def test_sin_is_built_from_engine_ops_and_matches_cos():
    xs = np.linspace(-12, 12, 961)
    worst_value = worst_grad = 0.0
    for t in xs:
        leaf = Value(float(t))
        out = catalogue.sin_value(leaf)
        out.backward()
        worst_value = max(worst_value, abs(out.data - math.sin(t)))
        worst_grad = max(worst_grad, abs(leaf.grad - math.cos(t)))
    assert worst_value < 2e-15 and worst_grad < 2e-15
    ops = {v.op for v in catalogue.sin_value(Value(1.0)).topo_order()}
    assert ops <= {"", "+", "-", "*", "/", "neg"}  # no math.sin anywhere in the graph


def test_custom_expression():
    fn = catalogue.make_function("custom", "x**3 - 2*x")
    assert fn.value_and_grad(2.0) == (4.0, 10.0)
    assert catalogue.make_function("custom", "3").value_and_grad(1.0) == (3.0, 0.0)
    with pytest.raises(ExpressionError) as ei:
        catalogue.make_function("custom", "x + y")
    assert ei.value.text == "y" and ei.value.column == 5
    with pytest.raises(ExpressionError):
        catalogue.make_function("custom", "__import__('os')")
    with pytest.raises(ValueError):
        lesson.compare(catalogue.make_function("square"), 1.0, 0.0)


@pytest.mark.parametrize("text", ["y*x", "x + y", "2*pi*x"])
def test_an_unknown_name_says_only_x_is_a_variable(text):
    with pytest.raises(ExpressionError) as ei:
        catalogue.make_function("custom", text)
    name = ei.value.text
    msg = lesson.failure_message(ei.value, "custom", text, 3.0, "float64")
    assert "only x is a variable here" in msg and f"replace {name} by a number or by x." in msg
    assert "give it a value" not in msg
    assert ei.value.column == text.index(name) + 1
