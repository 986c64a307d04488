"""A vectorized autograd engine: `Tensor` is `Value` over float64 numpy arrays.

The design is the scalar engine's (`micrograd.engine`): every op returns a new node that
keeps its parents and what its backward rule needs, with no closure (so a graph has no
reference cycles and is freed as soon as it is dropped), and `Tensor.backward()` walks an
iterative reverse topological order applying the chain rule. The difference is what one
node holds: a whole array, so one ``X @ W`` node stands for the thousands of ``w * x``
scalar nodes the `Value` engine builds for the same layer. That is why frameworks use
tensors.

Broadcasting follows numpy. Gradients of a broadcast operand are summed back over the
broadcast axes to the operand's own shape (the rule in PyTorch's autograd and in every
other tensor framework: an input used n times receives the sum of its n upstream
gradients).

Also here: the three losses of `micrograd.losses` as single fused nodes
(`hinge_loss`, `mse_loss`, `bce_with_logits_loss`), `l2_penalty`, a tensor MLP
(`TensorMLP`) that can copy its weights from, and its gradients to, a scalar
`micrograd.nn.MLP`, and `loss_and_grads`, which computes a scalar model's loss and
gradients through the Tensor engine.

numpy only; no streamlit, no torch.
"""

import numpy as np

__all__ = [
    "Tensor",
    "hinge_loss",
    "mse_loss",
    "bce_with_logits_loss",
    "l2_penalty",
    "LOSSES",
    "TensorLayer",
    "TensorMLP",
    "loss_and_grads",
]

_new = object.__new__
_f64 = np.float64
_asarray = np.asarray
_ONE = np.float64(1.0)


def _node(data, prev, op, saved=None):
    # the one place interior nodes are made: the op has already checked its inputs
    out = _new(Tensor)
    out.data = data
    out.grad = None
    out._prev = prev
    out._op = op
    out._saved = saved
    out._g = None
    out.label = ""
    return out


def _leaf(x):
    """A constant operand as a leaf Tensor (float64)."""
    return Tensor(x)


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


# --- backward rules: (node, upstream gradient g) -> one gradient per parent -------------
# Each returns gradients in the parents' own shapes. None means "no gradient to send".


def _bw_add(v, g):
    a, b = v._prev
    shape = g.shape  # fast path: no broadcasting, the upstream gradient passes through
    sa, sb = a.data.shape, b.data.shape
    return (g if sa == shape else _unbroadcast(g, sa)), (g if sb == shape else _unbroadcast(g, sb))


def _bw_sub(v, g):
    a, b = v._prev
    return _unbroadcast(g, a.data.shape), _unbroadcast(-g, b.data.shape)


def _bw_mul(v, g):
    a, b = v._prev
    # d(ab)/da = b, d(ab)/db = a
    return _unbroadcast(g * b.data, a.data.shape), _unbroadcast(g * a.data, b.data.shape)


def _bw_div(v, g):
    a, b = v._prev
    y = b.data
    # d(x/y)/dx = 1/y, d(x/y)/dy = -x/y^2 = -(x/y)/y
    ga = g / y
    return _unbroadcast(ga, a.data.shape), _unbroadcast(-ga * v.data, b.data.shape)


def _bw_pow_const(v, g):
    (a,) = v._prev
    n = v._saved
    if n == 2.0:
        return (g * (2.0 * a.data),)
    if n == 0.0:  # x^0 = 1 is flat everywhere, 0 included (as the scalar engine)
        return (np.zeros_like(g),)
    return (g * (n * a.data ** (n - 1.0)),)


def _bw_pow(v, g):
    a, b = v._prev
    x, y = a.data, b.data
    # d(x^y)/dx = y x^(y-1); d(x^y)/dy = x^y ln x (0 where x == 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        dx = np.where((x == 0) & (y == 0), 0.0, y * x ** (y - 1.0))  # 0^0 = 1, flat (as PyTorch)
        dy = np.where(x > 0, v.data * np.log(np.where(x > 0, x, 1.0)), 0.0)
    return _unbroadcast(g * dx, x.shape), _unbroadcast(g * dy, y.shape)


def _bw_neg(v, g):
    return (-g,)


def _bw_matmul(v, g):
    a, b = v._prev
    A, B = a.data, b.data
    if A.ndim == 2 and B.ndim == 2:  # the fast path: (n, k) @ (k, m)
        return g @ B.T, A.T @ g
    A2 = A.reshape(1, -1) if A.ndim == 1 else A
    B2 = B.reshape(-1, 1) if B.ndim == 1 else B
    g2 = g.reshape(A2.shape[0], B2.shape[1])
    return (g2 @ B2.T).reshape(A.shape), (A2.T @ g2).reshape(B.shape)


def _bw_sum(v, g):
    (a,) = v._prev
    axis, keepdims = v._saved
    if axis is not None and not keepdims:
        g = np.expand_dims(g, axis)
    out = np.empty(a.data.shape)
    out[...] = g
    return (out,)


def _bw_mean(v, g):
    (a,) = v._prev
    axis, keepdims, count = v._saved
    if axis is not None and not keepdims:
        g = np.expand_dims(g, axis)
    out = np.empty(a.data.shape)
    out[...] = g / count
    return (out,)


def _bw_exp(v, g):
    return (g * v.data,)


def _bw_log(v, g):
    return (g / v._prev[0].data,)


def _bw_tanh(v, g):
    t = v.data
    return (g * (1.0 - t * t),)


def _bw_sigmoid(v, g):
    s = v.data
    return (g * (s * (1.0 - s)),)


def _bw_relu(v, g):
    # local derivative 1 where x > 0, else 0 (0 at x = 0, as the scalar engine and PyTorch)
    return (g * v._saved,)


def _bw_reshape(v, g):
    return (g.reshape(v._prev[0].data.shape),)


def _bw_transpose(v, g):
    return (g.T,)


def _bw_loss(v, g):
    # fused losses save d(loss)/d(scores) at forward time
    return (v._saved * g,)


def _bw_l2(v, g):
    # d(alpha * sum p^2)/dp = 2 alpha p
    k = 2.0 * v._saved * g
    return tuple(k * p.data for p in v._prev)


_BACKWARD = {
    "+": _bw_add,
    "-": _bw_sub,
    "*": _bw_mul,
    "/": _bw_div,
    "**c": _bw_pow_const,
    "**": _bw_pow,
    "neg": _bw_neg,
    "@": _bw_matmul,
    "sum": _bw_sum,
    "mean": _bw_mean,
    "exp": _bw_exp,
    "log": _bw_log,
    "tanh": _bw_tanh,
    "sigmoid": _bw_sigmoid,
    "ReLU": _bw_relu,
    "reshape": _bw_reshape,
    "T": _bw_transpose,
    "hinge": _bw_loss,
    "mse": _bw_loss,
    "bce": _bw_loss,
    "l2": _bw_l2,
}


class Tensor:
    """A float64 numpy array in a computation graph, with its gradient.

    Args:
        data: anything `numpy.asarray` turns into real numbers (a number, a list, an array);
            stored as a float64 array (copied, so the caller's array is never changed).
        label: an optional name, for display.

    Attributes:
        data (numpy.ndarray): the forward-pass values, float64, any shape (0-d for scalars).
        grad (numpy.ndarray or None): d(root)/d(self), the same shape as `data`, summed over
            every ``backward()`` since the last reset; None until a backward pass reaches
            this node (None means zero). Treat it as read-only: gradient arrays may be
            shared between nodes.
        label (str): the display name.

    Raises:
        TypeError: if `data` is a Tensor (use the Tensor itself) or not numeric.
        ValueError: if `data` holds non-real values (complex numbers).
    """

    __slots__ = ("data", "grad", "_prev", "_op", "_saved", "_g", "label", "__weakref__")

    #: make numpy hand ``ndarray (op) Tensor`` to the Tensor's reflected operator
    __array_ufunc__ = None

    def __init__(self, data, label=""):
        if isinstance(data, Tensor):
            raise TypeError("Tensor(Tensor(...)) is not allowed: pass the Tensor itself, or Tensor(t.data)")
        if isinstance(data, complex) or np.iscomplexobj(data):
            raise ValueError("Tensor data must be real numbers, got complex values")
        try:
            raw = np.asarray(data)
        except (TypeError, ValueError) as exc:  # e.g. ragged nested lists
            raise TypeError(f"Tensor data must be real numbers, got {type(data).__name__!r}: {exc}") from None
        if raw.dtype.kind not in "biuf":  # None, strings, objects: never a silent nan
            raise TypeError(f"Tensor data must be real numbers, got {type(data).__name__!r} ({raw.dtype} values)")
        self.data = np.array(raw, dtype=np.float64)
        self.grad = None
        self._prev = ()
        self._op = ""
        self._saved = None
        self._g = None
        self.label = label

    # --- read-only views ---

    @property
    def shape(self):
        """The shape of `data`, a tuple of ints."""
        return self.data.shape

    @property
    def ndim(self):
        """The number of axes of `data`."""
        return self.data.ndim

    @property
    def size(self):
        """The number of elements of `data`."""
        return self.data.size

    @property
    def op(self):
        """The name of the op that produced this node ('' for a leaf)."""
        return self._op

    @property
    def children(self):
        """Tuple of the Tensors this one was computed from, in operand order."""
        return self._prev

    def item(self):
        """The value of a one-element Tensor as a Python float.

        Raises:
            ValueError: if the Tensor has more than one element.
        """
        if self.data.size != 1:
            raise ValueError(f"item() needs a one-element Tensor, got shape {self.data.shape}")
        return float(self.data.reshape(()))

    def numpy(self):
        """A copy of `data` as a numpy array."""
        return self.data.copy()

    def __len__(self):
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d Tensor")
        return self.data.shape[0]

    def __float__(self):
        return self.item()

    def __repr__(self):
        grad = "None" if self.grad is None else np.array2string(np.asarray(self.grad), precision=4)
        data = np.array2string(self.data, precision=4)
        return f"Tensor(data={data}, grad={grad}{', label=' + repr(self.label) if self.label else ''})"

    # --- elementwise ops with broadcasting ---

    def __add__(self, other):
        if type(other) is not Tensor:
            other = _leaf(other)
        try:
            d = self.data + other.data
        except ValueError:
            raise _broadcast_error("add", self, other) from None
        return _node(d, (self, other), "+")

    def __radd__(self, other):  # other + self
        return _leaf(other) + self

    def __sub__(self, other):
        if type(other) is not Tensor:
            other = _leaf(other)
        try:
            d = self.data - other.data
        except ValueError:
            raise _broadcast_error("subtract", self, other) from None
        return _node(d, (self, other), "-")

    def __rsub__(self, other):  # other - self
        return _leaf(other) - self

    def __mul__(self, other):
        if type(other) is not Tensor:
            other = _leaf(other)
        try:
            d = self.data * other.data
        except ValueError:
            raise _broadcast_error("multiply", self, other) from None
        return _node(d, (self, other), "*")

    def __rmul__(self, other):  # other * self
        return _leaf(other) * self

    def __truediv__(self, other):
        """Elementwise division.

        Raises:
            ZeroDivisionError: if any divisor element is 0.
            ValueError: if the shapes do not broadcast.
        """
        if type(other) is not Tensor:
            other = _leaf(other)
        if not np.all(other.data):
            raise ZeroDivisionError(f"division by zero: the divisor of shape {other.shape} has a 0 element")
        try:
            d = self.data / other.data
        except ValueError:
            raise _broadcast_error("divide", self, other) from None
        return _node(d, (self, other), "/")

    def __rtruediv__(self, other):  # other / self
        return _leaf(other) / self

    def __neg__(self):
        return _node(-self.data, (self,), "neg")

    def __pow__(self, other):
        """``x ** n`` for a constant real n (local derivative n x^(n-1)), or ``x ** y`` for a
        Tensor y (local derivatives y x^(y-1) and x^y ln x; the base must be > 0, or >= 0
        where y >= 1).

        Raises:
            ValueError: a negative base with a non-integer constant exponent, or a negative
                base with a Tensor exponent (no real result / no real derivative).
            ZeroDivisionError: zero to a negative power.
            TypeError: an exponent that is neither a real number nor a Tensor.
        """
        x = self.data
        if type(other) is Tensor:
            y = other.data
            if np.any(x < 0):
                raise ValueError(
                    "Tensor ** Tensor needs a base >= 0 to differentiate with respect to the exponent"
                )
            try:
                bad = np.any((x == 0) & (y < 0))
            except ValueError:
                raise _broadcast_error("raise to a power", self, other) from None
            if bad:
                raise ZeroDivisionError("Tensor ** Tensor: zero to a negative power")
            return _node(x**y, (self, other), "**")
        if isinstance(other, bool) or not isinstance(other, (int, float, np.integer, np.floating)):
            raise TypeError(
                f"unsupported exponent of type {type(other).__name__!r}: expected a real number or a Tensor"
            )
        n = float(other)
        if not n.is_integer() and np.any(x < 0):
            raise ValueError(f"a negative base with the non-integer exponent {n!r} has no real result")
        if n < 0 and not np.all(x):
            raise ZeroDivisionError(f"zero to the negative power {n!r}")
        out = x * x if n == 2.0 else x**n
        return _node(out, (self,), "**c", n)

    def __rpow__(self, other):  # other ** self, other a number
        return _leaf(other) ** self

    # --- matrix product, reductions, shape ---

    def __matmul__(self, other):
        """Matrix product (1-d or 2-d operands, numpy's rules).

        Local derivatives: d(AB)/dA contracts with B^T, d(AB)/dB with A^T, so the
        gradients are g B^T and A^T g (the standard matrix-calculus result).

        Raises:
            ValueError: ``cannot matmul (100, 3) by (2, 16)`` when the inner sizes differ,
                or an operand is 0-d or has more than 2 axes.
        """
        if type(other) is not Tensor:
            other = _leaf(other)
        A, B = self.data, other.data
        if not (1 <= A.ndim <= 2 and 1 <= B.ndim <= 2) or A.shape[-1] != B.shape[0]:
            raise ValueError(f"cannot matmul {A.shape} by {B.shape}")
        return _node(A @ B, (self, other), "@")

    def __rmatmul__(self, other):  # other @ self
        return _leaf(other) @ self

    def _axis(self, axis):
        nd = self.data.ndim
        axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
        for a in axes:
            if not -nd <= a < max(nd, 1):
                raise ValueError(f"axis {a} is out of range for a Tensor of shape {self.data.shape}")
        return axis if isinstance(axis, (int, np.integer)) else axes

    def sum(self, axis=None, keepdims=False):
        """Sum over `axis` (an int, a tuple of ints, or None for all); local derivative 1.

        Raises:
            ValueError: if an axis is out of range.
        """
        if axis is not None:
            axis = self._axis(axis)
        return _node(self.data.sum(axis=axis, keepdims=keepdims), (self,), "sum", (axis, keepdims))

    def mean(self, axis=None, keepdims=False):
        """Mean over `axis` (int, tuple, or None for all); local derivative 1/count.

        Raises:
            ValueError: if an axis is out of range or the mean is over zero elements.
        """
        if axis is not None:
            axis = self._axis(axis)
        shape = self.data.shape
        if axis is None:
            count = self.data.size
        else:
            axes = (axis,) if isinstance(axis, (int, np.integer)) else axis
            count = int(np.prod([shape[a] for a in axes]))
        if count == 0:
            raise ValueError("mean of an empty Tensor")
        return _node(self.data.mean(axis=axis, keepdims=keepdims), (self,), "mean", (axis, keepdims, count))

    def reshape(self, *shape):
        """A Tensor with the same data in a new shape (``t.reshape(2, 3)`` or ``t.reshape((2, 3))``).

        Raises:
            ValueError: if the sizes do not match.
        """
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        try:
            d = self.data.reshape(shape)
        except ValueError:
            raise ValueError(f"cannot reshape a Tensor of shape {self.data.shape} into {shape}") from None
        return _node(d, (self,), "reshape")

    @property
    def T(self):
        """The transpose (axes reversed); its gradient is the upstream gradient transposed."""
        return _node(self.data.T, (self,), "T")

    # --- elementwise functions ---

    def exp(self):
        """e^x; local derivative e^x (inf where e^x overflows, as the scalar engine)."""
        with np.errstate(over="ignore"):
            e = np.exp(self.data)
        return _node(e, (self,), "exp")

    def log(self):
        """Natural log; local derivative 1/x.

        Raises:
            ValueError: if any element is <= 0.
        """
        x = self.data
        if np.any(x <= 0):
            raise ValueError(f"log needs positive numbers, got a minimum of {x.min()!r}")
        return _node(np.log(x), (self,), "log")

    def tanh(self):
        """tanh(x); local derivative 1 - tanh(x)^2."""
        return _node(np.tanh(self.data), (self,), "tanh")

    def sigmoid(self):
        """1 / (1 + e^-x), computed stably on both signs; local derivative s(1 - s)."""
        x = self.data
        e = np.exp(-np.abs(x))
        r = 1.0 / (1.0 + e)
        return _node(np.where(x >= 0, r, e * r), (self,), "sigmoid")

    def relu(self):
        """max(0, x); local derivative 1 where x > 0, else 0."""
        x = self.data
        # np.maximum: +0.0 for negatives (not x * mask's -0.0 and -inf * 0 = nan); nan passes through
        return _node(np.maximum(x, 0.0), (self,), "ReLU", x > 0)

    # --- backward pass ---

    def topo_order(self):
        """Return every node this one depends on, parents' inputs first (self last).

        Iterative depth-first post-order, so a graph of any depth works.
        """
        order = []
        seen = set()
        add = seen.add
        stack = [self]
        push, pop = stack.append, stack.pop
        while stack:
            v = pop()
            if v is None:
                order.append(pop())
                continue
            if v in seen:
                continue
            add(v)
            push(v)
            push(None)
            for p in v._prev:
                if p not in seen:
                    push(p)
        return order

    def backward(self, gradient=None):
        """Reverse-mode autodiff: add d(self)/d(node) to ``node.grad`` for every node below.

        Args:
            gradient: the seed d(root)/d(self), the shape of `data`; default 1.0 (only
                allowed, as in PyTorch, when self has one element).

        Gradients accumulate, as in the scalar engine and PyTorch: a second ``backward()``
        adds the same gradients again. Set ``.grad = None`` (``TensorMLP.zero_grad()``)
        between steps. Each call works on this pass's gradients only.

        Raises:
            ValueError: no `gradient` for a Tensor with more than one element, or a seed of
                the wrong shape.
        """
        if gradient is None:
            if self.data.size != 1:
                raise ValueError(
                    f"backward() without a gradient needs a one-element Tensor, got shape {self.data.shape}"
                )
            seed = np.ones(self.data.shape)
        else:
            seed = np.array(gradient, dtype=np.float64)
            if seed.shape != self.data.shape:
                raise ValueError(
                    f"gradient of shape {seed.shape} does not match the Tensor's {self.data.shape}"
                )
        topo = self.topo_order()
        self._g = seed
        rules = _BACKWARD
        for i in range(len(topo) - 1, -1, -1):
            v = topo[i]
            prev = v._prev
            g = v._g
            if not prev or g is None:
                continue
            grads = rules[v._op](v, g)
            for p, pg in zip(prev, grads):  # noqa: B905 (same length by construction)
                pgr = p._g
                p._g = pg if pgr is None else pgr + pg
        for v in topo:
            g = v._g
            if g is not None:
                v._g = None
                old = v.grad
                v.grad = g if old is None else old + g


# --- losses: one fused node each, same formulas as micrograd.losses ---------------------


def _loss_inputs(scores, ys):
    if type(scores) is not Tensor:
        raise TypeError(f"scores must be a Tensor, got {type(scores).__name__!r}")
    s = scores.data
    y = _asarray(ys, dtype=np.float64)
    if s.ndim != 1:
        raise ValueError(f"scores must have shape (n,), got {s.shape}")
    if y.shape != s.shape:
        raise ValueError(f"got {s.shape[0]} scores but labels of shape {y.shape}")
    if s.shape[0] == 0:
        raise ValueError("a loss needs at least one example")
    if not np.all((y == 1) | (y == -1)):
        raise ValueError("labels must be -1 or +1 (convert 0/1 labels with y * 2 - 1)")
    return s, y


def hinge_loss(scores, ys):
    """SVM max-margin loss, mean over examples: mean(relu(1 - y * score)), as one node.

    Args:
        scores: Tensor of shape (n,), the model's raw outputs.
        ys: array-like of n labels in {-1, +1}.

    Returns:
        a 0-d Tensor >= 0. Its gradient with respect to score_i is -y_i / n where the
        margin 1 - y_i score_i > 0, else 0 (the relu's local derivative, 0 at the kink).

    Raises:
        TypeError: if scores is not a Tensor. ValueError: on mismatched or empty shapes.
    """
    s, y = _loss_inputs(scores, ys)
    n = s.shape[0]
    m = 1.0 + (-y) * s  # the scalar engine's (1 + -y * s), same rounding
    active = m > 0
    total = np.add.reduce(m * active) * (1.0 / n)
    return _node(_f64(total), (scores,), "hinge", (-y * active) * (1.0 / n))


def mse_loss(scores, ys):
    """Mean squared error, mean((score - y)^2), as one node; d/d score_i = 2 (score_i - y_i) / n.

    Args, returns (>= 0) and raises as `hinge_loss`.
    """
    s, y = _loss_inputs(scores, ys)
    n = s.shape[0]
    r = s - y
    return _node(_f64(np.add.reduce(r * r) * (1.0 / n)), (scores,), "mse", r * (2.0 / n))


def bce_with_logits_loss(scores, ys):
    """Binary cross-entropy on logits, mean over examples, stable, as one node.

    With labels y in {-1, +1} and logit z the loss is softplus(-y z) = log(1 + e^(-y z)),
    computed as max(m, 0) + log1p(e^-|m|) for m = -y z (never overflows); its gradient
    with respect to z_i is -y_i sigmoid(m_i) / n (equal to PyTorch's
    ``binary_cross_entropy_with_logits`` with target (y + 1) / 2).

    Args, returns (> 0) and raises as `hinge_loss`.
    """
    s, y = _loss_inputs(scores, ys)
    n = s.shape[0]
    m = (-y) * s
    e = np.exp(-np.abs(m))
    per = np.maximum(m, 0.0) + np.log1p(e)
    sig = np.where(m >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return _node(_f64(np.add.reduce(per) * (1.0 / n)), (scores,), "bce", (-y * sig) * (1.0 / n))


def l2_penalty(params, alpha):
    """Weight decay / L2 regularization, alpha * sum over params of sum(p^2), as one node.

    Args:
        params: a sequence of Tensors (a model's parameters()).
        alpha: the L2 rate, a float >= 0.

    Returns:
        a 0-d Tensor; its gradient with respect to each p is 2 alpha p.

    Raises:
        ValueError: if params is empty. TypeError: if an element is not a Tensor.
    """
    params = tuple(params)
    if not params:
        raise ValueError("l2_penalty needs at least one parameter")
    total = 0.0
    for p in params:
        if type(p) is not Tensor:
            raise TypeError(f"l2_penalty takes Tensors, got {type(p).__name__!r}")
        total += np.vdot(p.data, p.data)  # sum of squares, any shape
    return _node(_f64(alpha * total), params, "l2", float(alpha))


#: the losses by the names the dashboard uses (as `micrograd.losses.LOSSES`)
LOSSES = {"hinge": hinge_loss, "mse": mse_loss, "bce": bce_with_logits_loss}


# --- a tensor MLP ----------------------------------------------------------------------

_ACTIVATIONS = {"relu": Tensor.relu, "tanh": Tensor.tanh, "sigmoid": Tensor.sigmoid, "linear": None}


class TensorLayer:
    """A fully connected layer, act(X @ W + b), the tensor form of `micrograd.nn.Layer`.

    Column j of W (shape (nin, nout)) holds neuron j's weights, b (shape (nout,)) the biases.

    Args:
        nin, nout: input and output widths (>= 1).
        nonlin: apply the activation (False for the output layer).
        activation: 'relu', 'tanh', 'sigmoid' or 'linear'.
        seed, rng: a seed or a `random.Random`; weights are drawn U(-1, 1) neuron by neuron in
            the scalar layer's order, so the same seed gives the same weights as
            ``micrograd.nn.Layer``; biases start at 0.

    Raises:
        ValueError: for widths < 1 or an unknown activation.
    """

    def __init__(self, nin, nout, nonlin=True, activation="relu", seed=None, rng=None):
        from micrograd.nn import _make_rng

        if int(nin) != nin or nin < 1 or int(nout) != nout or nout < 1:
            raise ValueError(f"a layer needs nin >= 1 and nout >= 1, got {nin!r}, {nout!r}")
        if activation not in _ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}: choose one of {sorted(_ACTIVATIONS)}")
        rng = _make_rng(seed, rng)
        w = [[rng.uniform(-1, 1) for _ in range(nin)] for _ in range(nout)]
        self.W = Tensor(np.array(w).T, label="W")
        self.b = Tensor(np.zeros(nout), label="b")
        self.nonlin = nonlin
        self.activation = activation

    def __call__(self, X):
        """Forward a batch: X (n, nin) Tensor or array -> (n, nout) Tensor.

        Raises:
            ValueError: if X's second axis is not nin.
        """
        if type(X) is not Tensor:
            X = Tensor(X)
        out = X @ self.W + self.b
        f = _ACTIVATIONS[self.activation] if self.nonlin else None
        return f(out) if f is not None else out

    def parameters(self):
        """[W, b]."""
        return [self.W, self.b]

    def __repr__(self):
        kind = self.activation.capitalize() if self.nonlin and self.activation != "linear" else "Linear"
        nin, nout = self.W.data.shape
        return f"TensorLayer({nin} -> {nout}, {kind})"


class TensorMLP:
    """A multi-layer perceptron over Tensors, with the API of `micrograd.nn.MLP`.

    Hidden layers use `activation`, the last layer is linear. Given the same weights as a
    scalar MLP (``TensorMLP.from_scalar``) it computes the same outputs and gradients, up to
    the order of floating-point sums (~1e-15).

    Args:
        nin: inputs per example; nouts: layer widths, e.g. [16, 16, 1].
        activation: 'relu' (default), 'tanh', 'sigmoid' or 'linear'.
        seed, rng: as `micrograd.nn.MLP` (the same seed gives the same initial weights).

    Raises:
        ValueError: for an empty `nouts`, a width < 1, an unknown activation.
    """

    def __init__(self, nin, nouts, activation="relu", seed=None, rng=None):
        from micrograd.nn import MLP

        # the scalar MLP draws (and checks) the initial weights: one source for both engines
        self._copy_weights(MLP(nin, nouts, activation=activation, seed=seed, rng=rng))

    def __call__(self, X):
        """Forward a batch X of shape (n, nin).

        Returns:
            a Tensor of shape (n,) when the output layer has one neuron (as the scalar MLP
            returns one Value), else (n, nout).

        Raises:
            ValueError: if X does not have shape (n, nin).
        """
        if type(X) is not Tensor:
            X = Tensor(X)
        if X.data.ndim != 2 or X.data.shape[1] != self.nin:
            raise ValueError(f"the model expects inputs of shape (n, {self.nin}), got {X.data.shape}")
        for layer in self.layers:
            X = layer(X)
        return X.reshape(-1) if X.data.shape[1] == 1 else X

    def parameters(self):
        """[W1, b1, W2, b2, ...], layer by layer."""
        return [p for layer in self.layers for p in layer.parameters()]

    def zero_grad(self):
        """Reset every parameter's grad to None (zero)."""
        for p in self.parameters():
            p.grad = None

    def num_scalars(self):
        """The number of scalar parameters (the length of the scalar MLP's parameters())."""
        return sum(p.data.size for p in self.parameters())

    @classmethod
    def from_scalar(cls, model):
        """A TensorMLP holding a copy of a scalar `micrograd.nn.MLP`'s current weights.

        Args:
            model: a `micrograd.nn.MLP`.
        """
        self = cls.__new__(cls)
        self._copy_weights(model)
        return self

    def _copy_weights(self, model):
        """Set this model's layers to copies of a scalar MLP's weights."""
        self.nin = model.nin
        self.activation = model.activation
        self.layers = []
        for layer in model.layers:
            t = TensorLayer.__new__(TensorLayer)
            neurons = layer.neurons
            t.W = Tensor(np.array([[w.data for w in n.w] for n in neurons]).T, label="W")
            t.b = Tensor(np.array([n.b.data for n in neurons]), label="b")
            t.nonlin = neurons[0].nonlin
            t.activation = model.activation
            self.layers.append(t)

    def scalar_order(self, arrays):
        """Flatten per-parameter arrays (e.g. grads) into the scalar MLP's parameter order.

        Args:
            arrays: one array per entry of ``parameters()``, in the same shapes (None: zeros).

        Returns:
            a float64 numpy array of length ``num_scalars()``: for each layer, for each neuron
            j, its weights W[:, j] then its bias b[j] (``micrograd.nn.MLP.parameters()`` order).
        """
        parts = []
        it = iter(arrays)
        for layer in self.layers:
            W, b = next(it), next(it)
            W = np.zeros(layer.W.data.shape) if W is None else np.asarray(W)
            b = np.zeros(layer.b.data.shape) if b is None else np.asarray(b)
            parts.append(np.concatenate([W, b[None, :]], axis=0).T.ravel())
        return np.concatenate(parts)

    def to_scalar_values(self):
        """The weights in the scalar MLP's parameter order (for ``MLP.set_parameter_values``)."""
        return self.scalar_order([p.data for p in self.parameters()])

    def scalar_grads(self):
        """The gradients in the scalar MLP's parameter order (float64 array)."""
        return self.scalar_order([p.grad for p in self.parameters()])

    def predict(self, X):
        """Graph-free forward: numpy (n,) or (n, nout), as `micrograd.nn.MLP.predict`."""
        return self(np.asarray(X, dtype=np.float64)).data

    def __repr__(self):
        return f"TensorMLP of [{', '.join(str(layer) for layer in self.layers)}]"


def loss_and_grads(model, X, y, loss="hinge", l2=0.0):
    """A scalar MLP's full-batch loss and gradients, computed through the Tensor engine.

    The same semantics as the scalar path (``micrograd.train.scalar_loss_and_grads``):
    total = mean loss over the batch (`loss` as in `micrograd.losses`) + l2 * sum(p^2).

    Args:
        model: a scalar `micrograd.nn.MLP` with one output; its current weights are used.
        X: array-like (n, nin) of inputs; y: array-like (n,) of labels in {-1, +1}.
        loss: 'hinge', 'mse' or 'bce'.
        l2: the L2 rate (weight decay), >= 0.

    Returns:
        (loss value as a float, raw scores as a float64 numpy array (n,), number of Tensor
        nodes in the graph). Each parameter's ``p.grad`` of `model` is *set* (not added) to
        d(total)/dp, in ``model.parameters()`` order.

    Raises:
        ValueError: for an unknown loss, a model with more than one output, or shapes that
            do not fit the model.
    """
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}: choose one of {sorted(LOSSES)}")
    net = TensorMLP.from_scalar(model)
    if net.layers[-1].W.data.shape[1] != 1:
        raise ValueError("loss_and_grads needs a model with one output")
    scores = net(X)
    total = LOSSES[loss](scores, y)
    if l2:  # as the scalar path: no penalty node at all when l2 is 0
        total = total + l2_penalty(net.parameters(), l2)
    total.backward()
    grads = net.scalar_grads()
    for p, g in zip(model.parameters(), grads.tolist(), strict=True):
        p.grad = g
    nodes = len(total.topo_order())
    return float(total.data), scores.data.copy(), nodes
