"""AppTest of app_pages/manual_vs_auto.py: the chain rule next to backward() for every preset,
the quiz, the buggy-engine switches, and a bad custom expression."""

import math
import re

import pytest
from conftest import open_page, shown_text

PAGE = "app_pages/manual_vs_auto.py"


def _app():
    return open_page(PAGE)


def test_lecture_manual_matches_engine():
    at = _app()
    assert "agree on all 7 nodes" in at.success[0].value
    latex = [x.value for x in at.latex]
    assert len(latex) == 7
    assert any(r"\frac{d L}{d a}" in x and r"= (-2) \cdot (-3) = 6" in x for x in latex)
    assert any(r"\frac{d L}{d d} = \frac{\partial L}{\partial d} = f = -2" in x for x in latex)
    engine = " ".join(m.value for m in at.markdown)
    assert "`a.grad = 6`" in engine and "`b.grad = −4`" in engine and "`f.grad = 4`" in engine
    dot = at.get("graphviz_chart")[0].proto.spec  # the graph after backward(), in the expander
    assert "grad 6" in dot and "grad −4" in dot and "grad ?" not in dot


@pytest.mark.parametrize(("key", "n", "grad"), [
    ("neuron", 10, "`x1.grad = −1.5`"), ("fanout", 5, "`b.grad = −3`"), ("a_plus_a", 2, "`a.grad = 2`"),
])
def test_every_preset(key, n, grad):
    at = _app()
    at.selectbox(key="mv_preset").set_value(key).run()
    assert not at.exception
    assert f"agree on all {n} nodes" in at.success[0].value
    assert grad in " ".join(m.value for m in at.markdown)


def test_quiz_marks_answers_and_hints():
    at = _app()
    at.toggle(key="mv_quiz").set_value(True).run()
    assert not at.exception
    # the formulas stay, the answers go
    assert len(at.latex) == 7
    assert not any(s in x.value for x in at.latex for s in ("= 6", "= -4", "= -2", "= 4"))
    at.text_input(key="mv_q_lecture_a").input("6").run()
    at.text_input(key="mv_q_lecture_b").input("4").run()  # wrong sign
    at.text_input(key="mv_q_lecture_d").input("−2").run()
    assert not at.exception
    assert at.get("progress")[0].proto.text == "2 of 7 gradients right (3 answered)"
    marks = [m.value for m in at.markdown]
    # blue / orange (colour-blind safe), not green / red
    assert marks.count(":blue[:material/check_circle: right]") == 2
    assert ":orange[:material/cancel: 4 is not right]" in marks
    hints = [shown_text(c.value) for c in at.caption if c.value.startswith("Hint")]
    assert hints == ["Hint: dL/db = dL/de · ∂e/∂b, and the local derivative ∂e/∂b = a = 2 (e = a·b)"]
    at.text_input(key="mv_q_lecture_b").input("oops").run()
    assert not at.exception
    assert any("type a number" in m for m in (x.value for x in at.markdown))


def test_buggy_assign_on_a_plus_a_and_fanout():
    at = _app()
    at.toggle(key="mv_bug_assign").set_value(True).run()
    assert not at.exception
    df = at.dataframe[0].value
    rows = {r["node"]: r for r in df.to_dict("records")}
    assert rows["a"]["right grad (+=)"] == 2.0 and rows["a"]["buggy grad"] == 1.0
    at.selectbox(key="mv_bug_graph").set_value("fanout").run()
    rows = {r["node"]: r for r in at.dataframe[0].value.to_dict("records")}
    assert rows["b"]["right grad (+=)"] == -3.0 and rows["b"]["buggy grad"] == -1.0
    assert rows["a"]["buggy grad"] == -2.0
    at.selectbox(key="mv_bug_graph").set_value("lecture").run()  # no fan-out: the bug hides
    assert any("hides the bug" in i.value for i in at.info)


def test_buggy_tanh_and_forgot_zero_grad():
    at = _app()
    at.selectbox(key="mv_bug_graph").set_value("neuron").run()
    at.toggle(key="mv_bug_tanh").set_value(True).run()
    rows = {r["node"]: r for r in at.dataframe[0].value.to_dict("records")}
    assert rows["x1"]["right grad (+=)"] == pytest.approx(-1.5)
    assert rows["x1"]["buggy grad"] == pytest.approx(-3 * (1 - 0.5 ** 0.5))
    at.toggle(key="mv_bug_tanh").set_value(False).run()
    at.selectbox(key="mv_bug_graph").set_value("lecture").run()
    at.toggle(key="mv_bug_zero").set_value(True).run()
    assert not at.exception
    rows = {r["node"]: r for r in at.dataframe[0].value.to_dict("records")}
    assert rows["a"]["after backward() #1"] == 6.0 and rows["a"]["after backward() #2"] == 12.0


def test_custom_expression_and_bad_one():
    at = _app()
    at.selectbox(key="mv_preset").set_value("custom").run()
    assert not at.exception and "agree on all" in at.success[0].value
    at.text_input(key="mv_expr").input("x * (y +").run()
    assert not at.exception
    assert at.error and "Change the expression" in at.error[0].value
    at.text_input(key="mv_expr").input("x ** 3").run()
    at.number_input(key="mv_v_custom_x").set_value(2.0).run()
    assert not at.exception and not at.error
    assert "`x.grad = 12`" in " ".join(m.value for m in at.markdown)  # d(x^3)/dx = 3 x^2


def test_constant_expression_in_quiz_mode():
    at = _app()
    at.selectbox(key="mv_preset").set_value("custom").run()
    at.text_input(key="mv_expr").input("2 * 3").run()
    at.toggle(key="mv_quiz").set_value(True).run()
    assert not at.exception and not at.error
    at.text_input(key="mv_q_custom_L").input("1").run()
    assert at.get("progress")[0].proto.text == "1 of 1 gradients right (1 answered)"


def test_quiz_mode_graph_does_not_give_the_answers_away():
    at = _app()
    at.toggle(key="mv_quiz").set_value(True).run()
    assert not at.exception
    dot = at.get("graphviz_chart")[0].proto.spec
    assert "grad 6" not in dot and "grad ?" in dot  # dL/da = 6 must not be on screen


def test_hidden_bug_message_matches_the_switch():
    at = _app()
    at.toggle(key="mv_bug_tanh").set_value(True).run()
    assert not at.exception
    info = " ".join(i.value for i in at.info)
    assert "no tanh node" in info and "try the neuron" in info


# every gradient at the presets' default values, derived by hand (neuron: do/dn = 1 − o² = 0.5)
HAND_GRADS = {
    "lecture": {"L": 1, "d": -2, "e": -2, "a": 6, "b": -4, "c": -2, "f": 4},
    "neuron": {"o": 1, "n": 0.5, "x1*w1 + x2*w2": 0.5, "x1*w1": 0.5, "x2*w2": 0.5, "b": 0.5,
               "x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0},
}


@pytest.mark.parametrize("key", sorted(HAND_GRADS))
def test_quiz_hints_never_show_the_answer(key):
    # dL/df = 4 used to be hinted as "∂L/∂f = d = 4"
    at = _app()
    at.selectbox(key="mv_preset").set_value(key).run()
    at.toggle(key="mv_quiz").set_value(True).run()
    for name in HAND_GRADS[key]:
        at.text_input(key=f"mv_q_{key}_{name}").input("12345").run()  # wrong everywhere
    assert not at.exception
    boxes = [t.label.replace("\\", "") for t in at.text_input if t.key.startswith(f"mv_q_{key}_")]
    hints = [c.value.replace("\\", "") for c in at.caption if c.value.startswith("Hint: ")]
    assert len(hints) == len(boxes) == len(HAND_GRADS[key])
    for label, text in zip(boxes, hints, strict=True):
        answer = HAND_GRADS[key][label.split("/d", 1)[1]]
        shown = [float(t.replace("−", "-")) for t in re.findall(r"(?<![\w.′])[−-]?\d+(?:\.\d+)?(?![\w.])", text)]
        assert not any(math.isclose(x, answer, abs_tol=1e-3) for x in shown), (label, text)
    if key == "lecture":
        assert "Hint: dL/df = ∂L/∂f, and the local derivative ∂L/∂f = d (L = d·f)" in hints


def test_bug_section_title_counts_its_switches():
    at = _app()
    title = next(h.value for h in at.subheader if "classic bugs" in h.value)
    words = {"two": 2, "three": 3, "four": 4}
    count = next(words[w] for w in title.lower().split() if w in words)
    switches = [t for t in at.toggle if t.key.startswith("mv_bug_")]
    assert count == len(switches) == 3
