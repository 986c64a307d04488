"""The functions of lesson "Derivatives: numerical vs analytic": the picker's catalogue and
how each function is computed.

A `LessonFunction` is computed two ways: by the engine (`value_and_grad`: build f(x) from
`Value` ops and call ``backward()``, the exact reference), and by numpy in float64 or float32
(`numeric`: the finite differences and the plots). sin, which the engine lacks, is built from
+ and × by `sin_value`; a custom expression goes through the safe parser `micrograd.expr`.
The numbers of the lesson are in `micrograd.lessons.derivatives`.
"""

import math
from dataclasses import dataclass

import numpy as np

from micrograd.engine import Value
from micrograd.expr import ExpressionError, build, evaluate_numeric, parse

__all__ = ["Choice", "CATALOGUE", "DEFAULT_KEY", "DEFAULT_CUSTOM", "LessonFunction", "sin_value", "make_function"]


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
DEFAULT_CUSTOM = "x * tanh(2*x) - log(1 + x**2)"
"""The picker's first entry, and the custom expression the text box starts with."""

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


def _latex_of(text):
    """A light, display-only LaTeX rendering of a custom expression."""
    return text.replace("**", "^").replace("*", r" \cdot ")
