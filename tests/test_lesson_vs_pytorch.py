"""The "micrograd vs PyTorch" lesson logic (micrograd/lessons/vs_pytorch.py): three engines, one answer."""

import math

import numpy as np
import pytest

from micrograd.demo import demo_data, demo_model
from micrograd.lessons import vs_pytorch, vs_pytorch_measured
from micrograd.tensor import loss_and_grads


def test_neuron_hand_derived_values():
    # n = x1 w1 + x2 w2 + b = -6 + 0 + 6.8813735870195432 = 0.8813735870195432 = atanh(1/sqrt 2)
    o, grads = vs_pytorch.neuron_scalar(**vs_pytorch.NEURON_INPUTS)
    assert o == pytest.approx(1 / math.sqrt(2), abs=1e-15)
    # do/dn = 1 - o^2 = 1/2; do/dx1 = w1/2, do/dw1 = x1/2, do/dx2 = w2/2, do/dw2 = x2/2, do/db = 1/2
    expected = {"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5}
    for k, v in expected.items():
        assert grads[k] == pytest.approx(v, abs=1e-14)
    o_t, grads_t = vs_pytorch.neuron_tensor(**vs_pytorch.NEURON_INPUTS)
    assert o_t == pytest.approx(o, abs=1e-15)
    for k, v in expected.items():
        assert grads_t[k] == pytest.approx(v, abs=1e-14)


def test_compare_neuron_rows_and_difference():
    res = vs_pytorch.compare_neuron({"x1": 1.0, "x2": -2.0, "w1": 0.5, "w2": 0.25, "b": 0.1})
    n = 1.0 * 0.5 + -2.0 * 0.25 + 0.1
    rows = {r["quantity"]: r for r in res["rows"]}
    assert [r["quantity"] for r in res["rows"]] == ["o", "do/dx1", "do/dx2", "do/dw1", "do/dw2", "do/db"]
    for e in res["engines"]:
        assert rows["o"][e] == pytest.approx(math.tanh(n), abs=1e-15)
        assert rows["do/dx2"][e] == pytest.approx((1 - math.tanh(n) ** 2) * 0.25, abs=1e-15)
    assert res["max_abs_diff"] < 1e-15


def test_without_torch_everything_but_torch_runs(monkeypatch):
    monkeypatch.setattr(vs_pytorch, "torch_or_none", lambda: None)
    with pytest.raises(vs_pytorch.TorchMissing, match="pip install torch"):
        vs_pytorch.neuron_torch(**vs_pytorch.NEURON_INPUTS)
    assert vs_pytorch.compare_neuron()["engines"] == ["scalar", "tensor"]
    setup = vs_pytorch.DemoSetup()
    assert not setup.has_torch and setup.engines() == ["scalar", "tensor"]
    with pytest.raises(vs_pytorch.TorchMissing):
        setup.run("torch")
    speed = vs_pytorch_measured.measure_speed(scalar_steps=1, fast_steps=3)
    assert "torch" not in speed and speed["torch_threads"] is None
    assert vs_pytorch_measured.torch_install_size() is None
    table = vs_pytorch_measured.comparison_table(speed, vs_pytorch_measured.graph_nodes())
    # nothing of PyTorch's was measured: no PyTorch column at all (it used to be there, half empty,
    # under a notice saying it was left out)
    assert all(list(r) == ["Feature", "micrograd Value", "micrograd Tensor"] for r in table)
    rows = {r["Feature"]: r for r in table}
    assert "ms" in rows["Speed, demo step (measured)"]["micrograd Tensor"]


def test_training_step_agrees_across_engines_for_five_steps():
    setup = vs_pytorch.DemoSetup(lr=0.5)
    engines = setup.engines()
    for _ in range(5):
        losses = {e: setup.run(e) for e in engines}
        for e in engines:
            assert losses[e] == pytest.approx(losses["scalar"], abs=1e-12)
            np.testing.assert_allclose(setup.grads(e), setup.grads("scalar"), rtol=0, atol=1e-12)
            np.testing.assert_allclose(setup.weights(e), setup.weights("scalar"), rtol=0, atol=1e-12)


def test_compare_step_against_the_tensor_engines_loss_and_grads():
    """Independent check of the first step: loss_and_grads on a fresh demo model."""
    res = vs_pytorch.compare_step(show=5)
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


def test_torch_neuron_matches():
    pytest.importorskip("torch")
    o, grads = vs_pytorch.neuron_torch(**vs_pytorch.NEURON_INPUTS)
    o_s, grads_s = vs_pytorch.neuron_scalar(**vs_pytorch.NEURON_INPUTS)
    assert o == pytest.approx(o_s, abs=1e-15)
    for k in grads:
        assert grads[k] == pytest.approx(grads_s[k], abs=1e-14)
