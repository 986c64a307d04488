"""Tests for micrograd/lessons/computation_graph.py: the backward step-through, its table and
graph, and the nudge check, against hand-derived values and finite differences."""

import math

import pytest

from micrograd.gradcheck import central_difference
from micrograd.lessons import computation_graph as cg
from micrograd.lessons import presets
from micrograd.text import md_escape

# the lecture's neuron: x1 w1 + x2 w2 = 2 * -3 + 0 * 1 = -6, and b puts n at atanh(1/sqrt 2), so
# o = tanh(n) = 1/sqrt 2 and do/dn = 1 - o^2 = 1/2 (the lecture writes b = 6.8813735870195432)
TANH_B = 6 + math.atanh(1 / math.sqrt(2))


def _final(key, values=None, text=None):
    root = presets.build(key, values, text)
    w = cg.Walkthrough(root)
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
    assert presets.EXPRESSIONS["neuron"].defaults["b"] == TANH_B


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


@pytest.mark.parametrize("key", sorted(presets.EXPRESSIONS))
def test_last_step_equals_full_backward(key):
    root = presets.build(key)
    w = cg.Walkthrough(root)
    assert all(v.grad == 0.0 for v in w.nodes)  # the walkthrough never touches .grad
    root.backward()
    last = w.steps[-1].grads
    assert set(last) == set(w.nodes)
    for v in w.nodes:
        assert last[v] == v.grad


@pytest.mark.parametrize("key", sorted(presets.EXPRESSIONS) + ["custom"])
def test_step_grads_match_central_differences(key):
    text = presets.CUSTOM_DEFAULT_TEXT if key == "custom" else None
    names = presets.leaf_names(key, text)
    defaults = presets.CUSTOM_DEFAULT_VALUES if key == "custom" else presets.EXPRESSIONS[key].defaults
    make = presets.builder(key, text)
    w = cg.Walkthrough(make(dict(defaults)))
    final = {w.names[v]: g for v, g in w.steps[-1].grads.items()}
    for name in names:
        def f(x, name=name):
            vals = dict(defaults)
            vals[name] = x
            return make(vals).data
        num = central_difference(f, defaults[name], 1e-6)
        assert final[name] == pytest.approx(num, rel=1e-6, abs=1e-8), name


def test_step_structure_lecture(shown):
    w = cg.Walkthrough(presets.build("lecture"))
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
    cap = shown(d.caption)  # the caption as the page shows it (its Markdown escapes read)
    assert "node **d** (+)" in cap.lower()
    assert "∂d/∂e = 1" in cap and "dL/dd = −2" in cap
    assert "**e** receives 1 × −2 = −2" in cap


def test_table_and_graph_hide_unreached():
    w = cg.Walkthrough(presets.build("lecture"))
    rows = w.table(2)  # after L's step: d and f reached, e, a, b, c not
    grad = {r["node"]: r["grad"] for r in rows}
    assert grad == {"L": "1", "d": "−2", "f": "4", "e": "?", "c": "?", "a": "?", "b": "?"}
    assert {r["node"]: r["status"] for r in rows}["L"] == "▶ now"
    assert rows[0]["local derivatives"] == "∂L/∂d = f = −2;  ∂L/∂f = d = 4"
    dot = w.graph(3).to_string()
    assert "grad ?" in dot  # a and b not reached yet
    assert 'label="1 × −2 = −2"' in dot  # d's edges, labelled local × upstream = contribution
    assert dot.count("penwidth=2.5") >= 4  # d's record, op node, the edge out, two edges in
    end = w.graph(len(w.steps) - 1).to_string()
    assert "grad ?" not in end and "grad 6" in end and "grad −4" in end


@pytest.mark.parametrize("key", sorted(presets.EXPRESSIONS))
def test_nudge_check(key):
    p = presets.EXPRESSIONS[key]
    for leaf in p.defaults:
        r = cg.nudge_check(presets.builder(key), p.defaults, leaf, h=1e-5)
        assert r["abs_error"] < 1e-3
        assert r["slope"] == pytest.approx((r["L_nudged"] - r["L"]) / 1e-5)
    r = cg.nudge_check(presets.builder("lecture"), presets.EXPRESSIONS["lecture"].defaults, "a", h=0.01)
    assert r["grad"] == 6.0 and r["slope"] == pytest.approx(6.0, abs=1e-9)  # L is linear in a
    with pytest.raises(ValueError):
        cg.nudge_check(presets.builder("lecture"), presets.EXPRESSIONS["lecture"].defaults, "a", h=0)


def test_custom_names_and_errors():
    from micrograd.expr import ExpressionError

    assert presets.leaf_names("custom", "tanh(w*x + b) * x") == ["w", "x", "b"]
    with pytest.raises(ExpressionError):
        presets.build("custom", {}, "x +* 2")
    with pytest.raises(ExpressionError):
        presets.build("custom", {}, "__import__('os')")
    root = presets.build("custom", {"a": 2.0, "b": -3.0}, "(a + b) * (b + 1)")
    w, g = cg.Walkthrough(root), None
    g = {w.names[v]: x for v, x in w.steps[-1].grads.items()}
    assert g["a"] == -2.0 and g["b"] == -3.0 and w.names[root] == "L"


def test_check_against_backward_counts():
    w = cg.Walkthrough(presets.build("neuron"))
    assert w.check_against_backward() == (len(w.nodes), len(w.nodes))
    broken = cg.Walkthrough(presets.build("lecture"))
    broken.steps[-1].grads[broken.nodes[0]] += 1.0  # spoil one grad: one mismatch
    assert broken.check_against_backward() == (len(broken.nodes) - 1, len(broken.nodes))


def test_captions_escape_markdown():
    w = cg.Walkthrough(presets.build("neuron"))
    cap = w.steps[5].caption  # x1*w1 sends to x1 and w1
    assert r"Node **x1\*w1** (\*)" in cap
    assert "**x1** receives −3 × 0.5 = −1.5" in cap
    assert md_escape("a*b_c $x$") == r"a\*b\_c \$x\$"


def test_equal_infinite_gradients_count_as_a_match():
    # sqrt at 0: the output is 0 but the slope is infinite, in the step-through and in backward()
    w = cg.Walkthrough(presets.build(presets.CUSTOM, {"x": 0.0}, "x**0.5"))
    ok, total = w.check_against_backward()
    assert ok == total
    x = next(v for v in w.nodes if v.label == "x")
    assert math.isinf(w.steps[-1].grads[x])
