"""Training loop for the playground: a `Trainer` that runs every step through an autograd engine.

The engines are `micrograd.engines` (``engine="scalar"|"tensor"``, `get_engine`). Three kinds
of problem, TensorFlow Playground's two and a multiclass one (`micrograd.tasks`, whose names
`micrograd.data.TASKS` uses): binary classification (labels -1/+1, one output, hinge/MSE/BCE),
regression (real targets, one linear output, MSE, curves of R²) and multiclass classification
(labels 0..K-1, K outputs, softmax cross-entropy 'ce'); see `Trainer`'s ``problem=`` and
`micrograd.losses.TASK_LOSSES`.

numpy is used only around the engine: to split and batch the data, and to evaluate the
train/test loss and accuracy (or R²) curves with the graph-free forward `MLP.predict`.
"""

import itertools
import math
import time

import numpy as np

from micrograd.data import split
from micrograd.engines import get_engine
from micrograd.features import check_features, expand
from micrograd.losses import TASK_LOSSES, check_task_loss, l1_value
from micrograd.nn import ACTIVATIONS, MLP
from micrograd.optim import OPTIMIZERS, SGD, AdamW
from micrograd.tasks import confusion_counts, infer_task, predicted_classes, task_metrics

#: run numbers: each Trainer takes the next (`Trainer.run_id`), so caches can key on a run
_RUN_IDS = itertools.count(1)

__all__ = ["HISTORY_FIELDS", "REGRESSION_HISTORY_FIELDS", "REGULARIZERS", "Trainer"]

#: regularizer names the Trainer accepts (``reg=``)
REGULARIZERS = ("none", "l1", "l2")

#: the curves every run records (`Trainer.history`'s keys, the CSV's columns); for regression
#: train_acc and test_acc are nan (accuracy has no meaning for real targets)
HISTORY_FIELDS = ("step", "epoch", "train_loss", "train_acc", "test_loss", "test_acc")
#: a regression run's curves: the same, plus the coefficient of determination R² of each split
REGRESSION_HISTORY_FIELDS = HISTORY_FIELDS + ("train_r2", "test_r2")


class Trainer:
    """Owns the data split, the model, the optimizer and the curves of one training run.

    Args:
        X: float array (n, 2) of all points; y: (n,) labels in {-1, +1} (binary), class
            indices 0..K-1 (multiclass) or real targets (regression), as `problem` says.
        test_fraction: share of points held out for the test curves, in [0, 0.9].
        hidden: widths of the hidden layers, e.g. (8, 8); () for none (a linear model).
        activation: hidden activation, 'relu', 'tanh', 'sigmoid' or 'linear'.
        lr: learning rate > 0. momentum: in [0, 1), SGD's (ignored by Adam and AdamW).
        l2: the L2 rate >= 0, the older spelling of ``reg="l2", rate=l2`` (links made before
            `reg` existed keep meaning L2); give either l2 or reg, not both.
        batch_size: examples per step; 0 or >= the training-set size means full batch.
        loss: binary: 'hinge' (default), 'mse' or 'bce'; regression: 'mse' (the only one,
            and the default); multiclass: 'ce' (softmax cross-entropy, the only one, and the
            default). None: the task's default (`TASK_LOSSES`). Any other pairing is a ValueError.
        seed: seeds the split, the initial weights and the batch order (reproducible runs).
        engine: 'scalar' (the `Value` engine) or 'tensor' (the vectorized numpy engine, `micrograd.tensor`).
        history_cap: the curves keep at most this many points (>= 16): when full, every
            other point is dropped and points are then recorded half as often, so memory is
            bounded however long the run.
        optimizer: 'sgd' (default; with `momentum`), 'adam' or 'adamw' (`micrograd.optim.OPTIMIZERS`),
            with Adam's default betas (0.9, 0.999) and eps 1e-8.
        reg: 'none', 'l1' or 'l2' (None: from `l2`). rate: the regularization rate >= 0.
            L2 adds rate * sum(p^2) to the loss (every parameter, biases too, as the original
            demo). L1 is rate * sum|p| (every parameter too), applied as the optimizer's
            proximal step (`micrograd.optim`, ``l1=``): after each update p moves toward 0 by
            the step size times rate and stops at exactly 0 (soft-thresholding), where the
            subgradient of |p| would make a small weight oscillate around 0 forever.
            TensorFlow Playground's L1 does the same: a regularization step that crosses 0
            lands on 0.
        weight_decay: AdamW's decoupled decay >= 0 (default 0.01, PyTorch's); used only by 'adamw'.
        features: input features of the points X (n, 2), names of `micrograd.features.FEATURES`
            (a sequence or 'x1,x1sq'): the model has one input per feature and sees
            ``expand(X, features)``; X_train and X_test stay the raw points. None (default): X
            as given.
        problem: what is learnt (`micrograd.tasks.PROBLEMS`; `task` holds the answer, a value of
            `micrograd.data.TASKS`):
            'classification' (default): labels all -1/+1 are binary classification (one output,
            as before: ``Trainer(X, y)`` is unchanged), labels that are class indices 0..K-1
            with K = max label + 1 >= 3 are multiclass (K outputs, one logit per class);
            anything else is a ValueError (0/1 labels: convert with y * 2 - 1).
            'regression': real targets, one linear output (the output layer is always linear),
            MSE (``mse_loss(..., regression=True)`` in both engines).
            'binary' or 'multiclass' (``problem=TASKS[name]`` reads well): that task, checked
            against the labels ('multiclass' also takes K = 2, a 2-class softmax).

    Curves (`history`, `current`): ``step, epoch, train_loss, train_acc, test_loss, test_acc``
    (`HISTORY_FIELDS`) for every problem, so every reader of them works on any run. The loss is
    the data loss of the task (for multiclass `micrograd.functional.cross_entropy`); accuracy is
    sign agreement (binary) or `micrograd.functional.multiclass_accuracy` (argmax, multiclass);
    for regression accuracy has no meaning and train_acc/test_acc are nan, and two more curves,
    train_r2 and test_r2 (`micrograd.functional.r2_score`, as scikit-learn's), follow
    (`REGRESSION_HISTORY_FIELDS`). `history_fields` lists the keys of a run, and `metric` is the
    headline one's suffix: 'acc', or 'r2' for regression (``current["train_" + metric]``).
    Predictions for a boundary: `predict` gives scores (n,), or logits (n, K) for multiclass;
    `predict_class` the class (n,) of a classification run; `confusion_matrix` the counts per
    (true, predicted) class on the test or train split, as scikit-learn's.

    The hyperparameters ``lr, l2, reg, rate, momentum, weight_decay, batch_size, loss, engine,
    optimizer_name`` are plain attributes: change them between steps and the next step uses
    them, without resetting the model. Setting ``l2 = x`` means L2 at rate x (for x > 0), or
    a rate of 0 if L2 was on; reading it gives the L2 rate (0.0 unless reg is 'l2'). A new
    `optimizer_name` keeps the weights and starts the new optimizer with fresh state. A `loss`
    the task does not train with raises ValueError at the next step or `evaluate`.

    Attributes:
        task ('binary', 'multiclass' or 'regression'), n_classes (2 for binary, K for
        multiclass, 0 for regression), classes (the labels a class can have, in the order of
        `confusion_matrix`: [-1, 1] or 0..K-1; None for regression), n_outputs (1, or K for
        multiclass), model (MLP), optimizer (the `micrograd.optim` optimizer object, of `optimizer_name`'s
        class), X_train, y_train, X_test, y_test (arrays),
        step_count (int): updates applied; epoch (float): passes over the training set;
        diverged_at (int or None): the step whose loss was nan/inf; restored_step (int or
        None): the step the run then went back to (see `step`); diverged_lr (float or None):
        the learning rate that diverged; diverged_history (dict of lists or None): the curve
        points that were undone, from the restored step on; nodes_per_step (int);
        ms_per_step (float): CPU time of a step in ms (this thread's, `time.thread_time`), moving average;
        last_loss (float): the total loss of the last step (data loss + regularization term,
        before the update); history (dict of lists).

    Raises:
        ValueError: for an unknown activation, loss, engine or problem, a loss the task does not
            train with, labels that do not fit the problem, or out-of-range values.
    """

    def __init__(self, X, y, test_fraction=0.2, hidden=(8, 8), activation="tanh", lr=0.1, l2=0.0,
                 momentum=0.0, batch_size=0, loss=None, seed=0, engine="scalar", history_cap=1000,
                 optimizer="sgd", reg=None, rate=0.0, weight_decay=0.01, features=None, problem="classification"):
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}: choose one of {sorted(ACTIVATIONS)}")
        if history_cap < 16:
            raise ValueError(f"history_cap must be >= 16, got {history_cap!r}")
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y)
        self.run_id = next(_RUN_IDS)  # unique in this process (an id() can be reused once a trainer is freed)
        self.problem = problem
        self.task, self.n_classes = infer_task(y, problem)
        self.n_outputs = self.n_classes if self.task == "multiclass" else 1
        self.classes = (None if self.task == "regression"
                        else np.array([-1, 1]) if self.task == "binary" else np.arange(self.n_classes))
        if loss is None:
            loss = TASK_LOSSES[self.task][0]
        # classes are stratified; regression targets never are, even whole-number ones
        self.X_train, self.X_test, self.y_train, self.y_test = split(X, y, test_fraction, seed,
                                                                     stratify=self.task != "regression")
        self.hidden = tuple(int(h) for h in hidden)
        self.activation = activation
        # input features (micrograd.features): the model sees expand(X, features); None: X itself
        self.features = None if features is None else check_features(features)
        nin = X.shape[1] if self.features is None else len(self.features)
        self.model = MLP(nin, list(self.hidden) + [self.n_outputs], activation=activation, seed=seed)
        if reg is None:
            reg, rate = ("l2", l2) if l2 else ("none", rate)
        elif l2:
            raise ValueError("give the L2 rate as l2= or as reg='l2', rate=, not both")
        self.reg, self.rate, self.weight_decay = reg, rate, weight_decay
        self.lr, self.momentum, self.batch_size, self.loss = lr, momentum, batch_size, loss
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {optimizer!r}: choose one of {', '.join(OPTIMIZERS)}")
        self.optimizer_name = optimizer
        self.optimizer = OPTIMIZERS[optimizer](self.model.parameters(), lr=lr)
        self.engine = engine
        get_engine(engine)  # fail now, not at the first step
        self.seed = seed
        self._rs = np.random.RandomState(seed)
        self._order = np.arange(0)  # the current epoch's shuffled indices, consumed front to back
        self._pos = 0
        self.step_count = 0
        self.epoch = 0.0
        self.diverged_at = None
        self.restored_step = None
        self.diverged_lr = None
        self.diverged_history = None
        self._checkpoint = None  # the run's state (see _state) at the lowest loss so far
        self._checkpoint_objective = None  # (loss, reg, rate) the lowest loss was measured with
        self._best_loss = math.inf
        self.nodes_per_step = 0
        self.ms_per_step = 0.0
        self.last_loss = math.nan
        self.history_cap = int(history_cap)
        self._stride = 1
        self.history_fields = REGRESSION_HISTORY_FIELDS if self.task == "regression" else HISTORY_FIELDS
        self.history = {k: [] for k in self.history_fields}
        self.current = {}
        self._validate()
        self._record()

    # --- hyperparameters ---

    def _validate(self):
        if not self.lr > 0:
            raise ValueError(f"learning rate must be > 0, got {self.lr!r}")
        if self.reg not in REGULARIZERS:
            raise ValueError(f"unknown regularization {self.reg!r}: choose one of {', '.join(REGULARIZERS)}")
        if not self.rate >= 0:
            raise ValueError(f"regularization rate must be >= 0, got {self.rate!r}")
        if self.optimizer_name not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {self.optimizer_name!r}: choose one of {', '.join(OPTIMIZERS)}")
        if not self.weight_decay >= 0:
            raise ValueError(f"weight decay must be >= 0, got {self.weight_decay!r}")
        if not 0 <= self.momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {self.momentum!r}")
        self._check_loss()
        if int(self.batch_size) != self.batch_size or self.batch_size < 0:
            raise ValueError(f"batch size must be an integer >= 0 (0: full batch), got {self.batch_size!r}")

    def _check_loss(self):
        check_task_loss(self.task, self.loss)

    @property
    def metric(self):
        """The headline metric's key suffix: 'acc' (accuracy), or 'r2' (R²) for regression."""
        return "r2" if self.task == "regression" else "acc"

    @property
    def l2(self):
        """The L2 rate: `rate` when `reg` is 'l2', else 0.0 (see the class docstring for setting it)."""
        return self.rate if self.reg == "l2" else 0.0

    @l2.setter
    def l2(self, value):
        if value or self.reg == "l2":  # l2 = 0 leaves an L1 set-up alone
            self.reg, self.rate = "l2", value

    @property
    def l1(self):
        """The L1 rate: `rate` when `reg` is 'l1', else 0.0 (the optimizer applies it as a proximal step)."""
        return self.rate if self.reg == "l1" else 0.0

    def _sync_optimizer(self):
        """Give the optimizer this step's hyperparameters; a new `optimizer_name` gets a fresh one."""
        cls = OPTIMIZERS[self.optimizer_name]
        if type(self.optimizer) is not cls:
            self.optimizer = cls(self.optimizer.params, lr=self.lr)
        opt = self.optimizer
        opt.lr = self.lr
        opt.l1 = self.l1
        if cls is SGD:
            opt.momentum = self.momentum
        elif cls is AdamW:
            opt.weight_decay = self.weight_decay

    @property
    def n_train(self):
        """Number of training examples."""
        return len(self.y_train)

    @property
    def effective_batch(self):
        """Examples per step: `batch_size`, or the whole training set if 0 or larger."""
        b = int(self.batch_size)
        return self.n_train if b <= 0 or b >= self.n_train else b

    @property
    def n_params(self):
        """Number of trainable parameters (weights and biases)."""
        return len(self.optimizer.params)

    @property
    def steps_per_second(self):
        """1000 / ms_per_step, the training speed (0.0 before the first step)."""
        return 1000.0 / self.ms_per_step if self.ms_per_step > 0 else 0.0

    # --- training ---

    def _batch_plan(self):
        """Where the next batch comes from, without changing the Trainer: (indices, order, pos,
        rng_state). A batch that would run past the epoch's order starts a new epoch with a fresh
        shuffle, drawn from a copy of the generator (rng_state is its state after the draw, None
        when no shuffle is needed); full batch: all indices in order, order None."""
        b = self.effective_batch
        if b == self.n_train:
            return np.arange(self.n_train), None, 0, None
        order, pos, rng_state = self._order, self._pos, None
        if pos + b > len(order):  # start a new epoch with a fresh shuffle
            rs = np.random.RandomState()
            rs.set_state(self._rs.get_state())
            order, pos, rng_state = rs.permutation(self.n_train), 0, rs.get_state()
        return order[pos:pos + b], order, pos, rng_state

    def next_batch_indices(self):
        """The indices into `X_train` / `y_train` of the examples the next `step` trains on, in order.

        Nothing is consumed: calling it any number of times changes neither the batches nor the
        run. Full batch (`effective_batch` == `n_train`): 0..n_train-1. Minibatches: the next
        `effective_batch` indices of the epoch's shuffled order, or, when fewer are left, the
        start of the next epoch's shuffle (the leftover examples are skipped, as `step` does).
        Hyperparameters changed before that step (``batch_size``) change the answer too.

        Returns:
            int array of shape (effective_batch,).
        """
        return self._batch_plan()[0]

    def _next_batch(self):
        """Take the batch `next_batch_indices` names and move the epoch's position past it."""
        idx, order, pos, rng_state = self._batch_plan()
        if order is None:
            return self.X_train, self.y_train
        if rng_state is not None:
            self._rs.set_state(rng_state)
        self._order, self._pos = order, pos + len(idx)
        return self.X_train[idx], self.y_train[idx]

    def step(self):
        """One optimizer step on the next batch, through the chosen engine (L1 included).

        Divergence guard: a checkpoint is kept of the run at the weights with the lowest loss
        seen so far (the batch loss before the update, for the current objective: losses only
        compare while the loss function, the regularizer and its rate stay the same, so changing
        any of them starts the search for the lowest loss again): weights, the optimizer's state
        (momentum buffers, or Adam's moments and step count), step counter, epoch and batch
        order. If a step's loss, a gradient, an updated weight or the optimizer's state is
        nan/inf (a gradient above ~4e155 makes Adam's v = (1 - beta2) g^2 inf, after which every
        update would be 0 and the run would freeze), or an op overflows, the step is not applied and the
        run goes back to that checkpoint (weights one step before the overflow are already
        astronomically large, so resuming from them with any learning rate would diverge
        again): `step_count` and `epoch` are the checkpoint's again, the curve points after it
        move from `history` to `diverged_history` (so every recorded step is one the model is
        still on the path of, and the undone run can still be drawn), `diverged_at` is this
        step's number, `restored_step` the checkpoint's and `diverged_lr` the learning rate.
        The next applied step clears all three and `diverged_history`.

        Returns:
            True if the step was applied, False if it diverged.
        """
        self._validate()
        fn = get_engine(self.engine)
        self._sync_optimizer()
        params = self.optimizer.params
        l1 = self.l1
        before = self._state()
        # the L1 term's value, at the weights before the update (the optimizer applies L1 as a
        # proximal step, so no graph is built for it), outside the timed part as the cost meter's
        l1_term = l1_value(params, l1) if l1 else 0.0
        Xb, yb = self._next_batch()
        # CPU time of this thread, not the wall clock: on a class server other sessions' threads and the
        # event loop that sends the frames take turns on the core, and their time is not this step's cost
        t0 = time.thread_time()
        try:
            with np.errstate(all="ignore"):
                loss, _scores, nodes = fn(self.model, self.inputs(Xb), yb, loss=self.loss, l2=self.l2,
                                          regression=self.task == "regression")
            ok = math.isfinite(loss) and all(math.isfinite(p.grad) for p in params)
            if ok:
                self.optimizer.step()
                ok = all(math.isfinite(p.data) for p in params)
        except (OverflowError, ZeroDivisionError, FloatingPointError):  # an op overflowed: diverged
            ok, loss, nodes = False, math.inf, self.nodes_per_step
        ms = (time.thread_time() - t0) * 1000.0
        loss += l1_term
        ok = ok and math.isfinite(loss) and self.optimizer.state_is_finite()  # Adam's v = inf: frozen
        if not ok:
            self._restore(self._checkpoint if self._checkpoint is not None else before)
            self.last_loss = loss
            return False
        objective = (self.loss, self.reg, self.rate if self.reg != "none" else 0.0)
        if self._checkpoint_objective != objective:  # losses of different objectives do not compare
            self._checkpoint_objective, self._best_loss = objective, math.inf
        if loss <= self._best_loss:
            self._best_loss = loss
            self._checkpoint = before
        self.diverged_at = self.restored_step = self.diverged_lr = self.diverged_history = None
        self.step_count += 1
        self.epoch += len(yb) / self.n_train
        self.nodes_per_step = int(nodes)
        self.last_loss = float(loss)
        # exponential moving average, so the meter is steady but follows changes in a few steps
        self.ms_per_step = ms if self.ms_per_step == 0 else 0.8 * self.ms_per_step + 0.2 * ms
        self._record()
        return True

    def restart_guard(self):
        """Forget the divergence guard's checkpoint and lowest loss: its search starts again from the
        current weights (for a run taken back to an earlier step, whose checkpoint may be a later one's)."""
        self._checkpoint, self._best_loss = None, math.inf

    def _state(self):
        """What the divergence guard restores: weights, optimizer state, counters and batch order."""
        opt = self.optimizer
        return {"weights": [p.data for p in opt.params], "optimizer": (type(opt), opt.state_dict()),
                "step": self.step_count, "epoch": self.epoch, "rng": self._rs.get_state(),
                "order": self._order, "pos": self._pos}

    def _restore(self, state):
        """Go back to `state` (from `_state`) after the step after `self.step_count` diverged."""
        self.diverged_at = self.step_count + 1
        self.restored_step = state["step"]
        self.diverged_lr = self.lr
        self.model.set_parameter_values(state["weights"])
        kind, opt_state = state["optimizer"]
        if kind is type(self.optimizer):
            self.optimizer.load_state_dict(opt_state)
        else:  # the optimizer was switched after the checkpoint: the current one starts afresh
            self.optimizer = type(self.optimizer)(self.optimizer.params, lr=self.lr)
        self.step_count, self.epoch = state["step"], state["epoch"]
        self._rs.set_state(state["rng"])
        self._order, self._pos = state["order"], state["pos"]
        steps = self.history["step"]
        keep = sum(1 for s in steps if s <= self.restored_step)  # steps are increasing
        if keep < len(steps):  # the undone points, from the restored step on (so the two curves join)
            start = keep - 1 if keep and steps[keep - 1] == self.restored_step else keep
            self.diverged_history = {k: v[start:] for k, v in self.history.items()}
            self.history = {k: v[:keep] for k, v in self.history.items()}
        self.current = self.evaluate()
        if self.history["step"][-1] != self.step_count:  # the restored step, recorded (step 0 always is)
            for k in self.history_fields:
                self.history[k].append(self.current[k])

    def run(self, steps):
        """Run up to `steps` steps; stop early on divergence. Returns the number applied."""
        done = 0
        for _ in range(int(steps)):
            if not self.step():
                break
            done += 1
        return done

    # --- curves ---

    def inputs(self, X):
        """The model's inputs for raw points X (n, 2): `micrograd.features.expand` of the
        Trainer's `features`, or X itself when `features` is None."""
        return X if self.features is None else expand(X, self.features)

    def predict(self, X):
        """The model's outputs for raw points X (a batch, the boundary grid), graph-free:
        ``model.predict(inputs(X))``: scores (n,) for binary classification (the sign is the
        class) and regression (the prediction), logits (n, K) for multiclass (one column per
        class; softmax of a row gives its probabilities, `micrograd.functional.softmax`)."""
        return self.model.predict(self.inputs(X))

    def predict_class(self, X):
        """The predicted class (n,) int64 of raw points X: `micrograd.tasks.predicted_classes`
        of `predict` (the sign, or the argmax of the logits). ValueError for a regression run."""
        with np.errstate(all="ignore"):
            return predicted_classes(self.task, self.predict(X))

    def confusion_matrix(self, split="test"):
        """Counts of (true class, predicted class) on the test or train split.

        As ``sklearn.metrics.confusion_matrix(y_true, y_pred, labels=classes)``: entry [i, j]
        is the number of points of class ``classes[i]`` predicted as ``classes[j]`` (rows true,
        columns predicted; for binary row and column 0 are -1, 1 are +1). The diagonal's sum
        over the total is the accuracy.

        Args:
            split: 'test' (default) or 'train'.

        Returns:
            int64 array (n_classes, n_classes) (all zeros for an empty test set).

        Raises:
            ValueError: for a regression run, or a split that is not 'test' or 'train'.
        """
        if split not in ("test", "train"):
            raise ValueError(f"split must be 'test' or 'train', got {split!r}")
        if self.task == "regression":
            raise ValueError("a regression model has no classes, so no confusion matrix: see its R²")
        X, y = (self.X_test, self.y_test) if split == "test" else (self.X_train, self.y_train)
        return confusion_counts(self.classes, y, self.predict_class(X) if len(y) else [])

    def evaluate(self):
        """Data loss and accuracy (regression: R²) on the train and test sets, with the numpy forward.

        Returns:
            dict with step, epoch, train_loss, train_acc, test_loss, test_acc (test values
            are nan when the test set is empty), and for regression train_r2, test_r2 (and
            train_acc, test_acc nan); see the class docstring. Losses exclude the
            regularization term.
        """
        self._check_loss()  # a loss set between steps that the task does not take: say so, not a shape error
        task = self.task
        with np.errstate(all="ignore"):
            s_train = self.predict(self.X_train)
            s_test = (self.predict(self.X_test) if len(self.y_test)
                      else np.zeros((0, self.n_outputs) if task == "multiclass" else 0))
        return {"step": self.step_count, "epoch": self.epoch,
                **task_metrics(task, self.loss, self.y_train, s_train, self.y_test, s_test)}

    def _record(self):
        self.current = self.evaluate()
        if self.step_count % self._stride:
            return
        for k in self.history_fields:
            self.history[k].append(self.current[k])
        if len(self.history["step"]) > self.history_cap:  # downsample: keep every other point
            for k in self.history_fields:
                self.history[k] = self.history[k][::2]
            self._stride *= 2

    def weights(self):
        """The model's weights as nested lists, for export and drawing.

        Returns:
            list over layers of dicts {"weights": [[w_ji]] (nout x nin), "biases": [b_j],
            "grad_weights": [[dL/dw_ji]], "grad_biases": [dL/db_j]} (grads from the last step).
        """
        out = []
        for layer in self.model.layers:
            out.append({
                "weights": [[w.data for w in n.w] for n in layer.neurons],
                "biases": [n.b.data for n in layer.neurons],
                "grad_weights": [[w.grad for w in n.w] for n in layer.neurons],
                "grad_biases": [n.b.grad for n in layer.neurons],
            })
        return out
