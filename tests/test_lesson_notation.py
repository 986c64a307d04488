"""Tests for micrograd/lessons/notation.py: node names, LaTeX names and the local-derivative table."""

import pytest

from micrograd.lessons import computation_graph as cg
from micrograd.lessons import notation, presets


def test_node_names_unique_and_tex():
    root = presets.build("custom", {"x": 1.0}, "(x + 1) * (x + 1)")
    names = notation.node_names(root)
    assert len(set(names.values())) == len(names)
    assert notation.tex_name("x1") == "x_{1}"
    assert notation.tex_name("x1*w1") == r"x_{1} \cdot w_{1}"
    assert notation.tex_name("out") == r"\mathrm{out}"
    assert notation.tex_name("x**3") == "x ^ 3"


def test_local_formulas():
    root = presets.build("custom", {"x": 2.0, "y": 3.0}, "log(x) / y - exp(x) + sigmoid(y) ** 2")
    w = cg.Walkthrough(root)
    for v in w.nodes:
        for pos in range(len(v.children)):
            text, tex = notation.local_formula(v, pos, w.names)
            assert text and tex and "?" not in text


def test_every_engine_op_of_an_expression_has_a_written_form_and_a_formula():
    root = presets.build("custom", {"x": 2.0, "y": 3.0},
                         "tanh(x) + exp(y) * log(x) - sigmoid(y) / relu(x) + x ** y + (-x) ** 2 + x ** 3")
    nodes = [v for v in root.topo_order() if v.children]
    assert {v.op for v in nodes} == {"+", "-", "*", "/", "neg", "tanh", "exp", "log", "sigmoid", "ReLU", "**",
                                     "**2", "**3"}
    assert all(notation.notation_of(v.op) is not None for v in nodes)
    names = notation.node_names(root)
    formulas = {v.op: notation.local_formula(v, 0, names)[0] for v in nodes}
    # the textbook derivatives at x = 2, y = 3, read off by hand
    assert formulas["**3"] == "3·x^2" and formulas["**2"] == "2·(-x)" and formulas["log"] == "1/x"
    assert formulas["**"] == "y·x^(y − 1)" and formulas["ReLU"] == "1 if x > 0 else 0"
    cube = next(v for v in nodes if v.op == "**3")
    assert cube.local_grads[0] == 3 * 2.0 ** 2  # the engine's number is the formula's value
    assert notation.local_equation(cube, 0, names) == "∂(x**3)/∂x = 3·x^2 = 12"


def test_loss_table_covers_every_loss_and_its_formula_is_the_engines():
    import math

    from micrograd.engine import Value
    from micrograd.losses import LOSSES

    assert set(notation.LOSS_NOTATION) == set(LOSSES)
    assert len({f.label for f in notation.LOSS_NOTATION.values()}) == len(LOSSES)
    # the one-example formulas, read as Python, give the engine's loss of a batch of one
    python = {"−": "-", "·": "*", "²": "**2", "e^(": "math.exp(", "log(": "math.log("}
    for name in ("hinge", "mse", "bce"):
        text = notation.LOSS_NOTATION[name].example
        for a, b in python.items():
            text = text.replace(a, b)
        for s, y in [(0.3, 1.0), (-1.7, 1.0), (2.2, -1.0)]:
            assert eval(text, {"math": math, "max": max, "s": s, "y": y}) == \
                pytest.approx(LOSSES[name]([Value(s)], [y]).data, rel=1e-12)
    z, y = [0.5, -1.0, 2.0], 1  # ce: log Σₖ e^(z_k) − z_y
    assert notation.LOSS_NOTATION["ce"].example == "log Σₖ e^(z_k) − z_y"
    assert math.log(sum(math.exp(v) for v in z)) - z[y] == pytest.approx(LOSSES["ce"]([z], [y]).data, rel=1e-12)
