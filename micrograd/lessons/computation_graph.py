"""Lesson logic for "Computation graph & backprop": the backward pass, one node at a time.

- `Walkthrough`: the backward pass as a list of steps, one per node in reverse topological
  order, each with the node's local derivative(s), its upstream gradient, what every child
  receives, and the accumulated gradients after the step; plus the table and the graph of
  any step. After the last step the gradients equal a full ``Value.backward()``.
- `nudge_check`: (L(x+h) − L(x))/h against the gradient.
- `engine_grads`: the engine's own gradients, one ``backward()`` from zero.

The expressions come from `micrograd.lessons.presets`, the names and formulas from
`micrograd.lessons.notation`. The chain rule used throughout: for a node v used by parents p
(each use counted), dL/dv = Σ_p dL/dp · dp/dv, where dp/dv is the local derivative stored by
the op. Captions are Markdown, with every name escaped by `micrograd.text.md_escape`.
"""

import math
from dataclasses import dataclass

from micrograd.graph import LIGHT, fmt_number, value_graph
from micrograd.lessons.notation import local_equation, node_names, paren
from micrograd.text import md_escape

__all__ = ["Step", "Walkthrough", "engine_grads", "nudge_check"]


def engine_grads(root):
    """Zero every grad under `root`, run ``root.backward()`` once, and return {Value: grad}."""
    for v in root.topo_order():
        v.grad = 0.0
    root.backward()
    return {v: v.grad for v in root.topo_order()}


# ---------------------------------------------------------------- the step-through


@dataclass(frozen=True)
class Step:
    """One position of the backward step-through.

    Attributes:
        index: position in `Walkthrough.steps` (0 = forward pass only).
        kind: 'forward' (no gradients yet), 'seed' (dL/dL = 1) or 'node' (a node sends
            gradient to its children).
        node: the node processed (None for 'forward'; the root for 'seed').
        op: its op ('' for a leaf).
        upstream: dL/d(node), the gradient the node has collected (None for 'forward').
        children: the node's children in operand order (a child used twice appears twice).
        local_grads: d(node)/d(child) for each child.
        contributions: local × upstream for each child.
        grads: {Value: float} accumulated gradients after the step, reached nodes only.
        done: frozenset of nodes whose gradient is complete (every parent has sent).
        caption: a sentence (Markdown) saying what happened.
    """

    index: int
    kind: str
    node: object
    op: str
    upstream: object
    children: tuple
    local_grads: tuple
    contributions: tuple
    grads: dict
    done: frozenset
    caption: str


def _md(name):
    """Escape Markdown specials in a name and make it bold."""
    return "**" + md_escape(name) + "**"


class Walkthrough:
    """The backward pass of `root`, one node at a time, without touching any ``.grad``.

    Args:
        root: the output `Value` (its forward pass already done by building it).

    Attributes:
        root: the root; nodes: every node, children before parents (``root.topo_order()``);
        names: {Value: str} from `node_names`; uses: {Value: [(parent, pos), ...]}, every
        use of a node as an operand; steps: list of `Step`: ``steps[0]`` is the forward pass
        only, ``steps[1]`` seeds dL/dL = 1, then one step per op node in reverse topological
        order. Leaves get no step of their own: once every parent has sent, their grad is
        final.

    The chain rule per step: child.grad += local_derivative × node.grad (Karpathy's
    micrograd `_backward`). ``steps[-1].grads`` equals the grads of a full ``root.backward()``
    on a fresh graph, node for node.
    """

    def __init__(self, root):
        self.root = root
        self.nodes = root.topo_order()
        self.names = node_names(root)
        self.uses = {v: [] for v in self.nodes}
        for p in self.nodes:
            for pos, c in enumerate(p.children):
                self.uses[c].append((p, pos))
        self.steps = self._make_steps()

    @property
    def root_name(self):
        """The root's display name (the L of dL/dx)."""
        return self.names[self.root]

    def _make_steps(self):
        names, L = self.names, self.names[self.root]
        root = self.root
        steps = [Step(0, "forward", None, "", None, (), (), (), {}, frozenset(),
                      f"Forward pass done: every node holds its data, and the output {_md(L)} = "
                      f"{fmt_number(root.data)}. No gradients yet: press **Next** (or **Play**) to "
                      "start the backward pass at the output.")]
        grads = {root: 1.0}
        pending = {v: len(self.uses[v]) for v in self.nodes}
        done = {root}
        steps.append(Step(1, "seed", root, root.op, 1.0, (), (), (), dict(grads), frozenset(done),
                          f"Seed: the gradient of the output with respect to itself, "
                          f"{md_escape(f'd{L}/d{L}')} = 1. Every other gradient is built from this one."))
        for v in reversed(self.nodes):
            if not v.children:
                continue
            up = grads.get(v, 0.0)
            kids, locs = v.children, v.local_grads
            contribs = tuple(loc * up for loc in locs)
            parts = []
            for pos, (c, loc, con) in enumerate(zip(kids, locs, contribs, strict=True)):
                local_txt = local_equation(v, pos, names)
                before = grads.get(c)
                grads[c] = (before or 0.0) + con
                pending[c] -= 1
                msg = (f"local derivative {md_escape(local_txt)}, so {_md(names[c])} receives "
                       f"{fmt_number(loc)} × {fmt_number(up)} = {fmt_number(con)}")
                if before is not None:
                    msg += (f", added to the {fmt_number(before)} it already had: now "
                            f"{fmt_number(grads[c])} (it is used more than once, so gradients add up)")
                if pending[c] == 0:
                    done.add(c)
                parts.append(msg)
            cap = (f"Node {_md(names[v])} ({md_escape(v.op)}): upstream gradient "
                   f"{md_escape(f'd{L}/d{paren(names[v])}')} = "
                   f"{fmt_number(up)}; " + "; ".join(parts) + ".")
            steps.append(Step(len(steps), "node", v, v.op, up, kids, locs, contribs, dict(grads),
                              frozenset(done), cap))
        last = steps[-1]
        steps[-1] = Step(last.index, last.kind, last.node, last.op, last.upstream, last.children,
                         last.local_grads, last.contributions, last.grads, last.done,
                         last.caption + " That was the last node: every gradient is now final and "
                         "equal to what a full `backward()` computes.")
        return steps

    def check_against_backward(self, tol=1e-12):
        """Compare the last step's grads with a full ``root.backward()``.

        Resets and refills the ``.grad`` of every node (one backward pass from zero).

        Returns:
            (matching, total): how many nodes agree to |Δ| <= tol·max(1, |grad|), out of all.
        """
        eng = engine_grads(self.root)
        last = self.steps[-1].grads

        def same(a, b):  # equal infinities count as a match (inf - inf is nan)
            return a == b or abs(a - b) <= tol * max(1.0, abs(b))

        ok = sum(1 for v in self.nodes if same(last.get(v, math.nan), eng[v]))
        return ok, len(self.nodes)

    def edge_labels(self, k):
        """{(node, pos): 'local × upstream = contribution'} for the node processed at step k."""
        s = self.steps[k]
        if s.kind != "node":
            return {}
        return {
            (s.node, pos): f"{fmt_number(loc)} × {fmt_number(s.upstream)} = {fmt_number(con)}"
            for pos, (loc, con) in enumerate(zip(s.local_grads, s.contributions, strict=True))
        }

    def graph(self, k, digits=4, palette=LIGHT):
        """The `pydot.Dot` of step k: grads of reached nodes only, the current node and its
        edges highlighted (orange) and labelled, complete nodes blue, partly filled nodes yellow
        with a dashed border; colours from `palette` (a `micrograd.graph.GraphPalette`)."""
        s = self.steps[k]
        status = {v: ("done" if v in s.done else "partial") for v in s.grads}
        return value_graph(self.root, names=self.names, grads=s.grads, current=s.node,
                           current_edges=s.kind == "node", edge_labels=self.edge_labels(k),
                           status=status, digits=digits, palette=palette)

    def table(self, k):
        """The table beside the graph at step k: one row per node, output first.

        Returns:
            list of dicts with keys 'node', 'op', 'data', 'local derivatives',
            'upstream', 'grad', 'status' (all str, ready to show; status is '▶ now',
            '✓ done' (gradient complete), '… partial' or ''). 'grad' is '?'
            for nodes not reached yet; 'upstream' (the upstream gradient) is filled once the
            node's gradient is complete (the value it multiplies its local derivatives by).
        """
        s = self.steps[k]
        L = self.root_name
        rows = []
        for v in reversed(self.nodes):
            name = self.names[v]
            locs = [local_equation(v, pos, self.names) for pos in range(len(v.children))]
            if v is s.node:
                status = "▶ now"
            elif v in s.done:
                status = "✓ done"
            elif v in s.grads:
                status = "… partial"
            else:
                status = ""
            op = v.op or ("input" if v.label else "constant")
            rows.append({
                "node": name,
                "op": op,
                "data": fmt_number(v.data),
                "local derivatives": ";  ".join(locs),
                "upstream": (f"d{L}/d{paren(name)} = {fmt_number(s.grads[v])}"
                                      if v in s.done and v.children else ""),
                "grad": fmt_number(s.grads[v]) if v in s.grads else "?",
                "status": status,
            })
        return rows


def _leaf(root, name):
    for v in root.topo_order():
        if not v.children and v.label == name:
            return v
    raise KeyError(f"no input named {name!r} in this graph")


def nudge_check(make, values, leaf, h=1e-4):
    """Move one input by h and compare the change of the output with the gradient.

    Args:
        make: a function {name: float} -> root `Value` (see `micrograd.lessons.presets.builder`).
        values: {name: float}, the current inputs.
        leaf: the name of the input to nudge (a key of `values`).
        h: the nudge, a float != 0.

    Returns:
        dict with 'L' (the output), 'L_nudged' (the output with leaf + h), 'slope'
        ((L_nudged − L)/h, the forward difference), 'grad' (dL/dleaf by backward()),
        'predicted' (L + grad·h, the first-order Taylor prediction), 'abs_error'
        (|slope − grad|, O(h) for a smooth output).

    Raises:
        KeyError: `leaf` is not an input. ValueError: h == 0. Errors of `make`.
    """
    if h == 0:
        raise ValueError("the nudge h must be non-zero")
    root = make(values)
    g = engine_grads(root)[_leaf(root, leaf)]
    moved = dict(values)
    moved[leaf] = float(values[leaf]) + h
    L1 = make(moved).data
    slope = (L1 - root.data) / h
    return {"L": root.data, "L_nudged": L1, "slope": slope, "grad": g,
            "predicted": root.data + g * h, "abs_error": abs(slope - g)}
