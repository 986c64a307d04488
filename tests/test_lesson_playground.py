"""Tests for micrograd/lessons/playground.py (config, presets, trainer, export) and the scenes of its live views
(the link: tests/test_lesson_playground_url.py)."""

import csv
import io
import json
import math
import time

import numpy as np
import pytest

from micrograd import train
from micrograd.engine import Value
from micrograd.functional import data_loss
from micrograd.lessons import playground as pg
from micrograd.lessons import playground_paint as pp


@pytest.fixture(scope="module")
def trained():
    tr = pg.build_trainer(pg.PlaygroundConfig())
    tr.run(5)
    return tr


# --- configuration, presets, URL ---


def test_reset_rules():
    a = pg.PlaygroundConfig()
    assert pg.needs_reset(None, a)
    assert not pg.needs_reset(a, a.replace(lr=1.0, reg="l2", rate=0.01, optimizer="adam", momentum=0.5, batch_size=8,
                                           loss="bce"))
    b = a.replace(hidden=(8,))
    assert pg.needs_reset(a, b) and "network" in pg.reset_reason(a, b)
    assert pg.needs_reset(a, a.replace(noise=0.2)) and "data" in pg.reset_reason(a, a.replace(noise=0.2))
    assert pg.reset_reason(a, a.replace(lr=1.0)) == ""


def test_apply_hyperparameters_keeps_weights(trained):
    tr = pg.build_trainer(pg.PlaygroundConfig())
    tr.run(2)
    w = tr.model.parameter_values()
    pg.apply_hyperparameters(tr, pg.PlaygroundConfig(lr=1.0, reg="l2", rate=0.01, momentum=0.5, loss="mse"))
    assert (tr.lr, tr.l2, tr.momentum, tr.loss, tr.step_count) == (1.0, 0.01, 0.5, "mse", 2)
    pg.apply_hyperparameters(tr, pg.PlaygroundConfig(lr=0.01, optimizer="adamw", reg="l1", rate=0.001, loss="mse"))
    assert (tr.optimizer_name, tr.reg, tr.rate, tr.l2, tr.step_count) == ("adamw", "l1", 0.001, 0.0, 2)
    assert tr.model.parameter_values() == w
    s = tr.model.predict(tr.X_train)
    assert tr.current["train_loss"] == pytest.approx(float(np.mean((s - tr.y_train) ** 2)))


def test_batch_options():
    assert pg.batch_options(20) == [1, 2, 4, 8, 16, 0]
    assert pg.batch_options(300)[-2:] == [256, 0]


# --- the live views' scenes (micrograd/lessons/playground_paint.py; the boundary: tests/test_paint.py) ---

def _layer(scene, name):
    return next(lay for lay in scene["layers"] if lay.get("name") == name)


def _line_points(line):
    """A scene line's points as [(x, y), ...], across its gaps."""
    return [(p[i], p[i + 1]) for p in line["paths"] for i in range(0, len(p), 2)]


def test_boundary_scores_match_the_value_forward(trained):
    xs, ys, Z = pp.boundary_scores(trained)
    assert xs.shape == ys.shape == (100,) and Z.shape == (100, 100)
    X_all = np.vstack([trained.X_train, trained.X_test])
    assert xs[0] == pytest.approx(X_all[:, 0].min() - 0.5) and ys[-1] == pytest.approx(X_all[:, 1].max() + 0.5)
    for i, j in [(0, 0), (37, 81), (99, 50)]:  # row i is y, column j is x
        score = trained.model([Value(float(xs[j])), Value(float(ys[i]))]).data
        assert Z[i, j] == pytest.approx(score, abs=1e-12)


def test_curves_scene_plots_the_history(trained):
    scene = pp.curves_scene(trained.history, "hinge")
    names = [lay["name"] for lay in scene["layers"]]
    assert names == ["train loss", "test loss", "train accuracy", "test accuracy"]
    assert [v[0] for v in scene["legend"]] == names
    pts = _line_points(_layer(scene, "train loss"))
    assert [x for x, _ in pts] == trained.history["step"]
    np.testing.assert_allclose([y for _, y in pts], trained.history["train_loss"], atol=5e-5)
    # independent check of the last point: numpy loss of the current weights
    s = trained.model.predict(trained.X_test)
    assert _line_points(_layer(scene, "test loss"))[-1][1] == pytest.approx(
        data_loss(s, trained.y_test, "hinge"), abs=5e-5)
    # accuracy is mapped onto the loss axis: 0% at the bottom tick "0%", 100% at the tick "100%"
    ticks = dict((text, y) for y, text in scene["y2"]["ticks"])
    acc = _line_points(_layer(scene, "test accuracy"))[-1][1]
    frac = (acc - ticks["0%"]) / (ticks["100%"] - ticks["0%"])
    assert frac == pytest.approx(trained.history["test_acc"][-1], abs=1e-4)
    no_test = {k: v for k, v in trained.history.items()}
    no_test["test_loss"] = [math.nan] * len(no_test["step"])
    assert len(pp.curves_scene(no_test)["layers"]) == 2


def test_curves_scene_stays_small_for_a_long_history():
    tr = pg.build_trainer(pg.PlaygroundConfig(hidden=(2,)))
    tr.run(1000)
    scene = pp.curves_scene(tr.history, tr.loss, current=tr.current)
    assert all(len(p) // 2 <= 200 for lay in scene["layers"] for p in lay["paths"])
    assert _line_points(_layer(scene, "train loss"))[-1][0] == tr.step_count  # the last point is always drawn
    assert len(json.dumps(scene, separators=(",", ":"))) <= 10 * 1024


def _edges(scene):
    return [lay for lay in scene["layers"] if lay.get("name", "").startswith("edges")]


def test_network_scene_edges_and_hover(trained):
    scene = pp.network_scene(trained, "weight")
    # each edge's tip travels as its numbers, [layer, row, column, w, dL/dw] (1-based), beside its path
    tips = {}
    for lay in _edges(scene):
        assert lay["fmt"] == pp.EDGE_TIP and lay["stride"] == 5 and len(lay["vals"]) == 5 * len(lay["paths"])
        for k in range(len(lay["paths"])):
            vals = lay["vals"][5 * k:5 * k + 5]
            tips[tuple(vals[:3])] = vals[3:]
    assert len(tips) == 2 * 8 + 8 * 8 + 8  # one per weight
    w0 = trained.model.layers[0].neurons[0].w[0]
    assert tips[(1, 1, 1)] == [float(f"{w0.data:.3g}"), float(f"{w0.grad:.3g}")]
    # the largest |w| is drawn in the widest line, with its sign's colour
    ws = [(abs(w.data), w.data) for layer in trained.model.layers for n in layer.neurons for w in n.w]
    big = max(ws)[1]
    edges = _edges(scene)
    sign = "edges +" if big >= 0 else "edges -"
    widest = max(lay["width"] for lay in edges)
    assert max(lay["width"] for lay in edges if lay["name"] == sign) == widest
    assert all(lay["color"][:7] == (pg.PURPLE_LINE if lay["name"] == "edges +" else pg.ORANGE)
               for lay in edges if lay["level"] >= 0)
    assert sum(len(lay["paths"]) for lay in edges) == len(tips)  # one segment per edge
    nodes = [lay for lay in scene["layers"] if lay.get("name") == "nodes"]
    assert sum(len(lay["tips"]) for lay in nodes) == 2 + 8 + 8 + 1
    assert [t[1] for t in scene["x"]["ticks"]] == ["inputs", "hidden 1", "hidden 2", "output"]


def test_network_gradient_view_uses_the_gradients():
    tr = pg.build_trainer(pg.PlaygroundConfig(hidden=(3,)))
    tr.step()
    grads = [w.grad for layer in tr.model.layers for n in layer.neurons for w in n.w]
    scene = pp.network_scene(tr, "gradient")
    edges = _edges(scene)
    big = max(grads, key=abs)
    sign = "edges +" if big >= 0 else "edges -"
    assert max(lay["width"] for lay in edges if lay["name"] == sign) == max(lay["width"] for lay in edges)
    # edges in the thinnest coloured width class have the small gradients: 0 < |g| < 1/6 of the largest
    coloured = [lay for lay in edges if lay["level"] >= 0]
    n_thin = sum(len(lay["paths"]) for lay in coloured if lay["level"] == 0)
    assert n_thin == sum(0 < abs(g) < abs(big) / 6 for g in grads)
    n_zero = sum(len(lay["paths"]) for lay in edges if lay["level"] < 0)
    assert n_zero == sum(g == 0 for g in grads)
    assert "∂L/∂w" in scene["title"]
    with pytest.raises(ValueError, match="unknown view"):
        pp.network_scene(tr, "activation")


def test_dead_relu_detection():
    tr = pg.build_trainer(pg.PlaygroundConfig(hidden=(2,), activation="relu"))
    n0 = tr.model.layers[0].neurons[0]
    n0.w[0].data, n0.w[1].data, n0.b.data = 0.0, 0.0, -1.0  # outputs relu(-1) = 0 everywhere
    n1 = tr.model.layers[0].neurons[1]
    n1.w[0].data, n1.w[1].data, n1.b.data = 0.0, 0.0, 1.0
    dead = pg.dead_units(tr)
    assert dead[0].tolist() == [True, False]
    tr.step()
    assert n0.w[0].grad == 0.0 and n0.b.grad == 0.0  # a dead unit gets no gradient
    tips = [t for lay in pp.network_scene(tr)["layers"] if lay.get("name") == "nodes" for t in lay["tips"]]
    unit = {t.split(":")[0]: t for t in tips}
    assert "dead ReLU" in unit["hidden layer 1, unit 1"] and "dead" not in unit["hidden layer 1, unit 2"]
    # its incoming edges get no gradient: dotted grey in the gradient view
    grey = [lay for lay in _edges(pp.network_scene(tr, "gradient")) if lay["level"] < 0]
    assert len(grey) == 1 and len(grey[0]["paths"]) >= 2 and grey[0]["color"].startswith(pg.ZERO_GREY)
    tanh = pg.build_trainer(pg.PlaygroundConfig(hidden=(2,)))
    assert not pg.dead_units(tanh)[0].any()


# --- meter, export, messages ---

def _expected_nodes_per_step(hidden, activation, loss, l2, batch):
    """The scalar graph's node count for one step, derived from the ops each part builds.

    Leaves: every parameter once (2 inputs per point are plain numbers: `weighted_sum` makes
    them constants inside the node, not nodes). Per example: each neuron is one `Σwx+b` node,
    plus one activation node in a hidden layer (none for 'linear'); the loss term builds
    hinge: constant -y, `*`, constant 1, `+`, ReLU = 5 nodes; mse: constant y, `-`, `**2` = 3.
    The mean: sum() starts from constant 0 (+1 leaf, one `+` per example), then `* (1/n)`
    (constant + `*` = 2). L2 > 0 adds Value(0.0), a `p*p` and a `+` per parameter, alpha's
    constant and `*`, and the `+` joining it to the data loss: 2P + 4.
    """
    widths = (2, *hidden, 1)
    params = sum((nin + 1) * nout for nin, nout in zip(widths, widths[1:]))
    act_nodes = 0 if activation == "linear" else 1
    per_example = sum(hidden) * (1 + act_nodes) + 1 + {"hinge": 5, "mse": 3}[loss]
    nodes = params + batch * per_example + (batch + 1) + 2
    return nodes + (2 * params + 4 if l2 else 0), params


def test_cost_meter_parameters_of_the_default_network(trained):
    # 2 -> 8 -> 8 -> 1: (weights + bias) per neuron, layer by layer
    assert pg.cost_meter(trained)["parameters"] == (2 * 8 + 8) + (8 * 8 + 8) + (8 + 1)


@pytest.mark.parametrize("hidden, activation, loss, l2", [
    ((3,), "tanh", "hinge", 0.0),    # 13 parameters, 4 * 12 + 5 + 2 + 13 = 68 nodes
    ((3,), "linear", "mse", 0.0),
    ((2, 2), "relu", "hinge", 0.01),
    ((), "tanh", "mse", 0.01),       # no hidden layer: one neuron on the inputs
])
def test_cost_meter_counts_the_scalar_graph_derived_from_the_architecture(hidden, activation, loss, l2):
    cfg = pg.PlaygroundConfig(hidden=hidden, activation=activation, loss=loss, reg="l2" if l2 else "none", rate=l2,
                              batch_size=4)
    tr = pg.build_trainer(cfg)
    before = pg.cost_meter(tr)
    assert (before["nodes_per_step"], before["ms_per_step"], before["steps_per_second"]) == (0, 0.0, 0.0)
    tr.run(2)
    nodes, params = _expected_nodes_per_step(hidden, activation, loss, l2, batch=4)
    m = pg.cost_meter(tr)
    assert (m["parameters"], m["nodes_per_step"]) == (params, nodes)


def test_cost_meter_timing_agrees_with_a_clock_read_around_each_step(monkeypatch):
    # each step's engine call computes for 15 ms of this thread's CPU time: the meter (CPU time, not the
    # wall clock) must show at least that, and never more than the wall time this test measures around
    # the whole step
    delay = 0.015
    engine = train.get_engine("scalar")

    def slow_engine(*args, **kwargs):
        t0 = time.thread_time()
        while time.thread_time() - t0 < delay:
            pass
        return engine(*args, **kwargs)

    monkeypatch.setattr(train, "get_engine", lambda name: slow_engine)
    tr = pg.build_trainer(pg.PlaygroundConfig(hidden=(2,)))
    walls = []
    for _ in range(4):
        t0 = time.perf_counter()
        assert tr.step()
        walls.append((time.perf_counter() - t0) * 1000.0)
    m = pg.cost_meter(tr)
    assert delay * 1000 <= m["ms_per_step"] <= max(walls)
    assert 1000 / max(walls) <= m["steps_per_second"] <= 1 / delay
    assert m["steps_per_second"] * m["ms_per_step"] == pytest.approx(1000)


def test_history_csv_round_trip(trained):
    rows = list(csv.DictReader(io.StringIO(pg.history_csv(trained))))
    assert len(rows) == len(trained.history["step"]) == 6
    assert [int(r["step"]) for r in rows] == list(range(6))
    assert float(rows[-1]["train_loss"]) == trained.history["train_loss"][-1]


def test_weights_json_reloads_into_the_same_model(trained):
    doc = json.loads(pg.weights_json(trained, pg.PlaygroundConfig()))
    assert doc["architecture"] == [2, 8, 8, 1] and doc["step"] == 5
    assert doc["config"]["hidden"] == [8, 8]
    fresh = pg.build_trainer(pg.PlaygroundConfig())
    fresh.model.set_parameter_values(doc["parameters"])
    G = pg.boundary_grid(trained.X_train, 10)[2]
    np.testing.assert_array_equal(fresh.model.predict(G), trained.model.predict(G))
    assert doc["layers"][1]["weights"][3] == [w.data for w in trained.model.layers[1].neurons[3].w]


def test_divergence_message():
    tr = pg.build_trainer(pg.preset_config("learning rate too high"))
    assert pg.divergence_message(tr) == ""
    tr.run(500)
    msg = pg.divergence_message(tr)
    assert msg.startswith(f"loss diverged at step {tr.diverged_at}: lower the learning rate")


def test_after_divergence_the_loss_axis_stays_readable_and_the_export_names_the_restored_step():
    tr = pg.build_trainer(pg.preset_config("learning rate too high"))
    for _ in range(400):
        tr.step()
        if tr.diverged_at is not None:
            break
    assert tr.diverged_at is not None and tr.restored_step is not None
    history = tr.diverged_history["train_loss"]  # the undone run, still drawn (the guard went back)
    finite = [v for v in history if math.isfinite(v)]
    assert max(finite) > 1e6 * finite[0]  # the spike that used to flatten the chart
    scene = pp.curves_scene(tr.history, tr.loss, diverged=tr.diverged_history)
    lo, hi = scene["y"]["range"]
    ys = [y for lay in scene["layers"] if "loss" in lay["name"] or "diverged" in lay["name"]
          for _, y in _line_points(lay)]
    assert scene["log"] and lo <= min(ys) and max(ys) <= hi  # every decade shown, none cut off
    doc = json.loads(pg.weights_json(tr))
    assert doc["step"] == tr.step_count == doc["weights_from_step"] == tr.restored_step
    assert pp.boundary_scene(tr)["title"] == f"Decision boundary at step {tr.restored_step}"


# --- issue 8: what the playground's figures show ---

def _rgb(colour):
    return [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]


def _colour_at(scale, t):
    """A plotly colorscale at t in [0, 1]: linear in RGB between the stops (as plotly.js draws it)."""
    for (t0, c0), (t1, c1) in zip(scale, scale[1:], strict=False):
        if t0 <= t <= t1:
            f = 0.0 if t1 == t0 else (t - t0) / (t1 - t0)
            return [a + f * (b - a) for a, b in zip(_rgb(c0), _rgb(c1), strict=True)]
    raise ValueError(t)


def _contrast(rgb1, rgb2):
    """WCAG 2 contrast ratio of two sRGB colours (1 to 21)."""
    def lum(rgb):
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted([lum(rgb1), lum(rgb2)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _confident_linear_trainer():
    """A linear model on moons with its weights scaled up: most points sit deep in a region's colour."""
    tr = pg.build_trainer(pg.PlaygroundConfig(hidden=(), test_fraction=0.3))
    tr.run(40)
    tr.model.set_parameter_values([100 * v for v in tr.model.parameter_values()])
    return tr


@pytest.mark.parametrize("discretize", [False, True])
def test_test_points_contrast_with_the_region_under_them(discretize):
    tr = _confident_linear_trainer()
    scene = pp.boundary_scene(tr, discretize=discretize, show_test=True)
    xs, ys, Z = pp.boundary_scores(tr)
    r = pg.SCORE_RANGE[tr.loss]
    scale = pg.CLASS_SCALE if discretize else pg.PUOR  # the colour under a point, from the scale itself
    layers = scene["layers"]
    worst = math.inf
    own_region = 0
    for label in ("+1", "-1"):
        k = next(i for i, lay in enumerate(layers) if lay.get("tip") == f"test point, label {label}")
        ring, disc = layers[k], layers[k - 1]  # the white disc is drawn just under the ring
        assert disc["xy"] == ring["xy"] and "tip" not in disc
        rings = [_rgb(c) for c in (ring["stroke"], disc["fill"], disc["stroke"])]
        xy = np.array(ring["xy"]).reshape(-1, 2)
        for x, y in xy:
            zv = Z[np.abs(ys - y).argmin(), np.abs(xs - x).argmin()]
            if (zv > 0) != (label == "+1"):
                continue  # a misclassified point is on the other colour: visible anyway
            own_region += 1
            t = (np.sign(zv) * r + r) / (2 * r) if discretize else (np.clip(zv, -r, r) + r) / (2 * r)
            back = _colour_at(scale, min(max(t, 0.0), 1.0))
            worst = min(worst, max(_contrast(c, back) for c in rings))
    assert own_region >= 10
    assert worst >= 3.0  # WCAG 2.1 non-text contrast (1.4.11) for the best-contrasting ring of every point


def test_accuracy_axis_shows_0_and_100_percent_inside_the_plot(trained):
    scene = pp.curves_scene(trained.history, "hinge")
    lo, hi = scene["y"]["range"]
    ticks = {text: y for y, text in scene["y2"]["ticks"]}
    span = hi - lo
    # a 2 px line at 100% (or 0%) needs at least 1 px above it: >= 3% of the span on a ~250 px tall plot
    assert (hi - ticks["100%"]) / span >= 0.03 and (ticks["0%"] - lo) / span >= 0.03


def test_loss_axis_is_log_when_the_loss_explodes_and_linear_unclipped_otherwise(trained):
    good = pp.curves_scene(trained.history, "hinge")
    top = max(y for _, y in _line_points(_layer(good, "train loss")) + _line_points(_layer(good, "test loss")))
    assert good["log"] is False and good["y"]["range"][0] == 0 and good["y"]["range"][1] >= top
    h = {k: list(v) for k, v in trained.history.items()}
    h["train_loss"][-1] = 1e305
    bad = pp.curves_scene(h, "hinge")
    assert bad["log"] and "log" in bad["y"]["label"] and bad["y"]["range"][1] >= 305
    assert _line_points(_layer(bad, "train loss"))[-1][1] == pytest.approx(305)  # log10 on the log axis
    assert any(text == "1e300" or text.startswith("1e") for _, text in bad["y"]["ticks"])


def test_curves_end_at_the_current_step_and_say_so():
    tr = pg.build_trainer(pg.PlaygroundConfig())
    tr.history_cap = 16
    tr.run(21)  # the history now records every other step: step 21 is not in it
    assert tr.history["step"][-1] < tr.step_count == 21
    scene = pp.curves_scene(tr.history, tr.loss, current=tr.current)
    x, y = _line_points(_layer(scene, "train loss"))[-1]
    assert x == 21 and y == pytest.approx(tr.current["train_loss"], abs=5e-5)
    assert scene["title"].endswith("at step 21")
    assert pp.network_scene(tr)["title"].startswith("Network at step 21:")


def test_after_divergence_step_numbers_agree_and_the_csv_has_no_inf():
    tr = pg.build_trainer(pg.preset_config("learning rate too high"))
    tr.run(500)
    assert tr.diverged_at is not None
    k = tr.restored_step
    assert pg.divergence_message(tr).startswith(f"loss diverged at step {tr.diverged_at}: lower the learning rate")
    assert f"went back to step {k}" in pg.divergence_message(tr)
    rows = list(csv.DictReader(io.StringIO(pg.history_csv(tr))))
    assert int(rows[-1]["step"]) == k == tr.step_count
    assert all(math.isfinite(float(r[f])) for r in rows for f in ("train_loss", "test_loss"))
    assert float(rows[-1]["train_loss"]) == tr.current["train_loss"]
    scene = pp.curves_scene(tr.history, tr.loss, current=tr.current, diverged=tr.diverged_history)
    undone = _layer(scene, "diverged run (undone)")
    assert max(y for _, y in _line_points(undone)) > 300 and scene["log"]  # log10 of the loss
    # the red banner goes once the learning rate is lowered, and says what to do instead
    tr.lr = 0.3
    assert pg.divergence_message(tr) == ""
    assert f"train on from step {k}" in pg.recovery_message(tr)
    tr.step()
    assert pg.recovery_message(tr) == "" and pg.divergence_message(tr) == ""
    assert pp.curves_scene(tr.history, tr.loss)["log"] is False


# --- issue 10: presenter mode and classroom links in the URL ---




def test_circles_need_squared_features_preset_is_the_classic_lesson():
    # TF Playground's classic: a linear model on x1², x2² separates the circles, on x1, x2 it cannot
    cfg = pg.preset_config("circles need squared features")
    tr = pg.build_trainer(cfg)
    assert tr.model.nin == 2 and tr.hidden == () and tr.features == ("x1sq", "x2sq")
    tr.run(100)
    assert tr.current["train_acc"] >= 0.95 and tr.current["test_acc"] >= 0.95
    raw = pg.build_trainer(cfg.replace(features=("x1", "x2")))
    raw.run(100)
    assert raw.current["train_acc"] < 0.8
    # the boundary goes through the features: its grid scores are the model on (x1², x2²) of each grid point
    xs, ys, Z = pp.boundary_scores(tr, size=5)
    gx, gy = np.meshgrid(xs, ys)
    w = [p.data for p in tr.model.parameters()]  # w1, w2, b of the one linear output neuron
    assert np.allclose(Z, w[0] * gx**2 + w[1] * gy**2 + w[2], rtol=1e-12, atol=1e-12)


def test_weights_l1_sets_to_zero_are_drawn_as_dead_edges():
    # L1 (a proximal step) lands weights on exactly 0.0; the diagram draws each such edge as a dotted grey "edges 0"
    tr = pg.build_trainer(pg.PlaygroundConfig(reg="l1", rate=0.01))
    tr.run(100)
    zeros = [(k, j, i) for k, layer in enumerate(tr.model.layers) for j, n in enumerate(layer.neurons)
             for i, w in enumerate(n.w) if w.data == 0.0]
    assert len(zeros) >= 20  # of 88 weights, at rate 0.01 (none without L1: they start nonzero)
    scene = pp.network_scene(tr, "weight")
    dead = [lay for lay in scene["layers"] if lay.get("name") == "edges 0"]
    assert len(dead) == 1 and len(dead[0]["paths"]) == len(zeros) and dead[0]["dash"]
    plain = pg.build_trainer(pg.PlaygroundConfig())
    plain.run(100)
    assert not [lay for lay in pp.network_scene(plain, "weight")["layers"] if lay.get("name") == "edges 0"]


def test_grid_inputs_are_the_boundary_grid_through_the_features_once_per_run():
    cfg = pg.PlaygroundConfig(dataset="circles", features=("x1sq", "x2sq", "x1x2"), hidden=())
    tr = pg.build_trainer(cfg)
    xs, ys, inputs = pg.grid_inputs(tr, 30)
    gx, gy, G = pg.boundary_grid(np.vstack([tr.X_train, tr.X_test]), 30)
    assert np.array_equal(xs, gx) and np.array_equal(ys, gy)
    assert np.array_equal(inputs, np.column_stack([G[:, 0] ** 2, G[:, 1] ** 2, G[:, 0] * G[:, 1]]))
    assert pg.grid_inputs(tr, 30)[2] is inputs and not inputs.flags.writeable  # computed once, shared read-only
    other = pg.build_trainer(cfg.replace(seed=1))  # a new run: new points, its own grid
    assert pg.grid_inputs(other, 30)[2] is not inputs
    assert not np.array_equal(pg.grid_inputs(other, 30)[0], xs)
