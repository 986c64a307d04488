"""Tests for micrograd/lessons/manual_vs_auto.py: the manual chain rule, the quiz and its hints,
and the buggy variants, against hand-derived values."""

import math
import re

import pytest

from micrograd.lessons import computation_graph as cg
from micrograd.lessons import manual_vs_auto as mva
from micrograd.lessons import presets


def test_chain_rule_rows_lecture():
    rows = mva.chain_rule_rows(presets.build("lecture"))
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
    rows = {r["name"]: r for r in mva.chain_rule_rows(presets.build("fanout"))}
    b = rows["b"]
    assert b["manual"] == -3.0 and b["match"]
    assert b["latex"].count(" + ") >= 2  # two paths, in the formula and in the numbers
    assert b["latex"].endswith("= -3")
    rows = {r["name"]: r for r in mva.chain_rule_rows(presets.build("a_plus_a"))}
    assert rows["a"]["latex"].endswith("= 1 + 1 = 2")


def test_chain_rule_custom_tanh_generated_from_graph():
    root = presets.build("custom", {"w": 0.0, "x": 1.0, "b": 0.0}, "tanh(w*x + b) * x")
    rows = {r["name"]: r for r in mva.chain_rule_rows(root)}
    assert "1 - " in rows["w*x+b"]["latex"]  # tanh's local derivative 1 - t^2
    # at w = b = 0: dL/dw = x * (1 - tanh(0)^2) * x = 1
    assert rows["w"]["manual"] == pytest.approx(1.0) and rows["w"]["match"]


def test_quiz_checking():
    assert mva.check_answer("6", 6.0).ok
    assert mva.check_answer("−4", -4.0).ok
    assert mva.check_answer("-3/2", -1.5).ok
    assert mva.check_answer("0.7071", math.sqrt(0.5)).ok
    assert mva.check_answer("0.70", math.sqrt(0.5)).ok is False
    assert mva.check_answer("4", -4.0).ok is False
    r = mva.check_answer("abc", 1.0)
    assert r.ok is False and "type a number" in r.message
    assert mva.check_answer("  ", 1.0).ok is None
    assert mva.check_answer("1/0", 1.0).ok is False


def test_hint_shows_local_derivative_not_answer():
    root = presets.build("lecture")
    w = cg.Walkthrough(root)
    a = next(v for v in w.nodes if v.label == "a")
    h = mva.hint(root, a)
    assert h == "dL/da = dL/de · ∂e/∂a, and the local derivative ∂e/∂a = b = −3 (e = a·b)"
    assert "6" not in h


# a standalone number in a hint, not the digit of a name such as x1
NUMBER = re.compile(r"(?<![\w.′])[−-]?\d+(?:\.\d+)?(?![\w.])")

# every gradient of every preset at its default values, derived by hand
# (neuron: do/dn = 1 − o² = 0.5 and the products pass it on times the other factor)
HAND_GRADS = {
    "lecture": {"L": 1, "d": -2, "e": -2, "a": 6, "b": -4, "c": -2, "f": 4},
    "neuron": {"o": 1, "n": 0.5, "x1*w1 + x2*w2": 0.5, "x1*w1": 0.5, "x2*w2": 0.5, "b": 0.5,
               "x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0},
    "fanout": {"e": 1, "a+b": -2, "b+1": -1, "a": -2, "b": -3},
    "a_plus_a": {"b": 1, "a": 2},
}


@pytest.mark.parametrize("key", sorted(presets.EXPRESSIONS))
def test_hint_never_contains_the_answer(key):
    # lecture dL/df = 4 once read "∂L/∂f = d = 4": for a direct input of the output the local
    # derivative is the answer, so its value must not be shown
    root = presets.build(key)
    rows = mva.chain_rule_rows(root)
    assert {r["name"] for r in rows} == set(HAND_GRADS[key])
    for r in rows:
        h = mva.hint(root, r["node"])
        answer = HAND_GRADS[key][r["name"]]
        shown = [float(t.replace("−", "-")) for t in NUMBER.findall(h)]
        assert not any(math.isclose(x, answer, abs_tol=1e-3) for x in shown), (r["name"], h)
    f = next(r["node"] for r in rows if r["name"] == "f") if key == "lecture" else None
    if f is not None:  # it still names the formula
        assert mva.hint(root, f) == "dL/df = ∂L/∂f, and the local derivative ∂L/∂f = d (L = d·f)"


@pytest.mark.parametrize(("text", "name", "answer"), [
    ("2*x", "x", 2), ("x - y", "y", -1), ("x + y", "x", 1), ("3*x + 2*x", "x", 5), ("x/y", "y", -1),
])
def test_hint_of_custom_expression_never_states_the_answer(text, name, answer):
    # the local derivative of 2*x is the number 2, which is also dL/dx: the hint asks instead
    root = presets.build("custom", {"x": 1.0, "y": 1.0}, text)
    node = next(r["node"] for r in mva.chain_rule_rows(root) if r["name"] == name)
    h = mva.hint(root, node)
    stated = [float(m.replace("−", "-")) for m in re.findall(r"=\s*([−-]?\d+(?:\.\d+)?)(?![\w.*])", h)]
    assert answer not in stated, h
    assert h.startswith(f"dL/d{name} = ")


def test_bug_rows():
    rows = {r["name"]: r for r in mva.bug_rows(presets.build("a_plus_a"), assign=True)}
    assert rows["a"]["right"] == 2.0 and rows["a"]["buggy"] == 1.0 and rows["a"]["wrong"]
    assert not rows["b"]["wrong"]
    rows = {r["name"]: r for r in mva.bug_rows(presets.build("fanout"), assign=True)}
    assert rows["b"]["right"] == -3.0 and rows["b"]["wrong"] and not rows["a"]["wrong"]
    rows = {r["name"]: r for r in mva.bug_rows(presets.build("neuron"), wrong_tanh=True)}
    # 1 - t instead of 1 - t^2 with t = 1/sqrt(2): dn = 1 - 0.7071 = 0.2929
    assert rows["n"]["buggy"] == pytest.approx(1 - math.sqrt(0.5), abs=1e-9)
    assert rows["x1"]["buggy"] == pytest.approx(-3 * (1 - math.sqrt(0.5)), abs=1e-9)
    assert rows["x1"]["right"] == pytest.approx(-1.5, abs=1e-9)
    rows = mva.bug_rows(presets.build("lecture"))
    assert not any(r["wrong"] for r in rows)


def test_zero_grad_rows_double():
    rows = {r["name"]: r for r in mva.zero_grad_rows(presets.build("lecture"), calls=3)}
    assert rows["a"]["after backward() #1"] == 6.0
    assert rows["a"]["after backward() #2"] == 12.0
    assert rows["a"]["after backward() #3"] == 18.0


@pytest.mark.parametrize("text", ["3", "x", "2 * 3"])
def test_trivial_expressions(text):
    root = presets.build("custom", {"x": 1.5}, text)
    w = cg.Walkthrough(root)
    assert [s.kind for s in w.steps] == ["forward", "seed"]
    rows = mva.chain_rule_rows(root)
    assert len(rows) == 1 and rows[0]["manual"] == 1.0 and rows[0]["match"]
    assert w.graph(1).to_string().count("grad 1") == 1


@pytest.mark.parametrize("text", ["1e400", "-1e400", "1e99999999", "inf", "nan", "1/0", "3/1e-400"])
def test_check_answer_marks_huge_or_unreadable_numbers_wrong_quickly(text):
    import time

    t0 = time.perf_counter()
    result = mva.check_answer(text, 6.0)
    assert result.ok is False and result.value is None and "could not read" in result.message
    assert time.perf_counter() - t0 < 1.0  # never an exact 10**99999999


@pytest.mark.parametrize("text,value", [("3/2", 1.5), ("-3/2", -1.5), ("−1.5", -1.5), ("1e-3", 1e-3), (" 6 ", 6.0)])
def test_check_answer_reads_decimals_and_fractions(text, value):
    assert mva.check_answer(text, value).ok is True
