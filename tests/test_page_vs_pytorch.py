"""AppTest: the "micrograd vs PyTorch" page, with and without torch."""

import json
import math

import pytest
from streamlit.testing.v1 import AppTest

from micrograd.lessons import compare


def _page():
    at = AppTest.from_file("../app.py", default_timeout=60)  # relative to this file
    at.switch_page("app_pages/vs_pytorch.py")
    at.run()
    assert not at.exception
    return at


def test_page_without_torch_still_works_and_says_how_to_install(monkeypatch):
    monkeypatch.setattr(compare, "torch_or_none", lambda: None)
    at = _page()
    assert any("not installed" in i.value for i in at.info)
    assert any(c.value == "pip install torch" for c in at.code)
    neuron = at.session_state["vs_neuron"]
    assert neuron["engines"] == ["scalar", "tensor"]
    assert at.session_state["vs_step"]["engines"] == ["scalar", "tensor"]
    assert "torch" not in at.session_state["vs_speed"]
    table = at.dataframe[0].value
    speed_row = table[table["Feature"].str.startswith("Speed")].iloc[0]
    assert "pip install torch" in speed_row["PyTorch"]


def test_neuron_matches_the_lecture_and_follows_the_inputs():
    at = _page()
    neuron = at.session_state["vs_neuron"]
    rows = {r["quantity"]: r for r in neuron["rows"]}
    # hand-derived: n = 2*(-3) + 0*1 + 6.8814 = 0.8814, o = tanh(n) = 1/sqrt(2), do/dn = 1 - o^2 = 0.5
    for engine in neuron["engines"]:
        assert rows["o"][engine] == pytest.approx(1 / math.sqrt(2), abs=1e-12)
        assert rows["do/dw1"][engine] == pytest.approx(0.5 * 2.0, abs=1e-12)  # do/dw1 = 0.5 * x1
        assert rows["do/dx1"][engine] == pytest.approx(0.5 * -3.0, abs=1e-12)  # do/dx1 = 0.5 * w1
    assert neuron["max_abs_diff"] < 1e-14
    at.number_input(key="vs_x2").set_value(1.5).run()
    assert not at.exception
    rows = {r["quantity"]: r for r in at.session_state["vs_neuron"]["rows"]}
    n = 2.0 * -3.0 + 1.5 * 1.0 + compare.NEURON_INPUTS["b"]
    assert rows["o"]["scalar"] == pytest.approx(math.tanh(n), abs=1e-14)
    assert rows["do/dw2"]["tensor"] == pytest.approx((1 - math.tanh(n) ** 2) * 1.5, abs=1e-14)


def test_training_step_table_speed_and_code():
    at = _page()
    step = at.session_state["vs_step"]
    for engine in step["engines"]:
        assert step["max_abs_diff"]["grad"][engine] < 1e-12
        assert step["loss"][engine] == pytest.approx(step["loss"]["scalar"], abs=1e-12)
    speed = at.session_state["vs_speed"]
    assert all(math.isfinite(speed[e]) and speed[e] > 0 for e in step["engines"])  # measured, not asserted on
    codes = [c.value for c in at.code]
    assert any("def step_tensor" in c for c in codes) and any("def neuron_scalar" in c for c in codes)
    table = at.dataframe[0].value
    assert list(table.columns) == ["Feature", "micrograd Value", "micrograd Tensor", "PyTorch"]
    code_row = table[table["Feature"].str.startswith("Code size")].iloc[0]
    engine_lines = compare.count_lines(compare.ROOT / "micrograd" / "engine.py")
    assert f"engine.py: {engine_lines} lines" in code_row["micrograd Value"]
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["data"][0]["type"] == "bar"


def test_measure_again_reruns_the_timing():
    at = _page()
    nonce = at.session_state["vs_nonce"]
    at.button(key="vs_remeasure").click().run()
    assert not at.exception
    assert at.session_state["vs_nonce"] == nonce + 1


def test_page_with_torch_shows_three_engines():
    pytest.importorskip("torch")
    at = _page()
    assert at.session_state["vs_neuron"]["engines"] == ["scalar", "tensor", "torch"]
    step = at.session_state["vs_step"]
    assert step["engines"] == ["scalar", "tensor", "torch"]
    assert step["max_abs_diff"]["grad"]["torch"] < 1e-12
    assert at.session_state["vs_speed"]["torch"] > 0
    assert not at.info  # no install hint when torch is there
