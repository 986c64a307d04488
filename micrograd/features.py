"""Input features, as TensorFlow Playground's: x1, x2, x1², x2², x1·x2, sin x1, sin x2.

A 2-D point (x1, x2) is fed to the network as the features switched on, one input each, so a
model with no hidden layer on x1² and x2² can already draw a circle. The seven features, their
order and their labels are those of TF Playground's ``INPUTS`` table (src/playground.ts:
``x``, ``y``, ``xSquared``, ``ySquared``, ``xTimesY``, ``sinX``, ``sinY``, labelled ``X_1``,
``X_2``, ``X_1^2``, ``X_2^2``, ``X_1X_2``, ``sin(X_1)``, ``sin(X_2)``; its default is x and y
on). Our names are the ones a link's ``?features=`` uses.

`expand` is the one place features are computed: training, the boundary grid and every
graph-free forward call it. numpy only.
"""

from typing import Callable, NamedTuple

import numpy as np

from micrograd.text import quote

__all__ = ["Feature", "FEATURES", "DEFAULT_FEATURES", "check_features", "expand"]


class Feature(NamedTuple):
    """One input feature: how it is shown and how it is computed.

    Attributes:
        label: plain-text name for widgets and tables, e.g. 'x₁²'.
        latex: the same as LaTeX, e.g. 'x_1^2'.
        fn: numpy function of the points X (n, 2) -> the feature's column (n,).
    """

    label: str
    latex: str
    fn: Callable[[np.ndarray], np.ndarray]


#: feature name -> Feature, in TF Playground's order
FEATURES = {
    "x1": Feature("x₁", r"x_1", lambda X: X[:, 0]),
    "x2": Feature("x₂", r"x_2", lambda X: X[:, 1]),
    "x1sq": Feature("x₁²", r"x_1^2", lambda X: X[:, 0] * X[:, 0]),
    "x2sq": Feature("x₂²", r"x_2^2", lambda X: X[:, 1] * X[:, 1]),
    "x1x2": Feature("x₁x₂", r"x_1 x_2", lambda X: X[:, 0] * X[:, 1]),
    "sin1": Feature("sin x₁", r"\sin x_1", lambda X: np.sin(X[:, 0])),
    "sin2": Feature("sin x₂", r"\sin x_2", lambda X: np.sin(X[:, 1])),
}

#: the features switched on by default (TF Playground's default too): the raw coordinates
DEFAULT_FEATURES = ("x1", "x2")


def check_features(names):
    """Validate a choice of features.

    Args:
        names: a sequence of names of `FEATURES`, or one comma-separated string of them (a
            link's ``features=x1,x2,x1sq``; spaces around names are ignored).

    Returns:
        tuple of the names, in the order given.

    Raises:
        ValueError: for no feature at all, a name listed twice, or an unknown name; the
            message lists the valid names (and quotes a bad one cut to 40 characters).
    """
    if isinstance(names, str):
        names = [part.strip() for part in names.split(",")] if names.strip() else []
    names = tuple(names)
    valid = ", ".join(FEATURES)
    if not names:
        raise ValueError(f"choose at least one input feature: {valid}")
    for name in names:
        if name not in FEATURES:
            raise ValueError(f"unknown input feature {quote(name)}: choose from {valid}")
    if len(set(names)) != len(names):
        twice = next(n for n in names if names.count(n) > 1)
        raise ValueError(f"input feature {twice!r} is listed twice: list each of {valid} at most once")
    return names


def expand(X, names=DEFAULT_FEATURES):
    """The features `names` of the 2-D points X, one column each.

    Args:
        X: array-like (n, 2) of points (x1, x2).
        names: as `check_features` takes them (default: x1, x2, which returns X's values).

    Returns:
        float64 array (n, len(names)); column j is ``FEATURES[names[j]].fn(X)``.

    Raises:
        ValueError: if X is not of shape (n, 2), or as `check_features`.
    """
    names = check_features(names)
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"input features are computed from points of shape (n, 2), got {X.shape}")
    out = np.empty((X.shape[0], len(names)))
    for j, name in enumerate(names):
        out[:, j] = FEATURES[name].fn(X)
    return out
