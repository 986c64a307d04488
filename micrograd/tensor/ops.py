"""The Tensor engine's ops: one class each, its forward and its backward side by side.

As in PyTorch's ``torch.autograd.Function``: ``forward`` checks the inputs, computes the
value and builds the output node, keeping its parents and whatever its backward needs
(``node._saved``); ``backward(node, g)`` receives the upstream gradient g = d(root)/d(node)
and returns one gradient per parent, in that parent's own shape (None: nothing to send).
The node stores its op class (not a closure), so the graph has no reference cycles.

Elementwise values come from `micrograd.functional` where it defines them (sigmoid, relu),
so the Tensor engine and every graph-free forward share one formula.
"""

import operator

import numpy as np

from micrograd import functional
from micrograd.tensor.engine import _node

_sigmoid = functional.sigmoid
_relu = functional.relu
_tanh = np.tanh
_add_reduce = np.add.reduce


def _unbroadcast(g, shape):
    """Sum gradient `g` over the axes numpy broadcast, so it has `shape` again.

    Leading axes that were added are summed away, and axes of length 1 in `shape` that were
    stretched are summed with keepdims. Returns `g` itself when the shapes already match.
    """
    if g.shape == shape:
        return g
    extra = g.ndim - len(shape)
    if extra:
        g = g.sum(axis=0) if extra == 1 else g.sum(axis=tuple(range(extra)))
        if g.shape == shape:
            return g
    axes = tuple(i for i, s in enumerate(shape) if s == 1 and g.shape[i] != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g


def _broadcast_error(name, a, b):
    return ValueError(f"cannot {name} shapes {a.shape} and {b.shape}: they do not broadcast")


def _broadcasting(f, name, a, b):
    """f(a.data, b.data) with numpy's broadcasting, or a ValueError naming both shapes."""
    try:
        return f(a.data, b.data)
    except ValueError:
        raise _broadcast_error(name, a, b) from None


class Op:
    """The base of every op: a display ``name`` (`Tensor.op`), a static ``forward(...) -> Tensor``
    and a static ``backward(node, g) -> tuple of gradients, one per parent``."""

    name = ""


# --- elementwise arithmetic with broadcasting ----------------------------------------------


class Add(Op):
    """a + b; local derivatives 1 and 1."""

    name = "+"

    @staticmethod
    def forward(a, b):
        return _node(_broadcasting(operator.add, "add", a, b), (a, b), Add)

    @staticmethod
    def backward(node, g):
        a, b = node._prev
        shape = g.shape  # no broadcasting: the upstream gradient passes through
        sa, sb = a.data.shape, b.data.shape
        return (g if sa == shape else _unbroadcast(g, sa)), (g if sb == shape else _unbroadcast(g, sb))


class Sub(Op):
    """a - b; local derivatives 1 and -1."""

    name = "-"

    @staticmethod
    def forward(a, b):
        return _node(_broadcasting(operator.sub, "subtract", a, b), (a, b), Sub)

    @staticmethod
    def backward(node, g):
        a, b = node._prev
        shape, sa, sb = g.shape, a.data.shape, b.data.shape
        return (g if sa == shape else _unbroadcast(g, sa)), (-g if sb == shape else _unbroadcast(-g, sb))


class Mul(Op):
    """a * b; local derivatives d(ab)/da = b and d(ab)/db = a."""

    name = "*"

    @staticmethod
    def forward(a, b):
        return _node(_broadcasting(operator.mul, "multiply", a, b), (a, b), Mul)

    @staticmethod
    def backward(node, g):
        a, b = node._prev
        A, B = a.data, b.data
        if A is B:  # x * x: both parents are x, each gets g x
            ga = g * A
            return ga, ga
        shape, sa, sb = g.shape, A.shape, B.shape
        ga, gb = g * B, g * A
        return (ga if sa == shape else _unbroadcast(ga, sa)), (gb if sb == shape else _unbroadcast(gb, sb))


class Div(Op):
    """a / b; local derivatives 1/b and -a/b^2.

    Raises:
        ZeroDivisionError: if any divisor element is 0. ValueError: if the shapes do not broadcast.
    """

    name = "/"

    @staticmethod
    def forward(a, b):
        if not np.all(b.data):
            raise ZeroDivisionError(f"division by zero: the divisor of shape {b.shape} has a 0 element")
        return _node(_broadcasting(operator.truediv, "divide", a, b), (a, b), Div)

    @staticmethod
    def backward(node, g):
        a, b = node._prev
        y = b.data
        # d/da = 1/y, applied as g / y (1/y overflows for |y| < 5.6e-309); d/db = -(a/y)/y,
        # applied as -g * ((a/y)/y), as PyTorch, or where (a/y)/y overflows as -(g/y) * (a/y):
        # finite whenever the true product is, and never inf * 0 = nan
        with np.errstate(over="ignore", invalid="ignore"):
            ga = g / y
            q = node.data / y
            gb = -g * q
            big = np.isinf(q)
            if big.any():  # rare: only here can 0 * inf arise, so only here is a zero upstream masked
                gb = np.where(big, np.where(g == 0, 0.0, -ga * node.data), gb)
        return _unbroadcast(ga, a.data.shape), _unbroadcast(gb, y.shape)


class Neg(Op):
    """-a; local derivative -1."""

    name = "neg"

    @staticmethod
    def forward(a):
        return _node(-a.data, (a,), Neg)

    @staticmethod
    def backward(node, g):
        return (-g,)


class PowConst(Op):
    """x ** n for a real constant n; local derivative n x^(n-1).

    Raises:
        TypeError: an exponent that is neither a real number nor a Tensor.
        ValueError: a negative base with a non-integer exponent (no real result).
        ZeroDivisionError: zero to a negative power.
    """

    name = "**c"

    @staticmethod
    def forward(a, n):
        if isinstance(n, bool) or not isinstance(n, (int, float, np.integer, np.floating)):
            raise TypeError(f"unsupported exponent of type {type(n).__name__!r}: expected a real number or a Tensor")
        x = a.data
        n = float(n)
        if not n.is_integer() and np.any(x < 0):
            raise ValueError(f"a negative base with the non-integer exponent {n!r} has no real result")
        if n < 0 and not np.all(x):
            raise ZeroDivisionError(f"zero to the negative power {n!r}")
        return _node(x * x if n == 2.0 else x**n, (a,), PowConst, n)

    @staticmethod
    def backward(node, g):
        x = node._prev[0].data
        n = node._saved
        if n == 2.0:
            return (g * (2.0 * x),)
        if n == 0.0:  # x^0 = 1 is flat everywhere, 0 included (as the scalar engine)
            return (np.zeros_like(g),)
        with np.errstate(divide="ignore", over="ignore"):  # inf slope at 0 for n < 1, as the scalar engine
            return (g * (n * x ** (n - 1.0)),)


class Pow(Op):
    """x ** y for a Tensor y; local derivatives y x^(y-1) and x^y ln x (0 where x == 0).

    Raises:
        ValueError: a negative base (no real derivative in y), or shapes that do not broadcast.
        ZeroDivisionError: zero to a negative power.
    """

    name = "**"

    @staticmethod
    def forward(a, b):
        x, y = a.data, b.data
        if np.any(x < 0):
            raise ValueError("Tensor ** Tensor needs a base >= 0 to differentiate with respect to the exponent")
        try:
            bad = np.any((x == 0) & (y < 0))
        except ValueError:
            raise _broadcast_error("raise to a power", a, b) from None
        if bad:
            raise ZeroDivisionError("Tensor ** Tensor: zero to a negative power")
        return _node(x**y, (a, b), Pow)

    @staticmethod
    def backward(node, g):
        a, b = node._prev
        x, y = a.data, b.data
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            # x^0 = 1 is flat: 0 where y == 0, also where x^-1 overflows (0 * inf = nan), as PyTorch
            dx = np.where(y == 0, 0.0, y * x ** (y - 1.0))
            dy = np.where(x > 0, node.data * np.log(np.where(x > 0, x, 1.0)), 0.0)
        return _unbroadcast(g * dx, x.shape), _unbroadcast(g * dy, y.shape)


# --- matrix product, reductions, shape -----------------------------------------------------


class MatMul(Op):
    """A @ B for 1-d or 2-d operands (numpy's rules); gradients g B^T and A^T g.

    Raises:
        ValueError: ``cannot matmul (100, 3) by (2, 16)`` when the inner sizes differ, or an
            operand is 0-d or has more than 2 axes.
    """

    name = "@"

    @staticmethod
    def forward(a, b):
        A, B = a.data, b.data
        if not (1 <= A.ndim <= 2 and 1 <= B.ndim <= 2) or A.shape[-1] != B.shape[0]:
            raise ValueError(f"cannot matmul {A.shape} by {B.shape}")
        return _node(A @ B, (a, b), MatMul)

    @staticmethod
    def backward(node, g):
        a, b = node._prev
        A, B = a.data, b.data
        if A.ndim == 2 and B.ndim == 2:  # the usual case: (n, k) @ (k, m)
            return g @ B.T, A.T @ g
        A2 = A.reshape(1, -1) if A.ndim == 1 else A
        B2 = B.reshape(-1, 1) if B.ndim == 1 else B
        g2 = g.reshape(A2.shape[0], B2.shape[1])
        return (g2 @ B2.T).reshape(A.shape), (A2.T @ g2).reshape(B.shape)


def _axis(a, axis):
    """Check a reduction's `axis` (an int or a tuple of ints) against Tensor a; returns it."""
    nd = a.data.ndim
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    for i in axes:
        if not -nd <= i < max(nd, 1):
            raise ValueError(f"axis {i} is out of range for a Tensor of shape {a.data.shape}")
    return axis if isinstance(axis, (int, np.integer)) else axes


def _spread(a, g, axis, keepdims):
    """Upstream gradient `g` of a reduction over `axis` (None: all), copied to every element of a."""
    if axis is not None and not keepdims:
        g = np.expand_dims(g, axis)
    out = np.empty(a.data.shape)
    out[...] = g
    return out


class Sum(Op):
    """Sum over `axis` (None: all); local derivative 1 for every element.

    Raises:
        ValueError: if an axis is out of range.
    """

    name = "sum"

    @staticmethod
    def forward(a, axis=None, keepdims=False):
        if axis is not None:
            axis = _axis(a, axis)
        return _node(a.data.sum(axis=axis, keepdims=keepdims), (a,), Sum, (axis, keepdims))

    @staticmethod
    def backward(node, g):
        (a,) = node._prev
        axis, keepdims = node._saved
        return (_spread(a, g, axis, keepdims),)


class Mean(Op):
    """Mean over `axis` (None: all); local derivative 1/count for every element.

    Raises:
        ValueError: if an axis is out of range or the mean is over zero elements.
    """

    name = "mean"

    @staticmethod
    def forward(a, axis=None, keepdims=False):
        x = a.data
        if axis is None:
            count = x.size
        else:
            axis = _axis(a, axis)
            axes = (axis,) if isinstance(axis, (int, np.integer)) else axis
            count = int(np.prod([x.shape[i] for i in axes]))
        if count == 0:
            raise ValueError("mean of an empty Tensor")
        # the sum / count that np.mean computes, bit for bit, without its Python wrapper
        return _node(_add_reduce(x, axis, keepdims=keepdims) / count, (a,), Mean, (axis, keepdims, count))

    @staticmethod
    def backward(node, g):
        (a,) = node._prev
        axis, keepdims, count = node._saved
        # a mean over everything has a 0-d upstream gradient: divide it as a float, not an array
        return (_spread(a, float(g) / count if axis is None else g / count, axis, keepdims),)


class Reshape(Op):
    """The same data in a new shape; the gradient is reshaped back.

    Raises:
        ValueError: if the sizes do not match.
    """

    name = "reshape"

    @staticmethod
    def forward(a, shape):
        try:
            d = a.data.reshape(shape)
        except ValueError:
            raise ValueError(f"cannot reshape a Tensor of shape {a.data.shape} into {shape}") from None
        return _node(d, (a,), Reshape)

    @staticmethod
    def backward(node, g):
        return (g.reshape(node._prev[0].data.shape),)


class Transpose(Op):
    """The transpose (axes reversed); the gradient is the upstream gradient transposed."""

    name = "T"

    @staticmethod
    def forward(a):
        return _node(a.data.T, (a,), Transpose)

    @staticmethod
    def backward(node, g):
        return (g.T,)


# --- elementwise functions -----------------------------------------------------------------


class Elementwise(Op):
    """An elementwise function y = f(x) whose local derivative f'(x) is written from x and y.

    ``forward`` applies ``f``; ``backward`` multiplies the upstream gradient by ``local(x, y)``
    (the chain rule, element by element). Subclasses give ``name``, ``f`` and ``local``.
    """

    @classmethod
    def forward(cls, a):
        return _node(cls.f(a.data), (a,), cls)

    @classmethod
    def backward(cls, node, g):
        return (g * cls.local(node._prev[0].data, node.data),)


def _exp(x):
    with np.errstate(over="ignore"):  # e^x beyond the float range is inf, as the scalar engine
        return np.exp(x)


class Exp(Elementwise):
    """e^x; local derivative e^x (inf where e^x overflows, as the scalar engine)."""

    name = "exp"
    f = staticmethod(_exp)

    @staticmethod
    def local(x, e):
        return e


class Log(Op):
    """Natural log; local derivative 1/x, applied as g / x (1/x overflows for tiny x).

    Raises:
        ValueError: if any element is <= 0.
    """

    name = "log"

    @staticmethod
    def forward(a):
        x = a.data
        if np.any(x <= 0):
            raise ValueError(f"log needs positive numbers, got a minimum of {x.min()!r}")
        return _node(np.log(x), (a,), Log)

    @staticmethod
    def backward(node, g):
        return (g / node._prev[0].data,)


class Tanh(Elementwise):
    """tanh(x); local derivative 1 - tanh(x)^2."""

    name = "tanh"
    f = staticmethod(_tanh)

    @staticmethod
    def local(x, t):
        return 1.0 - t * t


class Sigmoid(Elementwise):
    """`micrograd.functional.sigmoid`; local derivative s(1 - s)."""

    name = "sigmoid"
    f = staticmethod(_sigmoid)

    @staticmethod
    def local(x, s):
        return s * (1.0 - s)


class ReLU(Op):
    """`micrograd.functional.relu`, max(0, x); local derivative 1 where x > 0, else 0 (0 at
    x = 0, as the scalar engine and PyTorch), saved as a mask."""

    name = "ReLU"

    @staticmethod
    def forward(a):
        x = a.data
        return _node(_relu(x), (a,), ReLU, x > 0)

    @staticmethod
    def backward(node, g):
        # applied as a mask, not g * mask: an off unit sends 0 even for an infinite upstream
        return (np.where(node._saved, g, 0.0),)


__all__ = ["Op", "Elementwise", "Add", "Sub", "Mul", "Div", "Neg", "PowConst", "Pow", "MatMul", "Sum", "Mean",
           "Reshape", "Transpose", "Exp", "Log", "Tanh", "Sigmoid", "ReLU"]
