"""The playground's network diagram as a scene for the live canvas chart, with every hidden neuron's map.

`network_scene`: a column of nodes per layer, an edge per weight, its width from |w| or |dL/dw|
and its colour from the sign, its hover tip as numbers the painter formats (`EDGE_TIP`), and on
every hidden neuron a 24 x 24 map of its output over the input plane (`neuron_maps_png`: one
palette PNG for all of them, sent every few frames while playing), as TensorFlow Playground's
thumbnails. `neuron_scores` gives one neuron's output on the boundary's grid, which
`playground_paint.boundary_scene(neuron=...)` shows large.

The scene format (what the canvas script reads) is documented in `app_pages/live_chart.py`;
`micrograd.lessons.playground_paint` re-exports these names beside the other two views.
"""

import math

import numpy as np

from micrograd import functional, paint
from micrograd.features import FEATURES
from micrograd.lessons.playground import (
    EDGE_VIEWS,
    INPUT_GREY,
    ORANGE,
    OUTLINE_DARK,
    PUOR,
    PURPLE_LINE,
    ZERO_GREY,
    dead_units,
    grid_inputs,
)

__all__ = ["network_scene", "EDGE_TIP", "NEURON_GRID", "NEURON_LEVELS", "NEURON_PALETTE", "neuron_outputs",
           "neuron_scores", "neuron_range", "neuron_levels", "neuron_maps_png"]


def network_scene(trainer, view="weight", height=360, levels=6, max_edge_tips=400, font_scale=1.0, highlight=None,
                  maps=True):
    """The network diagram as a scene: a column of nodes per layer and an edge per weight.

    Edge width is proportional to |w| (view='weight') or to |dL/dw| from the last step
    (view='gradient'), scaled to the largest in the network and drawn in `levels` widths;
    colour is the sign (purple +, orange -); exact zeros are dotted grey. Hovering near the
    edge shows its weight and gradient (for networks of at most `max_edge_tips` weights; sent as numbers,
    ``vals`` [layer, row, column, w, dL/dw] per edge (1-based, w and dL/dw to 3 significant digits) with a
    ``fmt`` the painter fills in, which is also what a click on the edge returns); hovering a node shows its
    bias (and, with ReLU, whether it is dead: output 0 on every training point, drawn grey); each node's
    ``vals`` are [column, unit] (0-based; column 0 the inputs). Every hidden neuron carries a small map of its
    output over the input plane (`neuron_maps`: TensorFlow Playground's per-neuron view), one 'sprites' layer
    'neuron maps' on top of the nodes; ``maps=False`` sends a 'keep' layer instead and the painter keeps the
    maps it has (a playing frame sends them only every few frames). `height` is in CSS pixels,
    `font_scale` the text size relative to 12 px. `highlight`: edges to draw with a wide translucent grey
    band (a 'lines' layer 'highlight', over the edges, under the nodes), each a (layer, source, target)
    triple, 0-based (the backprop microscope's path of largest gradients), or None.

    Returns:
        a scene dict (`app_pages/live_chart.py`): one 'lines' layer per (sign, width level),
        named 'edges +' / 'edges -' / 'edges 0' with its 'level' (-1 for exact zeros) and a path per
        edge, then one 'points' layer per node colour ('nodes'), each with a tip per node, then the
        'neuron maps' (when the network has hidden neurons). x ticks name the layers.

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
    buckets = {}  # (sign, level) -> (paths, vals)
    n_edges = sum(sizes[k] * sizes[k + 1] for k in range(len(sizes) - 1))
    with_tips = n_edges <= max_edge_tips
    for li, layer in enumerate(layers):
        nin, nout = sizes[li], sizes[li + 1]
        for j in range(nout):
            for i in range(nin):
                w, g = layer["weights"][j][i], layer["grad_weights"][j][i]
                v = w if view == "weight" else g
                frac = min(abs(v) / top, 1.0) if math.isfinite(v) else 1.0
                level = min(int(frac * levels), levels - 1) if v != 0 else -1  # -1: exactly zero
                y0, y1 = ypos(i, nin), ypos(j, nout)
                paths, vals = buckets.setdefault((v >= 0, level), ([], []))
                paths.append([li, y0, li + 1, y1])
                if with_tips:
                    vals += [li + 1, j + 1, i + 1, _sig3(w), _sig3(g)]
    out = []
    tip = {"fmt": EDGE_TIP, "stride": 5} if with_tips else {}
    for (positive, level), (paths, vals) in sorted(buckets.items()):
        more = dict(tip, vals=vals) if with_tips else {}
        if level < 0:  # exactly 0 (no gradient reaches it: e.g. behind a dead ReLU): faint grey dots
            out.append({"type": "lines", "name": "edges 0", "level": -1, "paths": paths,
                        "color": paint.hex_alpha(ZERO_GREY, 0.5), "width": 1.0, "dash": [2, 3], **more})
        else:
            colour = PURPLE_LINE if positive else ORANGE
            out.append({"type": "lines", "name": "edges +" if positive else "edges -", "level": level,
                        "paths": paths, "color": paint.hex_alpha(colour, 0.35 + 0.6 * (level + 1) / levels),
                        "width": round(0.5 + 6.0 * (level + 0.5) / levels, 2), **more})
    if highlight:  # over the edges (a dense network hides anything under them), under the nodes
        out.append({"type": "lines", "name": "highlight", "color": paint.hex_alpha(INPUT_GREY, 0.6), "width": 9,
                    "paths": [[k, ypos(i, sizes[k]), k + 1, ypos(j, sizes[k + 1])] for k, i, j in highlight
                              if k < len(layers) and i < sizes[k] and j < sizes[k + 1]]})
    dead = dead_units(trainer)
    input_names = [FEATURES[f].label for f in trainer.features] if trainer.features else [
        f"x{j + 1}" for j in range(sizes[0])]
    groups = {}  # fill colour -> (xy, tips, vals)
    map_xy, map_strokes = [], []
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
                if li < len(sizes) - 1:
                    map_xy += [li, ypos(j, n)]
                    map_strokes.append(colour)
            xy, group_tips, group_vals = groups.setdefault(colour, ([], [], []))
            xy += [li, ypos(j, n)]
            group_tips.append(tip)
            group_vals += [li, j]
    for colour, (xy, group_tips, group_vals) in groups.items():
        out.append({"type": "points", "name": "nodes", "xy": paint.rounded(xy, 3), "shape": "circle",
                    "size": 16 if tall <= 8 else 11, "fill": colour, "stroke": OUTLINE_DARK, "line": 1,
                    "tips": group_tips, "vals": group_vals, "stride": 2})
    if map_xy:  # on top: the nodes stay the hover and click targets under them
        out.append({"type": "sprites", "name": "neuron maps", "src": neuron_maps_png(trainer), "xy": map_xy,
                    "size": 26, "fit": 0.8, "strokes": map_strokes, "line": 2, "zoom": 120} if maps
                   else {"type": "keep", "name": "neuron maps"})
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


#: the hover text of an edge, filled in by the painter from the edge's five numbers (`network_scene`)
EDGE_TIP = "layer {0}, w[{1},{2}] = {3}, ∂L/∂w = {4}"

#: grid points per axis of each hidden neuron's map in the network diagram (TensorFlow Playground's thumbnails)
NEURON_GRID = 24
#: colours of the neuron maps (odd: 0 has PuOr's white); few colours compress well (the maps are ~26 px wide):
#: the default network's 16 maps are 2.0 KB of data URL with 13 colours and zlib level 6, 2.7 KB with 17 and level 3
NEURON_LEVELS = 13
#: zlib level of the maps' PNG: 6 saves 15% over 3 for ~1 ms more at the default network (4 ms at the largest),
#: on the frames that send them
NEURON_ZLIB = 6
#: PuOr at NEURON_LEVELS positions, orange (lowest output) first: one palette shared by every map
NEURON_PALETTE = paint.colour_ramp(PUOR, NEURON_LEVELS)


def _sig3(v):
    """v to 3 significant digits as a short float (as "%.3g" prints it), None for NaN or an infinity."""
    return float(f"{v:.3g}") if math.isfinite(v) else None


def neuron_outputs(trainer, size=NEURON_GRID):
    """Every hidden neuron's output over the input plane (the boundary's plane, `boundary_grid`).

    The grid's raw points go through the Trainer's input features (`Trainer.inputs`) and the graph-free
    numpy forward (`micrograd.functional.forward`, keep=True), so the maps are exactly the activations the
    model computes there.

    Returns:
        (xs, ys, maps): the grid coordinates (each (size,)) and a list over hidden layers of arrays
        (size, size, n_units), maps[l][i, k, j] = output of unit j of hidden layer l + 1 at (xs[k], ys[i]);
        NaN becomes 0, +-inf +-1e6.
    """
    xs, ys, inputs = grid_inputs(trainer, size)
    with np.errstate(all="ignore"):
        _, outs = functional.forward(functional.layer_arrays(trainer.model), inputs, trainer.activation, keep=True)
    return xs, ys, [np.nan_to_num(A, nan=0.0, posinf=1e6, neginf=-1e6).reshape(size, size, -1) for A in outs[:-1]]


def neuron_scores(trainer, neuron, size=100):
    """One hidden neuron's output on the boundary's grid, as `boundary_scores` gives the model's score.

    Args:
        neuron: (column, unit): column 1 is hidden layer 1 (the network diagram's columns), unit 0-based.

    Returns:
        (xs, ys, A): A (size, size), A[i, k] the neuron's output at (xs[k], ys[i]) (`neuron_outputs`).

    Raises:
        ValueError: if the network has no such hidden neuron.
    """
    col, unit = int(neuron[0]), int(neuron[1])
    xs, ys, maps = neuron_outputs(trainer, size)
    if not (1 <= col <= len(maps) and 0 <= unit < maps[col - 1].shape[2]):
        raise ValueError(f"no hidden neuron {unit + 1} in column {col}: the network has hidden layers of "
                         f"{[m.shape[2] for m in maps]}")
    return xs, ys, maps[col - 1][:, :, unit]


def neuron_range(activation, values):
    """The colour scale [-r, r] of a neuron's map: r = 1 for tanh and sigmoid (their outputs lie in [-1, 1]),
    else (relu, linear: unbounded) the largest |output| on the grid (1 if that is 0: `paint.symmetric_range`)."""
    if activation in ("tanh", "sigmoid"):
        return 1.0
    return paint.symmetric_range(values)


def neuron_levels(trainer, size=NEURON_GRID, levels=NEURON_LEVELS):
    """Each hidden neuron's map as colour indices: a list (one per neuron, layer by layer) of (size, size)
    uint8 arrays, top row = highest x2, index round((clip(a, -r, r) + r) / 2r * (levels - 1)) of the
    neuron's output a (`neuron_outputs`) with r = `neuron_range`."""
    _, _, maps = neuron_outputs(trainer, size)
    out = []
    for A in maps:
        for j in range(A.shape[2]):
            r = neuron_range(trainer.activation, A[:, :, j])
            out.append(paint.level_indices(A[::-1, :, j], -r, r, levels))
    return out


def neuron_maps_png(trainer, size=NEURON_GRID):
    """The hidden neurons' maps as one palette PNG data URL: `neuron_levels` side by side, cell k (columns
    k * size to (k + 1) * size) the k-th hidden neuron, in `NEURON_PALETTE`."""
    cells = neuron_levels(trainer, size)
    return paint.png_data_url(paint.encode_png(np.hstack(cells), NEURON_PALETTE, level=NEURON_ZLIB))
