"""Toy 2-D classification datasets, labels in {-1, +1}, and a train/test split.

moons, circles and blobs come from scikit-learn; XOR and the two-arm spiral are made here
with numpy (scikit-learn has neither).
"""

import math

import numpy as np
from sklearn.datasets import make_blobs, make_circles, make_moons
from sklearn.model_selection import train_test_split

__all__ = ["DATASETS", "make_dataset", "split"]

#: dataset names, in the order the dashboard lists them
DATASETS = ("moons", "circles", "blobs", "xor", "spiral")


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


def make_dataset(name, n=100, noise=0.1, seed=0):
    """Make a 2-D binary classification dataset.

    Args:
        name: one of DATASETS: 'moons', 'circles', 'blobs', 'xor', 'spiral'.
        n: number of points, >= 4.
        noise: standard deviation of the Gaussian noise, >= 0, in data units (the data
            spans roughly [-2, 2]); for blobs the clusters' spread is 3 * noise (at least 0.05).
        seed: integer seed; the same arguments always give the same data.

    Returns:
        (X, y): X float64 of shape (n, 2), y int64 of shape (n,) with values in {-1, +1}.

    Raises:
        ValueError: for an unknown name, n < 4 or not a whole number, noise < 0 or not finite.
    """
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}: choose one of {', '.join(DATASETS)}")
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
    else:
        X, y = _spiral(n, noise, rs)
    return X.astype(np.float64), np.where(y > 0, 1, -1).astype(np.int64)


def split(X, y, test_fraction=0.2, seed=0):
    """Split into train and test sets with scikit-learn, stratified by label.

    Args:
        X: array of shape (n, 2); y: array of shape (n,) in {-1, +1}.
        test_fraction: share of points held out, in [0, 0.9]; 0 gives an empty test set.
        seed: integer seed for the shuffle.

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
    # stratify when both parts can hold both classes, as scikit-learn requires
    can_stratify = min(np.sum(y == 1), np.sum(y == -1)) >= 2 and min(n_test, n - n_test) >= 2
    return train_test_split(X, y, test_size=n_test, random_state=seed, stratify=y if can_stratify else None)
