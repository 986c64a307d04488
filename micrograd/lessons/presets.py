"""The expressions of the two graph pages ("Computation graph & backprop", "Manual vs automatic
backprop"): four ready-made ones and a custom expression.

`EXPRESSIONS` holds the lecture expression L = (a·b + c)·f, a tanh neuron, the fan-out
e = (a+b)·(b+1) and b = a + a; `CUSTOM` is an expression the student types (parsed safely by
`micrograd.expr`). The first two are the examples of Karpathy's "The spelled-out intro to
neural networks and backpropagation: building micrograd". `build` makes the graph of any of
them. No streamlit here.
"""

import math
from dataclasses import dataclass, field
from typing import Callable

from micrograd.engine import Value

__all__ = [
    "Preset", "EXPRESSIONS", "CUSTOM", "CHOICES", "CUSTOM_DEFAULT_TEXT", "CUSTOM_DEFAULT_VALUES",
    "title", "default_values", "leaf_names", "build", "builder",
]


def _lecture(v):
    a, b, c, f = (Value(v[k], label=k) for k in ("a", "b", "c", "f"))
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return L


def _neuron(v):
    x1, x2, w1, w2, b = (Value(v[k], label=k) for k in ("x1", "x2", "w1", "w2", "b"))
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    s = x1w1 + x2w2
    s.label = "x1*w1 + x2*w2"
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


def _fanout(v):
    a, b = Value(v["a"], label="a"), Value(v["b"], label="b")
    s = a + b
    s.label = "a+b"
    t = b + 1
    t.label = "b+1"
    e = s * t
    e.label = "e"
    return e


def _a_plus_a(v):
    a = Value(v["a"], label="a")
    b = a + a
    b.label = "b"
    return b


@dataclass(frozen=True)
class Preset:
    """One ready-made expression.

    Attributes:
        key: the id used by the pages ('lecture', 'neuron', 'fanout', 'a_plus_a').
        title: the name shown in the picker.
        formula: the expression as text, e.g. 'L = (a·b + c)·f'.
        description: one or two sentences on what it teaches.
        defaults: {leaf name: value}, the lecture's numbers.
        make: a function {leaf name: float} -> root `Value`, every node labelled.
    """

    key: str
    title: str
    formula: str
    description: str
    defaults: dict
    make: Callable = field(repr=False)


#: the ready-made expressions, by key, in picker order
EXPRESSIONS = {
    p.key: p
    for p in (
        Preset(
            "lecture", "Lecture example: L = (a·b + c)·f", "e = a·b,  d = e + c,  L = d·f",
            "The first example of the micrograd lecture: every gradient can be checked by hand.",
            {"a": 2.0, "b": -3.0, "c": 10.0, "f": -2.0}, _lecture,
        ),
        Preset(
            "neuron", "A neuron: o = tanh(x1·w1 + x2·w2 + b)", "n = x1·w1 + x2·w2 + b,  o = tanh(n)",
            "Two inputs, two weights and a bias through tanh. The bias is chosen so that n ≈ 0.8814 "
            "and o = tanh(n) ≈ 0.7071, which makes the local derivative 1 − o² exactly 0.5.",
            {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}, _neuron,
        ),
        Preset(
            "fanout", "Fan-out: e = (a + b)·(b + 1)", "e = (a + b)·(b + 1)",
            "b is used twice, so its gradient is the sum of what both uses send back: "
            "de/db = (b + 1) + (a + b).",
            {"a": 2.0, "b": -3.0}, _fanout,
        ),
        Preset(
            "a_plus_a", "Same input twice: b = a + a", "b = a + a",
            "The simplest fan-out: db/da = 1 + 1 = 2. An engine that assigns gradients instead of "
            "adding them gets 1.",
            {"a": 3.0}, _a_plus_a,
        ),
    )
}

#: the key of the expression the student types
CUSTOM = "custom"
#: every choice of the expression picker, in order
CHOICES = [*EXPRESSIONS, CUSTOM]
CUSTOM_DEFAULT_TEXT = "tanh(w*x + b) * x"
CUSTOM_DEFAULT_VALUES = {"w": -0.5, "x": 2.0, "b": 0.5}


def title(key):
    """The picker's name for a key of `CHOICES`: the preset's title, or 'Custom expression'."""
    return EXPRESSIONS[key].title if key in EXPRESSIONS else "Custom expression"


def default_values(key):
    """{name: value} the inputs start at: the preset's defaults, or `CUSTOM_DEFAULT_VALUES`
    for `CUSTOM` (a custom name not in it starts at 1.0)."""
    return CUSTOM_DEFAULT_VALUES if key == CUSTOM else EXPRESSIONS[key].defaults


def leaf_names(preset, text=None):
    """The input names of a preset (or of a custom expression), in order.

    Args:
        preset: a key of `EXPRESSIONS`, or `CUSTOM`.
        text: the custom expression (only for `CUSTOM`).

    Returns:
        list of str.

    Raises:
        KeyError: unknown preset. micrograd.expr.ExpressionError: bad custom expression.
    """
    if preset == CUSTOM:
        from micrograd import expr

        return list(expr.names(text))
    return list(EXPRESSIONS[preset].defaults)


def build(preset, values=None, text=None):
    """Build the graph of a preset (or custom expression) and return its root `Value`.

    Args:
        preset: a key of `EXPRESSIONS`, or `CUSTOM`.
        values: optional {name: float}; missing names take the preset's defaults (custom
            expressions: `CUSTOM_DEFAULT_VALUES`, else 1.0).
        text: the custom expression, e.g. 'tanh(w*x + b)' (only for `CUSTOM`).

    Returns:
        the root `Value`, with fresh grads (0.0) everywhere.

    Raises:
        KeyError: unknown preset. micrograd.expr.ExpressionError (a ValueError): bad custom
        expression. ValueError / ZeroDivisionError: the values leave the op's domain (log of
        a negative number, division by zero, ...).
    """
    values = dict(values or {})
    if preset == CUSTOM:
        from micrograd import expr

        full = {n: float(values.get(n, CUSTOM_DEFAULT_VALUES.get(n, 1.0))) for n in expr.names(text)}
        return expr.evaluate(text, full)
    p = EXPRESSIONS[preset]
    full = {k: float(values.get(k, d)) for k, d in p.defaults.items()}
    root = p.make(full)
    if not math.isfinite(root.data):  # as expr.evaluate refuses for custom expressions
        raise ValueError(f"the output is {root.data} with these values: use smaller input values")
    return root


def builder(preset, text=None):
    """Return f(values: dict) -> root Value for `build(preset, values, text)`, for nudging."""
    return lambda values: build(preset, values, text)
