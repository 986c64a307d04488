"""Regression: TF Playground's plane and gauss datasets, MSE on real targets (both engines), R²."""

import math

import numpy as np
import pytest
from sklearn.metrics import r2_score as sklearn_r2

from micrograd import functional
from micrograd.data import REGRESSION_DATASETS, TASKS, make_dataset
from micrograd.engine import Value
from micrograd.losses import mse_loss
from micrograd.nn import MLP
from micrograd.optim import SGD
from micrograd.tensor import Tensor
from micrograd.tensor.losses import mse_loss as tensor_mse_loss

# regressGaussian's six bumps in TF Playground's src/dataset.ts: (cx, cy, sign)
TF_GAUSSIANS = [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]


def tf_gauss_label(x, y):
    """dataset.ts's getLabel, transliterated: the bump value largest in absolute value."""
    label = 0.0
    for cx, cy, sign in TF_GAUSSIANS:
        d = math.sqrt((x - cx) ** 2 + (y - cy) ** 2)
        new = sign * min(max(1 - d / 2, 0.0), 1.0)  # d3 linear [0, 2] -> [1, 0], clamped
        if abs(new) > abs(label):
            label = new
    return label


def test_regression_datasets_are_registered_with_real_targets():
    assert REGRESSION_DATASETS == ("plane", "gauss")
    for name in REGRESSION_DATASETS:
        assert TASKS[name] == "regression"
        X, y = make_dataset(name, n=201, noise=0.1, seed=0)
        assert X.shape == (201, 2) and y.shape == (201,) and y.dtype == np.float64
        assert X.min() >= -6 and X.max() <= 6 and X.min() < -5.5 and X.max() > 5.5  # uniform in [-6, 6]^2
        assert len(np.unique(y)) > 50  # real values, not labels (gauss is 0 far from its bumps)
        X2, y2 = make_dataset(name, n=201, noise=0.1, seed=0)
        assert np.array_equal(X, X2) and np.array_equal(y, y2)
        assert not np.allclose(X, make_dataset(name, n=201, noise=0.1, seed=1)[0])


def test_plane_without_noise_is_the_tf_plane():
    X, y = make_dataset("plane", n=300, noise=0.0, seed=2)
    np.testing.assert_allclose(y, (X[:, 0] + X[:, 1]) / 10, rtol=0, atol=1e-15)  # labelScale [-10, 10] -> [-1, 1]


def test_gauss_without_noise_is_the_tf_gaussian_mixture():
    X, y = make_dataset("gauss", n=300, noise=0.0, seed=3)
    assert y.tolist() == pytest.approx([tf_gauss_label(a, b) for a, b in X.tolist()], abs=1e-15)
    assert -1 <= y.min() < -0.5 and 0.5 < y.max() <= 1


@pytest.mark.parametrize("name", REGRESSION_DATASETS)
def test_noise_moves_where_the_target_is_read_not_the_point(name):
    X0, y0 = make_dataset(name, n=500, noise=0.0, seed=4)
    X1, y1 = make_dataset(name, n=500, noise=0.3, seed=4)
    np.testing.assert_array_equal(X0, X1)  # the same clean points (the noise draws come after)
    assert 0.01 < np.std(y1 - y0) < 0.5
    if name == "plane":  # target at (x + 6 u * noise) for u ~ U(-1, 1) per coordinate: |shift| <= 2 * 1.8 / 10
        assert np.max(np.abs(y1 - y0)) <= 2 * 6 * 0.3 / 10 + 1e-12


def test_mse_takes_real_targets_only_on_its_regression_path():
    s, t = [Value(0.5), Value(-1.0), Value(2.0)], [0.25, -3.0, 2.0]
    loss = mse_loss(s, t, regression=True)
    assert loss.data == pytest.approx((0.25**2 + 2.0**2 + 0.0) / 3, rel=1e-15)
    loss.backward()
    assert [v.grad for v in s] == pytest.approx([2 * 0.25 / 3, 2 * 2.0 / 3, 0.0], rel=1e-15)
    with pytest.raises(ValueError, match="-1 or \\+1"):  # the classification path is unchanged
        mse_loss(s, t)
    with pytest.raises(ValueError, match="finite real"):
        mse_loss(s, [0.0, math.nan, 1.0], regression=True)
    with pytest.raises(ValueError, match="finite real"):
        mse_loss(s, [0.0, "1", 1.0], regression=True)
    # the Tensor engine: the same value and gradient
    ts = Tensor([0.5, -1.0, 2.0])
    tl = tensor_mse_loss(ts, t, regression=True)
    tl.backward()
    assert float(tl.data) == pytest.approx(loss.data, rel=1e-15)
    np.testing.assert_allclose(ts.grad, [v.grad for v in s], rtol=1e-15)
    with pytest.raises(ValueError, match="-1 or \\+1"):
        tensor_mse_loss(ts, t)
    with pytest.raises(ValueError, match="finite real"):
        tensor_mse_loss(ts, [0.0, math.inf, 1.0], regression=True)


def test_r2_score_equals_sklearn():
    rs = np.random.RandomState(0)
    for n in (2, 3, 10, 500):
        t = rs.normal(size=n) * 3 + 1
        for p in (t + rs.normal(size=n) * 0.3, rs.normal(size=n), np.full(n, t.mean()), t):
            assert abs(functional.r2_score(t, p) - sklearn_r2(t, p)) <= 1e-12
    assert functional.r2_score([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]) == 1.0
    assert functional.r2_score([1.0, 2.0, 3.0], [2.0, 2.0, 2.0]) == 0.0  # the mean: 0
    assert functional.r2_score([1.0, 2.0, 3.0], [3.0, 2.0, 1.0]) == -3.0  # 1 - 8 / 2
    # constant targets, as sklearn's default force_finite=True
    assert functional.r2_score([2.0, 2.0], [2.0, 2.0]) == sklearn_r2([2.0, 2.0], [2.0, 2.0]) == 1.0
    assert functional.r2_score([2.0, 2.0], [2.0, 3.0]) == sklearn_r2([2.0, 2.0], [2.0, 3.0]) == 0.0
    assert math.isnan(functional.r2_score([1.0], [1.0]))
    with pytest.raises(ValueError, match="as many predictions"):
        functional.r2_score([1.0, 2.0], [1.0])


def test_a_small_mlp_regresses_the_plane():
    X, y = make_dataset("plane", n=100, noise=0.1, seed=0)
    model = MLP(2, [4, 1], activation="tanh", seed=0)
    opt = SGD(model.parameters(), lr=0.05)
    before = functional.r2_score(y, model.predict(X))
    for _ in range(60):
        loss = mse_loss([model(x) for x in X.tolist()], y.tolist(), regression=True)
        model.zero_grad()
        loss.backward()
        opt.step()
    r2 = functional.r2_score(y, model.predict(X))
    assert before < 0.5 and r2 >= 0.95, (before, r2)
    Xt, yt = make_dataset("plane", n=100, noise=0.1, seed=1)  # fresh points: it generalizes
    assert functional.r2_score(yt, model.predict(Xt)) >= 0.95


def test_the_trainer_regresses_the_plane_with_adam():
    # the Trainer's regression path: one linear output, MSE on the real targets, R² curves. Measured
    # (seeds 0-3, 200 steps of Adam at 0.01 on 8-8 tanh, 200 points): test R² 0.970-0.983 from -2.4 to -0.4
    from micrograd.train import Trainer

    X, y = make_dataset("plane", n=200, noise=0.1, seed=0)
    tr = Trainer(X, y, problem="regression", lr=0.01, optimizer="adam", engine="tensor")
    assert tr.loss == "mse" and tr.current["test_r2"] < 0.5  # fresh weights do not fit the plane
    assert tr.run(200) == 200
    assert tr.current["train_r2"] >= 0.95 and tr.current["test_r2"] >= 0.95, tr.current
    assert tr.current["test_r2"] == pytest.approx(sklearn_r2(tr.y_test, tr.predict(tr.X_test)), rel=1e-12)
    Xt, yt = make_dataset("plane", n=200, noise=0.1, seed=1)  # fresh points: it generalizes
    assert sklearn_r2(yt, tr.predict(Xt)) >= 0.95
