"""AppTest of the playground's regression and 3-class problems (issue 11): the Problem and Dataset pickers,
links, the presets' numbers as the page shows them, the confusion matrix, the heatmap, both engines."""

import base64
import io
import json

import numpy as np
import pytest
from conftest import open_page
from test_page_playground import _url

from micrograd import paint
from micrograd.lessons import playground as pg
from micrograd.lessons import playground_paint as pp
from micrograd.lessons import playground_url as pgurl

REGRESSION = "regression: fit the plane"
THREE = "three classes with softmax"


def _open(query=None):
    return open_page("app_pages/playground.py", query, timeout=60)


def _metrics(at):
    return {m.label: m.value for m in at.metric}


def _scenes(at):
    return {e.key: json.loads(e.proto.bytes) for e in at.get("bidi_component") if e.key}


def _play_frame(at, steps):
    """Steps per frame = `steps`, then Play: one run of the page trains one frame (AppTest runs no timer)."""
    at.slider(key="pg_steps_per_frame").set_value(steps).run()
    at.button(key="play").click().run()
    assert not at.exception, [e.value for e in at.exception]
    at.button(key="pause").click().run()
    return at


def _preset(at, name):
    at.selectbox(key="pg_preset").set_value(name).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_dataset_picker_lists_the_chosen_problems_datasets_and_the_loss_picker_its_losses():
    at = _open()
    problem, dataset, loss = (at.selectbox(key=k) for k in ("pg_problem", "pg_dataset", "pg_loss"))
    assert problem.value == "classification" and list(problem.options) == ["classification", "regression"]
    assert list(dataset.options) == ["moons", "circles", "blobs", "xor", "spiral", "blobs3 (3 classes)",
                                     "yinyang (3 classes)"]
    assert list(loss.options) == ["hinge (max-margin)", "mean squared error", "binary cross-entropy"]
    problem.set_value("regression").run()
    assert not at.exception
    assert list(at.selectbox(key="pg_dataset").options) == ["plane", "gauss"]
    assert at.selectbox(key="pg_dataset").value == "plane" and at.selectbox(key="pg_loss").value == "mse"
    assert list(at.selectbox(key="pg_loss").options) == ["mean squared error"]
    assert any("Regression: dataset plane, loss mean squared error." in c.value for c in at.sidebar.caption)
    assert _url(at)["problem"] == "regression" and _url(at)["data"] == "plane" and _url(at)["loss"] == "mse"
    labels = list(_metrics(at))
    assert "Train R²" in labels and "Test R²" in labels and "Train accuracy" not in labels
    assert at.session_state["pg_trainer"].task == "regression"
    # back to classification, then a 3-class dataset: its only loss, softmax cross-entropy
    at.selectbox(key="pg_problem").set_value("classification").run()
    at.selectbox(key="pg_dataset").set_value("yinyang").run()
    assert not at.exception
    assert list(at.selectbox(key="pg_loss").options) == ["softmax cross-entropy"]
    assert any("yinyang has three classes, so the loss is softmax cross-entropy." in c.value
               for c in at.sidebar.caption)
    assert at.session_state["pg_trainer"].n_classes == 3 and "pg_confusion_chart" in _scenes(at)


def test_an_older_link_opens_the_binary_page_as_before():
    at = _open({"data": "xor", "loss": "bce", "layers": "4"})
    assert not at.warning
    assert at.selectbox(key="pg_problem").value == "classification" and at.selectbox(key="pg_dataset").value == "xor"
    assert at.selectbox(key="pg_loss").value == "bce" and "Train accuracy" in _metrics(at)
    assert "pg_confusion_chart" not in _scenes(at)
    assert any(c.value.startswith("● class +1 (purple) · ■ class −1 (orange)") for c in at.caption)


@pytest.mark.parametrize("query, says, dataset, loss", [
    ({"data": "plane", "loss": "hinge"}, "does not train data\\=plane", "plane", "mse"),
    ({"problem": "regression", "data": "moons"}, "is not a regression dataset", "plane", "mse"),
    ({"data": "blobs3", "loss": "bce"}, "does not train data\\=blobs3", "blobs3", "ce"),
])
def test_a_link_with_an_invalid_combination_gets_one_notice_and_a_valid_default(query, says, dataset, loss):
    at = _open(query)
    assert len(at.warning) == 1 and not at.error
    body = at.warning[0].value
    assert body.count("\n- ") == 1 and says in body, body
    assert (at.selectbox(key="pg_dataset").value, at.selectbox(key="pg_loss").value) == (dataset, loss)
    assert pgurl.decode_query(_url(at)) == (at.session_state["pg_cfg"], [])  # the page rewrote a clean link


def test_regression_preset_fits_the_plane_to_r2_at_least_0_95_on_the_page():
    at = _preset(_open(), REGRESSION)
    before = _metrics(at)
    assert float(before["Train R²"]) < 0  # fresh weights: worse than the mean
    _play_frame(at, 20)
    shown = _metrics(at)
    assert shown["Step"] == "20"
    assert float(shown["Train R²"]) >= 0.95 and float(shown["Test R²"]) >= 0.95
    scenes = _scenes(at)
    assert scenes["pg_boundary_chart"]["title"] == "Prediction at step 20"
    assert scenes["pg_curves_chart"]["title"].startswith("mean squared error loss and R²")
    assert "pg_confusion_chart" not in scenes
    caption = next(c.value for c in at.caption if c.value.startswith("heatmap"))
    assert "the prediction" in caption and "coloured by their target" in caption


def test_the_pages_regression_heatmap_is_the_numpy_forward_on_the_grid():
    Image = pytest.importorskip("PIL.Image")
    at = _play_frame(_preset(_open(), REGRESSION), 3)
    tr = at.session_state["pg_trainer"]
    scene = _scenes(at)["pg_boundary_chart"]
    xs, ys, G = pg.boundary_grid(np.vstack([tr.X_train, tr.X_test]), 100)
    (W, b), = [(np.array(L["weights"]), np.array(L["biases"])) for L in tr.weights()]  # no hidden layer: linear
    Z = (G @ W.T + b).reshape(100, 100)
    r = float(np.max(np.abs(np.concatenate([tr.y_train, tr.y_test]))))
    src = scene["layers"][0]["src"]
    pixels = np.asarray(Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))).convert("RGB"))
    np.testing.assert_array_equal(pixels, pp.PALETTE[paint.level_indices(Z[::-1], -r, r, pp.N_COLOURS)])
    assert scene["colorbar"]["range"] == [-r, r]


def test_three_class_preset_reaches_95_percent_and_the_confusion_matrix_is_sklearns():
    metrics = pytest.importorskip("sklearn.metrics")
    at = _play_frame(_preset(_open(), THREE), 20)
    shown = _metrics(at)
    assert shown["Step"] == "20" and int(shown["Train accuracy"].rstrip("%")) >= 95
    tr = at.session_state["pg_trainer"]
    ref = metrics.confusion_matrix(tr.y_train, tr.predict_class(tr.X_train), labels=[0, 1, 2])
    scene = _scenes(at)["pg_confusion_chart"]
    on_page = np.zeros((3, 3), dtype=int)
    for lay in scene["layers"]:
        if lay.get("name") == "count":
            on_page[lay["row"], lay["col"]] = int(lay["text"])
    np.testing.assert_array_equal(on_page, ref)
    assert f"{np.trace(ref) / ref.sum():.0%}" == shown["Train accuracy"]
    assert scene["title"] == "Confusion matrix, training set, step 20"
    caption = next(c.value for c in at.caption if c.value.startswith("● class 0"))
    assert "● class 0 (blue) · ■ class 1 (orange) · ◆ class 2 (green)" in caption
    boundary = _scenes(at)["pg_boundary_chart"]
    fills = [lay["fill"] for lay in boundary["layers"] if lay.get("tip", "").startswith("train point")]
    assert fills == list(pg.CLASS_COLOURS)


@pytest.mark.parametrize("name", [REGRESSION, THREE])
def test_the_tensor_engine_trains_both_problems_and_agrees_with_the_scalar_one(name):
    at = _preset(_open(), name)
    at.selectbox(key="engine").set_value("tensor").run()
    _play_frame(at, 10)
    tr = at.session_state["pg_trainer"]
    assert tr.engine == "tensor" and _metrics(at)["Step"] == "10" and not at.error
    twin = pg.build_trainer(at.session_state["pg_cfg"].replace(engine="scalar"))
    twin.run(10)
    np.testing.assert_allclose(tr.model.parameter_values(), twin.model.parameter_values(), rtol=0, atol=1e-9)
    np.testing.assert_allclose(tr.current["train_loss"], twin.current["train_loss"], rtol=0, atol=1e-9)


def test_a_diverging_regression_shows_the_banner_and_finite_metrics():
    at = _open({"problem": "regression", "data": "plane", "layers": "none", "lr": "10", "spf": "20"})
    at.button(key="play").click().run()
    for _ in range(8):
        if at.button(key="play").disabled is False:  # the guard paused playback
            break
        at.run()
    assert not at.exception
    banners = [e.value for e in at.error]
    assert any(b.startswith("loss diverged at step") and "lower the learning rate" in b for b in banners), banners
    shown = _metrics(at)
    assert shown["Train R²"] != "–" and np.isfinite(float(shown["Train loss"]))


def test_a_classroom_link_can_hide_the_problem_and_the_dataset():
    at = _open({"problem": "regression", "data": "gauss", "hide": "problem,data"})
    assert not at.warning
    keys = {w.key for w in at.selectbox}
    assert "pg_problem" not in keys and "pg_dataset" not in keys and "pg_loss" in keys
    tr = at.session_state["pg_trainer"]
    assert tr.task == "regression" and _url(at)["data"] == "gauss" and _url(at)["hide"] == "problem,data"
    assert "Train R²" in _metrics(at)
