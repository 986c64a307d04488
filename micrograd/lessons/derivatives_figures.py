"""The two figures of lesson "Derivatives: numerical vs analytic" (plotly, no streamlit).

`function_figure` draws f with its tangent and the secants of both differences at the
current x and h; `error_figure` the log-log error against h with the truncation and
round-off guides, which `guides_caption` puts in words. Their numbers come from
`micrograd.lessons.derivatives` (`compare`, `error_curves`).
"""

import math

import numpy as np
import plotly.graph_objects as go

from micrograd.lessons.derivatives import negligible

__all__ = ["FIGURE_HEIGHT", "function_figure", "error_figure", "guides_caption"]

FIGURE_HEIGHT = 520
"""Pixel height of both figures (side by side on the page): the error plot's legend (8 entries,
two per row below the plot) takes about 85 px of it."""

#: colours read on the light and the dark theme (>= 3:1 on both) and stay apart under protanopia
#: and deuteranopia (mostly Okabe & Ito's colour-blind-safe palette, 2008), one colour per quantity on both plots
FUNCTION_COLOUR = "#1f77b4"
TANGENT_COLOUR = "#009e73"  # the exact derivative
FORWARD_COLOUR = "#d55e00"  # the forward difference
CENTRAL_COLOUR = "#8822ff"  # violet: Okabe-Ito's #cc79a7 is 19 from the green in deuteranopia
MARK_COLOUR = "#808080"  # points and the current h: grey reads on white and on the dark page


def _clean(a):
    """Array -> list of floats with nan/inf as None (valid JSON for plotly)."""
    return [float(v) if math.isfinite(v) else None for v in np.asarray(a, dtype=np.float64)]


def function_figure(fn, cmp, half_width=2.0, points=401):
    """Plot of f with its tangent (slope from the engine) and the secants of both differences.

    Args:
        fn: a `LessonFunction`.
        cmp: the `Comparison` at the current x and h (its slopes are used as they are).
        half_width: the plot shows x +- half_width.
        points: samples of the curve.

    Returns:
        a plotly Figure with traces named "f", "tangent", "forward secant",
        "central secant", "points". The tangent has slope ``cmp.analytic`` and passes through
        (x, f(x)); the forward secant passes through (x, f(x)) and (x+h, f(x+h)), so its slope
        is ``cmp.forward``; the central secant passes through (x-h, f(x-h)) and (x+h, f(x+h)),
        slope ``cmp.central``. Each line trace has ``meta = {"slope": ...}``. Undefined points
        of f (1/x at 0) are gaps.
    """
    x, h, f = cmp.x, cmp.h, cmp.f
    w = max(half_width, 1.5 * h)
    ts = np.linspace(x - w, x + w, points)
    ys = np.asarray(fn.numeric(ts, "float64", errors="nan"), dtype=np.float64)
    finite = ys[np.isfinite(ys)]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=ts.tolist(), y=_clean(ys), mode="lines", name="f",
                             line={"color": FUNCTION_COLOUR, "width": 3}))
    ends = np.array([x - w, x + w])
    fig.add_trace(go.Scatter(
        x=ends.tolist(), y=_clean(f + cmp.analytic * (ends - x)), mode="lines", name="tangent",
        line={"color": TANGENT_COLOUR, "width": 2}, meta={"slope": cmp.analytic},
        hovertemplate="tangent, slope f'(x) = %{meta.slope:.6g}<extra></extra>",
    ))
    if math.isfinite(cmp.forward) and math.isfinite(cmp.f_plus):
        fig.add_trace(go.Scatter(
            x=ends.tolist(), y=_clean(f + cmp.forward * (ends - x)), mode="lines", name="forward secant",
            line={"color": FORWARD_COLOUR, "dash": "dash"}, meta={"slope": cmp.forward},
            hovertemplate="forward secant, slope %{meta.slope:.6g}<extra></extra>",
        ))
    if math.isfinite(cmp.central) and math.isfinite(cmp.f_minus) and math.isfinite(cmp.f_plus):
        mid = (cmp.f_plus + cmp.f_minus) / 2
        fig.add_trace(go.Scatter(
            x=ends.tolist(), y=_clean(mid + cmp.central * (ends - x)), mode="lines", name="central secant",
            line={"color": CENTRAL_COLOUR, "dash": "dot"}, meta={"slope": cmp.central},
            hovertemplate="central secant, slope %{meta.slope:.6g}<extra></extra>",
        ))
    px = [x - h, x, x + h]
    py = [cmp.f_minus, f, cmp.f_plus]
    fig.add_trace(go.Scatter(
        x=px, y=_clean(py), mode="markers+text", name="points", text=["x−h", "x", "x+h"],
        textposition="top center", marker={"size": 9, "color": MARK_COLOUR}, showlegend=False,
    ))
    # y range: the bulk of the curve (robust to poles such as 1/x near 0), plus the marked points
    if finite.size:
        lo, hi = np.percentile(finite, [2, 98])
    else:
        lo = hi = f
    marks = [v for v in py if math.isfinite(v)]
    lo, hi = min(lo, *marks), max(hi, *marks)
    pad = 0.1 * (hi - lo) if hi > lo else 1.0
    fig.update_layout(
        title=f"f near x = {x:.4g}: tangent and secants",
        xaxis_title="x", yaxis_title="f(x)", yaxis_range=[lo - pad, hi + pad], height=FIGURE_HEIGHT,
        legend={"orientation": "h", "y": -0.18}, margin={"t": 50, "l": 10, "r": 10},
    )
    return fig


def error_figure(curves, cmp):
    """Log-log plot of |error| against h for both differences, with the guides.

    Args:
        curves: the `ErrorCurves` at this x and dtype.
        cmp: the `Comparison` at the current h (marked on the plot).

    Returns:
        a plotly Figure (both axes log) with traces named "forward difference",
        "central difference" (exact zeros left out, the line joined across them),
        "error = 0 (at bottom)" (only if some error is exactly 0.0, e.g. the central
        difference of x², which has no truncation error: markers on the bottom edge),
        "truncation O(h)", "truncation O(h²)", "round-off ε·s/h", "current h", "best h"
        (exact zeros in those two are also drawn at the bottom). The truncation guides are
        |f''|/2·h and |f'''|/6·h²; when that coefficient is ~0 (or not finite) the guide is
        drawn with coefficient 1 as a slope reference, named "O(h) slope only" or
        "O(h²) slope only"; each guide's ``meta["description"]`` (shown on hover, and by
        `guides_caption`) says which. "best h" marks, for each difference, the grid h with
        the smallest measured error. The names are short so that the legend, below the
        plot, takes at most two rows; the x range is 1e-15 to 1 with a margin of 0.4
        decades, so the markers at both ends are drawn whole.
    """
    hs = curves.hs
    fe, ce = curves.forward_error, curves.central_error
    eps = curves.eps
    positive = np.concatenate([fe[np.isfinite(fe) & (fe > 0)], ce[np.isfinite(ce) & (ce > 0)]])
    top = max(float(positive.max()) if positive.size else 1.0, abs(curves.slope), 1e-300)
    floor = eps * max(abs(curves.slope), 1.0) / 100
    if positive.size:
        floor = min(floor, float(positive.min()) / 2)
    floor = max(floor, 1e-300)  # a plot range must never be log10(0)

    def shown(err):
        out = np.where(err == 0, floor, err)
        return _clean(out)

    fig = go.Figure()
    zeros = []
    for name, err, color in (("forward difference", fe, FORWARD_COLOUR), ("central difference", ce, CENTRAL_COLOUR)):
        fig.add_trace(go.Scatter(
            x=hs.tolist(), y=_clean(np.where(err == 0, np.nan, err)), mode="lines+markers", name=name,
            marker={"size": 4}, line={"color": color}, connectgaps=True,
            hovertemplate="h = %{x:.2e}<br>|error| = %{y:.3e}<extra>" + name + "</extra>",
        ))
        at = err == 0
        zeros.append((name, hs[at], color))
    zx = [float(h) for _, hz, _ in zeros for h in hz]
    if zx:
        fig.add_trace(go.Scatter(
            x=zx, y=[floor] * len(zx), mode="markers", name="error = 0 (at bottom)",
            marker={"symbol": "triangle-down", "size": 7, "color": [c for _, hz, c in zeros for _ in hz]},
            text=[n for n, hz, _ in zeros for _ in hz],
            hovertemplate="%{text}: error exactly 0 at h = %{x:.2e}<extra></extra>",
        ))
    guide = {"dash": "dot", "width": 1.5}
    for (name, c, power, desc), color in zip(_guides(curves), ("#9467bd", "#8c564b", "#7f7f7f"), strict=True):
        fig.add_trace(go.Scatter(
            x=hs.tolist(), y=_clean(c * hs**power), mode="lines", name=name, line={**guide, "color": color},
            meta={"coefficient": c, "power": power, "description": desc},
            hovertemplate="h = %{x:.2e}: %{y:.3e}<extra>%{meta.description}</extra>",
        ))
    cur = [cmp.forward_error, cmp.central_error]
    fig.add_trace(go.Scatter(
        x=[cmp.h, cmp.h], y=shown(np.array(cur, dtype=np.float64)), mode="markers", name="current h",
        marker={"size": 13, "symbol": "circle-open", "line": {"width": 3}, "color": MARK_COLOUR},
        text=["forward", "central"],
        hovertemplate="current h = %{x:.2e}: %{text} |error| %{y:.3e}<extra></extra>",
    ))
    fig.add_trace(go.Scatter(
        x=[curves.best_forward_h, curves.best_central_h],
        y=shown(np.array([curves.best_forward_error, curves.best_central_error], dtype=np.float64)),
        mode="markers", name="best h", marker={"size": 15, "symbol": "star", "color": [FORWARD_COLOUR, CENTRAL_COLOUR]},
        text=["forward", "central"],
        hovertemplate="best h for %{text}: %{x:.2e}, |error| %{y:.3e}<extra></extra>",
    ))
    fig.add_vline(x=cmp.h, line_dash="dash", line_color=MARK_COLOUR, opacity=0.6)
    # in log10 units: 1e-15 .. 1 and 0.4 decades more each side, so the markers at both ends are whole
    fig.update_xaxes(type="log", title="step h", exponentformat="power", range=[-15.4, 0.4])
    fig.update_yaxes(type="log", title="|error| vs f'(x) from backward()", exponentformat="power",
                     range=[math.log10(floor) - 0.5, math.log10(top) + 1])
    fig.update_layout(
        title=f"|error| against h, in {curves.dtype}", height=FIGURE_HEIGHT,
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": -0.2, "yanchor": "top",
                "font": {"size": 11}, "entrywidth": 0.5, "entrywidthmode": "fraction"},
        margin={"t": 50, "l": 10, "r": 10},
    )
    return fig


def _guides(curves):
    """The three dotted guides of `error_figure`: (legend name, coefficient, power of h, description)."""
    eps, s = curves.eps, curves.roundoff_scale
    out = []
    for c, power, d, k in ((abs(curves.d2) / 2, 1, "f''", 2), (abs(curves.d3) / 6, 2, "f'''", 6)):
        order, hp = ("O(h)", "h") if power == 1 else ("O(h²)", "h²")
        if not (math.isfinite(c) and math.isfinite(curves.slope)):
            why = f"{d} is not finite here"
        elif negligible(c, curves.slope):
            why = f"{d} ≈ 0 here" + (": no h² error" if power == 2 else "")
        else:
            out.append((f"truncation {order}", c, power, f"truncation {order}: |{d}|/{k}·{hp} = {c:.3g}·{hp}"))
            continue
        out.append((f"{order} slope only", 1.0, power, f"truncation {order}: {why}, so the guide is 1·{hp}, "
                    "a slope reference only"))
    out.append(("round-off ε·s/h", eps * s, -1,
                f"round-off ε·s/h with ε = {eps:.2e} and s = max(|f(x)|, 1) = {s:.3g}"))
    return out


def guides_caption(curves):
    """A caption for the error plot: what its dotted guides are, with their coefficients.

    Args:
        curves: an `ErrorCurves`.

    Returns:
        str, one sentence, e.g. "Dotted guides: truncation O(h): |f''|/2·h = 1·h; truncation
        O(h²): f''' ≈ 0 here: no h² error, so the guide is 1·h², a slope reference only;
        round-off ε·s/h with ε = 2.22e-16 and s = max(|f(x)|, 1) = 9." Plain text (escape
        it before rendering as Markdown).
    """
    return "Dotted guides: " + "; ".join(desc for *_, desc in _guides(curves)) + "."
