"""A multi-layer perceptron over Tensors (`TensorMLP`), and `loss_and_grads`, which computes a
scalar `micrograd.nn.MLP`'s loss and gradients through the Tensor engine."""

import numpy as np

from micrograd import functional
from micrograd.losses import check_loss
from micrograd.tensor.engine import Tensor
from micrograd.tensor.losses import LOSSES, l2_penalty, mse_loss

__all__ = ["TensorLayer", "TensorMLP", "loss_and_grads"]


class TensorLayer:
    """A fully connected layer, act(X @ W + b), the tensor form of `micrograd.nn.Layer`.

    Args:
        W: array (nin, nout); column j holds neuron j's weights. b: array (nout,), the biases.
            Both are copied into new leaf Tensors.
        nonlin: apply the activation (False for the output layer).
        activation: a key of `micrograd.functional.ACTIVATIONS` ('relu', 'tanh', 'sigmoid',
            'linear'); the Tensor method of that name is applied.

    Raises:
        ValueError: for an unknown activation or shapes that do not fit.
    """

    def __init__(self, W, b, nonlin=True, activation="relu"):
        if activation not in functional.ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}: choose one of {sorted(functional.ACTIVATIONS)}")
        self.W = Tensor(W, label="W")
        self.b = Tensor(b, label="b")
        if self.W.ndim != 2 or self.b.shape != self.W.shape[1:]:
            raise ValueError(f"a layer needs W (nin, nout) and b (nout,), got {self.W.shape} and {self.b.shape}")
        self.nonlin = nonlin
        self.activation = activation
        self._act = getattr(Tensor, activation) if nonlin and activation != "linear" else None

    def __call__(self, X):
        """Forward a batch: X (n, nin) Tensor -> (n, nout) Tensor."""
        out = X @ self.W + self.b
        return out if self._act is None else self._act(out)

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
    scalar MLP (``TensorMLP.from_mlp``) it computes the same outputs and gradients, up to the
    order of floating-point sums (~1e-15).

    Args:
        nin: inputs per example; nouts: layer widths, e.g. [16, 16, 1].
        activation: 'relu' (default), 'tanh', 'sigmoid' or 'linear'.
        seed, rng: as `micrograd.nn.MLP`: the initial weights are drawn by a scalar MLP with
            the same arguments (one source for both engines), so they are the same.

    Raises:
        ValueError: for an empty `nouts`, a width < 1, an unknown activation.
    """

    def __init__(self, nin, nouts, activation="relu", seed=None, rng=None):
        from micrograd.nn import MLP

        self._set_layers(functional.layer_arrays(MLP(nin, nouts, activation=activation, seed=seed, rng=rng)),
                         activation)

    @classmethod
    def from_mlp(cls, model):
        """A TensorMLP holding a copy of a scalar `micrograd.nn.MLP`'s current weights.

        Args:
            model: a `micrograd.nn.MLP`.
        """
        net = cls.__new__(cls)
        net._set_layers(functional.layer_arrays(model), model.activation)
        return net

    def _set_layers(self, arrays, activation):
        """Build the layers from `functional.layer_arrays`' list of (W (nout, nin), b)."""
        last = len(arrays) - 1
        self.layers = [TensorLayer(W.T, b, nonlin=i != last, activation=activation)
                       for i, (W, b) in enumerate(arrays)]
        self.nin = self.layers[0].W.data.shape[0]
        self.activation = activation

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
        """Graph-free forward (`micrograd.functional.forward`): numpy (n,) or (n, nout), as
        `micrograd.nn.MLP.predict`.

        Raises:
            ValueError: if X does not have shape (n, nin).
        """
        return functional.forward([(layer.W.data.T, layer.b.data) for layer in self.layers], X, self.activation)

    def __repr__(self):
        return f"TensorMLP of [{', '.join(str(layer) for layer in self.layers)}]"


def loss_and_grads(model, X, y, loss="hinge", l2=0.0, regression=False):
    """A scalar MLP's full-batch loss and gradients, computed through the Tensor engine.

    The same semantics as the scalar path (``micrograd.engines.scalar_loss_and_grads``):
    total = mean loss over the batch (`loss` as in `micrograd.losses`) + l2 * sum(p^2).

    Args:
        model: a scalar `micrograd.nn.MLP`, with one output, or K >= 2 outputs for 'ce'; its
            current weights are used.
        X: array-like (n, nin) of inputs; y: array-like (n,) of labels in {-1, +1}, class
            indices 0..K-1 for 'ce', or real targets with ``regression=True``.
        loss: 'hinge', 'mse', 'bce' (one output) or 'ce' (softmax cross-entropy, the fused
            `micrograd.tensor.losses.cross_entropy_loss`).
        l2: the L2 rate (weight decay), >= 0.
        regression: the targets are real numbers (``mse_loss(..., regression=True)``); only
            with loss 'mse'.

    Returns:
        (loss value as a float, raw scores as a float64 numpy array, (n,) or (n, K) for 'ce',
        number of Tensor nodes in the graph). Each parameter's ``p.grad`` of `model` is *set*
        (not added) to d(total)/dp, in ``model.parameters()`` order.

    Raises:
        ValueError: for an unknown loss, regression with a loss other than 'mse', a model
            whose number of outputs does not fit the loss, or shapes that do not fit the model.
    """
    check_loss(loss, len(model.layers[-1].neurons), regression)
    net = TensorMLP.from_mlp(model)
    scores = net(X)
    total = mse_loss(scores, y, regression=True) if regression else LOSSES[loss](scores, y)
    if l2:  # as the scalar path: no penalty node at all when l2 is 0
        total = total + l2_penalty(net.parameters(), l2)
    total.backward()
    grads = net.scalar_grads()
    for p, g in zip(model.parameters(), grads.tolist(), strict=True):
        p.grad = g
    nodes = len(total.topo_order())
    return float(total.data), scores.data.copy(), nodes
