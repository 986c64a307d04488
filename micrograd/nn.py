"""A tiny neural-network library on top of `Value`: `Neuron`, `Layer`, `MLP`.

Signatures and parameter order follow the original micrograd, so weights move between the
two unchanged. Added: a choice of hidden activation, a private random generator per model
(``seed=`` or ``rng=``), hidden layers of width 1, and `MLP.predict`, a graph-free numpy
forward for drawing decision boundaries.

Standard library only (`predict` imports numpy and `micrograd.functional` when it is called).
"""

import random

from micrograd.engine import Value

__all__ = ["Module", "Neuron", "Layer", "MLP", "ACTIVATIONS"]

#: hidden-layer activations, by name, as Value methods (None: the identity)
ACTIVATIONS = {"relu": Value.relu, "tanh": Value.tanh, "sigmoid": Value.sigmoid, "linear": None}


def _make_rng(seed, rng):
    """Pick the random source: an explicit `rng`, a new Random(seed), or the `random` module."""
    if rng is not None and seed is not None:
        raise ValueError("pass seed= or rng=, not both")
    if rng is not None:
        return rng
    if seed is not None:
        return random.Random(seed)
    return random  # the global generator, as the original micrograd uses


class Module:
    """Base class: anything with parameters (a list of `Value` leaves)."""

    def zero_grad(self):
        """Set every parameter's grad to 0.0 (gradients accumulate across backward calls)."""
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self):
        """Return the list of parameter `Value`s (empty for the base class)."""
        return []

    def parameter_values(self):
        """Return the parameters' data as a list of floats, in `parameters()` order."""
        return [p.data for p in self.parameters()]

    def set_parameter_values(self, values):
        """Overwrite the parameters' data from a sequence of numbers, in `parameters()` order.

        Raises:
            ValueError: if the count differs from the number of parameters.
        """
        params = self.parameters()
        values = list(values)
        if len(values) != len(params):
            raise ValueError(f"expected {len(params)} values, got {len(values)}")
        for p, v in zip(params, values):
            p.data = float(v)


class Neuron(Module):
    """One unit: act(w . x + b), with w ~ U(-1, 1) and b = 0 at start (as the original).

    Args:
        nin: number of inputs (>= 1).
        nonlin: apply the activation (False: a linear unit, as in an output layer).
        activation: 'relu' (default), 'tanh', 'sigmoid' or 'linear'.
        seed, rng: a seed or a `random.Random` for the initial weights (default: the global
            `random` module, as the original).

    Raises:
        ValueError: for nin < 1 or an unknown activation.
    """

    def __init__(self, nin, nonlin=True, activation="relu", seed=None, rng=None):
        if int(nin) != nin or nin < 1:
            raise ValueError(f"a neuron needs at least one input, got nin={nin!r}")
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}: choose one of {sorted(ACTIVATIONS)}")
        rng = _make_rng(seed, rng)
        self.w = [Value(rng.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0)
        self.nonlin = nonlin
        self.activation = activation

    def __call__(self, x):
        """Forward one input: a list of `nin` numbers or Values -> one Value."""
        w = self.w
        if len(x) != len(w):
            raise ValueError(f"neuron expects {len(w)} inputs, got {len(x)}")
        # b + w0*x0 + w1*x1 + ..., the original's sum(..., self.b), as one fused node
        act = Value.weighted_sum(w, x, self.b)
        f = ACTIVATIONS[self.activation] if self.nonlin else None
        return f(act) if f is not None else act

    def parameters(self):
        """The weights, then the bias."""
        return self.w + [self.b]

    def __repr__(self):
        kind = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid"}.get(self.activation, "Linear")
        return f"{kind if self.nonlin else 'Linear'}Neuron({len(self.w)})"


class Layer(Module):
    """`nout` neurons that all see the same inputs.

    Args:
        nin, nout: input and output widths (>= 1).
        **kwargs: passed to each `Neuron` (nonlin, activation, seed or rng).
    """

    def __init__(self, nin, nout, **kwargs):
        if int(nout) != nout or nout < 1:
            raise ValueError(f"a layer needs at least one neuron, got nout={nout!r}")
        if "seed" in kwargs:  # one generator for the whole layer, not one per neuron
            kwargs["rng"] = _make_rng(kwargs.pop("seed"), kwargs.get("rng"))
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def forward(self, x):
        """Forward one input: a list of numbers or Values -> a list of `nout` Values."""
        return [n(x) for n in self.neurons]

    def __call__(self, x):
        """As the original: a list of Values, or a single Value when nout == 1."""
        out = self.forward(x)
        return out[0] if len(out) == 1 else out

    def parameters(self):
        """Each neuron's parameters, neuron by neuron."""
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self):
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """A multi-layer perceptron: hidden layers with `activation`, then a linear output layer.

    Args:
        nin: number of inputs per example (>= 1).
        nouts: widths of each layer, the last being the output, e.g. [16, 16, 1].
        activation: hidden activation, 'relu' (default, as the original), 'tanh', 'sigmoid'
            or 'linear'.
        seed, rng: a seed or a `random.Random` for the initial weights (default: the global
            `random` module, so ``random.seed(1337)`` reproduces the original's weights).

    Raises:
        ValueError: for an empty `nouts`, a width < 1, an unknown activation.
    """

    def __init__(self, nin, nouts, activation="relu", seed=None, rng=None):
        nouts = list(nouts)
        if not nouts:
            raise ValueError("nouts must name at least the output layer, e.g. [1]")
        rng = _make_rng(seed, rng)
        sz = [nin] + nouts
        self.layers = [
            Layer(sz[i], sz[i + 1], nonlin=i != len(nouts) - 1, activation=activation, rng=rng)
            for i in range(len(nouts))
        ]
        self.nin = nin
        self.activation = activation

    def __call__(self, x):
        """Forward one example (a list of `nin` numbers or Values).

        Returns a single Value when the output layer has one neuron, else a list of Values.
        """
        for layer in self.layers:
            x = layer.forward(x)  # always a list, so a 1-wide hidden layer works
        return x[0] if len(x) == 1 else x

    def parameters(self):
        """Each layer's parameters, layer by layer (the original's order)."""
        return [p for layer in self.layers for p in layer.parameters()]

    def predict(self, X):
        """Graph-free forward for many examples at once, with numpy (`micrograd.functional.forward`,
        the one numpy forward that boundary grids, dead units and `TensorMLP` also use).

        Args:
            X: array-like of shape (n, nin).

        Returns:
            numpy float64 array of shape (n,) if the output layer has one neuron, else
            (n, nout). Equal to calling the model on each row (to ~1e-15; only the order of
            the floating-point sums differs).

        Raises:
            ValueError: if X is not of shape (n, nin).
        """
        import numpy as np  # only here, so the rest of nn.py needs nothing but the stdlib

        from micrograd import functional  # the one numpy forward every graph-free use calls

        A = np.asarray(X, dtype=np.float64)
        if A.ndim != 2 or A.shape[1] != self.nin:
            raise ValueError(f"predict expects shape (n, {self.nin}), got {A.shape}")
        return functional.forward(functional.layer_arrays(self), A, self.activation)

    def __repr__(self):
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"

