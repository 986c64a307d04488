"""Toy 2-D datasets and a train/test split.

Binary classification (labels in {-1, +1}): moons, circles and blobs come from scikit-learn;
XOR and the two-arm spiral are made here with numpy (scikit-learn has neither). Regression
(real targets): TensorFlow Playground's plane and Gaussian datasets. Multiclass (labels
0..K-1): three scikit-learn blobs and the yin-yang dataset of EurekaLabs' micrograd.
"""

import math

import numpy as np
from sklearn.datasets import make_blobs, make_circles, make_moons
from sklearn.model_selection import train_test_split

from micrograd.losses import TASK_LOSSES

__all__ = ["DATASETS", "REGRESSION_DATASETS", "MULTICLASS_DATASETS", "TASKS", "make_dataset", "split"]

#: binary classification dataset names (labels -1/+1), in the order the dashboard lists them
DATASETS = ("moons", "circles", "blobs", "xor", "spiral")
#: regression dataset names (real-valued targets), TF Playground's two
REGRESSION_DATASETS = ("plane", "gauss")
#: multiclass dataset names (labels 0, 1, 2)
MULTICLASS_DATASETS = ("blobs3", "yinyang")
#: every dataset name -> its task: 'binary' (labels -1/+1), 'regression' or 'multiclass', the
#: task names of `micrograd.losses.TASK_LOSSES` (its keys, in their order, paired with the three tuples)
TASKS = {name: task for task, names in zip(TASK_LOSSES, (DATASETS, REGRESSION_DATASETS, MULTICLASS_DATASETS),
                                           strict=True) for name in names}


def _xor(n, noise, rs):
    # four clusters at the corners of a square; label = sign(x1 * x2)
    centers = np.array([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]])
    idx = np.arange(n) % 4
    X = centers[idx] * rs.uniform(0.2, 1.0, size=(n, 1)) + rs.normal(scale=noise, size=(n, 2))
    y = np.where(idx < 2, 1, 0)
    return X, y


def _spiral(n, noise, rs):
    # two interleaved arms, each 1.5 turns: arm k is the other rotated by pi
    k = np.arange(n) % 2
    t = np.sqrt(rs.uniform(0.0, 1.0, n)) * 3.0 * np.pi  # sqrt: even density along the arm
    r = t / (3.0 * np.pi) * 2.0 + 0.1
    angle = t + np.pi * k
    X = np.column_stack([r * np.cos(angle), r * np.sin(angle)])
    X += rs.normal(scale=noise, size=X.shape)
    return X, 1 - k


# TF Playground's regression data (src/dataset.ts): points uniform in [-6, 6]^2, the target
# read at the point displaced by noise * U(-6, 6) per coordinate (the point itself stays clean)
_TF_RADIUS = 6.0
# regressGaussian's six bumps: (cx, cy, sign)
_TF_GAUSSIANS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]],
                         dtype=np.float64)


def _tf_points(n, noise, rs):
    X = rs.uniform(-_TF_RADIUS, _TF_RADIUS, size=(n, 2))
    shifted = X + rs.uniform(-_TF_RADIUS, _TF_RADIUS, size=(n, 2)) * noise
    return X, shifted


def _plane(n, noise, rs):
    # regressPlane: label = labelScale(x + y), d3 linear [-10, 10] -> [-1, 1], not clamped
    X, P = _tf_points(n, noise, rs)
    return X, (P[:, 0] + P[:, 1]) / 10.0


def _gauss(n, noise, rs):
    # regressGaussian: each bump gives sign * labelScale(distance), d3 linear [0, 2] -> [1, 0]
    # clamped (1 - d/2, 0 beyond d = 2); the label is the bump value largest in absolute value
    X, P = _tf_points(n, noise, rs)
    d = np.hypot(P[:, 0:1] - _TF_GAUSSIANS[:, 0], P[:, 1:2] - _TF_GAUSSIANS[:, 1])  # (n, 6)
    v = _TF_GAUSSIANS[:, 2] * np.clip(1.0 - d / 2.0, 0.0, 1.0)
    pick = np.argmax(np.abs(v), axis=1)  # the first of equals, as dataset.ts's strict '>'
    return X, v[np.arange(n), pick] + 0.0  # + 0.0: no -0.0 targets


#: the three class centres of blobs3, on a circle of radius 1.5 at 90, 210 and 330 degrees
_BLOBS3_CENTERS = 1.5 * np.array([[np.cos(a), np.sin(a)] for a in np.deg2rad([90.0, 210.0, 330.0])])


def _yinyang_class(x, y, r_small=0.1, r_big=0.5):
    # gen_data_yinyang's which_class (EurekaLabsAI/micrograd utils.py), vectorized
    d_right = np.hypot(x - 1.5 * r_big, y - r_big)
    d_left = np.hypot(x - 0.5 * r_big, y - r_big)
    yin = ((d_right <= r_small) | ((d_left > r_small) & (d_left <= 0.5 * r_big))
           | ((y > r_big) & (d_right > 0.5 * r_big)))
    dots = (d_right < r_small) | (d_left < r_small)
    return np.where(dots, 2, np.where(yin, 0, 1))


def _yinyang(n, noise, rs, r_big=0.5):
    # EurekaLabsAI/micrograd utils.py gen_data_yinyang (after github.com/lkriener/yin_yang_data_set):
    # point i has class i % 3; points are drawn uniformly in the square [0, 2 r_big]^2, kept if
    # inside the disc of radius r_big and of the class wanted, then scaled to (x / r_big - 1) * 2,
    # i.e. the disc of radius 2 at the origin. Here numpy draws in batches instead of their
    # xorshift one point at a time; noise adds N(0, noise^2) to the scaled points
    want = [len(range(c, n, 3)) for c in range(3)]
    got = [[] for _ in range(3)]
    while any(len(g) < w for g, w in zip(got, want)):
        P = rs.uniform(0.0, 2 * r_big, size=(max(64, 4 * n), 2))
        P = P[np.hypot(P[:, 0] - r_big, P[:, 1] - r_big) <= r_big]
        c = _yinyang_class(P[:, 0], P[:, 1])
        for k in range(3):
            got[k].extend(P[c == k][: want[k] - len(got[k])])
    y = np.arange(n) % 3
    X = np.empty((n, 2))
    for k in range(3):
        X[y == k] = np.array(got[k]).reshape(-1, 2)
    X = (X / r_big - 1.0) * 2.0 + rs.normal(scale=noise, size=(n, 2))
    return X, y


def make_dataset(name, n=100, noise=0.1, seed=0):
    """Make a 2-D dataset: binary or multiclass classification, or regression (see `TASKS`).

    Binary (`DATASETS`): moons, circles, blobs, xor, spiral. Multiclass (`MULTICLASS_DATASETS`):
    'blobs3', scikit-learn's ``make_blobs`` around three centres 1.5 from the origin (at 90,
    210 and 330 degrees), spread 3 * noise (at least 0.05); 'yinyang', the yin-yang dataset of
    EurekaLabsAI/micrograd (``gen_data_yinyang`` in its utils.py, after
    github.com/lkriener/yin_yang_data_set): yin 0, yang 1, the two dots 2, in the disc of
    radius 2, one class after the other (point i has class i % 3).
    Regression (`REGRESSION_DATASETS`), as TensorFlow Playground's src/dataset.ts: points
    uniform in [-6, 6]^2 and the target computed at the point displaced by noise * U(-6, 6) in
    each coordinate (so here `noise` is TF Playground's noise fraction, 0 to 0.5 on its slider);
    'plane' (``regressPlane``): target (x1 + x2) / 10 (d3's linear scale [-10, 10] -> [-1, 1]);
    'gauss' (``regressGaussian``): six bumps at (+-4 or 0, +-2.5) with signs +-1, each giving
    sign * max(0, 1 - d / 2) at distance d (d3's scale [0, 2] -> [1, 0], clamped), and the
    target is the one largest in absolute value, in [-1, 1].

    Args:
        name: a key of `TASKS`.
        n: number of points, >= 4.
        noise: >= 0. For every classification dataset, the standard deviation of the Gaussian
            noise in data units (the data spans roughly [-2, 2]; for blobs and blobs3 the
            clusters' spread is 3 * noise, at least 0.05). For plane and gauss it is not a
            standard deviation but TF Playground's noise: a fraction of the [-6, 6] range (the
            target is read at the point displaced by noise * U(-6, 6) per coordinate, above).
        seed: integer seed; the same arguments always give the same data.

    Returns:
        (X, y): X float64 of shape (n, 2); y of shape (n,): int64 in {-1, +1} (binary), int64
        in {0, 1, 2} (multiclass, balanced to within one point), or float64 (regression).

    Raises:
        ValueError: for an unknown name, n < 4 or not a whole number, noise < 0 or not finite.
    """
    if name not in TASKS:
        raise ValueError(f"unknown dataset {name!r}: choose one of {', '.join(TASKS)}")
    if not (math.isfinite(n) and int(n) == n and n >= 4):
        raise ValueError(f"need a whole number of at least 4 points, got n={n!r}")
    if not (math.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    n = int(n)
    noise = abs(float(noise))  # -0.0 passes the check above, but numpy's normal(scale=-0.0) rejects it
    rs = np.random.RandomState(seed)
    if name == "moons":
        X, y = make_moons(n_samples=n, noise=noise, random_state=rs)
    elif name == "circles":
        X, y = make_circles(n_samples=n, noise=noise, factor=0.5, random_state=rs)
    elif name == "blobs":
        X, y = make_blobs(n_samples=n, centers=[[-1.0, -1.0], [1.0, 1.0]],
                          cluster_std=max(3 * noise, 0.05), random_state=rs)
    elif name == "xor":
        X, y = _xor(n, noise, rs)
    elif name == "spiral":
        X, y = _spiral(n, noise, rs)
    elif name == "blobs3":
        X, y = make_blobs(n_samples=n, centers=_BLOBS3_CENTERS, cluster_std=max(3 * noise, 0.05), random_state=rs)
    elif name == "yinyang":
        X, y = _yinyang(n, noise, rs)
    elif name == "plane":
        X, y = _plane(n, noise, rs)
    else:
        X, y = _gauss(n, noise, rs)
    if TASKS[name] == "regression":
        return X.astype(np.float64), y.astype(np.float64)
    if TASKS[name] == "multiclass":
        return X.astype(np.float64), y.astype(np.int64)
    return X.astype(np.float64), np.where(y > 0, 1, -1).astype(np.int64)


def split(X, y, test_fraction=0.2, seed=0, stratify=True):
    """Split into train and test sets with scikit-learn, stratified by label.

    With ``stratify=True``, labels that are all whole numbers (classes: -1/+1, or 0..K-1) are
    stratified when every class has at least 2 points and both parts can hold one of each, as
    scikit-learn requires; real-valued targets are split without stratification. Regression
    targets that happen to be whole numbers are not classes: pass ``stratify=False`` (the
    `Trainer` does for a regression run).

    Args:
        X: array of shape (n, 2); y: array of shape (n,): labels in {-1, +1} or 0..K-1, or
            real-valued regression targets.
        test_fraction: share of points held out, in [0, 0.9]; 0 gives an empty test set.
        seed: integer seed for the shuffle.
        stratify: False splits without stratification, whatever the labels.

    Returns:
        (X_train, X_test, y_train, y_test), as ``sklearn.model_selection.train_test_split``.

    Raises:
        ValueError: if test_fraction is outside [0, 0.9], or leaves no training point.
    """
    if not 0 <= test_fraction <= 0.9:
        raise ValueError(f"test_fraction must be in [0, 0.9], got {test_fraction!r}")
    if test_fraction == 0:
        return X, X[:0], y, y[:0]
    n = len(y)
    n_test = max(1, int(round(test_fraction * n)))
    if n_test >= n:
        raise ValueError(f"test_fraction={test_fraction} leaves no training points out of {n}: lower it")
    # stratify when both parts can hold every class, each class at least twice, as scikit-learn requires
    y_arr = np.asarray(y)
    classes, counts = np.unique(y_arr, return_counts=True)
    can_stratify = (stratify and bool(np.all(np.mod(y_arr, 1) == 0)) and len(classes) >= 2 and counts.min() >= 2
                    and min(n_test, n - n_test) >= len(classes))
    return train_test_split(X, y, test_size=n_test, random_state=seed, stratify=y if can_stratify else None)
