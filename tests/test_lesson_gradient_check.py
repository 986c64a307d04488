"""The gradient-checking lesson: a clean model passes, every injected bug fails."""

import numpy as np
import pytest

from micrograd.lessons import gradient_check as lesson
from micrograd.losses import LOSSES, l2_penalty
from micrograd.tensor import loss_and_grads


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize("loss", ["bce", "mse", "hinge"])
@pytest.mark.parametrize("seed", [0, 1])
def test_clean_model_passes(activation, loss, seed):
    r = lesson.run_check(activation=activation, loss=loss, seed=seed)
    assert r.passed and r.max_rel_error < 1e-6
    assert len(r.rows) == 37 and r.n_evaluations == 75 and r.bugs == ()


@pytest.mark.parametrize("bug", list(lesson.BUGS))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_each_bug_fails_with_tanh(bug, seed):
    r = lesson.run_check(activation="tanh", bugs=[bug], seed=seed)
    assert not r.passed and r.max_rel_error > 0.1


def test_autograd_column_is_the_true_gradient_when_clean():
    """Independent reference: the Tensor engine's gradients of the same loss."""
    r = lesson.run_check(activation="tanh", loss="bce", l2=1e-3)
    model, X, y = lesson.make_problem("tanh", "bce")
    loss_value, _, _ = loss_and_grads(model, X, y, loss="bce", l2=1e-3)
    np.testing.assert_allclose([row["autograd"] for row in r.rows], [p.grad for p in model.parameters()],
                               rtol=0, atol=1e-13)
    assert r.loss == pytest.approx(loss_value, abs=1e-13)


def test_forgot_zero_grad_doubles_every_gradient():
    clean = lesson.run_check()
    bad = lesson.run_check(bugs=["no_zero_grad"])
    np.testing.assert_allclose([b["autograd"] for b in bad.rows], [2 * c["autograd"] for c in clean.rows],
                               rtol=1e-15, atol=0)
    assert bad.max_rel_error == pytest.approx(0.5, abs=1e-6)


def test_wrong_tanh_spares_the_linear_output_layer():
    r = lesson.run_check(activation="tanh", bugs=["wrong_tanh"])
    out_layer = [row["rel_error"] for row in r.rows if row["layer"] == 3]
    hidden = [row["rel_error"] for row in r.rows if row["layer"] < 3]
    assert max(out_layer) < 1e-6  # no tanh after the output layer: its gradients are right
    assert max(hidden) > 0.1


def test_wrong_tanh_is_invisible_without_tanh():
    assert lesson.run_check(activation="sigmoid", bugs=["wrong_tanh"]).passed


def test_combined_bugs_with_no_zero_grad_accumulate():
    both = lesson.run_check(bugs=["assign", "no_zero_grad"])
    assign = lesson.run_check(bugs=["assign"])
    np.testing.assert_allclose([b["autograd"] for b in both.rows], [2 * a["autograd"] for a in assign.rows],
                               rtol=1e-15, atol=0)


def test_numeric_column_is_a_central_difference():
    h = 1e-5
    r = lesson.run_check(h=h)
    model, X, y = lesson.make_problem("tanh", "bce")
    params = model.parameters()

    def loss():
        return (LOSSES["bce"]([model(x) for x in X.tolist()], y.tolist()) + l2_penalty(params, 1e-3)).data

    for i in (0, 17, 36):
        x0 = params[i].data
        params[i].data = x0 + h
        up = loss()
        params[i].data = x0 - h
        down = loss()
        params[i].data = x0
        assert r.rows[i]["numeric"] == pytest.approx((up - down) / (2 * h), abs=1e-15)


def test_layer_matrices_place_each_parameter():
    r = lesson.run_check()
    mats = lesson.layer_matrices(r, "autograd")
    assert [m.shape for m in mats] == [(4, 3), (4, 5), (1, 5)]
    row = next(x for x in r.rows if x["name"] == "L2 n3 b")
    assert mats[1][3, 4] == row["autograd"]
    row = next(x for x in r.rows if x["name"] == "L1 n2 w1")
    assert mats[0][2, 1] == row["autograd"]


def test_heatmap_has_one_panel_per_layer():
    fig = lesson.heatmap_figure(lesson.run_check(bugs=["assign"]))
    heat = [t for t in fig.data if t.type == "heatmap"]
    assert len(heat) == 3
    assert max(np.max(t.z) for t in heat) > -1  # a failing cell is drawn near log10(1) = 0


def test_bad_input_raises_clear_errors():
    with pytest.raises(ValueError, match="unknown bug"):
        lesson.run_check(bugs=["nope"])
    with pytest.raises(ValueError, match="h must be > 0"):
        lesson.run_check(h=0.0)
    with pytest.raises(ValueError, match="unknown loss"):
        lesson.run_check(loss="nope")


COMBOS = [tuple(b for i, b in enumerate(lesson.BUGS) if mask >> i & 1) for mask in range(2 ** len(lesson.BUGS))]


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
@pytest.mark.parametrize("bugs", COMBOS, ids=["+".join(c) or "clean" for c in COMBOS])
def test_every_combination_names_each_active_cause(activation, bugs):
    r = lesson.run_check(activation=activation, bugs=bugs)
    keys = [c.key for c in r.causes]
    assert keys[: len(bugs)] == list(bugs)  # one note per active bug, in BUGS order
    kinds = {c.key: c.kind for c in r.causes}
    if "wrong_tanh" in bugs:
        assert kinds["wrong_tanh"] == ("bug" if activation == "tanh" else "no_effect")
    for b in ("assign", "no_zero_grad"):
        if b in bugs:
            assert kinds[b] == "bug"
    # seed 0 with ReLU: zero biases behind dead units sit on a kink, whatever the bugs
    assert ("kink" in keys) == (activation == "relu")
    assert "step" not in keys  # the default h is fine for every smooth parameter
    for c in r.causes:
        assert c.text.rstrip().endswith("."), c.text
    # the failures are exactly the union of what the causes name
    failing = {row["name"] for row in r.rows if row["rel_error"] >= r.tolerance}
    named = {n for c in r.causes for n in c.names}
    assert failing <= named
    assert r.passed == (not failing)


def test_kink_parameters_really_sit_on_a_kink():
    # independent reference: at a kink the two one-sided slopes differ, and backprop takes one of them
    r = lesson.run_check(activation="relu")
    (kink,) = [c for c in r.causes if c.key == "kink"]
    assert kink.names == ("L2 n0 b", "L2 n1 b", "L2 n2 b", "L2 n3 b")
    model, X, y = lesson.make_problem("relu", "bce")
    params, names = model.parameters(), [row["name"] for row in r.rows]

    def loss():
        return (LOSSES["bce"]([model(x) for x in X.tolist()], y.tolist()) + l2_penalty(params, 1e-3)).data

    h = lesson.DEFAULT_STEP
    for name in kink.names:
        p = params[names.index(name)]
        x0, l0 = p.data, loss()
        p.data = x0 + h
        right = (loss() - l0) / h
        p.data = x0 - h
        left = (l0 - loss()) / h
        p.data = x0
        row = r.rows[names.index(name)]
        assert abs(right - left) > 0.1 * max(abs(right), abs(left))
        assert min(abs(row["autograd"] - right), abs(row["autograd"] - left)) < 1e-6


def test_wrong_tanh_note_names_the_hidden_layers_only():
    r = lesson.run_check(activation="tanh", bugs=["wrong_tanh"])
    (c,) = r.causes
    assert len(c.names) == 32 and all(not n.startswith("L3") for n in c.names)  # 5 output params stay right
    assert "layers 1 and 2" in c.text and "output layer" in c.text


def test_too_small_a_step_is_blamed_on_round_off_not_on_a_bug():
    r = lesson.run_check(activation="tanh", h=1e-10)
    assert not r.passed
    (c,) = r.causes
    assert c.key == "step" and c.kind == "false_alarm" and "too small" in c.text
    r = lesson.run_check(activation="sigmoid", h=1e-2)
    assert [c.key for c in r.causes] == ["step"] and "too large" in r.causes[0].text
