"""Tests for micrograd/lessons/landscape.py (the loss slice, trajectory, cache) and
micrograd/lessons/layer_view.py (the warped plane), against direct evaluations."""

import copy

import numpy as np
import pytest

from micrograd import functional
from micrograd.lessons import landscape as ls
from micrograd.lessons.layer_view import warped_plane
from micrograd.lessons.playground import PlaygroundConfig, build_trainer
from micrograd.train import Trainer


@pytest.fixture(scope="module")
def trained():
    t = build_trainer(PlaygroundConfig())  # moons, 8-8 tanh
    t.run(10)
    return t


def _scalar_hinge(model, X, y):
    """The mean hinge loss through the scalar Value engine, example by example (no numpy forward)."""
    return sum(max(0.0, 1.0 - float(t) * model(list(map(float, x))).data) for x, t in zip(X, y)) / len(y)


def _numpy_tanh_net(vec, shapes, X):
    """An MLP's scores written out here: tanh hidden layers, a linear output, parameters in
    parameters() order (each neuron's weights then its bias)."""
    A, at = X, 0
    for k, (nout, nin) in enumerate(shapes):
        block = vec[at:at + nout * (nin + 1)].reshape(nout, nin + 1)
        at += nout * (nin + 1)
        A = A @ block[:, :-1].T + block[:, -1]
        if k < len(shapes) - 1:
            A = np.tanh(A)
    return A[:, 0]


def test_centre_is_the_current_loss_plus_the_penalty(trained):
    s = ls.loss_slice(trained, size=7)
    direct = _scalar_hinge(trained.model, trained.X_train, trained.y_train)
    assert s.centre == s.losses[3, 3] and s.centre == pytest.approx(direct, rel=1e-12)
    assert s.alphas[3] == 0.0 and not s.exact and not s.parameter_axes and s.step == trained.step_count
    assert s.losses.shape == (7, 7) and s.losses.min() >= 0
    t = copy.deepcopy(trained)
    t.l2 = 0.01
    s = ls.loss_slice(t, size=5)
    penalty = 0.01 * sum(p.data ** 2 for p in t.model.parameters())
    assert s.centre == pytest.approx(direct + penalty, rel=1e-12)
    t.reg, t.rate = "l1", 0.02
    s = ls.loss_slice(t, size=3)
    assert s.centre == pytest.approx(direct + 0.02 * sum(abs(p.data) for p in t.model.parameters()), rel=1e-12)


def test_every_grid_point_is_the_loss_of_those_weights(trained):
    s = ls.loss_slice(trained, size=5, span=0.5, seed=3)
    model = copy.deepcopy(trained.model)
    shapes = [(len(layer.neurons), len(layer.neurons[0].w)) for layer in model.layers]
    for i, j in [(0, 0), (1, 4), (4, 2)]:
        vec = s.theta + s.alphas[j] * s.d1 + s.betas[i] * s.d2
        model.set_parameter_values(vec)
        direct = _scalar_hinge(model, trained.X_train, trained.y_train)
        assert s.losses[i, j] == pytest.approx(direct, rel=1e-12)
        by_hand = np.mean(np.maximum(0, 1 - trained.y_train * _numpy_tanh_net(vec, shapes, trained.X_train)))
        assert s.losses[i, j] == pytest.approx(by_hand, rel=1e-12)
        assert s.losses[i, j] != s.centre


@pytest.mark.parametrize("features", [("x1sq", "x2sq"), ("x1", "x2", "x1x2")])
def test_the_slice_reads_the_trainers_features(features):
    rs = np.random.RandomState(0)
    X = rs.normal(size=(40, 2))
    y = np.where((X ** 2).sum(axis=1) > 1.2, 1, -1)
    t = Trainer(X, y, hidden=(), test_fraction=0.0, features=features, seed=1)
    t.run(3)
    x1, x2 = t.X_train[:, 0], t.X_train[:, 1]
    cols = {"x1": x1, "x2": x2, "x1sq": x1 ** 2, "x2sq": x2 ** 2, "x1x2": x1 * x2}
    F = np.column_stack([cols[f] for f in features])  # the features, written out here
    s = ls.loss_slice(t, size=5, span=0.7, axes=("w1[1,1]", "w1[1,2]"))
    *w, b = t.model.parameter_values()
    for i, w2 in enumerate(s.axis_values[1]):  # hinge by hand on the features, the other weights fixed
        for j, w1 in enumerate(s.axis_values[0]):
            scores = F @ np.array([w1, w2, *w[2:]]) + b
            assert s.losses[i, j] == pytest.approx(np.mean(np.maximum(0, 1 - t.y_train * scores)), rel=1e-12)


def test_directions_are_filter_normalised(trained):
    layers = functional.layer_arrays(trained.model)
    d = ls.filter_normalized_direction(layers, np.random.default_rng(0))
    blocks = ls.unflatten(d, [W.shape for W, _b in layers])
    for (W, _b), (dW, db) in zip(layers, blocks):
        # Li et al. 2018, Sec. 4: each neuron's (filter's) block has the norm of its weights
        assert np.linalg.norm(dW, axis=1) == pytest.approx(np.linalg.norm(W, axis=1), rel=1e-12)
        assert np.all(db == 0)  # biases not perturbed (the reference code's --xignore biasbn)
    d = ls.filter_normalized_direction(layers, np.random.default_rng(0), perturb_bias=True)
    for (W, b), (dW, db) in zip(layers, ls.unflatten(d, [W.shape for W, _b in layers])):
        full, dfull = np.column_stack([W, b]), np.column_stack([dW, db])
        assert np.linalg.norm(dfull, axis=1) == pytest.approx(np.linalg.norm(full, axis=1), rel=1e-12)
    assert ls.flat_parameters(layers).tolist() == trained.model.parameter_values()


def test_two_parameters_give_the_exact_landscape():
    rs = np.random.RandomState(0)
    X = rs.normal(size=(30, 1))
    y = np.where(X[:, 0] + 0.3 * rs.normal(size=30) > 0, 1, -1)
    t = Trainer(X, y, hidden=(), lr=0.1, test_fraction=0.0, loss="mse")
    t.run(3)
    assert t.n_params == 2  # one neuron on one input: a weight and a bias
    s = ls.loss_slice(t, size=9, span=2.0)
    assert s.exact and s.axis_names == ("w1[1,1]", "b1[1]")
    w, b = t.model.parameter_values()
    assert s.axis_values[0][4] == w and s.axis_values[1][4] == b
    for i, bb in enumerate(s.axis_values[1]):  # a direct evaluation of mean((w x + b - y)^2)
        for j, ww in enumerate(s.axis_values[0]):
            direct = np.mean((ww * X[:, 0] + bb - y) ** 2)
            assert s.losses[i, j] == pytest.approx(direct, rel=1e-12)
    tr = ls.Trajectory()
    tr.record(t)
    p = s.project(tr)
    assert p["coords"][0].tolist() == [w, b]


def test_parameter_axes_of_the_playgrounds_one_neuron_model():
    t = build_trainer(PlaygroundConfig(hidden=(), n_points=40))  # 2 inputs: w1, w2 and a bias
    t.run(2)
    assert t.n_params == 3
    s = ls.loss_slice(t, size=5, span=1.5, axes=("w1[1,1]", "w1[1,2]"))
    w1, w2, b = t.model.parameter_values()
    assert not s.exact and s.axis_names == ("w1[1,1]", "w1[1,2]") and s.axis_values[0][2] == w1
    X, y = t.X_train, t.y_train
    for i, ww2 in enumerate(s.axis_values[1]):  # hinge, by hand, at the current bias
        for j, ww1 in enumerate(s.axis_values[0]):
            direct = np.mean(np.maximum(0, 1 - y * (ww1 * X[:, 0] + ww2 * X[:, 1] + b)))
            assert s.losses[i, j] == pytest.approx(direct, rel=1e-12, abs=1e-15)
    tr = ls.Trajectory()
    tr.record(t)
    assert s.project(tr)["coords"][0].tolist() == pytest.approx([w1, w2])
    with pytest.raises(ValueError, match="two different parameter names"):
        ls.loss_slice(t, size=3, axes=("w1[1,1]", "w9[1,1]"))


def test_trajectory_projection_and_recording(trained):
    s = ls.loss_slice(trained, size=3)
    on = s.theta + 0.3 * s.d1 - 0.2 * s.d2
    coords, off = ls.project(np.array([on, s.theta, s.theta + 1e-3 * np.ones_like(on)]), s.theta, s.d1, s.d2)
    assert coords[0] == pytest.approx([0.3, -0.2], abs=1e-12) and off[0] < 1e-12
    assert coords[1].tolist() == [0.0, 0.0] and off[1] == 0.0
    assert off[2] > 0.5  # a move along all P axes is mostly off a random plane (Li et al. Sec. 7)
    t = build_trainer(PlaygroundConfig(n_points=40))
    tr = ls.Trajectory(cap=4)
    for _ in range(6):
        tr.record(t)
        t.run(2)
    tr.record(t)
    assert len(tr.steps) <= 5 and tr.steps[-1] == 12 and tr.steps == sorted(tr.steps)
    assert tr.weights()[-1].tolist() == t.model.parameter_values()
    t2 = build_trainer(PlaygroundConfig(n_points=40))  # a reset: back to step 0
    tr.record(t2)
    assert tr.steps == [0]


def test_cache_is_keyed_by_step_and_grid(trained):
    cache = ls.LandscapeCache(maxsize=2)
    t = copy.deepcopy(trained)
    a = cache.get(t, size=5)
    assert cache.get(t, size=5) is a and cache.hits == 1
    assert cache.get(t, size=7) is not a
    t.step()
    b = cache.get(t, size=5)
    assert b is not a and b.step == a.step + 1 and cache.misses == 3
    with pytest.raises(ValueError, match="odd"):
        ls.loss_slice(t, size=4)


def test_cache_tells_datasets_apart():
    # a reset to another dataset with the same seed, architecture and size: same weights, other data
    cache = ls.LandscapeCache()
    moons = build_trainer(PlaygroundConfig(dataset="moons", n_points=40))
    xor = build_trainer(PlaygroundConfig(dataset="xor", n_points=40))
    assert moons.model.parameter_values() == xor.model.parameter_values()
    a, b = cache.get(moons, size=3), cache.get(xor, size=3)
    assert b is not a and cache.misses == 2
    assert b.centre == pytest.approx(_scalar_hinge(xor.model, xor.X_train, xor.y_train), rel=1e-12)
    same = build_trainer(PlaygroundConfig(dataset="moons", n_points=40))
    assert cache.get(same, size=3) is a and cache.hits == 1  # the same data and weights: a hit


def test_warped_plane_points_are_the_layers_activations(trained):
    model = trained.model
    X, y = trained.X_train[:12], trained.y_train[:12]
    for layer, neurons in [(0, (0, 3)), (1, (5, 2))]:
        out = warped_plane(model, X, y, layer, neurons, lines=3, samples=4)
        assert out["axis_names"] == (f"a{layer + 1}[{neurons[0] + 1}]", f"a{layer + 1}[{neurons[1] + 1}]")
        for x, p in zip(X, out["points"]):
            h = list(x)
            for k in range(layer + 1):  # the scalar engine, neuron by neuron
                h = model.layers[k].forward(h)
            assert p.tolist() == pytest.approx([h[neurons[0]].data, h[neurons[1]].data], rel=1e-12, abs=1e-15)
        assert len(out["lines"]) == 6 and out["lines"][0].shape == (4, 2)
        start = out["inputs"][0][0]  # the first vertical line starts at the data's lower-left corner minus pad
        assert start.tolist() == pytest.approx((X.min(axis=0) - 0.5).tolist())
    with pytest.raises(ValueError, match="hidden layer"):
        warped_plane(model, X, y, 2)
    with pytest.raises(ValueError, match="two different"):
        warped_plane(model, X, y, 0, (1, 1))
    flat = build_trainer(PlaygroundConfig(n_points=20, hidden=()))
    with pytest.raises(ValueError, match="no hidden layer"):
        warped_plane(flat.model, X, y, 0)


def test_warped_plane_feeds_the_trainers_features():
    rs = np.random.RandomState(0)
    X = rs.normal(size=(20, 2))
    y = np.where((X ** 2).sum(axis=1) > 1.0, 1, -1)
    t = Trainer(X, y, hidden=(3,), test_fraction=0.0, features=("x1sq", "x2sq", "x1x2"), seed=1)
    with pytest.raises(ValueError, match="2 inputs .*this one takes 3"):
        warped_plane(t.model, X, y, 0)
    out = warped_plane(t.model, X, y, 0, (0, 2), lines=2, samples=3, features=t.features)
    W, b = functional.layer_arrays(t.model)[0]
    F = np.column_stack([X[:, 0] ** 2, X[:, 1] ** 2, X[:, 0] * X[:, 1]])  # the features, by hand
    assert out["points"] == pytest.approx(np.tanh(F @ W.T + b)[:, [0, 2]], rel=1e-12)
