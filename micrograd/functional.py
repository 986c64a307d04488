"""The numpy definitions every graph-free computation shares: activations, data losses, accuracy,
softmax and cross-entropy for K classes, R² for regression, and the forward pass of an MLP over
many examples at once.

The scalar engine (`micrograd.engine.Value`) and the Tensor engine build graphs; this module
builds none. Boundary grids, dead-unit counts, metrics, the expression parser's numpy backend and
the Tensor engine's forward values all call these functions, so each formula is written once.
Every function takes and returns float64 numpy arrays (or floats), elementwise unless said; the
activations keep a floating dtype they are given (float32 stays float32, for the derivatives
lesson's float32 mode) and turn anything else into float64.
"""

import math

import numpy as np

__all__ = ["ACTIVATIONS", "activation", "sigmoid", "relu", "LOSSES", "data_loss", "accuracy", "log_softmax", "penalty",
           "softmax", "cross_entropy", "multiclass_accuracy", "r2_score", "layer_arrays", "forward"]


def _floating(z):
    """z as an array of its own floating dtype, or of float64 (ints, lists, bools)."""
    z = np.asarray(z)
    return z if z.dtype.kind == "f" else z.astype(np.float64)


def sigmoid(z):
    """1 / (1 + e^-z), stable on both signs: e^-|z| never overflows (the same two branches as
    `Value.sigmoid`). Returns an array of z's shape and floating dtype, in [0, 1]."""
    z = _floating(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def relu(z):
    """max(0, z): np.maximum gives +0.0 for negatives (not z * mask's -0.0, or nan for -inf * 0)
    and lets nan through, as `Value.relu`. Returns an array of z's shape."""
    return np.maximum(z, 0.0)


def _linear(z):
    return z


# name -> elementwise function; the names are those of `MLP(activation=...)`
ACTIVATIONS = {"relu": relu, "tanh": np.tanh, "sigmoid": sigmoid, "linear": _linear}


def activation(name, z):
    """The hidden activation `name` ('relu', 'tanh', 'sigmoid', 'linear') applied to array z.

    Raises:
        ValueError: for an unknown name.
    """
    try:
        fn = ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}: choose one of {', '.join(ACTIVATIONS)}") from None
    return fn(_floating(z))


def _hinge(s, t):
    return np.mean(np.maximum(0.0, 1.0 - t * s))


def _mse(s, t):
    return np.mean((s - t) ** 2)


def _bce(s, t):
    # softplus(-y s) = log(1 + e^{-y s}), stably as logaddexp(0, -y s)
    return np.mean(np.logaddexp(0.0, -t * s))




def data_loss(scores, y, loss="hinge"):
    """Mean data loss of raw scores, the same formulas as `micrograd.losses` (no L2 term).

    hinge: mean(max(0, 1 - y s)) (Cortes & Vapnik 1995); mse: mean((s - y)^2) (y may also be
    real regression targets); bce: mean(softplus(-y s)), binary cross-entropy on logits with
    labels in {-1, +1}; 'ce': softmax cross-entropy of K-class logits (n, K) against class
    indices 0..K-1 (`cross_entropy`).

    Args:
        scores: float array (n,), or (n, K) for 'ce'; y: labels (n,) in {-1, +1} (class
            indices for 'ce', real targets for 'mse'); loss: a key of `LOSSES`.

    Returns:
        float (nan for n == 0; inf if the scores overflow).

    Raises:
        ValueError: for an unknown loss name (and, for 'ce', as `cross_entropy`).
    """
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}: choose one of {sorted(LOSSES)}")
    s = np.asarray(scores, dtype=np.float64)
    if s.size == 0:
        return math.nan
    with np.errstate(all="ignore"):
        return float(LOSSES[loss](s, np.asarray(y, dtype=np.float64)))


def accuracy(scores, y):
    """Fraction of examples with sign(score) == label (score 0 counts as -1), in [0, 1]; nan if empty."""
    s = np.asarray(scores, dtype=np.float64)
    if s.size == 0:
        return math.nan
    return float(np.mean((s > 0) == (np.asarray(y) > 0)))


def log_softmax(logits, axis=-1):
    """log softmax(z)_k = z_k - log sum_j e^(z_j), along `axis`, stably (log-sum-exp trick).

    The row maximum m is subtracted first (z - m <= 0, so e^(z - m) never overflows and the
    largest term is 1, so the sum never underflows to 0): log_softmax(z) = (z - m) - log sum e^(z - m).
    A row whose maximum is infinite is left unshifted (its values are nan or -inf, as PyTorch's).

    Args:
        logits: float array, e.g. (n, K) with one row of K class scores per example.
        axis: the class axis.

    Returns:
        float64 array of logits' shape, every value <= 0.
    """
    z = np.asarray(logits, dtype=np.float64)
    m = np.max(z, axis=axis, keepdims=True)
    shifted = z - np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax(logits, axis=-1):
    """softmax(z)_k = e^(z_k) / sum_j e^(z_j) along `axis`, computed as e^(z - max z) / sum (stable).

    Returns:
        float64 array of logits' shape; each slice along `axis` is in [0, 1] and sums to 1.
    """
    z = np.asarray(logits, dtype=np.float64)
    m = np.max(z, axis=axis, keepdims=True)
    e = np.exp(z - np.where(np.isfinite(m), m, 0.0))
    return e / np.sum(e, axis=axis, keepdims=True)


def _logits_and_labels(logits, labels, what):
    """(z, y): logits as a float64 (n, K) array and labels as int64 class indices (n,) in 0..K-1.

    Raises:
        ValueError: naming `what` if logits are not 2-d, or the labels do not fit them.
    """
    z = np.asarray(logits, dtype=np.float64)
    if z.ndim != 2:
        raise ValueError(f"{what} expects logits of shape (n, K), got {z.shape}")
    n, k = z.shape
    y = np.asarray(labels)
    if y.shape != (n,):
        raise ValueError(f"got {n} rows of logits but labels of shape {y.shape}")
    if y.dtype.kind not in "iuf" or (y.size and not (np.all(np.mod(y, 1) == 0) and y.min() >= 0 and y.max() < k)):
        raise ValueError(f"labels must be class indices 0..{k - 1} (whole numbers)")
    return z, y.astype(np.int64)


def cross_entropy(logits, labels):
    """Mean cross-entropy of K-class logits against class indices: mean_i -log softmax(z_i)[y_i].

    The same quantity as PyTorch's ``torch.nn.functional.cross_entropy(logits, labels)``
    (mean reduction), via the stable `log_softmax`.

    Args:
        logits: float array (n, K), K >= 1; labels: n class indices in 0..K-1.

    Returns:
        float >= 0 (nan for n == 0).

    Raises:
        ValueError: if logits are not 2-d, or the labels do not fit them.
    """
    z, y = _logits_and_labels(logits, labels, "cross_entropy")
    if len(y) == 0:
        return math.nan
    return float(-np.mean(log_softmax(z)[np.arange(z.shape[0]), y]))


def multiclass_accuracy(logits, labels):
    """Fraction of examples whose largest logit is at their label's index (argmax; the first of
    equal maxima), in [0, 1]; nan if empty.

    Args:
        logits: float array (n, K); labels: n class indices in 0..K-1.

    Raises:
        ValueError: as `cross_entropy`.
    """
    z, y = _logits_and_labels(logits, labels, "multiclass_accuracy")
    if len(y) == 0:
        return math.nan
    return float(np.mean(np.argmax(z, axis=1) == y))


#: name -> mean data loss of raw scores s (n,) against labels t (n,) in {-1, +1} ('mse' also real
#: targets), or for 'ce' of logits (n, K) against class indices
LOSSES = {"hinge": _hinge, "mse": _mse, "bce": _bce, "ce": cross_entropy}


def penalty(weights, reg, rate):
    """The regularization term of flat weights: rate * sum(w^2) for 'l2' (as `micrograd.losses.l2_penalty`),
    rate * sum(|w|) for 'l1' (as `micrograd.losses.l1_value`), 0.0 for 'none' or rate 0.

    Args:
        weights: float array of every parameter (any shape). reg: 'none', 'l1' or 'l2'. rate: >= 0.

    Returns:
        float.

    Raises:
        ValueError: for another `reg`.
    """
    w = np.asarray(weights, dtype=np.float64).ravel()
    if reg not in ("none", "l1", "l2"):
        raise ValueError(f"unknown regularization {reg!r}: choose 'none', 'l1' or 'l2'")
    if not rate or reg == "none":
        return 0.0
    return rate * float(np.dot(w, w) if reg == "l2" else np.sum(np.abs(w)))


def r2_score(y_true, y_pred):
    """Coefficient of determination R² = 1 - SS_res / SS_tot, as ``sklearn.metrics.r2_score``.

    SS_res = sum (y_i - yhat_i)^2, SS_tot = sum (y_i - mean y)^2. 1 is a perfect fit, 0 is
    no better than predicting the mean, and it is negative for worse. As scikit-learn (with
    its default force_finite=True): constant targets give 1.0 if predicted exactly, else 0.0.

    Args:
        y_true, y_pred: float arrays (n,).

    Returns:
        float (nan for fewer than two examples, where scikit-learn also returns nan).

    Raises:
        ValueError: if the shapes differ.
    """
    t = np.asarray(y_true, dtype=np.float64).ravel()
    p = np.asarray(y_pred, dtype=np.float64).ravel()
    if t.shape != p.shape:
        raise ValueError(f"r2_score needs as many predictions as targets, got {p.shape[0]} and {t.shape[0]}")
    if t.size < 2:
        return math.nan
    ss_res = float(np.sum((t - p) ** 2))
    ss_tot = float(np.sum((t - np.mean(t)) ** 2))
    if ss_tot == 0:
        return 1.0 if ss_res == 0 else 0.0
    return 1.0 - ss_res / ss_tot


def layer_arrays(model):
    """A scalar `MLP`'s weights as numpy arrays: a list of (W, b) per layer, W of shape
    (nout, nin) (row i holds neuron i's weights, in `parameters()` order) and b of shape (nout,)."""
    return [(np.array([[w.data for w in n.w] for n in layer.neurons], dtype=np.float64).reshape(len(layer.neurons), -1),
             np.array([n.b.data for n in layer.neurons], dtype=np.float64))
            for layer in model.layers]


def forward(layers, X, hidden_activation, keep=False):
    """The forward pass of an MLP over many examples, with no graph.

    Args:
        layers: list of (W, b), W (nout, nin), b (nout,), as `layer_arrays` returns.
        X: array (n, nin) of inputs.
        hidden_activation: a key of `ACTIVATIONS`, applied after every layer but the last
            (the output layer is linear, as `MLP`'s).
        keep: also return every layer's output.

    Returns:
        The scores, (n,) if the last layer has one neuron else (n, nout); with keep=True a
        pair (scores, [A_1, ..., A_L]) where A_l is layer l's output (n, nout_l) after its
        activation (the last one linear).

    Raises:
        ValueError: if X's width does not match the first layer or the activation is unknown.
    """
    A = np.asarray(X, dtype=np.float64)
    if A.ndim != 2 or (layers and A.shape[1] != layers[0][0].shape[1]):
        raise ValueError(f"forward expects shape (n, {layers[0][0].shape[1] if layers else '?'}), got {A.shape}")
    outs = []
    for i, (W, b) in enumerate(layers):
        A = A @ W.T + b
        if i < len(layers) - 1:
            A = activation(hidden_activation, A)
        outs.append(A)
    scores = A[:, 0] if A.shape[1] == 1 else A
    return (scores, outs) if keep else scores
