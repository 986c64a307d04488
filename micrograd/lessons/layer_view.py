"""Lesson logic of "what a layer does to the plane", after ConvNetJS's 2-D
classification demo (Karpathy, cs.stanford.edu/people/karpathy/convnetjs/demo/classify2d.html):
the input plane's grid lines and the data points, drawn where a hidden layer sends them, each
point at the activations of two of that layer's neurons. Training bends the grid until a straight
line (the next layers' read-out) separates the classes.

Everything goes through the numpy forward `micrograd.functional.forward` (``keep=True`` gives each
layer's output), so the picture is the network the boundary plot draws.
"""

import numpy as np

from micrograd import functional, paint
from micrograd.features import check_features, expand
from micrograd.lessons.microscope import act_name
from micrograd.lessons.playground import ORANGE, PURPLE, PURPLE_LINE, ZERO_GREY

__all__ = ["warped_plane", "plane_scene"]


def warped_plane(model, X, y, layer, neurons=(0, 1), lines=11, samples=41, pad=0.5, features=None):
    """Grid lines and data points of the input plane, mapped through the network up to `layer`.

    Args:
        model: an `MLP` on 2 inputs, or on the `features` of the plane's points (only its
            weights are read).
        X: data points (n, 2) (the grid covers their range plus `pad`); y: their labels (n,).
        layer: a hidden layer, 0-based (0 .. len(model.layers) - 2).
        neurons: two different neurons (0-based) of that layer: the picture's x and y axes.
        lines: grid lines per direction (>= 2); samples: points along each line (>= 2).
        pad: margin around the data, in input units.
        features: the Trainer's `features` (``trainer.features``): the model sees
            ``micrograd.features.expand(points, features)`` of every grid and data point; None: the
            points themselves.

    Returns:
        dict with 'lines': list of arrays (samples, 2), the `lines` vertical input lines
        (x1 constant) then the `lines` horizontal ones (x2 constant), each point at
        (a[neurons[0]], a[neurons[1]]) of the layer; 'inputs': the same lines in the input plane;
        'points': (n, 2) the data at those two activations; 'labels': y as an array;
        'axis_names': the two activations' names ('a1[1]', 'a1[2]'); 'layer', 'neurons'.

    Raises:
        ValueError: for a model that does not take 2 inputs (or one per feature), a layer that is not hidden, neurons
        that are equal or out of range, or too few lines or samples.
    """
    features = None if features is None else check_features(features)
    want = 2 if features is None else len(features)
    if model.nin != want:
        raise ValueError(f"the plane view needs a model on {want} inputs (the points' "
                         f"{'coordinates' if features is None else 'features'}), this one takes {model.nin}")
    hidden = len(model.layers) - 1
    if not (isinstance(layer, (int, np.integer)) and 0 <= layer < hidden):
        raise ValueError(f"layer must be a hidden layer, 0..{hidden - 1}" if hidden else
                         "this network has no hidden layer: add one to see what it does to the plane")
    width = len(model.layers[layer].neurons)
    j1, j2 = (int(j) for j in neurons)
    if j1 == j2 or not (0 <= j1 < width and 0 <= j2 < width):
        raise ValueError(f"pick two different neurons of layer {layer + 1}, 0..{width - 1}" if width > 1 else
                         f"layer {layer + 1} has one neuron: the plane view needs a layer of at least 2")
    if lines < 2 or samples < 2:
        raise ValueError("lines and samples must be >= 2")
    X = np.asarray(X, dtype=np.float64)
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    t = np.linspace(0.0, 1.0, samples)
    inputs = []
    for c in np.linspace(lo[0], hi[0], lines):  # vertical lines: x1 = c, x2 along the range
        inputs.append(np.column_stack([np.full(samples, c), lo[1] + t * (hi[1] - lo[1])]))
    for c in np.linspace(lo[1], hi[1], lines):  # horizontal lines: x2 = c
        inputs.append(np.column_stack([lo[0] + t * (hi[0] - lo[0]), np.full(samples, c)]))
    layers = functional.layer_arrays(model)
    every = np.vstack([*inputs, X])
    if features is not None:
        every = expand(every, features)
    with np.errstate(all="ignore"):
        _scores, outs = functional.forward(layers, every, model.activation, keep=True)
    A = outs[layer][:, [j1, j2]]
    mapped = [A[k * samples:(k + 1) * samples] for k in range(len(inputs))]
    return {"lines": mapped, "inputs": inputs, "points": A[len(inputs) * samples:], "labels": np.asarray(y),
            "axis_names": (act_name(layer, j1), act_name(layer, j2)), "layer": int(layer), "neurons": (j1, j2)}


def plane_scene(warped, max_height=400, decimals=3):
    """`warped_plane`'s result as a scene for `app_pages.live_chart.scene_chart`.

    Args:
        warped: the dict `warped_plane` returns. max_height: the plot's largest height, CSS pixels.
        decimals: the coordinates' rounding.

    Returns:
        a scene dict (equal axes named after the two activations): 'lines' layers 'x1 lines' (the vertical
        input lines) and 'x2 lines', then 'points' layers named 'class +1' / 'class −1' (purple circles,
        orange squares) for labels ±1, or one layer 'points' for other labels; each point at its two
        activations, rounded to `decimals`, its tip naming its training index and label.
    """
    lines = [np.nan_to_num(line) for line in warped["lines"]]
    P, y = np.nan_to_num(warped["points"]), np.asarray(warped["labels"])
    n = len(lines) // 2
    allxy = np.vstack([*lines, P]) if len(P) else np.vstack(lines)
    lo, hi = allxy.min(axis=0), allxy.max(axis=0)
    pad = np.maximum((hi - lo) * 0.05, 1e-3)
    lo, hi = lo - pad, hi + pad
    layers = [{"type": "lines", "name": "x1 lines", "color": ZERO_GREY, "width": 1,
               "paths": [paint.rounded(line.ravel(), decimals) for line in lines[:n]]},
              {"type": "lines", "name": "x2 lines", "color": PURPLE_LINE, "width": 1, "dash": [4, 3],
               "paths": [paint.rounded(line.ravel(), decimals) for line in lines[n:]]}]
    binary = len(y) and set(np.unique(y).tolist()) <= {-1.0, 1.0}
    groups = ([("class +1", y == 1, PURPLE, "circle"), ("class −1", y == -1, ORANGE, "square")] if binary
              else [("points", np.ones(len(y), dtype=bool), PURPLE, "circle")])
    for name, sel, colour, shape in groups:
        idx = np.flatnonzero(sel)
        if len(idx):
            layers.append({"type": "points", "name": name, "xy": paint.rounded(P[idx].ravel(), decimals),
                           "shape": shape, "size": 8, "fill": colour, "stroke": "#ffffff", "line": 1,
                           "tips": [f"training point #{i}, label {y[i]:g}" for i in idx]})
    ax, ay = warped["axis_names"]
    return {
        "title": f"Layer {warped['layer'] + 1}: the input plane at activations {ax} and {ay}",
        "aspect": "equal", "max_height": max_height,
        "x": {"range": paint.rounded([lo[0], hi[0]], decimals), "label": ax,
              "ticks": paint.tick_labels(lo[0], hi[0])},
        "y": {"range": paint.rounded([lo[1], hi[1]], decimals), "label": ay,
              "ticks": paint.tick_labels(lo[1], hi[1])},
        "layers": layers,
        "legend": [["input lines x1 = const", ZERO_GREY, None], ["input lines x2 = const", PURPLE_LINE, [4, 3]]],
    }
