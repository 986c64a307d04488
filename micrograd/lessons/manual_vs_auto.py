"""Lesson logic for "Manual vs automatic backprop": the chain rule by hand next to ``backward()``.

- `chain_rule_rows`: the manual chain rule, node by node, as LaTeX with the numbers, next to
  the engine's gradients.
- `check_answer` and `hint`: the quiz.
- `bug_rows`, `zero_grad_rows`: the buggy backward passes of `micrograd.lessons.buggy` and
  the "forgot zero_grad" mistake, next to the right answer.

The expressions come from `micrograd.lessons.presets`, the names and formulas from
`micrograd.lessons.notation`, the node-by-node pass from
`micrograd.lessons.computation_graph.Walkthrough`. The chain rule used throughout: for a
node v used by parents p (each use counted), dL/dv = Σ_p dL/dp · dp/dv, where dp/dv is the
local derivative stored by the op.
"""

import math
import re
from dataclasses import dataclass

from micrograd.graph import fmt_number
from micrograd.lessons.buggy import buggy_backward
from micrograd.lessons.computation_graph import Walkthrough, engine_grads
from micrograd.lessons.notation import derivative, local_formula, node_names, op_expression, paren, tex_number

__all__ = ["chain_rule_rows", "QuizResult", "check_answer", "hint", "bug_rows", "zero_grad_rows"]


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
        lhs = derivative(L, name, tex=True, total=True)
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
                    chain.append(derivative(names[p], name, tex=True))
                    subst.append(loc_tex)
                    nums.append(tex_number(loc))
                else:
                    up = derivative(L, names[p], tex=True, total=True)
                    chain.append(rf"{up} \cdot {derivative(names[p], name, tex=True)}")
                    subst.append(rf"{up} \cdot {_wrap(loc_tex)}")
                    nums.append(rf"{tex_number(manual[p])} \cdot {tex_number(loc)}")
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
    """A hint for the gradient of `node`: the chain rule and its local derivative formula(s).

    Args:
        root: the output `Value`; node: a node under it.

    Returns:
        str, e.g. 'dL/da = dL/de · ∂e/∂a, and the local derivative ∂e/∂a = b = −3 (e = a·b)'.
        The hint never states a number that would be marked right for dL/d(node): a local
        derivative's value is shown only when it differs from the answer (for a direct input
        of the output, dL/dL = 1, so there it never is: 'dL/df = ∂L/∂f, and the local
        derivative ∂L/∂f = d (L = d·f)'), and a formula that is itself such a number (the
        1 of a sum whose gradient is 1) is replaced by the question it answers.
    """
    w = Walkthrough(root)
    names, L = w.names, w.root_name
    if node is root:
        return f"d{L}/d{L}: how much does {L} change when {L} changes?"
    answer = w.steps[-1].grads.get(node, 0.0)
    chain, locs = [], []
    for p, pos in w.uses[node]:
        sym, _ = local_formula(p, pos, names)
        dd = derivative(names[p], names[node])
        chain.append(dd if p is root else f"d{L}/d{paren(names[p])} · {dd}")
        if check_answer(sym, answer).ok:  # the formula is a number, and it is the answer
            locs.append(f"{dd}: how much does {names[p]} change per unit change of {names[node]} alone?")
            continue
        val = fmt_number(p.local_grads[pos])
        text = f"{dd} = {sym}" + (f" = {val}" if sym != val and not check_answer(val, answer).ok else "")
        expr = op_expression(p, names)
        if expr and expr != names[p] and not _states_answer(expr, answer):
            text += f" ({names[p]} = {expr})"
        locs.append(text)
    return (f"d{L}/d{paren(names[node])} = " + " + ".join(chain)
            + ", and the local derivative" + ("s " if len(locs) > 1 else " ") + "; ".join(locs))


_NUMBER_TOKEN = re.compile(r"(?<![\w.′])[−-]?\d+(?:\.\d+)?(?:e[+−-]?\d+)?(?![\w.])")


def _states_answer(text, answer):
    """True if `text` contains a standalone number that `check_answer` would mark right for
    `answer` (digits inside names such as 'x1' do not count)."""
    return any(check_answer(tok, answer).ok for tok in _NUMBER_TOKEN.findall(text))


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
