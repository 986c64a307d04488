"""micrograd/lessons/derivatives_figures.py: the tangent and secants, and the error plot with its guides."""

import json
import math

import numpy as np
import pytest
from conftest import EXACT_DERIVATIVES as EXACT

from micrograd.lessons import derivatives as lesson
from micrograd.lessons import derivatives_catalogue as catalogue
from micrograd.lessons import derivatives_figures as figures


def _trace(fig, name):
    found = [t for t in fig.data if t.name == name]
    assert len(found) == 1, name
    return found[0]


def _slope(trace):
    return (trace.y[-1] - trace.y[0]) / (trace.x[-1] - trace.x[0])


@pytest.mark.parametrize("key,x,h", [("square", 3.0, 0.5), ("sin", 1.0, 0.3), ("exp", -1.0, 1.0)])
def test_function_figure_lines(key, x, h):
    fn = catalogue.make_function(key)
    cmp = lesson.compare(fn, x, h)
    fig = figures.function_figure(fn, cmp)
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
    fn = catalogue.make_function("inverse")
    cmp = lesson.compare(fn, 1.0, 0.1)
    curve = _trace(figures.function_figure(fn, cmp), "f")
    assert None in curve.y  # x = 0 is on the grid: a gap, not inf
    fig = figures.function_figure(fn, cmp)
    lo, hi = fig.layout.yaxis.range
    assert hi < 1e3  # the pole does not blow up the axis


def test_error_figure():
    fn = catalogue.make_function("square")
    cmp = lesson.compare(fn, 3.0, 1e-4)
    curves = lesson.error_curves(fn, 3.0)
    fig = figures.error_figure(curves, cmp)
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"
    names = [t.name for t in fig.data]
    assert names[:2] == ["forward difference", "central difference"]
    o1 = _trace(fig, "truncation O(h)")
    o2 = _trace(fig, "O(h²) slope only")  # x^2 has no h^2 term: a reference slope, labelled so
    ro = _trace(fig, "round-off ε·s/h")
    hs = np.asarray(o1.x)
    assert np.allclose(o1.y, 1.0 * hs, rtol=1e-6)  # |f''|/2 = 1 for x^2
    assert "f''' ≈ 0" in o2.meta["description"] and "f''' ≈ 0" in figures.guides_caption(curves)
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


def test_error_figure_legend_fits_below_and_both_ends_are_whole():
    fn = catalogue.make_function("square")  # x²: exact zeros too, so all 8 entries are there
    cmp = lesson.compare(fn, 3.0, 1.0)  # the current h at the right end
    curves = lesson.error_curves(fn, 3.0)
    spec = json.loads(figures.error_figure(curves, cmp).to_json())
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
