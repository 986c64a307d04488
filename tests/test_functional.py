"""micrograd.functional (the graph-free numpy definitions) against the scalar engine and hand values."""

import math

import numpy as np
import pytest

from micrograd import functional
from micrograd.engine import Value
from micrograd.losses import LOSSES as VALUE_LOSSES
from micrograd.nn import MLP

Z = np.array([-800.0, -30.0, -2.5, -1e-9, -0.0, 0.0, 1e-9, 0.7, 3.0, 30.0, 800.0])


@pytest.mark.parametrize("name", ["relu", "tanh", "sigmoid", "linear"])
def test_each_activation_equals_the_value_engine_elementwise(name):
    with np.errstate(over="raise", invalid="raise"):  # stable: no overflow even at +-800
        out = functional.activation(name, Z)
    ref = [z if name == "linear" else getattr(Value(float(z)), name)().data for z in Z]
    np.testing.assert_allclose(out, ref, rtol=1e-15, atol=0)
    assert functional.ACTIVATIONS[name](Z).shape == Z.shape


def test_sigmoid_and_relu_hand_values():
    # sigmoid(0) = 1/2, sigmoid(ln 3) = 3/4, sigmoid(-ln 3) = 1/4
    np.testing.assert_allclose(functional.sigmoid([0.0, math.log(3), -math.log(3)]), [0.5, 0.75, 0.25], rtol=1e-15)
    r = functional.relu(np.array([-2.0, -0.0, 0.0, 1.5, np.nan, -np.inf]))
    np.testing.assert_array_equal(r[[0, 1, 2, 3, 5]], [0.0, 0.0, 0.0, 1.5, 0.0])
    assert not np.signbit(r[[0, 1, 5]]).any()  # +0.0 for negatives, as Value.relu
    assert np.isnan(r[4])  # nan passes through


def test_unknown_activation_names_the_choices():
    with pytest.raises(ValueError, match="unknown activation 'gelu'.*relu"):
        functional.activation("gelu", Z)


SCORES = np.array([2.0, -0.5, 0.3, -1.2])
LABELS = np.array([1, 1, -1, -1])


@pytest.mark.parametrize("loss", ["hinge", "mse", "bce"])
def test_data_loss_equals_the_value_engine_loss(loss):
    ref = VALUE_LOSSES[loss]([Value(s) for s in SCORES.tolist()], LABELS.tolist()).data
    assert functional.data_loss(SCORES, LABELS, loss) == pytest.approx(ref, rel=1e-15, abs=1e-15)


def test_data_loss_hand_values():
    s, y = [2.0, -0.5], [1, 1]
    assert functional.data_loss(s, y, "hinge") == 0.75  # (max(0, 1 - 2) + max(0, 1 + 0.5)) / 2
    assert functional.data_loss(s, y, "mse") == 1.625  # ((2 - 1)^2 + (-0.5 - 1)^2) / 2
    bce = (math.log1p(math.exp(-2.0)) + math.log1p(math.exp(0.5))) / 2  # softplus(-y s)
    assert functional.data_loss(s, y, "bce") == pytest.approx(bce, rel=1e-15)


def test_data_loss_edges():
    assert math.isnan(functional.data_loss([], [], "hinge"))
    assert functional.data_loss([1000.0], [-1], "bce") == pytest.approx(1000.0)  # no overflow to inf
    with pytest.raises(ValueError, match="unknown loss 'l1'"):
        functional.data_loss(SCORES, LABELS, "l1")


def test_accuracy_hand_values():
    assert functional.accuracy([0.5, 0.0, -1.0], [1, -1, -1]) == 1.0  # a score of 0 counts as -1
    assert functional.accuracy([0.0, 1.0], [1, 1]) == 0.5
    assert math.isnan(functional.accuracy([], []))


def test_layer_arrays_are_the_parameters_in_order():
    model = MLP(3, [4, 2, 1], activation="tanh", seed=5)
    arrays = functional.layer_arrays(model)
    assert [(W.shape, b.shape) for W, b in arrays] == [((4, 3), (4,)), ((2, 4), (2,)), ((1, 2), (1,))]
    flat = np.concatenate([np.concatenate([W, b[:, None]], axis=1).ravel() for W, b in arrays])
    np.testing.assert_array_equal(flat, model.parameter_values())  # each neuron: weights, then bias


@pytest.mark.parametrize("act", ["relu", "tanh", "sigmoid", "linear"])
def test_forward_equals_the_value_engine_row_by_row(act):
    model = MLP(2, [5, 3, 1], activation=act, seed=2)
    X = np.random.default_rng(1).normal(size=(7, 2))
    scores, outs = functional.forward(functional.layer_arrays(model), X, act, keep=True)
    np.testing.assert_allclose(scores, [model(x).data for x in X.tolist()], rtol=0, atol=1e-14)
    assert [A.shape for A in outs] == [(7, 5), (7, 3), (7, 1)]
    np.testing.assert_array_equal(outs[-1][:, 0], scores)  # the last layer is linear


def test_forward_rejects_the_wrong_width():
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        functional.forward(functional.layer_arrays(MLP(2, [3, 1], seed=0)), np.ones((4, 3)), "relu")


def test_activations_keep_float32_for_the_float32_lesson():
    # the derivatives lesson evaluates in float32 to show round-off sooner: every intermediate
    # must stay float32, so the result is the float32 formula's, not a rounded float64 one
    z = np.linspace(-20, 20, 401, dtype=np.float32)
    for name in ("sigmoid", "tanh", "relu"):
        assert functional.activation(name, z).dtype == np.float32
    e = np.exp(-np.abs(z))  # float32 throughout
    np.testing.assert_array_equal(functional.sigmoid(z), np.where(z >= 0, np.float32(1) / (1 + e), e / (1 + e)))
    assert functional.sigmoid([0, 1]).dtype == np.float64


def test_softmax_along_an_axis_and_with_impossible_classes():
    Z = np.array([[0.0, math.log(3.0)], [-np.inf, 5.0]])
    np.testing.assert_allclose(functional.softmax(Z), [[0.25, 0.75], [0.0, 1.0]], rtol=1e-15)
    np.testing.assert_array_equal(functional.log_softmax(Z)[1], [-np.inf, 0.0])  # a -inf logit: probability 0
    np.testing.assert_allclose(functional.softmax(Z.T, axis=0), functional.softmax(Z).T, rtol=1e-15)
    assert functional.cross_entropy(Z, [1, 1]) == pytest.approx(math.log(4 / 3) / 2, rel=1e-15)


def test_penalty_equals_the_scalar_engines_l1_and_l2_terms():
    from micrograd.losses import l1_value, l2_penalty

    w = [0.5, -1.25, 3.0, 0.0, -2e-3]
    assert functional.penalty(w, "l2", 0.1) == pytest.approx(l2_penalty([Value(x) for x in w], 0.1).data, rel=1e-15)
    assert functional.penalty(w, "l1", 0.1) == pytest.approx(l1_value([Value(x) for x in w], 0.1), rel=1e-15)
    assert functional.penalty(w, "l2", 0.1) == pytest.approx(0.1 * (0.25 + 1.5625 + 9.0 + 4e-6), rel=1e-15)
    assert functional.penalty(w, "none", 0.1) == 0.0 and functional.penalty(w, "l1", 0.0) == 0.0
    with pytest.raises(ValueError, match="regularization"):
        functional.penalty(w, "l3", 0.1)
