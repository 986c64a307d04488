"""Lesson logic of "one training step in slow motion": the Trainer's next step as a
narrated sequence of stages, each with a caption (plain text) and the data the page highlights.

Stages, in order: the forward pass layer by layer (each neuron's z and a for the chosen example),
the loss, the backward pass layer by layer from the output (each edge's ∂ℓ/∂w = local derivative ×
upstream gradient, with the numbers, and the batch gradient the step uses: the mean over the
batch, of which the chosen example's share is 1/B of its own), the update w ← w − lr·∂L/∂w with
before and after for the weights that move most, and the loss before and after the step.

Nothing is estimated and the Trainer is not disturbed: the step itself is run by
``Trainer.step()`` on a deep copy of the trainer (so it is the step the Trainer would take, with
its batch order, optimizer, regularization and divergence guard), its batch is
``Trainer.next_batch_indices()``, and the loss after is the Trainer's own loss of the same batch
at the new weights (one more full-batch step on a second copy whose training set is that batch,
its loss taken before its update). `SlowMotion.apply` then takes the same step on the real
Trainer. The chosen example's numbers come from `micrograd.lessons.microscope`.

Every task of the Trainer: binary classification (a score s, labels ±1), regression (a score s,
a real target y, squared error) and multiclass classification (K logits z_k, a class y, softmax
cross-entropy); every optimizer (SGD with or without momentum, Adam, AdamW) and regularizer.
"""

import copy
from dataclasses import dataclass

from micrograd.graph import fmt_number
from micrograd.lessons.microscope import Microscope, act_name, bias_name, input_name, pre_name, weight_name
from micrograd.lessons.notation import LOSS_NOTATION
from micrograd.optim import SGD, Adam, AdamW

__all__ = ["Stage", "SlowMotion", "slow_motion"]


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
            (None for a bias), before, grad, after) and 'loss' (dict: the loss stage's score, or a
            multiclass run's logits, label, example_loss, batch_loss, batch_size; the result stage's
            before, after), as each stage has them; and
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


def _run_step(trainer):
    """A deep copy of `trainer` after one `step()`: (copy, applied, the step's training indices)."""
    batch = [int(n) for n in trainer.next_batch_indices()]
    shadow = copy.deepcopy(trainer)
    applied = shadow.step()
    return shadow, applied, batch


def _loss_of_batch(trainer, batch):
    """The Trainer's own step loss (data loss + regularization term, before its update) of the
    training examples `batch` at its current weights: one full-batch ``step()`` of a deep copy
    whose training set is those examples (`Trainer.last_loss`)."""
    probe = copy.deepcopy(trainer)
    probe.X_train, probe.y_train, probe.batch_size = trainer.X_train[batch], trainer.y_train[batch], 0
    probe.step()
    return probe.last_loss


def _update_rule(trainer, shadow):
    """The update as the caption writes it, and whether it is plain w − lr·g."""
    opt = shadow.optimizer
    name = type(opt).__name__
    lr = _f(trainer.lr)
    if isinstance(opt, SGD) and not trainer.momentum:
        rule, plain = f"w ← w − lr·∂L/∂w with learning rate lr = {lr}", True
    elif isinstance(opt, SGD):
        rule, plain = (f"SGD with momentum μ = {_f(trainer.momentum)}: the velocity v ← μ·v + ∂L/∂w, then "
                       f"w ← w − lr·v with lr = {lr}"), False
    else:
        adam = (f"w ← w − lr·m̂/(√v̂ + ε) with lr = {lr} (m̂, v̂: bias-corrected running means of ∂L/∂w and "
                "its square)")
        if isinstance(opt, AdamW) and opt.weight_decay:
            rule = (f"{name}: first the decoupled weight decay w ← w − lr·λ·w (λ = {_f(opt.weight_decay)}, so "
                    f"every weight shrinks by lr·λ = {_f(trainer.lr * opt.weight_decay)} of itself), then {adam}")
        else:
            rule = f"{name}: {adam}"
        plain = False
    if trainer.l1:
        ts = opt.l1_thresholds(trainer.l1)
        if isinstance(opt, Adam):
            lo, hi = min(ts), max(ts)
            span = f"{_f(lo)}" if lo == hi else f"from {_f(lo)} to {_f(hi)}"
            rule += (f", then L1's proximal step moves each weight toward 0 (stopping at 0) by its own threshold "
                     f"lr·α/(√v̂ + ε), α = {_f(trainer.l1)}: here {span}")
        else:
            rule += f", then L1's proximal step moves each weight lr·α = {_f(ts[0])} toward 0 (stopping at 0)"
        plain = False
    return rule, plain


def _reg_text(trainer):
    """' plus the L2 term α·Σw²' (or L1's), or ''."""
    if trainer.l2:
        return f" plus the L2 term α·Σw² (α = {_f(trainer.l2)})"
    if trainer.l1:
        return f" plus the L1 term α·Σ|w| (α = {_f(trainer.l1)})"
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
        trainer: a `micrograd.train.Trainer`: any task (binary, regression, multiclass), features,
            engine (scalar or tensor), optimizer (SGD, momentum, Adam, AdamW) and regularizer.
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
    shadow, applied, batch = _run_step(trainer)
    example = batch[0] if example is None else example
    scope = Microscope.for_trainer(trainer, example)  # raises IndexError for a bad index
    params = shadow.model.parameters()
    grads, after = [p.grad for p in params], [p.data for p in params]
    before = [p.data for p in trainer.model.parameters()]
    loss_before = shadow.last_loss
    loss_after = _loss_of_batch(shadow, batch) if applied else loss_before
    keys = _param_keys(trainer.model)
    index_of = {key: n for n, key in enumerate(keys)}
    B, copies = len(batch), batch.count(example)
    L = len(scope.layers)
    K = len(scope.outputs)  # 1 score, or K logits (multiclass)
    outs = [(L - 1, j) for j in range(K)]
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
        elif K == 1:
            what = "the output neuron is linear: its pre-activation z = b + Σ w·a is the score s"
            shown = f"s = {pre_name(k, 0)} = {_f(rows[0]['z'])}"
        else:
            what = (f"the {K} output neurons are linear: their pre-activations z = b + Σ w·a are the logits, "
                    "one per class")
            shown = "; ".join(f"logit {r['neuron']} = {r['name']} = {_f(r['z'])}" for r in rows[:top])
        more = f" (and {len(rows) - top} more)" if len(rows) > top else ""
        add("forward", k, f"Forward: layer {k + 1} of {L}",
            f"Forward pass, layer {k + 1} ({'hidden' if hidden else 'output'}): {what}. "
            f"For example #{example}: {shown}{more}.",
            {"neurons": rows, "graph": {"highlight": [(k, r["neuron"]) for r in rows]}})

    y, ell, facts = scope.y, scope.loss, LOSS_NOTATION[scope.loss_name]
    if K > 1:
        logits = [v.data for v in scope.outputs]
        has = f"logits z = ({', '.join(_f(z) for z in logits)}) and class y = {int(y)}"
        what = {"logits": logits, "label": int(y)}
    else:
        has = (f"score s = {_f(scope.score.data)} and "
               + (f"target y = {_f(y)}" if scope.regression else f"label y = {y:+g}"))
        what = {"score": scope.score.data, "label": y}
    add("loss", None, "Loss",
        f"Loss: example #{example} has {has}, so its loss ({facts.label}, one example) is ℓ = {facts.example} = "
        f"{_f(ell)}. The step's loss is the mean of ℓ over the batch "
        f"of {B} example{'s' if B != 1 else ''}{_reg_text(trainer)}: L = {_f(loss_before)}.",
        {"loss": {**what, "example_loss": ell, "batch_loss": loss_before, "batch_size": B},
         "graph": {"highlight": outs}})

    if B == trainer.n_train:
        mean = f"The step uses the whole training set: ∂L/∂w is the mean of ∂ℓ/∂w over its {B} examples"
    else:
        mean = f"This is a mini-batch of {B} examples: ∂L/∂w is the mean of ∂ℓ/∂w over the batch"
    if trainer.l2:  # L1 is the optimizer's proximal step, not in the gradient
        mean += " (plus the L2 term's gradient 2·α·w)"
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
        if k < L - 1:
            head = f"each neuron's ∂ℓ/∂a arrives from layer {k + 2}, and ∂ℓ/∂z = f′(z)·∂ℓ/∂a. "
        elif K == 1:
            head = f"the gradient reaching the score is ∂ℓ/∂s = {_f(rows[0]['grad_z'])}. "
        else:
            head = ("the gradient reaching each logit is ∂ℓ/∂z_k = softmax(z)_k − [k = y]: "
                    + "; ".join(f"∂ℓ/∂{r['name']} = {_f(r['grad_z'])}" for r in rows[:top]) + ". ")
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
