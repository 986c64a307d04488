"""Tests for micrograd/lessons/playground.py: config, presets, URL, figures and export."""

import csv
import dataclasses
import io
import json
import math

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd.engine import Value
from micrograd.lessons import playground as pg
from micrograd.train import numpy_loss


@pytest.fixture(scope="module")
def trained():
    tr = pg.build_trainer(pg.PlaygroundConfig())
    tr.run(5)
    return tr


# --- configuration, presets, URL ---

def test_defaults_and_presets_are_valid_configurations():
    for cfg in [pg.PlaygroundConfig()] + [pg.preset_config(name) for name in pg.PRESETS]:
        for f in dataclasses.fields(cfg):
            assert pg.is_valid(f.name, getattr(cfg, f.name)), (f.name, getattr(cfg, f.name))
    demo = pg.preset_config("the original micrograd demo")
    assert (demo.dataset, demo.hidden, demo.activation, demo.loss, demo.l2) == ("moons", (16, 16), "relu",
                                                                                 "hinge", 0.0001)
    assert set(pg.PRESETS) >= {"learning rate too high", "XOR needs a hidden layer", "dead ReLUs",
                               "spiral needs depth", "the original micrograd demo"}


def test_is_valid_rejects_out_of_range():
    assert not pg.is_valid("lr", 0.5)  # not one of the offered rates
    assert not pg.is_valid("momentum", 1.0)
    assert not pg.is_valid("hidden", (8, 17))
    assert not pg.is_valid("hidden", (1, 1, 1, 1, 1))
    assert not pg.is_valid("n_points", True)
    assert not pg.is_valid("nonsense", 1)
    assert pg.is_valid("hidden", ()) and pg.is_valid("width", 16) and not pg.is_valid("width", 0)


def test_encode_writes_every_field():
    q = pg.encode_query(pg.PlaygroundConfig())
    assert q["data"] == "moons" and q["layers"] == "8-8" and q["lr"] == "0.3" and q["discrete"] == "0"
    assert len(q) == len(dataclasses.fields(pg.PlaygroundConfig))
    assert pg.encode_query(pg.preset_config("XOR needs a hidden layer"))["layers"] == "none"


@st.composite
def configs(draw):
    def pick(name):
        spec = pg.RANGES[name]
        if spec[0] == "choice":
            return draw(st.sampled_from(spec[1]))
        if spec[0] == "int":
            return draw(st.integers(spec[1], spec[2]))
        if spec[0] == "float":
            return draw(st.floats(spec[1], spec[2], allow_nan=False))
        if spec[0] == "bool":
            return draw(st.booleans())
        return tuple(draw(st.lists(st.integers(1, pg.MAX_WIDTH), max_size=pg.MAX_LAYERS)))
    cfg = pg.PlaygroundConfig(**{name: pick(name) for name in pg.RANGES})
    # the page offers only powers of two below the number of points, or all (0)
    return cfg.replace(batch_size=draw(st.sampled_from(pg.batch_options(cfg.n_points))))


@settings(max_examples=200, deadline=None)
@given(configs())
def test_url_round_trip(cfg):
    back, notices = pg.decode_query(pg.encode_query(cfg))
    assert notices == []
    for f in dataclasses.fields(cfg):
        a, b = getattr(cfg, f.name), getattr(back, f.name)
        if isinstance(a, float):
            assert b == pytest.approx(a, rel=1e-5, abs=1e-6)  # '%g' keeps 6 significant digits
        else:
            assert a == b, f.name


def test_a_batch_size_the_page_does_not_offer_falls_back_to_all_with_a_notice():
    cfg, notices = pg.decode_query({"n": "100", "batch": "50"})
    assert cfg.batch_size == 0
    assert len(notices) == 1 and "batch=50" in notices[0] and "using all" in notices[0]
    cfg, notices = pg.decode_query({"n": "100", "batch": "64"})
    assert cfg.batch_size == 64 and notices == []


def test_bad_url_falls_back_to_defaults_with_notices():
    cfg, notices = pg.decode_query({
        "data": "spiral", "lr": "5", "layers": "8-20", "noise": "abc", "mom": "nan", "bogus": "1",
        "n": "12.5", "batch": "all", "showtest": ["1", "maybe"],
    })
    d = pg.PlaygroundConfig()
    assert cfg.dataset == "spiral" and cfg.batch_size == 0  # the good ones are kept
    assert (cfg.lr, cfg.hidden, cfg.noise, cfg.momentum, cfg.n_points, cfg.show_test) == (
        d.lr, d.hidden, d.noise, d.momentum, d.n_points, d.show_test)
    assert len(notices) == 7
    text = " ".join(notices)
    for bit in ("'bogus'", "lr='5'", "layers='8-20'", "noise='abc'", "mom='nan'", "n='12.5'", "'maybe'"):
        assert bit in text


def test_reset_rules():
    a = pg.PlaygroundConfig()
    assert pg.needs_reset(None, a)
    assert not pg.needs_reset(a, a.replace(lr=1.0, l2=0.01, momentum=0.5, batch_size=8, loss="bce"))
    b = a.replace(hidden=(8,))
    assert pg.needs_reset(a, b) and "network" in pg.reset_reason(a, b)
    assert pg.needs_reset(a, a.replace(noise=0.2)) and "data" in pg.reset_reason(a, a.replace(noise=0.2))
    assert pg.reset_reason(a, a.replace(lr=1.0)) == ""


def test_apply_hyperparameters_keeps_weights(trained):
    tr = pg.build_trainer(pg.PlaygroundConfig())
    tr.run(2)
    w = tr.model.parameter_values()
    pg.apply_hyperparameters(tr, pg.PlaygroundConfig(lr=1.0, l2=0.01, momentum=0.5, loss="mse"))
    assert (tr.lr, tr.l2, tr.momentum, tr.loss, tr.step_count) == (1.0, 0.01, 0.5, "mse", 2)
    assert tr.model.parameter_values() == w
    s = tr.model.predict(tr.X_train)
    assert tr.current["train_loss"] == pytest.approx(float(np.mean((s - tr.y_train) ** 2)))


def test_batch_options():
    assert pg.batch_options(20) == [1, 2, 4, 8, 16, 0]
    assert pg.batch_options(300)[-2:] == [256, 0]


# --- figures ---

def test_boundary_grid_and_scores_match_the_value_forward(trained):
    fig = go.Figure(pg.boundary_figure(trained))
    heat = fig.data[0]
    assert heat.type == "heatmap" and len(heat.x) == 100 and len(heat.y) == 100
    z = np.asarray(heat.z)
    assert z.shape == (100, 100)
    X_all = np.vstack([trained.X_train, trained.X_test])
    assert heat.x[0] == pytest.approx(X_all[:, 0].min() - 0.5) and heat.y[-1] == pytest.approx(
        X_all[:, 1].max() + 0.5)
    for i, j in [(0, 0), (37, 81), (99, 50)]:  # row i is y, column j is x
        score = trained.model([Value(float(heat.x[j])), Value(float(heat.y[i]))]).data
        assert z[i, j] == pytest.approx(np.clip(score, -1.5, 1.5), abs=1e-6)  # float32 on the wire
    assert heat.zmid is None and (heat.zmin, heat.zmax) == (-1.5, 1.5)  # symmetric: 0 is the middle colour


def test_boundary_discretize_and_test_points(trained):
    fig = go.Figure(pg.boundary_figure(trained, discretize=True, show_test=True))
    assert set(np.unique(np.asarray(fig.data[0].z))) <= {-1.5, 1.5}
    names = [t.name for t in fig.data]
    assert {"train +1", "train -1", "test +1", "test -1"} <= set(names)
    test_pos = fig.data[names.index("test +1")]
    train_pos = fig.data[names.index("train +1")]
    assert test_pos.marker.symbol.endswith("-open") and not train_pos.marker.symbol.endswith("-open")
    n_test_pos = int(np.sum(trained.y_test == 1))
    assert len(test_pos.x) == n_test_pos
    assert "test +1" not in [t.name for t in go.Figure(pg.boundary_figure(trained, show_test=False)).data]


def test_curves_figure_plots_the_history(trained):
    fig = go.Figure(pg.curves_figure(trained.history, "hinge"))
    by = {t.name: t for t in fig.data}
    assert set(by) == {"train loss", "test loss", "train accuracy", "test accuracy"}
    assert list(by["train loss"].y) == trained.history["train_loss"]
    assert list(by["test accuracy"].x) == trained.history["step"] and by["test accuracy"].yaxis == "y2"
    # independent check of the last point: numpy loss of the current weights
    s = trained.model.predict(trained.X_test)
    assert by["test loss"].y[-1] == pytest.approx(numpy_loss(s, trained.y_test, "hinge"))
    no_test = {k: v for k, v in trained.history.items()}
    no_test["test_loss"] = [math.nan] * len(no_test["step"])
    assert len(go.Figure(pg.curves_figure(no_test)).data) == 2


def test_network_figure_edges_and_hover(trained):
    fig = go.Figure(pg.network_figure(trained, "weight"))
    hover = next(t for t in fig.data if t.name == "edges")
    assert len(hover.x) == 2 * 8 + 8 * 8 + 8  # one hover point per weight
    w0 = trained.model.layers[0].neurons[0].w[0]
    assert f"= {w0.data:.4g}" in hover.hovertext[0] and f"∂L/∂w = {w0.grad:.4g}" in hover.hovertext[0]
    # the largest |w| is drawn in the widest line, with its sign's colour
    ws = [(abs(w.data), w.data) for layer in trained.model.layers for n in layer.neurons for w in n.w]
    big = max(ws)[1]
    lines = [t for t in fig.data if t.mode == "lines"]
    colour = pg.PURPLE if big >= 0 else pg.ORANGE
    assert max(t.line.width for t in lines if t.line.color == colour) == max(t.line.width for t in lines)
    assert sum(len(t.x) for t in lines) == 3 * len(hover.x)  # x0, x1, None per edge
    nodes = next(t for t in fig.data if t.name == "nodes")
    assert len(nodes.x) == 2 + 8 + 8 + 1


def test_network_gradient_view_uses_the_gradients():
    tr = pg.build_trainer(pg.PlaygroundConfig(hidden=(3,)))
    tr.step()
    grads = [w.grad for layer in tr.model.layers for n in layer.neurons for w in n.w]
    fig = go.Figure(pg.network_figure(tr, "gradient"))
    lines = [t for t in fig.data if t.mode == "lines"]
    big = max(grads, key=abs)
    colour = pg.PURPLE if big >= 0 else pg.ORANGE
    assert max(t.line.width for t in lines if t.line.color == colour) == max(t.line.width for t in lines)
    # edges in the thinnest coloured width class have the small gradients: 0 < |g| < 1/6 of the largest
    coloured = [t for t in lines if t.line.color != pg.ZERO_GREY]
    thin = min(t.line.width for t in coloured)
    n_thin = sum(len(t.x) // 3 for t in coloured if t.line.width == thin)
    assert n_thin == sum(0 < abs(g) < abs(big) / 6 for g in grads)
    n_zero = sum(len(t.x) // 3 for t in lines if t.line.color == pg.ZERO_GREY)
    assert n_zero == sum(g == 0 for g in grads)
    assert "∂L/∂w" in fig.layout.title.text
    with pytest.raises(ValueError, match="unknown view"):
        go.Figure(pg.network_figure(tr, "activation"))


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
    nodes = next(t for t in go.Figure(pg.network_figure(tr)).data if t.name == "nodes")
    assert "dead ReLU" in nodes.hovertext[2] and "dead" not in nodes.hovertext[3]
    # its incoming edges get no gradient: dotted grey in the gradient view
    grey = [t for t in go.Figure(pg.network_figure(tr, "gradient")).data
            if t.mode == "lines" and t.line.color == pg.ZERO_GREY]
    assert len(grey) == 1 and len(grey[0].x) >= 3 * 2
    tanh = pg.build_trainer(pg.PlaygroundConfig(hidden=(2,)))
    assert not pg.dead_units(tanh)[0].any()


# --- meter, export, messages ---

def test_cost_meter(trained):
    m = pg.cost_meter(trained)
    assert m["parameters"] == (2 * 8 + 8) + (8 * 8 + 8) + (8 + 1)
    assert m["nodes_per_step"] == trained.nodes_per_step > 0
    assert m["steps_per_second"] == pytest.approx(1000 / m["ms_per_step"])


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


def test_hollow_test_points_keep_their_class_colour():
    tr = pg.build_trainer(pg.PlaygroundConfig())
    fig = pg.boundary_figure(tr, show_test=True)
    test_traces = [t for t in fig["data"] if t.get("name", "").startswith("test")]
    assert {t["name"]: t["marker"]["color"] for t in test_traces} == {"test +1": pg.PURPLE, "test -1": pg.ORANGE}
    assert all(t["marker"]["symbol"].endswith("-open") for t in test_traces)


def test_after_divergence_the_loss_axis_stays_readable_and_the_export_names_the_restored_step():
    tr = pg.build_trainer(pg.preset_config("learning rate too high"))
    for _ in range(400):
        tr.step()
        if tr.diverged_at is not None:
            break
    assert tr.diverged_at is not None and tr.restored_step is not None
    history = tr.history["train_loss"]
    finite = [v for v in history if math.isfinite(v)]
    assert max(finite) > 1e6 * finite[0]  # the spike that used to flatten the chart
    top = pg.curves_figure(tr.history, tr.loss)["layout"]["yaxis"]["range"][1]
    assert top == pytest.approx(10 * finite[0] * 1.05)
    doc = json.loads(pg.weights_json(tr))
    assert doc["step"] == tr.step_count and doc["weights_from_step"] == tr.restored_step
    assert f"weights of step {tr.restored_step}" in pg.boundary_figure(tr)["layout"]["title"]["text"]
