"""Loss functions and the L2 and L1 penalties, built from `Value` ops (standard library only).

Each loss takes the model's outputs (scores / logits, one `Value` per example) and labels
in {-1, +1}, and returns the mean over the examples as one `Value`; `mse_loss` also takes
real regression targets, and `cross_entropy_loss` K logits per example and class indices.
"""

import math
import numbers

from micrograd.engine import Value

__all__ = ["hinge_loss", "mse_loss", "cross_entropy_loss", "bce_with_logits_loss", "l2_penalty", "l1_penalty",
           "l1_value", "accuracy", "LOSSES", "TASK_LOSSES", "check_loss", "check_task_loss", "check_finite_targets",
           "data_loss"]


def check_finite_targets(ys):
    """Check that every target or label in `ys` is a finite real number (not a bool, nan or inf).

    The one check of this fact: both engines' losses and the `Trainer`'s labels call it.
    numpy numbers count as real (an array's elements, or its ``tolist()``).

    Raises:
        ValueError: "targets must be finite real numbers", naming the first bad one.
    """
    for y in ys:
        if isinstance(y, bool) or not isinstance(y, numbers.Real) or not math.isfinite(y):
            raise ValueError(f"labels and regression targets must be finite real numbers, got {str(y)[:40]!r}")


def _check(scores, ys, regression=False):
    """Check n scores against n labels in {-1, +1}, or (regression=True) n finite real targets."""
    if len(scores) != len(ys):
        raise ValueError(f"got {len(scores)} scores but {len(ys)} labels")
    if not scores:
        raise ValueError("a loss needs at least one example")
    if regression:
        check_finite_targets(ys)
    elif any(y != 1 and y != -1 for y in ys):
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


def mse_loss(scores, ys, regression=False):
    """Mean squared error: mean((score - y)^2), regressing the score onto the label.

    Args and raises as `hinge_loss`; returns a Value >= 0. With ``regression=True`` the
    targets ys may be any finite real numbers (a regression dataset's), else ValueError.
    """
    _check(scores, ys, regression)
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


def cross_entropy_loss(logits_per_example, labels):
    """Softmax cross-entropy for K classes, mean over examples, numerically stable.

    For one example's logits z_1..z_K and class y the loss is -log softmax(z)_y =
    log sum_j e^(z_j) - z_y, written with the log-sum-exp trick: m = max_j z_j (a plain float,
    not a node) is subtracted first, log sum_j e^(z_j - m) - (z_y - m), so no e^x overflows and
    the sum is >= 1. The loss does not depend on m, so neither does its gradient,
    d/dz_j = softmax(z)_j - [j == y]. Built from the Value ops -, exp, +, log only; the same
    quantity as PyTorch's ``torch.nn.functional.cross_entropy`` (mean reduction).

    Args:
        logits_per_example: n sequences of K >= 2 Values (or numbers) each, e.g. the outputs
            of ``MLP(2, [8, K])`` on n examples.
        labels: n class indices, whole numbers in 0..K-1.

    Returns:
        a Value >= 0.

    Raises:
        ValueError: if the lengths differ or are zero, the examples do not all have the same
            K >= 2 logits, or a label is not a class index.
    """
    if len(logits_per_example) != len(labels):
        raise ValueError(f"got {len(logits_per_example)} examples of logits but {len(labels)} labels")
    if len(labels) == 0:
        raise ValueError("a loss needs at least one example")
    rows = [list(z) if not isinstance(z, Value) and hasattr(z, "__len__") else None for z in logits_per_example]
    k = len(rows[0]) if rows[0] is not None else 0
    if k < 2 or any(z is None or len(z) != k for z in rows):
        raise ValueError("cross_entropy_loss needs the same number K >= 2 of logits for every example")
    if any(isinstance(y, bool) or not isinstance(y, numbers.Real) or not math.isfinite(y) or y != int(y)
           or not 0 <= y < k for y in labels):
        raise ValueError(f"labels must be class indices 0..{k - 1} (whole numbers)")
    losses = []
    for z, y in zip(rows, labels):
        z = [v if isinstance(v, Value) else Value(float(v)) for v in z]
        m = max(v.data for v in z)
        shifted = [v - m for v in z]
        exps = [s.exp() for s in shifted]
        losses.append(sum(exps[1:], exps[0]).log() - shifted[int(y)])
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


def l1_penalty(params, alpha):
    """L1 regularization (the lasso penalty): alpha * sum(|p|).

    |p| is built as relu(p) + relu(-p), from the engine's own ops: its derivative is sign(p),
    and 0 at p = 0 (both relus are off there), as ``torch.abs``'s gradient. Used in the loss,
    this is the subgradient method, which never lands a weight on exactly 0; the `Trainer`
    applies L1 as a proximal step instead (`micrograd.optim.soft_threshold`), which does, and
    reports the term's value with `l1_value` (no graph).

    Args:
        params: sequence of Values (a model's parameters()).
        alpha: the L1 rate, a float >= 0.

    Returns:
        a Value (alpha * 0 when alpha is 0, so the graph shape does not depend on alpha).
    """
    return alpha * sum((p.relu() + (-p).relu() for p in params), Value(0.0))


def l1_value(params, alpha):
    """The value of `l1_penalty` without building its graph: alpha * fsum(|p.data|), a float.

    The `Trainer` applies L1 as a proximal step, so the term is never back-propagated: this is
    how both engines' runs report it in the loss (no ~5 nodes per parameter built per step).

    Args:
        params: sequence of Values (a model's parameters()). alpha: the L1 rate, > 0.

    Returns:
        a float; inf when the sum overflows a float (weights near 1e308: a diverged run).
    """
    try:
        return alpha * math.fsum(abs(p.data) for p in params)
    except OverflowError:  # fsum's intermediate overflow
        return math.inf


def accuracy(scores, ys):
    """Fraction of examples with sign(score) == label, in [0, 1] (score 0 counts as -1)."""
    _check(scores, ys)
    hits = sum((float(y) > 0) == ((s.data if isinstance(s, Value) else s) > 0) for y, s in zip(ys, scores))
    return hits / len(ys)


#: the losses by the names the dashboard and the URL use; 'ce' takes K >= 2 logits per example
LOSSES = {"hinge": hinge_loss, "mse": mse_loss, "bce": bce_with_logits_loss, "ce": cross_entropy_loss}

def data_loss(scores, labels, loss, regression=False):
    """The data loss of a batch of Value scores, as the `Trainer` trains it: ``LOSSES[loss](scores, labels)``,
    or for a regression `mse_loss` on real targets (``regression=True``).

    Args:
        scores: a list of n Values (one score per example), or for 'ce' a list of n lists of K logits.
        labels: n labels (-1/+1, class indices 0..K-1 for 'ce') or real targets.
        loss: a key of `LOSSES`; regression: the targets are real numbers (then the loss is MSE).

    Returns:
        a Value: the mean loss over the batch.
    """
    return mse_loss(scores, labels, regression=True) if regression else LOSSES[loss](scores, labels)


#: task -> the losses valid for it (the first is the `Trainer`'s default): binary labels -1/+1 take
#: one score each; regression only MSE on real targets; multiclass only softmax cross-entropy. Its
#: keys are the task names (`micrograd.data.TASKS`'s values come from them); every loss trains one.
TASK_LOSSES = {"binary": ("hinge", "mse", "bce"), "regression": ("mse",), "multiclass": ("ce",)}

#: each task as the messages of `check_task_loss` name it
_TASK_NAMES = {"binary": "binary classification (labels -1/+1)", "regression": "regression",
               "multiclass": "multiclass classification (labels 0..K-1)"}


def check_task_loss(task, loss):
    """Check that `loss` is one of ``TASK_LOSSES[task]`` (the one rule of which loss trains which task).

    Raises:
        ValueError: for an unknown loss, or a loss of another task, saying which the task takes
            (e.g. "loss 'hinge' is for binary classification (labels -1/+1): regression trains
            with loss 'mse' only").
    """
    valid = TASK_LOSSES[task]
    if loss in valid:
        return
    names = f"loss {valid[0]!r} only" if len(valid) == 1 else (
        ", ".join(map(repr, valid[:-1])) + f" or {valid[-1]!r}")
    rule = f"{_TASK_NAMES[task]} trains with {names}"
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {str(loss)[:40]!r}: {rule}")
    other = next(t for t, losses in TASK_LOSSES.items() if loss in losses)
    raise ValueError(f"loss {loss!r} is for {_TASK_NAMES[other]}: {rule}")


def check_loss(loss, nout, regression=False):
    """Check that loss `loss` can train a model with `nout` outputs (both engines call this).

    'ce' needs K >= 2 outputs (one logit per class); the others one output (a score); real
    regression targets train with ``TASK_LOSSES["regression"]`` only (`check_task_loss`).

    Raises:
        ValueError: for an unknown loss, regression with another loss, or an `nout` the loss
            does not fit.
    """
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}: choose one of {sorted(LOSSES)}")
    if regression:
        check_task_loss("regression", loss)
    if (nout < 2) if loss == "ce" else (nout != 1):
        need = "K >= 2 outputs" if loss == "ce" else "one output"
        raise ValueError(f"loss {loss!r} needs a model with {need}, got {nout}")
