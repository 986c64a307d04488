"""micrograd/lessons/derivatives.py: the catalogue, the comparison numbers, the error curves, the figures."""

import json
import math

import numpy as np
import pytest

from micrograd.engine import Value
from micrograd.expr import EvaluationError, ExpressionError
from micrograd.lessons import derivatives as lesson

# hand-derived f(x), f'(x) for each catalogue entry
EXACT = {
    "square": (lambda x: x * x, lambda x: 2 * x),
    "cubic": (lambda x: x**3 - 2 * x, lambda x: 3 * x * x - 2),
    "sin": (math.sin, math.cos),
    "tanh": (math.tanh, lambda x: 1 - math.tanh(x) ** 2),
    "exp": (math.exp, math.exp),
    "inverse": (lambda x: 1 / x, lambda x: -1 / (x * x)),
    "sigmoid": (lambda x: 1 / (1 + math.exp(-x)), lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2),
}


def test_catalogue_lists_the_hand_derived_functions_in_order_then_custom():
    # every built-in entry has its hand-derived f, f' in EXACT (checked below), in the README's order
    assert [c.key for c in lesson.CATALOGUE] == [*EXACT, "custom"]
    # the page opens on the home page's example: f(x) = x^2 at 3, f = 9, f' = 6
    from micrograd.lessons.tour import tour

    r = tour()
    assert lesson.make_function(lesson.DEFAULT_KEY).value_and_grad(lesson.DEFAULT_X) == (r["f"], r["dfdx"]) == (9, 6)
    # h runs from 1e-15 to 1, as the README says
    assert 10 ** lesson.LOG10_H_OPTIONS[0] == pytest.approx(1e-15) and 10 ** lesson.LOG10_H_OPTIONS[-1] == 1
    assert lesson.DEFAULT_LOG10_H in lesson.LOG10_H_OPTIONS


def test_default_square_at_3():
    cmp = lesson.compare(lesson.make_function("square"), 3.0, 10**lesson.DEFAULT_LOG10_H)
    assert cmp.f == 9.0 and cmp.analytic == 6.0
    h = cmp.h
    # forward difference of x^2 is exactly 2x + h in exact arithmetic
    assert cmp.forward == pytest.approx(6.0 + h, rel=1e-13)
    # central difference of x^2 is exactly 2x: only round-off remains
    assert cmp.central_error < 1e-14


@pytest.mark.parametrize("key", sorted(EXACT))
@pytest.mark.parametrize("x", [-2.3, 0.7, 3.0])
def test_engine_value_and_grad_match_hand_derivatives(key, x):
    f, df = EXACT[key]
    fx, slope = lesson.make_function(key).value_and_grad(x)
    assert fx == pytest.approx(f(x), rel=1e-14, abs=1e-15)
    assert slope == pytest.approx(df(x), rel=1e-13, abs=1e-15)


def test_sin_is_built_from_engine_ops_and_matches_cos():
    xs = np.linspace(-12, 12, 961)
    worst_value = worst_grad = 0.0
    for t in xs:
        leaf = Value(float(t))
        out = lesson.sin_value(leaf)
        out.backward()
        worst_value = max(worst_value, abs(out.data - math.sin(t)))
        worst_grad = max(worst_grad, abs(leaf.grad - math.cos(t)))
    assert worst_value < 2e-15 and worst_grad < 2e-15
    ops = {v.op for v in lesson.sin_value(Value(1.0)).topo_order()}
    assert ops <= {"", "+", "-", "*", "/", "neg"}  # no math.sin anywhere in the graph


@pytest.mark.parametrize("dtype", lesson.DTYPES)
def test_differences_are_the_textbook_formulas_in_the_dtype(dtype):
    fn = lesson.make_function("exp")
    x, h = 0.5, 1e-2
    cmp = lesson.compare(fn, x, h, dtype)
    dt = np.dtype(dtype)
    xd, hd = dt.type(x), dt.type(h)
    with np.errstate(all="ignore"):
        fwd = (np.exp(xd + hd) - np.exp(xd)) / hd
        cen = (np.exp(xd + hd) - np.exp(xd - hd)) / (2 * hd)
    assert cmp.forward == float(fwd) and cmp.central == float(cen)
    assert cmp.x == float(xd) and cmp.h == float(hd)
    assert cmp.analytic == pytest.approx(math.exp(float(xd)), rel=1e-15)
    # truncation: forward ~ f'' h / 2, central ~ f''' h^2 / 6 (f'' = f''' = e^x)
    assert cmp.forward_error == pytest.approx(math.exp(x) * h / 2, rel=0.02)
    tolerance = 0.02 if dtype == "float64" else 1.0  # float32 round-off ~ eps/h is as large as h^2 here
    assert cmp.central_error == pytest.approx(math.exp(x) * h * h / 6, rel=tolerance)


def test_float32_step_lost_note():
    cmp = lesson.compare(lesson.make_function("square"), 3.0, 1e-8, "float32")
    assert cmp.forward == 0.0 and cmp.forward_error == 6.0
    assert any("rounds back to x" in n for n in cmp.notes)
    assert lesson.compare(lesson.make_function("square"), 3.0, 1e-8, "float64").notes == []


def test_domain_errors():
    with pytest.raises(EvaluationError):
        lesson.compare(lesson.make_function("inverse"), 0.0, 1e-3)
    with pytest.raises(EvaluationError):
        lesson.error_curves(lesson.make_function("inverse"), 0.0)
    with pytest.raises(EvaluationError):
        lesson.compare(lesson.make_function("custom", "log(x)"), -1.0, 1e-3)
    # f(x - h) undefined: a note and nan, not an exception
    cmp = lesson.compare(lesson.make_function("custom", "log(x)"), 0.5, 1.0)
    assert math.isnan(cmp.central) and not math.isnan(cmp.forward)
    assert any("x − h" in n for n in cmp.notes)


def test_custom_expression():
    fn = lesson.make_function("custom", "x**3 - 2*x")
    assert fn.value_and_grad(2.0) == (4.0, 10.0)
    assert lesson.make_function("custom", "3").value_and_grad(1.0) == (3.0, 0.0)
    with pytest.raises(ExpressionError) as ei:
        lesson.make_function("custom", "x + y")
    assert ei.value.text == "y" and ei.value.column == 5
    with pytest.raises(ExpressionError):
        lesson.make_function("custom", "__import__('os')")
    with pytest.raises(ValueError):
        lesson.compare(lesson.make_function("square"), 1.0, 0.0)


def test_error_curves_square_central_has_no_truncation_error():
    # x^2: f''' = 0, so the central difference is exact in exact arithmetic; what is left is
    # round-off ~ eps |f| / h, so the best h is the largest one, and at h = 1 the float64
    # result (16 - 4) / 2 = 6 is exact.
    curves = lesson.error_curves(lesson.make_function("square"), 3.0)
    assert curves.hs[0] == pytest.approx(1e-15) and curves.hs[-1] == 1.0
    assert curves.central_error[-1] == 0.0
    assert curves.best_central_h == 1.0
    assert math.isnan(curves.predicted_central_h)
    assert curves.d2 == pytest.approx(2.0, rel=1e-6)
    # forward: truncation is exactly h (f''/2 h = h); at h = 1 the error is 1
    assert curves.forward_error[-1] == 1.0
    # the forward best h is near sqrt(2 eps s / |f''|) with s = |f(3)| = 9 and f'' = 2: 4.5e-8
    # (Nocedal & Wright, Numerical Optimization, 2nd ed., section 8.1)
    eps = float(np.finfo(np.float64).eps)
    assert curves.predicted_forward_h == pytest.approx(math.sqrt(2 * eps * 9 / 2), rel=1e-5)
    assert 4.5e-9 < curves.best_forward_h < 4.5e-7
    # round-off dominates at tiny h: the error there is far above the best
    assert curves.forward_error[0] > 1e5 * curves.best_forward_error


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_error_curves_exp_best_h_matches_theory(dtype):
    # exp at 1: f = f'' = f''' = e, s = e. Truncation |f''| h / 2 against round-off eps s / h gives
    # h* = sqrt(2 eps) forward; |f'''| h^2 / 6 against eps s / h gives (3 eps)^(1/3) central
    # (Nocedal & Wright, Numerical Optimization, 2nd ed., section 8.1). float64: 2.1e-8 and 8.7e-6.
    eps = float(np.finfo(dtype).eps)
    fwd, cen = math.sqrt(2 * eps), (3 * eps) ** (1 / 3)
    curves = lesson.error_curves(lesson.make_function("exp"), 1.0, dtype)
    assert curves.predicted_forward_h == pytest.approx(fwd, rel=1e-3)
    assert curves.predicted_central_h == pytest.approx(cen, rel=1e-3)
    assert fwd / 20 < curves.best_forward_h < fwd * 20
    assert cen / 20 < curves.best_central_h < cen * 20
    assert curves.best_central_error < curves.best_forward_error


def test_float32_round_off_takes_over_sooner():
    fn = lesson.make_function("sigmoid")
    c64 = lesson.error_curves(fn, 0.5, "float64")
    c32 = lesson.error_curves(fn, 0.5, "float32")
    assert c32.best_forward_h > 1000 * c64.best_forward_h
    assert c32.best_central_h > 30 * c64.best_central_h
    assert c32.best_central_error > 1e5 * c64.best_central_error
    assert c32.eps == float(np.finfo(np.float32).eps)


def _trace(fig, name):
    found = [t for t in fig.data if t.name == name]
    assert len(found) == 1, name
    return found[0]


def _slope(trace):
    return (trace.y[-1] - trace.y[0]) / (trace.x[-1] - trace.x[0])


@pytest.mark.parametrize("key,x,h", [("square", 3.0, 0.5), ("sin", 1.0, 0.3), ("exp", -1.0, 1.0)])
def test_function_figure_lines(key, x, h):
    fn = lesson.make_function(key)
    cmp = lesson.compare(fn, x, h)
    fig = lesson.function_figure(fn, cmp)
    f, df = EXACT[key]
    tangent = _trace(fig, "tangent")
    assert _slope(tangent) == pytest.approx(df(x), rel=1e-9)
    secant = _trace(fig, "forward secant")
    assert _slope(secant) == pytest.approx((f(x + h) - f(x)) / h, rel=1e-9)
    assert secant.meta["slope"] == cmp.forward
    # the secant passes through (x, f(x)) and (x + h, f(x + h))
    x0, y0 = secant.x[0], secant.y[0]
    for px in (x, x + h):
        assert y0 + _slope(secant) * (px - x0) == pytest.approx(f(px), rel=1e-9, abs=1e-12)
    central = _trace(fig, "central secant")
    assert _slope(central) == pytest.approx((f(x + h) - f(x - h)) / (2 * h), rel=1e-9)
    curve = _trace(fig, "f")
    i = len(curve.x) // 2
    assert curve.x[i] == pytest.approx(x) and curve.y[i] == pytest.approx(f(x))


def test_function_figure_gaps_at_pole():
    fn = lesson.make_function("inverse")
    cmp = lesson.compare(fn, 1.0, 0.1)
    curve = _trace(lesson.function_figure(fn, cmp), "f")
    assert None in curve.y  # x = 0 is on the grid: a gap, not inf
    fig = lesson.function_figure(fn, cmp)
    lo, hi = fig.layout.yaxis.range
    assert hi < 1e3  # the pole does not blow up the axis


def test_error_figure():
    fn = lesson.make_function("square")
    cmp = lesson.compare(fn, 3.0, 1e-4)
    curves = lesson.error_curves(fn, 3.0)
    fig = lesson.error_figure(curves, cmp)
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"
    names = [t.name for t in fig.data]
    assert names[:2] == ["forward difference", "central difference"]
    o1 = _trace(fig, "truncation O(h)")
    o2 = _trace(fig, "O(h²) slope only")  # x^2 has no h^2 term: a reference slope, labelled so
    ro = _trace(fig, "round-off ε·s/h")
    hs = np.asarray(o1.x)
    assert np.allclose(o1.y, 1.0 * hs, rtol=1e-6)  # |f''|/2 = 1 for x^2
    assert "f''' ≈ 0" in o2.meta["description"] and "f''' ≈ 0" in lesson.guides_caption(curves)
    assert np.allclose(ro.y, np.finfo(np.float64).eps * 9 / hs)  # eps * |f(3)| / h
    cur = _trace(fig, "current h")
    assert list(cur.x) == [cmp.h, cmp.h]
    assert cur.y[0] == pytest.approx(cmp.forward_error)
    best = _trace(fig, "best h")
    assert list(best.x) == [curves.best_forward_h, curves.best_central_h] and best.x[1] == 1.0
    # the exact zero at h = 1 is not on the log line but marked at the bottom edge
    central = _trace(fig, "central difference")
    assert [y is None for y in central.y] == [e == 0 for e in curves.central_error]
    assert central.y[-1] is None
    zeros = _trace(fig, "error = 0 (at bottom)")
    assert 1.0 in zeros.x and "central difference" in zeros.text
    exact = {float(h) for h, e in zip(curves.hs, curves.central_error, strict=True) if e == 0}
    exact |= {float(h) for h, e in zip(curves.hs, curves.forward_error, strict=True) if e == 0}
    assert set(zeros.x) == exact
    assert math.log10(zeros.y[0]) >= fig.layout.yaxis.range[0]


def test_readout_rows():
    cmp = lesson.compare(lesson.make_function("square"), 3.0, 0.5)
    rows = lesson.readout_rows(cmp)
    assert [r["quantity"] for r in rows] == [
        "f(x)", "analytic f'(x)", "forward difference", "central difference"
    ]
    assert rows[0]["value"] == "9" and rows[1]["value"] == "6"
    assert rows[2]["value"] == "6.5" and rows[2]["abs error"] == "5.000e-01"
    assert rows[3]["value"] == "6" and rows[3]["abs error"] == "0.000e+00"
    # no error for f(x) and the reference itself: a dash, never the word None
    assert [r["abs error"] for r in rows[:2]] == ["–", "–"] and [r["rel error"] for r in rows[:2]] == ["–", "–"]
    # a difference that needs f outside its domain says so (log at 0.5 - 1)
    rows = lesson.readout_rows(lesson.compare(lesson.make_function("custom", "log(x)"), 0.5, 1.0))
    assert rows[3]["value"] == "undefined" and rows[3]["abs error"] == "undefined"


def test_convergence_rows():
    fn = lesson.make_function("square")
    rows = lesson.convergence_rows(fn, 3.0)
    assert [r["h"] for r in rows] == [10.0**k for k in range(0, -16, -1)]
    assert rows[0]["forward"] == 7.0 and rows[0]["central"] == 6.0  # (16-9)/1, (16-4)/2
    assert rows[4]["forward"] == lesson.compare(fn, 3.0, 1e-4).forward
    # forward error ~ h (truncation) for large h, then round-off wins: it is not monotone
    errs = [r["forward error"] for r in rows]
    assert errs[1] == pytest.approx(0.1, rel=1e-9)
    assert min(errs) < 1e-6 and errs[-1] > 100 * min(errs)


def test_error_figure_legend_fits_below_and_both_ends_are_whole():
    fn = lesson.make_function("square")  # x²: exact zeros too, so all 8 entries are there
    cmp = lesson.compare(fn, 3.0, 1.0)  # the current h at the right end
    curves = lesson.error_curves(fn, 3.0)
    spec = json.loads(lesson.error_figure(curves, cmp).to_json())
    legend = spec["layout"]["legend"]
    assert legend["orientation"] == "h" and legend["yanchor"] == "top" and legend["y"] < 0  # below the plot
    shown = [t["name"] for t in spec["data"] if t.get("showlegend", True)]
    assert len(shown) == 8  # this case has every entry, "error = 0" included
    # two entries per row, each within half of the ~440 px the plot gets beside the other at 1366 px
    # (about 40 px of symbol and 5.5 px per character at font size 11)
    assert legend["entrywidthmode"] == "fraction" and legend["entrywidth"] == 0.5
    assert legend["font"]["size"] <= 11 and all(40 + 5.5 * len(n) <= 200 for n in shown), shown
    rows = -(-len(shown) // 2)
    assert rows * 21 <= 0.2 * spec["layout"]["height"]  # the legend takes at most a fifth of the figure
    lo, hi = spec["layout"]["xaxis"]["range"]  # log10 units
    assert lo <= -15.3 and hi >= 0.3  # h = 1e-15 and h = 1 with a margin, not on the edge
    assert 1.0 in next(t for t in spec["data"] if t["name"] == "current h")["x"]


@pytest.mark.parametrize("text", ["x/0", "1/(x-x)", "log(-1) + x", "1e300*1e300*x"])
def test_a_failure_that_does_not_depend_on_x_says_change_the_expression(text):
    fn = lesson.make_function("custom", text)
    with pytest.raises(EvaluationError) as ei:
        lesson.compare(fn, 3.0, 1e-3)
    msg = lesson.failure_message(ei.value, "custom", text, 3.0, "float64")
    assert "slider cannot help" in msg and msg.endswith("change the expression.")
    assert "Move the x slider" not in msg and "Change the values" not in msg


@pytest.mark.parametrize("text,x,near", [("1/(x-3)", 3.0, 3.05), ("log(x-3)", 3.0, 3.05), ("log(x)", -1.0, 0.05),
                                         ("exp(1000*x)", 3.0, 0.7)])
def test_a_failure_at_this_x_names_the_nearest_x_that_works(text, x, near):
    fn = lesson.make_function("custom", text)
    with pytest.raises(EvaluationError) as ei:
        lesson.compare(fn, x, 1e-3)
    msg = lesson.failure_message(ei.value, "custom", text, x, "float64")
    assert f"Move the x slider (f is {'finite' if 'exp' in text else 'defined'} at x = {near:g}" in msg, msg
    lesson.compare(fn, near, 1e-3)  # and it really works there
    assert msg.endswith(".")


def test_float32_overflow_everywhere_suggests_float64():
    text = "exp(100 + x - x)"  # e^100: finite in float64, overflows float32 at every x
    fn = lesson.make_function("custom", text)
    with pytest.raises(EvaluationError) as ei:
        lesson.compare(fn, 3.0, 1e-3, "float32")
    msg = lesson.failure_message(ei.value, "custom", text, 3.0, "float32")
    assert msg.startswith("f(x) overflows float32 at x = 3")
    assert "moving x cannot help" in msg and "switch to float64" in msg and msg.endswith(".")


@pytest.mark.parametrize("text", ["y*x", "x + y", "2*pi*x"])
def test_an_unknown_name_says_only_x_is_a_variable(text):
    with pytest.raises(ExpressionError) as ei:
        lesson.make_function("custom", text)
    name = ei.value.text
    msg = lesson.failure_message(ei.value, "custom", text, 3.0, "float64")
    assert "only x is a variable here" in msg and f"replace {name} by a number or by x." in msg
    assert "give it a value" not in msg
    assert ei.value.column == text.index(name) + 1
