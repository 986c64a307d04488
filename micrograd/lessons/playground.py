"""Lesson logic of the "Train an MLP" playground: configuration, presets, URL, figures, export.

Everything the page shows is built here, without streamlit:

- `PlaygroundConfig`, its ranges (`RANGES`) and the choices for each control;
- `PRESETS`, classroom scenarios that set everything at once;
- `encode_query` / `decode_query`: the whole configuration as URL query parameters, with
  validation (unknown or out-of-range values fall back to the default, with a notice);
- `build_trainer`, `apply_hyperparameters`, `needs_reset`: from a configuration to a
  `micrograd.train.Trainer`, and which changes reset the model;
- plotly figures: `boundary_figure` (decision boundary), `curves_figure` (loss and
  accuracy), `network_figure` (the network diagram, weights or gradients);
- `cost_meter`, `history_csv`, `weights_json`.

Colours: the classes and signs use ColorBrewer's PuOr diverging scheme (purple = +1 /
positive, orange = -1 / negative), which stays distinguishable with the common forms of
colour blindness; classes also differ by marker symbol.
"""

import csv
import dataclasses
import io
import json
import math
from dataclasses import dataclass, field

import numpy as np

from micrograd.data import DATASETS, make_dataset
from micrograd.nn import ACTIVATIONS
from micrograd.train import ENGINES, HISTORY_FIELDS, Trainer

__all__ = [
    "PlaygroundConfig", "RANGES", "LR_OPTIONS", "L2_OPTIONS", "LOSS_LABELS", "EDGE_VIEWS", "PRESETS",
    "MAX_LAYERS", "MAX_WIDTH", "encode_query", "decode_query", "build_trainer", "apply_hyperparameters",
    "needs_reset", "reset_reason", "is_valid", "preset_config", "divergence_message", "batch_options",
    "boundary_grid", "boundary_figure", "curves_figure", "network_figure", "cost_meter", "history_csv",
    "weights_json", "dead_units",
]

PURPLE = "#5e3c99"  # PuOr, class +1 / positive
ORANGE = "#e66101"  # PuOr, class -1 / negative
ZERO_GREY = "#aaaaaa"  # edges whose weight or gradient is exactly 0
#: ColorBrewer PuOr (7 classes), orange (low) -> white -> purple (high)
PUOR = [[0.0, "#b35806"], [0.17, "#f1a340"], [0.33, "#fee0b6"], [0.5, "#f7f7f7"],
        [0.67, "#d8daeb"], [0.83, "#998ec3"], [1.0, "#542788"]]

#: learning rates offered (log scale, 0.001 to 3)
LR_OPTIONS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
#: L2 rates offered (0 to 0.1)
L2_OPTIONS = (0.0, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1)
#: loss names and how the page labels them
LOSS_LABELS = {"hinge": "hinge (max-margin)", "mse": "mean squared error", "bce": "binary cross-entropy"}
#: what edge width shows in the network diagram
EDGE_VIEWS = {"weight": "|w| (weights)", "gradient": "|∂L/∂w| (gradients)"}
MAX_LAYERS = 4
MAX_WIDTH = 16

#: colour range of the boundary's scores per loss: +-1 is the hinge/MSE target, logits spread wider
_SCORE_RANGE = {"hinge": 1.5, "mse": 1.5, "bce": 4.0}


@dataclass
class PlaygroundConfig:
    """Everything the playground's controls set; the defaults are the page's start.

    Fields (ranges in `RANGES`): dataset, n_points (points in all), noise (data units),
    test_fraction (share held out), seed (data, split and initial weights), hidden (widths
    of 0-4 hidden layers, each 1-16), activation, lr (learning rate), l2 (L2 rate),
    batch_size (0 = all), loss, momentum, engine, steps_per_frame (steps per animation
    frame), discretize (two-colour boundary), show_test (draw test points), edge_view
    ('weight' or 'gradient').

    The default (moons 100, 8-8 tanh, hinge, lr 0.3, full batch) reaches >= 97% training
    accuracy in about 120 steps.
    """

    dataset: str = "moons"
    n_points: int = 100
    noise: float = 0.1
    test_fraction: float = 0.2
    seed: int = 0
    hidden: tuple = field(default=(8, 8))
    activation: str = "tanh"
    lr: float = 0.3
    l2: float = 0.0
    batch_size: int = 0
    loss: str = "hinge"
    momentum: float = 0.0
    engine: str = "scalar"
    steps_per_frame: int = 5
    discretize: bool = False
    show_test: bool = True
    edge_view: str = "weight"

    def data_key(self):
        """The fields that define the data and the split: changing one resets the model."""
        return (self.dataset, self.n_points, self.noise, self.test_fraction, self.seed)

    def architecture_key(self):
        """The fields that define the network: changing one resets the model."""
        return (tuple(self.hidden), self.activation)

    def replace(self, **changes):
        """A copy with some fields changed (`dataclasses.replace`)."""
        return dataclasses.replace(self, **changes)


#: per field: ("choice", options) | ("int", lo, hi) | ("float", lo, hi) | ("bool",) | ("layers",)
RANGES = {
    "dataset": ("choice", DATASETS),
    "n_points": ("int", 20, 300),
    "noise": ("float", 0.0, 0.5),
    "test_fraction": ("float", 0.0, 0.5),
    "seed": ("int", 0, 9999),
    "hidden": ("layers", MAX_LAYERS, MAX_WIDTH),
    "activation": ("choice", tuple(ACTIVATIONS)),
    "lr": ("choice", LR_OPTIONS),
    "l2": ("choice", L2_OPTIONS),
    "batch_size": ("int", 0, 300),
    "loss": ("choice", tuple(LOSS_LABELS)),
    "momentum": ("float", 0.0, 0.99),
    "engine": ("choice", ENGINES),
    "steps_per_frame": ("int", 1, 20),
    "discretize": ("bool",),
    "show_test": ("bool",),
    "edge_view": ("choice", tuple(EDGE_VIEWS)),
}

#: URL parameter name for each field (short, readable links)
QUERY_NAMES = {
    "dataset": "data", "n_points": "n", "noise": "noise", "test_fraction": "test", "seed": "seed",
    "hidden": "layers", "activation": "act", "lr": "lr", "l2": "l2", "batch_size": "batch", "loss": "loss",
    "momentum": "mom", "engine": "engine", "steps_per_frame": "spf", "discretize": "discrete",
    "show_test": "showtest", "edge_view": "edges",
}
_FIELD_OF = {v: k for k, v in QUERY_NAMES.items()}

#: classroom scenarios: title -> (what it shows, the fields it sets; the rest are defaults)
PRESETS = {
    "learning rate too high": (
        "MSE with learning rate 3: every step overshoots, the loss grows geometrically until it overflows; the guard "
        "pauses training and keeps the last good weights. Lower the learning rate and press Play.",
        {"loss": "mse", "lr": 3.0},
    ),
    "XOR needs a hidden layer": (
        "With no hidden layer the model is linear: no straight line separates XOR, accuracy stalls "
        "around 70% (a line gets at most 3 of the 4 clusters right). Add one hidden layer of 4 tanh "
        "units and it solves it.",
        {"dataset": "xor", "hidden": (), "lr": 0.3},
    ),
    "dead ReLUs": (
        "ReLU with a large learning rate and momentum: big early updates push units to output 0 "
        "on every point; a dead unit gets zero gradient and never recovers. Switch the diagram "
        "to gradients to see them (greyed).",
        {"activation": "relu", "hidden": (8, 8, 8), "lr": 1.0, "momentum": 0.9},
    ),
    "spiral needs depth": (
        "Two interleaved spirals: one hidden layer of 4 stalls below 90% training accuracy; three "
        "layers of 12 tanh units with momentum reach 95% in about 60 steps. Try 1 layer, then add more.",
        {"dataset": "spiral", "n_points": 100, "noise": 0.0, "hidden": (12, 12, 12), "lr": 0.1,
         "momentum": 0.9, "steps_per_frame": 2},
    ),
    "the original micrograd demo": (
        "Karpathy's demo.ipynb: moons, MLP 2-16-16-1 with ReLU, hinge loss + 1e-4 L2, full batch.",
        {"hidden": (16, 16), "activation": "relu", "loss": "hinge", "l2": 0.0001, "lr": 1.0,
         "test_fraction": 0.0, "steps_per_frame": 2},
    ),
}


def preset_config(name):
    """The configuration of preset `name` (defaults + its fields). Raises KeyError if unknown."""
    return PlaygroundConfig(**PRESETS[name][1])


# --- URL query parameters ---

def _fmt(value):
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple):
        return "-".join(str(w) for w in value) if value else "none"
    return str(value)


def encode_query(cfg):
    """The configuration as URL query parameters: dict of short name -> string.

    Every field is written, so a shared link means the same scenario even if the defaults
    change later. Hidden layers are written as widths joined by '-' ('8-8'), 'none' for none;
    booleans as '1'/'0'.
    """
    return {QUERY_NAMES[f.name]: _fmt(getattr(cfg, f.name)) for f in dataclasses.fields(cfg)}


def _parse(name, text):
    """Parse one field's text; returns the value or raises ValueError with the reason."""
    spec = RANGES[name]
    kind = spec[0]
    text = text.strip()
    if kind == "choice":
        options = spec[1]
        if isinstance(options[0], float):  # lr, l2: numbers from a fixed list
            x = float(text)
            for o in options:
                if math.isclose(x, o, rel_tol=1e-9, abs_tol=1e-12):
                    return o
            raise ValueError(f"must be one of {', '.join(f'{o:g}' for o in options)}")
        if text not in options:
            raise ValueError(f"must be one of {', '.join(options)}")
        return text
    if kind == "int":
        if name == "batch_size" and text.lower() in ("all", "full"):
            return 0
        x = float(text)
        if not x.is_integer():
            raise ValueError("must be a whole number")
        if not spec[1] <= x <= spec[2]:
            raise ValueError(f"must be between {spec[1]} and {spec[2]}")
        return int(x)
    if kind == "float":
        x = float(text)
        if not spec[1] <= x <= spec[2]:  # also rejects nan
            raise ValueError(f"must be between {spec[1]:g} and {spec[2]:g}")
        return x
    if kind == "bool":
        if text.lower() in ("1", "true", "yes", "on"):
            return True
        if text.lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError("must be 1 or 0")
    # layers
    if text.lower() in ("", "none", "0"):
        return ()
    widths = tuple(int(w) for w in text.replace(",", "-").split("-"))
    if len(widths) > spec[1]:
        raise ValueError(f"at most {spec[1]} hidden layers")
    if any(not 1 <= w <= spec[2] for w in widths):
        raise ValueError(f"each layer needs 1 to {spec[2]} neurons")
    return widths


def is_valid(name, value):
    """True if `value` is an allowed value of configuration field `name` (see `RANGES`).

    Two extra names cover the per-layer controls: 'n_layers' (0 to MAX_LAYERS hidden layers)
    and 'width' (1 to MAX_WIDTH neurons). Unknown names are never valid.
    """
    if name == "n_layers":
        return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_LAYERS
    if name == "width":
        return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_WIDTH
    spec = RANGES.get(name)
    if spec is None:
        return False
    kind = spec[0]
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "layers":
        return (isinstance(value, tuple) and len(value) <= MAX_LAYERS
                and all(is_valid("width", w) for w in value))
    if isinstance(value, bool):
        return False
    if kind == "choice":
        return value in spec[1]
    if kind == "int":
        return isinstance(value, int) and spec[1] <= value <= spec[2]
    return isinstance(value, (int, float)) and spec[1] <= value <= spec[2]


def decode_query(params):
    """Read a configuration from URL query parameters, validating every value.

    Args:
        params: a mapping of name -> str (or list of str: the last one counts), such as
            ``st.query_params.to_dict()``; names as `encode_query` writes them.

    Returns:
        (cfg, notices): the `PlaygroundConfig` (defaults for anything missing or invalid)
        and a list of human-readable notices, one per unknown or rejected parameter.
    """
    values, notices = {}, []
    for key, raw in params.items():
        text = raw[-1] if isinstance(raw, (list, tuple)) else raw
        name = _FIELD_OF.get(key)
        if name is None:
            notices.append(f"Unknown URL parameter '{key}' was ignored.")
            continue
        try:
            values[name] = _parse(name, str(text))
        except ValueError as exc:
            reason = str(exc) if not str(exc).startswith(("could not", "invalid literal")) else "not a number"
            default = _fmt(getattr(PlaygroundConfig(), name))
            notices.append(f"URL parameter {key}={text!r} {reason}; using the default {default}.")
    cfg = PlaygroundConfig(**values)
    if cfg.batch_size not in batch_options(cfg.n_points):
        notices.append(f"URL parameter batch={cfg.batch_size} is not a batch size offered for {cfg.n_points} "
                       f"points ({', '.join(str(b) for b in batch_options(cfg.n_points)[:-1])} or all); "
                       "using all.")
        cfg = cfg.replace(batch_size=0)
    return cfg, notices


# --- trainer ---

def build_trainer(cfg):
    """A fresh `Trainer` for the configuration: makes the data, splits it, initializes the model.

    Raises:
        ValueError: from `Trainer` (e.g. the tensor engine is not available).
    """
    X, y = make_dataset(cfg.dataset, cfg.n_points, cfg.noise, cfg.seed)
    return Trainer(X, y, test_fraction=cfg.test_fraction, hidden=tuple(cfg.hidden), activation=cfg.activation,
                   lr=cfg.lr, l2=cfg.l2, momentum=cfg.momentum, batch_size=cfg.batch_size, loss=cfg.loss,
                   seed=cfg.seed, engine=cfg.engine)


def apply_hyperparameters(trainer, cfg):
    """Copy learning rate, L2, momentum, batch size, loss and engine to a running trainer.

    They apply from the next step; the weights are kept.
    """
    trainer.lr, trainer.l2, trainer.momentum = cfg.lr, cfg.l2, cfg.momentum
    trainer.batch_size, trainer.engine = cfg.batch_size, cfg.engine
    if trainer.loss != cfg.loss:
        trainer.loss = cfg.loss
        trainer.current = trainer.evaluate()  # the curves' current values in the new loss


def needs_reset(old, new):
    """True if going from config `old` to `new` changes the data or the architecture."""
    return old is None or old.data_key() != new.data_key() or old.architecture_key() != new.architecture_key()


def reset_reason(old, new):
    """A sentence saying why the model was reset ('' if it was not)."""
    if old is None:
        return ""
    if old.data_key() != new.data_key():
        return "The data changed, so the model was reset to fresh weights."
    if old.architecture_key() != new.architecture_key():
        return "The network changed, so the model was reset to fresh weights."
    return ""


def divergence_message(trainer):
    """'loss diverged at step N: lower the learning rate' (+ which weights were kept), or ''."""
    if trainer.diverged_at is None:
        return ""
    msg = f"loss diverged at step {trainer.diverged_at}: lower the learning rate"
    if trainer.restored_step is not None and trainer.restored_step != trainer.step_count:
        msg += f" (weights restored to those of step {trainer.restored_step}, the lowest loss so far)"
    return msg


def batch_options(n_train):
    """Batch sizes to offer for a training set of `n_train`: powers of two below it, then 0 (all)."""
    opts = [b for b in (1, 2, 4, 8, 16, 32, 64, 128, 256) if b < n_train]
    return opts + [0]


# --- figures ---

def boundary_grid(X, size=100, pad=0.5):
    """A size x size grid over the data's range plus `pad` on each side.

    Returns:
        (xs, ys, G): the grid's x and y coordinates (each (size,)) and its points as a
        (size * size, 2) array, row by row (y outer, x inner), ready for `MLP.predict`.
    """
    X = np.asarray(X, dtype=np.float64)
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    xs, ys = np.linspace(lo[0], hi[0], size), np.linspace(lo[1], hi[1], size)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([gx.ravel(), gy.ravel()])


def boundary_figure(trainer, discretize=False, show_test=True, size=100, height=460):
    """The decision boundary: the model's score on a 100 x 100 grid, with the points on top.

    The score comes from the graph-free numpy forward (`MLP.predict`). Graded colours use
    the PuOr diverging scale centred on 0 (the decision boundary, also drawn as a line);
    `discretize` shows only the predicted class. Training points are filled circles (+1)
    and squares (-1); test points are the same shapes, hollow.

    Returns:
        the figure as a plotly dict {"data": [...], "layout": {...}}, what `st.plotly_chart`
        takes (plotly validates it there, once; building it as dicts avoids a second pass).
    """
    X_all = np.vstack([trainer.X_train, trainer.X_test])
    xs, ys, G = boundary_grid(X_all, size)
    with np.errstate(all="ignore"):
        Z = trainer.model.predict(G).reshape(size, size)
    Z = np.nan_to_num(Z, nan=0.0, posinf=1e6, neginf=-1e6)
    r = _SCORE_RANGE.get(trainer.loss, 1.5)
    shown = np.where(Z > 0, r, -r) if discretize else np.clip(Z, -r, r)
    data = []
    data.append(dict(type="heatmap",
        x=xs, y=ys, z=shown.astype(np.float32), zmin=-r, zmax=r, colorscale=PUOR,
        zsmooth=False if discretize else "best",
        colorbar={"title": {"text": "class" if discretize else "score"}, "thickness": 12},
        hovertemplate="x1=%{x:.2f}<br>x2=%{y:.2f}<br>score=%{z:.2f}<extra></extra>", name="score",
    ))
    if np.nanmin(Z) < 0 < np.nanmax(Z):
        data.append(dict(type="contour",
            x=xs, y=ys, z=np.clip(Z, -10, 10).astype(np.float32), contours={"start": 0, "end": 0, "size": 1,
                                                                    "coloring": "none"},
            line={"color": "#222222", "width": 2}, showscale=False, hoverinfo="skip", name="boundary",
        ))
    sets = [("train", trainer.X_train, trainer.y_train, False)]
    if show_test and len(trainer.y_test):
        sets.append(("test", trainer.X_test, trainer.y_test, True))
    for name, Xs, ys_, hollow in sets:
        for label, colour, symbol in ((1, PURPLE, "circle"), (-1, ORANGE, "square")):
            m = ys_ == label
            data.append(dict(type="scatter",
                x=Xs[m, 0], y=Xs[m, 1], mode="markers", name=f"{name} {label:+d}",
                marker={"color": colour,
                        "symbol": symbol + ("-open" if hollow else ""), "size": 9 if hollow else 8,
                        "line": {"color": colour if hollow else "white", "width": 2 if hollow else 1}},
                hovertemplate=(f"{name} point, label {label:+d}<br>"
                               "x1=%{x:.2f}, x2=%{y:.2f}<extra></extra>"),
            ))
    layout = dict(
        height=height, margin={"l": 10, "r": 10, "t": 30, "b": 10},
        title={"text": f"Decision boundary at step {trainer.step_count}" + (
            f" (weights of step {trainer.restored_step})" if trainer.restored_step is not None else ""),
            "font": {"size": 14}},
        xaxis={"title": "x1", "range": [xs[0], xs[-1]]},
        yaxis={"title": "x2", "range": [ys[0], ys[-1]]},
        showlegend=False, uirevision="boundary",
    )
    return {"data": data, "layout": layout}


def curves_figure(history, loss_name="hinge", height=320):
    """Train and test loss (left axis) and accuracy (right axis, 0-1) against the step, one chart.

    Args:
        history: a `Trainer.history` dict (lists for step, train_loss, ...).

    Returns:
        a plotly figure dict (as `boundary_figure`) with 4 traces: train loss, test loss,
        train accuracy, test accuracy (test traces are absent when the test set is empty).
    """
    steps = history["step"]
    data = []
    has_test = any(not math.isnan(v) for v in history["test_loss"])
    finite = [v for v in history["train_loss"] if math.isfinite(v)]
    # a diverging run's losses reach 1e300: show up to 10x the first loss, so the rest stays readable
    top = min(max(finite), 10 * finite[0]) * 1.05 if finite and finite[0] > 0 else None

    def clean(vals):  # plotly cannot draw inf: show a gap
        return [v if math.isfinite(v) else None for v in vals]

    data.append(dict(type="scatter", x=steps, y=clean(history["train_loss"]), name="train loss",
                             line={"color": PURPLE, "width": 2}))
    if has_test:
        data.append(dict(type="scatter", x=steps, y=clean(history["test_loss"]), name="test loss",
                                 line={"color": PURPLE, "width": 2, "dash": "dash"}))
    data.append(dict(type="scatter", x=steps, y=clean(history["train_acc"]), name="train accuracy",
                     yaxis="y2", line={"color": ORANGE, "width": 2}))
    if has_test:
        data.append(dict(type="scatter", x=steps, y=clean(history["test_acc"]), name="test accuracy",
                         yaxis="y2", line={"color": ORANGE, "width": 2, "dash": "dash"}))
    layout = dict(
        height=height, margin={"l": 10, "r": 10, "t": 30, "b": 10},
        title={"text": f"{LOSS_LABELS.get(loss_name, loss_name)} loss and accuracy", "font": {"size": 14}},
        xaxis={"title": "step"},
        yaxis={"title": "loss", "rangemode": "tozero", **({"range": [0, top]} if top else {})},
        yaxis2={"title": "accuracy", "overlaying": "y", "side": "right", "range": [0, 1.02],
                "tickformat": ".0%", "tickvals": [0, 0.25, 0.5, 0.75, 1], "showgrid": False},
        legend={"orientation": "h", "y": -0.25}, hovermode="x unified",
    )
    return {"data": data, "layout": layout}


def dead_units(trainer):
    """For a ReLU network, which hidden units output 0 on every training point.

    Returns:
        list over hidden layers of boolean numpy arrays (True = dead); all False for other
        activations (their units always pass some signal).
    """
    A = trainer.X_train
    out = []
    for layer in trainer.model.layers[:-1]:
        W = np.array([[w.data for w in n.w] for n in layer.neurons])
        b = np.array([n.b.data for n in layer.neurons])
        with np.errstate(all="ignore"):
            Zl = A @ W.T + b
        if trainer.activation == "relu":
            out.append(np.all(Zl <= 0, axis=0))
            A = np.maximum(Zl, 0.0)
        else:
            out.append(np.zeros(len(layer.neurons), dtype=bool))
            A = {"tanh": np.tanh, "sigmoid": lambda z: 0.5 * (1 + np.tanh(z / 2))}.get(
                trainer.activation, lambda z: z)(Zl)
    return out


def network_figure(trainer, view="weight", height=360, levels=6):
    """The network diagram: a column of nodes per layer and an edge per weight.

    Edge width is proportional to |w| (view='weight') or to |dL/dw| from the last step
    (view='gradient'), scaled to the largest in the network and drawn in `levels` widths;
    colour is the sign (purple +, orange -); exact zeros are dotted grey. Hovering the dot
    on an edge shows its weight and gradient; hovering a node shows its bias (and, with
    ReLU, whether it is dead: output 0 on every training point, drawn grey).

    Returns:
        a plotly figure dict (as `boundary_figure`; edges grouped into at most 2 * levels line
        traces, so it stays fast for the largest network, 4 x 16).
    """
    if view not in EDGE_VIEWS:
        raise ValueError(f"unknown view {view!r}: choose one of {', '.join(EDGE_VIEWS)}")
    layers = trainer.weights()
    sizes = [trainer.model.nin] + [len(layer["biases"]) for layer in layers]
    tall = max(sizes)

    def ypos(i, n):
        return (n - 1) / 2.0 - i if n > 1 else 0.0

    key = "weights" if view == "weight" else "grad_weights"
    mags = [abs(v) for layer in layers for row in layer[key] for v in row]
    top = max(mags) if mags and max(mags) > 0 and math.isfinite(max(mags)) else 1.0
    buckets = {}  # (sign, level) -> (xs, ys)
    hx, hy, htext = [], [], []
    for li, layer in enumerate(layers):
        nin, nout = sizes[li], sizes[li + 1]
        for j in range(nout):
            t = 0.2 + 0.6 * (j + 0.5) / nout  # where the hover dot sits along the edge: distinct per edge
            for i in range(nin):
                w, g = layer["weights"][j][i], layer["grad_weights"][j][i]
                v = w if view == "weight" else g
                frac = min(abs(v) / top, 1.0) if math.isfinite(v) else 1.0
                level = min(int(frac * levels), levels - 1) if v != 0 else -1  # -1: exactly zero
                xs, ys = buckets.setdefault((v >= 0, level), ([], []))
                y0, y1 = ypos(i, nin), ypos(j, nout)
                xs += [li, li + 1, None]
                ys += [y0, y1, None]
                hx.append(li + t)
                hy.append(y0 + t * (y1 - y0))
                htext.append(f"layer {li + 1}, w[{j + 1},{i + 1}] = {w:.4g}<br>∂L/∂w = {g:.4g}")
    data = []
    for (positive, level), (xs, ys) in sorted(buckets.items()):
        if level < 0:  # exactly 0 (no gradient reaches it: e.g. behind a dead ReLU): faint grey dots
            line, opacity = {"color": ZERO_GREY, "width": 1.0, "dash": "dot"}, 0.5
        else:
            line = {"color": PURPLE if positive else ORANGE, "width": 0.5 + 6.0 * (level + 0.5) / levels}
            opacity = 0.35 + 0.6 * (level + 1) / levels
        data.append(dict(type="scatter", x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
                         line=line, opacity=opacity))
    data.append(dict(type="scatter", x=hx, y=hy, mode="markers",
                     marker={"size": 7, "color": "rgba(0,0,0,0.01)"},
                     hovertext=htext, hoverinfo="text", showlegend=False, name="edges"))
    dead = dead_units(trainer)
    nx, ny, ncol, ntext = [], [], [], []
    for li, n in enumerate(sizes):
        for j in range(n):
            nx.append(li)
            ny.append(ypos(j, n))
            if li == 0:
                ncol.append("#555555")
                ntext.append(f"input x{j + 1}")
                continue
            b, gb = layers[li - 1]["biases"][j], layers[li - 1]["grad_biases"][j]
            is_dead = li <= len(dead) and bool(dead[li - 1][j])
            ncol.append("#bbbbbb" if is_dead else (PURPLE if b >= 0 else ORANGE))
            kind = "output (score)" if li == len(sizes) - 1 else f"hidden layer {li}, unit {j + 1}"
            dead_note = "<br><b>dead ReLU</b>" if is_dead else ""
            ntext.append(f"{kind}<br>bias = {b:.4g}, ∂L/∂b = {gb:.4g}{dead_note}")
    data.append(dict(type="scatter", x=nx, y=ny, mode="markers", hovertext=ntext, hoverinfo="text",
                     showlegend=False, name="nodes",
                     marker={"size": 16 if tall <= 8 else 11, "color": ncol,
                             "line": {"color": "#222222", "width": 1}}))
    names = ["inputs"] + [f"hidden {k}" for k in range(1, len(sizes) - 1)] + ["output"]
    what = "|w|" if view == "weight" else "|∂L/∂w| (last step)"
    layout = dict(
        height=height, margin={"l": 10, "r": 10, "t": 30, "b": 10}, plot_bgcolor="white",
        title={"text": f"Network: edge width ∝ {what}, purple +, orange −", "font": {"size": 14}},
        xaxis={"tickvals": list(range(len(sizes))), "ticktext": names, "showgrid": False, "zeroline": False},
        yaxis={"visible": False, "range": [-tall / 2.0, tall / 2.0]}, hovermode="closest",
    )
    return {"data": data, "layout": layout}


# --- meter and export ---

def cost_meter(trainer):
    """The cost meter's figures: parameters, Value nodes per step, ms per step, steps per second.

    Returns:
        dict with 'parameters' (int), 'nodes_per_step' (int, 0 before the first step),
        'ms_per_step' (float, moving average), 'steps_per_second' (float).
    """
    return {"parameters": trainer.n_params, "nodes_per_step": trainer.nodes_per_step,
            "ms_per_step": trainer.ms_per_step, "steps_per_second": trainer.steps_per_second}


def history_csv(trainer):
    """The loss/accuracy history as CSV text: a header `step,epoch,train_loss,...` then one row per point."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HISTORY_FIELDS)
    h = trainer.history
    for row in zip(*(h[k] for k in HISTORY_FIELDS), strict=False):
        w.writerow([repr(v) if isinstance(v, float) else v for v in row])
    return buf.getvalue()


def weights_json(trainer, cfg=None):
    """The current weights as JSON text.

    Keys: 'architecture' (layer widths, inputs first), 'activation', 'step', 'weights_from_step'
    (differs from 'step' after the divergence guard restored earlier weights), 'layers'
    (per layer: 'weights' nout x nin, 'biases'), 'parameters' (flat, in `MLP.parameters()`
    order, loadable with `set_parameter_values`), and 'config' (the playground settings)
    when `cfg` is given.
    """
    layers = [{"weights": L["weights"], "biases": L["biases"]} for L in trainer.weights()]
    doc = {
        "architecture": [trainer.model.nin] + [len(L["biases"]) for L in layers],
        "activation": trainer.activation,
        "step": trainer.step_count,
        "weights_from_step": trainer.step_count if trainer.restored_step is None else trainer.restored_step,
        "layers": layers,
        "parameters": trainer.model.parameter_values(),
    }
    if cfg is not None:
        doc["config"] = {k: (list(v) if isinstance(v, tuple) else v)
                         for k, v in dataclasses.asdict(cfg).items()}
    return json.dumps(doc, indent=1)
