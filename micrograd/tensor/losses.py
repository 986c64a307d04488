"""The losses of `micrograd.losses` for the Tensor engine, each one fused node.

A data loss's value is `micrograd.functional`'s (``LOSSES[name](scores, y)``, the one numpy
definition) and its gradient with respect to the scores is computed at forward time and saved
on the node, so its backward is one multiply. `l2_penalty` is alpha * sum of p^2 over the
parameters, also one node, and `l1_penalty` alpha * sum of |p| (the Tensor engine's L1 term,
as `micrograd.losses.l1_penalty` is the scalar one's; the `Trainer` applies L1 as the optimizer's
proximal step in both engines instead, and reports its value with `micrograd.losses.l1_value`).
"""

import numpy as np

from micrograd import functional
from micrograd.losses import check_finite_targets
from micrograd.tensor.engine import Tensor, _node
from micrograd.tensor.ops import Op

__all__ = ["hinge_loss", "mse_loss", "bce_with_logits_loss", "cross_entropy_loss", "l2_penalty", "l1_penalty",
           "LOSSES"]

_f64 = np.float64
_value = functional.LOSSES


def _loss_inputs(scores, ys, regression=False):
    if type(scores) is not Tensor:
        raise TypeError(f"scores must be a Tensor, got {type(scores).__name__!r}")
    s = scores.data
    y = np.asarray(ys, dtype=np.float64)
    if s.ndim != 1:
        raise ValueError(f"scores must have shape (n,), got {s.shape}")
    if y.shape != s.shape:
        raise ValueError(f"got {s.shape[0]} scores but labels of shape {y.shape}")
    if s.shape[0] == 0:
        raise ValueError("a loss needs at least one example")
    if regression:
        if not np.isfinite(y).all():  # one vector test every step; the shared check words the error
            check_finite_targets(y.tolist())
    elif not np.all((y == 1) | (y == -1)):
        raise ValueError("labels must be -1 or +1 (convert 0/1 labels with y * 2 - 1)")
    return s, y


class DataLoss(Op):
    """A mean data loss over n scores as one node; forward saved d(loss)/d(scores)."""

    @staticmethod
    def backward(node, g):
        return (node._saved * g,)


class Hinge(DataLoss):
    """The op of `hinge_loss`'s node: backward multiplies the upstream gradient by the saved
    d(loss)/d(score_i) = -y_i [1 - y_i score_i > 0] / n."""

    name = "hinge"


class MSE(DataLoss):
    """The op of `mse_loss`'s node: backward multiplies the upstream gradient by the saved
    d(loss)/d(score_i) = 2 (score_i - y_i) / n."""

    name = "mse"


class BCE(DataLoss):
    """The op of `bce_with_logits_loss`'s node: backward multiplies the upstream gradient by the
    saved d(loss)/d(z_i) = -y_i sigmoid(-y_i z_i) / n."""

    name = "bce"


class CrossEntropy(DataLoss):
    """The op of `cross_entropy_loss`'s node: backward multiplies the upstream gradient by the
    saved d(loss)/d(Z) = (softmax(Z) - onehot(y)) / n, an (n, K) array."""

    name = "ce"


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
    active = (1.0 - y * s) > 0
    return _node(_f64(_value["hinge"](s, y)), (scores,), Hinge, (-y * active) * (1.0 / s.shape[0]))


def mse_loss(scores, ys, regression=False):
    """Mean squared error, mean((score - y)^2), as one node; d/d score_i = 2 (score_i - y_i) / n.

    Args, returns (>= 0) and raises as `hinge_loss`; with ``regression=True`` the targets may
    be any finite real numbers, as `micrograd.losses.mse_loss`.
    """
    s, y = _loss_inputs(scores, ys, regression)
    return _node(_f64(_value["mse"](s, y)), (scores,), MSE, (s - y) * (2.0 / s.shape[0]))


def bce_with_logits_loss(scores, ys):
    """Binary cross-entropy on logits, mean over examples, stable, as one node.

    With labels y in {-1, +1} and logit z the loss is softplus(-y z) = log(1 + e^(-y z));
    its gradient with respect to z_i is -y_i sigmoid(-y_i z_i) / n (equal to PyTorch's
    ``binary_cross_entropy_with_logits`` with target (y + 1) / 2).

    Args, returns (> 0) and raises as `hinge_loss`.
    """
    s, y = _loss_inputs(scores, ys)
    sig = functional.sigmoid(-y * s)
    return _node(_f64(_value["bce"](s, y)), (scores,), BCE, (-y * sig) * (1.0 / s.shape[0]))


def cross_entropy_loss(logits, labels):
    """Softmax cross-entropy for K classes, mean over examples, stable, as one node.

    The value is `micrograd.functional.cross_entropy` (log-softmax with the max subtracted,
    as PyTorch's ``torch.nn.functional.cross_entropy``); the gradient with respect to the
    logits, (softmax(Z) - onehot(y)) / n, is computed at forward time.

    Args:
        logits: Tensor (n, K), K >= 2, e.g. a ``TensorMLP(2, [8, K])``'s output.
        labels: array-like of n class indices in 0..K-1.

    Returns:
        a 0-d Tensor >= 0.

    Raises:
        TypeError: if logits is not a Tensor. ValueError: for logits not of shape (n, K)
        with n >= 1 and K >= 2, or labels that are not class indices of them.
    """
    if type(logits) is not Tensor:
        raise TypeError(f"logits must be a Tensor, got {type(logits).__name__!r}")
    Z = logits.data
    if Z.ndim != 2 or Z.shape[0] == 0 or Z.shape[1] < 2:
        raise ValueError(f"cross_entropy_loss needs logits of shape (n, K), n >= 1, K >= 2, got {Z.shape}")
    value = functional.cross_entropy(Z, labels)  # checks the labels
    grad = functional.softmax(Z)
    grad[np.arange(Z.shape[0]), np.asarray(labels).astype(np.int64)] -= 1.0
    return _node(_f64(value), (logits,), CrossEntropy, grad * (1.0 / Z.shape[0]))


class Penalty(Op):
    """alpha * sum over params of sum(f(p)), one node with every parameter as a parent; its
    local derivative for each p is alpha f'(p). Subclasses give ``name``, ``f`` (an array ->
    its summed penalty) and ``df`` (an array -> f' elementwise)."""

    @classmethod
    def forward(cls, params, alpha):
        params = tuple(params)
        if not params:
            raise ValueError(f"{cls.name}_penalty needs at least one parameter")
        total = 0.0
        for p in params:
            if type(p) is not Tensor:
                raise TypeError(f"{cls.name}_penalty takes Tensors, got {type(p).__name__!r}")
            total += cls.f(p.data)
        return _node(_f64(alpha * total), params, cls, float(alpha))

    @classmethod
    def backward(cls, node, g):
        k = node._saved * g
        return tuple(k * cls.df(p.data) for p in node._prev)


class L2(Penalty):
    """alpha * sum(p^2); local derivative 2 alpha p."""

    name = "l2"

    @staticmethod
    def f(d):
        return np.vdot(d, d)  # sum of squares, any shape

    @staticmethod
    def df(d):
        return 2.0 * d


class L1(Penalty):
    """alpha * sum(|p|); local derivative alpha sign(p) (0 at p = 0, as ``torch.abs``'s gradient
    and the scalar engine's)."""

    name = "l1"

    @staticmethod
    def f(d):
        return np.abs(d).sum()

    @staticmethod
    def df(d):
        return np.sign(d)


def l2_penalty(params, alpha):
    """Weight decay / L2 regularization, alpha * sum over params of sum(p^2), as one node (`L2`).

    Args:
        params: a sequence of Tensors (a model's parameters()).
        alpha: the L2 rate, a float >= 0.

    Returns:
        a 0-d Tensor; its gradient with respect to each p is 2 alpha p.

    Raises:
        ValueError: if params is empty. TypeError: if an element is not a Tensor.
    """
    return L2.forward(params, alpha)


def l1_penalty(params, alpha):
    """L1 regularization (the lasso penalty), alpha * sum over params of sum(|p|), as one node (`L1`).

    Args and raises as `l2_penalty`. Returns a 0-d Tensor; its gradient with respect to each
    p is alpha sign(p), 0 where p == 0.
    """
    return L1.forward(params, alpha)


#: the Tensor losses by the names of `micrograd.losses.LOSSES` (and `micrograd.functional.LOSSES`)
LOSSES = {"hinge": hinge_loss, "mse": mse_loss, "bce": bce_with_logits_loss, "ce": cross_entropy_loss}
