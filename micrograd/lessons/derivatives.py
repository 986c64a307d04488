"""Lesson "Derivatives: numerical vs analytic": the function catalogue, the numbers, the figures.

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

Everything here is a pure function of its arguments (no streamlit), so the page is thin
and every number and figure is tested.
"""

import math
from dataclasses import dataclass, field

import numpy as np
import plotly.graph_objects as go

from micrograd.engine import Value
from micrograd.expr import EvaluationError, ExpressionError, build, evaluate_numeric, parse

__all__ = [
    "Choice",
    "CATALOGUE",
    "DEFAULT_KEY",
    "DEFAULT_X",
    "X_MIN",
    "X_MAX",
    "X_STEP",
    "DEFAULT_LOG10_H",
    "DEFAULT_CUSTOM",
    "DTYPES",
    "LOG10_H_OPTIONS",
    "LessonFunction",
    "Comparison",
    "ErrorCurves",
    "sin_value",
    "make_function",
    "failure_message",
    "compare",
    "error_curves",
    "readout_rows",
    "convergence_rows",
    "function_figure",
    "error_figure",
    "guides_caption",
]


@dataclass(frozen=True)
class Choice:
    """One entry of the function picker.

    Attributes:
        key: stable id used by the page's selectbox ("square", "cubic", ...).
        label: what the picker shows (unicode, e.g. "x²").
        latex: f(x) in LaTeX (without "f(x) =").
        derivative_latex: f'(x) in LaTeX, for display only: the number always comes from
            the engine's ``backward()``.
        expression: the formula in the safe expression syntax of `micrograd.expr`, or None
            for "sin" (built by `sin_value`) and "custom" (typed by the student).
    """

    key: str
    label: str
    latex: str
    derivative_latex: str
    expression: str | None


CATALOGUE = (
    Choice("square", "x²", "x^2", "2x", "x**2"),
    Choice("cubic", "x³ − 2x", "x^3 - 2x", "3x^2 - 2", "x**3 - 2*x"),
    Choice("sin", "sin x", r"\sin x", r"\cos x", None),
    Choice("tanh", "tanh x", r"\tanh x", r"1 - \tanh^2 x", "tanh(x)"),
    Choice("exp", "eˣ", "e^x", "e^x", "exp(x)"),
    Choice("inverse", "1/x", r"\frac{1}{x}", r"-\frac{1}{x^2}", "1/x"),
    Choice("sigmoid", "sigmoid x", r"\sigma(x) = \frac{1}{1 + e^{-x}}", r"\sigma(x)\,(1 - \sigma(x))",
           "sigmoid(x)"),
    Choice("custom", "custom expression in x", "", "", None),
)
"""The picker's entries, in display order."""

DEFAULT_KEY = "square"
DEFAULT_X = 3.0
X_MIN, X_MAX, X_STEP = -4.0, 4.0, 0.05
"""The x slider: from X_MIN to X_MAX in steps of X_STEP."""
DEFAULT_LOG10_H = -0.5
"""Default step: h = 10^-0.5 ~ 0.32, large enough that the secant is visibly not the tangent."""
DEFAULT_CUSTOM = "x * tanh(2*x) - log(1 + x**2)"
DTYPES = ("float64", "float32")
LOG10_H_OPTIONS = tuple(k / 4 for k in range(-60, 1))
"""log10(h) choices for the step slider: -15, -14.75, ..., 0 (h from 1e-15 to 1)."""

FIGURE_HEIGHT = 520
"""Pixel height of both figures (side by side on the page): the error plot's legend (8 entries,
two per row below the plot) takes about 85 px of it."""

_BY_KEY = {c.key: c for c in CATALOGUE}
_SIN_TERMS = 10  # Taylor terms up to r^21: truncation < (pi/2)^23 / 23! ~ 1e-18 on [-pi/2, pi/2]


def sin_value(x):
    """sin(x) built from the engine's + - * ops, so ``backward()`` gives its derivative.

    The engine has no sin. This builds it exactly as a math library would: reduce x to
    r in [-pi/2, pi/2] using sin(x) = sin(x - 2 pi k) and sin(r) = sin(+-pi - r) (k and the
    fold are constants, so dr/dx = +-1 and the chain rule stays exact), then evaluate the
    Taylor polynomial r - r^3/3! + ... + r^21/21! in Horner form. On [-pi/2, pi/2] the
    truncation error is below 1e-18, so value and gradient match math.sin and math.cos to
    about 1e-15 (tested). Gradients reach x through every node.

    Args:
        x: a `Value` (or a real number, wrapped as an unlabelled leaf).

    Returns:
        the `Value` sin(x).
    """
    if not isinstance(x, Value):
        x = Value(x)
    k = round(x.data / (2 * math.pi))
    r = x - 2 * math.pi * k if k else x
    if r.data > math.pi / 2:
        r = math.pi - r
    elif r.data < -math.pi / 2:
        r = -math.pi - r
    r2 = r * r
    acc = 1.0
    for n in range(_SIN_TERMS, 0, -1):
        # sin r = r (1 - r^2/(2*3) (1 - r^2/(4*5) (1 - ...)))
        acc = 1 - r2 * acc / ((2 * n) * (2 * n + 1))
    return r * acc


class LessonFunction:
    """One function of the lesson, with its engine derivative and its numeric evaluation.

    Made by `make_function`. Attributes: ``key``, ``label``, ``latex``,
    ``derivative_latex`` (see `Choice`) and ``expression`` (the formula text, or None for sin).
    """

    def __init__(self, choice, expression):
        self.key = choice.key
        self.label = choice.label
        self.latex = choice.latex
        self.derivative_latex = choice.derivative_latex
        self.expression = expression
        self._parsed = parse(expression) if expression is not None else None

    def value_and_grad(self, x):
        """f(x) and f'(x) from the engine: build the graph at x, call ``backward()``.

        Args:
            x: a finite real number.

        Returns:
            (f, dfdx) as Python floats (float64).

        Raises:
            EvaluationError: x outside the domain (1/x at 0, log of a number <= 0, ...).
        """
        if self._parsed is None:  # sin
            leaf = Value(float(x), label="x")
            root = sin_value(leaf)
            root.backward()
            return root.data, leaf.grad
        root, leaves = build(self._parsed, {"x": float(x)})
        root.backward()
        leaf = leaves.get("x")
        return root.data, (leaf.grad if leaf is not None else 0.0)

    def numeric(self, x, dtype="float64", errors="raise"):
        """f at x with numpy arithmetic in `dtype`, for finite differences and plots.

        Args:
            x: a number or an array (cast to `dtype`).
            dtype: "float64" or "float32".
            errors: "raise" (EvaluationError at a domain error or overflow) or "nan".

        Returns:
            a numpy scalar or array of `dtype`.
        """
        dt = np.dtype(dtype)
        if self._parsed is None:
            with np.errstate(all="ignore"):
                return np.sin(np.asarray(x, dtype=dt)) if np.ndim(x) else np.sin(dt.type(x))
        out = evaluate_numeric(self._parsed, {"x": x}, dtype=dt, errors=errors)
        # a constant f (no x in it) evaluates to a scalar: give it x's shape
        return np.broadcast_to(out, np.shape(x)).astype(dt) if np.ndim(x) else out


def make_function(key, custom=""):
    """The lesson function for a picker key.

    Args:
        key: one of the `CATALOGUE` keys.
        custom: the student's expression in x, used when key == "custom" (the safe syntax
            of `micrograd.expr`: numbers, x, + - * / **, tanh exp log sigmoid relu).

    Returns:
        a `LessonFunction`.

    Raises:
        KeyError: unknown key.
        ExpressionError: a bad custom expression, or one that uses a name other than x
            (the error names the fragment and its 1-based column, and says that only x is
            a variable here).
    """
    choice = _BY_KEY[key]
    if key != "custom":
        return LessonFunction(choice, choice.expression)
    expr = parse(custom)
    unknown = [n for n in expr.names if n != "x"]
    if unknown:
        # an evaluation with no domain checks finds the first unknown name and its column
        name, col = unknown[0], None
        try:
            evaluate_numeric(expr, {"x": np.nan}, errors="nan")
        except ExpressionError as err:
            if err.text not in unknown:  # another problem came first (e.g. a huge exponent)
                raise
            name, col = err.text, err.column
        where = f" at column {col}" if col else ""
        raise ExpressionError(
            f"unknown name {name!r}{where}: only x is a variable here, so replace {name} by a number or by x.",
            name, col,
        )
    text = expr.source.strip()
    return LessonFunction(Choice("custom", f"f(x) = {text}", _latex_of(text), "", text), text)


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


def _latex_of(text):
    """A light, display-only LaTeX rendering of a custom expression."""
    return text.replace("**", "^").replace("*", r" \cdot ")


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


def _negligible(c, slope):
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
    pf = math.nan if _negligible(d2, slope) else math.sqrt(2 * eps * s / abs(d2))
    pc = math.nan if _negligible(d3, slope) else (3 * eps * s / abs(d3)) ** (1 / 3)
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
                             line={"color": "#1f77b4", "width": 3}))
    ends = np.array([x - w, x + w])
    fig.add_trace(go.Scatter(
        x=ends.tolist(), y=_clean(f + cmp.analytic * (ends - x)), mode="lines", name="tangent",
        line={"color": "#2ca02c", "width": 2}, meta={"slope": cmp.analytic},
        hovertemplate="tangent, slope f'(x) = %{meta.slope:.6g}<extra></extra>",
    ))
    if math.isfinite(cmp.forward) and math.isfinite(cmp.f_plus):
        fig.add_trace(go.Scatter(
            x=ends.tolist(), y=_clean(f + cmp.forward * (ends - x)), mode="lines", name="forward secant",
            line={"color": "#d62728", "dash": "dash"}, meta={"slope": cmp.forward},
            hovertemplate="forward secant, slope %{meta.slope:.6g}<extra></extra>",
        ))
    if math.isfinite(cmp.central) and math.isfinite(cmp.f_minus) and math.isfinite(cmp.f_plus):
        mid = (cmp.f_plus + cmp.f_minus) / 2
        fig.add_trace(go.Scatter(
            x=ends.tolist(), y=_clean(mid + cmp.central * (ends - x)), mode="lines", name="central secant",
            line={"color": "#ff7f0e", "dash": "dot"}, meta={"slope": cmp.central},
            hovertemplate="central secant, slope %{meta.slope:.6g}<extra></extra>",
        ))
    px = [x - h, x, x + h]
    py = [cmp.f_minus, f, cmp.f_plus]
    fig.add_trace(go.Scatter(
        x=px, y=_clean(py), mode="markers+text", name="points", text=["x−h", "x", "x+h"],
        textposition="top center", marker={"size": 9, "color": "black"}, showlegend=False,
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
    for name, err, color in (("forward difference", fe, "#d62728"), ("central difference", ce, "#ff7f0e")):
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
        marker={"size": 13, "symbol": "circle-open", "line": {"width": 3}, "color": "black"},
        text=["forward", "central"],
        hovertemplate="current h = %{x:.2e}: %{text} |error| %{y:.3e}<extra></extra>",
    ))
    fig.add_trace(go.Scatter(
        x=[curves.best_forward_h, curves.best_central_h],
        y=shown(np.array([curves.best_forward_error, curves.best_central_error], dtype=np.float64)),
        mode="markers", name="best h", marker={"size": 15, "symbol": "star", "color": ["#d62728", "#ff7f0e"]},
        text=["forward", "central"],
        hovertemplate="best h for %{text}: %{x:.2e}, |error| %{y:.3e}<extra></extra>",
    ))
    fig.add_vline(x=cmp.h, line_dash="dash", line_color="black", opacity=0.4)
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
        elif _negligible(c, curves.slope):
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
