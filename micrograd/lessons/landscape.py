"""Lesson logic of the loss landscape: a 2-D slice of the training loss around
the current weights, the training trajectory projected on it, and a small cache per step.

The slice is L(θ + α·d1 + β·d2) on a grid of (α, β), θ the current parameters and d1, d2 two
random Gaussian directions, *filter-normalised* as in Li, Xu, Taylor, Studer & Goldstein 2018,
"Visualizing the Loss Landscape of Neural Nets" (NeurIPS), Sec. 4: each filter block of a
direction is rescaled to the norm of the same block of θ, d_ij ← d_ij / ‖d_ij‖ · ‖θ_ij‖. For a
fully connected layer a filter is one neuron's incoming weights (the paper treats an FC layer as
a 1×1 convolution). Biases: by default their direction is 0, as the paper's reference code does
with ``--xignore biasbn`` (github.com/tomgoldstein/loss-landscape, net_plotter.py, used in all its
example scripts); ``perturb_bias=True`` puts each bias into its neuron's block instead (an option
of this module only: for 1-D parameters such as biases the reference code, when it does not ignore
them, sets the direction to d = w itself, not a Gaussian block rescaled with its neuron's weights). With that
normalisation α = 1 moves every neuron by as much as its weights' own norm, so slices of networks
with different weight scales compare.

With exactly two parameters (a 1-neuron model on 1 input: a weight and a bias; every `Neuron`
has a bias, so 2 inputs make 3 parameters) the slice is the exact landscape: d1, d2 are the
parameter axes and the grid is labelled with the weights' names and values. The playground's data
are 2-D, so its 1-neuron model has 3 parameters: ``axes=('w1[1,1]', 'w1[1,2]')`` slices it along
its two weights at the current bias (exact along those axes, the bias fixed).

The trajectory (weights recorded along the run, `Trajectory`) is projected onto the plane by
least squares, c_t = argmin_c ‖θ_t − θ − [d1 d2]·c‖, with the fraction of each move that is off
the plane. Li et al. (Sec. 7) show that two random directions in a high-dimensional space are
nearly orthogonal to the optimisation path, so that fraction is usually close to 1 here: the
paper plots trajectories on PCA directions of the path instead (not done here).

Every loss is the numpy forward of `micrograd.functional` on the Trainer's model inputs
(``trainer.inputs(X_train)``, its features) — the data loss of the training set — plus the
Trainer's regularization term (L2 rate·Σp² or L1 rate·Σ|p|). So the centre is the Trainer's
current training data loss (``evaluate()["train_loss"]``) plus that penalty: the two are equal only
with regularization off.
"""

import hashlib
import math
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from micrograd import functional, paint
from micrograd.lessons.microscope import parameter_names

__all__ = ["LossSlice", "Trajectory", "LandscapeCache", "weight_axes", "flat_parameters", "unflatten",
           "filter_normalized_direction", "loss_slice", "project", "training_loss", "landscape_scene", "VIRIDIS",
           "data_digest"]

#: the landscape's sequential colour scale (matplotlib's viridis at five stops: dark = low loss, yellow = high;
#: perceptually uniform and readable with every common colour-vision deficiency)
VIRIDIS = [[0.0, "#440154"], [0.25, "#3b528b"], [0.5, "#21918c"], [0.75, "#5ec962"], [1.0, "#fde725"]]


def flat_parameters(layers):
    """`functional.layer_arrays` output as one vector in `parameters()` order (per neuron: weights, bias)."""
    return np.concatenate([np.column_stack([W, b]).ravel() for W, b in layers])


def unflatten(vec, shapes):
    """The inverse of `flat_parameters`: a vector -> list of (W, b), for W shapes `shapes` [(nout, nin), ...]."""
    out, at = [], 0
    for nout, nin in shapes:
        block = np.asarray(vec[at:at + nout * (nin + 1)], dtype=np.float64).reshape(nout, nin + 1)
        out.append((block[:, :-1], block[:, -1]))
        at += nout * (nin + 1)
    return out


def filter_normalized_direction(layers, rng, perturb_bias=False):
    """One random direction, filter-normalised (Li et al. 2018, Sec. 4).

    Args:
        layers: the current (W, b) per layer (`functional.layer_arrays`).
        rng: a `numpy.random.Generator`.
        perturb_bias: False (default): bias entries are 0 (the reference code's ``--xignore biasbn``);
            True: each neuron's block is its weights and its bias (this module's option, not the
            reference code's: without ``--xignore biasbn`` it sets a 1-D parameter's direction to
            d = w, the bias vector itself).

    Returns:
        a flat vector in `parameters()` order: per neuron j, a Gaussian block rescaled to the norm
        of θ's same block (0 where that norm is 0).
    """
    blocks = []
    for W, b in layers:
        theta = np.column_stack([W, b]) if perturb_bias else W
        d = rng.standard_normal(theta.shape)
        scale = np.linalg.norm(theta, axis=1) / np.linalg.norm(d, axis=1)
        d = d * scale[:, None]
        blocks.append(d if perturb_bias else np.column_stack([d, np.zeros(len(b))]))
    return np.concatenate([blk.ravel() for blk in blocks])


def training_loss(trainer, vec, shapes, inputs=None):
    """The Trainer's training loss at parameters `vec`: data loss of the numpy forward on the
    training set's model inputs plus the regularization term (L2: rate·Σp², L1: rate·Σ|p|, over
    every parameter). A float.

    Args:
        trainer: a `micrograd.train.Trainer`; vec, shapes: as `unflatten`.
        inputs: ``trainer.inputs(trainer.X_train)`` if already computed (the features), else None.
    """
    X = trainer.inputs(trainer.X_train) if inputs is None else inputs
    with np.errstate(all="ignore"):
        scores = functional.forward(unflatten(vec, shapes), X, trainer.activation)
        loss = functional.data_loss(scores, trainer.y_train, trainer.loss)
    return loss + functional.penalty(vec, trainer.reg, trainer.rate)


def project(weights, theta, d1, d2):
    """Least-squares coordinates of recorded weights on the plane θ + α·d1 + β·d2.

    Args:
        weights: array (m, P) of flat parameter vectors; theta, d1, d2: vectors (P,).

    Returns:
        (coords, off_plane): coords (m, 2) the (α, β) minimising ‖w − θ − α·d1 − β·d2‖; off_plane
        (m,) the residual's norm over ‖w − θ‖ (0 for w = θ): 0 means the point lies on the plane.
    """
    W = np.atleast_2d(np.asarray(weights, dtype=np.float64)) - theta
    A = np.column_stack([d1, d2])
    coords = np.linalg.lstsq(A, W.T, rcond=None)[0].T
    resid = np.linalg.norm(W - coords @ A.T, axis=1)
    dist = np.linalg.norm(W, axis=1)
    return coords, np.divide(resid, dist, out=np.zeros_like(dist), where=dist > 0)


@dataclass
class LossSlice:
    """A 2-D slice of the training loss.

    Attributes:
        alphas, betas: grid offsets (size,) along d1 and d2 (the centre entry is exactly 0).
        losses: (size, size) array, losses[i, j] at (alphas[j], betas[i]) (rows are β, as an image).
        centre: the loss at θ (= losses[size // 2, size // 2]).
        theta, d1, d2: the flat parameters and the two directions (P,).
        exact: True for the 2-parameter model, whose slice is the whole landscape.
        parameter_axes: True when d1, d2 are two parameters' own axes (exact, or `axes`), False
            for two random directions.
        axis_names: ('α along d1', 'β along d2'), or the two parameters' names (parameter axes).
        axis_values: (x, y) coordinates to draw: alphas and betas, or the two parameters' values
            plus them along parameter axes.
        step: the Trainer's step the slice was taken at.
    """

    alphas: np.ndarray
    betas: np.ndarray
    losses: np.ndarray
    centre: float
    theta: np.ndarray
    d1: np.ndarray
    d2: np.ndarray
    exact: bool
    parameter_axes: bool
    axis_names: tuple
    axis_values: tuple
    step: int

    def project(self, trajectory):
        """The recorded trajectory on this slice: dict 'steps' (list), 'coords' (m, 2) in axis units
        (axis_values' coordinates), 'off_plane' (m,) (see `project`). Empty for no points."""
        if not trajectory.steps:
            return {"steps": [], "coords": np.zeros((0, 2)), "off_plane": np.zeros(0)}
        coords, off = project(trajectory.weights(), self.theta, self.d1, self.d2)
        if self.parameter_axes:  # the weights' own values
            coords = coords + np.array([self.theta @ self.d1, self.theta @ self.d2])[None, :]
        return {"steps": list(trajectory.steps), "coords": coords, "off_plane": off}


def weight_axes(model):
    """The `axes` of `loss_slice` for a model whose landscape is exact along two of its weights: the
    no-hidden-layer model on 2 inputs (its two weights, by `parameter_names`), else None (random directions)."""
    return tuple(parameter_names(model)[:2]) if len(model.layers) == 1 and model.nin == 2 else None


def loss_slice(trainer, size=21, span=1.0, seed=0, perturb_bias=False, axes=None):
    """The loss around the trainer's current weights on a size × size grid.

    Args:
        trainer: a `micrograd.train.Trainer`.
        size: grid points per axis, odd (so θ itself is the centre), 3..101.
        span: the grid covers α, β in [−span, span] (the paper's plots use 1); in weight units
            for the exact 2-parameter slice.
        seed: seeds the two random directions. perturb_bias: see `filter_normalized_direction`.
        axes: optional two parameter names (`microscope.parameter_names`, e.g. ('w1[1,1]',
            'w1[1,2]')): slice along those two parameters' own axes, the others fixed, labelled
            with their names and values (for the playground's 1-neuron model on 2 inputs, its two
            weights at the current bias). The 2-parameter model uses its two axes by default.

    Returns:
        a `LossSlice`. Cost: size² numpy forward passes of the training set.

    Raises:
        ValueError: for an even or out-of-range size, span <= 0, or axes that are not two different
            parameter names.
    """
    if not (isinstance(size, int) and size % 2 == 1 and 3 <= size <= 101):
        raise ValueError(f"size must be an odd integer in 3..101, got {size!r}")
    if not (span > 0 and math.isfinite(span)):
        raise ValueError(f"span must be a positive number, got {span!r}")
    layers = functional.layer_arrays(trainer.model)
    shapes = [W.shape for W, _b in layers]
    theta = flat_parameters(layers)
    exact = theta.size == 2
    all_names = parameter_names(trainer.model)
    if axes is None and exact:
        axes = tuple(all_names)
    if axes is not None:
        axes = tuple(axes)
        if len(axes) != 2 or axes[0] == axes[1] or not set(axes) <= set(all_names):
            raise ValueError(f"axes must be two different parameter names, such as {all_names[:2]}")
        picks = [all_names.index(a) for a in axes]
        d1, d2 = np.eye(theta.size)[picks[0]], np.eye(theta.size)[picks[1]]
    else:
        rng = np.random.default_rng(seed)
        d1 = filter_normalized_direction(layers, rng, perturb_bias)
        d2 = filter_normalized_direction(layers, rng, perturb_bias)
    offsets = np.linspace(-span, span, size)
    offsets[size // 2] = 0.0  # exactly θ at the centre
    X = trainer.inputs(trainer.X_train)
    losses = np.array([[training_loss(trainer, theta + a * d1 + b * d2, shapes, X) for a in offsets]
                       for b in offsets])
    if axes is not None:
        names = axes
        values = (theta[picks[0]] + offsets, theta[picks[1]] + offsets)
    else:
        names, values = ("α along d1", "β along d2"), (offsets, offsets.copy())
    return LossSlice(offsets, offsets.copy(), losses, float(losses[size // 2, size // 2]), theta, d1, d2, exact,
                     axes is not None, names, values, trainer.step_count)


class Trajectory:
    """The weights of a run at the steps it was recorded, bounded in memory.

    Args:
        cap: the most points kept (>= 4); when full every other point is dropped.

    Call `record` after each frame; a trainer that went back (a reset or the divergence guard)
    drops the points after its step, and a new model (different parameter count) starts over.
    """

    def __init__(self, cap=256):
        if cap < 4:
            raise ValueError(f"cap must be >= 4, got {cap!r}")
        self.cap, self.steps, self._weights = int(cap), [], []

    def record(self, trainer):
        """Add the trainer's current weights at its step (replacing a point of the same step)."""
        w = flat_parameters(functional.layer_arrays(trainer.model))
        if self._weights and self._weights[0].size != w.size:
            self.steps, self._weights = [], []
        step = trainer.step_count
        while self.steps and self.steps[-1] >= step:
            self.steps.pop()
            self._weights.pop()
        self.steps.append(step)
        self._weights.append(w)
        if len(self.steps) > self.cap:
            self.steps, self._weights = self.steps[::2], self._weights[::2]
            if self.steps[-1] != step:  # keep the newest point
                self.steps.append(step)
                self._weights.append(w)

    def weights(self):
        """The recorded weights, an array (m, P) in `steps` order."""
        return np.array(self._weights)


def data_digest(*arrays):
    """A SHA-256 hex digest of `arrays` (array-likes, in order): each one's dtype, shape and C-order bytes.

    Equal digests mean equal data (up to a hash collision); the dtype and shape are hashed too, so the
    same bytes split or typed differently give another digest.
    """
    digest = hashlib.sha256()
    for arr in arrays:
        arr = np.ascontiguousarray(arr)
        digest.update(f"{arr.dtype}{arr.shape}".encode())
        digest.update(arr.tobytes())
    return digest.hexdigest()


class LandscapeCache:
    """The last few slices, keyed by step, grid and everything else the loss depends on.

    Args:
        maxsize: slices kept (least recently used dropped first).

    Attributes:
        hits, misses (int): lookups answered from the cache / computed.
    """

    def __init__(self, maxsize=4):
        self.maxsize, self.hits, self.misses = int(maxsize), 0, 0
        self._store = OrderedDict()

    def get(self, trainer, size=21, span=1.0, seed=0, perturb_bias=False, axes=None):
        """`loss_slice(trainer, size, span, seed, perturb_bias, axes)`, from the cache when the step,
        the grid, the weights, the loss, the regularization, the features and the training data
        (a hash of X_train's and y_train's bytes) are those of a cached slice."""
        weights = flat_parameters(functional.layer_arrays(trainer.model))
        key = (trainer.step_count, size, span, seed, perturb_bias, axes and tuple(axes), trainer.loss,
               trainer.reg, trainer.rate, trainer.activation, trainer.features and tuple(trainer.features),
               data_digest(trainer.X_train, trainer.y_train), weights.tobytes())
        if key in self._store:
            self.hits += 1
            self._store.move_to_end(key)
            return self._store[key]
        self.misses += 1
        result = loss_slice(trainer, size, span, seed, perturb_bias, axes)
        self._store[key] = result
        if len(self._store) > self.maxsize:
            self._store.popitem(last=False)
        return result


def landscape_scene(sl, trajectory=None, levels=64, max_height=420, floor=1e-6):
    """A `LossSlice` as a scene for `app_pages.live_chart.scene_chart`: heatmap, contours, path, current point.

    Args:
        sl: a `LossSlice`. trajectory: a `Trajectory` to project onto it (`LossSlice.project`), or None.
        levels: colours of the heatmap (<= 256). max_height: the plot's largest height, CSS pixels.
        floor: losses below this are drawn as it (the colour scale is log10 of the loss; hinge can be 0).

    Returns:
        a scene dict: an 'image' layer (`VIRIDIS` over log10 of the loss, row 0 of the PNG the largest β),
        'lines' layers 'contours' (at the colour bar's ticks) and 'trajectory' (the projected path, when there
        are points), a 'points' layer 'trajectory points', and a 'points' layer 'current' at the centre
        (θ, whose tip quotes ``sl.centre``). Axes are ``sl.axis_names`` in ``sl.axis_values``' units.
    """
    xs, ys = (np.asarray(v, dtype=np.float64) for v in sl.axis_values)
    with np.errstate(all="ignore"):
        V = np.log10(np.maximum(np.nan_to_num(sl.losses, nan=np.inf, posinf=1e300), floor))
    lo, hi = float(V.min()), float(V.max())
    hi = hi if hi > lo else lo + 1.0
    ramp = paint.colour_ramp(VIRIDIS, levels)
    png = paint.encode_png(paint.level_indices(V[::-1], lo, hi, levels), ramp)
    dx, dy = xs[1] - xs[0], ys[1] - ys[0]
    ticks = paint.nice_ticks(lo, hi, 5)
    layers = [{"type": "image", "src": paint.png_data_url(png), "smooth": True,
               "x": paint.rounded([xs[0] - dx / 2, xs[-1] + dx / 2], 6),
               "y": paint.rounded([ys[0] - dy / 2, ys[-1] + dy / 2], 6)},
              {"type": "lines", "name": "contours", "color": "#ffffff99", "width": 1,
               "paths": [p for t in ticks for p in paint.contour_paths(xs, ys, V, t, decimals=4)]}]
    path = sl.project(trajectory) if trajectory is not None else {"steps": []}
    if len(path["steps"]):
        xy = paint.rounded(np.nan_to_num(path["coords"]).ravel(), 5)
        layers += [{"type": "lines", "name": "trajectory", "paths": [xy], "color": "#ffffff", "width": 2},
                   {"type": "points", "name": "trajectory points", "xy": xy, "shape": "circle", "size": 5,
                    "fill": "#ffffff", "stroke": "#222222", "line": 1,
                    "tips": [f"step {k}" for k in path["steps"]]}]
    c = len(xs) // 2
    layers.append({"type": "points", "name": "current", "xy": paint.rounded([xs[c], ys[c]], 6), "shape": "diamond",
                   "size": 14, "fill": "#e66101", "stroke": "#ffffff", "line": 2,
                   "tip": f"current weights, step {sl.step}: loss {sl.centre:.6g}"})
    kind = ("the exact landscape" if sl.exact else "along two parameters, the others fixed" if sl.parameter_axes
            else "two filter-normalised random directions")
    return {
        "title": f"Training loss around the weights of step {sl.step} ({kind})",
        "aspect": "equal" if sl.parameter_axes else 1.0, "max_height": max_height,
        "x": {"range": paint.rounded([xs[0], xs[-1]], 6), "label": sl.axis_names[0],
              "ticks": paint.tick_labels(xs[0], xs[-1])},
        "y": {"range": paint.rounded([ys[0], ys[-1]], 6), "label": sl.axis_names[1],
              "ticks": paint.tick_labels(ys[0], ys[-1])},
        "layers": layers,
        "colorbar": {"src": paint.png_data_url(paint.encode_png(ramp[::-1].reshape(-1, 1, 3))), "range": [lo, hi],
                     "ticks": [[t, f"{10 ** t:.3g}"] for t in ticks], "label": "loss", "smooth": True},
    }
