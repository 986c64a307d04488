"""Tests for the network diagram's per-neuron maps, its numeric edge tips, the big view of a neuron and the
reference run's layers (micrograd/lessons/playground_paint.py).

References: Pillow decodes the PNGs (an independent decoder); the neurons' outputs come from the scalar
`Value` forward pass of the model, neuron by neuron (not the numpy forward the scenes use); the weights
from the model's `Value`s.
"""

import base64
import io
import json

import numpy as np
import pytest

from micrograd import paint
from micrograd.features import FEATURES, expand
from micrograd.lessons import playground as pg
from micrograd.lessons import playground_history as ph
from micrograd.lessons import playground_paint as pp

Image = pytest.importorskip("PIL.Image")

LARGEST = pg.PlaygroundConfig(hidden=(8,) * 6, features=tuple(FEATURES))


def _png(url):
    """A palette PNG data URL as (palette indices (h, w), palette (n, 3))."""
    im = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))
    assert im.mode == "P"
    pal = np.array(im.getpalette()[:3 * 256], dtype=np.uint8).reshape(-1, 3)
    return np.asarray(im), pal


def _size(scene):
    return len(json.dumps(scene, separators=(",", ":"), allow_nan=False).encode())


def _value_activations(trainer, size):
    """Every hidden neuron's output on the boundary grid through the scalar engine: {(column, unit): (size, size)}."""
    X_all = np.vstack([trainer.X_train, trainer.X_test])
    xs, ys, G = pg.boundary_grid(X_all, size)
    inputs = expand(G, trainer.features) if trainer.features else G
    out = {}
    for n, x in enumerate(inputs.tolist()):
        a = x
        for col, layer in enumerate(trainer.model.layers[:-1], start=1):
            a = [neuron(a) for neuron in layer.neurons]
            for j, v in enumerate(a):
                out.setdefault((col, j), np.zeros(size * size))[n] = v.data
    return {k: v.reshape(size, size) for k, v in out.items()}


def _sprites(scene):
    return next(lay for lay in scene["layers"] if lay["type"] == "sprites")


@pytest.mark.parametrize("cfg", [pg.PlaygroundConfig(), pg.PlaygroundConfig(hidden=(3, 2), activation="relu",
                                                                              features=("x1", "x2", "x1sq"))])
def test_each_neuron_map_shows_that_neurons_outputs(cfg):
    tr = pg.build_trainer(cfg)
    tr.run(20)
    scene = pp.network_scene(tr)
    sprites = _sprites(scene)
    idx, pal = _png(sprites["src"])
    n = pp.NEURON_GRID
    acts = _value_activations(tr, n)
    assert idx.shape == (n, n * len(acts)) and len(sprites["xy"]) == 2 * len(acts)
    np.testing.assert_array_equal(pal[:pp.NEURON_LEVELS], pp.NEURON_PALETTE)
    for k, ((col, unit), a) in enumerate(sorted(acts.items())):
        # the cell sits on its node: column col, unit `unit` from the top
        assert sprites["xy"][2 * k] == col
        cell = idx[:, k * n:(k + 1) * n][::-1].astype(float)  # top row = highest x2
        r = 1.0 if cfg.activation == "tanh" else max(np.abs(a).max(), 1e-300)
        expect = (np.clip(a, -r, r) + r) / (2 * r) * (pp.NEURON_LEVELS - 1)
        assert np.abs(cell - expect).max() <= 0.5 + 1e-9, (col, unit)
    assert sprites["strokes"][0] in (pg.PURPLE_LINE, pg.ORANGE, "#bbbbbb")


def test_a_frame_without_maps_keeps_the_last_ones():
    tr = pg.build_trainer(pg.PlaygroundConfig())
    full, lean = pp.network_scene(tr, maps=True), pp.network_scene(tr, maps=False)
    assert {"type": "keep", "name": "neuron maps"} in lean["layers"]
    assert _sprites(full)["name"] == "neuron maps"
    assert [lay for lay in full["layers"] if lay["type"] != "sprites"] == \
        [lay for lay in lean["layers"] if lay["type"] != "keep"]
    # no hidden layer: no maps at all
    none = pp.network_scene(pg.build_trainer(pg.PlaygroundConfig(hidden=())))
    assert not [lay for lay in none["layers"] if lay["type"] in ("sprites", "keep")]


def test_the_big_view_of_a_neuron_is_its_map_large():
    tr = pg.build_trainer(pg.PlaygroundConfig())
    tr.run(15)
    neuron = (2, 3)  # hidden layer 2, neuron 4
    scene = pp.boundary_scene(tr, neuron=neuron, size=40)  # 40 x 40: the scalar reference stays quick
    assert scene["title"] == "Hidden layer 2, neuron 4: its output at step 15"
    idx, _ = _png(scene["layers"][0]["src"])
    a = _value_activations(tr, 40)[neuron]
    expect = (np.clip(a, -1, 1) + 1) / 2 * (pp.N_COLOURS - 1)  # tanh: the scale [-1, 1], as its map's
    assert np.abs(idx[::-1].astype(float) - expect).max() <= 0.5 + 1e-9
    # the same function as the map: on the map's grid the big view's values are the map's
    _, _, A = pp.neuron_scores(tr, neuron, pp.NEURON_GRID)
    small = _value_activations(tr, pp.NEURON_GRID)[neuron]
    np.testing.assert_allclose(A, small, rtol=0, atol=1e-12)
    k = sorted(_value_activations(tr, pp.NEURON_GRID)).index(neuron)
    cells, _ = _png(_sprites(pp.network_scene(tr))["src"])
    n = pp.NEURON_GRID
    np.testing.assert_array_equal(cells[:, k * n:(k + 1) * n], pp.neuron_levels(tr)[k])
    with pytest.raises(ValueError, match="no hidden neuron 9"):
        pp.boundary_scene(tr, neuron=(1, 8))


def test_edge_tips_are_numbers_the_painter_formats():
    tr = pg.build_trainer(pg.PlaygroundConfig(hidden=(3,)))
    tr.step()
    scene = pp.network_scene(tr)
    got = {}
    for lay in scene["layers"]:
        if lay.get("name", "").startswith("edges"):
            assert lay["fmt"] == "layer {0}, w[{1},{2}] = {3}, ∂L/∂w = {4}"
            for k, path in enumerate(lay["paths"]):
                vals = lay["vals"][5 * k:5 * k + 5]
                got[tuple(vals[:3])] = (vals[3:], path)
    for li, layer in enumerate(tr.model.layers):
        for j, neuron in enumerate(layer.neurons):
            for i, w in enumerate(neuron.w):
                (wv, gv), path = got[(li + 1, j + 1, i + 1)]
                assert wv == float(f"{w.data:.3g}") and gv == float(f"{w.grad:.3g}")
                assert path[0] == li and path[2] == li + 1  # the path of that edge
    assert len(got) == 2 * 3 + 3


def test_network_scene_sizes_default_and_largest():
    """The diagram at the default set-up and at the largest (6 hidden layers of 8, all 7 features): edge tips as
    numbers, maps every few frames. Measured after 50 steps: default 9.6 KB with maps / 7.3 KB without (10.0 KB
    before, with text tips and no maps); largest 27.4 / 18.7 KB (33.4 KB before); a few hundred bytes more
    early in training, when more weights need all three digits."""
    for cfg, with_maps, without in ((pg.PlaygroundConfig(), 10.5, 8.5), (LARGEST.replace(engine="tensor"), 29.0, 21.0)):
        tr = pg.build_trainer(cfg)
        tr.run(10)
        assert _size(pp.network_scene(tr)) <= with_maps * 1024
        assert _size(pp.network_scene(tr, maps=False)) <= without * 1024


def test_reference_layers_are_the_kept_run():
    tr = pg.build_trainer(pg.PlaygroundConfig())
    tr.run(40)
    ref = ph.keep_reference(tr)
    kept_history = {k: list(v) for k, v in tr.history.items()}
    xs, ys, Z = pp.boundary_scores(tr)
    tr2 = pg.build_trainer(pg.PlaygroundConfig(lr=0.01))
    tr2.run(10)
    curves = pp.curves_scene(tr2.history, tr2.loss, current=tr2.current, reference=ref.history)
    lines = {lay["name"]: lay for lay in curves["layers"]}
    pts = [p for path in lines["reference train loss"]["paths"] for p in zip(path[::2], path[1::2])]
    idx = pp._spaced(len(kept_history["step"]), 60)
    assert pts == [(kept_history["step"][i], round(kept_history["train_loss"][i], 4)) for i in idx]
    assert "reference test loss" in lines and lines["train loss"]["color"] == pg.PURPLE_LINE
    assert curves["x"]["range"][1] >= 40  # the axis holds the kept run
    assert ["reference train loss"] == [e[0] for e in curves["legend"] if e[0] == "reference train loss"]
    # the kept boundary: the score = 0 contour of the run as it was, drawn dashed on the next run's boundary
    boundary = pp.boundary_scene(tr2, outline=ref.outline)
    layer = next(lay for lay in boundary["layers"] if lay.get("name") == "reference boundary")
    assert layer["paths"] == paint.contour_paths(xs, ys, Z, 0.0, decimals=pp.CONTOUR_DECIMALS) and layer["dash"]
    assert not [lay for lay in pp.boundary_scene(tr2)["layers"] if lay.get("name") == "reference boundary"]
