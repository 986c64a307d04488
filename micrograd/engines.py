"""The engine seam of the playground's `Trainer`: one function per autograd engine.

Each engine is one function with this signature:

    loss_and_grads(model, X, y, loss="hinge", l2=0.0, regression=False)
        -> (loss: float, scores: (n,) or (n, K) ndarray, nodes: int)

It builds the graph of ``loss(model(X), y) + l2 * sum(p^2)`` for the batch, zeroes the
gradients, back-propagates, and leaves d(loss)/dp in ``p.grad`` for every parameter p of
``model.parameters()``. `scalar_loss_and_grads` (here) does it with `Value`, one node per
scalar; ``micrograd.tensor.loss_and_grads`` does the same with a vectorized numpy engine.
`get_engine` picks one by name (``Trainer(engine="scalar"|"tensor")``).
"""

import numpy as np

from micrograd.losses import check_loss, data_loss, l2_penalty

__all__ = ["ENGINES", "scalar_loss_and_grads", "get_engine"]

#: engine names the Trainer accepts
ENGINES = ("scalar", "tensor")


def scalar_loss_and_grads(model, X, y, loss="hinge", l2=0.0, regression=False):
    """Forward and backward pass for one batch through the scalar `Value` engine.

    Builds one graph for the whole batch: ``LOSSES[loss](scores, y) + l2 * sum(p^2)`` where
    ``scores[i] = model(X[i])`` (the L2 term is left out of the graph when l2 == 0), zeroes
    every parameter's grad and calls ``backward()`` on the total. Loss 'ce' is
    `micrograd.losses.cross_entropy_loss` on the K outputs of each example; with
    ``regression=True`` the loss is ``mse_loss(scores, y, regression=True)``.

    Args:
        model: an `MLP` with one output, or K >= 2 outputs for 'ce' (its parameters receive
            the gradients).
        X: float array of shape (n, nin), n >= 1.
        y: array of shape (n,) with labels in {-1, +1}, class indices 0..K-1 for 'ce', or
            real targets with ``regression=True``.
        loss: 'hinge', 'mse', 'bce' (see `micrograd.losses`) or 'ce' (softmax cross-entropy).
        l2: the L2 rate alpha >= 0 (weight decay term alpha * sum(p^2)).
        regression: the targets are real numbers; only with loss 'mse'.

    Returns:
        (loss, scores, nodes): the total loss (data loss + L2 term) as a float; the raw
        scores (logits) as a float64 array of shape (n,), or (n, K) for 'ce'; the number of
        `Value` nodes in the graph (leaves included: inputs, parameters, constants).

    Raises:
        ValueError: for an unknown loss, regression with a loss other than 'mse', a model
            whose number of outputs does not fit the loss, or mismatched lengths.
        OverflowError: if a value overflows a float inside an op (e.g. squaring 1e200);
            the `Trainer` treats that as divergence.
    """
    check_loss(loss, len(model.layers[-1].neurons), regression)
    inputs = np.asarray(X, dtype=np.float64).tolist()
    labels = np.asarray(y).tolist()
    scores = [model(x) for x in inputs]
    total = data_loss(scores, labels, loss, regression)
    if l2:
        total = total + l2_penalty(model.parameters(), l2)
    model.zero_grad()
    nodes = len(total.backward())
    if loss == "ce":
        return total.data, np.array([[v.data for v in row] for row in scores], dtype=np.float64), nodes
    return total.data, np.fromiter((s.data for s in scores), dtype=np.float64, count=len(scores)), nodes


def get_engine(name):
    """Return the ``loss_and_grads`` function of engine `name` ('scalar' or 'tensor').

    The tensor engine is imported only when asked for, so the scalar path needs nothing else.

    Raises:
        ValueError: for an unknown name.
    """
    if name == "scalar":
        return scalar_loss_and_grads
    if name == "tensor":
        from micrograd.tensor import loss_and_grads

        return loss_and_grads
    raise ValueError(f"unknown engine {name!r}: choose one of {', '.join(ENGINES)}")

