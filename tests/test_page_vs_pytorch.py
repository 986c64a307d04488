"""AppTest: the "micrograd vs PyTorch" page, with and without torch."""

import json
import math
import sys

import pytest
from conftest import open_page

from micrograd.lessons import vs_pytorch, vs_pytorch_measured

NAMES = vs_pytorch.ENGINE_NAMES


def _metrics(at, label):
    """The values of every metric with this label, in column (engine) order."""
    return [m.value for m in at.metric if m.label == label]


def _neuron_rows(at):
    """The neuron table as shown: {quantity: {engine display name: float}}, and its engine columns."""
    df = at.dataframe[1].value
    return {r["quantity"]: r for r in df.to_dict("records")}, [c for c in df.columns if c != "quantity"]


def _page():
    return open_page("app_pages/vs_pytorch.py", timeout=60)


def test_page_without_torch_still_works_and_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` raises ImportError, as when not installed
    at = _page()
    assert any("not installed" in i.value and "left out" in i.value for i in at.info)
    assert any(c.value == "pip install torch" for c in at.code)
    _, neuron_engines = _neuron_rows(at)
    assert neuron_engines == [NAMES["scalar"], NAMES["tensor"]]
    assert [c for c in at.dataframe[2].value.columns if c != "parameter"] == [NAMES["scalar"], NAMES["tensor"]]
    assert len(_metrics(at, "time per step")) == 2  # no PyTorch timing
    # the notice says PyTorch is left out, so no table, chart or code column may show it
    # (the comparison table used to keep a PyTorch column)
    assert len(at.dataframe) == 3
    for df in at.dataframe:
        assert not any("PyTorch" in str(c) or "torch" in str(c) for c in df.value.columns), list(df.value.columns)
    assert list(at.dataframe[0].value.columns) == ["Feature", "micrograd Value", "micrograd Tensor"]
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert not any("PyTorch" in str(y) for y in spec["data"][0]["y"])
    assert not any(m.value.startswith("**PyTorch") for m in at.markdown)
    assert [h.value for h in at.subheader if "ways" in h.value] == ["One neuron, two ways",
                                                                    "One training step, two ways"]


def test_neuron_matches_the_lecture_and_follows_the_inputs():
    at = _page()
    rows, engines = _neuron_rows(at)
    # hand-derived: n = 2*(-3) + 0*1 + 6.8814 = 0.8814, o = tanh(n) = 1/sqrt(2), do/dn = 1 - o^2 = 0.5
    for engine in engines:
        assert rows["o"][engine] == pytest.approx(1 / math.sqrt(2), abs=1e-12)
        assert rows["do/dw1"][engine] == pytest.approx(0.5 * 2.0, abs=1e-12)  # do/dw1 = 0.5 * x1
        assert rows["do/dx1"][engine] == pytest.approx(0.5 * -3.0, abs=1e-12)  # do/dx1 = 0.5 * w1
    (largest,) = _metrics(at, "Largest difference from the scalar engine")
    assert float(largest) < 1e-14
    at.number_input(key="vs_x2").set_value(1.5).run()
    assert not at.exception
    rows, _ = _neuron_rows(at)
    n = 2.0 * -3.0 + 1.5 * 1.0 + vs_pytorch.NEURON_INPUTS["b"]
    assert rows["o"][NAMES["scalar"]] == pytest.approx(math.tanh(n), abs=1e-14)
    assert rows["do/dw2"][NAMES["tensor"]] == pytest.approx((1 - math.tanh(n) ** 2) * 1.5, abs=1e-14)


def test_training_step_table_speed_and_code():
    at = _page()
    losses = [float(v) for v in _metrics(at, "loss")]  # one per engine, the scalar engine's first
    assert all(x == pytest.approx(losses[0], abs=1e-12) for x in losses)
    assert all(float(v) < 1e-12 for v in _metrics(at, "max |grad − scalar grad|"))  # every engine but scalar's
    assert len(_metrics(at, "max |grad − scalar grad|")) == len(losses) - 1
    speed = [float(v.removesuffix(" ms")) for v in _metrics(at, "time per step")]
    assert len(speed) == len(losses)
    assert all(math.isfinite(x) and x > 0 for x in speed)  # measured, not asserted on
    codes = [c.value for c in at.code]
    assert any("def step_tensor" in c for c in codes) and any("def neuron_scalar" in c for c in codes)
    table = at.dataframe[0].value
    torch_column = ["PyTorch"] if vs_pytorch.torch_or_none() is not None else []  # only what was measured
    assert list(table.columns) == ["Feature", "micrograd Value", "micrograd Tensor", *torch_column]
    code_row = table[table["Feature"].str.startswith("Code size")].iloc[0]
    engine_lines = vs_pytorch_measured.count_lines(vs_pytorch_measured.ROOT / "micrograd" / "engine.py")
    assert f"engine.py: {engine_lines} lines" in code_row["micrograd Value"]
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["data"][0]["type"] == "bar"


def test_measure_again_reruns_the_timing_and_shows_the_new_figures(monkeypatch):
    import streamlit as st

    calls = []

    def fake_speed(**kwargs):  # a new, recognisable figure per measurement
        calls.append(kwargs)
        out = {"scalar": 100.0 * len(calls) + 11.0, "tensor": 0.5, "torch_threads": None}
        if vs_pytorch.torch_or_none() is not None:
            out.update(torch=0.7, torch_threads=1)
        return out

    monkeypatch.setattr(vs_pytorch_measured, "measure_speed", fake_speed)
    st.cache_data.clear()  # earlier tests' real measurements must not answer for this one

    def shown_scalar_speed(at):
        table = at.dataframe[0].value
        row = table[table["Feature"] == "Speed, demo step (measured)"].iloc[0]
        bars = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]["x"]
        return row["micrograd Value"], bars[0]

    at = _page()
    assert len(calls) == 1 and shown_scalar_speed(at) == ("slow: 111 ms", 111.0)
    at.button(key="vs_remeasure").click().run()
    assert not at.exception
    assert len(calls) == 2 and shown_scalar_speed(at) == ("slow: 211 ms", 211.0)
    st.cache_data.clear()  # the fake figures must not outlive this test


def test_page_with_torch_shows_three_engines():
    pytest.importorskip("torch")
    at = _page()
    assert _neuron_rows(at)[1] == [NAMES["scalar"], NAMES["tensor"], NAMES["torch"]]
    grad_columns = [c for c in at.dataframe[2].value.columns if c != "parameter"]
    assert grad_columns == [NAMES["scalar"], NAMES["tensor"], NAMES["torch"]]
    assert float(_metrics(at, "max |grad − scalar grad|")[-1]) < 1e-12  # the last column is PyTorch's
    assert float(_metrics(at, "time per step")[-1].removesuffix(" ms")) > 0
    assert not at.info  # no install hint when torch is there
    assert "PyTorch" in at.dataframe[0].value.columns
    assert [h.value for h in at.subheader if "ways" in h.value] == ["One neuron, three ways",
                                                                    "One training step, three ways"]
