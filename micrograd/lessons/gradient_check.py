"""Lesson logic for "Gradient checking": autograd against central differences, with bugs to inject.

A gradient check compares every parameter's backprop gradient with a numerical estimate,
the central difference (L(p + h) - L(p - h)) / 2h (truncation error O(h^2); see
`micrograd.gradcheck`, which does the work here), and reports the relative error
|a - n| / max(|a|, |n|). A correct backward pass gives errors around 1e-8 or smaller on a
smooth model in float64; a wrong local derivative or a lost gradient gives errors near 1.

The bugs injected here are classic mistakes in a hand-written backward pass. They come
from `micrograd.lessons.buggy` (the wrong tanh derivative, ``=`` instead of ``+=``) or
from the caller ("forgot zero_grad": backward twice without zeroing in between). The real
engine is never changed.

The model is small on purpose (MLP(2, [4, 4, 1]) on 20 moons, 37 parameters) so the whole
check, 2 x 37 + 1 loss evaluations, takes a few hundredths of a second.
No streamlit here.
"""

import math

import numpy as np

from micrograd.data import make_dataset
from micrograd.gradcheck import check_gradients, relative_error
from micrograd.lessons.buggy import buggy_backward
from micrograd.losses import LOSSES, l2_penalty
from micrograd.nn import MLP

__all__ = [
    "BUGS",
    "TOLERANCE",
    "STEPS",
    "DEFAULT_STEP",
    "FLOOR",
    "make_problem",
    "CheckResult",
    "run_check",
    "layer_matrices",
    "heatmap_figure",
]

#: injectable bugs: key -> (short label, what it does)
BUGS = {
    "wrong_tanh": (
        "wrong tanh derivative",
        "tanh's local derivative is taken as 1 - t instead of 1 - t\u00b2 (t = tanh(x)). "
        "Only matters when the model uses tanh.",
    ),
    "assign": (
        "= instead of +=",
        "each child's grad is set (=) instead of accumulated (+=), so a node used more than "
        "once keeps only the last path's gradient.",
    ),
    "no_zero_grad": (
        "forgot zero_grad",
        "backward runs twice without resetting .grad to 0 in between, so every gradient is "
        "counted twice.",
    ),
}

#: a check passes when the largest relative error is below this
TOLERANCE = 1e-6

#: finite-difference steps the lesson offers (h); 1e-5 balances truncation and round-off
STEPS = (1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10)
DEFAULT_STEP = 1e-5

#: gradients smaller than this are compared by absolute error / FLOOR: a gradient that is
#: exactly 0 against a numerical estimate of 1e-11 (round-off noise) is agreement, not a
#: 100% error (the same idea as the absolute tolerance of ``torch.autograd.gradcheck``)
FLOOR = 1e-4


def make_problem(activation="tanh", loss="bce", n=20, seed=0, hidden=(4, 4)):
    """The small model and data the lesson checks.

    Args:
        activation: hidden activation of the MLP ('tanh', 'relu', 'sigmoid', 'linear').
        loss: 'bce', 'mse' or 'hinge' (only the name is checked here).
        n: number of moons examples (>= 2); seed: seed for data and weights.
        hidden: hidden layer widths.

    Returns:
        (model: micrograd.nn.MLP(2, [*hidden, 1]), X: float64 (n, 2), y: int64 (n,) in {-1, +1}).

    Raises:
        ValueError: for an unknown loss or activation, or n < 2.
    """
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}: choose one of {sorted(LOSSES)}")
    if n < 2:
        raise ValueError(f"need at least 2 examples, got n={n!r}")
    X, y = make_dataset("moons", n=n, noise=0.1, seed=seed)
    model = MLP(2, [*hidden, 1], activation=activation, seed=seed)
    return model, X, y


class _CheckedLoss:
    """A loss Value whose backward() is the chosen (possibly buggy) backward pass.

    `check_gradients` only calls ``.backward()`` and reads ``.data``, so this stands in for
    the loss Value it expects.
    """

    __slots__ = ("root", "bugs")

    def __init__(self, root, bugs):
        self.root = root
        self.bugs = bugs

    @property
    def data(self):
        """The loss value (float)."""
        return self.root.data

    def backward(self):
        """Fill .grad like Value.backward(), with the injected bugs."""
        self._one_pass()
        if "no_zero_grad" in self.bugs:  # a second backward without zero_grad in between
            if self._buggy():
                # buggy_backward restarts every grad at 0, so add the first pass back by hand,
                # as the engine's accumulating backward would
                first = [(v, v.grad) for v in self.root.topo_order()]
                self._one_pass()
                for v, g in first:
                    v.grad += g
            else:
                self._one_pass()  # Value.backward() accumulates: every grad doubles

    def _buggy(self):
        return "assign" in self.bugs or "wrong_tanh" in self.bugs

    def _one_pass(self):
        if self._buggy():
            buggy_backward(self.root, assign="assign" in self.bugs, wrong_tanh="wrong_tanh" in self.bugs)
        else:
            self.root.backward()


class CheckResult:
    """The outcome of one gradient check.

    Attributes:
        rows: list of dicts, one per parameter in ``model.parameters()`` order, with keys
            'index', 'name' (e.g. 'L1 n0 w1'), 'layer' (1-based), 'neuron', 'input' (the
            weight's input index, or -1 for the bias), 'autograd', 'numeric', 'abs_error',
            'rel_error' (floats; rel_error may be inf).
        max_rel_error (float), worst (the row with the largest rel_error), passed (bool:
            max_rel_error < tolerance), tolerance (float), h (float), loss (float),
        bugs (tuple of active bug keys), layer_shapes (list of (nout, nin) per layer),
        n_evaluations (int: forward passes used).
    """

    def __init__(self, rows, layer_shapes, tolerance, h, loss, bugs):
        self.rows = rows
        self.layer_shapes = layer_shapes
        self.tolerance = tolerance
        self.h = h
        self.loss = loss
        self.bugs = bugs
        self.worst = max(rows, key=lambda r: r["rel_error"])
        self.max_rel_error = self.worst["rel_error"]
        self.passed = bool(self.max_rel_error < tolerance)
        self.n_evaluations = 2 * len(rows) + 1


def run_check(activation="tanh", loss="bce", bugs=(), h=DEFAULT_STEP, seed=0, n=20, l2=1e-3,
              tolerance=TOLERANCE, floor=FLOOR):
    """Check every parameter's gradient of the lesson model against central differences.

    Args:
        activation, loss, seed, n: the problem, as `make_problem`.
        bugs: keys of `BUGS` to inject into the backward pass (empty: the real engine).
        h: the finite-difference step (> 0).
        l2: weight decay added to the loss (alpha * sum p^2).
        tolerance: the pass threshold on the largest relative error.
        floor: the smallest denominator of the relative error,
            |a - n| / max(|a|, |n|, floor) (`micrograd.gradcheck.relative_error`).

    Returns:
        a `CheckResult`. The model's weights are restored exactly afterwards.

    Raises:
        ValueError: for an unknown bug, loss or activation, or h <= 0.
    """
    unknown = set(bugs) - set(BUGS)
    if unknown:
        raise ValueError(f"unknown bug(s) {sorted(unknown)}: choose from {sorted(BUGS)}")
    bugs = tuple(b for b in BUGS if b in set(bugs))  # canonical order
    if not h > 0:
        raise ValueError(f"step h must be > 0, got {h!r}")
    model, X, y = make_problem(activation, loss, n=n, seed=seed)
    inputs, labels = X.tolist(), y.tolist()
    params = model.parameters()
    loss_fn_scalar = LOSSES[loss]

    def build():
        scores = [model(x) for x in inputs]
        total = loss_fn_scalar(scores, labels)
        if l2:
            total = total + l2_penalty(params, l2)
        return total

    def loss_fn():
        return _CheckedLoss(build(), bugs)

    raw = check_gradients(loss_fn, params, h=h)
    names = _param_names(model)
    rows = []
    for r, name in zip(raw, names, strict=True):
        rel = relative_error(r["autograd"], r["numeric"], floor) if math.isfinite(r["numeric"]) else math.inf
        rows.append({**r, **name, "rel_error": rel})
    shapes = [(len(layer.neurons), len(layer.neurons[0].w)) for layer in model.layers]
    model.zero_grad()
    return CheckResult(rows, shapes, tolerance, h, build().data, bugs)


def _param_names(model):
    out = []
    for li, layer in enumerate(model.layers, start=1):
        for ni, neuron in enumerate(layer.neurons):
            for wi in range(len(neuron.w)):
                out.append({"name": f"L{li} n{ni} w{wi}", "layer": li, "neuron": ni, "input": wi})
            out.append({"name": f"L{li} n{ni} b", "layer": li, "neuron": ni, "input": -1})
    return out


def layer_matrices(result, key="rel_error"):
    """One matrix per layer of a row field, for a heatmap.

    Args:
        result: a `CheckResult`; key: the row field ('rel_error', 'autograd', ...).

    Returns:
        list of float64 arrays, layer by layer, of shape (nout, nin + 1): row j is neuron j,
        columns are its weights w0..w{nin-1} then its bias.
    """
    mats = [np.zeros((nout, nin + 1)) for nout, nin in result.layer_shapes]
    for r in result.rows:
        nin = result.layer_shapes[r["layer"] - 1][1]
        col = nin if r["input"] < 0 else r["input"]
        mats[r["layer"] - 1][r["neuron"], col] = r[key]
    return mats


_FLOOR = -16.0  # log10 of the smallest relative error shown (exact agreement is drawn here)


def heatmap_figure(result):
    """Heatmaps of log10(relative error), one panel per layer, blue below the tolerance, orange above.

    Args:
        result: a `CheckResult`.

    Returns:
        plotly.graph_objects.Figure: one heatmap per layer (rows: neurons, columns: w0.. and
        b), colour = log10 of the relative error clipped to [-16, 0] (infinite errors shown
        at 0), hover text with the parameter name, both gradients and the error.
    """
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    mats = layer_matrices(result)
    auto = layer_matrices(result, "autograd")
    num = layer_matrices(result, "numeric")
    n = len(mats)
    titles = [f"layer {i + 1}" if i < n - 1 else f"layer {i + 1} (output)" for i in range(n)]
    widths = [m.shape[1] + 1 for m in mats]
    fig = make_subplots(rows=1, cols=n, subplot_titles=titles, column_widths=widths, horizontal_spacing=0.06)
    cut = (math.log10(result.tolerance) - _FLOOR) / -_FLOOR
    # blue = pass, orange = fail: a pair that stays distinct under every common colour-vision deficiency
    scale = [[0.0, "#2166ac"], [cut, "#d1e5f0"], [min(cut + 1e-6, 1.0), "#fdb863"], [1.0, "#b35806"]]
    for i, m in enumerate(mats):
        with np.errstate(divide="ignore"):
            z = np.log10(np.where(m > 0, m, 10.0**_FLOOR))
        z = np.clip(np.where(np.isfinite(z), z, 0.0), _FLOOR, 0.0)
        nout, nin = result.layer_shapes[i]
        cols = [f"w{j}" for j in range(nin)] + ["b"]
        text = [[f"L{i + 1} n{r} {cols[c]}<br>autograd {auto[i][r, c]:.6g}<br>numeric {num[i][r, c]:.6g}"
                 f"<br>rel. error {m[r, c]:.2e}" for c in range(nin + 1)] for r in range(nout)]
        fig.add_trace(
            go.Heatmap(
                z=z.tolist(), x=cols, y=[f"n{r}" for r in range(nout)], zmin=_FLOOR, zmax=0.0,
                colorscale=scale,
                text=text, hoverinfo="text", showscale=i == n - 1, xgap=2, ygap=2,
                colorbar={"title": "log10 rel. error", "tickvals": [-16, -12, -8, -6, -4, -2, 0]},
            ),
            row=1, col=i + 1,
        )
        fig.update_yaxes(autorange="reversed", row=1, col=i + 1)
    fig.update_layout(height=300, margin={"l": 10, "r": 10, "t": 50, "b": 30})
    return fig
