"""A scalar-valued autograd engine: `Value` holds one float and remembers how it was made.

Every operation returns a new `Value` that keeps its children (one or two; many for the
fused `weighted_sum` a neuron uses) and the local derivative of its output with respect to
each, computed at forward time. `backward()` walks the graph from the output in reverse
topological order and applies the chain rule, ``child.grad += local_derivative * node.grad``.
Two kinds of local derivative are floats that multiply in their own way, so that this
product is never inf * 0 = nan or an overflow the true contribution does not have: a u/y
that overflows (1/y of x/y and log y at |y| < ~5.6e-309, -x/y^2 of x/y) multiplies as
``(g / y) * u``, and the 0 of a ReLU that is off gives 0 for any upstream, inf included
(a mask, as PyTorch's).

Differences from the original micrograd (github.com/karpathy/micrograd), all additive:
- more ops: ``tanh exp log sigmoid``, ``Value ** Value``, and ``weighted_sum`` (a neuron's
  ``b + sum(w * x)`` as one node, the main reason an MLP step is ~10x faster);
- each node keeps its children and local derivatives in slots, with no closure, so a graph
  has no reference cycles and is freed by reference counting as soon as it is dropped
  (two fixed slots, not tuples, for the one- and two-child ops: a tuple per node is one more
  object for the cycle collector to traverse, and `benchmarks/engine.py` measured tuples
  1.9x slower op by op; the n-ary `weighted_sum` keeps tuples, in the same slots);
- the topological sort is iterative, so a graph of any depth can be differentiated;
- bad input raises a clear error instead of producing a complex number or a silent nan.

Standard library only.
"""

import math
from numbers import Real

__all__ = ["Value"]

_new = object.__new__


def _node(data, a, da, b, db, op):
    # the one place interior nodes are made: no validation, the op already checked its inputs
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out._a = a
    out._da = da
    out._b = b
    out._db = db
    out._op = op
    out.label = ""
    return out


class _Quotient(float):
    """A local derivative u/y beyond the float range (|y| tiny), kept as u and y.

    Its float value is u/y = +-inf, but multiplying it by an upstream gradient g computes
    ``(g / y) * u`` (for u = 1 that is g / y, as PyTorch): the contribution is finite
    whenever the true one is (1e-300 / 1e-310 = 1e10, where inf * 1e-300 is inf), and 0
    when g is 0, not inf * 0 = nan.
    """

    __slots__ = ("u", "y")

    def __new__(cls, u, y):
        self = float.__new__(cls, u / y)
        self.u, self.y = u, y
        return self

    def __mul__(self, g):
        if not isinstance(g, (int, float)):  # a Value or an array: their own * (only floats flow in backward)
            return NotImplemented
        if g == 0:  # the true product is 0 even where u itself is infinite (x/y overflowed)
            return 0.0
        return g / self.y * self.u

    __rmul__ = __mul__

    def __reduce__(self):  # copy and pickle (every protocol) rebuild it from u and y, not from its value inf
        return (_Quotient, (self.u, self.y))


class _Blocked(float):
    """The local derivative 0 of a ReLU that is off: a mask, so its contribution is 0 for
    any upstream gradient, inf and nan included (0 * inf would be nan), as PyTorch's."""

    __slots__ = ()

    def __mul__(self, g):
        if not isinstance(g, (int, float)):  # a Value or an array: their own * (only floats flow in backward)
            return NotImplemented
        return 0.0

    __rmul__ = __mul__


_OFF = _Blocked(0.0)


def _quotient(u, y):
    """u/y as a local derivative: a float, or a `_Quotient` where u/y overflows (rare, so an
    ordinary node stays one GC-tracked object)."""
    q = u / y
    return _Quotient(u, y) if math.isinf(q) else q


def _constant(x):
    """A number used in an op becomes a leaf Value (as in the original), drawn as its value."""
    return _node(_as_float(x, "operand"), None, 0.0, None, 0.0, "")


def _as_float(x, what="operand"):
    """Return x as a Python float, or raise TypeError naming its type."""
    if type(x) is float:
        return x
    if isinstance(x, Real) and not isinstance(x, Value):
        return float(x)  # int, bool, numpy scalars, fractions
    raise TypeError(
        f"unsupported {what} of type {type(x).__name__!r}: expected a real number or a Value"
    )


class Value:
    """One scalar in a computation graph, with its gradient.

    Args:
        data: the value, any real number (int, float, numpy scalar); stored as a Python float.
        _children: the nodes this one was computed from (at most two; kept for compatibility
            with the original micrograd's constructor, ops do not use it).
        _op: the name of the op that made this node ('' for a leaf).
        label: an optional name, shown when the graph is drawn.

    Attributes:
        data (float): the forward-pass value.
        grad (float): d(root)/d(self), summed over every ``backward()`` call since the last
            reset (see `backward`).
        label (str): the display name ('' if none).

    Raises:
        TypeError: if `data` is not a real number (a `Value` included: use the Value itself).
    """

    __slots__ = ("data", "grad", "_a", "_da", "_b", "_db", "_op", "label")

    # numpy defers to Value's operators, so ``ndarray + Value`` raises TypeError like
    # ``Value + ndarray`` instead of silently building an object array of Values
    __array_ufunc__ = None

    def __init__(self, data, _children=(), _op="", label=""):
        if isinstance(data, Value):
            raise TypeError("Value(Value(...)) is not allowed: pass the Value itself, or Value(v.data)")
        self.data = _as_float(data, "data")
        self.grad = 0.0
        if len(_children) > 2:
            raise ValueError("a Value has at most two children")
        kids = tuple(_children) + (None, None)
        # a node built by hand has no local derivatives: it is treated as a leaf by backward
        self._a, self._b = kids[0], kids[1]
        self._da = self._db = 0.0
        self._op = _op
        self.label = label

    # --- graph structure, read-only views for drawing and lessons ---

    @property
    def _prev(self):
        """The set of children, as in the original micrograd."""
        return set(self.children)

    @property
    def op(self):
        """The name of the op that produced this node ('' for a leaf)."""
        return self._op

    @property
    def children(self):
        """Tuple of the nodes this one was computed from, in operand order (empty for a leaf)."""
        a = self._a
        if a is None:
            return ()
        if type(a) is tuple:  # an n-ary node (weighted_sum)
            return a
        return (a,) if self._b is None else (a, self._b)

    @property
    def local_grads(self):
        """Tuple of d(self)/d(child) for each child, in the order of `children`."""
        a = self._a
        if a is None:
            return ()
        if type(a) is tuple:
            return self._da
        return (self._da,) if self._b is None else (self._da, self._db)

    # --- ops: each computes the output and its local derivative(s) ---

    def __add__(self, other):
        if not isinstance(other, Value):
            other = _constant(other)
        return _node(self.data + other.data, self, 1.0, other, 1.0, "+")

    def __mul__(self, other):
        if not isinstance(other, Value):
            other = _constant(other)
        # d(ab)/da = b, d(ab)/db = a
        return _node(self.data * other.data, self, other.data, other, self.data, "*")

    def __pow__(self, other):
        if isinstance(other, Value):
            return self._pow_value(other)
        n = _as_float(other, "exponent")
        x = self.data
        if x < 0 and not n.is_integer():
            raise ValueError(
                f"{self._name()} ** {other!r}: a negative base ({x!r}) with a non-integer "
                "exponent has no real result"
            )
        if x == 0 and n < 0:
            raise ZeroDivisionError(f"{self._name()} ** {other!r}: zero to a negative power")
        out = _pow(x, n)
        # d(x^n)/dx = n x^(n-1); at x = 0 with 0 < n < 1 the slope is infinite
        if n == 0:
            local = 0.0
        elif x == 0 and n < 1:
            local = math.inf
        else:
            local = n * _pow(x, n - 1)
        return _node(out, self, local, None, 0.0, f"**{_fmt(n)}")

    def _pow_value(self, other):
        x, y = self.data, other.data
        if x < 0:
            raise ValueError(
                f"{self._name()} ** {other._name()}: the base must be positive to differentiate "
                f"with respect to the exponent, got {x!r} (use a number as the exponent)"
            )
        if x == 0 and y < 0:
            raise ZeroDivisionError(f"{self._name()} ** {other._name()}: zero to a negative power")
        if x == 0 and y == 0:  # 0^0 = 1, with zero gradients (as PyTorch)
            return _node(1.0, self, 0.0, other, 0.0, "**")
        out = _pow(x, y)
        if y == 0:  # x^0 = 1 is flat: d/dx = 0, even where 0 * x^-1 would be 0 * inf = nan
            dx = 0.0
        else:
            dx = y * _pow(x, y - 1) if x != 0 or y >= 1 else math.inf
        # d(x^y)/dy = x^y ln x, which tends to 0 as x -> 0+ for y > 0
        dy = out * math.log(x) if x > 0 else 0.0
        return _node(out, self, dx, other, dy, "**")

    def __rpow__(self, other):  # other ** self, other a number
        return Value(_as_float(other, "base"))._pow_value(self)

    def __truediv__(self, other):
        if not isinstance(other, Value):
            other = _constant(other)
        y = other.data
        if y == 0:
            raise ZeroDivisionError(f"{self._name()} / {other._name()}: division by zero")
        # d(x/y)/dx = 1/y; d(x/y)/dy = -x/y^2, as -(x/y)/y so that y^2 cannot underflow
        out = self.data / y
        return _node(out, self, _quotient(1.0, y), other, _quotient(-out, y), "/")

    def __rtruediv__(self, other):  # other / self
        return _constant(other) / self

    def __neg__(self):
        return _node(-self.data, self, -1.0, None, 0.0, "neg")

    def __sub__(self, other):
        if not isinstance(other, Value):
            other = _constant(other)
        return _node(self.data - other.data, self, 1.0, other, -1.0, "-")

    def __rsub__(self, other):  # other - self
        return _constant(other) - self

    def __radd__(self, other):  # other + self: the number stays the left operand, as written
        return _constant(other) + self

    def __rmul__(self, other):  # other * self
        return _constant(other) * self

    def relu(self):
        """max(0, x); local derivative 1 where x > 0, else 0 (0 at x = 0, as PyTorch).

        The 0 is a mask, as in PyTorch: a unit that is off sends 0 whatever it receives, even
        an infinite upstream gradient (where 0 * inf would be nan).
        """
        x = self.data
        # written so that nan passes through (a diverged run stays visible, as in PyTorch)
        return _node(0.0 if x <= 0 else x, self, 1.0 if x > 0 else _OFF, None, 0.0, "ReLU")

    def tanh(self):
        """tanh(x); local derivative 1 - tanh(x)^2. Stable for every finite x."""
        t = math.tanh(self.data)
        return _node(t, self, 1.0 - t * t, None, 0.0, "tanh")

    def exp(self):
        """e^x; local derivative e^x. Returns inf (not an error) when e^x overflows a float."""
        try:
            e = math.exp(self.data)
        except OverflowError:
            e = math.inf
        return _node(e, self, e, None, 0.0, "exp")

    def log(self):
        """Natural log; local derivative 1/x.

        Raises:
            ValueError: if x <= 0 (the real log is undefined there).
        """
        x = self.data
        if x <= 0:
            raise ValueError(f"log({self._name()}): log needs a positive number, got {x!r}")
        return _node(math.log(x), self, _quotient(1.0, x), None, 0.0, "log")

    def sigmoid(self):
        """1 / (1 + e^-x); local derivative s(1 - s). Stable for every finite x."""
        x = self.data
        if x >= 0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:  # e^x / (1 + e^x) never overflows for x < 0
            e = math.exp(x)
            s = e / (1.0 + e)
        return _node(s, self, s * (1.0 - s), None, 0.0, "sigmoid")

    @staticmethod
    def weighted_sum(weights, inputs, bias):
        """A neuron's pre-activation, bias + sum_i w_i * x_i, as ONE node with many children.

        Same number as ``bias + w_0*x_0 + w_1*x_1 + ...`` built op by op (the additions happen
        in the same order), with the same gradients, but one node instead of 2n: the local
        derivatives are d/dw_i = x_i, d/dx_i = w_i, d/dbias = 1. Plain-number inputs are
        constants and get no node. `Neuron` uses it: an MLP step then builds ~10x fewer nodes,
        which is what keeps Python's cycle collector from dominating a training step. (The node
        keeps its children and local derivatives in two tuples: three GC-tracked allocations
        where the op-by-op sum makes 2n, and the tuple of floats is untracked by the collector
        on its first pass.)

        Args:
            weights: sequence of n Values.
            inputs: sequence of n Values or real numbers.
            bias: a Value.

        Raises:
            ValueError: if the lengths differ.
        """
        n = len(weights)
        if len(inputs) != n:
            raise ValueError(f"weighted_sum: {n} weights but {len(inputs)} inputs")
        wd = [w.data for w in weights]
        try:
            if n and isinstance(inputs[0], Value):  # inputs are nodes: they get gradients too
                xd = [x.data for x in inputs]
                kids = (*weights, *inputs, bias)
                local = (*xd, *wd, 1.0)
            else:  # numbers are constants: no input nodes
                xd = [x if type(x) is float else _as_float(x, "input") for x in inputs]
                kids = (*weights, bias)
                local = (*xd, 1.0)
        except (AttributeError, TypeError):  # a mix of numbers and Values: numbers become leaves
            inputs = [x if isinstance(x, Value) else Value(x) for x in inputs]
            xd = [x.data for x in inputs]
            kids = (*weights, *inputs, bias)
            local = (*xd, *wd, 1.0)
        acc = bias.data
        for i in range(n):  # left to right, as the op-by-op sum would (indexing beats zip here)
            acc += wd[i] * xd[i]
        return _node(acc, kids, local, None, 0.0, "Σwx+b")

    @classmethod
    def from_local_grads(cls, data, children, local_grads, op="", label=""):
        """A node whose local derivatives you computed yourself: value `data`, and d(node)/d(child)
        = ``local_grads[i]`` for ``children[i]``. ``backward()`` applies the chain rule through it as
        through any op (``child.grad += local_grads[i] * node.grad``); it is kept as `weighted_sum`'s
        n-ary nodes are. Lessons use it to draw a whole neuron as one box (its Jacobian row).

        Raises:
            ValueError: if the lengths differ. TypeError: for a child that is not a Value, or a
                data or local derivative that is not a real number.
        """
        kids, local = tuple(children), tuple(_as_float(d, "local derivative") for d in local_grads)
        if len(kids) != len(local):
            raise ValueError(f"from_local_grads: {len(kids)} children but {len(local)} local derivatives")
        if not all(isinstance(c, Value) for c in kids):
            raise TypeError("from_local_grads: every child must be a Value")
        out = _node(_as_float(data, "data"), kids if kids else None, local if kids else 0.0, None, 0.0, op)
        out.label = label
        return out

    # --- backward pass ---

    def topo_order(self):
        """Return every node this one depends on, children before parents (self last).

        Iterative depth-first post-order, so a graph of any depth works (no RecursionError).
        """
        order = []
        seen = set()
        stack = [self]
        push, pop = stack.append, stack.pop
        while stack:
            v = pop()
            if v is None:  # sentinel: the node under it has all its children in `order`
                order.append(pop())
                continue
            if v in seen:
                continue
            seen.add(v)
            push(v)
            push(None)
            a = v._a
            if a is not None:
                if type(a) is tuple:  # n-ary node
                    for c in a:
                        if c not in seen:
                            push(c)
                    continue
                if a not in seen:
                    push(a)
                b = v._b
                if b is not None and b not in seen:
                    push(b)
        return order

    def backward(self):
        """Reverse-mode autodiff: add d(self)/d(node) to ``node.grad`` for every node below.

        The root is seeded with d(self)/d(self) = 1.0, then each node, parents before
        children, sends ``local_derivative * node.grad`` to each child.

        Gradients accumulate, like PyTorch's: a second ``backward()`` without zeroing adds
        the same gradients again (every grad doubles). Call ``zero_grad()`` on a model, or
        set ``v.grad = 0.0``, between steps. Each call works on this pass's gradients only,
        so earlier grads stored on interior nodes never leak into the chain rule.

        Returns:
            the list `topo_order()` gave, children before parents (self last), so a caller
            that wants the graph's size need not walk it a second time.
        """
        topo = self.topo_order()
        # keep any grads from earlier passes aside, so this pass starts from zero
        earlier = [(v, v.grad) for v in topo if v.grad]
        for v, _ in earlier:
            v.grad = 0.0
        self.grad = 1.0
        for v in reversed(topo):
            a = v._a
            if a is None:  # a leaf
                continue
            g = v.grad
            if type(a) is tuple:  # n-ary node: one local derivative per child
                for c, d in zip(a, v._da):
                    c.grad += d * g
                continue
            a.grad += v._da * g
            b = v._b
            if b is not None:
                b.grad += v._db * g
        for v, g in earlier:
            v.grad += g
        return topo

    # --- comparisons and display ---

    def _name(self):
        return f"Value({self.label + '=' if self.label else ''}{self.data!r})"

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data}, grad={self.grad}{label})"

    def __float__(self):
        return self.data


def _pow(x, n):
    """x ** n for floats, returning +-inf where the result overflows (as exp does) instead of
    raising OverflowError. Callers have already rejected the undefined cases."""
    try:
        return x**n
    except OverflowError:  # |x^n| is beyond the float range; the sign is negative only for
        return -math.inf if x < 0 and n % 2 == 1 else math.inf  # a negative base, odd power


def _fmt(n):
    """Format an exponent for an op name: 2.0 -> '2', 0.5 -> '0.5'."""
    return str(int(n)) if n.is_integer() and abs(n) < 1e15 else repr(n)
