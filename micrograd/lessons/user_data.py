"""Lesson logic of the playground's "Your own data": points a student uploads, clicks in or removes.

A data set here is ``(X, y)`` for one task of `micrograd.data.TASKS`: X float64 (n, 2), y int64
labels -1/+1 ('binary') or 0, 1, 2 ('multiclass'), or float64 targets ('regression'), the same
shapes and types `micrograd.data.make_dataset` gives, so the `Trainer` takes either.

- `parse_csv` reads an uploaded CSV of ``x1, x2, label`` rows (header optional) with the `csv`
  module and `float`, never ``eval``, and rejects a bad file with one ValueError whose plain-text
  message says what to change (which line and column, what was found: untrusted text is quoted
  with `micrograd.text.quote`, so it is short; show it with `micrograd.text.md_escape`);
- `to_csv` writes the same format back (`parse_csv(to_csv(X, y, task), task)` gives X, y again);
- `add_point` and `remove_nearest` are the boundary plot's "add" and "remove" clicks;
- `check_points` is the one set of rules every data set here obeys: at least `MIN_POINTS` and at
  most `MAX_POINTS` points (the Number of points slider's range), coordinates and targets within
  ±`LIMIT`, and every class of the task present (both classes, or all three).
"""

import csv
import io
import math

import numpy as np

from micrograd.lessons.playground import RANGES
from micrograd.losses import TASK_LOSSES
from micrograd.text import quote

__all__ = ["HEADER", "MIN_POINTS", "MAX_POINTS", "MAX_BYTES", "LIMIT", "CLASS_LABELS", "check_points",
           "parse_csv", "to_csv", "add_point", "remove_nearest", "nearest_index", "label_choices", "trainer_points",
           "label_text", "DEFAULT_TARGET"]

#: the columns of the CSV, as its optional header names them
HEADER = ("x1", "x2", "label")
#: the fewest points a data set may have (as `make_dataset`'s n >= 4) and the most (the Number of points
#: slider's top: the scalar engine's cost per step grows with the points)
MIN_POINTS = 4
MAX_POINTS = RANGES["n_points"][2]
#: the largest file read, in bytes (300 rows of full-precision floats take about 17 KB)
MAX_BYTES = 100_000
#: coordinates and regression targets must be within [-LIMIT, LIMIT] (the playground's data spans about ±6)
LIMIT = 10.0
#: the labels each classification task has, as the CSV and the "class to add" control write them
CLASS_LABELS = {"binary": (1, -1), "multiclass": (0, 1, 2)}
#: the target an "add" click gives a regression point until the student types another
DEFAULT_TARGET = 0.5

_TASKS = tuple(sorted(TASK_LOSSES))  # ("binary", "multiclass", "regression")


def _check_task(task):
    if task not in _TASKS:
        raise ValueError(f"unknown task {quote(task)}: choose one of {', '.join(_TASKS)}")


def label_text(task, label):
    """A class label as the CSV and the messages write it: '+1' / '-1' for binary, '0', '1', '2' for multiclass."""
    return f"{label:+d}" if task == "binary" else str(label)


def label_choices(task):
    """The values the "class to add" control offers: the task's classes, or None for regression (a number).

    Raises:
        ValueError: for an unknown task.
    """
    _check_task(task)
    return CLASS_LABELS.get(task)


def check_points(X, y, task):
    """Check a data set against the rules of this module (docstring); return it as (X float64, y) arrays.

    Args:
        X: (n, 2) numbers; y: (n,) labels of `task` (binary -1/+1, multiclass 0/1/2) or targets.
        task: 'binary', 'multiclass' or 'regression'.

    Returns:
        (X, y): float64 (n, 2), and int64 (classification) or float64 (regression) labels.

    Raises:
        ValueError: with a plain-text message saying what to change.
    """
    _check_task(task)
    X = np.asarray(X, dtype=np.float64).reshape(-1, 2)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    n = len(y)
    if len(X) != n:
        raise ValueError(f"{len(X)} points but {n} labels: give one label per point")
    if n < MIN_POINTS:
        raise ValueError(f"only {n} points: the playground needs at least {MIN_POINTS}")
    if n > MAX_POINTS:
        raise ValueError(f"{n} points: the playground trains on at most {MAX_POINTS}; remove {n - MAX_POINTS}")
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
        raise ValueError("every coordinate and label must be a finite number (no NaN or infinity)")
    if np.abs(X).max() > LIMIT:
        raise ValueError(f"coordinates must be between {-LIMIT:g} and {LIMIT:g}: rescale the points")
    if task == "regression":
        if np.abs(y).max() > LIMIT:
            raise ValueError(f"targets must be between {-LIMIT:g} and {LIMIT:g}: rescale them")
        return X, y
    classes = CLASS_LABELS[task]
    bad = sorted(set(y.tolist()) - set(classes))
    if bad:
        raise ValueError(f"label {bad[0]:g} is not a class here: the labels must be "
                         f"{' or '.join(label_text(task, c) for c in sorted(classes))}")
    missing = [c for c in sorted(classes) if not np.any(y == c)]
    if len(missing) == len(classes) - 1:
        raise ValueError(f"all {n} points are of class {label_text(task, int(y[0]))}: a classifier needs points "
                         f"of every class ({', '.join(label_text(task, c) for c in sorted(classes))})")
    if missing:
        raise ValueError(f"no point of class {', '.join(label_text(task, c) for c in missing)}: a classifier "
                         f"needs points of every class ({', '.join(label_text(task, c) for c in sorted(classes))})")
    return X, y.astype(np.int64)


def _number(text, line, column):
    """`text` as a float, or a ValueError naming the line and the column."""
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"line {line}, column {column + 1} ({HEADER[column]}): {quote(text.strip())} is not a "
                         "number") from None
    if not math.isfinite(value):
        raise ValueError(f"line {line}, column {column + 1} ({HEADER[column]}): {quote(text.strip())} is not a "
                         "finite number (NaN and infinity cannot be trained on)")
    return value


def _is_header(row):
    return [c.strip().lower() for c in row] == list(HEADER)


def _binary_labels(values):
    """Binary labels as -1/+1: -1/+1 stay, 0/1 become -1/+1; else a ValueError."""
    found = set(values.tolist())
    if found <= {-1.0, 1.0}:
        return values
    if found <= {0.0, 1.0}:
        return values * 2 - 1
    odd = sorted(found - {-1.0, 0.0, 1.0}) or sorted(found)
    raise ValueError(f"label {odd[0]:g} does not fit two classes: use -1 and +1 (or 0 and 1) as labels (for "
                     "classes 0, 1, 2 pick a 3-class dataset first)")


def parse_csv(data, task):
    """Read an uploaded CSV of points: ``x1,x2,label`` per line, an ``x1,x2,label`` header optional.

    Blank lines are skipped; a UTF-8 byte-order mark is allowed. Binary labels may be -1/+1 or
    0/1 (0 becomes -1); multiclass labels are 0, 1, 2; regression labels are real targets.
    The size is checked before the rows are read (at most `MAX_BYTES`), and reading stops at
    the first row beyond `MAX_POINTS`.

    Args:
        data: the file's bytes (or str).
        task: 'binary', 'multiclass' or 'regression' (the task of the dataset on the page).

    Returns:
        (X, y) as `check_points` returns them, in the file's order.

    Raises:
        ValueError: one plain-text message saying what to change: too large a file, not UTF-8,
            a row without exactly 3 columns, a header other than x1,x2,label, a non-number or
            NaN/infinity (with its line and column), too few or too many rows, labels that are
            not the task's classes, a class missing, a value out of range.
    """
    _check_task(task)
    if len(data) > MAX_BYTES:
        raise ValueError(f"the file has {len(data):,} bytes: upload at most {MAX_BYTES // 1000} KB "
                         f"({MAX_POINTS} points)")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError("the file is not UTF-8 text: save it as CSV (UTF-8)") from None
    reader = csv.reader(io.StringIO(data.lstrip("\ufeff"), newline=""))
    rows, first = [], True  # first: no non-blank line read yet (only that one may be the header)
    try:
        for row in reader:
            if not any(c.strip() for c in row):
                continue
            line, was_first, first = reader.line_num, first, False
            if was_first and not any(_looks_numeric(c) for c in row):  # no number in it: a header
                if _is_header(row):
                    continue
                raise ValueError(f"line {line}: the header must be x1,x2,label (or leave it out), found "
                                 f"{','.join(quote(c.strip(), 12) for c in row[:4])}{',…' if len(row) > 4 else ''}")
            if len(row) != 3:
                raise ValueError(f"line {line} has {len(row)} columns: each line needs 3, x1,x2,label")
            if len(rows) == MAX_POINTS:
                raise ValueError(f"more than {MAX_POINTS} points: the playground trains on at most {MAX_POINTS}")
            rows.append([_number(c, line, i) for i, c in enumerate(row)])
    except csv.Error as exc:
        raise ValueError(f"line {reader.line_num}: not readable as CSV ({quote(exc)})") from None
    if not rows:
        raise ValueError("the file has no points: one line per point, x1,x2,label")
    A = np.array(rows, dtype=np.float64)
    X, y = A[:, :2], A[:, 2]
    if task != "regression" and not np.all(np.mod(y, 1) == 0):
        odd = y[np.mod(y, 1) != 0][0]
        raise ValueError(f"label {odd:g} is not a whole number: classes are "
                         f"{' or '.join(label_text(task, c) for c in sorted(CLASS_LABELS[task]))} (for real-valued "
                         "targets switch the problem to regression first)")
    if task == "binary":
        y = _binary_labels(y)
    return check_points(X, y, task)


def _looks_numeric(text):
    """Could `text` be a number's cell? (so a first line of numbers is data, not a header)"""
    try:
        float(text)
    except ValueError:
        return False
    return True


def trainer_points(trainer):
    """Every point a `Trainer` holds, (X, y): its training points, then its test points."""
    return np.vstack([trainer.X_train, trainer.X_test]), np.concatenate([trainer.y_train, trainer.y_test])


def to_csv(X, y, task):
    """The points as CSV text `parse_csv` reads back: the header ``x1,x2,label``, then one line per point.

    Coordinates (and regression targets) are written as Python's shortest round-trip repr, so the
    text reads back to the same floats; class labels as integers (-1/1, or 0/1/2).
    """
    _check_task(task)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER)
    for (a, b), label in zip(np.asarray(X, dtype=np.float64).tolist(), np.asarray(y).tolist(), strict=True):
        w.writerow([repr(a), repr(b), repr(float(label)) if task == "regression" else int(label)])
    return buf.getvalue()


def add_point(X, y, point, label, task):
    """The data set with one more point, (x1, x2) = `point`, of class (or target) `label`, at the end.

    Raises:
        ValueError: (plain text) if the result breaks `check_points`: already `MAX_POINTS`
            points, a point or target out of range, a label that is not one of the task's classes.
    """
    _check_task(task)
    X = np.asarray(X, dtype=np.float64).reshape(-1, 2)
    if len(X) >= MAX_POINTS:
        raise ValueError(f"already {len(X)} points, the most the playground trains on: remove some first")
    p = np.asarray(point, dtype=np.float64).reshape(1, 2)
    if task != "regression" and label not in CLASS_LABELS[task]:
        raise ValueError(f"class {quote(label)} is not one of "
                         f"{', '.join(label_text(task, c) for c in CLASS_LABELS[task])}")
    return check_points(np.vstack([X, p]), np.append(np.asarray(y, dtype=np.float64), float(label)), task)


def nearest_index(X, x, y, radius):
    """The index of the point of X (n, 2) nearest to (x, y), if it lies within `radius` (Euclidean, data
    units); None if none does or X is empty. Ties go to the lower index (`np.argmin`)."""
    if not len(X):
        return None
    d = np.hypot(X[:, 0] - x, X[:, 1] - y)
    i = int(np.argmin(d))
    return i if d[i] <= radius else None


def remove_nearest(X, y, point, radius, task):
    """The data set without the point nearest to `point`, if that is within `radius` (data units).

    Returns:
        (X, y, index): the smaller data set and the removed point's index, or the same X, y and
        None when no point is within `radius`.

    Raises:
        ValueError: (plain text) if removing it breaks `check_points` (fewer than `MIN_POINTS`
            points, or a class left without points).
    """
    X = np.asarray(X, dtype=np.float64).reshape(-1, 2)
    y = np.asarray(y)
    i = nearest_index(X, float(point[0]), float(point[1]), radius)
    if i is None:
        return X, y, None
    keep = np.arange(len(X)) != i
    if task != "regression" and not np.any(y[keep] == y[i]):
        raise ValueError(f"that is the last point of class {label_text(task, int(y[i]))}: a classifier needs "
                         "points of every class")
    Xk, yk = check_points(X[keep], y[keep], task)
    return Xk, yk, i
