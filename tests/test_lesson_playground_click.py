"""Tests for micrograd/lessons/playground_click.py (what a click on the boundary does) and the
microscope's point= link parameter (micrograd/lessons/playground_url.decode_point)."""

import itertools
import math

import pytest

from micrograd.lessons import playground_click as clicks
from micrograd.lessons import playground_url as pgurl
from micrograd.lessons.playground import PlaygroundConfig, build_trainer


@pytest.fixture(scope="module")
def trainer():
    return build_trainer(PlaygroundConfig(n_points=40))


def test_inspect_picks_the_nearest_training_point_within_the_radius(trainer):
    X = trainer.X_train
    i = 7
    x, y = X[i, 0] + 0.05, X[i, 1] - 0.05
    dists = [math.dist((x, y), p) for p in X]  # by hand: the nearest one
    assert min(range(len(X)), key=dists.__getitem__) == i
    assert clicks.click_action("inspect", {"x": x, "y": y, "layer": None, "index": None}, trainer) == {
        "point": i, "notice": ""}
    far = clicks.click_action("inspect", {"x": 50.0, "y": 50.0}, trainer)
    assert far["point"] is None and "No training point within" in far["notice"]
    # the radius is in data units: just inside and just outside it, from point i along x, with a radius a
    # quarter of the closest two points' distance (so point i is the nearest one on both sides)
    r = 0.25 * min(math.dist(p, q) for p, q in itertools.combinations(X, 2))
    assert clicks.nearest_training_point(trainer, X[i, 0] + 0.999 * r, X[i, 1], radius=r) == i
    assert clicks.nearest_training_point(trainer, X[i, 0] + 1.001 * r, X[i, 1], radius=r) is None
    assert clicks.nearest_training_point(trainer, 50.0, 50.0) is None


def test_unknown_modes_inspect_and_no_click_does_nothing(trainer):
    x, y = trainer.X_train[3]
    assert clicks.click_action("no such mode", {"x": x, "y": y}, trainer)["point"] == 3
    assert clicks.click_action("inspect", None, trainer) == {"point": None, "notice": ""}
    assert clicks.nearest_training_point(trainer, "nan", 0.0) is None
    assert clicks.nearest_training_point(trainer, None, 0.0) is None
    assert set(clicks.ACTIONS) <= set(clicks.CLICK_MODES) and clicks.DEFAULT_MODE in clicks.CLICK_MODES


@pytest.mark.parametrize("raw,index", [("3", 3), (["1", "4"], 4), (" 0 ", 0), ("79", 79), ("3.0", 3), ("", None),
                                       (None, None)])
def test_decode_point_accepts_a_training_index(raw, index):
    assert pgurl.decode_point(raw, 80) == (index, [])


@pytest.mark.parametrize("raw", ["80", "-1", "2.5", "abc", "nan", "inf", "1e999", "x" * 500])
def test_decode_point_rejects_anything_else_with_one_short_notice(raw):
    index, notices = pgurl.decode_point(raw, 80)
    assert index is None and len(notices) == 1
    assert "is not a training point" in notices[0] and "0 to 79" in notices[0]
    assert len(notices[0]) < 200  # the value is quoted cut to URL_TEXT_LIMIT characters


def test_the_point_parameter_is_not_an_unknown_configuration_parameter():
    cfg, notices = pgurl.decode_query({"point": "3", "lr": "0.1"})
    assert notices == [] and cfg.lr == 0.1
