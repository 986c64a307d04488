"""The "micrograd vs PyTorch" lesson logic: three engines, one answer."""

import math

import numpy as np
import pytest

from micrograd.demo import demo_data, demo_model
from micrograd.lessons import compare
from micrograd.tensor import loss_and_grads


def test_neuron_hand_derived_values():
    # n = x1 w1 + x2 w2 + b = -6 + 0 + 6.8813735870195432 = 0.8813735870195432 = atanh(1/sqrt 2)
    o, grads = compare.neuron_scalar(**compare.NEURON_INPUTS)
    assert o == pytest.approx(1 / math.sqrt(2), abs=1e-15)
    # do/dn = 1 - o^2 = 1/2; do/dx1 = w1/2, do/dw1 = x1/2, do/dx2 = w2/2, do/dw2 = x2/2, do/db = 1/2
    expected = {"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5}
    for k, v in expected.items():
        assert grads[k] == pytest.approx(v, abs=1e-14)
    o_t, grads_t = compare.neuron_tensor(**compare.NEURON_INPUTS)
    assert o_t == pytest.approx(o, abs=1e-15)
    for k, v in expected.items():
        assert grads_t[k] == pytest.approx(v, abs=1e-14)


def test_compare_neuron_rows_and_difference():
    res = compare.compare_neuron({"x1": 1.0, "x2": -2.0, "w1": 0.5, "w2": 0.25, "b": 0.1})
    n = 1.0 * 0.5 + -2.0 * 0.25 + 0.1
    rows = {r["quantity"]: r for r in res["rows"]}
    assert [r["quantity"] for r in res["rows"]] == ["o", "do/dx1", "do/dx2", "do/dw1", "do/dw2", "do/db"]
    for e in res["engines"]:
        assert rows["o"][e] == pytest.approx(math.tanh(n), abs=1e-15)
        assert rows["do/dx2"][e] == pytest.approx((1 - math.tanh(n) ** 2) * 0.25, abs=1e-15)
    assert res["max_abs_diff"] < 1e-15


def test_without_torch_everything_but_torch_runs(monkeypatch):
    monkeypatch.setattr(compare, "torch_or_none", lambda: None)
    with pytest.raises(compare.TorchMissing, match="pip install torch"):
        compare.neuron_torch(**compare.NEURON_INPUTS)
    assert compare.compare_neuron()["engines"] == ["scalar", "tensor"]
    setup = compare.DemoSetup()
    assert not setup.has_torch and setup.engines() == ["scalar", "tensor"]
    with pytest.raises(compare.TorchMissing):
        setup.run("torch")
    speed = compare.measure_speed(scalar_steps=1, fast_steps=3)
    assert "torch" not in speed and speed["torch_threads"] is None
    assert compare.torch_install_size() is None
    table = compare.comparison_table(speed, compare.graph_nodes())
    rows = {r["Feature"]: r for r in table}
    assert "pip install torch" in rows["Speed, demo step (measured)"]["PyTorch"]
    assert "pip install torch" in rows["Graph nodes per demo step (measured)"]["PyTorch"]


def test_training_step_agrees_across_engines_for_five_steps():
    setup = compare.DemoSetup(lr=0.5)
    engines = setup.engines()
    for _ in range(5):
        losses = {e: setup.run(e) for e in engines}
        for e in engines:
            assert losses[e] == pytest.approx(losses["scalar"], abs=1e-12)
            np.testing.assert_allclose(setup.grads(e), setup.grads("scalar"), rtol=0, atol=1e-12)
            np.testing.assert_allclose(setup.weights(e), setup.weights("scalar"), rtol=0, atol=1e-12)


def test_compare_step_against_the_tensor_engines_loss_and_grads():
    """Independent check of the first step: loss_and_grads on a fresh demo model."""
    res = compare.compare_step(show=5)
    X, y = demo_data()
    model = demo_model()
    loss, _, _ = loss_and_grads(model, X, y, loss="hinge", l2=1e-4)
    assert res["loss"]["scalar"] == pytest.approx(loss, abs=1e-12)
    assert res["n_params"] == 337
    names = [r["parameter"] for r in res["grad_rows"]]
    assert names == ["L1 n0 w0", "L1 n0 w1", "L1 n0 b", "L1 n1 w0", "L1 n1 w1"]
    grads = [p.grad for p in model.parameters()]
    for i, row in enumerate(res["grad_rows"]):
        for e in res["engines"]:
            assert row[e] == pytest.approx(grads[i], abs=1e-12)
    assert all(v < 1e-12 for v in res["max_abs_diff"]["grad"].values())


def test_graph_nodes_scalar_vs_tensor():
    nodes = compare.graph_nodes()
    X, y = demo_data()
    _, _, tensor_nodes = loss_and_grads(demo_model(), X, y, loss="hinge", l2=1e-4)
    assert nodes["tensor"] == tensor_nodes == 19  # X, 3 x (W, b, @, +), 2 ReLU, reshape, hinge, l2, +
    assert nodes["scalar"] > 100 * nodes["tensor"]


def test_median_ms_counts_calls_and_rejects_zero_steps():
    calls = []
    ms = compare.median_ms(lambda: calls.append(1), steps=7, warmup=2)
    assert len(calls) == 9 and ms >= 0
    with pytest.raises(ValueError, match="steps must be >= 1"):
        compare.median_ms(lambda: None, steps=0)


def test_count_lines(tmp_path):
    f = tmp_path / "m.py"
    f.write_text('"""Doc\nstring."""\n\n# a comment\nx = 1  # trailing\n\n'
                 'def f():\n    """Doc."""\n    return x\n')
    assert compare.count_lines(f) == 9
    assert compare.count_lines(f, code_only=True) == 3  # x = 1, def f():, return x


def test_comparison_table_fills_in_measured_numbers():
    speed = {"scalar": 20.0, "tensor": 0.1, "torch": 0.4, "torch_threads": 2}
    nodes = {"scalar": 8000, "tensor": 19, "torch": 39}
    rows = {r["Feature"]: r for r in compare.comparison_table(speed, nodes, {"files": 10, "mb": 5.0,
                                                                             "version": "x"}, False)}
    sp = rows["Speed, demo step (measured)"]
    assert "20 ms" in sp["micrograd Value"]
    assert "200x faster" in sp["micrograd Tensor"] and "50x faster" in sp["PyTorch"]
    assert rows["Graph nodes per demo step (measured)"]["micrograd Value"] == "8,000"
    assert "no GPU" in rows["Uses GPU"]["PyTorch"] and rows["Uses GPU"]["micrograd Value"] == "no"
    assert "10 installed files" in rows["Code size (measured)"]["PyTorch"]


def test_speed_figure_has_one_bar_per_engine():
    fig = compare.speed_figure({"scalar": 20.0, "tensor": 0.1, "torch_threads": None})
    assert list(fig.data[0].x) == [20.0, 0.1]
    assert fig.layout.xaxis.type == "log"


def test_torch_neuron_matches():
    pytest.importorskip("torch")
    o, grads = compare.neuron_torch(**compare.NEURON_INPUTS)
    o_s, grads_s = compare.neuron_scalar(**compare.NEURON_INPUTS)
    assert o == pytest.approx(o_s, abs=1e-15)
    for k in grads:
        assert grads[k] == pytest.approx(grads_s[k], abs=1e-14)
