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
- axes with equal scale (x1 and x2 in the same units), round ticks, and a colour bar;
- per task: a regression's prediction in PuOr over the targets' range (`target_range`), its points
  coloured by their targets (dark edge), no line; a 3-class run's regions in each argmax class's
  colour (`CLASS_COLOURS`), paler where its softmax probability is lower (`class_regions`), the
  borders between classes as lines, the points in their class's colour and shape (`confusion_scene`
  draws its confusion matrix).

The network diagram (`network_scene`, with every hidden neuron's map) is built in
`micrograd.lessons.playground_paint_network` and re-exported here. `boundary_scene(neuron=...)` shows one
neuron's map large, `boundary_scene(outline=...)` and `curves_scene(reference=...)` a kept run
(`playground_history.Reference`).

The curves (`curves_scene`): train and test loss (left axis) and accuracy (right axis) against the step.

The scene format (what the canvas script reads) is documented in `app_pages/live_chart.py`.
"""

import functools
import math

import numpy as np

from micrograd import functional, paint
from micrograd.lessons.playground import (
    ACCURACY_RANGE,
    CLASS_COLOURS,
    CLASS_NAMES,
    CLASS_SCALE,
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
    grid_inputs,
)

# the network diagram and the neurons' maps live in their own module; its names are this module's too
from micrograd.lessons.playground_paint_network import (  # noqa: F401  (re-exported)
    EDGE_TIP,
    NEURON_GRID,
    NEURON_LEVELS,
    NEURON_PALETTE,
    network_scene,
    neuron_levels,
    neuron_maps_png,
    neuron_outputs,
    neuron_range,
    neuron_scores,
)

__all__ = ["boundary_scene", "boundary_scores", "network_scene", "curves_scene", "N_COLOURS", "PALETTE",
           "CLASS_PALETTE", "DIVERGED_RED", "confusion_scene", "class_palette", "class_regions", "target_range"]

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
        numpy forward; a regression's prediction), or for a multiclass run the logits
        (size, size, K), Z[i, j, k] class k's; NaN becomes 0 and +-inf +-1e6.
    """
    xs, ys, inputs = grid_inputs(trainer, size)  # `Trainer.predict` of the grid, its features computed once a run
    with np.errstate(all="ignore"):
        Z = trainer.model.predict(inputs)
        Z = Z.reshape(size, size, -1) if Z.ndim == 2 else Z.reshape(size, size)
    return xs, ys, np.nan_to_num(Z, nan=0.0, posinf=1e6, neginf=-1e6)


def boundary_scene(trainer, discretize=False, show_test=True, size=100, max_height=460, font_scale=1.0, mark=None,
                   neuron=None, outline=None):
    """The decision boundary of `trainer`'s model as a scene for `live_chart.scene_chart`.

    Args:
        trainer: a `micrograd.train.Trainer`.
        discretize: colour only the predicted class (`CLASS_SCALE`'s two tints), not the score.
        show_test: draw the test points.
        size: grid points per axis.
        max_height: the tallest the plot may be drawn, in CSS pixels.
        font_scale: text size (and the margins holding it) relative to the painter's 12 px.
        mark: a training example's index (0-based) to ring, the backprop microscope's point ('microscope
            point' layers: a white ring under a dark one, on top), or None.
        neuron: (column, unit) of a hidden neuron (column 1 = hidden layer 1, unit 0-based) to show instead of
            the model's score: its output (`neuron_scores`, the network diagram's map of it, large), on its own
            scale [-r, r] (`neuron_range`), its 0 level as the line; None: the model's score.
        outline: a kept run's decision boundary (`playground_history.Reference.outline`: polylines), drawn
            dashed and faded as a 'lines' layer 'reference boundary' over the heatmap, or None.

    Returns:
        a dict of plain numbers, strings and lists (see `app_pages/live_chart.py` for the
        format). The heatmap's pixel k in a row is the grid's score at xs[k], coloured with
        colour index round((clip(score, -r, r) + r) / 2r * (N_COLOURS - 1)) of PuOr sampled
        at N_COLOURS positions (r = the loss's score range, 1.5 for hinge/MSE, 4 for BCE).
    """
    xs, ys, Z = boundary_scores(trainer, size) if neuron is None else neuron_scores(trainer, neuron, size)
    task = trainer.task if neuron is None else "binary"  # a neuron's map: one real output, PuOr around 0
    if task == "binary":
        r = SCORE_RANGE.get(trainer.loss, 1.5) if neuron is None else neuron_range(trainer.activation, Z)
        colorbar = dict(_colorbar(r, discretize, "score" if neuron is None else "output"))
        if discretize:
            png = paint.encode_png((Z[::-1] > 0).astype(np.uint8), CLASS_PALETTE)
        else:
            png = paint.encode_png(paint.level_indices(Z[::-1], -r, r, N_COLOURS), PALETTE)
        paths = paint.contour_paths(xs, ys, Z, 0.0, decimals=CONTOUR_DECIMALS)
    elif task == "regression":
        png, paths, colorbar = _regression_heatmap(trainer, Z)
    else:
        png, paths, colorbar = _multiclass_heatmap(trainer, xs, ys, Z, discretize)
    dx, dy = xs[1] - xs[0], ys[1] - ys[0]
    layers = [
        {"type": "image", "src": paint.png_data_url(png), "smooth": not discretize or task == "regression",
         "x": paint.rounded([xs[0] - dx / 2, xs[-1] + dx / 2], 4),
         "y": paint.rounded([ys[0] - dy / 2, ys[-1] + dy / 2], 4)},
    ] + ([{"type": "lines", "paths": paths, "color": OUTLINE_DARK, "width": 2}] if paths else []
         ) + ([outline_layer(outline)] if outline else [])
    sets = [("train", trainer.X_train, trainer.y_train, False)]
    if show_test and len(trainer.y_test):
        sets.append(("test", trainer.X_test, trainer.y_test, True))
    for name, Xs, labels, hollow in sets:
        for mask, colour, shape, edge, what in _point_groups(trainer, labels):
            pts = Xs[mask]
            if not len(pts):
                continue
            xy = paint.rounded(pts.ravel(), 3)
            if hollow:  # under the coloured ring, a white disc with a dark edge: one of them contrasts anywhere
                layers.append({"type": "points", "xy": xy, "shape": shape, "size": 13, "fill": "#ffffff",
                               "stroke": OUTLINE_DARK, "line": 1})
            layers.append({"type": "points", "xy": xy, "shape": shape, "size": 9 if hollow else 8,
                           "fill": None if hollow else colour, "stroke": colour if hollow else edge,
                           "line": 2 if hollow else 1, "tip": f"{name} point, {what}"})
    if mark is not None and 0 <= mark < len(trainer.X_train):  # the microscope's point: a ring that reads anywhere
        xy = paint.rounded(trainer.X_train[mark], 3)
        layers += [{"type": "points", "name": "microscope point", "xy": xy, "shape": "circle", "size": 22,
                    "fill": None, "stroke": "#ffffff", "line": 5},
                   {"type": "points", "name": "microscope point", "xy": xy, "shape": "circle", "size": 22,
                    "fill": None, "stroke": OUTLINE_DARK, "line": 2, "tip": f"microscope: training point #{mark}"}]
    return {
        "title": (f"{'Prediction' if task == 'regression' else 'Decision boundary'} at step {trainer.step_count}"
                  if neuron is None
                  else f"Hidden layer {neuron[0]}, neuron {neuron[1] + 1}: its output at step {trainer.step_count}"),
        "aspect": "equal",
        "max_height": max_height,
        "font_scale": font_scale,
        "x": {"range": paint.rounded([xs[0], xs[-1]], 4), "ticks": paint.tick_labels(xs[0], xs[-1]),
              "label": "x1"},
        "y": {"range": paint.rounded([ys[0], ys[-1]], 4), "ticks": paint.tick_labels(ys[0], ys[-1]),
              "label": "x2"},
        "layers": layers,
        "colorbar": colorbar,
    }


@functools.lru_cache(maxsize=8)
def _colorbar(r, discretize, label="score", digits=6):
    """The colour bar beside the boundary: a 1-pixel-wide PNG, high score at the top, and its ticks (`digits`
    significant digits)."""
    ramp = CLASS_PALETTE[[1, 1, 0, 0]] if discretize else PALETTE[::-1]
    ticks = ([[r / 2, "class +1"], [-r / 2, "class −1"]] if discretize
             else [[r, f"{r:.{digits}g}"], [0.0, "0"], [-r, f"{-r:.{digits}g}"]])
    return {"src": paint.png_data_url(paint.encode_png(ramp.reshape(-1, 1, 3))), "range": [-r, r],
            "ticks": ticks, "label": "class" if discretize else label, "smooth": not discretize}


#: a regression's points: their targets in this many PuOr colours (a layer each), over the heatmap's range
TARGET_LEVELS = 17
#: a 3-class run's regions: each class colour in this many tints, palest (least sure) first
CONFIDENCE_LEVELS = 8
#: the tints' share of the class colour (the rest white): least to most confident; the points keep the full colour
TINT_RANGE = (0.1, 0.55)
#: marker shape of each class of a 3-class run (the colours: `CLASS_COLOURS`)
CLASS_SHAPES = ("circle", "square", "diamond")


def _hex(rgb):
    return "#{:02x}{:02x}{:02x}".format(*(int(c) for c in rgb))


def target_range(trainer):
    """A regression's colour scale [-r, r]: r the largest |target| of its points (1 if that is 0), so the
    diverging scale holds every target with 0 (PuOr's white) in the middle (`paint.symmetric_range`)."""
    return paint.symmetric_range(np.concatenate([trainer.y_train, trainer.y_test]) if trainer.n_train else ())


def _regression_heatmap(trainer, Z):
    """The prediction as PuOr over `target_range` (colour index as the binary score's), no lines, its colour bar."""
    r = target_range(trainer)
    png = paint.encode_png(paint.level_indices(Z[::-1], -r, r, N_COLOURS), PALETTE)
    return png, [], dict(_colorbar(r, False, "target", 3))


def class_palette(n_classes, levels=CONFIDENCE_LEVELS):
    """A 3-class run's region colours, (n_classes * levels, 3) uint8: colour ``k * levels + l`` is class k's
    `CLASS_COLOURS` mixed with white at share TINT_RANGE[0] + l / (levels - 1) * (TINT_RANGE[1] - TINT_RANGE[0])."""
    white = np.array([255.0, 255.0, 255.0])
    share = np.linspace(*TINT_RANGE, levels)[:, None]
    out = [white + share * (paint.colour_ramp([[0, c], [1, c]], 2)[0] - white) for c in CLASS_COLOURS[:n_classes]]
    return np.rint(np.vstack(out)).astype(np.uint8)


def class_regions(Z, levels=CONFIDENCE_LEVELS, discretize=False):
    """The multiclass regions' colour indices into `class_palette`: argmax class k of the logits Z (..., K), tint
    l = round((p - 1/K) / (1 - 1/K) * (levels - 1)) of its softmax probability p (`functional.softmax`; the
    most confident tint, levels - 1, when `discretize`). Returns a uint8 array of Z's shape without its last axis."""
    P = functional.softmax(Z, axis=-1)
    k = P.shape[-1]
    cls = np.argmax(P, axis=-1)
    if discretize:
        tint = np.full(cls.shape, levels - 1)
    else:
        conf = np.take_along_axis(P, cls[..., None], axis=-1)[..., 0]
        tint = np.rint(np.clip((conf - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 1.0) * (levels - 1)).astype(np.int64)
    return (cls * levels + tint).astype(np.uint8)


def _multiclass_heatmap(trainer, xs, ys, Z, discretize):
    """The argmax regions shaded by confidence (`class_regions`), their borders, and a colour bar naming the classes.

    The border lines are the zero level of each class's margin z_k - max_{j != k} z_j for k < K - 1: every
    border between two classes touches one of those classes."""
    k = Z.shape[-1]
    png = paint.encode_png(class_regions(Z[::-1], discretize=discretize), class_palette(k))
    paths = []
    for c in range(k - 1):
        margin = Z[:, :, c] - np.max(np.delete(Z, c, axis=2), axis=2)
        paths += paint.contour_paths(xs, ys, margin, 0.0, decimals=CONTOUR_DECIMALS)
    return png, paths, dict(_class_colorbar(k))


@functools.lru_cache(maxsize=4)
def _class_colorbar(k):
    """A 3-class run's colour bar: one band per class (its most confident tint, class 0 at the bottom), named."""
    bands = class_palette(k)[[c * CONFIDENCE_LEVELS + CONFIDENCE_LEVELS - 1 for c in reversed(range(k))]]
    return {"src": paint.png_data_url(paint.encode_png(bands.reshape(-1, 1, 3))), "range": [0, k],
            "ticks": [[c + 0.5, f"class {c}"] for c in range(k)], "label": "class", "smooth": False}


def _point_groups(trainer, labels):
    """How a split's points are drawn: (mask, fill colour, shape, edge colour, tip text) per group.

    Binary: purple circles for +1, orange squares for -1 (white edge). Multiclass: `CLASS_COLOURS`
    and `CLASS_SHAPES` per class (white edge). Regression: the targets in `TARGET_LEVELS` PuOr
    colours over `target_range` (a group per colour, dark edge: a point whose colour is the
    heatmap's, a good fit, still shows).
    """
    if trainer.task == "binary":
        return [(labels == 1, PURPLE, "circle", "#ffffff", "label +1"),
                (labels == -1, ORANGE, "square", "#ffffff", "label -1")]
    if trainer.task == "multiclass":
        return [(labels == c, CLASS_COLOURS[c % len(CLASS_COLOURS)], CLASS_SHAPES[c % len(CLASS_SHAPES)],
                 "#ffffff", f"class {c} ({CLASS_NAMES[c % len(CLASS_NAMES)]})") for c in range(trainer.n_classes)]
    r = target_range(trainer)
    level = paint.level_indices(labels, -r, r, TARGET_LEVELS)
    ramp = paint.colour_ramp(PUOR, TARGET_LEVELS)
    return [(level == lv, _hex(ramp[lv]), "circle", OUTLINE_DARK,
             f"target ≈ {-r + 2 * r * lv / (TARGET_LEVELS - 1):.2g}") for lv in np.unique(level).tolist()]


def confusion_scene(trainer, height=210, font_scale=1.0):
    """A multiclass run's confusion matrix on the training set as a small scene: a cell per (true, predicted) class.

    The counts are `Trainer.confusion_matrix('train')` (as ``sklearn.metrics.confusion_matrix``): row i (true
    class i, top row class 0) and column j (predicted class j). A cell is tinted with its true class's colour
    (`class_palette`), the stronger the larger its share of the row, and carries its count as text.

    Returns:
        a scene dict (`app_pages/live_chart.py`): 'rect' layers then 'text' layers named 'count', each with
        'row' and 'col'; its 'counts' are the matrix as nested lists.

    Raises:
        ValueError: for a regression run (it has no classes).
    """
    counts = trainer.confusion_matrix("train")
    k = len(counts)
    palette = class_palette(k)
    rects, texts = [], []
    for i in range(k):
        total = max(int(counts[i].sum()), 1)
        for j in range(k):
            share = counts[i, j] / total
            tint = palette[i * CONFIDENCE_LEVELS + int(round(share * (CONFIDENCE_LEVELS - 1)))] if counts[i, j] else (
                np.array([255, 255, 255]))
            y0 = k - 1 - i
            rects.append({"type": "rect", "x": [j, j + 1], "y": [y0, y0 + 1], "fill": _hex(tint),
                          "stroke": INPUT_GREY, "line": 1})
            texts.append({"type": "text", "name": "count", "row": i, "col": j, "x": j + 0.5, "y": y0 + 0.5,
                          "text": str(int(counts[i, j])), "color": OUTLINE_DARK, "size": round(13 * font_scale)})
    return {
        "title": f"Confusion matrix, training set, step {trainer.step_count}",
        "height": height,
        "font_scale": font_scale,
        "x": {"range": [0, k], "ticks": [[j + 0.5, str(j)] for j in range(k)], "label": "predicted class"},
        "y": {"range": [0, k], "ticks": [[k - 1 - i + 0.5, str(i)] for i in range(k)], "label": "true class"},
        "layers": rects + texts,
        "counts": counts.tolist(),
    }



def outline_layer(paths):
    """A kept run's decision boundary as a dashed, faded 'lines' layer 'reference boundary' (grey, reads on
    any region colour)."""
    return {"type": "lines", "name": "reference boundary", "paths": paths,
            "color": paint.hex_alpha(OUTLINE_DARK, 0.6), "width": 2, "dash": [5, 4]}


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
                 font_scale=1.0, aspect=None, max_height=460, reference=None, reference_points=60, metric="acc"):
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
        reference: a kept run's history (`playground_history.Reference.history`, the same keys), drawn
            faded under the run's lines as 'reference train loss' and 'reference test loss' (through at most
            `reference_points` evenly spaced points each); the axes hold it too. None: no reference.
        metric: the right axis's series, `Trainer.metric`: 'acc' (accuracy, as a percentage) or 'r2' (a
            regression's R², history keys train_r2 / test_r2, lines 'train R²' / 'test R²'; an R² below 0,
            a fit worse than the mean, is drawn at the axis's bottom).

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
    ref_losses = [v for k in ("train_loss", "test_loss") for v in (reference[k] if reference else ())
                  if math.isfinite(v)]
    drawn = finite + [v for v in history["test_loss"] if math.isfinite(v)] + ref_losses  # every loss drawn
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

    def acc_y(v):  # clipped to the axis: an R² can be any negative number
        return lo + (min(max(v, a0), a1) - a0) / (a1 - a0) * (hi - lo) if math.isfinite(v) else None

    mname = "R²" if metric == "r2" else "accuracy"

    def line(name, step_list, values, to_y, colour, dash=None, most=max_points):
        idx = _spaced(len(step_list), most)
        ys = [to_y(values[i]) for i in idx]
        xs = [int(step_list[i]) for i in idx]
        paths = _paths(xs, [None if y is None else round(y, 4) for y in ys])
        return {"type": "lines", "name": name, "paths": paths, "color": colour, "width": 2, "dash": dash}

    dashed, dotted = [6, 4], [2, 3]
    layers = []
    if reference and reference["step"]:  # the kept run, faded, under this run's lines
        faded = paint.hex_alpha(ZERO_GREY, 0.8)
        layers.append(line("reference train loss", reference["step"], reference["train_loss"], loss_y, faded,
                           [3, 3], reference_points))
        if any(math.isfinite(v) for v in reference["test_loss"]):
            layers.append(line("reference test loss", reference["step"], reference["test_loss"], loss_y, faded,
                               [8, 3, 2, 3], reference_points))
    layers.append(line("train loss", steps, history["train_loss"], loss_y, PURPLE_LINE))
    if has_test:
        layers.append(line("test loss", steps, history["test_loss"], loss_y, PURPLE_LINE, dashed))
    if bad:
        layers.append(line("diverged run (undone)", diverged["step"], bad, loss_y, DIVERGED_RED, dotted))
    layers.append(line(f"train {mname}", steps, history[f"train_{metric}"], acc_y, ORANGE))
    if has_test:
        layers.append(line(f"test {mname}", steps, history[f"test_{metric}"], acc_y, ORANGE, dashed))
    legend = [[lay["name"], lay["color"], lay["dash"]] for lay in layers]
    last = max([steps[-1] if steps else 0] + (list(diverged["step"][-1:]) if bad else [])
               + (list(reference["step"][-1:]) if reference else []))
    x_hi = max(last, 10)  # whole steps on the axis from the start
    if log:
        every = max(1, math.ceil((hi - lo) / 6))
        y_ticks = [[k, f"1e{k}"] for k in range(int(lo), int(hi) + 1, every)]
    else:
        y_ticks = paint.tick_labels(lo, hi, 5)
    at = f" at step {steps[-1]}" if steps else ""
    return {
        "title": f"{LOSS_LABELS.get(loss_name, loss_name)} loss and {mname}{at}",
        "height": height,
        **({"aspect": aspect, "max_height": max_height} if aspect else {}),
        "font_scale": font_scale,
        "log": log,
        "x": {"range": [0, x_hi], "ticks": paint.tick_labels(0, x_hi, 6), "label": "step"},
        "y": {"range": paint.rounded([lo, hi], 6), "ticks": y_ticks, "label": "loss (log scale)" if log else "loss"},
        "y2": {"ticks": [[round(acc_y(p), 6), f"{p:g}" if metric == "r2" else f"{p:.0%}"]
                         for p in (0, 0.25, 0.5, 0.75, 1.0)], "label": mname},
        "layers": layers,
        "legend": legend,
    }
