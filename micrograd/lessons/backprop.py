"""Lesson logic for "Computation graph & backprop" and "Manual vs automatic backprop".

Everything the two pages show is computed here, from the graph itself, with no per-preset
text typed by hand:

- `PRESETS` and `build`: the lecture expression L = (a·b + c)·f, a tanh neuron, the fan-out
  e = (a+b)·(b+1), b = a + a, and a custom expression (parsed safely by `micrograd.expr`).
  The first two are the examples of Karpathy's "The spelled-out intro to neural networks
  and backpropagation: building micrograd".
- `Walkthrough`: the backward pass as a list of steps, one per node in reverse topological
  order, each with the node's local derivative(s), its upstream gradient, what every child
  receives, and the accumulated gradients after the step; plus the table and the graph of
  any step. After the last step the gradients equal a full ``Value.backward()``.
- `chain_rule_rows`: the manual chain rule, node by node, as LaTeX with the numbers.
- `check_answer` and `hint`: the quiz. `nudge_check`: (L(x+h) − L(x))/h against the grad.
- `bug_rows`, `zero_grad_rows`: the buggy backward passes of `micrograd.lessons.buggy` and
  the "forgot zero_grad" mistake, next to the right answer.

The chain rule used throughout: for a node v used by parents p (each use counted),
dL/dv = Σ_p dL/dp · dp/dv, where dp/dv is the local derivative stored by the op.
"""

import math
import re
from dataclasses import dataclass, field
from typing import Callable

from micrograd.engine import Value
from micrograd.graph import DONE, PARTIAL, fmt_number, value_graph
from micrograd.lessons.buggy import buggy_backward

__all__ = [
    "Preset", "PRESETS", "CUSTOM", "CUSTOM_DEFAULT_TEXT", "CUSTOM_DEFAULT_VALUES",
    "build", "builder", "leaf_names", "node_names", "tex_name", "local_formula", "md_escape",
    "Step", "Walkthrough", "engine_grads", "chain_rule_rows", "check_answer", "hint",
    "QuizResult", "nudge_check", "bug_rows", "zero_grad_rows",
]


# ---------------------------------------------------------------- presets


def _lecture(v):
    a, b, c, f = (Value(v[k], label=k) for k in ("a", "b", "c", "f"))
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return L


def _neuron(v):
    x1, x2, w1, w2, b = (Value(v[k], label=k) for k in ("x1", "x2", "w1", "w2", "b"))
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    s = x1w1 + x2w2
    s.label = "x1*w1 + x2*w2"
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


def _fanout(v):
    a, b = Value(v["a"], label="a"), Value(v["b"], label="b")
    s = a + b
    s.label = "a+b"
    t = b + 1
    t.label = "b+1"
    e = s * t
    e.label = "e"
    return e


def _a_plus_a(v):
    a = Value(v["a"], label="a")
    b = a + a
    b.label = "b"
    return b


@dataclass(frozen=True)
class Preset:
    """One ready-made expression.

    Attributes:
        key: the id used by the pages ('lecture', 'neuron', 'fanout', 'a_plus_a').
        title: the name shown in the picker.
        formula: the expression as text, e.g. 'L = (a·b + c)·f'.
        description: one or two sentences on what it teaches.
        defaults: {leaf name: value}, the lecture's numbers.
        make: a function {leaf name: float} -> root `Value`, every node labelled.
    """

    key: str
    title: str
    formula: str
    description: str
    defaults: dict
    make: Callable = field(repr=False)


PRESETS = {
    p.key: p
    for p in (
        Preset(
            "lecture", "Lecture example: L = (a·b + c)·f", "e = a·b,  d = e + c,  L = d·f",
            "The first example of the micrograd lecture: every gradient can be checked by hand.",
            {"a": 2.0, "b": -3.0, "c": 10.0, "f": -2.0}, _lecture,
        ),
        Preset(
            "neuron", "A neuron: o = tanh(x1·w1 + x2·w2 + b)", "n = x1·w1 + x2·w2 + b,  o = tanh(n)",
            "Two inputs, two weights and a bias through tanh. The bias is chosen so that n ≈ 0.8814 "
            "and o = tanh(n) ≈ 0.7071, which makes the local derivative 1 − o² exactly 0.5.",
            {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}, _neuron,
        ),
        Preset(
            "fanout", "Fan-out: e = (a + b)·(b + 1)", "e = (a + b)·(b + 1)",
            "b is used twice, so its gradient is the sum of what both uses send back: "
            "de/db = (b + 1) + (a + b).",
            {"a": 2.0, "b": -3.0}, _fanout,
        ),
        Preset(
            "a_plus_a", "Same input twice: b = a + a", "b = a + a",
            "The simplest fan-out: db/da = 1 + 1 = 2. An engine that assigns gradients instead of "
            "adding them gets 1.",
            {"a": 3.0}, _a_plus_a,
        ),
    )
}

CUSTOM = "custom"
CUSTOM_DEFAULT_TEXT = "tanh(w*x + b) * x"
CUSTOM_DEFAULT_VALUES = {"w": -0.5, "x": 2.0, "b": 0.5}


def leaf_names(preset, text=None):
    """The input names of a preset (or of a custom expression), in order.

    Args:
        preset: a key of `PRESETS`, or `CUSTOM`.
        text: the custom expression (only for `CUSTOM`).

    Returns:
        list of str.

    Raises:
        KeyError: unknown preset. micrograd.expr.ExpressionError: bad custom expression.
    """
    if preset == CUSTOM:
        from micrograd import expr

        return list(expr.names(text))
    return list(PRESETS[preset].defaults)


def build(preset, values=None, text=None):
    """Build the graph of a preset (or custom expression) and return its root `Value`.

    Args:
        preset: a key of `PRESETS`, or `CUSTOM`.
        values: optional {name: float}; missing names take the preset's defaults (custom
            expressions: `CUSTOM_DEFAULT_VALUES`, else 1.0).
        text: the custom expression, e.g. 'tanh(w*x + b)' (only for `CUSTOM`).

    Returns:
        the root `Value`, with fresh grads (0.0) everywhere.

    Raises:
        KeyError: unknown preset. micrograd.expr.ExpressionError (a ValueError): bad custom
        expression. ValueError / ZeroDivisionError: the values leave the op's domain (log of
        a negative number, division by zero, ...).
    """
    values = dict(values or {})
    if preset == CUSTOM:
        from micrograd import expr

        full = {n: float(values.get(n, CUSTOM_DEFAULT_VALUES.get(n, 1.0))) for n in expr.names(text)}
        return expr.evaluate(text, full)
    p = PRESETS[preset]
    full = {k: float(values.get(k, d)) for k, d in p.defaults.items()}
    root = p.make(full)
    if not math.isfinite(root.data):  # as expr.evaluate refuses for custom expressions
        raise ValueError(f"the output is {root.data} with these values: use smaller input values")
    return root


def builder(preset, text=None):
    """Return f(values: dict) -> root Value for `build(preset, values, text)`, for nudging."""
    return lambda values: build(preset, values, text)


# ---------------------------------------------------------------- names and formulas

_IDENT = re.compile(r"[A-Za-z_][A-Za-z_0-9]*\Z")
_NUM = re.compile(r"[0-9.]+(e[+-]?[0-9]+)?\Z")
_CALL = re.compile(r"[A-Za-z_][A-Za-z_0-9]*\((.*)\)\Z")


def node_names(root):
    """A unique display name for every node under `root`.

    Args:
        root: the output `Value`.

    Returns:
        dict {Value: str}: the node's label if it has one; for an unlabelled constant leaf
        its number ('1'); for an unlabelled root 'L' (or 'out' if 'L' is taken); for other
        unlabelled op results the short expression they compute from their children's
        names ('w*x', 'w*x+b', 'tanh(n)'), or 'u1', 'u2', ... (in topological order) when
        that is longer than 14 characters. A repeated name gets
        primes (a, a′, a″) so every row of a table is distinguishable.
    """
    topo = root.topo_order()
    used = {v.label for v in topo if v.label}
    names, seen, k, prec = {}, {}, 0, {}
    for v in topo:
        if v.label:
            name = v.label
            prec[v] = 4 if _is_atom(name) else 0
        elif v is root:
            name = "L" if "L" not in used else "out"
        elif not v.children:
            name = fmt_number(v.data)
            prec[v] = 4 if v.data >= 0 else 2.5
        else:
            name = _op_text(v, names, prec)
            if not name or len(name) > _MAX_NAME or name in used:
                prec[v] = 4
                k += 1
                while f"u{k}" in used:
                    k += 1
                name = f"u{k}"
        n = seen.get(name, 0)
        seen[name] = n + 1
        names[v] = name + "′" * n
    return names


_MAX_NAME = 14
_FUNCS = {"tanh": "tanh", "exp": "exp", "log": "log", "sigmoid": "sigmoid", "ReLU": "relu"}


def _op_text(v, names, prec):
    """The expression a node computes, written with its children's names ('' if unknown).

    `prec` maps nodes to the precedence of their name (4 atom or call, 3 power, 2.5 unary
    minus, 2 product, 1 sum, 0 unknown), so parentheses appear only where needed. The
    node's own precedence is stored in `prec`.
    """
    kids = v.children
    op = v.op

    def w(c, need):
        n = names[c].rstrip("′")
        return n if prec.get(c, 0) >= need else f"({n})"

    text, mine = "", 0
    if op == "+" and len(kids) == 2:
        text, mine = f"{w(kids[0], 1)}+{w(kids[1], 1)}", 1
    elif op == "-" and len(kids) == 2:
        text, mine = f"{w(kids[0], 1)}-{w(kids[1], 2)}", 1
    elif op == "*" and len(kids) == 2:
        text, mine = f"{w(kids[0], 2)}*{w(kids[1], 2)}", 2
    elif op == "/" and len(kids) == 2:
        text, mine = f"{w(kids[0], 2)}/{w(kids[1], 3)}", 2
    elif op == "neg":
        text, mine = f"-{w(kids[0], 3)}", 2.5
    elif op in _FUNCS:
        text, mine = f"{_FUNCS[op]}({names[kids[0]].rstrip('′')})", 4
    elif op == "**" and len(kids) == 2:
        text, mine = f"{w(kids[0], 4)}**{w(kids[1], 3)}", 3
    elif op.startswith("**") and len(kids) == 1:
        text, mine = f"{w(kids[0], 4)}**{op[2:]}", 3
    prec[v] = mine
    return text


def _is_atom(name):
    """True if `name` needs no parentheses inside a product: an identifier, a plain number,
    or a function call like 'tanh(n)'."""
    if _IDENT.match(name) or _NUM.match(name):
        return True
    m = _CALL.match(name)
    if not m:
        return False
    depth = 0
    for ch in m.group(1):  # the call's parentheses must enclose the whole argument
        depth += (ch == "(") - (ch == ")")
        if depth < 0:
            return False
    return depth == 0


def _p(name):
    """Parenthesise a compound name for use in a formula: 'x1*w1' -> '(x1*w1)'."""
    return name if _is_atom(name) else f"({name})"


def tex_name(name):
    """A node name as LaTeX: 'x1' -> 'x_{1}', 'x1*w1' -> 'x_{1} \\cdot w_{1}', 'out' -> '\\mathrm{out}'.

    Args:
        name: a display name from `node_names` (identifiers, numbers, + - * / and spaces).

    Returns:
        a LaTeX string (math mode). Characters other than identifiers, numbers, operators
        and parentheses are dropped from the output, so it is always valid LaTeX.
    """
    out = []
    for tok in re.findall(r"[A-Za-z_][A-Za-z_0-9]*|[0-9.]+|\*\*|[+\-*/()^]|−|′", name):
        if tok == "**":
            out.append("^")
        elif tok == "*":
            out.append(r"\cdot")
        elif tok == "−":
            out.append("-")
        elif tok == "′":
            out.append("'")
        elif tok[0].isalpha() or tok[0] == "_":
            m = re.fullmatch(r"([A-Za-z]+)_?([0-9]+)", tok)
            if m:
                base = m.group(1) if len(m.group(1)) == 1 else r"\mathrm{%s}" % m.group(1)
                out.append(f"{base}_{{{m.group(2)}}}")
            elif len(tok) == 1:
                out.append(tok)
            else:
                out.append(r"\mathrm{%s}" % tok.replace("_", r"\_"))
        else:
            out.append(tok)
    return " ".join(out) or r"\square"


def _tp(name):
    """LaTeX of a name, parenthesised if compound."""
    t = tex_name(name)
    return t if _is_atom(name.rstrip("′")) else rf"\left({t}\right)"


def _d(num, den, tex=False, total=False):
    """A derivative symbol: the local derivative '∂num/∂den', or with ``total=True`` the
    gradient 'dnum/dden' (the derivative of the output through every path); as text, or
    as LaTeX (\\frac{\\partial num}{\\partial den}) with ``tex=True``."""
    if tex:
        sym = "d" if total else r"\partial"
        return rf"\frac{{{sym} {_tp(num)}}}{{{sym} {_tp(den)}}}"
    sym = "d" if total else "∂"
    return f"{sym}{_p(num)}/{sym}{_p(den)}"


def _tnum(x):
    """A number for LaTeX (ASCII minus), parenthesised when negative."""
    s = fmt_number(x).replace("−", "-").replace("∞", r"\infty")
    return f"({s})" if s.startswith("-") else s


def local_formula(node, pos, names):
    """The local derivative d(node)/d(child at `pos`) as a formula in the node names.

    Args:
        node: an op result `Value`; pos: 0 or 1, the operand position.
        names: {Value: str} from `node_names`.

    Returns:
        (text, latex): e.g. for L = d·f and pos 0, ('f', 'f'); for o = tanh(n), ('1 − o²',
        '1 - o^{2}'). The formulas are the textbook derivatives of each op (the same ones
        the engine evaluates at forward time).
    """
    op = node.op
    kids = node.children
    a = names[kids[0]]
    b = names[kids[1]] if len(kids) > 1 else None
    me = names[node]
    if op == "+":
        return "1", "1"
    if op == "-":
        return ("1", "1") if pos == 0 else ("−1", "-1")
    if op == "*":
        other = b if pos == 0 else a
        return other, tex_name(other)
    if op == "/":
        if pos == 0:
            return f"1/{_p(b)}", rf"\frac{{1}}{{{tex_name(b)}}}"
        return f"−{_p(a)}/{_p(b)}²", rf"-\frac{{{tex_name(a)}}}{{{_tp(b)}^{{2}}}}"
    if op == "neg":
        return "−1", "-1"
    if op == "tanh":
        return f"1 − {_p(me)}²", rf"1 - {_tp(me)}^{{2}}"
    if op == "exp":
        return f"exp({a}) = {me}", tex_name(me)
    if op == "log":
        return f"1/{_p(a)}", rf"\frac{{1}}{{{tex_name(a)}}}"
    if op == "sigmoid":
        return f"{_p(me)}·(1 − {_p(me)})", rf"{_tp(me)}\left(1 - {_tp(me)}\right)"
    if op == "ReLU":
        return f"1 if {_p(a)} > 0 else 0", rf"\mathbb{{1}}[{tex_name(a)} > 0]"
    if op == "**":
        if pos == 0:
            return f"{_p(b)}·{_p(a)}^({b} − 1)", rf"{_tp(b)}\,{_tp(a)}^{{{tex_name(b)} - 1}}"
        return f"{_p(a)}^{_p(b)}·ln {_p(a)}", rf"{_tp(a)}^{{{tex_name(b)}}} \ln {_tp(a)}"
    if op.startswith("**"):
        k = float(op[2:])
        k1 = fmt_number(k - 1).replace("−", "-")
        ks = op[2:]
        if k == 2:
            return f"2·{_p(a)}", rf"2\,{_tp(a)}"
        return f"{ks}·{_p(a)}^{k1}", rf"{ks}\,{_tp(a)}^{{{k1}}}"
    loc = node.local_grads[pos]  # an op without a formula here (e.g. the fused Σwx+b): the number
    return fmt_number(loc), _tnum(loc)


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


def md_escape(text):
    """Backslash-escape the characters Markdown (and Streamlit's $...$ math) would interpret.

    Args:
        text: plain text, e.g. a caption part or a hint with names like 'x1*w1'.

    Returns:
        the text, safe to pass to ``st.markdown`` / ``st.caption``: 'x1*w1' -> 'x1\\*w1'.
    """
    return re.sub(r"([\\`*_\[\]<>~|#$])", r"\\\1", str(text))


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
                      f"{fmt_number(root.data)}. No gradients yet: press **Next** to start the "
                      "backward pass at the output.")]
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
                sym, _ = local_formula(v, pos, names)
                local_txt = f"{_d(names[v], names[c])} = "
                if sym != fmt_number(loc):
                    local_txt += f"{sym} = "
                local_txt += fmt_number(loc)
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
                   f"{md_escape(f'd{L}/d{_p(names[v])}')} = "
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

    def graph(self, k, digits=4):
        """The `pydot.Dot` of step k: grads of reached nodes only, the current node and its
        edges highlighted and labelled, complete nodes green, partly filled nodes yellow."""
        s = self.steps[k]
        fills = {v: (DONE if v in s.done else PARTIAL) for v in s.grads}
        return value_graph(self.root, names=self.names, grads=s.grads, current=s.node,
                           current_edges=s.kind == "node", edge_labels=self.edge_labels(k),
                           fills=fills, digits=digits)

    def table(self, k):
        """The table beside the graph at step k: one row per node, output first.

        Returns:
            list of dicts with keys 'node', 'op', 'data', 'local derivative(s)',
            'upstream gradient', 'grad', 'status' (all str, ready to show; status is '▶ now',
            '✓ done' (gradient complete), '… partial' or ''). 'grad' is '?'
            for nodes not reached yet; 'upstream gradient' is filled once the node's
            gradient is complete (the value it multiplies its local derivatives by).
        """
        s = self.steps[k]
        L = self.root_name
        rows = []
        for v in reversed(self.nodes):
            name = self.names[v]
            locs = []
            for pos, (c, loc) in enumerate(zip(v.children, v.local_grads, strict=True)):
                sym, _ = local_formula(v, pos, self.names)
                txt = f"{_d(name, self.names[c])} = "
                txt += (f"{sym} = " if sym != fmt_number(loc) else "") + fmt_number(loc)
                locs.append(txt)
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
                "local derivative(s)": ";  ".join(locs),
                "upstream gradient": (f"d{L}/d{_p(name)} = {fmt_number(s.grads[v])}"
                                      if v in s.done and v.children else ""),
                "grad": fmt_number(s.grads[v]) if v in s.grads else "?",
                "status": status,
            })
        return rows


# ---------------------------------------------------------------- manual vs automatic


def engine_grads(root):
    """Zero every grad under `root`, run ``root.backward()`` once, and return {Value: grad}."""
    for v in root.topo_order():
        v.grad = 0.0
    root.backward()
    return {v: v.grad for v in root.topo_order()}


def chain_rule_rows(root, *, include_constants=False, tol=1e-9):
    """The manual chain rule, node by node from the output back, next to the engine's grads.

    Args:
        root: the output `Value`. Its graph's ``.grad`` values are reset and refilled by one
            ``root.backward()`` (the engine side of the comparison).
        include_constants: also give rows for unlabelled constant leaves (the 1 in b + 1);
            the root always gets a row, even when it is a constant.
        tol: the match tolerance, |manual − engine| <= tol · max(1, |engine|).

    Returns:
        list of dicts in reverse topological order (output first), keys:
        'node' (Value), 'name' (str), 'latex' (the chain rule with numbers, e.g.
        ``\\frac{\\partial L}{\\partial e} = \\frac{\\partial L}{\\partial d} \\cdot
        \\frac{\\partial d}{\\partial e} = \\frac{\\partial L}{\\partial d} \\cdot 1 = (-2)
        \\cdot 1 = -2``), 'latex_symbolic' (the same without the numbers, for the quiz),
        'manual' (float: Σ over uses of upstream × local, computed here),
        'engine' (float: the node's grad after ``root.backward()``), 'match' (bool).

    The formula is dL/dv = Σ_(uses p of v) dL/dp · dp/dv; for a direct input of the output
    the factor dL/dL = 1 is left out (dL/dd = f).
    """
    w = Walkthrough(root)
    names, L = w.names, w.root_name
    eng = engine_grads(root)
    manual = {}
    rows = []
    for v in reversed(w.nodes):
        name = names[v]
        lhs = _d(L, name, tex=True, total=True)
        if v is root:
            manual[v] = 1.0
            latex = sym_latex = f"{lhs} = 1"
        else:
            total = 0.0
            chain, subst, nums = [], [], []
            for p, pos in w.uses[v]:
                loc = p.local_grads[pos]
                _, loc_tex = local_formula(p, pos, names)
                total += manual[p] * loc
                if p is root:
                    chain.append(_d(names[p], name, tex=True))
                    subst.append(loc_tex)
                    nums.append(_tnum(loc))
                else:
                    up = _d(L, names[p], tex=True, total=True)
                    chain.append(rf"{up} \cdot {_d(names[p], name, tex=True)}")
                    subst.append(rf"{up} \cdot {_wrap(loc_tex)}")
                    nums.append(rf"{_tnum(manual[p])} \cdot {_tnum(loc)}")
            manual[v] = total
            chain_s, subst_s, nums_s = (" + ".join(x) for x in (chain, subst, nums))
            final = fmt_number(total).replace("−", "-").replace("∞", r"\infty")
            sym = [lhs, chain_s]
            if subst_s != chain_s:
                sym.append(subst_s)
            sym_latex = " = ".join(sym)
            parts = list(sym)
            if nums_s not in (subst_s, final, f"({final})"):
                parts.append(nums_s)
            if final != parts[-1]:
                parts.append(final)
            latex = " = ".join(parts)
        if not include_constants and not v.children and not v.label and v is not root:
            continue
        e = eng[v]
        ok = abs(manual[v] - e) <= tol * max(1.0, abs(e)) or (manual[v] == e)
        rows.append({"node": v, "name": name, "latex": latex, "latex_symbolic": sym_latex,
                     "manual": manual[v], "engine": e, "match": bool(ok)})
    return rows


def _wrap(tex):
    """Parenthesise a LaTeX factor unless it is a single symbol or a plain number."""
    return tex if re.fullmatch(r"[A-Za-z0-9.]+(_\{[0-9]+\})?", tex) else rf"\left({tex}\right)"


@dataclass(frozen=True)
class QuizResult:
    """The verdict on one quiz answer.

    Attributes:
        ok: True right, False wrong or unreadable, None when nothing was typed.
        value: the number read from the answer (None if none).
        message: a short sentence for the student.
    """

    ok: object
    value: object
    message: str


def check_answer(text, expected, *, rtol=1e-3, atol=1e-3):
    """Mark a typed gradient against the engine's value.

    Args:
        text: what the student typed: a decimal ('-1.5', '−1.5', '1e-3') or a fraction
            ('3/2'); spaces ignored.
        expected: the autograd gradient (float).
        rtol, atol: the answer is right when |answer − expected| <= atol + rtol·|expected|
            (so 4 significant digits are enough: 0.7071 for 1/√2).

    Returns:
        a `QuizResult`. Never raises on bad text: an unreadable answer is marked wrong with
        a message saying what to type.
    """
    t = (text or "").strip().replace("−", "-").replace(" ", "")
    if not t:
        return QuizResult(None, None, "no answer yet")
    unreadable = QuizResult(False, None, f"could not read {text!r}: type a number like -1.5 or 3/2")
    try:
        if "/" in t:  # a fraction of two decimals, each read as a float (never an exact huge integer)
            num, _, den = t.partition("/")
            x = float(num) / float(den)
        else:
            x = float(t)
    except (ValueError, ZeroDivisionError, OverflowError):
        return unreadable
    if not math.isfinite(x):  # 'inf', 'nan', '1e400'
        return unreadable
    if math.isfinite(expected) and abs(x - expected) <= atol + rtol * abs(expected):
        return QuizResult(True, x, "right")
    return QuizResult(False, x, f"{fmt_number(x)} is not right")


def hint(root, node):
    """A hint for the gradient of `node`: the chain rule and its local derivative(s).

    Args:
        root: the output `Value`; node: a node under it.

    Returns:
        str, e.g. '∂L/∂e = ∂L/∂d · ∂d/∂e, and the local derivative ∂d/∂e = 1 = 1'
        (the numbers are the local derivatives, never the answer).
    """
    w = Walkthrough(root)
    names, L = w.names, w.root_name
    if node is root:
        return f"d{L}/d{L}: how much does {L} change when {L} changes?"
    chain, locs = [], []
    for p, pos in w.uses[node]:
        sym, _ = local_formula(p, pos, names)
        dd = _d(names[p], names[node])
        chain.append(dd if p is root else f"d{L}/d{_p(names[p])} · {dd}")
        val = fmt_number(p.local_grads[pos])
        locs.append(f"{dd} = {sym}" + (f" = {val}" if sym != val else ""))
    return (f"d{L}/d{_p(names[node])} = " + " + ".join(chain)
            + ", and the local derivative" + ("s " if len(locs) > 1 else " ") + "; ".join(locs))


def _leaf(root, name):
    for v in root.topo_order():
        if not v.children and v.label == name:
            return v
    raise KeyError(f"no input named {name!r} in this graph")


def nudge_check(make, values, leaf, h=1e-4):
    """Move one input by h and compare the change of the output with the gradient.

    Args:
        make: a function {name: float} -> root `Value` (see `builder`).
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


def bug_rows(root, *, assign=False, wrong_tanh=False):
    """The right gradients next to those of a buggy backward pass.

    Args:
        root: the output `Value`.
        assign, wrong_tanh: the bugs of `micrograd.lessons.buggy.buggy_backward`.

    Returns:
        list of dicts, output first, unlabelled constants left out: 'name', 'right' (the
        engine's grad), 'buggy' (the buggy pass's grad), 'wrong' (bool, they differ).
        The graph's ``.grad`` values are left as the buggy pass set them.
    """
    names = node_names(root)
    right = engine_grads(root)
    buggy_backward(root, assign=assign, wrong_tanh=wrong_tanh)
    return [
        {"name": names[v], "right": right[v], "buggy": v.grad,
         "wrong": not math.isclose(right[v], v.grad, rel_tol=1e-12, abs_tol=1e-12)}
        for v in reversed(root.topo_order()) if v.children or v.label
    ]


def zero_grad_rows(root, calls=2):
    """Gradients after each of `calls` ``backward()`` calls with no zeroing in between.

    Args:
        root: the output `Value`; calls: how many backward() calls (>= 1).

    Returns:
        list of dicts, output first, unlabelled constants left out: 'name', then
        'after backward() #1' ... '#calls' (floats). Because gradients accumulate (like
        PyTorch's), call k shows k times the right gradient: the "forgot zero_grad" bug.
    """
    names = node_names(root)
    for v in root.topo_order():
        v.grad = 0.0
    after = []
    for _ in range(calls):
        root.backward()
        after.append({v: v.grad for v in root.topo_order()})
    rows = []
    for v in reversed(root.topo_order()):
        if not (v.children or v.label):
            continue
        row = {"name": names[v]}
        for i, g in enumerate(after, 1):
            row[f"after backward() #{i}"] = g[v]
        rows.append(row)
    return rows
