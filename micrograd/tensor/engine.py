"""`Tensor`: the scalar engine's design (`micrograd.engine.Value`) over float64 numpy arrays.

Every op returns a new node that keeps its parents, its op and what its backward needs;
`Tensor.backward()` walks an iterative reverse topological order applying the chain rule.
The ops live in `micrograd.tensor.ops`, one small class each with its ``forward`` and its
``backward`` side by side, as PyTorch's ``torch.autograd.Function``. A node stores its op
class, never a closure, so a graph has no reference cycles and is freed by reference
counting as soon as it is dropped. The difference from `Value` is what one node holds: a
whole array, so one ``X @ W`` node stands for the thousands of ``w * x`` scalar nodes the
`Value` engine builds for the same layer. That is why frameworks use tensors.

numpy only; no streamlit, no torch.
"""

import numpy as np

__all__ = ["Tensor"]

_new = object.__new__
_f64 = np.float64
_ndarray = np.ndarray
_INT_RANGE = (-(1 << 63), (1 << 64) - 1)  # the ints numpy holds exactly as int64/uint64


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

    Numbers and arrays on either side of an op become constant leaf Tensors. Broadcasting
    follows numpy; the gradient of a broadcast operand is summed back over the broadcast axes
    to the operand's own shape (an input used n times receives the sum of its n upstream
    gradients, as in PyTorch).

    Raises:
        TypeError: if `data` is a Tensor (use the Tensor itself) or not numeric (a ragged
            nested list included).
        ValueError: if `data` holds non-real values (complex numbers).
    """

    __slots__ = ("data", "grad", "_prev", "_op", "_saved", "_g", "label", "__weakref__")

    #: make numpy hand ``ndarray (op) Tensor`` to the Tensor's reflected operator
    __array_ufunc__ = None

    def __init__(self, data, label=""):
        if isinstance(data, Tensor):
            raise TypeError("Tensor(Tensor(...)) is not allowed: pass the Tensor itself, or Tensor(t.data)")
        try:
            raw = np.asarray(data)
        except (TypeError, ValueError) as exc:  # e.g. ragged nested lists
            raise TypeError(f"Tensor data must be real numbers, got {type(data).__name__!r}: {exc}") from None
        if raw.dtype.kind == "c":
            raise ValueError("Tensor data must be real numbers, got complex values")
        if raw.dtype.kind not in "biuf":  # None, strings, objects: never a silent nan
            raise TypeError(f"Tensor data must be real numbers, got {type(data).__name__!r} ({raw.dtype} values)")
        self.data = np.array(raw, dtype=np.float64)
        self.grad = None
        self._prev = ()
        self._op = None
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
        return "" if self._op is None else self._op.name

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

    # --- ops: each is a class of micrograd.tensor.ops (forward and backward side by side) ---

    def __add__(self, other):
        """Elementwise a + b, broadcast (`ops.Add`)."""
        return _ops.Add.forward(self, other if type(other) is Tensor else _constant(other))

    def __radd__(self, other):  # other + self
        return _ops.Add.forward(_constant(other), self)

    def __sub__(self, other):
        """Elementwise a - b, broadcast (`ops.Sub`)."""
        return _ops.Sub.forward(self, other if type(other) is Tensor else _constant(other))

    def __rsub__(self, other):  # other - self
        return _ops.Sub.forward(_constant(other), self)

    def __mul__(self, other):
        """Elementwise a * b, broadcast (`ops.Mul`)."""
        return _ops.Mul.forward(self, other if type(other) is Tensor else _constant(other))

    def __rmul__(self, other):  # other * self
        return _ops.Mul.forward(_constant(other), self)

    def __truediv__(self, other):
        """Elementwise a / b, broadcast (`ops.Div`; raises ZeroDivisionError on a 0 divisor)."""
        return _ops.Div.forward(self, other if type(other) is Tensor else _constant(other))

    def __rtruediv__(self, other):  # other / self
        return _ops.Div.forward(_constant(other), self)

    def __neg__(self):
        return _ops.Neg.forward(self)

    def __pow__(self, other):
        """``x ** n`` for a real constant n (`ops.PowConst`) or ``x ** y`` for a Tensor y (`ops.Pow`)."""
        if type(other) is Tensor:
            return _ops.Pow.forward(self, other)
        return _ops.PowConst.forward(self, other)

    def __rpow__(self, other):  # other ** self, other a number
        return _ops.Pow.forward(_constant(other), self)

    def __matmul__(self, other):
        """Matrix product of 1-d or 2-d operands, numpy's rules (`ops.MatMul`)."""
        return _ops.MatMul.forward(self, other if type(other) is Tensor else _constant(other))

    def __rmatmul__(self, other):  # other @ self
        return _ops.MatMul.forward(_constant(other), self)

    def sum(self, axis=None, keepdims=False):
        """Sum over `axis` (an int, a tuple of ints, or None for all) (`ops.Sum`)."""
        return _ops.Sum.forward(self, axis, keepdims)

    def mean(self, axis=None, keepdims=False):
        """Mean over `axis` (an int, a tuple of ints, or None for all) (`ops.Mean`)."""
        return _ops.Mean.forward(self, axis, keepdims)

    def reshape(self, *shape):
        """The same data in a new shape, ``t.reshape(2, 3)`` or ``t.reshape((2, 3))`` (`ops.Reshape`)."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return _ops.Reshape.forward(self, shape)

    @property
    def T(self):
        """The transpose, axes reversed (`ops.Transpose`)."""
        return _ops.Transpose.forward(self)

    def exp(self):
        """e^x elementwise (`ops.Exp`)."""
        return _ops.Exp.forward(self)

    def log(self):
        """Natural log elementwise; raises ValueError for elements <= 0 (`ops.Log`)."""
        return _ops.Log.forward(self)

    def tanh(self):
        """tanh(x) elementwise (`ops.Tanh`)."""
        return _ops.Tanh.forward(self)

    def sigmoid(self):
        """1 / (1 + e^-x) elementwise, stable on both signs (`ops.Sigmoid`)."""
        return _ops.Sigmoid.forward(self)

    def relu(self):
        """max(0, x) elementwise (`ops.ReLU`)."""
        return _ops.ReLU.forward(self)

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
        for v in reversed(topo):
            g = v._g  # complete: every node that uses v came before it in this order
            if g is None:  # a node no gradient reached
                continue
            v._g = None
            old = v.grad
            v.grad = g if old is None else old + g
            op = v._op
            if op is not None:  # not a leaf: each op's backward returns one gradient per parent
                for p, pg in zip(v._prev, op.backward(v, g)):  # noqa: B905 (same length by construction)
                    pgr = p._g
                    p._g = pg if pgr is None else pgr + pg


def _node(data, prev, op, saved=None):
    """The one place interior nodes are made: `op` has already checked its inputs."""
    out = _new(Tensor)
    out.data = data
    out.grad = None
    out._prev = prev
    out._op = op
    out._saved = saved
    out._g = None
    out.label = ""
    return out


def _constant(x):
    """An operand that is not a Tensor as a constant leaf Tensor (float64, copied).

    Floats, ints and float64 arrays, the constants of a loss such as ``1 - y * s``, skip
    `Tensor.__init__`'s checks, which they pass by construction; anything else goes through them.
    """
    t = type(x)
    if t is float or (t is int and _INT_RANGE[0] <= x <= _INT_RANGE[1]):
        data = np.array(x, dtype=_f64)
    elif t is _ndarray and x.dtype == _f64:
        data = x.copy()
    else:
        return Tensor(x)
    return _node(data, (), None)


from micrograd.tensor import ops as _ops  # noqa: E402 (ops makes nodes with _node, defined above)
