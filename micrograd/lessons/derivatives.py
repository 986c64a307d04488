"""Lesson "Derivatives: numerical vs analytic": the numbers the page shows.

A derivative can be had two ways:

- analytically, here from the engine: build f(x) from `Value` ops and call ``backward()``;
  ``x.grad`` is f'(x), exact up to float64 rounding;
- numerically, from finite differences: the forward difference (f(x+h) - f(x)) / h, with
  truncation error f''(x) h / 2 + O(h^2), and the central difference
  (f(x+h) - f(x-h)) / 2h, with truncation error f'''(x) h^2 / 6 + O(h^4) (Taylor's theorem;
  e.g. Nocedal & Wright, Numerical Optimization, 2nd ed., section 8.1).

Shrinking h cuts the truncation error but the subtraction f(x+h) - f(x) cancels the
leading digits, so round-off error grows like eps * |f(x)| / h (eps = machine epsilon:
2.2e-16 for float64, 1.2e-7 for float32). Their sum is smallest near
h* = sqrt(2 eps s / |f''|) (forward) and h* = (3 eps s / |f'''|)^(1/3) (central), with
s = max(|f(x)|, 1) — about 1e-8 and 1e-5 in float64, 1e-3 and 1e-2 in float32.

The function catalogue (what the picker offers, each function computed by the engine and by
numpy) is `micrograd.lessons.derivatives_catalogue`; the two figures are
`micrograd.lessons.derivatives_figures`. Everything is a pure function of its arguments (no
streamlit), so the page is thin and every number and figure is tested.
"""

import math
from dataclasses import dataclass, field

import numpy as np

from micrograd.expr import EvaluationError, ExpressionError
from micrograd.lessons.derivatives_catalogue import make_function

__all__ = [
    "DEFAULT_X",
    "X_MIN",
    "X_MAX",
    "X_STEP",
    "DEFAULT_LOG10_H",
    "DTYPES",
    "LOG10_H_OPTIONS",
    "Comparison",
    "ErrorCurves",
    "failure_message",
    "compare",
    "error_curves",
    "negligible",
    "readout_rows",
    "convergence_rows",
]

DEFAULT_X = 3.0
X_MIN, X_MAX, X_STEP = -4.0, 4.0, 0.05
"""The x slider: from X_MIN to X_MAX in steps of X_STEP."""
DEFAULT_LOG10_H = -0.5
"""Default step: h = 10^-0.5 ~ 0.32, large enough that the secant is visibly not the tangent."""
DTYPES = ("float64", "float32")
LOG10_H_OPTIONS = tuple(k / 4 for k in range(-60, 1))
"""log10(h) choices for the step slider: -15, -14.75, ..., 0 (h from 1e-15 to 1)."""


_DOMAIN_ADVICE = " Change the values or the expression."  # expr's generic advice, replaced here


def _usable(fn, x, dtype):
    """True if `compare` and `error_curves` can run at x: f and f' defined, f finite in dtype."""
    dt = np.dtype(dtype)
    try:
        fn.value_and_grad(float(dt.type(x)))
        fn.numeric(dt.type(x), dt, errors="raise")
    except ExpressionError:
        return False
    return True


def _nearest_usable(fn, x, dtype):
    """The slider position nearest to x (ties: the larger) where f can be computed, or None."""
    n = round((X_MAX - X_MIN) / X_STEP)
    grid = sorted((round(X_MIN + i * X_STEP, 9) for i in range(n + 1)), key=lambda g: (abs(g - x), -g))
    return next((g for g in grid if g != x and _usable(fn, g, dtype)), None)


def failure_message(err, key, custom, x, dtype):
    """One notice, in full sentences, for a function the page cannot compute, saying what to change.

    Args:
        err: the `ExpressionError` raised by `make_function`, `compare` or `error_curves`.
        key, custom: the picker key and the custom text (as `make_function`).
        x: the slider's x; dtype: "float64" or "float32".

    Returns:
        str (plain text; escape it before rendering as Markdown). A refused custom expression
        gets "Check the expression: ...". A domain error or overflow at x is tested against
        every other slider position: if f can be computed at some of them, the text says to
        move the x slider and names the nearest such x; if at none, moving x cannot help and
        the text says to change the expression (or, for an overflow that float64 avoids, to
        switch to float64).
    """
    text = str(err).removesuffix(_DOMAIN_ADVICE).rstrip()
    if not text.endswith("."):
        text += "."
    if not isinstance(err, EvaluationError):
        return f"Check the expression: {text}"
    fn = make_function(key, custom)
    overflow = "overflow" in text
    what = f"f(x) overflows {dtype} at x = {x:g}" if overflow else f"f is undefined at x = {x:g}"
    other = "change the expression" if key == "custom" else "pick another function"
    wider = dtype == "float32" and _usable(fn, x, "float64")
    if wider:
        other = "switch to float64 or " + other
    near = _nearest_usable(fn, x, dtype)
    if near is not None:
        ok = "finite" if overflow else "defined"
        return f"{what}: {text} Move the x slider (f is {ok} at x = {near:g}, the nearest point) or {other}."
    where = f"any x from {X_MIN:g} to {X_MAX:g}"
    if wider:
        return f"{what}: {text} In {dtype} it overflows at {where}, so moving x cannot help: {other}."
    return (f"{what}: {text} It cannot be computed at {where} either, so moving the x slider cannot help: "
            f"{other}.")




@dataclass
class Comparison:
    """Analytic vs numerical derivative at one x and one h. All numbers are Python floats.

    Attributes:
        x: the point actually used (x rounded to `dtype`, then widened to float64).
        h: the step actually used (rounded to `dtype`).
        dtype: "float64" or "float32": the arithmetic of the finite differences.
        eps: machine epsilon of `dtype`.
        f: f(x) from the engine (float64).
        analytic: f'(x) from the engine's ``backward()`` (float64): the reference.
        f_plus, f_minus: f(x + h), f(x - h) in `dtype` (nan where undefined).
        forward, central: (f(x+h) - f(x)) / h and (f(x+h) - f(x-h)) / 2h, in `dtype`.
        forward_error, central_error: |difference - analytic| (nan where undefined).
        forward_rel, central_rel: the same divided by max(|analytic|, 1e-300).
        notes: sentences for the student (a step lost to rounding, an undefined f(x-h) ...).
    """

    x: float
    h: float
    dtype: str
    eps: float
    f: float
    analytic: float
    f_plus: float
    f_minus: float
    forward: float
    central: float
    forward_error: float
    central_error: float
    forward_rel: float
    central_rel: float
    notes: list = field(default_factory=list)


def _at(fn, x, dt):
    """f(x) in dtype, or nan (with no error) where f is undefined."""
    try:
        return fn.numeric(x, dt, errors="raise")
    except ExpressionError:
        return dt.type(np.nan)


def compare(fn, x, h, dtype="float64"):
    """The analytic derivative and both finite differences at x with step h.

    Args:
        fn: a `LessonFunction`.
        x: the point (float); it is first rounded to `dtype`.
        h: the step, 0 < h <= 1 (float); rounded to `dtype`.
        dtype: "float64" or "float32": the finite differences, and every f value in them,
            are computed in this arithmetic. The reference f'(x) is always the engine's
            float64 value at the same (rounded) x, so the errors show truncation plus the
            round-off of `dtype`.

    Returns:
        a `Comparison`.

    Raises:
        EvaluationError: f or f' undefined at x itself (1/x at 0, custom log at x <= 0).
        ValueError: h not > 0, or an unknown dtype.
    """
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {DTYPES}, got {dtype!r}")
    if not h > 0:
        raise ValueError(f"step h must be > 0, got {h!r}")
    dt = np.dtype(dtype)
    xd, hd = dt.type(x), dt.type(h)
    x_used = float(xd)
    f, slope = fn.value_and_grad(x_used)
    f0 = fn.numeric(xd, dt, errors="raise")
    fp = _at(fn, xd + hd, dt)
    fm = _at(fn, xd - hd, dt)
    with np.errstate(all="ignore"):
        fwd = (fp - f0) / hd
        cen = (fp - fm) / (2 * hd)
    fwd, cen = float(fwd), float(cen)
    notes = []
    if xd + hd == xd:
        lost = float(np.finfo(dt).eps) * abs(x_used) / 2
        notes.append(
            f"In {dtype}, x + h rounds back to x (h is below ε·|x|/2 = {lost:.1e}): "
            "the step is lost and the forward difference is 0."
        )
    if math.isnan(float(fp)):
        notes.append("f(x + h) is undefined (outside the domain) for this h: pick a smaller h.")
    if math.isnan(float(fm)):
        notes.append(
            "f(x − h) is undefined (outside the domain) for this h: the central difference needs it."
        )
    scale = max(abs(slope), 1e-300)
    fe, ce = abs(fwd - slope), abs(cen - slope)
    return Comparison(
        x=x_used, h=float(hd), dtype=dtype, eps=float(np.finfo(dt).eps), f=f, analytic=slope,
        f_plus=float(fp), f_minus=float(fm), forward=fwd, central=cen,
        forward_error=fe, central_error=ce, forward_rel=fe / scale, central_rel=ce / scale,
        notes=notes,
    )


@dataclass
class ErrorCurves:
    """|error| of both finite differences over a log grid of h, with the guides' coefficients.

    Attributes:
        hs: the steps, float64 array, 10^-15 .. 10^0 on a grid of `points` (increasing).
        forward_error, central_error: |difference - f'(x)| per h (float64 arrays; nan where
            f(x +- h) is undefined; exact zeros are kept as 0.0).
        dtype, eps: the arithmetic and its machine epsilon.
        f, slope: f(x) and the engine's f'(x).
        d2, d3: f''(x) and f'''(x), estimated by central differences of the engine's f'
            at x +- delta (delta = 1e-3 max(1, |x|)); nan if f' is undefined there.
        roundoff_scale: s = max(|f(x)|, 1), so the round-off guide is eps * s / h.
        best_forward_h, best_central_h: the h on the grid with the smallest measured error
            (the largest such h on a tie, e.g. several exact zeros); nan if none is defined.
        best_forward_error, best_central_error: the errors there.
        predicted_forward_h: sqrt(2 eps s / |f''|), where truncation |f''| h / 2 and round-off
            eps s / h balance (nan if f'' ~ 0).
        predicted_central_h: (3 eps s / |f'''|)^(1/3), from |f'''| h^2 / 6 and eps s / h
            (nan if f''' ~ 0: then the central difference has no h^2 truncation term).
    """

    hs: np.ndarray
    forward_error: np.ndarray
    central_error: np.ndarray
    dtype: str
    eps: float
    f: float
    slope: float
    d2: float
    d3: float
    roundoff_scale: float
    best_forward_h: float
    best_central_h: float
    best_forward_error: float
    best_central_error: float
    predicted_forward_h: float
    predicted_central_h: float


def _best(hs, err):
    ok = np.isfinite(err)
    if not ok.any():
        return math.nan, math.nan
    m = np.min(err[ok])
    i = np.flatnonzero(ok & (err == m))[-1]  # the largest h among the minima
    return float(hs[i]), float(err[i])


def _higher_derivatives(fn, x):
    """f''(x) and f'''(x) from central differences of the engine's f' (nan if undefined)."""
    d = 1e-3 * max(1.0, abs(x))
    try:
        gm = fn.value_and_grad(x - d)[1]
        g0 = fn.value_and_grad(x)[1]
        gp = fn.value_and_grad(x + d)[1]
    except ExpressionError:
        return math.nan, math.nan
    return (gp - gm) / (2 * d), (gp - 2 * g0 + gm) / (d * d)


def negligible(c, slope):
    """True if a Taylor coefficient c (of f'' or f''') counts as 0 next to the slope f'.

    That is, c is not finite or |c| < 1e-6 max(1, |f'|): then the truncation term it scales
    has no predicted best h (`error_curves`), and its guide on the error plot is only a slope
    reference (`micrograd.lessons.derivatives_figures`).
    """
    return not math.isfinite(c) or abs(c) < 1e-6 * max(1.0, abs(slope))


def error_curves(fn, x, dtype="float64", points=241):
    """Measure |forward - f'| and |central - f'| for h on a log grid from 1e-15 to 1.

    Args:
        fn: a `LessonFunction`.
        x: the point (rounded to `dtype`, as in `compare`).
        dtype: "float64" or "float32" (the arithmetic of the differences).
        points: grid size (241 = 16 per decade).

    Returns:
        an `ErrorCurves`.

    Raises:
        EvaluationError: f undefined at x itself.
    """
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {DTYPES}, got {dtype!r}")
    dt = np.dtype(dtype)
    xd = dt.type(x)
    x_used = float(xd)
    f, slope = fn.value_and_grad(x_used)
    hs = np.logspace(-15, 0, points)
    hd = hs.astype(dt)
    f0 = fn.numeric(xd, dt, errors="raise")
    fp = fn.numeric(xd + hd, dt, errors="nan")
    fm = fn.numeric(xd - hd, dt, errors="nan")
    with np.errstate(all="ignore"):
        fwd = ((fp - f0) / hd).astype(np.float64)
        cen = ((fp - fm) / (2 * hd)).astype(np.float64)
        fe = np.abs(fwd - slope)
        ce = np.abs(cen - slope)
    fe[~np.isfinite(fe)] = np.nan
    ce[~np.isfinite(ce)] = np.nan
    eps = float(np.finfo(dt).eps)
    d2, d3 = _higher_derivatives(fn, x_used)
    s = max(abs(f), 1.0)
    bf, bfe = _best(hs, fe)
    bc, bce = _best(hs, ce)
    pf = math.nan if negligible(d2, slope) else math.sqrt(2 * eps * s / abs(d2))
    pc = math.nan if negligible(d3, slope) else (3 * eps * s / abs(d3)) ** (1 / 3)
    return ErrorCurves(
        hs=hs, forward_error=fe, central_error=ce, dtype=dtype, eps=eps, f=f, slope=slope,
        d2=d2, d3=d3, roundoff_scale=s, best_forward_h=bf, best_central_h=bc,
        best_forward_error=bfe, best_central_error=bce, predicted_forward_h=pf, predicted_central_h=pc,
    )


def readout_rows(cmp):
    """The comparison as table rows for the page.

    Args:
        cmp: a `Comparison`.

    Returns:
        list of 4 dicts with keys "quantity", "formula", "value", "abs error", "rel error",
        the numbers as display text: values as %.12g, errors as %.3e, "–" where there is no
        error (f(x) and the reference itself), "undefined" for a nan (a difference that
        needs an f value outside the domain).
    """
    def cell(v, fmt):
        return "–" if v is None else "undefined" if math.isnan(v) else format(v, fmt)

    rows = [
        ("f(x)", "forward pass", cmp.f, None, None),
        ("analytic f'(x)", "x.grad after backward()", cmp.analytic, None, None),
        ("forward difference", "(f(x+h) − f(x)) / h", cmp.forward, cmp.forward_error, cmp.forward_rel),
        ("central difference", "(f(x+h) − f(x−h)) / 2h", cmp.central, cmp.central_error, cmp.central_rel),
    ]
    return [{"quantity": q, "formula": f, "value": cell(v, ".12g"), "abs error": cell(a, ".3e"),
             "rel error": cell(r, ".3e")} for q, f, v, a, r in rows]


def convergence_rows(fn, x, dtype="float64"):
    """The classic table: both differences for h = 1, 0.1, ..., 1e-15 at one x.

    Args:
        fn: a `LessonFunction`; x: the point; dtype: "float64" or "float32".

    Returns:
        list of 16 dicts (h decreasing) with keys "h", "forward", "forward error",
        "central", "central error" (floats; nan where f(x +- h) is undefined), each computed
        exactly as `compare` does.

    Raises:
        EvaluationError: f undefined at x itself.
    """
    rows = []
    for k in range(0, -16, -1):
        c = compare(fn, x, 10.0**k, dtype)
        rows.append({"h": c.h, "forward": c.forward, "forward error": c.forward_error,
                     "central": c.central, "central error": c.central_error})
    return rows
