"""A checked expression -> numbers: one tree walker, two arithmetic backends.

`_Walker` walks the tree `parse` checked. It owns what both evaluators share: constants,
names, the exponent limit, which node an error names, and when a result counts as a domain
error or an overflow. A backend supplies only the arithmetic:

- `_ValueBackend` (`build`, `evaluate`): `Value` nodes through Value's own methods, so every
  number and error is the engine's; constant-only sub-expressions are folded to plain floats
  by the same methods (``2**3`` is ``(Value(2) ** 3).data``);
- `_NumpyBackend` (`evaluate_numeric`): numpy in one floating dtype, on scalars or arrays;
  tanh, sigmoid and relu are `micrograd.functional.ACTIVATIONS`, the one numpy definition.
"""

import ast
import contextlib
import math
import operator
from numbers import Real

from micrograd.engine import Value
from micrograd.expr.parsing import (
    _BINOPS,
    FUNCTIONS,
    MAX_EXPONENT,
    EvaluationError,
    ExpressionError,
    _column,
    _locate,
    _refuse,
    parse,
)


def _domain_error(src, node, err):
    frag, col, at = _locate(src, node)
    return EvaluationError(f"{at} cannot be computed: {err}. Change the values or the expression.", frag, col)


def _overflow(src, node, result):
    frag, col, at = _locate(src, node)
    return EvaluationError(f"{at} gives {result} (overflow): use smaller numbers.", frag, col)


def _too_large(name):
    """The ExpressionError for a value (an int such as 10**400) that no float can hold."""
    return ExpressionError(
        f"the value of {name!r} is beyond the float range (magnitude above 1.8e308): give a smaller number.",
        name,
        None,
    )


def _is_constant(node):
    """True if an ast node contains no variable name (its value is a plain number)."""
    return not any(isinstance(n, ast.Name) and n.id not in FUNCTIONS for n in ast.walk(node))


class _Walker:
    """Evaluates a checked tree with `backend`'s arithmetic; `leaves` maps names to backend values.

    A backend gives: ``constant(c)``, ``binary(op, a, b)`` (op from the parser's operator table),
    ``call(name, u)``; ``checking()``, the context each of them runs in; ``domain_errors``, what
    they raise for a domain error, and ``reason(err)``, its text; ``strict``, whether a result
    that is not finite (``finite(r)``) is an overflow error showing ``shown(r)``.
    """

    def __init__(self, src, leaves, backend):
        self.src = src
        self.leaves = leaves
        self.backend = backend

    def walk(self, node):
        src = self.src
        if isinstance(node, ast.Constant):
            try:
                c = float(node.value)
            except OverflowError:  # an int literal beyond the float range, e.g. 10**400
                raise _overflow(src, node, "inf") from None
            return self.compute(node, self.backend.constant, c)
        if isinstance(node, ast.Name):
            try:
                return self.leaves[node.id]
            except KeyError:
                raise self.unknown(node) from None
        if isinstance(node, ast.UnaryOp):
            v = self.walk(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp):
            a = self.walk(node.left)
            b = self.walk(node.right)
            op = _BINOPS[type(node.op)]
            # checked once the exponent is known, before the power is computed: 9**9**9 stops at 9**9
            if op is operator.pow and _is_constant(node.right) and abs(float(b)) > MAX_EXPONENT:
                frag, col, at = _locate(src, node.right)
                raise ExpressionError(
                    f"the exponent {at} is {float(b):g}; constant exponents must be "
                    f"between -{MAX_EXPONENT} and {MAX_EXPONENT}: use a smaller one.",
                    frag,
                    col,
                )
            return self.compute(node, self.backend.binary, op, a, b)
        if isinstance(node, ast.Call):
            f = node.func
            name, arg = (f.id, node.args[0]) if isinstance(f, ast.Name) else (f.attr, f.value)
            u = self.walk(arg)
            return self.compute(node, self.backend.call, name, u)
        raise _refuse(src, node, "unexpected syntax")  # unreachable: parse() checked the tree

    def compute(self, node, fn, *args):
        """fn(*args) under the backend's rules: a domain error or (if strict) a non-finite result names `node`."""
        backend = self.backend
        try:
            with backend.checking():
                r = fn(*args)
        except backend.domain_errors as err:
            raise _domain_error(self.src, node, backend.reason(err)) from None
        if backend.strict and not backend.finite(r):
            raise _overflow(self.src, node, backend.shown(r))
        return r

    def unknown(self, node):
        frag = node.id
        col = _column(self.src, node)
        known = ", ".join(sorted(self.leaves)) or "none"
        return ExpressionError(
            f"unknown name {frag!r} at column {col}: give it a value or use a known name ({known}).",
            frag,
            col,
        )


def _leaves(expr, values, leaf):
    """name -> leaf(name, value) for each name of `expr` in `values`, in order of first appearance.

    A name missing from `values` is left out: the walk reports it with its column.
    """
    leaves = {}
    for name in expr.names:
        if name in values:
            try:
                leaves[name] = leaf(name, values[name])
            except OverflowError:  # an int (or Fraction) beyond the float range, e.g. 10**400
                raise _too_large(name) from None
    return leaves


_NOTHING_TO_SWITCH_ON = contextlib.nullcontext()  # reusable, unlike np.errstate


class _ValueBackend:
    """Value arithmetic: a node per op, the engine's errors; plain floats fold through Value's methods."""

    strict = True
    domain_errors = (ValueError, ZeroDivisionError, OverflowError)
    reason = staticmethod(str)

    @staticmethod
    def checking():
        return _NOTHING_TO_SWITCH_ON  # Value ops raise their own errors

    @staticmethod
    def leaf(name, v):
        if isinstance(v, Value):
            if not v.label:
                v.label = name
            return v
        if isinstance(v, bool) or not isinstance(v, Real):
            raise TypeError(f"the value of {name!r} must be a real number, got {type(v).__name__}")
        x = float(v)
        if not math.isfinite(x):
            raise ExpressionError(f"the value of {name!r} is {v}: give a finite number.", name, None)
        return Value(x, label=name)

    @staticmethod
    def constant(c):
        return c

    @staticmethod
    def binary(op, a, b):
        if isinstance(a, Value) or isinstance(b, Value):
            return op(a, b)
        return op(Value(a), b).data  # the engine's rules and errors, e.g. its ZeroDivisionError

    @staticmethod
    def call(name, u):
        if isinstance(u, Value):
            return getattr(u, name)()
        return getattr(Value(u), name)().data

    @staticmethod
    def shown(r):
        return r.data if isinstance(r, Value) else r

    @staticmethod
    def finite(r):
        return math.isfinite(r.data if isinstance(r, Value) else r)


class _NumpyBackend:
    """numpy arithmetic in one floating dtype; strict: a domain error or overflow raises, else gives nan/inf."""

    domain_errors = (FloatingPointError,)

    def __init__(self, np, activations, dtype, strict):
        self.np = np
        self.dtype = dtype
        self.strict = strict
        self.functions = {"exp": np.exp, "log": self.log, **{n: activations[n] for n in ("tanh", "sigmoid", "relu")}}

    def checking(self):
        if not self.strict:
            return self.np.errstate(all="ignore")
        return self.np.errstate(divide="raise", over="raise", invalid="raise", under="ignore")

    @staticmethod
    def reason(err):
        return str(err).replace("encountered in", "in")

    def leaf(self, name, v):
        return self.np.asarray(v, dtype=self.dtype) if self.np.ndim(v) else self.dtype.type(v)

    def constant(self, c):
        return self.dtype.type(c)

    @staticmethod
    def binary(op, a, b):
        return op(a, b)

    def call(self, name, u):
        r = self.functions[name](u)
        # every intermediate stays in the dtype (micrograd.functional's sigmoid computes in float64)
        return r if r.dtype == self.dtype else r.astype(self.dtype)

    def log(self, u):
        np = self.np
        if np.any(u <= 0):
            if self.strict:
                raise FloatingPointError("log needs a positive number")
            return np.where(u > 0, np.log(np.where(u > 0, u, 1)), np.nan)
        return np.log(u)

    @staticmethod
    def shown(r):
        return r

    def finite(self, r):
        return self.np.all(self.np.isfinite(r))


def build(text, values):
    """Build the computation graph of an expression.

    Args:
        text: the expression (str, or an `Expression` from `parse`).
        values: dict name -> real number (or a `Value`, used as the leaf itself, labelled
            with its name if it has no label). Names the expression does not use are ignored.

    Returns:
        (root, leaves): the root `Value` and a dict name -> leaf `Value` for each variable
        the expression uses, in order of first appearance. Each leaf is one object however
        often its name appears, so fan-out is real and ``backward()`` accumulates into it.
        Numbers meeting a Value become unlabelled constant leaves; an expression with no
        variable returns ``Value(result)``.

    Raises:
        ExpressionError: bad or refused syntax, a broken limit, or an unknown name.
        EvaluationError (an ExpressionError): a domain error or overflow at these values.
        TypeError: `values` is not a dict of real numbers.
    """
    expr = parse(text)
    if not isinstance(values, dict):
        raise TypeError(f"values must be a dict of name -> number, got {type(values).__name__}")
    leaves = _leaves(expr, values, _ValueBackend.leaf)
    root = _Walker(expr.source, leaves, _ValueBackend).walk(expr._tree.body)
    if not isinstance(root, Value):
        root = Value(root)
    return root, leaves


def evaluate(text, values):
    """The root `Value` of the graph built from an expression: ``build(text, values)[0]``.

    Example: ``evaluate("(a + b) * (b + 1)", {"a": 2, "b": -3})`` has data 2.0; after
    ``.backward()`` the leaf b (one object, used twice) has grad (b + 1) + (a + b) = -3.

    Args, returns and raises: as `build`.
    """
    return build(text, values)[0]


def evaluate_numeric(text, values, dtype="float64", errors="raise"):
    """Evaluate an expression with numpy arithmetic in one floating dtype.

    Every number, every intermediate result and the output are in `dtype`, so float32
    shows float32 round-off (NumPy 2 keeps float32 when Python numbers meet float32).
    Used for finite differences and for plotting a function on a grid.

    Args:
        text: the expression (str, or an `Expression`).
        values: dict name -> number or numpy array (arrays broadcast; they are cast to
            `dtype`).
        dtype: "float64" or "float32" (or a numpy dtype).
        errors: "raise" to raise `EvaluationError` on a domain error (log of x <= 0, division
            by zero, 0 ** negative, negative ** fraction) or overflow; "nan" to return nan/inf
            there instead (for plotting).

    Returns:
        a numpy scalar or array of `dtype`.

    Raises:
        ExpressionError: bad or refused syntax, an unknown name; EvaluationError (with
        errors="raise") as above; ValueError: an unknown `errors` or a non-float dtype.
    """
    import numpy as np  # numpy only here: the Value evaluator stays standard-library only

    from micrograd.functional import ACTIVATIONS

    if errors not in ("raise", "nan"):
        raise ValueError(f"errors must be 'raise' or 'nan', got {errors!r}")
    dt = np.dtype(dtype)
    if dt.kind != "f":
        raise ValueError(f"dtype must be a floating type such as float64 or float32, got {dt}")
    expr = parse(text)
    backend = _NumpyBackend(np, ACTIVATIONS, dt, errors == "raise")
    leaves = _leaves(expr, values, backend.leaf)
    r = _Walker(expr.source, leaves, backend).walk(expr._tree.body)
    if np.ndim(r) == 0:
        return dt.type(r)
    return np.asarray(r, dtype=dt)
