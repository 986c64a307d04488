"""Tests for micrograd.data: shapes, labels, balance, determinism, noise, errors, split."""

import numpy as np
import pytest

from micrograd.data import DATASETS, make_dataset, split


def test_each_listed_name_makes_its_own_dataset_and_a_wrong_name_is_told_the_list():
    made = {name: make_dataset(name, n=100, noise=0.1, seed=0)[0] for name in DATASETS}
    assert len(DATASETS) == 5
    for a in DATASETS:
        for b in DATASETS:
            assert a == b or not np.allclose(made[a], made[b]), (a, b)
    # blobs: the two classes sit around (-1, -1) and (1, 1)
    X, y = make_dataset("blobs", n=400, noise=0.1, seed=0)
    assert np.allclose(X[y == -1].mean(axis=0), [-1, -1], atol=0.1)
    assert np.allclose(X[y == 1].mean(axis=0), [1, 1], atol=0.1)
    with pytest.raises(ValueError) as err:
        make_dataset("swiss_roll")
    assert all(name in str(err.value) for name in DATASETS)


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("n", [4, 7, 100, 301])
def test_shapes_types_and_labels(name, n):
    X, y = make_dataset(name, n=n, noise=0.1, seed=0)
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    assert set(np.unique(y).tolist()) == {-1, 1}
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize("name", DATASETS)
def test_classes_are_balanced(name):
    X, y = make_dataset(name, n=200, noise=0.1, seed=3)
    assert abs(int(np.sum(y == 1)) - 100) <= 10  # within 45%..55%


@pytest.mark.parametrize("name", DATASETS)
def test_deterministic_per_seed_and_different_across_seeds(name):
    X1, y1 = make_dataset(name, n=100, noise=0.2, seed=7)
    X2, y2 = make_dataset(name, n=100, noise=0.2, seed=7)
    X3, _ = make_dataset(name, n=100, noise=0.2, seed=8)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert not np.allclose(X1, X3)


@pytest.mark.parametrize("name", ["moons", "circles", "xor", "spiral"])
def test_noise_is_a_gaussian_standard_deviation_in_data_units(name):
    # same seed: the same clean points, plus noise * N(0, 1)
    X0, y0 = make_dataset(name, n=2000, noise=0.0, seed=1)
    for noise in (0.05, 0.3):
        X, y = make_dataset(name, n=2000, noise=noise, seed=1)
        assert np.array_equal(y, y0)
        spread = np.std(X - X0)
        assert noise * 0.9 < spread < noise * 1.1, (noise, spread)


def test_blob_spread_grows_with_noise():
    spreads = []
    for noise in (0.1, 0.3, 0.6):
        X, y = make_dataset("blobs", n=1000, noise=noise, seed=0)
        spreads.append(np.mean([X[y == c].std(axis=0).mean() for c in (-1, 1)]))
    assert spreads[0] < spreads[1] < spreads[2]


@pytest.mark.parametrize("name", DATASETS)
def test_larger_noise_gives_larger_spread(name):
    def within_class_spread(noise):
        X, y = make_dataset(name, n=1000, noise=noise, seed=2)
        return sum(np.linalg.norm(X[y == c] - X[y == c].mean(axis=0), axis=1).mean() for c in (-1, 1))

    assert within_class_spread(0.05) < within_class_spread(0.5)


def test_zero_noise_points_lie_on_their_shapes():
    X, y = make_dataset("circles", n=200, noise=0.0, seed=0)
    r = np.linalg.norm(X, axis=1)
    # factor 0.5: one class on the unit circle, the other on radius 0.5
    assert set(np.round(r, 12).tolist()) == {0.5, 1.0}
    assert len(set(np.round(r[y == 1], 12).tolist())) == 1
    X, y = make_dataset("xor", n=200, noise=0.0, seed=0)
    assert np.all(np.sign(X[:, 0] * X[:, 1]) == y)  # label = sign(x1 * x2)


def test_moons_match_sklearn_with_the_same_seed(original_moons):
    # the original demo's moons (seed 1337), made with numpy's global generator as it does
    X_ref, y_ref = original_moons
    X, y = make_dataset("moons", n=100, noise=0.1, seed=1337)
    assert np.array_equal(X, X_ref)
    assert np.array_equal(y, y_ref)


def test_make_dataset_leaves_numpy_global_state_alone():
    state = np.random.get_state()
    make_dataset("spiral", n=50, noise=0.1, seed=0)
    make_dataset("moons", n=50, noise=0.1, seed=0)
    after = np.random.get_state()
    assert np.array_equal(state[1], after[1]) and state[2] == after[2]


@pytest.mark.parametrize("kwargs", [dict(name="swiss_roll"), dict(name="Moons"), dict(name="moons", n=3),
                                    dict(name="moons", n=0), dict(name="moons", n=10.5),
                                    dict(name="moons", noise=-0.1), dict(name="moons", noise=float("nan"))])
def test_bad_arguments_raise_valueerror(kwargs):
    with pytest.raises(ValueError):
        make_dataset(**kwargs)


# --- split -------------------------------------------------------------------------------


def test_split_sizes_partition_and_stratification():
    X, y = make_dataset("moons", n=100, noise=0.1, seed=0)
    Xtr, Xte, ytr, yte = split(X, y, test_fraction=0.2, seed=0)
    assert Xtr.shape == (80, 2) and Xte.shape == (20, 2)
    assert ytr.shape == (80,) and yte.shape == (20,)
    assert np.sum(yte == 1) == 10 and np.sum(ytr == 1) == 40  # label ratio kept
    # a partition of the original rows, rows kept with their labels
    rows = {tuple(r) + (int(t),) for r, t in zip(X, y, strict=True)}
    X_all, y_all = np.vstack([Xtr, Xte]), np.concatenate([ytr, yte])
    parts = [tuple(r) + (int(t),) for r, t in zip(X_all, y_all, strict=True)]
    assert len(parts) == 100 and set(parts) == rows


def test_split_is_deterministic_per_seed():
    X, y = make_dataset("xor", n=60, noise=0.1, seed=0)
    a = split(X, y, 0.25, seed=4)
    b = split(X, y, 0.25, seed=4)
    c = split(X, y, 0.25, seed=5)
    assert all(np.array_equal(p, q) for p, q in zip(a, b, strict=True))
    assert not np.array_equal(a[1], c[1])


def test_split_with_zero_test_fraction():
    X, y = make_dataset("blobs", n=30, noise=0.1, seed=0)
    Xtr, Xte, ytr, yte = split(X, y, test_fraction=0.0)
    assert Xtr.shape == (30, 2) and Xte.shape == (0, 2) and yte.shape == (0,)


@pytest.mark.parametrize("fraction", [0.05, 0.5, 0.9])
def test_split_small_and_large_fractions(fraction):
    X, y = make_dataset("circles", n=40, noise=0.1, seed=0)
    Xtr, Xte, ytr, yte = split(X, y, test_fraction=fraction, seed=0)
    assert len(yte) == max(1, round(fraction * 40))
    assert len(ytr) + len(yte) == 40


@pytest.mark.parametrize("fraction", [-0.1, 0.95, 1.0])
def test_split_bad_fraction_raises(fraction):
    X, y = make_dataset("moons", n=20, noise=0.1, seed=0)
    with pytest.raises(ValueError):
        split(X, y, test_fraction=fraction)


def test_split_on_small_datasets_within_the_documented_range():
    # make_dataset allows n >= 4 and split documents test_fraction in [0, 0.9] as valid:
    # either the split works (a partition with a non-empty training set), or it says
    # clearly, in its own words, that test_fraction is too large for n points
    problems = []
    for n in (4, 5, 8, 12, 15, 40):
        for fraction in (0.5, 0.7, 0.9):
            X, y = make_dataset("moons", n=n, noise=0.1, seed=0)
            try:
                Xtr, Xte, ytr, yte = split(X, y, test_fraction=fraction, seed=0)
            except ValueError as err:
                if "test_fraction" not in str(err):
                    problems.append((n, fraction, str(err)))
            else:
                if not (len(ytr) >= 1 and len(ytr) + len(yte) == n):
                    problems.append((n, fraction, (len(ytr), len(yte))))
    assert problems == []


@pytest.mark.parametrize("name", DATASETS)
def test_negative_zero_noise_is_zero_noise(name):
    # -0.0 passes `noise >= 0`, and numpy's normal(scale=-0.0) used to raise "scale < 0"
    X, y = make_dataset(name, n=40, noise=-0.0, seed=3)
    X0, y0 = make_dataset(name, n=40, noise=0.0, seed=3)
    assert np.array_equal(X, X0) and np.array_equal(y, y0)


@pytest.mark.parametrize("kwargs", [dict(noise=float("inf")), dict(n=float("inf")), dict(n=float("nan"))])
def test_infinite_or_nan_arguments_raise_valueerror(kwargs):
    with pytest.raises(ValueError):
        make_dataset("moons", **kwargs)


# --- regression and multiclass datasets in the registry ------------------------------------


def test_every_dataset_has_one_task_and_a_wrong_name_is_told_them_all():
    from micrograd.data import MULTICLASS_DATASETS, REGRESSION_DATASETS, TASKS

    assert list(TASKS) == list(DATASETS) + list(REGRESSION_DATASETS) + list(MULTICLASS_DATASETS)
    assert {TASKS[n] for n in DATASETS} == {"binary"}
    with pytest.raises(ValueError) as err:
        make_dataset("swiss_roll")
    assert all(name in str(err.value) for name in TASKS)
    for name in REGRESSION_DATASETS + MULTICLASS_DATASETS:
        with pytest.raises(ValueError):
            make_dataset(name, n=3)


def test_split_stratifies_three_classes_and_splits_real_targets():
    X, y = make_dataset("blobs3", n=60, noise=0.1, seed=0)
    Xtr, Xte, ytr, yte = split(X, y, test_fraction=0.25, seed=0)
    assert np.bincount(yte).tolist() == [5, 5, 5] and np.bincount(ytr).tolist() == [15, 15, 15]
    X, y = make_dataset("gauss", n=50, noise=0.1, seed=0)
    Xtr, Xte, ytr, yte = split(X, y, test_fraction=0.2, seed=0)
    assert len(yte) == 10 and ytr.dtype == np.float64
    rows = sorted(map(tuple, np.column_stack([X, y]).tolist()))
    assert sorted(map(tuple, np.column_stack([np.vstack([Xtr, Xte]), np.concatenate([ytr, yte])]).tolist())) == rows


def test_split_stratify_false_is_the_plain_split_even_for_whole_number_targets():
    from sklearn.model_selection import train_test_split

    rs = np.random.RandomState(1)
    X, y = rs.normal(size=(40, 2)), rs.randint(0, 4, size=40).astype(np.float64)
    plain = train_test_split(X, y, test_size=8, random_state=3)
    strat = train_test_split(X, y, test_size=8, random_state=3, stratify=y)
    assert not np.array_equal(plain[3], strat[3])
    for got, want in zip(split(X, y, 0.2, 3, stratify=False), plain, strict=True):
        np.testing.assert_array_equal(got, want)
    for got, want in zip(split(X, y, 0.2, 3), strat, strict=True):  # the default: whole numbers are classes
        np.testing.assert_array_equal(got, want)
