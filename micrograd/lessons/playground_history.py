"""The playground's past: weight snapshots to scrub through, a kept reference run, and edited weights.

- `Snapshots` records the model's weights (and gradients, metrics, epoch) after training steps, every
  step until `SNAPSHOT_CAP` are kept, then every 2nd, 4th, ... step (the oldest half is thinned, as
  `Trainer.history` thins its curves), so memory stays bounded: 128 x 2 x 97 floats at the default
  network (~200 KB), ~880 KB at the largest (6 x 8 hidden, 7 features). `view_at(step)` gives a read-only
  copy of the trainer at a recorded step, for the page to draw every view from (TensorFlow Playground
  issue #47: read the loss at a step); scrubbing changes nothing of the run. `rewind(step)` is the one
  that does: the run goes back to that step (weights, step counter, epoch, curves), with a fresh optimizer
  state (momentum buffers and Adam's moments are not recorded), and the later snapshots are dropped.
- `Reference` keeps a run's curves and its decision boundary (the score = 0 contour, as polylines), for
  `curves_scene(reference=...)` and `boundary_scene(outline=...)` to draw faded beside the next run.
- `set_weight` changes one weight of the model in place (both engines read the scalar `MLP`'s weights at
  every step: the Tensor engine copies them into its arrays with `TensorMLP.from_mlp` each step) and
  re-evaluates the metrics at once.
"""

import copy
import math

import numpy as np

from micrograd.lessons.landscape import data_digest
from micrograd.lessons.playground_paint import boundary_scene

__all__ = ["SNAPSHOT_CAP", "Snapshots", "Reference", "keep_reference", "run_signature", "set_weight", "edge_weight"]

#: snapshots kept at most (then every other one is dropped and the recording stride doubles)
SNAPSHOT_CAP = 128


def _params(trainer):
    return trainer.model.parameters()


class Snapshots:
    """Weight snapshots of one trainer's run, bounded in number.

    Args:
        trainer: the `micrograd.train.Trainer` to record (its state now is recorded at once).
        cap: most snapshots kept (>= 4).

    Attributes:
        trainer: the recorded trainer; stride: steps between recorded snapshots (1, then 2, 4, ...);
        items: the snapshots, oldest first, dicts with 'step', 'epoch', 'weights' and 'grads' (float64
        arrays in `parameters()` order), 'current' (`Trainer.current` at that step).
    """

    def __init__(self, trainer, cap=SNAPSHOT_CAP):
        if cap < 4:
            raise ValueError(f"cap must be >= 4, got {cap!r}")
        self.trainer, self.cap, self.stride, self.items = trainer, int(cap), 1, []
        self.record()

    @property
    def steps(self):
        """The recorded steps, rising."""
        return [it["step"] for it in self.items]

    def record(self):
        """Record the trainer's state now if its step is due (a multiple of `stride`, or the first).

        A step at or before the newest snapshot (the divergence guard or a rewind went back, or a weight was
        edited) first drops the snapshots from that step on, so the newest snapshot always shows the run
        as it is. Returns True if a snapshot was taken.
        """
        tr = self.trainer
        while self.items and self.items[-1]["step"] >= tr.step_count:
            self.items.pop()
        if self.items and tr.step_count % self.stride:
            return False
        params = _params(tr)
        self.items.append({
            "step": int(tr.step_count), "epoch": float(tr.epoch),
            "weights": np.fromiter((p.data for p in params), dtype=np.float64, count=len(params)),
            "grads": np.fromiter((p.grad for p in params), dtype=np.float64, count=len(params)),
            "current": dict(tr.current),
        })
        if len(self.items) > self.cap:  # thin: keep the steps that are multiples of the doubled stride
            self.stride *= 2
            kept = [it for it in self.items[:-1] if it["step"] % self.stride == 0] + self.items[-1:]
            self.items = kept[-self.cap:]
        return True

    def at(self, step):
        """The snapshot recorded at `step`. Raises KeyError if there is none."""
        for it in self.items:
            if it["step"] == step:
                return it
        raise KeyError(f"no snapshot at step {step}: recorded steps are {self.steps[:3]}...{self.steps[-3:]}")

    def view_at(self, step):
        """A copy of the trainer as it was at recorded `step`, to draw from (the run itself is untouched).

        Its model holds the snapshot's weights and gradients, `step_count`, `epoch` and `current` are the
        snapshot's, and `history` holds the curve points up to that step. Raises KeyError as `at`.
        """
        snap = self.at(step)
        view = copy.copy(self.trainer)
        view.model = copy.deepcopy(self.trainer.model)
        for p, w, g in zip(view.model.parameters(), snap["weights"].tolist(), snap["grads"].tolist(), strict=True):
            p.data, p.grad = w, g
        view.step_count, view.epoch, view.current = snap["step"], snap["epoch"], dict(snap["current"])
        keep = sum(1 for s in self.trainer.history["step"] if s <= step)
        view.history = {k: list(v[:keep]) for k, v in self.trainer.history.items()}
        view.diverged_history = view.diverged_at = view.restored_step = view.diverged_lr = None
        return view

    def rewind(self, step):
        """Take the run back to recorded `step`: weights, gradients, step counter, epoch, curves (points after
        it dropped), a fresh optimizer state (not recorded: SGD's momentum and Adam's moments start from 0),
        and the divergence guard's checkpoint forgotten (it may be of a later step). The snapshots after
        `step` are dropped. Raises KeyError as `at`.
        """
        snap = self.at(step)
        tr = self.trainer
        for p, w, g in zip(_params(tr), snap["weights"].tolist(), snap["grads"].tolist(), strict=True):
            p.data, p.grad = w, g
        tr.step_count, tr.epoch = snap["step"], snap["epoch"]
        keep = sum(1 for s in tr.history["step"] if s <= step)
        tr.history = {k: list(v[:keep]) for k, v in tr.history.items()}
        tr.optimizer = type(tr.optimizer)(tr.optimizer.params, lr=tr.lr)
        tr.diverged_history = tr.diverged_at = tr.restored_step = tr.diverged_lr = None
        tr.restart_guard()  # the guard's lowest-loss checkpoint may be a later step's: start afresh
        tr.current = tr.evaluate()
        self.record()  # drops the snapshots from `step` on (tr.step_count is `step` now), then records it


class Reference:
    """A kept run: its curves and its decision boundary, to compare the next run with.

    Attributes:
        history: `Trainer.history` at the time it was kept (a copy: dict of lists);
        outline: the decision boundary then, as polylines in data coordinates (`keep_reference`);
        step: the step it was kept at;
        signature: what a run must share with it to be compared (`run_signature`): the task, the loss
            and the training and test data.
    """

    def __init__(self, history, outline, step, signature=None):
        self.history, self.outline, self.step, self.signature = history, outline, int(step), signature
        self._fits = {}  # (run, loss) -> answer: a run's data never change, so its digest is taken once

    def fits(self, trainer):
        """Does `trainer`'s run compare with this one (same task, loss and data: `run_signature`)?"""
        if self.signature is None:
            return True
        key = (trainer.run_id, trainer.loss)  # the loss can change within a run
        if key not in self._fits:
            self._fits[key] = self.signature == run_signature(trainer)
        return self._fits[key]


def run_signature(trainer):
    """(task, loss, a digest of the training and test data): runs with equal signatures draw their curves on
    the same loss axis and their boundaries over the same points (the digest: `landscape.data_digest`)."""
    return trainer.task, trainer.loss, data_digest(trainer.X_train, trainer.y_train, trainer.X_test, trainer.y_test)


def keep_reference(trainer):
    """The trainer's run now as a `Reference`: its curves, and the lines its boundary view draws (`boundary_scene`'s
    boundary line: the score = 0 contour, or the borders between the classes of a multiclass run; none for
    regression)."""
    scene = boundary_scene(trainer)
    outline = next((lay["paths"] for lay in scene["layers"] if lay["type"] == "lines" and "name" not in lay), [])
    return Reference({k: list(v) for k, v in trainer.history.items()}, outline, trainer.step_count,
                     run_signature(trainer))


def _weight(trainer, layer, row, col):
    try:
        if min(layer, row, col) < 0:
            raise IndexError
        return trainer.model.layers[layer].neurons[row].w[col]
    except IndexError:
        sizes = [len(lay.neurons) for lay in trainer.model.layers]
        raise ValueError(f"no weight w[{row + 1},{col + 1}] in layer {layer + 1}: the layers have {sizes} "
                         "neurons") from None


def edge_weight(trainer, layer, row, col):
    """The weight from input `col` to neuron `row` of layer `layer` (all 0-based; layer 0 reads the inputs)
    and its gradient from the last step: (w, dL/dw). Raises ValueError for an edge the network lacks."""
    p = _weight(trainer, layer, row, col)
    return p.data, p.grad


def set_weight(trainer, layer, row, col, value):
    """Set one weight (indices as `edge_weight`) to `value`, in place, and re-evaluate the metrics.

    The model changes for both engines (the Tensor engine builds its arrays from the scalar model at every
    step); the step counter and the curves stay (the edit is not a training step); `trainer.current` (the
    metrics every view shows) is recomputed at once.

    Raises:
        ValueError: for an edge the network lacks, or a value that is not a finite number.
    """
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"a weight must be a finite number, got {value!r}")
    _weight(trainer, layer, row, col).data = value
    trainer.current = trainer.evaluate()
