"""The playground's regression and 3-class problems, lesson side (issue 11): the configuration and its link,
the boundary scenes (prediction heatmap, class regions), the confusion matrix, curves, CSV, captions."""

import base64
import io
import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_theme import PAGE, contrast, seen_distance  # the theme test's colour checks

from micrograd import paint
from micrograd.data import TASKS
from micrograd.lessons import playground as pg
from micrograd.lessons import playground_paint as pp
from micrograd.lessons import playground_url as pgurl
from micrograd.losses import TASK_LOSSES

REGRESSION = "regression: fit the plane"
THREE = "three classes with softmax"


def _trained(name, steps, **changes):
    tr = pg.build_trainer(pg.preset_config(name).replace(**changes))
    tr.run(steps)
    return tr


def _hand_forward(tr, X):
    """The model's outputs on raw points X, computed here from `Trainer.weights()` (nested lists): the input
    features, then tanh/relu/... of W x + b per hidden layer, the last layer linear."""
    from micrograd.features import expand

    A = expand(X, tr.features) if tr.features else np.asarray(X, dtype=np.float64)
    act = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0), "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
           "linear": lambda z: z}[tr.activation]
    layers = tr.weights()
    for i, layer in enumerate(layers):
        Z = A @ np.array(layer["weights"]).T + np.array(layer["biases"])
        A = Z if i == len(layers) - 1 else act(Z)
    return A


def _pixels(url):
    Image = pytest.importorskip("PIL.Image")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGB"))


# --- configuration, link ---

def test_every_dataset_has_one_problem_and_the_losses_its_task_trains_with():
    assert set(pg.RANGES["dataset"][1]) == set(TASKS)
    listed = [d for p in pg.PROBLEMS for d in pg.PROBLEM_DATASETS[p]]
    assert sorted(listed) == sorted(TASKS)  # each dataset under exactly one problem
    assert pg.PROBLEM_DATASETS["regression"] == ("plane", "gauss")
    assert {"blobs3", "yinyang", "moons"} <= set(pg.PROBLEM_DATASETS["classification"])
    assert pg.task_losses("plane") == ("mse",) and pg.task_losses("yinyang") == ("ce",)
    assert pg.task_losses("moons") == ("hinge", "mse", "bce")
    assert pg.DATASET_LABELS["blobs3"] == "blobs3 (3 classes)" and pg.DATASET_LABELS["plane"] == "plane"
    assert set(pg.LOSS_LABELS) == {"hinge", "mse", "bce", "ce"}


def test_fit_problem_keeps_the_problem_and_fixes_the_dataset_then_the_loss():
    cfg, changed = pg.fit_problem(pg.PlaygroundConfig(problem="regression"))  # moons, hinge
    assert (cfg.dataset, cfg.loss, changed) == ("plane", "mse", ["dataset", "loss"])
    cfg, changed = pg.fit_problem(pg.PlaygroundConfig(dataset="yinyang"))
    assert (cfg.problem, cfg.loss, changed) == ("classification", "ce", ["loss"])
    cfg, changed = pg.fit_problem(pg.PlaygroundConfig(dataset="moons", loss="bce"))
    assert changed == [] and cfg.loss == "bce"


def test_an_older_link_without_problem_is_classification_and_unchanged():
    old = {"data": "spiral", "loss": "bce", "layers": "8-8", "lr": "0.1"}
    cfg, notices = pgurl.decode_query(old)
    assert notices == [] and (cfg.problem, cfg.dataset, cfg.loss) == ("classification", "spiral", "bce")
    assert pgurl.encode_query(cfg)["problem"] == "classification"
    assert pgurl.decode_query({})[0] == pg.PlaygroundConfig()  # no parameter at all: the default page


@pytest.mark.parametrize("query, expect", [
    ({"data": "plane"}, ("regression", "plane", "mse")),  # the problem follows the dataset
    ({"problem": "regression", "data": "gauss"}, ("regression", "gauss", "mse")),
    ({"data": "blobs3"}, ("classification", "blobs3", "ce")),  # the task's default loss
    ({"data": "yinyang", "loss": "ce"}, ("classification", "yinyang", "ce")),
    ({"problem": "regression"}, ("regression", "plane", "mse")),
])
def test_a_consistent_link_has_no_notice(query, expect):
    cfg, notices = pgurl.decode_query(query)
    assert notices == [] and (cfg.problem, cfg.dataset, cfg.loss) == expect


@pytest.mark.parametrize("query, expect, says", [
    ({"data": "plane", "loss": "hinge"}, ("regression", "plane", "mse"),
     "loss='hinge' does not train data=plane: loss 'hinge' is for binary classification (labels -1/+1): "
     "regression trains with loss 'mse' only; using mse."),
    ({"data": "blobs3", "loss": "bce"}, ("classification", "blobs3", "ce"), "trains with loss 'ce' only; using ce."),
    ({"data": "moons", "loss": "ce"}, ("classification", "moons", "hinge"), "trains with 'hinge', 'mse' or 'bce'"),
    ({"problem": "regression", "data": "spiral"}, ("regression", "plane", "mse"),
     "data='spiral' is not a regression dataset (problem=regression takes plane, gauss); using plane."),
    ({"problem": "classification", "data": "gauss"}, ("classification", "moons", "hinge"), "using moons."),
    ({"problem": "maths", "data": "gauss"}, ("regression", "gauss", "mse"),
     "problem='maths' must be one of classification, regression; using regression."),
])
def test_an_invalid_combination_gets_one_notice_and_a_valid_default(query, expect, says):
    cfg, notices = pgurl.decode_query(query)
    assert (cfg.problem, cfg.dataset, cfg.loss) == expect
    assert len(notices) == 1 and says in notices[0], notices
    assert pgurl.decode_query(pgurl.encode_query(cfg)) == (cfg, [])  # the rewritten link is clean


_NAMES = sorted(TASKS) + ["", "x" * 60, "moons ", "Plane", "<b>", "ce"]


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({}, optional={
    "problem": st.sampled_from(list(pg.PROBLEMS) + ["", "binary", "multiclass", "x" * 80]),
    "data": st.sampled_from(_NAMES), "loss": st.sampled_from(list(pg.LOSS_LABELS) + ["", "l1", "CE", "y" * 80])}))
def test_any_problem_dataset_loss_link_decodes_to_a_consistent_trainable_configuration(query):
    cfg, notices = pgurl.decode_query(query)
    assert cfg.dataset in pg.PROBLEM_DATASETS[cfg.problem] and cfg.loss in TASK_LOSSES[cfg.task]
    assert len(notices) <= len(query) and all(len(n) < 300 for n in notices)
    assert pgurl.decode_query(pgurl.encode_query(cfg)) == (cfg, [])
    if "problem" not in query and cfg.dataset == query.get("data"):
        assert cfg.problem == pg.problem_of(cfg.dataset)  # a link without problem= reads it from data=


@pytest.mark.parametrize("name", [REGRESSION, THREE])
def test_the_new_presets_are_consistent_and_round_trip(name):
    cfg = pg.preset_config(name)
    assert pg.fit_problem(cfg) == (cfg, [])
    assert pgurl.decode_query(pgurl.encode_query(cfg)) == (cfg, [])


# --- the presets' numbers, both engines ---

def test_regression_preset_fits_the_plane_r2_at_least_0_95_and_matches_sklearn():
    metrics = pytest.importorskip("sklearn.metrics")
    tr = _trained(REGRESSION, 20)
    assert tr.task == "regression" and tr.hidden == () and tr.metric == "r2"
    pred = tr.predict(tr.X_train)
    assert tr.current["train_r2"] == pytest.approx(metrics.r2_score(tr.y_train, pred), abs=1e-12)
    assert tr.current["train_r2"] >= 0.95 and tr.current["test_r2"] >= 0.95
    assert math.isnan(tr.current["train_acc"])
    assert pg.score_metrics(tr) == [("Train R²", f"{tr.current['train_r2']:.3f}"),
                                    ("Test R²", f"{tr.current['test_r2']:.3f}")]


def test_three_class_preset_reaches_95_percent_on_blobs3():
    tr = _trained(THREE, 20)
    assert tr.task == "multiclass" and tr.n_classes == 3 and tr.loss == "ce"
    assert tr.current["train_acc"] >= 0.95
    assert tr.current["train_acc"] == pytest.approx(np.mean(np.argmax(_hand_forward(tr, tr.X_train), 1) == tr.y_train))
    assert pg.score_metrics(tr)[0] == ("Train accuracy", f"{tr.current['train_acc']:.0%}")


@pytest.mark.parametrize("name", [REGRESSION, THREE])
def test_scalar_and_tensor_engines_agree_on_the_pages_trainer(name):
    a, b = _trained(name, 20, engine="scalar"), _trained(name, 20, engine="tensor")
    assert b.engine == "tensor"
    np.testing.assert_allclose(a.model.parameter_values(), b.model.parameter_values(), rtol=0, atol=1e-9)
    for k in a.history_fields:
        np.testing.assert_allclose(a.history[k], b.history[k], rtol=0, atol=1e-9, err_msg=k)


def test_a_diverging_regression_is_caught_and_the_banner_reads_right():
    tr = pg.build_trainer(pg.preset_config(REGRESSION).replace(lr=10.0))
    for _ in range(200):
        if not tr.step():
            break
    assert tr.diverged_at is not None
    assert pg.divergence_message(tr).startswith(f"loss diverged at step {tr.diverged_at}: lower the learning rate")
    assert all(math.isfinite(v) for v in tr.model.parameter_values())
    assert all(t != "–" for _, t in pg.score_metrics(tr))  # the restored weights' R² is a number


# --- the boundary scenes ---

def test_regression_heatmap_is_the_numpy_forward_on_the_grid_in_puor_over_the_targets_range():
    tr = _trained(REGRESSION, 5)
    scene = pp.boundary_scene(tr)
    assert scene["title"] == "Prediction at step 5"
    xs, ys, G = pg.boundary_grid(np.vstack([tr.X_train, tr.X_test]), 100)
    Z = _hand_forward(tr, G).reshape(100, 100)
    r = float(np.max(np.abs(np.concatenate([tr.y_train, tr.y_test]))))
    assert 1.0 < r < 1.3  # (x1 + x2) / 10 over [-6, 6]^2, with noise
    image = scene["layers"][0]
    assert image["type"] == "image"
    expect = pp.PALETTE[paint.level_indices(Z[::-1], -r, r, pp.N_COLOURS)]  # top row = highest x2
    np.testing.assert_array_equal(_pixels(image["src"]), expect)
    # the prediction really spans the colours: not one flat colour
    assert len(np.unique(_pixels(image["src"]).reshape(-1, 3), axis=0)) > 40
    bar = scene["colorbar"]
    assert bar["range"] == [-r, r] and bar["label"] == "target"
    assert [t[1] for t in bar["ticks"]] == [f"{r:.3g}", "0", f"{-r:.3g}"]
    assert not [lay for lay in scene["layers"] if lay["type"] == "lines"]  # no decision boundary in a regression


def test_regression_points_are_coloured_by_their_target_with_a_dark_edge():
    tr = _trained(REGRESSION, 0)
    scene = pp.boundary_scene(tr, show_test=False)
    r = pp.target_range(tr)
    ramp = paint.colour_ramp(pg.PUOR, pp.TARGET_LEVELS)
    seen = 0
    for lay in scene["layers"][1:]:
        xy = np.array(lay["xy"]).reshape(-1, 2)
        for p in xy:
            i = int(np.argmin(np.abs(tr.X_train - p).sum(axis=1)))
            level = paint.level_indices(np.array([tr.y_train[i]]), -r, r, pp.TARGET_LEVELS)[0]
            assert lay["fill"] == "#{:02x}{:02x}{:02x}".format(*ramp[level]), lay["tip"]
            seen += 1
        assert lay["stroke"] == pg.OUTLINE_DARK and lay["tip"].startswith("train point, target ≈ ")
    assert seen == len(tr.y_train)


def test_three_class_regions_are_the_argmax_class_shaded_by_softmax_confidence():
    tr = _trained(THREE, 8)
    scene = pp.boundary_scene(tr)
    xs, ys, G = pg.boundary_grid(np.vstack([tr.X_train, tr.X_test]), 100)
    logits = _hand_forward(tr, G)
    P = np.exp(logits - logits.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    cls, conf = P.argmax(axis=1), P.max(axis=1)
    tint = np.rint((conf - 1 / 3) / (2 / 3) * (pp.CONFIDENCE_LEVELS - 1)).astype(int)
    expect = pp.class_palette(3)[(cls * pp.CONFIDENCE_LEVELS + tint).reshape(100, 100)[::-1]]
    got = _pixels(scene["layers"][0]["src"])
    np.testing.assert_array_equal(got, expect)
    assert len(set(cls.tolist())) == 3  # all three regions are on the plot
    # discretized: one flat tint per class (the most confident)
    flat = _pixels(pp.boundary_scene(tr, discretize=True)["layers"][0]["src"])
    assert len(np.unique(flat.reshape(-1, 3), axis=0)) == 3
    assert [t[1] for t in scene["colorbar"]["ticks"]] == ["class 0", "class 1", "class 2"]
    # the border lines lie where the two largest logits tie
    lines = [lay for lay in scene["layers"] if lay["type"] == "lines"][0]
    interp = pytest.importorskip("scipy.interpolate")
    Zg = logits.reshape(100, 100, 3)
    srt = np.sort(Zg, axis=2)
    gap = interp.RegularGridInterpolator((ys, xs), srt[:, :, 2] - srt[:, :, 1], bounds_error=False, fill_value=None)
    pts = np.array([p for path in lines["paths"] for p in zip(path[1::2], path[0::2], strict=True)])
    # at the vertices the top two logits are equal to within a few percent of their typical gap on the plot
    assert len(pts) > 20 and np.percentile(gap(pts), 95) < 0.05 * np.median(srt[:, :, 2] - srt[:, :, 1])


def test_three_class_points_take_their_class_colour_and_shape():
    tr = _trained(THREE, 0)
    scene = pp.boundary_scene(tr, show_test=True)
    train = [lay for lay in scene["layers"] if lay.get("tip", "").startswith("train point")]
    assert [lay["tip"] for lay in train] == ["train point, class 0 (blue)", "train point, class 1 (orange)",
                                             "train point, class 2 (green)"]
    for c, lay in enumerate(train):
        assert lay["fill"] == pg.CLASS_COLOURS[c] and lay["shape"] == pp.CLASS_SHAPES[c]
        xy = np.array(lay["xy"]).reshape(-1, 2)
        np.testing.assert_allclose(xy, tr.X_train[tr.y_train == c], atol=5e-4)
    test = [lay for lay in scene["layers"] if lay.get("tip", "").startswith("test point")]
    assert len(test) == 3 and all(lay["fill"] is None for lay in test)  # hollow


def test_the_class_colours_are_colour_blind_safe_on_both_themes():
    colours = pg.CLASS_COLOURS
    for c in colours:
        for page in PAGE.values():
            assert contrast(c, page) >= 3.0, (c, page)  # WCAG 1.4.11: graphics, on the light and the dark page
    strongest = ["#{:02x}{:02x}{:02x}".format(*pp.class_palette(3)[k * pp.CONFIDENCE_LEVELS - 1])
                 for k in (1, 2, 3)]
    for group in (colours, strongest):
        for a, b in itertools.combinations(group, 2):
            for vision in (None, "protanopia", "deuteranopia"):
                assert seen_distance(a, b, vision) >= 20, (a, b, vision)
    # a point in its class colour stands out on its own region's strongest tint
    for c, tint in zip(colours, strongest, strict=True):
        assert seen_distance(c, tint) >= 20


def test_the_check_can_fail_a_red_green_palette():
    assert seen_distance("#d62728", "#2ca02c", "deuteranopia") < 20  # what CLASS_COLOURS must not be


def test_the_confusion_scene_is_sklearns_confusion_matrix_on_the_training_set():
    metrics = pytest.importorskip("sklearn.metrics")
    tr = _trained(THREE, 2)
    scene = pp.confusion_scene(tr)
    pred = np.argmax(_hand_forward(tr, tr.X_train), axis=1)
    ref = metrics.confusion_matrix(tr.y_train, pred, labels=[0, 1, 2])
    assert scene["counts"] == ref.tolist()
    shown = np.zeros((3, 3), dtype=int)
    for lay in scene["layers"]:
        if lay["type"] == "text":
            shown[lay["row"], lay["col"]] = int(lay["text"])
            # row 0 (true class 0) at the top, column j at x = j
            assert (lay["x"], lay["y"]) == (lay["col"] + 0.5, 2 - lay["row"] + 0.5)
    np.testing.assert_array_equal(shown, ref)
    assert ref.sum() == tr.n_train and not np.all(ref == np.diag(np.diag(ref)))  # a real, imperfect matrix
    assert scene["title"] == "Confusion matrix, training set, step 2"
    with pytest.raises(ValueError, match="no classes"):
        pp.confusion_scene(_trained(REGRESSION, 0))


# --- curves, CSV, captions ---

def test_the_curves_right_axis_is_r2_for_a_regression():
    tr = _trained(REGRESSION, 30)
    scene = pp.curves_scene(tr.history, tr.loss, current=tr.current, metric=tr.metric)
    names = [lay["name"] for lay in scene["layers"]]
    assert names == ["train loss", "test loss", "train R²", "test R²"]
    assert scene["y2"]["label"] == "R²" and [t[1] for t in scene["y2"]["ticks"]] == ["0", "0.25", "0.5", "0.75", "1"]
    assert scene["title"] == "mean squared error loss and R² at step 30"
    lo, hi = scene["y"]["range"]
    a0, a1 = pg.ACCURACY_RANGE
    line = scene["layers"][2]
    last = line["paths"][-1][-1]
    assert last == pytest.approx(lo + (tr.current["train_r2"] - a0) / (a1 - a0) * (hi - lo), abs=1e-3)
    first = line["paths"][0][1]  # R² starts far below 0 (-14.6): drawn at the axis's bottom
    assert tr.history["train_r2"][0] < -1 and first == pytest.approx(lo, abs=1e-3)
    binary = pp.curves_scene(tr.history | {"train_acc": [0.5] * len(tr.history["step"])}, "hinge")
    assert "train accuracy" in [lay["name"] for lay in binary["layers"]]  # the default is unchanged


def test_history_csv_has_the_runs_fields_r2_for_a_regression():
    tr = _trained(REGRESSION, 3)
    rows = pg.history_csv(tr).splitlines()
    assert rows[0] == "step,epoch,train_loss,train_acc,test_loss,test_acc,train_r2,test_r2"
    last = rows[-1].split(",")
    assert float(last[6]) == tr.history["train_r2"][-1] and last[3] == "nan"
    assert pg.history_csv(_trained(THREE, 1)).splitlines()[0] == "step,epoch,train_loss,train_acc,test_loss,test_acc"


def test_the_caption_names_what_each_task_draws():
    assert pg.boundary_caption(_trained(THREE, 0)).startswith(
        "● class 0 (blue) · ■ class 1 (orange) · ◆ class 2 (green) · region: the most likely class")
    reg = pg.boundary_caption(_trained(REGRESSION, 0))
    assert reg.startswith("heatmap: the prediction") and "coloured by their target" in reg and "class" not in reg
    assert pg.boundary_caption(pg.build_trainer(pg.PlaygroundConfig())).startswith("● class +1 (purple)")


@pytest.mark.parametrize("name, metric, step", [(REGRESSION, "r2", 14), (THREE, "acc", 6)])
def test_the_presets_say_the_step_at_which_they_reach_their_mark(name, metric, step):
    tr = pg.build_trainer(pg.preset_config(name))
    reached = next(s for s in range(1, 100) if tr.step() and tr.current[f"train_{metric}"] >= 0.95)
    assert reached == step and f"at step {step}" in pg.PRESETS[name][0]
