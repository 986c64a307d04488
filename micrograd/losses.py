"""Loss functions and the L2 penalty, built from `Value` ops (standard library only).

Each loss takes the model's outputs (scores / logits, one `Value` per example) and labels
in {-1, +1}, and returns the mean over the examples as one `Value`.
"""

from micrograd.engine import Value

__all__ = ["hinge_loss", "mse_loss", "bce_with_logits_loss", "l2_penalty", "accuracy", "LOSSES"]


def _check(scores, ys):
    if len(scores) != len(ys):
        raise ValueError(f"got {len(scores)} scores but {len(ys)} labels")
    if not scores:
        raise ValueError("a loss needs at least one example")
    if any(y != 1 and y != -1 for y in ys):
        raise ValueError("labels must be -1 or +1 (convert 0/1 labels with y * 2 - 1)")


def hinge_loss(scores, ys):
    """SVM max-margin loss, mean over examples: mean(relu(1 - y * score)).

    Written as the original micrograd demo writes it: ``(1 + -y * score).relu()``.

    Args:
        scores: sequence of n Values (the model's raw outputs).
        ys: sequence of n labels in {-1, +1}.

    Returns:
        a Value, >= 0; zero once every example is on its side with margin >= 1.

    Raises:
        ValueError: if the lengths differ or are zero, or a label is not -1 or +1.
    """
    _check(scores, ys)
    losses = [(1 + -float(y) * s).relu() for y, s in zip(ys, scores)]
    return sum(losses) * (1.0 / len(losses))


def mse_loss(scores, ys):
    """Mean squared error: mean((score - y)^2), regressing the score onto the label.

    Args and raises as `hinge_loss`; returns a Value >= 0.
    """
    _check(scores, ys)
    losses = [(s - float(y)) ** 2 for y, s in zip(ys, scores)]
    return sum(losses) * (1.0 / len(losses))


def _softplus(m):
    """log(1 + e^m) for a Value m, stable for any finite m.

    Two exact forms, picked by the sign of m so that exp never sees a positive argument:
    log(1 + e^m) for m <= 0, and m + log(1 + e^-m) for m > 0. Its derivative is sigmoid(m)
    everywhere (0.5 at m = 0).
    """
    if m.data <= 0:
        return (1 + m.exp()).log()
    return m + (1 + (-m).exp()).log()


def bce_with_logits_loss(scores, ys):
    """Binary cross-entropy on logits, mean over examples, numerically stable.

    With labels y in {-1, +1} and logit z, the probability of the true class is
    sigmoid(y z), so the loss is -log sigmoid(y z) = softplus(-y z) (the same quantity as
    PyTorch's ``binary_cross_entropy_with_logits`` with target (y + 1) / 2).

    Args and raises as `hinge_loss`; returns a Value > 0.
    """
    _check(scores, ys)
    losses = [_softplus(-float(y) * s) for y, s in zip(ys, scores)]
    return sum(losses) * (1.0 / len(losses))


def l2_penalty(params, alpha):
    """Weight decay / L2 regularization: alpha * sum(p^2), as the original demo.

    Args:
        params: sequence of Values (a model's parameters()).
        alpha: the L2 rate, a float >= 0.

    Returns:
        a Value (alpha * 0 when alpha is 0, so the graph shape does not depend on alpha).
    """
    return alpha * sum((p * p for p in params), Value(0.0))


def accuracy(scores, ys):
    """Fraction of examples with sign(score) == label, in [0, 1] (score 0 counts as -1)."""
    _check(scores, ys)
    hits = sum((float(y) > 0) == ((s.data if isinstance(s, Value) else s) > 0) for y, s in zip(ys, scores))
    return hits / len(ys)


#: the losses by the names the dashboard uses
LOSSES = {"hinge": hinge_loss, "mse": mse_loss, "bce": bce_with_logits_loss}
