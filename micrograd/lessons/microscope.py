"""Lesson logic of the backprop microscope: ONE training example's forward and backward
pass through the current network, as a graph of `Value` nodes drawn with the graph page's renderer.

The playground's `MLP` builds each neuron's pre-activation as one fused node (`Value.weighted_sum`);
here every neuron is built op by op, as students write it: each weight times its input (a ``*``
node), the running sum ``b + w1·x1 + w2·x2 + ...`` (``+`` nodes, in the fused node's order, so the
numbers are the same floats), the activation, the output score (or a multiclass model's K logits),
then the example's loss through `micrograd.losses` (the Trainer's own formula, as the mean over a
batch of one; the graph labels that mean's ``(0 + ℓ) * 1`` nodes Σℓ and ℓ, see `_example_loss`). ``backward()`` on
that loss gives every node's gradient. The graph is built from copies of the weights: the model
and its ``.grad`` are never touched, so the microscope can follow a running Trainer.

Networks of more than `FOLD_ABOVE` ops are drawn folded: one box per neuron showing its activation
a and pre-activation z with their data and grad. A folded box is a real node of a neuron-level
graph (`Value.from_local_grads`): its children are the previous layer's boxes and its local
derivatives the Jacobian entries ∂a_j/∂a_i = f′(z_j)·w_ji, so ``backward()`` through the folded
graph computes the same gradients (the tests compare them with the op-by-op graph's). Any neuron
can be unfolded inside it.

Names (1-based, as written on the board): inputs x1, x2; in layer l, neuron j: weight
w{l}[j,i] from input i, bias b{l}[j], pre-activation z{l}[j], activation a{l}[j]. Data keys are
0-based: a neuron is (layer, neuron) with layer 0 the first hidden layer, an edge (layer, i, j)
the weight ``model.layers[layer].neurons[j].w[i]`` (row j, column i of `functional.layer_arrays`).
"""

from dataclasses import dataclass, field

import numpy as np

from micrograd import functional
from micrograd.engine import Value
from micrograd.graph import LIGHT, fmt_number, value_graph
from micrograd.lessons.notation import node_names
from micrograd.losses import check_loss, data_loss
from micrograd.nn import ACTIVATIONS

__all__ = ["FOLD_ABOVE", "Microscope", "NeuronNodes", "input_name", "weight_name", "bias_name", "pre_name",
           "act_name", "parameter_names", "chain_label"]

#: graphs with more op nodes than this are drawn folded, one box per neuron (more than ~60 ops do not read op by op)
FOLD_ABOVE = 60


def input_name(i):
    """Display name of input i (0-based): 'x1', 'x2', ..."""
    return f"x{i + 1}"


def weight_name(layer, j, i):
    """Display name of the weight from input i into neuron j of `layer` (all 0-based): 'w1[2,1]'."""
    return f"w{layer + 1}[{j + 1},{i + 1}]"


def bias_name(layer, j):
    """Display name of neuron j's bias in `layer` (0-based): 'b1[2]'."""
    return f"b{layer + 1}[{j + 1}]"


def pre_name(layer, j):
    """Display name of neuron j's pre-activation z = b + Σ w·x in `layer` (0-based): 'z1[2]'."""
    return f"z{layer + 1}[{j + 1}]"


def act_name(layer, j):
    """Display name of neuron j's activation a = f(z) in `layer` (0-based): 'a1[2]'."""
    return f"a{layer + 1}[{j + 1}]"


def parameter_names(model):
    """The names of `model.parameters()`, in that order (each neuron's weights, then its bias)."""
    return [name for k, layer in enumerate(model.layers) for j, n in enumerate(layer.neurons)
            for name in [weight_name(k, j, i) for i in range(len(n.w))] + [bias_name(k, j)]]


def chain_label(local, upstream):
    """An edge's chain-rule label, 'local × upstream = contribution', as the graph page's step-through."""
    return f"{fmt_number(local)} × {fmt_number(upstream)} = {fmt_number(local * upstream)}"


@dataclass
class NeuronNodes:
    """One neuron's nodes in a microscope graph.

    Attributes:
        key: (layer, neuron), 0-based. folded: True for a one-box neuron.
        out: the node the next layer reads (a = f(z); z itself for the linear output layer).
        z: the pre-activation node (None when folded: its value is `z_data`).
        z_data: the pre-activation's value. slope: f′(z), the activation's local derivative (1 if linear).
        weights, bias, products, sums: the op-by-op nodes (empty / None when folded); ``sums[-1]`` is z.
    """

    key: tuple
    folded: bool
    out: Value
    z: object
    z_data: float
    slope: float
    weights: list = field(default_factory=list)
    bias: object = None
    products: list = field(default_factory=list)
    sums: list = field(default_factory=list)

    @property
    def z_grad(self):
        """∂L/∂z after backward: the z node's grad, or f′(z)·∂L/∂a for a folded box."""
        return self.z.grad if self.z is not None else self.slope * self.out.grad

    def nodes(self):
        """Every node drawn for this neuron (its weights, products, sums and output, or its one box)."""
        return [*self.weights, *([self.bias] if self.bias is not None else []), *self.products, *self.sums,
                *([self.out] if self.out is not self.z else [])]


def _neuron_ops(k, j, w_row, b, prev, f):
    """Neuron j of layer k op by op: b + w1·x1 + w2·x2 + ... (the fused node's order), then f."""
    ws = [Value(float(w), label=weight_name(k, j, i)) for i, w in enumerate(w_row)]
    bias = Value(float(b), label=bias_name(k, j))
    acc, prods, sums = bias, [], []
    for i, (w, a) in enumerate(zip(ws, prev)):
        p = w * a
        p.label = f"{w.label}·{a.label}"
        acc = acc + p
        acc.label = f"{pre_name(k, j)} part {i + 1}"
        prods.append(p)
        sums.append(acc)
    acc.label = pre_name(k, j)
    out = f(acc) if f is not None else acc
    if out is not acc:
        out.label = act_name(k, j)
    slope = out.local_grads[0] if out is not acc else 1.0
    return NeuronNodes((k, j), False, out, acc, acc.data, slope, ws, bias, prods, sums)


def _neuron_box(k, j, w_row, b, prev, f, activation):
    """Neuron j of layer k as ONE node: data a = f(z), children the previous layer's nodes, local
    derivatives ∂a/∂a_i = f′(z)·w_i (the Jacobian row), op named after the activation."""
    acc = float(b)
    for w, a in zip(w_row, prev):  # the fused node's order, so z is the same float
        acc += float(w) * a.data
    act = f(Value(acc)) if f is not None else None
    a_data, slope = (act.data, act.local_grads[0]) if act is not None else (acc, 1.0)
    box = Value.from_local_grads(a_data, prev, [slope * float(w) for w in w_row],
                                 op=f"{activation}(Σwx+b)" if f is not None else "Σwx+b",
                                 label=act_name(k, j) if f is not None else pre_name(k, j))
    return NeuronNodes((k, j), True, box, None, acc, slope)


@dataclass
class _Built:
    root: Value
    inputs: list
    neurons: dict
    outputs: list
    example_loss: Value


def _example_loss(root):
    """The example's own loss ℓ inside the batch-of-one mean L that `micrograd.losses` returns.

    The losses there build the mean as ``sum(losses) * (1/n)``, i.e. ``(0 + ℓ) * 1.0`` for n = 1;
    this finds ℓ in that shape only (checked: a 0 leaf, a factor 1 and ℓ's value equal to L's),
    and is the root L itself for any other shape (still the right number: L = ℓ for one example).
    """
    if root.op == "*" and root.children[0].op == "+":
        total, factor = root.children
        zero, ell = total.children
        if (not zero.children and zero.data == 0.0 and not factor.children and factor.data == 1.0
                and ell.data == root.data):
            return total, ell
    return None, root


def _build(x, y, layers, activation, loss, unfold, regression=False):
    """The graph of one example: inputs, every neuron (op by op where ``unfold(key)``, else one
    box), the outputs (one score, or K logits for 'ce') and the loss. Returns a `_Built` (no
    backward yet)."""
    prev = inputs = [Value(float(v), label=input_name(i)) for i, v in enumerate(x)]
    neurons = {}
    for k, (W, b) in enumerate(layers):
        f = ACTIVATIONS[activation] if k < len(layers) - 1 else None
        outs = []
        for j in range(W.shape[0]):
            nn_ = (_neuron_ops(k, j, W[j], b[j], prev, f) if unfold((k, j))
                   else _neuron_box(k, j, W[j], b[j], prev, f, activation))
            neurons[(k, j)] = nn_
            outs.append(nn_.out)
        prev = outs
    # the Trainer's formula, the mean over a batch of one (scalar_loss_and_grads' call)
    ce = loss == "ce" and not regression  # its one example's K logits are one score
    root = data_loss([prev] if ce else prev, [int(y) if ce else y], loss, regression)
    root.label = "L"
    total, ell = _example_loss(root)
    if total is not None:
        total.label, ell.label = "Σℓ", ell.label or "ℓ"
    return _Built(root, inputs, neurons, list(prev), ell)


class Microscope:
    """One training example through the current network, op by op, with every node's gradient.

    Every task of the `Trainer`: binary classification (one output, a score s, labels -1/+1,
    hinge/mse/bce), regression (one linear output, a real target, ``mse`` with
    ``regression=True``) and multiclass classification (K >= 2 outputs, the K logits, a class
    index 0..K-1, softmax cross-entropy 'ce'); `micrograd.losses.check_loss` says which fit.

    Args:
        model: an `MLP` with one output, or K >= 2 outputs for 'ce' (only its weights are read).
        x: the example's model inputs, a sequence of ``model.nin`` numbers (a Trainer's features of
            the point, ``trainer.inputs(X)``); y: its label in {-1, +1}, real target (regression)
            or class index (multiclass).
        loss: 'hinge', 'mse', 'bce' or 'ce' (`micrograd.losses.LOSSES`).
        index: the example's index in the training set (kept for the page), or None.
        l2: the L2 rate; the example's graph holds its data loss only (the L2 term adds the same
            2·l2·w to every example's gradient; `l2_grad` gives it).
        regression: y is a real target: the loss is ``mse_loss(..., regression=True)`` (loss 'mse' only).

    Attributes:
        root (Value): the example's loss L (its data loss ℓ as a batch of one), after backward;
        outputs (list of Value): the output layer's nodes, the score or the K logits; score
        (Value): the one output, or None for a K-output model (see `outputs`); inputs (list of
        Value); neurons: {(layer, neuron): `NeuronNodes`}; ops (int): op nodes in the op-by-op
        graph; folded_default (bool): ops > `FOLD_ABOVE`.

    Raises:
        ValueError: for a wrong number of inputs, an unknown loss, a loss that does not fit the
        model's outputs or the task (`check_loss`), or a label the loss rejects.
    """

    def __init__(self, model, x, y, loss="hinge", index=None, l2=0.0, regression=False):
        check_loss(loss, len(model.layers[-1].neurons), regression)
        x = [float(v) for v in np.asarray(x, dtype=np.float64).ravel()]
        if len(x) != model.nin:
            raise ValueError(f"the model takes {model.nin} inputs, got {len(x)}")
        self.layers = functional.layer_arrays(model)
        self.activation, self.loss_name, self.index, self.l2 = model.activation, loss, index, l2
        self.regression = bool(regression)
        self.x, self.y = x, float(y)
        built = _build(x, self.y, self.layers, self.activation, loss, lambda key: True, self.regression)
        built.root.backward()
        self._built = built
        self.root, self.outputs, self.inputs, self.neurons = built.root, built.outputs, built.inputs, built.neurons
        self.score = self.outputs[0] if len(self.outputs) == 1 else None
        self.names = node_names(self.root)
        self.ops = sum(1 for v in self.root.topo_order() if v.children)
        self.folded_default = self.ops > FOLD_ABOVE
        self._views = {}

    @classmethod
    def for_trainer(cls, trainer, index):
        """The microscope of training example `index` (0-based, into ``trainer.X_train``) at the
        trainer's current weights, loss and L2 rate, for any task: the model sees the point's
        features (``trainer.inputs``), a regression run's target is real (mse with
        ``regression=True``) and a multiclass run's K logits feed 'ce'.

        Raises:
            IndexError: if index is not in 0..n_train-1.
        """
        n = trainer.n_train
        if not (isinstance(index, (int, np.integer)) and 0 <= index < n):
            raise IndexError(f"training example {index!r} does not exist: choose 0..{n - 1}")
        x = trainer.inputs(trainer.X_train[index:index + 1])[0]
        return cls(trainer.model, x, trainer.y_train[index], loss=trainer.loss, index=int(index), l2=trainer.l2,
                   regression=trainer.task == "regression")

    @property
    def loss(self):
        """The example's loss, a float."""
        return self.root.data

    def weight_grads(self):
        """∂L/∂w of this example: a list over layers of arrays (nout, nin), as `layer_arrays`' W."""
        return [np.array([[w.grad for w in self.neurons[(k, j)].weights] for j in range(W.shape[0])])
                for k, (W, _b) in enumerate(self.layers)]

    def bias_grads(self):
        """∂L/∂b of this example: a list over layers of arrays (nout,)."""
        return [np.array([self.neurons[(k, j)].bias.grad for j in range(W.shape[0])])
                for k, (W, _b) in enumerate(self.layers)]

    def l2_grad(self, layer, j, i=None):
        """The L2 term's gradient 2·l2·w for weight (layer, i -> j), or for the bias with i=None."""
        W, b = self.layers[layer]
        return 2.0 * self.l2 * (W[j, i] if i is not None else b[j])

    def view(self, unfolded=()):
        """The folded graph with the neurons in `unfolded` op by op, after its own backward().

        Args:
            unfolded: iterable of (layer, neuron) keys (0-based) to draw op by op.

        Returns:
            an object with ``root``, ``neurons`` ({key: `NeuronNodes`}), ``inputs`` and
            ``names`` ({Value: str}); cached per set of unfolded neurons.

        Raises:
            KeyError: for a key that is not a neuron of this network.
        """
        keys = frozenset(tuple(k) for k in unfolded)
        bad = keys - set(self.neurons)
        if bad:
            raise KeyError(f"no neuron {sorted(bad)[0]!r}: neurons are (layer, index), 0-based")
        if keys not in self._views:
            if len(self._views) >= 8:
                self._views.clear()
            built = _build(self.x, self.y, self.layers, self.activation, self.loss_name, keys.__contains__,
                           self.regression)
            built.root.backward()
            built.names = node_names(built.root)
            self._views[keys] = built
        return self._views[keys]

    def graph(self, folded=None, unfolded=(), highlight=(), current=None, labelled=(), digits=4,
              title=None, palette=LIGHT):
        """The drawable graph (`micrograd.graph.value_graph`), every node with its data and grad.

        Args:
            folded: True for one box per neuron, False for op by op; None: `folded_default`.
            unfolded: (layer, neuron) keys drawn op by op inside the folded graph.
            highlight: neuron keys filled with the palette's ``done`` colour (the stage's layer).
            current: one neuron key drawn as the current node (the palette's orange).
            labelled: neuron keys whose incoming edges are labelled 'local × upstream =
                contribution': for a weight's edge that is ∂L/∂w = input × ∂L/∂(w·x); for a
                folded box's edge, ∂L/∂a_i's share f′(z)·w × ∂L/∂a.
            digits, title, palette: as `value_graph`.

        Returns:
            a `pydot.Dot` (``.to_string()`` for the DOT text).
        """
        folded = self.folded_default if folded is None else folded
        built = self.view(unfolded) if folded else self._built
        names = built.names if folded else self.names
        extra = {}
        for n in built.neurons.values():
            if n.folded and n.out.op != "Σwx+b":  # the box holds z too
                pre = pre_name(*n.key)
                extra[n.out] = [f"{pre} data {fmt_number(n.z_data, digits)}",
                                f"{pre} grad {fmt_number(n.z_grad, digits)}"]
                names[n.out] = f"{act_name(*n.key)} = {self.activation}({pre})"
        status = {v: "done" for key in highlight for v in built.neurons[tuple(key)].nodes()}
        cur = built.neurons[tuple(current)].out if current is not None else None
        edge_labels = {}
        for key in labelled:
            n = built.neurons[tuple(key)]
            for v in ([n.out] if n.folded else n.products):
                for pos, (loc, _c) in enumerate(zip(v.local_grads, v.children)):
                    edge_labels[(v, pos)] = chain_label(loc, v.grad)
        return value_graph(built.root, names=names, status=status, current=cur, current_edges=cur is not None,
                           edge_labels=edge_labels, digits=digits, title=title, palette=palette, extra=extra)

    def largest_weight_grads(self, k=3):
        """The `k` weights with the largest |∂ℓ/∂w| for this example, largest first, among each layer's
        `gradient_path` edges: a list of (weight name as `weight_name` writes it, gradient)."""
        edges = sorted((e for layer in self.gradient_path(top=k)["top"] for e in layer), key=lambda e: -abs(e["grad"]))
        return [(weight_name(e["layer"], e["target"], e["source"]), e["grad"]) for e in edges[:k]]

    def gradient_path(self, top=3):
        """The largest gradients of this example, for the network diagram's highlight.

        Args:
            top: edges kept per layer (>= 1).

        Returns:
            dict with 'top': a list over layers of up to `top` dicts {'layer', 'source' (input
            index i), 'target' (neuron j), 'weight', 'grad' (∂L/∂w of this example)}, largest
            |grad| first; and 'path': one such edge per layer forming a connected path from an
            input to the output, the one with the largest sum of |∂L/∂w| (dynamic programming
            over the layers).

        Raises:
            ValueError: if top < 1.
        """
        if top < 1:
            raise ValueError(f"top must be >= 1, got {top!r}")
        grads = self.weight_grads()

        def edge(k, i, j):
            return {"layer": k, "source": int(i), "target": int(j), "weight": float(self.layers[k][0][j, i]),
                    "grad": float(grads[k][j, i])}

        best_by_layer = []
        for k, G in enumerate(grads):
            order = np.argsort(-np.abs(G), axis=None, kind="stable")[:top]
            best_by_layer.append([edge(k, i, j) for j, i in zip(*np.unravel_index(order, G.shape))])
        best = np.zeros(grads[0].shape[1])
        back = []
        for G in grads:  # best[j]: the largest sum of |grad| over paths from an input to neuron j
            totals = best[None, :] + np.abs(G)
            back.append(np.argmax(totals, axis=1))
            best = totals[np.arange(G.shape[0]), back[-1]]
        j = int(np.argmax(best))
        path = []
        for k in range(len(grads) - 1, -1, -1):
            i = int(back[k][j])
            path.append(edge(k, i, j))
            j = i
        return {"top": best_by_layer, "path": path[::-1]}
