"""AppTest of app_pages/computation_graph.py: presets, stepping, the slider, the custom expression,
bad input and the nudge check. Values asserted are the hand-derived ones of the lecture."""

import re
import time

import pytest
from conftest import open_page, shown_text

from micrograd.lessons import computation_graph as cg
from micrograd.lessons import presets
from micrograd.text import md_escape

PAGE = "app_pages/computation_graph.py"


def _app():
    return open_page(PAGE)


def _dot(at):
    return at.get("graphviz_chart")[0].proto.spec


def _table(at):
    """The per-node table as the page shows it (its cells are escaped Markdown)."""
    return at.table[0].value.map(shown_text)


def _step(at):
    """The step the page says it shows: N of "**Step N of M.**" in its info banner."""
    found = [m for i in at.info if (m := re.match(r"\*\*Step (\d+) of (\d+)\.\*\*", i.value))]
    assert len(found) == 1, [i.value for i in at.info]
    return int(found[0].group(1))


def _grads(at):
    df = _table(at)
    return dict(zip(df["node"], df["grad"], strict=True))


def test_lecture_step_through_to_the_end():
    at = _app()
    assert _step(at) == 0
    assert "Forward pass done" in at.info[0].value
    assert _dot(at).count("grad ?") == 7  # nothing reached yet
    at.button(key="cg_next").click().run()  # seed
    at.button(key="cg_next").click().run()  # L
    at.button(key="cg_next").click().run()  # d
    assert not at.exception
    assert _step(at) == 3 and at.slider(key="cg_slider").value == 3
    cap = shown_text(at.info[0].value)
    assert "Node **d** (+)" in cap and "upstream gradient dL/dd = −2" in cap
    assert "**e** receives 1 × −2 = −2" in cap
    dot = _dot(at)
    assert 'label="1 × −2 = −2"' in dot and "grad ?" in dot
    g = _grads(at)
    assert g["e"] == "−2" and g["c"] == "−2" and g["a"] == "?"
    at.button(key="cg_next").click().run()  # e: the last step
    assert _step(at) == 4
    assert at.button(key="cg_next").disabled
    g = _grads(at)
    assert g == {"L": "1", "d": "−2", "e": "−2", "a": "6", "b": "−4", "c": "−2", "f": "4"}
    assert "grad ?" not in _dot(at)
    assert "All 7 gradients equal a full `backward()`" in at.success[0].value


def test_previous_reset_slider_and_end():
    at = _app()
    at.slider(key="cg_slider").set_value(3).run()
    assert _step(at) == 3
    at.button(key="cg_prev").click().run()
    assert _step(at) == 2 and at.slider(key="cg_slider").value == 2
    at.button(key="cg_end").click().run()
    assert _step(at) == 4
    at.button(key="cg_reset").click().run()
    assert _step(at) == 0 and at.slider(key="cg_slider").value == 0
    assert at.button(key="cg_prev").disabled
    assert not at.exception


@pytest.mark.parametrize(("key", "expect"), [
    ("neuron", {"x1": "−1.5", "w1": "1", "x2": "0.5", "w2": "0", "b": "0.5", "o": "1"}),
    ("fanout", {"a": "−2", "b": "−3", "e": "1"}),
    ("a_plus_a", {"a": "2", "b": "1"}),
])
def test_every_preset_resets_and_reaches_backward(key, expect):
    at = _app()
    at.slider(key="cg_slider").set_value(2).run()
    at.selectbox(key="cg_preset").set_value(key).run()
    assert not at.exception
    assert _step(at) == 0  # a new expression starts again
    at.button(key="cg_end").click().run()
    last = len(cg.Walkthrough(presets.build(key)).steps) - 1
    assert _step(at) == last
    g = _grads(at)
    for name, val in expect.items():
        assert g[name] == val, name
    assert at.success and "gradients equal a full" in at.success[0].value


def test_custom_expression_and_values():
    at = _app()
    at.selectbox(key="cg_preset").set_value("custom").run()
    assert not at.exception
    at.text_input(key="cg_expr").input("(a + b) * (b + 1)").run()
    at.number_input(key="cg_v_custom_a").set_value(2.0).run()
    at.number_input(key="cg_v_custom_b").set_value(-3.0).run()
    at.button(key="cg_end").click().run()
    assert not at.exception
    g = _grads(at)
    assert g["a"] == "−2" and g["b"] == "−3"  # de/db = (b + 1) + (a + b)
    df = _table(at)
    assert dict(zip(df["node"], df["data"], strict=True))["L"] == "2"  # (2 - 3) * (-3 + 1)


@pytest.mark.parametrize("bad", ["x +* 2", "__import__('os').system('touch X')", "log(x - 5)"])
def test_bad_custom_expression_shows_error_and_keeps_page(bad):
    at = _app()
    at.selectbox(key="cg_preset").set_value("custom").run()
    at.text_input(key="cg_expr").input(bad).run()
    assert not at.exception
    assert at.error, "a bad expression must show st.error"
    msg = at.error[0].value
    assert "Change the" in msg and "expression" in msg and msg.count("Change the") == 1  # said once
    assert at.selectbox(key="cg_preset").value == "custom"  # state kept
    at.text_input(key="cg_expr").input("x * x").run()  # fixing it brings the page back
    assert not at.exception and not at.error
    assert at.get("graphviz_chart")


def test_values_survive_a_bad_expression():
    at = _app()
    at.selectbox(key="cg_preset").set_value("custom").run()
    at.text_input(key="cg_expr").input("x * y").run()
    at.number_input(key="cg_v_custom_x").set_value(2.5).run()
    at.button(key="cg_next").click().run()
    at.text_input(key="cg_expr").input("x * (y").run()
    assert at.error and not at.exception
    at.text_input(key="cg_expr").input("x * y").run()
    assert not at.exception and not at.error
    assert at.number_input(key="cg_v_custom_x").value == 2.5
    df = _table(at)
    assert dict(zip(df["node"], df["data"], strict=True))["L"] == "2.5"  # x * y with y = 1


def test_nudge_check():
    at = _app()
    at.selectbox(key="cg_nudge_leaf").set_value("a").run()
    at.select_slider(key="cg_nudge_h").set_value(1e-2).run()
    assert not at.exception
    m = {x.label: x.value for x in at.metric}
    # L = (a b + c) f is linear in a: the slope equals dL/da = b f = 6 for any h
    assert float(m["(L(a + h) − L(a)) / h"]) == pytest.approx(6.0, abs=1e-9)
    assert m["dL/da from backward()"] == "6"
    assert m["L(a)"] == "-8"


def test_nudge_difference_has_no_arrow():
    # a metric delta draws an up/down arrow; |slope − gradient| has no direction
    at = _app()
    at.selectbox(key="cg_preset").set_value("neuron").run()
    at.selectbox(key="cg_nudge_leaf").set_value("x1").run()
    at.select_slider(key="cg_nudge_h").set_value(1e-3).run()
    assert not at.exception
    assert all(not x.proto.delta for x in at.metric)
    m = {x.label: x.value for x in at.metric}
    slope, grad = float(m["(o(x1 + h) − o(x1)) / h"]), float(m["do/dx1 from backward()"])
    assert grad == pytest.approx(-1.5, abs=1e-9)  # do/dx1 = w1 (1 − o²) = −3 · 0.5
    assert float(m["difference |slope − gradient|"]) == pytest.approx(abs(slope - grad), rel=0.02)
    assert 1e-4 < abs(slope - grad) < 1e-2  # the forward difference's O(h) error at h = 1e-3


def test_expression_without_inputs():
    at = _app()
    at.selectbox(key="cg_preset").set_value("custom").run()
    at.text_input(key="cg_expr").input("2 * 3").run()
    assert not at.exception and not at.error
    at.button(key="cg_end").click().run()
    assert _step(at) == 1  # forward, seed: nothing else to do
    assert any("no inputs to nudge" in i.value for i in at.info)


def test_table_below_the_graph_shows_every_column_in_full():
    # the table used to be an st.dataframe squeezed beside the graph: its upstream and local
    # derivative columns were off screen even at 1920 px. Now a full-width st.table, which wraps.
    at = _app()
    at.selectbox(key="cg_preset").set_value("neuron").run()
    at.slider(key="cg_slider").set_value(3).run()  # n = (x1*w1 + x2*w2) + b sends its gradient
    assert not at.exception
    assert not at.dataframe and len(at.table) == 1
    df = at.table[0].value
    assert list(df.columns) == ["node", "grad", "status", "op", "data", "upstream", "local derivatives"]
    rows = {r["node"]: r for r in df.to_dict("records")}
    shown = {r["node"]: r for r in _table(at).to_dict("records")}
    assert shown["n"]["upstream"] == "do/dn = 0.5"
    assert rows["n"]["local derivatives"] == md_escape("∂n/∂(x1*w1 + x2*w2) = 1;  ∂n/∂b = 1")  # shown literally
    assert shown["n"]["local derivatives"] == "∂n/∂(x1*w1 + x2*w2) = 1; ∂n/∂b = 1"
    assert rows["n"]["op"] == r"\+"  # a bare + would be drawn as a list bullet


def _play_button(at):
    """The Play or Pause button, whichever the page shows (they share one place and the Space key)."""
    keys = [k for k in ("cg_play", "cg_pause") if any(b.key == k for b in at.button)]
    assert len(keys) == 1, keys
    return at.button(key=keys[0])


def test_play_walks_one_node_per_run_and_stops_at_the_end():
    # AppTest runs no timers and reruns the whole page: each run() while playing moves one step, as
    # a timer tick does in the browser (the fragment-only rerun is covered by tests/test_browser_theme.py)
    at = _app()
    assert _play_button(at).key == "cg_play" and _play_button(at).label == "Play"
    assert _play_button(at).proto.shortcut == "space" and "Space" in _play_button(at).proto.help
    at.button(key="cg_play").click().run()
    assert not at.exception
    assert _step(at) == 1 and "Seed" in at.info[0].value  # Play moves at once
    assert _play_button(at).key == "cg_pause"
    at.run()
    assert _step(at) == 2
    assert "Node **L** (*)" in shown_text(at.info[0].value)
    assert _grads(at)["d"] == "−2" and _grads(at)["a"] == "?"
    at.run()
    at.run()  # step 4, the last one: playback stops there
    assert _step(at) == 4 and _play_button(at).key == "cg_play"
    assert "All 7 gradients equal a full `backward()`" in at.success[0].value
    at.run()
    assert _step(at) == 4  # stopped: no more steps, no wrap-around
    assert not at.exception


def test_pause_stops_and_manual_steps_pause():
    at = _app()
    at.button(key="cg_play").click().run()
    at.run()
    assert _step(at) == 2
    at.button(key="cg_pause").click().run()
    assert _step(at) == 2 and _play_button(at).key == "cg_play"
    at.run()
    at.run()
    assert _step(at) == 2  # paused: runs no longer move
    g = _grads(at)
    at.button(key="cg_play").click().run()
    assert _step(at) == 3 and _grads(at) != g
    at.button(key="cg_prev").click().run()  # a manual step pauses
    assert _step(at) == 2 and _play_button(at).key == "cg_play"
    at.run()
    assert _step(at) == 2


def test_play_at_the_end_starts_again_and_a_new_expression_pauses():
    at = _app()
    at.button(key="cg_end").click().run()
    at.button(key="cg_play").click().run()
    assert _step(at) == 1  # from the forward pass again, one step on
    at.selectbox(key="cg_preset").set_value("neuron").run()
    assert _step(at) == 0 and _play_button(at).key == "cg_play"
    at.run()
    assert _step(at) == 0


def test_a_late_pause_at_the_end_keeps_the_last_step_and_a_later_play_starts_again():
    # playback stops at the last step by itself and Play takes Pause's place (and its Space key):
    # a press within PLAY_SECONDS was meant as Pause, so it must not restart the walk from step 0
    at = _app()
    at.button(key="cg_play").click().run()
    for _ in range(3):
        at.run()
    assert _step(at) == 4 and _play_button(at).key == "cg_play"
    at.button(key="cg_play").click().run()
    assert _step(at) == 4 and _play_button(at).key == "cg_play"
    time.sleep(0.9)  # longer than PLAY_SECONDS (0.8 s): now Play means play again
    at.button(key="cg_play").click().run()
    assert _step(at) == 1 and _play_button(at).key == "cg_pause"
