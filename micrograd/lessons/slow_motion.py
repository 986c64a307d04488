"""Lesson logic of "one training step in slow motion": the Trainer's next step as a
narrated sequence of stages, each with a caption (plain text) and the data the page highlights.

Stages, in order: the forward pass layer by layer (each neuron's z and a for the chosen example),
the loss, the backward pass layer by layer from the output (each edge's ∂ℓ/∂w = local derivative ×
upstream gradient, with the numbers, and the batch gradient the step uses: the mean over the
batch, of which the chosen example's share is 1/B of its own), the update w ← w − lr·∂L/∂w with
before and after for the weights that move most, and the loss before and after the step.

Nothing is estimated and the Trainer is not disturbed: the step itself is run by
``Trainer.step()`` on a deep copy of the trainer (so it is the step the Trainer would take, with
its batch order, optimizer, regularization and divergence guard), and the loss after is the
Trainer's own loss of the same batch at the new weights (one more step on a second copy, whose
loss is taken before its update). `SlowMotion.apply` then takes the same step on the real Trainer.
The chosen example's numbers come from `micrograd.lessons.microscope`.
"""

import copy
from dataclasses import dataclass

import numpy as np

from micrograd.graph import fmt_number
from micrograd.lessons.microscope import Microscope, act_name, bias_name, input_name, pre_name, weight_name

__all__ = ["Stage", "SlowMotion", "slow_motion", "LOSS_FORMULAS"]

#: each loss of one example with score s and label y, as the captions write it (micrograd.losses)
LOSS_FORMULAS = {"hinge": "max(0, 1 − y·s)", "mse": "(s − y)²", "bce": "log(1 + e^(−y·s))"}
_LOSS_NAMES = {"hinge": "hinge loss", "mse": "squared error", "bce": "binary cross-entropy"}


@dataclass(frozen=True)
class Stage:
    """One stage of the slow-motion step.

    Attributes:
        index: position in `SlowMotion.stages`. kind: 'forward', 'loss', 'backward', 'update' or 'result'.
        layer: the layer (0-based) of a forward or backward stage, else None.
        title: a short heading ('Forward: layer 1 of 3'). caption: the narration, plain text.
        highlight: what to light up: 'neurons' (list of dicts layer, neuron, name, z, a, and in
            backward stages grad_z, grad_a), 'edges' (list of dicts layer, source, target, name,
            local, upstream, grad (the example's ∂ℓ/∂w), batch_grad (∂L/∂w of the step), share
            (the example's part of batch_grad)), 'weights' (update: name, layer, neuron, source
            (None for a bias), before, grad, after) and 'loss' (dict), as each stage has them; and
            'graph': keyword arguments for ``microscope.graph(**...)`` that light up the same neurons
            ('highlight'; a backward stage also labels their edges local × upstream, 'labelled').
    """

    index: int
    kind: str
    layer: object
    title: str
    caption: str
    highlight: dict


def _f(x):
    return fmt_number(x)


def _param_keys(model):
    """(layer, neuron, input index or None for the bias) of each parameter, in `parameters()` order."""
    return [(k, j, i) for k, layer in enumerate(model.layers) for j, n in enumerate(layer.neurons)
            for i in [*range(len(n.w)), None]]


def _batch_indices(trainer, Xb, yb):
    """The training-set index of each batch row (rows are copies of X_train's rows)."""
    where = {}
    for n, (row, lab) in enumerate(zip(trainer.X_train.tolist(), trainer.y_train.tolist())):
        where.setdefault((tuple(row), lab), []).append(n)
    used, out = {}, []
    for row, lab in zip(np.asarray(Xb).tolist(), np.asarray(yb).tolist()):
        key = (tuple(row), lab)
        k = used.get(key, 0)
        out.append(where[key][k % len(where[key])])
        used[key] = k + 1
    return out


def _run_step(trainer, batch=None):
    """A deep copy of `trainer` after one `step()`: (copy, applied, (Xb, yb) its batch).
    With `batch`, the copy steps on that batch instead of its next one."""
    shadow = copy.deepcopy(trainer)
    draw = shadow._next_batch
    seen = []

    def spy():  # the copy's own batch order, recorded (the real trainer's is untouched)
        seen.append(batch if batch is not None else draw())
        return seen[-1]

    shadow._next_batch = spy
    applied = shadow.step()
    del shadow._next_batch
    return shadow, applied, seen[0]


def _update_rule(trainer, shadow):
    """The update as the caption writes it, and whether it is plain w − lr·g."""
    name = type(shadow.optimizer).__name__
    lr = _f(trainer.lr)
    if name == "SGD" and not trainer.momentum:
        rule, plain = f"w ← w − lr·∂L/∂w with learning rate lr = {lr}", True
    elif name == "SGD":
        rule, plain = (f"SGD with momentum μ = {_f(trainer.momentum)}: the velocity v ← μ·v + ∂L/∂w, then "
                       f"w ← w − lr·v with lr = {lr}"), False
    else:
        rule, plain = (f"{name}: w ← w − lr·m̂/(√v̂ + ε) with lr = {lr} (m̂, v̂: running means of ∂L/∂w and "
                       "its square)"), False
    if getattr(trainer, "reg", None) == "l1" and getattr(trainer, "rate", 0):
        rule += f", then L1's proximal step moves each weight lr·α = {_f(trainer.lr * trainer.rate)} toward 0"
        plain = False
    return rule, plain


def _reg_text(trainer):
    """' plus the L2 term α·Σw²' (or L1's), or ''."""
    reg, rate = getattr(trainer, "reg", "l2" if trainer.l2 else "none"), getattr(trainer, "rate", trainer.l2)
    if reg == "l2" and rate:
        return f" plus the L2 term α·Σw² (α = {_f(rate)})"
    if reg == "l1" and rate:
        return f" plus the L1 term α·Σ|w| (α = {_f(rate)})"
    return ""


@dataclass
class SlowMotion:
    """One training step, staged (see `slow_motion`).

    Attributes:
        stages (list of `Stage`); example (int): the training example followed; batch (list of
        int): the step's training indices; copies (int): how often the example is in the batch;
        microscope (`Microscope`): the example at the weights before the step; names (list of
        str): parameter names in `parameters()` order; weights_before, grads (the batch gradient
        ∂L/∂p the step used), weights_after (lists of floats, that order); loss_before (the
        step's batch loss, data + regularization, before the update); loss_after (the same
        loss of the same batch after it); applied (bool): False if the step diverged (the Trainer
        would undo it, and weights_after are the weights it goes back to).
    """

    stages: list
    example: int
    batch: list
    copies: int
    microscope: Microscope
    names: list
    weights_before: list
    grads: list
    weights_after: list
    loss_before: float
    loss_after: float
    applied: bool

    def apply(self, trainer):
        """Take the narrated step on `trainer` (one ``trainer.step()``, so its curves, counters and
        batch order advance as usual). Returns True if the trainer's weights are now exactly
        `weights_after` (False: the trainer was changed after the stages were made)."""
        trainer.step()
        return [p.data for p in trainer.model.parameters()] == self.weights_after


def slow_motion(trainer, example=None, top=5):
    """Stage the trainer's next training step without changing the trainer.

    Args:
        trainer: a `micrograd.train.Trainer` (scalar or tensor engine, any optimizer).
        example: the training index to follow (0-based); None: the first example of the batch.
        top: how many edges and weights the captions quote (>= 1).

    Returns:
        a `SlowMotion`: ``stages`` are L forward stages, one loss stage, L backward stages (the
        output layer first), one update stage and one result stage, for L layers.

    Raises:
        IndexError: for an example outside the training set. ValueError: top < 1.
    """
    if top < 1:
        raise ValueError(f"top must be >= 1, got {top!r}")
    shadow, applied, (Xb, yb) = _run_step(trainer)
    batch = _batch_indices(trainer, Xb, yb)
    example = batch[0] if example is None else example
    scope = Microscope.for_trainer(trainer, example)  # raises IndexError for a bad index
    params = shadow.model.parameters()
    grads, after = [p.grad for p in params], [p.data for p in params]
    before = [p.data for p in trainer.model.parameters()]
    loss_before = shadow.last_loss
    loss_after = _run_step(shadow, (Xb, yb))[0].last_loss if applied else loss_before
    keys = _param_keys(trainer.model)
    index_of = {key: n for n, key in enumerate(keys)}
    B, copies = len(batch), batch.count(example)
    L = len(scope.layers)
    stages = []

    def add(kind, layer, title, caption, highlight):
        stages.append(Stage(len(stages), kind, layer, title, caption, highlight))

    for k in range(L):  # ---- forward
        hidden = k < L - 1
        nodes = [scope.neurons[(k, j)] for j in range(scope.layers[k][0].shape[0])]
        rows = [{"layer": k, "neuron": n.key[1], "name": act_name(*n.key) if hidden else pre_name(*n.key),
                 "z": n.z.data, "a": n.out.data} for n in nodes]
        act = scope.activation
        if hidden:
            what = (f"each neuron adds its bias to its weighted inputs, z = b + Σ w·x, then applies {act}: "
                    f"a = {act}(z)")
            shown = "; ".join(f"{r['name']} = {act}({_f(r['z'])}) = {_f(r['a'])}" for r in rows[:top])
        else:
            what = "the output neuron is linear: its pre-activation z = b + Σ w·a is the score s"
            shown = f"s = {pre_name(k, 0)} = {_f(rows[0]['z'])}"
        more = f" (and {len(rows) - top} more)" if len(rows) > top else ""
        add("forward", k, f"Forward: layer {k + 1} of {L}",
            f"Forward pass, layer {k + 1} ({'hidden' if hidden else 'output'}): {what}. "
            f"For example #{example}: {shown}{more}.",
            {"neurons": rows, "graph": {"highlight": [(k, r["neuron"]) for r in rows]}})

    s, y, ell = scope.score.data, scope.y, scope.loss
    add("loss", None, "Loss",
        f"Loss: example #{example} has score s = {_f(s)} and label y = {y:+g}, so its {_LOSS_NAMES[scope.loss_name]} "
        f"is ℓ = {LOSS_FORMULAS[scope.loss_name]} = {_f(ell)}. The step's loss is the mean of ℓ over the batch "
        f"of {B} example{'s' if B != 1 else ''}{_reg_text(trainer)}: L = {_f(loss_before)}.",
        {"loss": {"score": s, "label": y, "example_loss": ell, "batch_loss": loss_before, "batch_size": B},
         "graph": {"highlight": [(L - 1, 0)]}})

    if B == trainer.n_train:
        mean = f"The step uses the whole training set: ∂L/∂w is the mean of ∂ℓ/∂w over its {B} examples"
    else:
        mean = f"This is a mini-batch of {B} examples: ∂L/∂w is the mean of ∂ℓ/∂w over the batch"
    if _reg_text(trainer):
        mean += " (plus the regularization term's gradient)"
    if copies:
        mean += f", so example #{example}'s share is {copies}/{B} of its own ∂ℓ/∂w"
    else:
        mean += (f"; example #{example} is not in this batch, so its share is 0 (its gradients are shown for "
                 "illustration)")
    for k in range(L - 1, -1, -1):  # ---- backward
        W = scope.layers[k][0]
        edges = []
        for j in range(W.shape[0]):
            n = scope.neurons[(k, j)]
            for i, w in enumerate(n.weights):
                src = n.products[i].children[1]
                batch_grad = grads[index_of[(k, j, i)]]
                edges.append({"layer": k, "source": i, "target": j, "name": weight_name(k, j, i),
                              "input": src.label, "local": src.data, "upstream": n.products[i].grad, "grad": w.grad,
                              "batch_grad": batch_grad, "share": copies * w.grad / B})
        rows = [{"layer": k, "neuron": j, "name": pre_name(k, j), "z": scope.neurons[(k, j)].z.data,
                 "a": scope.neurons[(k, j)].out.data, "grad_z": scope.neurons[(k, j)].z.grad,
                 "grad_a": scope.neurons[(k, j)].out.grad} for j in range(W.shape[0])]
        ranked = sorted(edges, key=lambda e: -abs(e["grad"]))[:top]
        shown = "; ".join(f"∂ℓ/∂{e['name']} = {_f(e['local'])} × {_f(e['upstream'])} = {_f(e['grad'])}"
                          for e in ranked)
        head = (f"the gradient reaching the score is ∂ℓ/∂s = {_f(rows[0]['grad_z'])}. " if k == L - 1 else
                f"each neuron's ∂ℓ/∂a arrives from layer {k + 2}, and ∂ℓ/∂z = f′(z)·∂ℓ/∂a. ")
        e0 = ranked[0]
        add("backward", k, f"Backward: layer {k + 1}",
            f"Backward pass, layer {k + 1}: {head}Each weight's gradient is its local derivative (the input it "
            f"multiplies, {input_name(0) if k == 0 else act_name(k - 1, 0)}, ...) times the upstream gradient "
            f"∂ℓ/∂z of its neuron: ∂ℓ/∂w = input × ∂ℓ/∂z. Largest for example #{example}: {shown}. {mean}: for "
            f"{e0['name']}, {_f(e0['share'])} of the step's ∂L/∂{e0['name']} = {_f(e0['batch_grad'])}.",
            {"neurons": rows, "edges": edges,
             "graph": {"highlight": [(k, r["neuron"]) for r in rows], "labelled": [(k, r["neuron"]) for r in rows]}})

    rule, plain = _update_rule(trainer, shadow)  # ---- update
    moved = sorted(range(len(keys)), key=lambda n: -abs(after[n] - before[n]))[:top]
    names = [weight_name(k, j, i) if i is not None else bias_name(k, j) for k, j, i in keys]
    weights = [{"name": names[n], "layer": keys[n][0], "neuron": keys[n][1], "source": keys[n][2],
                "before": before[n], "grad": grads[n], "after": after[n]} for n in moved]
    if plain:
        shown = "; ".join(f"{w['name']}: {_f(w['before'])} − {_f(trainer.lr)} × {_f(w['grad'])} = {_f(w['after'])}"
                          for w in weights)
    else:
        shown = "; ".join(f"{w['name']}: {_f(w['before'])} → {_f(w['after'])} (∂L/∂w = {_f(w['grad'])})"
                          for w in weights)
    caption = (f"Update: every weight and bias moves against its gradient, {rule}. The {len(weights)} that move "
               f"most: {shown}.")
    if not applied:
        caption += (" This step diverged (a loss, gradient or weight is not finite), so the Trainer does not apply "
                    "it and goes back to its last good weights: lower the learning rate.")
    add("update", None, "Update", caption, {"weights": weights, "graph": {}})

    change = loss_after - loss_before
    trend = "down" if change < 0 else "up" if change > 0 else "unchanged"
    add("result", None, "Loss before and after",
        f"Loss before the step: L = {_f(loss_before)}; after: L = {_f(loss_after)}, computed by a forward pass "
        f"of the same batch through the updated weights ({trend}{' by ' + _f(abs(change)) if change else ''}).",
        {"loss": {"before": loss_before, "after": loss_after}, "graph": {}})
    return SlowMotion(stages, example, batch, copies, scope, names, before, grads, after, loss_before,
                      loss_after, applied)
