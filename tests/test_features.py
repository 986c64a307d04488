"""micrograd.features (TF Playground's input features) and the Trainer's features= path."""

import math

import numpy as np
import pytest

from micrograd.data import make_dataset
from micrograd.features import DEFAULT_FEATURES, FEATURES, check_features, expand
from micrograd.train import Trainer

POINTS = np.array([[0.0, 0.0], [1.5, -2.0], [-math.pi / 2, 3.0]])


def test_the_seven_features_of_tf_playground_in_its_order():
    # TF Playground's INPUTS (src/playground.ts): x, y, xSquared, ySquared, xTimesY, sinX, sinY
    assert list(FEATURES) == ["x1", "x2", "x1sq", "x2sq", "x1x2", "sin1", "sin2"]
    assert DEFAULT_FEATURES == ("x1", "x2")
    assert [f.label for f in FEATURES.values()] == ["x₁", "x₂", "x₁²", "x₂²", "x₁x₂", "sin x₁", "sin x₂"]
    assert FEATURES["x1sq"].latex == "x_1^2" and FEATURES["sin2"].latex == r"\sin x_2"


def test_expand_computes_each_feature_by_hand():
    out = expand(POINTS, list(FEATURES))
    x1, x2 = POINTS[:, 0], POINTS[:, 1]
    hand = np.column_stack([x1, x2, x1 * x1, x2 * x2, x1 * x2, np.sin(x1), np.sin(x2)])
    assert out.shape == (3, 7) and out.dtype == np.float64
    np.testing.assert_array_equal(out, hand)
    assert out[1].tolist() == [1.5, -2.0, 2.25, 4.0, -3.0, math.sin(1.5), math.sin(-2.0)]
    assert out[2, 5] == -1.0  # sin(-pi/2)


def test_default_features_are_the_points_and_order_is_kept():
    np.testing.assert_array_equal(expand(POINTS), POINTS)
    np.testing.assert_array_equal(expand(POINTS, ["x2sq", "x1"]), np.column_stack([POINTS[:, 1] ** 2, POINTS[:, 0]]))
    assert check_features(" x1 , sin2") == ("x1", "sin2")  # a link's comma-separated list
    assert expand(POINTS, "x1x2").shape == (3, 1)


@pytest.mark.parametrize("bad, says", [("x3", "unknown input feature 'x3'"), ("", "at least one"), ([], "at least one"),
                                       ("x1,x1", "listed twice"), ("x1,,x2", "unknown input feature ''")])
def test_bad_feature_lists_name_the_valid_ones(bad, says):
    with pytest.raises(ValueError) as err:
        check_features(bad)
    assert says in str(err.value)
    assert "x1, x2, x1sq, x2sq, x1x2, sin1, sin2" in str(err.value)


def test_an_untrusted_name_is_quoted_short():
    with pytest.raises(ValueError) as err:
        expand(POINTS, "x" * 5000)
    assert len(str(err.value)) < 200


def test_expand_needs_2d_points():
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        expand(np.ones((4, 3)), "x1")


def test_circles_need_no_hidden_layer_on_squared_features():
    # TF Playground's lesson: x1^2 and x2^2 make the circle linearly separable (r^2 = x1^2 + x2^2)
    X, y = make_dataset("circles", n=100, noise=0.1, seed=0)
    tr = Trainer(X, y, hidden=(), features="x1sq,x2sq", lr=0.1)
    assert len(tr.model.parameters()) == 3  # MLP(2, [1]): two weights and a bias
    tr.run(300)
    assert tr.current["train_acc"] >= 0.95 and tr.current["test_acc"] >= 0.95
    assert tr.X_train.shape[1] == 2  # the raw points stay, for drawing
    # the same model on the raw coordinates cannot draw a circle
    raw = Trainer(X, y, hidden=(), lr=0.1)
    raw.run(300)
    assert raw.current["train_acc"] < 0.8


def test_trainer_predict_goes_through_the_features():
    X, y = make_dataset("moons", n=40, noise=0.1, seed=1)
    tr = Trainer(X, y, hidden=(3,), features=["x1", "x2", "sin1", "x1x2"], lr=0.1)
    tr.run(3)
    G = np.random.default_rng(0).uniform(-2, 2, size=(25, 2))  # a boundary grid's points
    np.testing.assert_array_equal(tr.predict(G), tr.model.predict(expand(G, tr.features)))
    np.testing.assert_allclose(tr.predict(G[:3]), [tr.model(row).data for row in expand(G[:3], tr.features).tolist()],
                               rtol=0, atol=1e-14)
    assert tr.model.nin == 4
    with pytest.raises(ValueError, match="unknown input feature"):
        Trainer(X, y, features="x1,cos1")
