"""How the lessons write a graph for students: node names, LaTeX, and each op's local derivative.

`OPS` is the one table of display facts, keyed by the engine's op names (`Value.op`): how a
node made by the op is written from its operands' names, with which precedence, and the
textbook local derivative d(out)/d(operand) as text and as LaTeX (the same derivative the
engine evaluates at forward time). The engine names ``x ** n`` with a constant n '**' + n
('**2', '**0.5'); its entry is ``OPS["**n"]`` (see `notation_of`).

Used by `micrograd.lessons.computation_graph` (the step-through) and
`micrograd.lessons.manual_vs_auto` (the chain rule, the quiz's hints). No streamlit here.
"""

import re
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Callable

from micrograd.graph import fmt_number

__all__ = [
    "LossNotation", "LOSS_NOTATION",
    "OpNotation", "OPS", "notation_of", "node_names", "op_text", "op_expression", "is_atom", "paren",
    "tex_name", "tex_paren", "tex_number", "derivative", "local_formula", "local_equation",
]

_IDENT = re.compile(r"[A-Za-z_][A-Za-z_0-9]*\Z")
_NUM = re.compile(r"[0-9.]+(e[+-]?[0-9]+)?\Z")
_CALL = re.compile(r"[A-Za-z_][A-Za-z_0-9]*\((.*)\)\Z")
#: a generated name longer than this is replaced by u1, u2, ...
_MAX_NAME = 14


def is_atom(name):
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


def paren(name):
    """Parenthesise a compound name for use in a formula: 'x1*w1' -> '(x1*w1)'."""
    return name if is_atom(name) else f"({name})"


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


def tex_paren(name):
    """LaTeX of a name, parenthesised if compound."""
    t = tex_name(name)
    return t if is_atom(name.rstrip("′")) else rf"\left({t}\right)"


def tex_number(x):
    """A number for LaTeX (ASCII minus), parenthesised when negative."""
    s = fmt_number(x).replace("−", "-").replace("∞", r"\infty")
    return f"({s})" if s.startswith("-") else s


def derivative(num, den, tex=False, total=False):
    """A derivative symbol: the local derivative '∂num/∂den', or with ``total=True`` the
    gradient 'dnum/dden' (the derivative of the output through every path); as text, or
    as LaTeX (\\frac{\\partial num}{\\partial den}) with ``tex=True``."""
    if tex:
        sym = "d" if total else r"\partial"
        return rf"\frac{{{sym} {tex_paren(num)}}}{{{sym} {tex_paren(den)}}}"
    sym = "d" if total else "∂"
    return f"{sym}{paren(num)}/{sym}{paren(den)}"


# ---------------------------------------------------------------- the table


@dataclass(frozen=True)
class OpNotation:
    """How students see one engine op.

    Attributes:
        form: how a node of this op is written from its operands' names: 'infix' (a + b),
            'prefix' (-a), 'call' (tanh(a)) or 'postfix' (a**2: the op name after the operand).
        symbol: the operator or function name written ('+', '-', 'tanh', 'relu'); '' for
            'postfix', which writes the op name itself.
        precedence: the written node's (1 sum, 2 product, 2.5 unary minus, 3 power, 4 call).
        operands: per operand, the least precedence its name needs to go without
            parentheses; its length is the op's number of operands.
        local: ``local(pos, n) -> (text, latex)``, the local derivative d(out)/d(operand at
            `pos`) written in the names ``n.a``, ``n.b`` (the operands; b is None for one
            operand), ``n.out`` (the node itself) and ``n.op`` (the engine's op name).
    """

    form: str
    symbol: str
    precedence: float
    operands: tuple
    local: Callable


def _quotient(pos, n):
    if pos == 0:
        return f"1/{paren(n.b)}", rf"\frac{{1}}{{{tex_name(n.b)}}}"
    return f"−{paren(n.a)}/{paren(n.b)}²", rf"-\frac{{{tex_name(n.a)}}}{{{tex_paren(n.b)}^{{2}}}}"


def _power(pos, n):
    if pos == 0:  # d(a^b)/da = b a^(b-1)
        return f"{paren(n.b)}·{paren(n.a)}^({n.b} − 1)", rf"{tex_paren(n.b)}\,{tex_paren(n.a)}^{{{tex_name(n.b)} - 1}}"
    return f"{paren(n.a)}^{paren(n.b)}·ln {paren(n.a)}", rf"{tex_paren(n.a)}^{{{tex_name(n.b)}}} \ln {tex_paren(n.a)}"


def _power_by_constant(pos, n):
    ks = n.op[2:]
    k = float(ks)
    if k == 2:
        return f"2·{paren(n.a)}", rf"2\,{tex_paren(n.a)}"
    k1 = fmt_number(k - 1).replace("−", "-")
    return f"{ks}·{paren(n.a)}^{k1}", rf"{ks}\,{tex_paren(n.a)}^{{{k1}}}"


@dataclass(frozen=True)
class LossNotation:
    """How the lessons write one loss of `micrograd.losses.LOSSES`.

    Attributes:
        label: the loss's name, as widgets and captions show it ('mean squared error').
        example: the loss ℓ of ONE example as text, with score s and label y (for 'ce': logits
            z_1..z_K and class y); the loss of a batch is the mean of ℓ (`micrograd.losses`).
    """

    label: str
    example: str


#: the display facts of every loss of `micrograd.losses.LOSSES`, by its name (the formulas are
#: those `micrograd.losses` builds: hinge (1 + −y·s).relu(), (s − y)², softplus(−y·s), and
#: log-sum-exp minus the true class's logit)
LOSS_NOTATION = {
    "hinge": LossNotation("hinge (max-margin)", "max(0, 1 − y·s)"),
    "mse": LossNotation("mean squared error", "(s − y)²"),
    "bce": LossNotation("binary cross-entropy", "log(1 + e^(−y·s))"),
    "ce": LossNotation("softmax cross-entropy", "log Σₖ e^(z_k) − z_y"),
}


#: the display facts of every op of `micrograd.engine.Value`, by its op name
OPS = {
    "+": OpNotation("infix", "+", 1, (1, 1), lambda pos, n: ("1", "1")),
    "-": OpNotation("infix", "-", 1, (1, 2), lambda pos, n: ("1", "1") if pos == 0 else ("−1", "-1")),
    "*": OpNotation("infix", "*", 2, (2, 2),
                    lambda pos, n: (n.b, tex_name(n.b)) if pos == 0 else (n.a, tex_name(n.a))),
    "/": OpNotation("infix", "/", 2, (2, 3), _quotient),
    "neg": OpNotation("prefix", "-", 2.5, (3,), lambda pos, n: ("−1", "-1")),
    "**": OpNotation("infix", "**", 3, (4, 3), _power),
    "**n": OpNotation("postfix", "", 3, (4,), _power_by_constant),
    "tanh": OpNotation("call", "tanh", 4, (0,),
                       lambda pos, n: (f"1 − {paren(n.out)}²", rf"1 - {tex_paren(n.out)}^{{2}}")),
    "exp": OpNotation("call", "exp", 4, (0,), lambda pos, n: (f"exp({n.a}) = {n.out}", tex_name(n.out))),
    "log": OpNotation("call", "log", 4, (0,),
                      lambda pos, n: (f"1/{paren(n.a)}", rf"\frac{{1}}{{{tex_name(n.a)}}}")),
    "sigmoid": OpNotation("call", "sigmoid", 4, (0,), lambda pos, n: (
        f"{paren(n.out)}·(1 − {paren(n.out)})", rf"{tex_paren(n.out)}\left(1 - {tex_paren(n.out)}\right)")),
    "ReLU": OpNotation("call", "relu", 4, (0,), lambda pos, n: (
        f"1 if {paren(n.a)} > 0 else 0", rf"\mathbb{{1}}[{tex_name(n.a)} > 0]")),
}


def notation_of(op):
    """The `OpNotation` of an engine op name ('**2' -> ``OPS["**n"]``), or None (a leaf's '',
    or an op with no written form here, such as the fused neuron 'Σwx+b')."""
    if op in OPS:
        return OPS[op]
    return OPS["**n"] if op.startswith("**") else None


# ---------------------------------------------------------------- names


def op_text(v, names, prec):
    """The expression a node computes, written with its children's names ('' if unknown).

    `prec` maps nodes to the precedence of their name (see `OpNotation.precedence`; 0
    unknown), so parentheses appear only where needed. The node's own precedence is stored
    in `prec`.
    """
    kids = v.children
    form = notation_of(v.op)
    if form is None or len(kids) != len(form.operands):
        prec[v] = 0
        return ""

    def w(c, need):
        n = names[c].rstrip("′")
        return n if prec.get(c, 0) >= need else f"({n})"

    if form.form == "infix":
        text = f"{w(kids[0], form.operands[0])}{form.symbol}{w(kids[1], form.operands[1])}"
    elif form.form == "prefix":
        text = f"{form.symbol}{w(kids[0], form.operands[0])}"
    elif form.form == "postfix":
        text = f"{w(kids[0], form.operands[0])}{v.op}"
    else:
        text = f"{form.symbol}({w(kids[0], form.operands[0])})"
    prec[v] = form.precedence
    return text


def op_expression(node, names):
    """What an op node computes, in its children's names, as shown in a hint: 'd·f', 'tanh(n)'
    ('' for a leaf or an op without a written form)."""
    if not node.children:
        return ""
    prec = {c: 4 if is_atom(names[c].rstrip("′")) else 0 for c in node.children}
    return op_text(node, names, prec).replace("**", "^").replace("*", "·")


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
            prec[v] = 4 if is_atom(name) else 0
        elif v is root:
            name = "L" if "L" not in used else "out"
        elif not v.children:
            name = fmt_number(v.data)
            prec[v] = 4 if v.data >= 0 else 2.5
        else:
            name = op_text(v, names, prec)
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


# ---------------------------------------------------------------- local derivatives


def local_formula(node, pos, names):
    """The local derivative d(node)/d(child at `pos`) as a formula in the node names.

    Args:
        node: an op result `Value`; pos: 0 or 1, the operand position.
        names: {Value: str} from `node_names`.

    Returns:
        (text, latex): e.g. for L = d·f and pos 0, ('f', 'f'); for o = tanh(n), ('1 − o²',
        '1 - o^{2}'). The formulas are `OPS`' textbook derivatives of each op (the same ones
        the engine evaluates at forward time); an op without one (the fused neuron) gives
        the number the engine stored.
    """
    kids = node.children
    form = notation_of(node.op)
    if form is None:
        loc = node.local_grads[pos]
        return fmt_number(loc), tex_number(loc)
    n = SimpleNamespace(a=names[kids[0]], b=names[kids[1]] if len(kids) > 1 else None,
                        out=names[node], op=node.op)
    return form.local(pos, n)


def local_equation(node, pos, names):
    """The local derivative with its formula and value, as text: '∂e/∂a = b = −3' (the
    formula is left out when it is the number itself: '∂d/∂e = 1')."""
    sym, _ = local_formula(node, pos, names)
    value = fmt_number(node.local_grads[pos])
    text = f"{derivative(names[node], names[node.children[pos]])} = "
    return text + (f"{sym} = " if sym != value else "") + value
