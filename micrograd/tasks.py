"""What a training run learns, from its labels: binary or multiclass classification, or regression.

The task names are the keys of `micrograd.losses.TASK_LOSSES` (which losses train each one);
`micrograd.data.TASKS` maps every dataset to one of them. `infer_task` is how the `Trainer`
reads its ``problem=`` argument and its labels; `task_metrics`, `predicted_classes` and
`confusion_counts` are what each task's curves and predictions mean (numpy, graph-free).
"""

import math

import numpy as np

from micrograd.functional import accuracy, data_loss, multiclass_accuracy, r2_score
from micrograd.losses import check_finite_targets

__all__ = ["PROBLEMS", "infer_task", "task_metrics", "predicted_classes", "confusion_counts"]

#: what ``Trainer(problem=...)`` accepts: 'classification' (binary or multiclass, from the labels),
#: 'regression', or a task name of `micrograd.data.TASKS` ('binary', 'multiclass') to say which
PROBLEMS = ("classification", "regression", "binary", "multiclass")


def infer_task(y, problem):
    """The task and number of classes of the labels `y` under `problem` (one of `PROBLEMS`).

    'regression': any finite real targets. 'classification': labels all -1/+1 are 'binary',
    class indices 0..K-1 with K = max label + 1 >= 3 are 'multiclass'. 'binary' or 'multiclass'
    checks the labels against that task ('multiclass' also takes K = 2, a 2-class softmax).

    Args:
        y: a numpy array of labels or targets. problem: one of `PROBLEMS`.

    Returns:
        (task, n_classes): 'binary' and 2, 'multiclass' and K, or 'regression' and 0.

    Raises:
        ValueError: for an unknown problem, labels that are not a 1-d array of finite numbers,
            or labels that do not fit the problem (e.g. 0/1 labels: convert with y * 2 - 1).
    """
    if problem not in PROBLEMS:
        raise ValueError(f"unknown problem {str(problem)[:40]!r}: choose one of {', '.join(PROBLEMS)}")
    if y.ndim != 1 or y.dtype.kind not in "iuf":
        raise ValueError(f"labels must be a 1-d array of numbers, got {y.dtype} of shape {y.shape}")
    check_finite_targets(y.tolist())
    if problem == "regression":
        return "regression", 0
    if not np.all(np.mod(y, 1) == 0):
        raise ValueError("classification labels must be whole numbers (-1/+1, or class indices 0..K-1): "
                         "for real-valued targets pass problem='regression'")
    values = set(np.unique(y).tolist())
    if problem != "multiclass" and values <= {-1, 1}:
        return "binary", 2
    if problem == "binary":
        raise ValueError("binary labels must be -1 or +1 (convert 0/1 labels with y * 2 - 1)")
    k = int(max(values)) + 1
    if min(values) < 0 or k < (2 if problem == "multiclass" else 3):
        raise ValueError("labels must be -1/+1 (binary) or class indices 0..K-1 with K >= 3 (multiclass); "
                         "convert 0/1 labels with y * 2 - 1, or pass problem='multiclass' for a 2-class softmax")
    return "multiclass", k


def task_metrics(task, loss, y_train, s_train, y_test, s_test):
    """The curves' values of one evaluation: data loss and accuracy (regression: R²) per split.

    Args:
        task: 'binary', 'multiclass' or 'regression'. loss: the data loss's name
            (`micrograd.functional.data_loss`).
        y_train, y_test: labels or targets; s_train, s_test: the model's scores (n,) or
            logits (n, K) on them (an empty test split gives nan test values).

    Returns:
        dict of train_loss, train_acc, test_loss, test_acc: accuracy is sign agreement
        (binary), `micrograd.functional.multiclass_accuracy` (argmax), or nan (regression, which
        also gets train_r2 and test_r2, `micrograd.functional.r2_score`, as scikit-learn's).
    """
    if task == "binary":
        acc_train, acc_test = accuracy(s_train, y_train), accuracy(s_test, y_test)
    elif task == "multiclass":
        acc_train, acc_test = multiclass_accuracy(s_train, y_train), multiclass_accuracy(s_test, y_test)
    else:
        acc_train = acc_test = math.nan
    out = {"train_loss": data_loss(s_train, y_train, loss), "train_acc": acc_train,
           "test_loss": data_loss(s_test, y_test, loss), "test_acc": acc_test}
    if task == "regression":
        with np.errstate(all="ignore"):
            out["train_r2"], out["test_r2"] = r2_score(y_train, s_train), r2_score(y_test, s_test)
    return out


def predicted_classes(task, scores):
    """The class (n,) int64 of each row of `scores`: +1 where the score > 0 else -1 (binary: a
    score of 0 counts as -1, as `accuracy`), or the argmax of the logits, the first of equal
    maxima (multiclass). A nan score gives -1 or class 0.

    Raises:
        ValueError: for 'regression' (it has no classes).
    """
    if task == "regression":
        raise ValueError("a regression model predicts real numbers, not classes: use predict()")
    if task == "binary":
        return np.where(scores > 0, 1, -1).astype(np.int64)
    return np.argmax(scores, axis=1).astype(np.int64)


def confusion_counts(classes, y_true, y_pred):
    """Counts of (true class, predicted class), as ``sklearn.metrics.confusion_matrix(y_true,
    y_pred, labels=classes)``: entry [i, j] is the number of points of class ``classes[i]``
    (sorted) predicted as ``classes[j]``. An int64 array (K, K), all zeros when y_true is empty."""
    k = len(classes)
    counts = np.zeros((k, k), dtype=np.int64)
    if len(y_true):
        true = np.searchsorted(classes, np.asarray(y_true).astype(np.int64))
        np.add.at(counts, (true, np.searchsorted(classes, y_pred)), 1)
    return counts
