"""Tests for micrograd/lessons/backprop.py: presets, the backward step-through, the manual
chain rule, the quiz, the nudge check and the buggy variants, against hand-derived values
and finite differences."""

import math

import pytest

from micrograd.gradcheck import central_difference
from micrograd.lessons import backprop as bp

TANH_B = 6.8813735870195432


def _final(key, values=None, text=None):
    root = bp.build(key, values, text)
    w = bp.Walkthrough(root)
    return w, {w.names[v]: g for v, g in w.steps[-1].grads.items()}


def test_lecture_grads_by_hand():
    w, g = _final("lecture")
    assert w.root.data == -8.0
    assert g == {"L": 1.0, "d": -2.0, "f": 4.0, "e": -2.0, "c": -2.0, "a": 6.0, "b": -4.0}


def test_neuron_grads_by_hand():
    w, g = _final("neuron")
    assert w.root.data == pytest.approx(math.sqrt(0.5), abs=1e-6)
    # do/dn = 1 - o^2 = 0.5; do/dx1 = w1 * 0.5, do/dw1 = x1 * 0.5, ...
    assert g["n"] == pytest.approx(0.5, abs=1e-6)
    assert g["x1"] == pytest.approx(-1.5, abs=1e-6)
    assert g["w1"] == pytest.approx(1.0, abs=1e-6)
    assert g["x2"] == pytest.approx(0.5, abs=1e-6)
    assert g["w2"] == pytest.approx(0.0, abs=1e-6)
    assert g["b"] == pytest.approx(0.5, abs=1e-6)
    assert bp.PRESETS["neuron"].defaults["b"] == TANH_B


def test_fanout_grads_by_hand():
    # e = (a + b)(b + 1) at a = 2, b = -3: de/da = b + 1 = -2, de/db = (b + 1) + (a + b) = -3
    w, g = _final("fanout")
    assert w.root.data == 2.0
    assert g["a"] == -2.0 and g["b"] == -3.0
    w, g = _final("fanout", {"a": 0.5, "b": 4.0})
    assert g["a"] == 5.0 and g["b"] == 5.0 + 4.5


def test_a_plus_a():
    w, g = _final("a_plus_a")
    assert g["a"] == 2.0
    # the step where b sends to a says a receives twice, the second time adding up
    assert "added to the 1 it already had: now 2" in w.steps[-1].caption


@pytest.mark.parametrize("key", sorted(bp.PRESETS))
def test_last_step_equals_full_backward(key):
    root = bp.build(key)
    w = bp.Walkthrough(root)
    assert all(v.grad == 0.0 for v in w.nodes)  # the walkthrough never touches .grad
    root.backward()
    last = w.steps[-1].grads
    assert set(last) == set(w.nodes)
    for v in w.nodes:
        assert last[v] == v.grad


@pytest.mark.parametrize("key", sorted(bp.PRESETS) + ["custom"])
def test_step_grads_match_central_differences(key):
    text = bp.CUSTOM_DEFAULT_TEXT if key == "custom" else None
    names = bp.leaf_names(key, text)
    defaults = bp.CUSTOM_DEFAULT_VALUES if key == "custom" else bp.PRESETS[key].defaults
    make = bp.builder(key, text)
    w = bp.Walkthrough(make(dict(defaults)))
    final = {w.names[v]: g for v, g in w.steps[-1].grads.items()}
    for name in names:
        def f(x, name=name):
            vals = dict(defaults)
            vals[name] = x
            return make(vals).data
        num = central_difference(f, defaults[name], 1e-6)
        assert final[name] == pytest.approx(num, rel=1e-6, abs=1e-8), name


def test_step_structure_lecture():
    w = bp.Walkthrough(bp.build("lecture"))
    kinds = [s.kind for s in w.steps]
    assert kinds == ["forward", "seed", "node", "node", "node"]
    assert w.steps[0].grads == {}
    names = [w.names[s.node] for s in w.steps[2:]]
    assert names == ["L", "d", "e"]
    d = w.steps[3]
    assert d.upstream == -2.0 and d.local_grads == (1.0, 1.0) and d.contributions == (-2.0, -2.0)
    assert [w.names[c] for c in d.children] == ["e", "c"]
    # before d's step, e and c have no grad; after it they do
    assert w.steps[2].grads.keys() == {w.root, *w.root.children}
    assert "node **d** (+)" in d.caption.lower()
    assert "∂d/∂e = 1" in d.caption and "dL/dd = −2" in d.caption
    assert "**e** receives 1 × −2 = −2" in d.caption


def test_table_and_graph_hide_unreached():
    w = bp.Walkthrough(bp.build("lecture"))
    rows = w.table(2)  # after L's step: d and f reached, e, a, b, c not
    grad = {r["node"]: r["grad"] for r in rows}
    assert grad == {"L": "1", "d": "−2", "f": "4", "e": "?", "c": "?", "a": "?", "b": "?"}
    assert {r["node"]: r["status"] for r in rows}["L"] == "▶ now"
    assert rows[0]["local derivative(s)"] == "∂L/∂d = f = −2;  ∂L/∂f = d = 4"
    dot = w.graph(3).to_string()
    assert "grad ?" in dot  # a and b not reached yet
    assert 'label="1 × −2 = −2"' in dot  # d's edges, labelled local × upstream = contribution
    assert dot.count("penwidth=2.5") >= 4  # d's record, op node, the edge out, two edges in
    end = w.graph(len(w.steps) - 1).to_string()
    assert "grad ?" not in end and "grad 6" in end and "grad −4" in end


def test_chain_rule_rows_lecture():
    rows = bp.chain_rule_rows(bp.build("lecture"))
    by = {r["name"]: r for r in rows}
    assert [r["name"] for r in rows] == ["L", "d", "e", "a", "b", "c", "f"]
    assert all(r["match"] for r in rows)
    assert by["d"]["latex"] == r"\frac{d L}{d d} = \frac{\partial L}{\partial d} = f = -2"
    assert by["e"]["latex"].endswith(r"= (-2) \cdot 1 = -2")
    assert by["a"]["manual"] == 6.0 and by["a"]["engine"] == 6.0
    assert by["b"]["latex"].endswith(r"\cdot a = (-2) \cdot 2 = -4")
    # the symbolic form (for the quiz) carries no numbers
    assert "-4" not in by["b"]["latex_symbolic"] and "-2" not in by["e"]["latex_symbolic"]


def test_chain_rule_fanout_sums_paths():
    rows = {r["name"]: r for r in bp.chain_rule_rows(bp.build("fanout"))}
    b = rows["b"]
    assert b["manual"] == -3.0 and b["match"]
    assert b["latex"].count(" + ") >= 2  # two paths, in the formula and in the numbers
    assert b["latex"].endswith("= -3")
    rows = {r["name"]: r for r in bp.chain_rule_rows(bp.build("a_plus_a"))}
    assert rows["a"]["latex"].endswith("= 1 + 1 = 2")


def test_chain_rule_custom_tanh_generated_from_graph():
    root = bp.build("custom", {"w": 0.0, "x": 1.0, "b": 0.0}, "tanh(w*x + b) * x")
    rows = {r["name"]: r for r in bp.chain_rule_rows(root)}
    assert "1 - " in rows["w*x+b"]["latex"]  # tanh's local derivative 1 - t^2
    # at w = b = 0: dL/dw = x * (1 - tanh(0)^2) * x = 1
    assert rows["w"]["manual"] == pytest.approx(1.0) and rows["w"]["match"]


def test_quiz_checking():
    assert bp.check_answer("6", 6.0).ok
    assert bp.check_answer("−4", -4.0).ok
    assert bp.check_answer("-3/2", -1.5).ok
    assert bp.check_answer("0.7071", math.sqrt(0.5)).ok
    assert bp.check_answer("0.70", math.sqrt(0.5)).ok is False
    assert bp.check_answer("4", -4.0).ok is False
    r = bp.check_answer("abc", 1.0)
    assert r.ok is False and "type a number" in r.message
    assert bp.check_answer("  ", 1.0).ok is None
    assert bp.check_answer("1/0", 1.0).ok is False


def test_hint_shows_local_derivative_not_answer():
    root = bp.build("lecture")
    w = bp.Walkthrough(root)
    a = next(v for v in w.nodes if v.label == "a")
    h = bp.hint(root, a)
    assert h == "dL/da = dL/de · ∂e/∂a, and the local derivative ∂e/∂a = b = −3"
    assert "6" not in h


@pytest.mark.parametrize("key", sorted(bp.PRESETS))
def test_nudge_check(key):
    p = bp.PRESETS[key]
    for leaf in p.defaults:
        r = bp.nudge_check(bp.builder(key), p.defaults, leaf, h=1e-5)
        assert r["abs_error"] < 1e-3
        assert r["slope"] == pytest.approx((r["L_nudged"] - r["L"]) / 1e-5)
    r = bp.nudge_check(bp.builder("lecture"), bp.PRESETS["lecture"].defaults, "a", h=0.01)
    assert r["grad"] == 6.0 and r["slope"] == pytest.approx(6.0, abs=1e-9)  # L is linear in a
    with pytest.raises(ValueError):
        bp.nudge_check(bp.builder("lecture"), bp.PRESETS["lecture"].defaults, "a", h=0)


def test_bug_rows():
    rows = {r["name"]: r for r in bp.bug_rows(bp.build("a_plus_a"), assign=True)}
    assert rows["a"]["right"] == 2.0 and rows["a"]["buggy"] == 1.0 and rows["a"]["wrong"]
    assert not rows["b"]["wrong"]
    rows = {r["name"]: r for r in bp.bug_rows(bp.build("fanout"), assign=True)}
    assert rows["b"]["right"] == -3.0 and rows["b"]["wrong"] and not rows["a"]["wrong"]
    rows = {r["name"]: r for r in bp.bug_rows(bp.build("neuron"), wrong_tanh=True)}
    # 1 - t instead of 1 - t^2 with t = 1/sqrt(2): dn = 1 - 0.7071 = 0.2929
    assert rows["n"]["buggy"] == pytest.approx(1 - math.sqrt(0.5), abs=1e-9)
    assert rows["x1"]["buggy"] == pytest.approx(-3 * (1 - math.sqrt(0.5)), abs=1e-9)
    assert rows["x1"]["right"] == pytest.approx(-1.5, abs=1e-9)
    rows = bp.bug_rows(bp.build("lecture"))
    assert not any(r["wrong"] for r in rows)


def test_zero_grad_rows_double():
    rows = {r["name"]: r for r in bp.zero_grad_rows(bp.build("lecture"), calls=3)}
    assert rows["a"]["after backward() #1"] == 6.0
    assert rows["a"]["after backward() #2"] == 12.0
    assert rows["a"]["after backward() #3"] == 18.0


def test_custom_names_and_errors():
    from micrograd.expr import ExpressionError

    assert bp.leaf_names("custom", "tanh(w*x + b) * x") == ["w", "x", "b"]
    with pytest.raises(ExpressionError):
        bp.build("custom", {}, "x +* 2")
    with pytest.raises(ExpressionError):
        bp.build("custom", {}, "__import__('os')")
    root = bp.build("custom", {"a": 2.0, "b": -3.0}, "(a + b) * (b + 1)")
    w, g = bp.Walkthrough(root), None
    g = {w.names[v]: x for v, x in w.steps[-1].grads.items()}
    assert g["a"] == -2.0 and g["b"] == -3.0 and w.names[root] == "L"


def test_node_names_unique_and_tex():
    root = bp.build("custom", {"x": 1.0}, "(x + 1) * (x + 1)")
    names = bp.node_names(root)
    assert len(set(names.values())) == len(names)
    assert bp.tex_name("x1") == "x_{1}"
    assert bp.tex_name("x1*w1") == r"x_{1} \cdot w_{1}"
    assert bp.tex_name("out") == r"\mathrm{out}"
    assert bp.tex_name("x**3") == "x ^ 3"


def test_local_formulas():
    root = bp.build("custom", {"x": 2.0, "y": 3.0}, "log(x) / y - exp(x) + sigmoid(y) ** 2")
    w = bp.Walkthrough(root)
    for v in w.nodes:
        for pos in range(len(v.children)):
            text, tex = bp.local_formula(v, pos, w.names)
            assert text and tex and "?" not in text


def test_check_against_backward_counts():
    w = bp.Walkthrough(bp.build("neuron"))
    assert w.check_against_backward() == (len(w.nodes), len(w.nodes))
    broken = bp.Walkthrough(bp.build("lecture"))
    broken.steps[-1].grads[broken.nodes[0]] += 1.0  # spoil one grad: one mismatch
    assert broken.check_against_backward() == (len(broken.nodes) - 1, len(broken.nodes))


@pytest.mark.parametrize("text", ["3", "x", "2 * 3"])
def test_trivial_expressions(text):
    root = bp.build("custom", {"x": 1.5}, text)
    w = bp.Walkthrough(root)
    assert [s.kind for s in w.steps] == ["forward", "seed"]
    rows = bp.chain_rule_rows(root)
    assert len(rows) == 1 and rows[0]["manual"] == 1.0 and rows[0]["match"]
    assert w.graph(1).to_string().count("grad 1") == 1


def test_captions_escape_markdown():
    w = bp.Walkthrough(bp.build("neuron"))
    cap = w.steps[5].caption  # x1*w1 sends to x1 and w1
    assert r"Node **x1\*w1** (\*)" in cap
    assert "**x1** receives −3 × 0.5 = −1.5" in cap
    assert bp.md_escape("a*b_c $x$") == r"a\*b\_c \$x\$"


@pytest.mark.parametrize("text", ["1e400", "-1e400", "1e99999999", "inf", "nan", "1/0", "3/1e-400"])
def test_check_answer_marks_huge_or_unreadable_numbers_wrong_quickly(text):
    import time

    t0 = time.perf_counter()
    result = bp.check_answer(text, 6.0)
    assert result.ok is False and result.value is None and "could not read" in result.message
    assert time.perf_counter() - t0 < 1.0  # never an exact 10**99999999


@pytest.mark.parametrize("text,value", [("3/2", 1.5), ("-3/2", -1.5), ("−1.5", -1.5), ("1e-3", 1e-3), (" 6 ", 6.0)])
def test_check_answer_reads_decimals_and_fractions(text, value):
    assert bp.check_answer(text, value).ok is True


def test_a_preset_whose_output_overflows_is_refused_with_a_clear_error():
    with pytest.raises(ValueError, match="smaller input values"):
        bp.build("lecture", {"a": 1e308, "b": -3.0})


def test_equal_infinite_gradients_count_as_a_match():
    # sqrt at 0: the output is 0 but the slope is infinite, in the step-through and in backward()
    w = bp.Walkthrough(bp.build(bp.CUSTOM, {"x": 0.0}, "x**0.5"))
    ok, total = w.check_against_backward()
    assert ok == total
    x = next(v for v in w.nodes if v.label == "x")
    assert math.isinf(w.steps[-1].grads[x])
