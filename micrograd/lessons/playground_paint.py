"""The playground's three live views as compact scenes for the live canvas chart.

`boundary_scene`, `network_scene` and `curves_scene` build JSON-serialisable dicts that
`app_pages/live_chart.py` paints in place (no remount, no blank frame); together about
22 KiB of JSON at the default configuration after 1,000 steps (the plotly figures they replaced
were ~175 KB).

The decision boundary (`boundary_scene`):

- the score grid (`boundary_grid`, 100 x 100, `MLP.predict`) as a palette PNG coloured with
  ColorBrewer PuOr in Python (`PUOR`, over the loss's `SCORE_RANGE`);
- the decision boundary (score = 0) as polylines from marching squares (`micrograd.paint`),
  vertices rounded to `CONTOUR_DECIMALS`;
- the training points filled, the test points hollow rings over a white disc with a dark edge
  (visible on any region colour), purple circles for +1, orange squares for -1, coordinates
  rounded to 3 decimals;
- axes with equal scale (x1 and x2 in the same units), round ticks, and a colour bar.

The network diagram (`network_scene`): a column of nodes per layer, an edge per weight, its
width from |w| or |dL/dw| and its colour from the sign (hover spots at 2 decimals: the layers are 1 unit
apart). The curves (`curves_scene`): train and test loss (left axis) and accuracy (right axis) against the step.

The scene format (what the canvas script reads) is documented in `app_pages/live_chart.py`.
"""

import functools
import math

import numpy as np

from micrograd import paint
from micrograd.features import FEATURES
from micrograd.lessons.playground import (
    ACCURACY_RANGE,
    CLASS_SCALE,
    EDGE_VIEWS,
    INPUT_GREY,
    LOG_AXIS_GROWTH,
    LOSS_LABELS,
    ORANGE,
    OUTLINE_DARK,
    PUOR,
    PURPLE,
    PURPLE_LINE,
    SCORE_RANGE,
    ZERO_GREY,
    boundary_grid,
    dead_units,
)

__all__ = ["boundary_scene", "boundary_scores", "network_scene", "curves_scene", "N_COLOURS", "PALETTE",
           "CLASS_PALETTE", "DIVERGED_RED"]

#: the undone part of a diverged run, on the curves
DIVERGED_RED = "#d62728"  # reads on both themes (#c00000 was 2.8:1 on dark)

#: decimals of the decision boundary's vertices: 0.01 data units, under a pixel of the plot (about 5 units over
#: 460 px) and a fifth of a grid cell; every decimal more is ~300 bytes a frame
CONTOUR_DECIMALS = 2

#: colours in the boundary's palette (an odd number, so score 0 has its own colour: PuOr's white)
N_COLOURS = 129
#: PuOr sampled at N_COLOURS positions, orange (lowest score) first
PALETTE = paint.colour_ramp(PUOR, N_COLOURS)
#: the discretized boundary's two tints: class -1, class +1 (`CLASS_SCALE`)
CLASS_PALETTE = paint.colour_ramp(CLASS_SCALE, 2)


def boundary_scores(trainer, size=100):
    """The model's score on the boundary grid.

    Returns:
        (xs, ys, Z): grid coordinates (each (size,)) and the scores, (size, size) with
        Z[i, j] at (xs[j], ys[i]) (`Trainer.predict`: the input features, then the graph-free
        numpy forward); NaN becomes 0 and +-inf +-1e6.
    """
    X_all = np.vstack([trainer.X_train, trainer.X_test])
    xs, ys, G = boundary_grid(X_all, size)
    with np.errstate(all="ignore"):
        Z = trainer.predict(G).reshape(size, size)
    return xs, ys, np.nan_to_num(Z, nan=0.0, posinf=1e6, neginf=-1e6)


def _ticks(lo, hi):
    return [[v, f"{v:g}"] for v in paint.nice_ticks(lo, hi)]


def boundary_scene(trainer, discretize=False, show_test=True, size=100, max_height=460, font_scale=1.0):
    """The decision boundary of `trainer`'s model as a scene for `live_chart.scene_chart`.

    Args:
        trainer: a `micrograd.train.Trainer`.
        discretize: colour only the predicted class (`CLASS_SCALE`'s two tints), not the score.
        show_test: draw the test points.
        size: grid points per axis.
        max_height: the tallest the plot may be drawn, in CSS pixels.
        font_scale: text size (and the margins holding it) relative to the painter's 12 px.

    Returns:
        a dict of plain numbers, strings and lists (see `app_pages/live_chart.py` for the
        format). The heatmap's pixel k in a row is the grid's score at xs[k], coloured with
        colour index round((clip(score, -r, r) + r) / 2r * (N_COLOURS - 1)) of PuOr sampled
        at N_COLOURS positions (r = the loss's score range, 1.5 for hinge/MSE, 4 for BCE).
    """
    xs, ys, Z = boundary_scores(trainer, size)
    r = SCORE_RANGE.get(trainer.loss, 1.5)
    if discretize:
        png = paint.encode_png((Z[::-1] > 0).astype(np.uint8), CLASS_PALETTE)
    else:
        png = paint.encode_png(paint.level_indices(Z[::-1], -r, r, N_COLOURS), PALETTE)
    dx, dy = xs[1] - xs[0], ys[1] - ys[0]
    layers = [
        {"type": "image", "src": paint.png_data_url(png), "smooth": not discretize,
         "x": paint.rounded([xs[0] - dx / 2, xs[-1] + dx / 2], 4),
         "y": paint.rounded([ys[0] - dy / 2, ys[-1] + dy / 2], 4)},
        {"type": "lines", "paths": paint.contour_paths(xs, ys, Z, 0.0, decimals=CONTOUR_DECIMALS),
         "color": OUTLINE_DARK, "width": 2},
    ]
    sets = [("train", trainer.X_train, trainer.y_train, False)]
    if show_test and len(trainer.y_test):
        sets.append(("test", trainer.X_test, trainer.y_test, True))
    for name, Xs, labels, hollow in sets:
        for label, colour, shape in ((1, PURPLE, "circle"), (-1, ORANGE, "square")):
            pts = Xs[labels == label]
            if not len(pts):
                continue
            xy = paint.rounded(pts.ravel(), 3)
            if hollow:  # under the coloured ring, a white disc with a dark edge: one of them contrasts anywhere
                layers.append({"type": "points", "xy": xy, "shape": shape, "size": 13, "fill": "#ffffff",
                               "stroke": OUTLINE_DARK, "line": 1})
            layers.append({"type": "points", "xy": xy, "shape": shape, "size": 9 if hollow else 8,
                           "fill": None if hollow else colour, "stroke": colour if hollow else "#ffffff",
                           "line": 2 if hollow else 1, "tip": f"{name} point, label {label:+d}"})
    return {
        "title": f"Decision boundary at step {trainer.step_count}",
        "aspect": "equal",
        "max_height": max_height,
        "font_scale": font_scale,
        "x": {"range": paint.rounded([xs[0], xs[-1]], 4), "ticks": _ticks(xs[0], xs[-1]), "label": "x1"},
        "y": {"range": paint.rounded([ys[0], ys[-1]], 4), "ticks": _ticks(ys[0], ys[-1]), "label": "x2"},
        "layers": layers,
        "colorbar": dict(_colorbar(r, discretize)),
    }


@functools.lru_cache(maxsize=8)
def _colorbar(r, discretize):
    """The colour bar beside the boundary: a 1-pixel-wide PNG, high score at the top, and its ticks."""
    ramp = CLASS_PALETTE[[1, 1, 0, 0]] if discretize else PALETTE[::-1]
    ticks = ([[r / 2, "class +1"], [-r / 2, "class −1"]] if discretize
             else [[r, f"{r:g}"], [0.0, "0"], [-r, f"{-r:g}"]])
    return {"src": paint.png_data_url(paint.encode_png(ramp.reshape(-1, 1, 3))), "range": [-r, r],
            "ticks": ticks, "label": "class" if discretize else "score", "smooth": not discretize}


def _hex_alpha(colour, alpha):
    """'#rrggbb' with an opacity, as '#rrggbbaa' (canvas colours take it)."""
    return f"{colour}{round(alpha * 255):02x}"


def network_scene(trainer, view="weight", height=360, levels=6, max_edge_tips=400, font_scale=1.0):
    """The network diagram as a scene: a column of nodes per layer and an edge per weight.

    Edge width is proportional to |w| (view='weight') or to |dL/dw| from the last step
    (view='gradient'), scaled to the largest in the network and drawn in `levels` widths;
    colour is the sign (purple +, orange -); exact zeros are dotted grey. Hovering near the
    middle of an edge shows its weight and gradient (for networks of at most `max_edge_tips`
    weights, which keeps the frame small); hovering a node shows its bias (and, with ReLU,
    whether it is dead: output 0 on every training point, drawn grey). `height` is in CSS pixels,
    `font_scale` the text size relative to 12 px.

    Returns:
        a scene dict (`app_pages/live_chart.py`): one 'lines' layer per (sign, width level),
        named 'edges +' / 'edges -' / 'edges 0' with its 'level' (-1 for exact zeros), then a
        'points' layer 'edge tips' (when shown), then one 'points' layer per node colour
        ('nodes'), each with a tip per node. x ticks name the layers.

    Raises:
        ValueError: for a view not in `EDGE_VIEWS`.
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
    buckets = {}  # (sign, level) -> paths
    tip_xy, tips = [], []
    n_edges = sum(sizes[k] * sizes[k + 1] for k in range(len(sizes) - 1))
    for li, layer in enumerate(layers):
        nin, nout = sizes[li], sizes[li + 1]
        for j in range(nout):
            t = 0.2 + 0.6 * (j + 0.5) / nout  # where the hover spot sits along the edge: distinct per edge
            for i in range(nin):
                w, g = layer["weights"][j][i], layer["grad_weights"][j][i]
                v = w if view == "weight" else g
                frac = min(abs(v) / top, 1.0) if math.isfinite(v) else 1.0
                level = min(int(frac * levels), levels - 1) if v != 0 else -1  # -1: exactly zero
                y0, y1 = ypos(i, nin), ypos(j, nout)
                buckets.setdefault((v >= 0, level), []).append([li, y0, li + 1, y1])
                if n_edges <= max_edge_tips:
                    tip_xy += [li + t, y0 + t * (y1 - y0)]
                    tips.append(f"layer {li + 1}, w[{j + 1},{i + 1}] = {w:.3g}, ∂L/∂w = {g:.3g}")
    out = []
    for (positive, level), paths in sorted(buckets.items()):
        if level < 0:  # exactly 0 (no gradient reaches it: e.g. behind a dead ReLU): faint grey dots
            out.append({"type": "lines", "name": "edges 0", "level": -1, "paths": paths,
                        "color": _hex_alpha(ZERO_GREY, 0.5), "width": 1.0, "dash": [2, 3]})
        else:
            colour = PURPLE_LINE if positive else ORANGE
            out.append({"type": "lines", "name": "edges +" if positive else "edges -", "level": level,
                        "paths": paths, "color": _hex_alpha(colour, 0.35 + 0.6 * (level + 1) / levels),
                        "width": round(0.5 + 6.0 * (level + 0.5) / levels, 2)})
    if tips:
        out.append({"type": "points", "name": "edge tips", "xy": paint.rounded(tip_xy, 2), "size": 7,
                    "fill": None, "stroke": None, "tips": tips})
    dead = dead_units(trainer)
    input_names = [FEATURES[f].label for f in trainer.features] if trainer.features else [
        f"x{j + 1}" for j in range(sizes[0])]
    groups = {}  # fill colour -> (xy, tips)
    for li, n in enumerate(sizes):
        for j in range(n):
            if li == 0:
                colour, tip = INPUT_GREY, f"input {input_names[j]}"
            else:
                b, gb = layers[li - 1]["biases"][j], layers[li - 1]["grad_biases"][j]
                is_dead = li <= len(dead) and bool(dead[li - 1][j])
                colour = "#bbbbbb" if is_dead else (PURPLE_LINE if b >= 0 else ORANGE)
                kind = "output (score)" if li == len(sizes) - 1 else f"hidden layer {li}, unit {j + 1}"
                tip = f"{kind}: bias = {b:.4g}, ∂L/∂b = {gb:.4g}" + (", dead ReLU" if is_dead else "")
            xy, group_tips = groups.setdefault(colour, ([], []))
            xy += [li, ypos(j, n)]
            group_tips.append(tip)
    for colour, (xy, group_tips) in groups.items():
        out.append({"type": "points", "name": "nodes", "xy": paint.rounded(xy, 3), "shape": "circle",
                    "size": 16 if tall <= 8 else 11, "fill": colour, "stroke": OUTLINE_DARK, "line": 1,
                    "tips": group_tips})
    names = ["inputs"] + [f"hidden {k}" for k in range(1, len(sizes) - 1)] + ["output"]
    what = "|w|" if view == "weight" else "|∂L/∂w| (last step)"
    return {
        "title": f"Network at step {trainer.step_count}: edge width ∝ {what}, purple +, orange −",
        "height": height,
        "font_scale": font_scale,
        "x": {"range": [-0.35, len(sizes) - 1 + 0.35], "ticks": [[k, name] for k, name in enumerate(names)]},
        "y": {"range": [-tall / 2.0, tall / 2.0]},
        "layers": out,
    }


def _spaced(n, most):
    """At most `most` indices into a list of n, evenly spaced, always with the first and the last."""
    if n <= most:
        return list(range(n))
    return sorted(set(np.linspace(0, n - 1, most).round().astype(int).tolist()))


def _paths(xs, ys):
    """Polylines through (xs, ys), broken where y is None."""
    paths, cur = [], []
    for x, y in zip(xs, ys, strict=True):
        if y is None:
            if cur:
                paths.append(cur)
            cur = []
        else:
            cur += [x, y]
    if cur:
        paths.append(cur)
    return paths


def curves_scene(history, loss_name="hinge", current=None, diverged=None, height=320, max_points=120,
                 font_scale=1.0, aspect=None, max_height=460):
    """Train and test loss (left axis) and accuracy (right axis, 0-100%) against the step, one scene.

    Args:
        history: a `Trainer.history` dict (lists for step, train_loss, ...).
        loss_name: the loss, for the title.
        current: `Trainer.current` (the values at the step shown everywhere else); drawn as the
            last point when the history's stride skipped that step, and the title names its step.
        diverged: `Trainer.diverged_history` (the points the divergence guard undid), drawn as
            a dotted 'diverged run (undone)' train-loss line.
        max_points: each line is drawn through at most this many evenly spaced points of the
            history (always its first and last), which bounds the frame's size: 120 is a point every
            4-5 px of the plot, about 5.5 KiB for the four lines (200 were 8.6 KiB).
        height, font_scale: the chart's height in CSS pixels; text size relative to 12 px.
        aspect, max_height: when `aspect` is given, the plot is `aspect` times as tall as it is
            wide, at most `max_height` CSS pixels, instead of `height`.

    The loss axis is logarithmic (the scene's y is log10 of the loss, ticks labelled 1e-k)
    when the loss grew more than `LOG_AXIS_GROWTH` times its first value (a diverging run
    reaches 1e305: a linear axis would show it as a wall and everything else as flat);
    otherwise linear from 0 to above the largest point (nothing clipped). Accuracy is mapped
    onto the same plot so that `ACCURACY_RANGE` fills its height: 0% and 100% lie inside.

    Returns:
        a scene dict: 'lines' layers named 'train loss', 'test loss', 'diverged run (undone)',
        'train accuracy', 'test accuracy' (test lines are absent when the test set is empty,
        the undone one when `diverged` has no points), 'log' (bool) and a legend; each line's
        points are in data units of the plot (log10 of the loss on a log axis).
    """
    if current is not None and (not history["step"] or history["step"][-1] < current["step"]):
        history = {k: list(v) + [current[k]] for k, v in history.items()}
    steps = history["step"]
    has_test = any(not math.isnan(v) for v in history["test_loss"])
    bad = list(diverged["train_loss"]) if diverged else []
    finite = [v for v in list(history["train_loss"]) + bad if math.isfinite(v)]
    log = bool(finite) and finite[0] > 0 and max(finite) > LOG_AXIS_GROWTH * finite[0]
    drawn = finite + [v for v in history["test_loss"] if math.isfinite(v)]  # the axis holds every loss drawn
    losses = [v for v in drawn if v > 0] if log else drawn
    if log:
        lo, hi = math.floor(math.log10(min(losses))), math.ceil(math.log10(max(losses)))
        hi = max(hi, lo + 1)
    else:
        lo, hi = 0.0, (max(losses) * 1.05 if losses and max(losses) > 0 else 1.0)

    def loss_y(v):  # a gap where the loss cannot be drawn (inf, or <= 0 on a log axis)
        if not math.isfinite(v) or (log and v <= 0):
            return None
        return math.log10(v) if log else v

    a0, a1 = ACCURACY_RANGE

    def acc_y(v):
        return lo + (v - a0) / (a1 - a0) * (hi - lo) if math.isfinite(v) else None

    def line(name, step_list, values, to_y, colour, dash=None):
        idx = _spaced(len(step_list), max_points)
        ys = [to_y(values[i]) for i in idx]
        xs = [int(step_list[i]) for i in idx]
        paths = _paths(xs, [None if y is None else round(y, 4) for y in ys])
        return {"type": "lines", "name": name, "paths": paths, "color": colour, "width": 2, "dash": dash}

    dashed, dotted = [6, 4], [2, 3]
    layers = [line("train loss", steps, history["train_loss"], loss_y, PURPLE_LINE)]
    if has_test:
        layers.append(line("test loss", steps, history["test_loss"], loss_y, PURPLE_LINE, dashed))
    if bad:
        layers.append(line("diverged run (undone)", diverged["step"], bad, loss_y, DIVERGED_RED, dotted))
    layers.append(line("train accuracy", steps, history["train_acc"], acc_y, ORANGE))
    if has_test:
        layers.append(line("test accuracy", steps, history["test_acc"], acc_y, ORANGE, dashed))
    legend = [[lay["name"], lay["color"], lay["dash"]] for lay in layers]
    last = max([steps[-1] if steps else 0] + (list(diverged["step"][-1:]) if bad else []))
    x_hi = max(last, 10)  # whole steps on the axis from the start
    if log:
        every = max(1, math.ceil((hi - lo) / 6))
        y_ticks = [[k, f"1e{k}"] for k in range(int(lo), int(hi) + 1, every)]
    else:
        y_ticks = [[v, f"{v:g}"] for v in paint.nice_ticks(lo, hi, 5)]
    at = f" at step {steps[-1]}" if steps else ""
    return {
        "title": f"{LOSS_LABELS.get(loss_name, loss_name)} loss and accuracy{at}",
        "height": height,
        **({"aspect": aspect, "max_height": max_height} if aspect else {}),
        "font_scale": font_scale,
        "log": log,
        "x": {"range": [0, x_hi], "ticks": [[v, f"{v:g}"] for v in paint.nice_ticks(0, x_hi, 6)], "label": "step"},
        "y": {"range": paint.rounded([lo, hi], 6), "ticks": y_ticks, "label": "loss (log scale)" if log else "loss"},
        "y2": {"ticks": [[round(acc_y(p), 6), f"{p:.0%}"] for p in (0, 0.25, 0.5, 0.75, 1.0)], "label": "accuracy"},
        "layers": layers,
        "legend": legend,
    }
