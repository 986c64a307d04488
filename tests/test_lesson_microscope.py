"""Tests for micrograd/lessons/microscope.py: one example's op-by-op graph against the fused model's
backward(), central differences and the folded view."""

import math

import numpy as np
import pytest

from micrograd import functional
from micrograd.engine import Value
from micrograd.graph import fmt_number
from micrograd.lessons.microscope import FOLD_ABOVE, Microscope, parameter_names, pre_name
from micrograd.lessons.playground import PlaygroundConfig, build_trainer
from micrograd.losses import LOSSES
from micrograd.nn import MLP
from micrograd.train import Trainer


def _fused_backward(model, x, y, loss):
    """The example's loss through the model's own fused neurons: (loss, score, parameter grads,
    each hidden activation's grad by layer)."""
    acts, h = [], list(x)
    for layer in model.layers:
        h = layer.forward(h)
        acts.append(h)
    L = LOSSES[loss]([h[0]], [y])
    model.zero_grad()
    L.backward()
    return L.data, h[0].data, [p.grad for p in model.parameters()], [[a.grad for a in layer] for layer in acts[:-1]]


def _op_grads(m):
    """The microscope's parameter grads in `parameters()` order."""
    return [g for k, (W, _b) in enumerate(m.layers) for j in range(W.shape[0])
            for g in [w.grad for w in m.neurons[(k, j)].weights] + [m.neurons[(k, j)].bias.grad]]


@pytest.mark.parametrize("activation,loss", [("tanh", "hinge"), ("relu", "mse"), ("sigmoid", "bce"),
                                             ("linear", "hinge")])
def test_op_by_op_equals_the_fused_model(activation, loss):
    model = MLP(2, [8, 8, 1], activation=activation, seed=3)
    for p in model.parameters():  # nonzero biases, so every term matters
        p.data += 0.1
    x, y = [0.7, -1.3], -1.0
    L, s, grads, act_grads = _fused_backward(model, x, y, loss)
    m = Microscope(model, x, y, loss=loss)
    assert m.loss == L and m.score.data == s  # same floats: the sums run in the fused node's order
    assert L > 0
    assert _op_grads(m) == pytest.approx(grads, rel=1e-12, abs=1e-15)
    assert any(g != 0 for g in grads)
    for k, layer in enumerate(act_grads):
        assert [m.neurons[(k, j)].out.grad for j in range(len(layer))] == pytest.approx(layer, rel=1e-12, abs=1e-15)
    # the model itself is untouched by the microscope
    assert [p.grad for p in model.parameters()] == grads


def test_each_product_is_a_node_and_names_are_the_boards():
    model = MLP(2, [3, 1], activation="tanh", seed=1)
    m = Microscope(model, [0.5, -2.0], 1.0)
    n = m.neurons[(0, 1)]
    assert [p.op for p in n.products] == ["*", "*"] and [s.op for s in n.sums] == ["+", "+"]
    assert [p.data for p in n.products] == [model.layers[0].neurons[1].w[0].data * 0.5,
                                            model.layers[0].neurons[1].w[1].data * -2.0]
    names = set(m.names.values())
    assert {"x1", "x2", "w1[2,1]", "w1[2,2]", "b1[2]", "z1[2]", "a1[2]", "w1[2,1]·x1", "z2[1]", "L"} <= names
    assert parameter_names(model)[:3] == ["w1[1,1]", "w1[1,2]", "b1[1]"]
    # 3 tanh neurons of 2 inputs (2 *, 2 +, tanh), the output (3 *, 3 +), the hinge loss (*, +, relu, sum, mean)
    assert m.ops == 3 * 5 + 6 + 5 and not m.folded_default
    dot = m.graph().to_string()
    assert "w1[2,1]·x1" in dot and "tanh" in dot
    record = next(line for line in dot.splitlines() if 'label="w1[2,1] |' in line)
    w = n.weights[0]
    assert w.grad != 0 and f"data {fmt_number(w.data)} | grad {fmt_number(w.grad)}" in record


def test_central_differences_at_weights_and_a_hidden_activation():
    model = MLP(2, [4, 4, 1], activation="tanh", seed=5)
    x, y, h = np.array([0.3, 0.8]), 1.0, 1e-6
    m = Microscope(model, x, y, loss="bce")
    layers = functional.layer_arrays(model)

    def loss_of(layers_, a1=None):
        A = np.tanh(x[None, :] @ layers_[0][0].T + layers_[0][1])
        if a1 is not None:
            A = a1[None, :]
        A = np.tanh(A @ layers_[1][0].T + layers_[1][1])
        s = (A @ layers_[2][0].T + layers_[2][1])[:, 0]
        return functional.data_loss(s, [y], "bce")

    for k, j, i in [(0, 1, 0), (1, 2, 3), (2, 0, 1)]:
        plus = [(W.copy(), b.copy()) for W, b in layers]
        minus = [(W.copy(), b.copy()) for W, b in layers]
        plus[k][0][j, i] += h
        minus[k][0][j, i] -= h
        fd = (loss_of(plus) - loss_of(minus)) / (2 * h)
        assert m.neurons[(k, j)].weights[i].grad == pytest.approx(fd, rel=1e-6, abs=1e-9)
    a1 = np.tanh(x @ layers[0][0].T + layers[0][1])
    e = np.eye(4)[2] * h
    fd = (loss_of(layers, a1 + e) - loss_of(layers, a1 - e)) / (2 * h)
    assert m.neurons[(0, 2)].out.grad == pytest.approx(fd, rel=1e-6)


def test_folded_view_numbers_equal_the_unfolded_ones():
    t = build_trainer(PlaygroundConfig())  # moons, 8-8 tanh
    t.run(3)
    worst = int(np.argmin(t.y_train * t.model.predict(t.X_train)))  # a point inside the margin: hinge > 0
    m = Microscope.for_trainer(t, worst)
    assert m.loss > 0
    assert m.ops > FOLD_ABOVE and m.folded_default
    for unfolded in [(), [(1, 3)], [(0, 0), (2, 0)]]:
        v = m.view(unfolded)
        assert v.root.data == m.root.data
        for key, n in m.neurons.items():
            f = v.neurons[key]
            assert f.folded == (key not in [tuple(u) for u in unfolded])
            assert f.out.data == n.out.data and f.z_data == n.z.data
            # the folded graph's own backward (Jacobian entries f'(z) w) gives the op-by-op grads
            assert f.out.grad == pytest.approx(n.out.grad, rel=1e-12, abs=1e-15)
            assert f.z_grad == pytest.approx(n.z.grad, rel=1e-12, abs=1e-15)
    assert any(n.z.grad != 0 for n in m.neurons.values())
    dot = m.graph().to_string()
    # one box per neuron: its activation and pre-activation, data and grad
    n = m.neurons[(1, 3)]
    box = next(line for line in dot.splitlines() if "a2[4] = tanh(z2[4])" in line)
    assert f"{pre_name(1, 3)} data" in box and f"{pre_name(1, 3)} grad" in box
    assert "w2[4,1]" not in dot  # weights are folded away
    dot = m.graph(unfolded=[(1, 3)], labelled=[(1, 3)]).to_string()
    assert "w2[4,1]·a1[1]" in dot
    x_in = m.neurons[(0, 0)].out.data  # the edge label of w2[4,1]: input a1[1] × upstream ∂L/∂(w·a)
    assert f"{x_in:.4g}".replace("-", "−") in dot


def test_gradient_path_is_the_largest_and_connected():
    model = MLP(2, [5, 4, 1], activation="tanh", seed=2)
    m = Microscope(model, [1.0, -0.5], -1.0, loss="mse")
    G = m.weight_grads()
    out = m.gradient_path(top=2)
    for k, edges in enumerate(out["top"]):
        assert abs(edges[0]["grad"]) == np.abs(G[k]).max()
        assert abs(edges[0]["grad"]) >= abs(edges[1]["grad"])
    path = out["path"]
    assert [e["layer"] for e in path] == [0, 1, 2]
    assert all(path[k]["target"] == path[k + 1]["source"] for k in range(2))
    brute = max(abs(G[0][j, i]) + abs(G[1][k, j]) + abs(G[2][0, k]) for i in range(2) for j in range(5)
                for k in range(4))
    assert sum(abs(e["grad"]) for e in path) == pytest.approx(brute, rel=1e-12)


def test_for_trainer_checks_the_index():
    t = build_trainer(PlaygroundConfig(n_points=20))
    with pytest.raises(IndexError, match="choose 0"):
        Microscope.for_trainer(t, t.n_train)
    m = Microscope.for_trainer(t, 0)
    assert m.x == list(t.X_train[0]) and m.index == 0
    assert math.isfinite(m.loss)


def _torch_example(layers, x, y, activation, kind):
    """The example's loss and parameter grads (parameters() order) by PyTorch float64, from the weights."""
    torch = pytest.importorskip("torch")
    params = [(torch.tensor(W, requires_grad=True), torch.tensor(b, requires_grad=True)) for W, b in layers]
    h = torch.tensor([x], dtype=torch.float64)
    for k, (W, b) in enumerate(params):
        h = h @ W.T + b
        if k < len(params) - 1:
            h = getattr(torch, activation)(h)
    if kind == "ce":
        loss = torch.nn.functional.cross_entropy(h, torch.tensor([int(y)]))
    elif kind == "regression":
        loss = ((h[0, 0] - y) ** 2)
    else:
        loss = torch.nn.functional.softplus(-y * h[0, 0])  # bce with labels -1/+1
    loss.backward()
    grads = [g for W, b in params for j in range(W.shape[0]) for g in [*W.grad[j].tolist(), b.grad[j].item()]]
    return loss.item(), h[0].tolist(), grads


@pytest.mark.parametrize("features", [("x1", "x2", "x1sq"), ("x1sq", "x2sq")])
def test_for_trainer_feeds_the_trainers_features(features):
    rs = np.random.RandomState(1)
    X = rs.normal(size=(30, 2))
    y = np.where((X ** 2).sum(axis=1) > 1.0, 1, -1)
    t = Trainer(X, y, hidden=(3,), loss="bce", features=features, test_fraction=0.0, seed=2)
    t.run(2)
    m = Microscope.for_trainer(t, 4)
    x = t.X_train[4]
    cols = {"x1": x[0], "x2": x[1], "x1sq": x[0] ** 2, "x2sq": x[1] ** 2}
    assert m.x == [cols[f] for f in features]  # the model's inputs, not the raw point
    loss, out, grads = _torch_example(functional.layer_arrays(t.model), m.x, t.y_train[4], "tanh", "bce")
    assert m.loss == pytest.approx(loss, rel=1e-12) and m.score.data == pytest.approx(out[0], rel=1e-12)
    assert _op_grads(m) == pytest.approx(grads, rel=1e-10, abs=1e-14)


def test_multiclass_shows_all_k_logits_and_the_cross_entropy():
    rs = np.random.RandomState(0)
    X = rs.normal(size=(30, 2))
    y = (np.arctan2(X[:, 1], X[:, 0]) > 0).astype(int) + (X[:, 0] > 1).astype(int)  # classes 0, 1, 2
    t = Trainer(X, y, hidden=(4,), test_fraction=0.0, problem="multiclass", seed=1)
    assert t.loss == "ce" and t.n_outputs == 3
    t.run(2)
    m = Microscope.for_trainer(t, 5)
    loss, logits, grads = _torch_example(functional.layer_arrays(t.model), m.x, t.y_train[5], "tanh", "ce")
    assert m.score is None and [v.data for v in m.outputs] == pytest.approx(logits, rel=1e-12)
    assert m.loss == pytest.approx(loss, rel=1e-12)
    assert _op_grads(m) == pytest.approx(grads, rel=1e-10, abs=1e-14)
    dot = m.graph(folded=False).to_string()
    assert all(f'label="{pre_name(1, j)} |' in dot for j in range(3))  # every logit is drawn


def test_regression_uses_mse_on_the_real_target():
    rs = np.random.RandomState(0)
    X = rs.normal(size=(30, 2))
    y = 2.5 * X[:, 0] - X[:, 1] + 0.3  # real targets, not -1/+1
    t = Trainer(X, y, hidden=(3,), test_fraction=0.0, problem="regression", seed=1)
    t.run(2)
    m = Microscope.for_trainer(t, 7)
    loss, out, grads = _torch_example(functional.layer_arrays(t.model), m.x, t.y_train[7], "tanh", "regression")
    assert m.y == t.y_train[7] and m.loss == pytest.approx(loss, rel=1e-12)
    assert _op_grads(m) == pytest.approx(grads, rel=1e-10, abs=1e-14)
    with pytest.raises(ValueError, match="regression trains with loss 'mse' only"):
        Microscope(t.model, m.x, 0.5, loss="hinge", regression=True)


def test_the_example_loss_node_is_found_only_in_the_mean_of_one_shape():
    from micrograd.lessons.microscope import _example_loss

    ell = Value(0.7) + Value(0.2)  # a loss whose own top op is +, as bce's m + log(1 + e^-m)
    root = ell * 1.0  # not (0 + ℓ) * 1: the root itself is the example's loss
    assert _example_loss(root) == (None, root)
    mean = (0 + ell) * 1.0
    assert _example_loss(mean)[1] is ell


def test_largest_weight_grads_are_the_examples_top_three_over_every_weight():
    tr = build_trainer(PlaygroundConfig(dataset="circles", hidden=(4, 3), loss="bce"))
    for _ in range(5):
        tr.step()
    m = Microscope.for_trainer(tr, 7)
    every = sorted((abs(g) for W in m.weight_grads() for g in W.ravel()), reverse=True)
    top = m.largest_weight_grads(3)
    assert [abs(g) for _, g in top] == every[:3]
    assert len({name for name, _ in top}) == 3
    # each name is its own weight's: w{layer}[neuron, input], 1-based, written out by hand
    by_name = {f"w{k + 1}[{j + 1},{i + 1}]": G[j, i] for k, G in enumerate(m.weight_grads())
               for j, i in np.ndindex(G.shape)}
    assert all(by_name[name] == g for name, g in top), (top, by_name)
