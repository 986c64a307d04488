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
from dataclasses import dataclass

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
    "Cause",
    "causes_of",
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


@dataclass(frozen=True)
class Cause:
    """One reason the check says what it says, for the student.

    Attributes:
        key: a `BUGS` key, "kink" (a ReLU or hinge kink between p - h and p + h) or "step"
            (the central difference itself is off: round-off or truncation).
        kind: "bug" (the bug makes some backprop gradients wrong), "no_effect" (the bug is
            on but changes no gradient of this model) or "false_alarm" (the engine is right
            and the finite difference is not).
        names: the parameter names this cause makes fail (empty for "no_effect").
        text: one Markdown paragraph saying what fails and why.
        label: a few words for a table cell ("wrong tanh derivative", "kink (false alarm)").
    """

    key: str
    kind: str
    names: tuple
    text: str
    label: str = ""


def causes_of(result, name):
    """The short labels of the causes that make parameter `name` fail, joined by ", " ("" if none).

    Args:
        result: a `CheckResult`; name: a row's 'name' (e.g. 'L2 n1 b').
    """
    return ", ".join(c.label for c in result.causes if name in c.names)


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
        n_evaluations (int: forward passes used), causes (list of `Cause`: one per active bug,
        then the check's own false alarms, if any).
    """

    def __init__(self, rows, layer_shapes, tolerance, h, loss, bugs, causes=()):
        self.rows = rows
        self.causes = list(causes)
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
    causes = _diagnose(build, params, rows, bugs, activation, loss, h, tolerance, floor, len(shapes))
    model.zero_grad()
    return CheckResult(rows, shapes, tolerance, h, build().data, bugs, causes)


def _gradients(build, params, bugs):
    """Every parameter's backprop gradient with the given bugs (() = the real engine)."""
    for p in params:
        p.grad = 0.0
    _CheckedLoss(build(), bugs).backward()
    return [p.grad for p in params]


def _relu_pattern(build):
    """Which ReLUs of the loss graph are on (input > 0), in graph order."""
    return tuple(v.children[0].data > 0 for v in build().topo_order() if v.op == "ReLU")


def _list(names, limit=4):
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _layers(rows, n_layers):
    """'layers 1 and 2' / 'layer 3 (the output layer)' for the rows' layers."""
    layers = sorted({r["layer"] for r in rows})
    words = [f"{li} (the output layer)" if li == n_layers else str(li) for li in layers]
    head = "layer " if len(words) == 1 else "layers "
    return head + (words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1])


def _diagnose(build, params, rows, bugs, activation, loss, h, tolerance, floor, n_layers):
    """The causes of the check's outcome, measured, not assumed.

    - each active bug: the parameters whose backprop gradient it changes, found by running
      backprop with that bug alone and comparing with the real engine (the numerical side
      does not depend on the bugs at all);
    - the check's own false alarms: parameters where the real engine's gradient disagrees
      with the central difference. The engine is right (tested against PyTorch), so the
      difference is off: a kink when the on/off pattern of some ReLU (a hidden unit, or the
      hinge loss's max(0, .)) changes between p - h, p and p + h, else round-off or truncation.
    """
    clean = _gradients(build, params, ())
    n = len(rows)
    causes = []
    for bug in bugs:
        got = _gradients(build, params, (bug,))
        hit = [r for r, a, b in zip(rows, got, clean, strict=True) if relative_error(a, b, floor) >= tolerance]
        label = BUGS[bug][0]
        where = (f"all {n} backprop gradients wrong" if len(hit) == n
                 else f"{len(hit)} of {n} backprop gradients wrong, in {_layers(hit, n_layers)}" if hit else "")
        if not hit:
            why = ("the model has no tanh (hidden activation: " + activation + "), so this bug never runs"
                   if bug == "wrong_tanh" else "no gradient of this model depends on it")
            text = (f"**{label}** is switched on but changes nothing here: {why}. A gradient check only "
                    "tests the operations your model uses.")
        elif bug == "wrong_tanh":
            keeps = "" if any(r["layer"] == n_layers for r in hit) else (
                " The output layer is linear and sits above every tanh, so its gradients stay right.")
            text = (f"**{label}** makes {where}: tanh's local derivative is taken as 1 − t instead of "
                    f"1 − t², so every gradient that flows back through a tanh is scaled wrongly.{keeps}")
        elif bug == "assign":
            text = (f"**{label}** makes {where}: every weight is used once per example (and again in the "
                    "L2 penalty), so its gradient must be the sum over those uses; with = only the last "
                    "use's contribution survives.")
        else:
            zeros = " Only gradients that are exactly 0 (as behind a dead ReLU) stay right." if len(hit) < n else ""
            text = (f"**{label}** makes {where}: backward ran twice without resetting .grad to 0, so "
                    "every gradient is counted twice: on its own that is a relative error of "
                    f"|2g − g| / |2g| = 0.5.{zeros}")
        causes.append(Cause(bug, "bug" if hit else "no_effect", tuple(r["name"] for r in hit), text, label))

    failing = [i for i, (r, a) in enumerate(zip(rows, clean, strict=True))
               if not math.isfinite(r["numeric"]) or relative_error(a, r["numeric"], floor) >= tolerance]
    kinks, steps = [], []
    base = _relu_pattern(build) if failing else ()
    for i in failing:
        if base:
            p, x0 = params[i], params[i].data
            p.data = x0 + h
            up = _relu_pattern(build)
            p.data = x0 - h
            down = _relu_pattern(build)
            p.data = x0
            if up != base or down != base:
                kinks.append(rows[i]["name"])
                continue
        steps.append(rows[i]["name"])
    if kinks:
        where = {(True, True): "a ReLU unit or the hinge loss max(0, 1 − y·s)",
                 (True, False): "a ReLU unit", (False, True): "the hinge loss max(0, 1 − y·s)"}
        what = where.get((activation == "relu", loss == "hinge"), "a ReLU")
        causes.append(Cause("kink", "false_alarm", tuple(kinks), label="kink (false alarm)", text=(
            f"**A kink, a false alarm of the check (not a bug)**: {len(kinks)} of {n} gradients "
            f"({_list(kinks)}) fail even with the real engine. For them, the input of {what} crosses 0 "
            f"between p − h and p + h (h = {h:.0e}; it sits at or near 0, for example a zero bias in front "
            "of dead units), so L(p + h) and L(p − h) lie on different sides of the kink: the central "
            "difference averages the two one-sided slopes, backprop takes the slope of one side. Try another "
            "seed or a smooth activation such as tanh."
        )))
    if steps:
        if h < DEFAULT_STEP:
            why = (f"h = {h:.0e} is too small: L is only known to about 1e-16 of its size, and dividing "
                   "that round-off by 2h blows it up. Use a larger h")
        elif h > DEFAULT_STEP:
            why = (f"h = {h:.0e} is too large: the central difference has a truncation error of "
                   "order h². Use a smaller h")
        else:
            why = (f"at h = {h:.0e}, truncation (order h²) and round-off (about 1e-16 / h) are not "
                   "both small enough for them. Try h = 1e-4 or 1e-6")
        causes.append(Cause("step", "false_alarm", tuple(steps), label="step h (false alarm)", text=(
            f"**The step h, a false alarm of the check (not a bug)**: {len(steps)} of {n} gradients "
            f"({_list(steps)}) fail even with the real engine, because the central difference is off: "
            f"{why}."
        )))
    return causes


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
