"""The measured side of "micrograd vs PyTorch" (micrograd/lessons/vs_pytorch_measured.py): timing,
graph sizes, code sizes, the table and the chart."""

import pytest

from micrograd.demo import demo_data, demo_model
from micrograd.lessons import vs_pytorch_measured
from micrograd.tensor import loss_and_grads


def test_graph_nodes_scalar_vs_tensor():
    nodes = vs_pytorch_measured.graph_nodes()
    X, y = demo_data()
    _, _, tensor_nodes = loss_and_grads(demo_model(), X, y, loss="hinge", l2=1e-4)
    assert nodes["tensor"] == tensor_nodes == 19  # X, 3 x (W, b, @, +), 2 ReLU, reshape, hinge, l2, +
    assert nodes["scalar"] > 100 * nodes["tensor"]


def test_median_ms_counts_calls_and_rejects_zero_steps():
    calls = []
    ms = vs_pytorch_measured.median_ms(lambda: calls.append(1), steps=7, warmup=2)
    assert len(calls) == 9 and ms >= 0
    with pytest.raises(ValueError, match="steps must be >= 1"):
        vs_pytorch_measured.median_ms(lambda: None, steps=0)


def test_count_lines(tmp_path):
    f = tmp_path / "m.py"
    f.write_text('"""Doc\nstring."""\n\n# a comment\nx = 1  # trailing\n\n'
                 'def f():\n    """Doc."""\n    return x\n')
    assert vs_pytorch_measured.count_lines(f) == 9
    assert vs_pytorch_measured.count_lines(f, code_only=True) == 3  # x = 1, def f():, return x


def test_comparison_table_fills_in_measured_numbers():
    speed = {"scalar": 20.0, "tensor": 0.1, "torch": 0.4, "torch_threads": 2}
    nodes = {"scalar": 8000, "tensor": 19, "torch": 39}
    rows = {r["Feature"]: r for r in vs_pytorch_measured.comparison_table(speed, nodes, {"files": 10, "mb": 5.0,
                                                                             "version": "x"}, False)}
    sp = rows["Speed, demo step (measured)"]
    assert "20 ms" in sp["micrograd Value"]
    assert "200x faster" in sp["micrograd Tensor"] and "50x faster" in sp["PyTorch"]
    assert rows["Graph nodes per demo step (measured)"]["micrograd Value"] == "8,000"
    assert "no GPU" in rows["Uses GPU"]["PyTorch"] and rows["Uses GPU"]["micrograd Value"] == "no"
    assert "10 installed files" in rows["Code size (measured)"]["PyTorch"]


def test_speed_figure_has_one_bar_per_engine():
    fig = vs_pytorch_measured.speed_figure({"scalar": 20.0, "tensor": 0.1, "torch_threads": None})
    assert list(fig.data[0].x) == [20.0, 0.1]
    assert fig.layout.xaxis.type == "log"
