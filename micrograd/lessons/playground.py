"""Lesson logic of the "Train an MLP" playground: configuration, presets, URL, export.

Everything the page shows is built here, without streamlit:

- `PlaygroundConfig`, its ranges (`RANGES`) and the choices for each control;
- `PRESETS`, classroom scenarios that set everything at once;
- (the configuration as a link, with its validation and notices, is `playground_url`);
- `build_trainer`, `apply_hyperparameters`, `needs_reset`: from a configuration to a
  `micrograd.train.Trainer`, and which changes reset the model;
- `boundary_grid` and `dead_units`, which the live views use (the views themselves, the
  boundary, the network diagram and the curves, are scenes built in `playground_paint`);
- `cost_meter`, `history_csv`, `weights_json`.

Colours: the classes and signs use ColorBrewer's PuOr diverging scheme (purple = +1 /
positive, orange = -1 / negative), which stays distinguishable with the common forms of
colour blindness; classes also differ by marker symbol. Three classes use `CLASS_COLOURS`
(Okabe & Ito's blue and bluish green with PuOr's orange), a regression's targets and
predictions PuOr over the targets' range.

Problems (`PROBLEMS`): 'classification' (the binary datasets and the 3-class ones) or
'regression' (TF Playground's plane and Gaussian); the dataset fixes the task
(`micrograd.data.TASKS`) and the task the losses it trains with (`TASK_LOSSES`): `fit_problem`
makes any configuration consistent.
"""

import csv
import dataclasses
import io
import json
from dataclasses import dataclass, field

import numpy as np

from micrograd import functional
from micrograd.data import DATASETS, MULTICLASS_DATASETS, REGRESSION_DATASETS, TASKS, make_dataset
from micrograd.engines import ENGINES
from micrograd.features import DEFAULT_FEATURES
from micrograd.lessons.notation import LOSS_NOTATION
from micrograd.losses import TASK_LOSSES
from micrograd.nn import ACTIVATIONS
from micrograd.optim import OPTIMIZERS
from micrograd.train import REGULARIZERS, Trainer

__all__ = [
    "PlaygroundConfig", "PURPLE_LINE", "INPUT_GREY",
    "RANGES", "LR_OPTIONS", "RATE_OPTIONS", "STOP_LOSS_OPTIONS", "stop_reason",
    "OPTIMIZER_LABELS", "REG_LABELS", "LOSS_LABELS", "EDGE_VIEWS", "PRESETS",
    "MAX_LAYERS", "MAX_WIDTH", "build_trainer", "apply_hyperparameters",
    "needs_reset", "reset_reason", "preset_config", "divergence_message", "recovery_message",
    "batch_options", "boundary_grid", "grid_inputs", "cost_meter", "SCORE_RANGE",
    "history_csv", "weights_json", "dead_units",
    "PROBLEMS", "PROBLEM_DATASETS", "DATASET_LABELS", "CLASS_COLOURS", "CLASS_NAMES", "problem_of",
    "task_losses", "fit_problem", "score_metrics", "boundary_caption", "same_training_set", "fit_problem_note",
    "TASK_TARGETS",
]

PURPLE = "#5e3c99"  # PuOr, class +1 / positive
#: PuOr's lighter purple, for lines, edges and nodes drawn on the page itself: >= 4:1 on the light and the
#: dark theme's background, where PURPLE is 2.2:1 on dark (PURPLE stays for points over the boundary's colours)
PURPLE_LINE = "#8073ac"
INPUT_GREY = "#808080"  # the network's input nodes: ~4:1 on both themes
ORANGE = "#e66101"  # PuOr, class -1 / negative
ZERO_GREY = "#aaaaaa"  # edges whose weight or gradient is exactly 0
OUTLINE_DARK = "#222222"  # the dark edge around test points (and the boundary line's colour)
#: ColorBrewer PuOr (7 classes), orange (low) -> white -> purple (high)
PUOR = [[0.0, "#b35806"], [0.17, "#f1a340"], [0.33, "#fee0b6"], [0.5, "#f7f7f7"],
        [0.67, "#d8daeb"], [0.83, "#998ec3"], [1.0, "#542788"]]

#: learning rates offered (log scale, 1e-5 to 10, TensorFlow Playground's range)
LR_OPTIONS = (0.00001, 0.00003, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
#: regularization rates offered, for L1 or L2 (0 to 0.1)
RATE_OPTIONS = (0.0, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1)
#: the optimizers (`micrograd.optim.OPTIMIZERS`) and the regularizers (`micrograd.train.REGULARIZERS`),
#: by URL name, as the page labels them
OPTIMIZER_LABELS = {name: cls.__name__ for name, cls in OPTIMIZERS.items()}
REG_LABELS = dict(zip(REGULARIZERS, ("none", "L1 (lasso)", "L2 (weight decay)"), strict=True))
#: "stop when the train loss is below" thresholds offered (0: never)
STOP_LOSS_OPTIONS = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3)
#: every loss the page offers (each task's, `TASK_LOSSES`), with its label (one table of every loss's label:
#: notation.LOSS_NOTATION); `task_losses` says which of them a dataset's task trains with
LOSS_LABELS = {name: LOSS_NOTATION[name].label for losses in TASK_LOSSES.values() for name in losses}
#: the problems the page offers (URL ``problem=``), with the datasets of each: classification holds the binary
#: datasets (labels -1/+1) and the 3-class ones (labels 0, 1, 2), regression TF Playground's two
PROBLEM_DATASETS = {"classification": DATASETS + MULTICLASS_DATASETS, "regression": REGRESSION_DATASETS}
PROBLEMS = tuple(PROBLEM_DATASETS)
_PROBLEM_OF = {name: problem for problem, names in PROBLEM_DATASETS.items() for name in names}
#: each dataset as the dataset picker names it: the 3-class ones say so
DATASET_LABELS = {name: f"{name} (3 classes)" if TASKS[name] == "multiclass" else name for name in TASKS}
#: a 3-class run's class colours and names (class 0, 1, 2): Okabe & Ito's blue and bluish green with PuOr's
#: orange, >= 3:1 on the light and the dark page and apart under protanopia and deuteranopia (tests/test_theme.py's
#: check, as in tests/test_page_playground_problems.py); the classes also differ by marker shape
CLASS_COLOURS = ("#0072b2", "#e66101", "#009e73")
CLASS_NAMES = ("blue", "orange", "green")
#: what edge width shows in the network diagram
EDGE_VIEWS = {"weight": "|w| (weights)", "gradient": "|∂L/∂w| (gradients)"}
MAX_LAYERS = 6
MAX_WIDTH = 16

#: the curves' loss axis turns logarithmic once the loss exceeds this many times its first value
LOG_AXIS_GROWTH = 1000.0
#: the accuracy axis: 0% and 100% with room around them, so a line at 100% is not cut by the plot's edge
ACCURACY_RANGE = (-0.05, 1.05)
#: the discretized boundary: class -1 and class +1 as two flat PuOr tints (the step at score 0)
CLASS_SCALE = [[0.0, "#f1a340"], [0.5, "#f1a340"], [0.5, "#998ec3"], [1.0, "#998ec3"]]
#: colour range of the boundary's scores per loss: +-1 is the hinge/MSE target, logits spread wider
SCORE_RANGE = {"hinge": 1.5, "mse": 1.5, "bce": 4.0}


@dataclass
class PlaygroundConfig:
    """Everything the playground's controls set; the defaults are the page's start.

    Fields (ranges in `RANGES`): dataset, n_points (points in all), noise (data units),
    test_fraction (share held out), seed (data, split and initial weights), features (the
    input features, `micrograd.features`), hidden (widths of 0-6 hidden layers, each 1-16),
    activation, lr (learning rate), optimizer, reg and rate (regularization: none, L1 or L2),
    batch_size (0 = all), loss, momentum, engine, steps_per_frame (steps per animation
    frame), discretize (two-colour boundary), show_test (draw test points), edge_view
    ('weight' or 'gradient'), present (presenter mode: large type, controls in a compact bar),
    stop_step and stop_loss (stop rules: pause at that step, or once the train loss is below
    that value; 0 for never), so an instructor can line a class up at the same point.

    `problem` ('classification' or 'regression', `PROBLEMS`) says which datasets the dataset
    picker offers (`PROBLEM_DATASETS`); the dataset fixes the task (`task`) and with it the
    losses (`task_losses`). A configuration whose dataset or loss does not fit is made
    consistent by `fit_problem` (which `build_trainer` applies).

    The default (moons 100, 8-8 tanh, hinge, lr 0.3, full batch) reaches >= 97% training
    accuracy in about 120 steps.
    """

    problem: str = "classification"
    dataset: str = "moons"
    n_points: int = 100
    noise: float = 0.1
    test_fraction: float = 0.2
    seed: int = 0
    features: tuple = field(default=DEFAULT_FEATURES)
    hidden: tuple = field(default=(8, 8))
    activation: str = "tanh"
    lr: float = 0.3
    optimizer: str = "sgd"
    reg: str = "none"
    rate: float = 0.0
    batch_size: int = 0
    loss: str = "hinge"
    momentum: float = 0.0
    engine: str = "scalar"
    steps_per_frame: int = 5
    discretize: bool = False
    show_test: bool = True
    edge_view: str = "weight"
    present: bool = False
    stop_step: int = 0
    stop_loss: float = 0.0

    @property
    def task(self):
        """The dataset's task: 'binary', 'multiclass' or 'regression' (`micrograd.data.TASKS`)."""
        return TASKS[self.dataset]

    def points_key(self):
        """The fields that make the generated points (a student's own points stay while these do)."""
        return (self.dataset, self.n_points, self.noise, self.seed)

    def data_key(self):
        """The fields that define the data and the split: changing one resets the model."""
        return self.points_key() + (self.test_fraction,)

    def architecture_key(self):
        """The fields that define the network (its inputs included): changing one resets the model."""
        return (tuple(self.features), tuple(self.hidden), self.activation)

    def replace(self, **changes):
        """A copy with some fields changed (`dataclasses.replace`)."""
        return dataclasses.replace(self, **changes)


#: per field: ("choice", options) | ("int", lo, hi) | ("float", lo, hi) | ("bool",) | ("layers", n, width)
#: | ("features",) (a tuple of `micrograd.features.FEATURES` names)
RANGES = {
    "problem": ("choice", PROBLEMS),
    "dataset": ("choice", tuple(TASKS)),
    "n_points": ("int", 20, 300),
    "noise": ("float", 0.0, 0.5),
    "test_fraction": ("float", 0.0, 0.5),
    "seed": ("int", 0, 9999),
    "features": ("features",),
    "hidden": ("layers", MAX_LAYERS, MAX_WIDTH),
    "activation": ("choice", tuple(ACTIVATIONS)),
    "lr": ("choice", LR_OPTIONS),
    "optimizer": ("choice", tuple(OPTIMIZER_LABELS)),
    "reg": ("choice", tuple(REG_LABELS)),
    "rate": ("choice", RATE_OPTIONS),
    "batch_size": ("int", 0, 300),
    "loss": ("choice", tuple(LOSS_LABELS)),
    "momentum": ("float", 0.0, 0.99),
    "engine": ("choice", ENGINES),
    "steps_per_frame": ("int", 1, 20),
    "discretize": ("bool",),
    "show_test": ("bool",),
    "edge_view": ("choice", tuple(EDGE_VIEWS)),
    "present": ("bool",),
    "stop_step": ("int", 0, 100_000),
    "stop_loss": ("choice", STOP_LOSS_OPTIONS),
}


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
    "circles need squared features": (
        "Circles are not separable by a line in x₁, x₂ (a network with no hidden layer stays near 50%), but "
        "they are in x₁² and x₂²: with those two input features and no hidden layer, one neuron reaches 100% "
        "in about 50 steps. Switch the features back to x₁, x₂ and watch it fail.",
        {"dataset": "circles", "features": ("x1sq", "x2sq"), "hidden": ()},
    ),
    "the original micrograd demo": (
        "Karpathy's demo.ipynb: moons, MLP 2-16-16-1 with ReLU, hinge loss + 1e-4 L2, full batch.",
        {"hidden": (16, 16), "activation": "relu", "loss": "hinge", "reg": "l2", "rate": 0.0001, "lr": 1.0,
         "test_fraction": 0.0, "steps_per_frame": 2},
    ),
    "regression: fit the plane": (
        "TF Playground's plane: each point's target is (x₁ + x₂) / 10, a real number. With no hidden layer the "
        "network is linear regression (one linear output w₁x₁ + w₂x₂ + b, trained with MSE) and fits it: R² "
        "passes 0.95 at step 14. The heatmap is the prediction, each point's colour its target.",
        {"problem": "regression", "dataset": "plane", "loss": "mse", "hidden": (), "lr": 0.01, "steps_per_frame": 1},
    ),
    "three classes with softmax": (
        "Three clusters, three output logits: softmax turns them into probabilities and cross-entropy trains "
        "them. Each region takes its most likely class's colour, paler where the model is less sure; training "
        "accuracy reaches 95% at step 6, and the confusion matrix counts what each class is taken for.",
        {"dataset": "blobs3", "loss": "ce", "noise": 0.2, "hidden": (8,), "lr": 0.3, "steps_per_frame": 2},
    ),
}


def preset_config(name):
    """The configuration of preset `name` (defaults + its fields). Raises KeyError if unknown."""
    return PlaygroundConfig(**PRESETS[name][1])


# --- problem, dataset and loss ---

def problem_of(dataset):
    """The problem (`PROBLEMS`) whose dataset picker lists `dataset` (`PROBLEM_DATASETS`): 'regression' or
    'classification'. Raises KeyError for a dataset that is not in `micrograd.data.TASKS`."""
    return _PROBLEM_OF[dataset]


def task_losses(dataset):
    """The losses `dataset`'s task trains with (`TASK_LOSSES`), the default first: e.g. ('mse',) for plane."""
    return TASK_LOSSES[TASKS[dataset]]


def fit_problem(cfg):
    """`cfg` made consistent: a dataset of its problem, and a loss that dataset's task trains with.

    A dataset the problem does not list becomes the problem's first (`PROBLEM_DATASETS`: moons,
    or plane); a loss the task does not train with becomes the task's default (`TASK_LOSSES`:
    hinge, mse or ce). The one rule of which loss trains which task is `micrograd.losses.check_task_loss`.

    Returns:
        (cfg, changed): the consistent configuration and the names of the fields changed
        ('dataset', 'loss'), in that order; ``changed == []`` and the same `cfg` if it already was.
    """
    changed = []
    if cfg.dataset not in PROBLEM_DATASETS[cfg.problem]:
        cfg, changed = cfg.replace(dataset=PROBLEM_DATASETS[cfg.problem][0]), ["dataset"]
    if cfg.loss not in task_losses(cfg.dataset):
        cfg, changed = cfg.replace(loss=task_losses(cfg.dataset)[0]), changed + ["loss"]
    return cfg, changed


#: what each task's targets are, as the page's notes say it
TASK_TARGETS = {"binary": "two classes", "multiclass": "three classes", "regression": "real-valued targets"}


def fit_problem_note(cfg, changed):
    """The sentence the page shows after `fit_problem` changed `changed` (['loss'], or ['dataset', ...]) to give `cfg`.

    A loss alone: why (the dataset's targets, `TASK_TARGETS`); a dataset too: the problem's dataset and loss now.
    """
    if changed == ["loss"]:
        return f"{cfg.dataset} has {TASK_TARGETS[cfg.task]}, so the loss is {LOSS_LABELS[cfg.loss]}."
    return f"{cfg.problem.capitalize()}: dataset {cfg.dataset}, loss {LOSS_LABELS[cfg.loss]}."


# --- trainer ---

def build_trainer(cfg, data=None):
    """A fresh `Trainer` for the configuration: makes the data, splits it, initializes the model.

    `data`: the points ``(X, y)`` to train on instead of the dataset's (a student's own, of the
    dataset's task: `micrograd.lessons.user_data`); None makes ``cfg.dataset``.

    The dataset's task is the trainer's problem (``problem=cfg.task``: binary, multiclass with
    one logit per class, or regression with one linear output); an inconsistent dataset or
    loss is first fitted to the problem (`fit_problem`).

    Raises:
        ValueError: from `Trainer` (e.g. the tensor engine is not available).
    """
    cfg = fit_problem(cfg)[0]
    X, y = make_dataset(cfg.dataset, cfg.n_points, cfg.noise, cfg.seed) if data is None else data
    return Trainer(X, y, test_fraction=cfg.test_fraction, hidden=tuple(cfg.hidden), activation=cfg.activation,
                   lr=cfg.lr, optimizer=cfg.optimizer, reg=cfg.reg, rate=cfg.rate, momentum=cfg.momentum,
                   batch_size=cfg.batch_size, loss=cfg.loss, seed=cfg.seed, engine=cfg.engine,
                   features=tuple(cfg.features), problem=cfg.task)


def same_training_set(a, b):
    """Do trainers `a` and `b` train on the same examples, in the same order (equal X_train and y_train)?

    A training point's index names the same example in both only then (a Reset, a new network, a new
    learning rate keep the data and the split; new data, an edited point or another split do not).
    """
    return (a.X_train.shape == b.X_train.shape and np.array_equal(a.X_train, b.X_train)
            and np.array_equal(a.y_train, b.y_train))


def apply_hyperparameters(trainer, cfg):
    """Copy learning rate, optimizer, regularization, momentum, batch size, loss and engine to a running trainer.

    They apply from the next step; the weights are kept. A loss the trainer's task does not
    train with is not copied (the page offers only `task_losses`; `fit_problem` fits a configuration).
    """
    trainer.lr, trainer.optimizer_name, trainer.momentum = cfg.lr, cfg.optimizer, cfg.momentum
    trainer.reg, trainer.rate = cfg.reg, cfg.rate
    trainer.batch_size, trainer.engine = cfg.batch_size, cfg.engine
    if trainer.loss != cfg.loss and cfg.loss in TASK_LOSSES[trainer.task]:
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


def stop_reason(trainer, cfg):
    """Why training must not go on, by the configuration's stop rules, or '' to go on.

    Checked before every step: at `cfg.stop_step` (> 0) steps, or once the train loss (the curves'
    data loss) is below `cfg.stop_loss` (> 0). Play at a stop therefore trains nothing until the
    rule is raised or switched off (0).

    Returns:
        a plain-text sentence for the page's notice, or ''.
    """
    if cfg.stop_step and trainer.step_count >= cfg.stop_step:
        return (f"Stopped at step {trainer.step_count}: the stop rule says step {cfg.stop_step}. "
                "Raise it (or set 0) to go on.")
    loss = trainer.current["train_loss"]
    if cfg.stop_loss and loss < cfg.stop_loss:
        return (f"Stopped at step {trainer.step_count}: the train loss {loss:.4g} is below the stop rule's "
                f"{cfg.stop_loss:g}. Lower it (or set 0) to go on.")
    return ""


def divergence_message(trainer):
    """The red banner after the divergence guard fired, or '' (none, or the learning rate was lowered).

    'loss diverged at step N: lower the learning rate (training went back to step K, the
    lowest loss so far)'; K is `trainer.restored_step`, the step the run is on again. Once
    `trainer.lr` is below the rate that diverged, '' (see `recovery_message`).
    """
    if trainer.diverged_at is None or (trainer.diverged_lr is not None and trainer.lr < trainer.diverged_lr):
        return ""
    return (f"loss diverged at step {trainer.diverged_at}: lower the learning rate (training went back to "
            f"step {trainer.restored_step}, the lowest loss so far)")


def recovery_message(trainer):
    """After a divergence, once the learning rate is lowered: what happens next; else ''."""
    if trainer.diverged_at is None or divergence_message(trainer):
        return ""
    return (f"Learning rate lowered to {trainer.lr:g} (step {trainer.diverged_at} diverged at "
            f"{trainer.diverged_lr:g}): press Play or Step to train on from step {trainer.step_count}.")


def batch_options(n_train):
    """Batch sizes to offer for a training set of `n_train`: powers of two below it, then 0 (all)."""
    opts = [b for b in (1, 2, 4, 8, 16, 32, 64, 128, 256) if b < n_train]
    return opts + [0]


# --- what the live views share ---

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


#: (run, grid size) -> the grid and the model's inputs on it, for the last runs drawn (`grid_inputs`)
_GRID_INPUTS = {}
GRID_CACHE_RUNS = 48  # entries kept: a 100 x 100 grid of the 7 features is 0.56 MB, of x1 and x2 0.16 MB


def grid_inputs(trainer, size=100):
    """The `boundary_grid` over `trainer`'s data (train and test points) and the model's inputs there
    (`Trainer.inputs`: the input features), computed once per run and size: a run's points and features
    never change (new data or features make a new Trainer, with a new `run_id`), and every frame draws
    them again (measured: 0.4 ms a frame for the default 100 x 100 grid).

    Returns:
        (xs, ys, inputs): the grid's coordinates (each (size,)) and the inputs, (size * size, n_features),
        row by row (y outer, x inner); read-only arrays, shared by every caller.
    """
    key = (trainer.run_id, size)
    hit = _GRID_INPUTS.get(key)
    if hit is None:
        xs, ys, G = boundary_grid(np.vstack([trainer.X_train, trainer.X_test]), size)
        inputs = np.array(trainer.inputs(G), dtype=np.float64)
        for a in (xs, ys, inputs):
            a.setflags(write=False)
        hit = (xs, ys, inputs)
        while len(_GRID_INPUTS) >= GRID_CACHE_RUNS:  # the oldest entry goes (dicts keep insertion order)
            _GRID_INPUTS.pop(next(iter(_GRID_INPUTS)), None)
        _GRID_INPUTS[key] = hit
    return hit


def dead_units(trainer):
    """For a ReLU network, which hidden units output 0 on every training point.

    Returns:
        list over hidden layers of boolean numpy arrays (True = dead); all False for other
        activations (their units always pass some signal).
    """
    layers = functional.layer_arrays(trainer.model)
    if trainer.activation != "relu":  # no other unit outputs exactly 0 everywhere: no forward pass (every frame asks)
        return [np.zeros(W.shape[0], dtype=bool) for W, _ in layers[:-1]]
    with np.errstate(all="ignore"):
        _, outputs = functional.forward(layers, trainer.inputs(trainer.X_train), trainer.activation, keep=True)
    # relu(z) == 0 exactly where z <= 0 (a nan stays nan, so it is not counted as dead)
    return [np.all(A == 0.0, axis=0) for A in outputs[:-1]]


# --- meter and export ---

def cost_meter(trainer):
    """The cost meter's figures: parameters, Value nodes per step, ms per step, steps per second.

    Returns:
        dict with 'parameters' (int), 'nodes_per_step' (int, 0 before the first step),
        'ms_per_step' (float, moving average), 'steps_per_second' (float).
    """
    return {"parameters": trainer.n_params, "nodes_per_step": trainer.nodes_per_step,
            "ms_per_step": trainer.ms_per_step, "steps_per_second": trainer.steps_per_second}


#: the headline metric (`Trainer.metric`) as the page's metrics name and write it
_METRIC_TEXT = {"acc": ("accuracy", "{:.0%}"), "r2": ("R²", "{:.3f}")}


def score_metrics(trainer):
    """The run's headline metric (`Trainer.metric`) on the train and the test set, as the page shows them.

    Returns:
        [(label, text), (label, text)]: 'Train accuracy' and 'Test accuracy' as whole percentages
        (binary and multiclass), or 'Train R²' and 'Test R²' with 3 decimals (regression, where
        accuracy has no meaning); '–' for an empty test set or a value that is not finite (an
        R² of constant targets, a diverged run).
    """
    name, fmt = _METRIC_TEXT[trainer.metric]
    out = []
    for split in ("train", "test"):
        v = trainer.current[f"{split}_{trainer.metric}"]
        empty = split == "test" and not len(trainer.y_test)
        out.append((f"{split.capitalize()} {name}", "–" if empty or not np.isfinite(v) else fmt.format(v)))
    return out


def boundary_caption(trainer, discretize=False, neuron=None):
    """The legend under the boundary chart, for the run's task: what the points, colours and lines mean.

    `neuron`: the (hidden layer, unit) pair, 1-based layer, that the boundary view shows large instead of
    the output (the network diagram's click); the caption then says so and names no decision boundary.

    Binary: the two classes (purple +1, orange -1) and the score = 0 line; multiclass: each class's colour
    and marker (`CLASS_COLOURS`, `CLASS_NAMES`), the regions' shading and the lines where two classes tie;
    regression: the heatmap is the prediction, the points' colours their targets (discretizing has no
    classes to show). Test points are hollow in every task. Returns plain text (no untrusted part).
    """
    test = "hollow, on a white disc: test points"
    if neuron is not None:
        layer, unit = neuron
        return (f"heatmap: hidden layer {layer}, neuron {unit + 1}: its output at each point of the plane "
                f"(colour bar) · the points as in the output's view · {test} · click the output node, or "
                "“Back to the output”, for the model's output")
    if trainer.task == "regression":
        return ("heatmap: the prediction, purple high, orange low, white 0 (colour bar: ± the largest target) · "
                "● points coloured by their target, dark edge (a point blends in where the prediction fits it) · "
                f"{test}"
                + (" · Discretize has no classes to show in a regression" if discretize else ""))
    if trainer.task == "multiclass":
        marks = ("●", "■", "◆")
        classes = " · ".join(f"{marks[c % 3]} class {c} ({CLASS_NAMES[c % 3]})" for c in range(trainer.n_classes))
        shade = "" if discretize else ", paler where its softmax probability is lower"
        return (f"{classes} · region: the most likely class (argmax){shade} · {test} · "
                "black lines: where two classes' logits tie")
    return f"● class +1 (purple) · ■ class −1 (orange) · {test} · black line: the decision boundary, score = 0"


def history_csv(trainer):
    """The loss/accuracy history as CSV text: a header `step,epoch,train_loss,...` then one row per point.

    The columns are the run's `Trainer.history_fields`: a regression run's end with train_r2,
    test_r2 (its accuracy columns are nan).

    After the divergence guard fired, the rows end at the step the run went back to, with that
    step's (finite) values: the undone points are not in the history (see `Trainer.step`).
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(trainer.history_fields)
    h = trainer.history
    for row in zip(*(h[k] for k in trainer.history_fields), strict=False):
        w.writerow([repr(v) if isinstance(v, float) else v for v in row])
    return buf.getvalue()


def weights_json(trainer, cfg=None):
    """The current weights as JSON text.

    Keys: 'architecture' (layer widths, inputs first), 'activation', 'step', 'weights_from_step'
    (the same: the divergence guard takes the step counter back with the weights), 'layers'
    (per layer: 'weights' nout x nin, 'biases'), 'parameters' (flat, in `MLP.parameters()`
    order, loadable with `set_parameter_values`), and 'config' (the playground settings)
    when `cfg` is given.
    """
    layers = [{"weights": L["weights"], "biases": L["biases"]} for L in trainer.weights()]
    doc = {
        "architecture": [trainer.model.nin] + [len(L["biases"]) for L in layers],
        "activation": trainer.activation,
        "step": trainer.step_count,
        "weights_from_step": trainer.step_count,
        "layers": layers,
        "parameters": trainer.model.parameter_values(),
    }
    if cfg is not None:
        doc["config"] = {k: (list(v) if isinstance(v, tuple) else v)
                         for k, v in dataclasses.asdict(cfg).items()}
    return json.dumps(doc, indent=1)
