"""The Tensor engine against central differences and against the scalar `Value` engine."""

import math
from fractions import Fraction

import numpy as np
import pytest

from micrograd.demo import demo_data, demo_loss, demo_model
from micrograd.engine import Value
from micrograd.losses import LOSSES as SCALAR_LOSSES
from micrograd.losses import l2_penalty as scalar_l2
from micrograd.nn import MLP
from micrograd.optim import SGD
from micrograd.tensor import (
    LOSSES,
    Tensor,
    TensorMLP,
    bce_with_logits_loss,
    hinge_loss,
    l2_penalty,
    loss_and_grads,
    mse_loss,
)

RNG = np.random.default_rng(0)


def numeric_grads(f, arrays, h=1e-6):
    """Central differences of the scalar f(*arrays) with respect to every element of each array."""
    out = []
    for k, a in enumerate(arrays):
        g = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            up = [x.copy() for x in arrays]
            dn = [x.copy() for x in arrays]
            up[k][idx] += h
            dn[k][idx] -= h
            g[idx] = (f(*up) - f(*dn)) / (2 * h)
        out.append(g)
    return out


def check_op(op, *arrays, tol=1e-6):
    """Backprop sum(op(...) * R) through Tensors and compare with central differences."""
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    ts = [Tensor(a) for a in arrays]
    out = op(*ts)
    R = RNG.normal(size=out.shape)
    (out * R).sum().backward()

    def f(*xs):
        return float((op(*[Tensor(x) for x in xs]).data * R).sum())

    num = numeric_grads(f, arrays)
    for t, n in zip(ts, num, strict=True):
        assert t.grad.shape == t.data.shape  # gradients come back in each input's shape
        np.testing.assert_allclose(t.grad, n, rtol=tol, atol=tol)
    return ts, out


POS = RNG.uniform(0.5, 2.0, size=(3, 4))
ANY = RNG.normal(size=(3, 4))
ANY2 = RNG.normal(size=(3, 4))


@pytest.mark.parametrize(
    "name, op, args",
    [
        ("add", lambda a, b: a + b, (ANY, ANY2)),
        ("sub", lambda a, b: a - b, (ANY, ANY2)),
        ("mul", lambda a, b: a * b, (ANY, ANY2)),
        ("div", lambda a, b: a / b, (ANY, POS)),
        ("pow2", lambda a: a**2, (ANY,)),
        ("pow3", lambda a: a**3, (ANY,)),
        ("pow_half", lambda a: a**0.5, (POS,)),
        ("pow_neg", lambda a: a**-1.5, (POS,)),
        ("pow_tensor", lambda a, b: a**b, (POS, ANY)),
        ("neg", lambda a: -a, (ANY,)),
        ("radd", lambda a: 2.5 + a, (ANY,)),
        ("rsub", lambda a: 2.5 - a, (ANY,)),
        ("rmul", lambda a: 2.5 * a, (ANY,)),
        ("rdiv", lambda a: 2.5 / a, (POS,)),
        ("rpow", lambda a: 2.0**a, (ANY,)),
        ("exp", lambda a: a.exp(), (ANY,)),
        ("log", lambda a: a.log(), (POS,)),
        ("tanh", lambda a: a.tanh(), (ANY,)),
        ("sigmoid", lambda a: a.sigmoid(), (ANY * 10,)),
        ("relu", lambda a: a.relu(), (ANY,)),
        ("matmul", lambda a, b: a @ b, (ANY, RNG.normal(size=(4, 5)))),
        ("matmul_vec_right", lambda a, b: a @ b, (ANY, RNG.normal(size=4))),
        ("matmul_vec_left", lambda a, b: a @ b, (RNG.normal(size=3), ANY)),
        ("matmul_dot", lambda a, b: a @ b, (RNG.normal(size=4), RNG.normal(size=4))),
        ("sum_all", lambda a: a.sum(), (ANY,)),
        ("sum_0", lambda a: a.sum(axis=0), (ANY,)),
        ("sum_1_keep", lambda a: a.sum(axis=1, keepdims=True), (ANY,)),
        ("sum_neg_axis", lambda a: a.sum(axis=-1), (ANY,)),
        ("mean_all", lambda a: a.mean(), (ANY,)),
        ("mean_0", lambda a: a.mean(axis=0), (ANY,)),
        ("mean_tuple", lambda a: a.mean(axis=(0, 1), keepdims=True), (ANY,)),
        ("reshape", lambda a: a.reshape(2, 6) * a.reshape(2, 6), (ANY,)),
        ("transpose", lambda a, b: a.T @ b, (ANY, ANY2)),
        ("chain", lambda a, b: ((a * b).tanh() + a.exp() / (1 + b * b)).sigmoid(), (ANY, ANY2)),
    ],
)
def test_op_matches_central_differences(name, op, args):
    check_op(op, *args)


@pytest.mark.parametrize(
    "shape_a, shape_b",
    [((3, 4), (4,)), ((3, 4), (3, 1)), ((3, 4), (1, 4)), ((3, 4), ()), ((2, 3, 4), (3, 1)), ((4,), (3, 4))],
)
@pytest.mark.parametrize("opname", ["+", "-", "*", "/"])
def test_broadcasting_gradients_are_summed_to_each_input_shape(shape_a, shape_b, opname):
    a = RNG.uniform(0.5, 2.0, size=shape_a)
    b = RNG.uniform(0.5, 2.0, size=shape_b)
    ops = {"+": lambda x, y: x + y, "-": lambda x, y: x - y, "*": lambda x, y: x * y, "/": lambda x, y: x / y}
    ts, _ = check_op(ops[opname], a, b)
    assert ts[0].grad.shape == shape_a
    assert ts[1].grad.shape == shape_b


def test_broadcast_bias_gradient_is_the_sum_over_the_batch():
    X = Tensor(np.ones((5, 3)))
    b = Tensor(np.zeros(3))
    (X + b).sum().backward()
    np.testing.assert_array_equal(b.grad, [5.0, 5.0, 5.0])  # used 5 times: 5 upstream ones summed


def test_elementwise_ops_match_the_scalar_engine():
    a = RNG.uniform(0.5, 2.0, size=6)
    b = RNG.normal(size=6)
    ta, tb = Tensor(a), Tensor(b)
    out = (ta * tb + ta / (tb * tb + 1.0)).tanh() * ta.log() + (-tb).exp().sigmoid() - ta**1.5 + tb.relu()
    out.sum().backward()
    for i in range(6):
        va, vb = Value(a[i]), Value(b[i])
        vo = (va * vb + va / (vb * vb + 1.0)).tanh() * va.log() + (-vb).exp().sigmoid() - va**1.5 + vb.relu()
        vo.backward()
        assert out.data[i] == pytest.approx(vo.data, abs=1e-14)
        assert ta.grad[i] == pytest.approx(va.grad, abs=1e-12)
        assert tb.grad[i] == pytest.approx(vb.grad, abs=1e-12)


def test_matmul_matches_scalar_dot_products():
    A = RNG.normal(size=(2, 3))
    B = RNG.normal(size=(3, 2))
    tA, tB = Tensor(A), Tensor(B)
    (tA @ tB).sum().backward()
    vA = [[Value(x) for x in row] for row in A]
    vB = [[Value(x) for x in row] for row in B]
    total = Value(0.0)
    for i in range(2):
        for j in range(2):
            for k in range(3):
                total = total + vA[i][k] * vB[k][j]
    total.backward()
    np.testing.assert_allclose(tA.grad, [[v.grad for v in row] for row in vA], atol=1e-14)
    np.testing.assert_allclose(tB.grad, [[v.grad for v in row] for row in vB], atol=1e-14)


def test_gradients_accumulate_like_the_scalar_engine():
    x = Tensor([1.0, 2.0])
    y = (x * x).sum()
    y.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])
    y.backward()  # no zeroing in between: the same gradient again
    np.testing.assert_array_equal(x.grad, [4.0, 8.0])


def test_reused_node_receives_the_sum_of_its_paths():
    a = Tensor(3.0)
    b = a + a  # fan-out: db/da = 2
    c = b * a  # 2a^2: dc/da = 4a = 12
    c.backward()
    assert float(a.grad) == 12.0


@pytest.mark.parametrize("loss", ["hinge", "mse", "bce"])
def test_losses_match_scalar_losses_and_central_differences(loss):
    s = RNG.normal(size=7) * 3
    s[0] = 1.0  # hinge margin exactly 0 with y = +1: derivative 0, as the scalar relu
    y = np.array([1, -1, 1, 1, -1, -1, 1])
    t = Tensor(s)
    out = LOSSES[loss](t, y)
    out.backward()
    vs = [Value(x) for x in s]
    vo = SCALAR_LOSSES[loss](vs, y.tolist())
    vo.backward()
    assert out.item() == pytest.approx(vo.data, abs=1e-14)
    np.testing.assert_allclose(t.grad, [v.grad for v in vs], atol=1e-14)
    s[0] = 1.3  # central differences straddle the kink, so check them away from it
    check_op(lambda z: LOSSES[loss](z, y), s)


def test_bce_is_stable_for_huge_logits():
    out = bce_with_logits_loss(Tensor([1000.0, -1000.0]), [1, 1])
    assert out.item() == pytest.approx(500.0)  # log(1 + e^-1000) ~ 0 and log(1 + e^1000) ~ 1000, mean 500
    out.backward()
    assert np.all(np.isfinite(out.children[0].grad))


def test_l2_penalty_matches_scalar_and_differences():
    ps = [RNG.normal(size=(2, 3)), RNG.normal(size=3)]
    ts = [Tensor(p) for p in ps]
    out = l2_penalty(ts, 0.3)
    out.backward()
    assert out.item() == pytest.approx(0.3 * sum((p**2).sum() for p in ps), abs=1e-14)
    for t, p in zip(ts, ps, strict=True):
        np.testing.assert_allclose(t.grad, 0.6 * p, atol=1e-15)
    check_op(lambda a, b: l2_penalty([a, b], 0.3), *ps)


def test_shape_errors_are_clear():
    with pytest.raises(ValueError, match=r"cannot matmul \(100, 3\) by \(2, 16\)"):
        Tensor(np.ones((100, 3))) @ Tensor(np.ones((2, 16)))
    with pytest.raises(ValueError, match=r"cannot add shapes \(3,\) and \(4,\)"):
        Tensor(np.ones(3)) + Tensor(np.ones(4))
    with pytest.raises(ValueError, match="cannot multiply"):
        Tensor(np.ones((2, 3))) * np.ones((3, 2))
    with pytest.raises(ValueError, match="cannot reshape"):
        Tensor(np.ones(5)).reshape(2, 3)
    with pytest.raises(ValueError, match="out of range"):
        Tensor(np.ones(5)).sum(axis=1)
    with pytest.raises(ValueError, match="one-element"):
        Tensor(np.ones(2)).backward()
    with pytest.raises(ValueError, match="expects inputs of shape"):
        TensorMLP(3, [2, 1], seed=0)(np.ones((4, 2)))
    with pytest.raises(ValueError, match="scores but labels"):
        hinge_loss(Tensor(np.ones(3)), [1, -1])


def test_value_errors_are_clear():
    with pytest.raises(ZeroDivisionError):
        Tensor([1.0, 2.0]) / Tensor([1.0, 0.0])
    with pytest.raises(ValueError, match="positive"):
        Tensor([1.0, -1.0]).log()
    with pytest.raises(ValueError, match="no real result"):
        Tensor([-1.0]) ** 0.5
    with pytest.raises(TypeError, match="real numbers"):
        Tensor("abc")
    with pytest.raises(ValueError, match="complex"):
        Tensor([1j])
    with pytest.raises(TypeError):
        Tensor(Tensor(1.0))


def test_numpy_on_the_left_defers_to_tensor():
    t = Tensor([1.0, 2.0])
    out = np.array([3.0, 4.0]) * t
    assert isinstance(out, Tensor)
    out.sum().backward()
    np.testing.assert_array_equal(t.grad, [3.0, 4.0])


def test_deep_graph_backward_has_no_recursion_limit():
    x = Tensor(1.0)
    y = x
    for _ in range(5000):
        y = y * 1.0
    y.backward()
    assert float(x.grad) == 1.0


def test_tensor_mlp_from_seed_has_the_scalar_mlps_weights():
    s = MLP(2, [4, 3, 1], activation="tanh", seed=7)
    t = TensorMLP(2, [4, 3, 1], activation="tanh", seed=7)
    np.testing.assert_array_equal(t.to_scalar_values(), s.parameter_values())
    assert t.num_scalars() == len(s.parameters())


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
@pytest.mark.parametrize("loss", ["hinge", "mse", "bce"])
def test_tensor_mlp_equals_scalar_mlp_outputs_and_gradients(activation, loss):
    X = RNG.normal(size=(12, 3))
    y = np.where(RNG.normal(size=12) > 0, 1, -1)
    s = MLP(3, [5, 4, 1], activation=activation, seed=3)
    t = TensorMLP.from_mlp(s)
    scores_s = [s(x) for x in X.tolist()]
    total_s = SCALAR_LOSSES[loss](scores_s, y.tolist()) + scalar_l2(s.parameters(), 0.01)
    s.zero_grad()
    total_s.backward()
    scores_t = t(X)
    total_t = LOSSES[loss](scores_t, y) + l2_penalty(t.parameters(), 0.01)
    total_t.backward()
    np.testing.assert_allclose(scores_t.data, [v.data for v in scores_s], rtol=0, atol=1e-12)
    assert total_t.item() == pytest.approx(total_s.data, abs=1e-12)
    np.testing.assert_allclose(t.scalar_grads(), [p.grad for p in s.parameters()], rtol=0, atol=1e-12)
    np.testing.assert_allclose(t.predict(X), s.predict(X), atol=1e-12)


@pytest.mark.parametrize("loss, l2", [("hinge", 1e-4), ("mse", 0.0), ("bce", 0.05)])
def test_loss_and_grads_equals_the_scalar_path(loss, l2):
    X, y = demo_data()
    X, y = X[:30], y[:30]
    model = MLP(2, [8, 8, 1], activation="tanh", seed=11)
    # the scalar reference, built from micrograd.losses
    scores = [model(x) for x in X.tolist()]
    total = SCALAR_LOSSES[loss](scores, y.tolist()) + scalar_l2(model.parameters(), l2)
    model.zero_grad()
    total.backward()
    ref_grads = [p.grad for p in model.parameters()]
    for p in model.parameters():
        p.grad = 123.0  # loss_and_grads must set, not add
    value, raw, nodes = loss_and_grads(model, X, y, loss=loss, l2=l2)
    assert value == pytest.approx(total.data, abs=1e-12)
    np.testing.assert_allclose(raw, [s.data for s in scores], rtol=0, atol=1e-12)
    np.testing.assert_allclose([p.grad for p in model.parameters()], ref_grads, rtol=0, atol=1e-12)
    assert raw.shape == (30,)
    assert 10 <= nodes <= 40  # a few dozen nodes, against tens of thousands of Values


def test_loss_and_grads_rejects_bad_input():
    model = MLP(2, [3, 1], seed=0)
    with pytest.raises(ValueError, match="unknown loss"):
        loss_and_grads(model, np.ones((4, 2)), np.ones(4), loss="nope")
    with pytest.raises(ValueError, match="one output"):
        loss_and_grads(MLP(2, [3, 2], seed=0), np.ones((4, 2)), np.ones(4))


def test_demo_run_100_steps_identical_on_both_engines():
    """The original demo (moons, MLP(2,[16,16,1]), hinge + 1e-4 L2, lr 1 - 0.9 k/100)."""
    X, y = demo_data()
    scalar = demo_model()
    net = TensorMLP.from_mlp(demo_model())
    params = net.parameters()
    scalar_losses, tensor_losses = [], []
    for k in range(100):
        total, _ = demo_loss(scalar, X, y)
        scalar.zero_grad()
        total.backward()
        lr = 1.0 - 0.9 * k / 100
        for p in scalar.parameters():
            p.data -= lr * p.grad
        scalar_losses.append(total.data)

        t_total = hinge_loss(net(X), y) + l2_penalty(params, 1e-4)
        net.zero_grad()
        t_total.backward()
        for p in params:
            p.data -= lr * p.grad
        tensor_losses.append(t_total.item())
    np.testing.assert_allclose(tensor_losses, scalar_losses, rtol=0, atol=1e-9)
    assert scalar_losses[-1] < 0.05 < scalar_losses[0]  # it did train
    np.testing.assert_allclose(net.to_scalar_values(), scalar.parameter_values(), atol=1e-9)


def test_sgd_with_momentum_works_on_tensors():
    net = TensorMLP(2, [4, 1], activation="tanh", seed=1)
    X = RNG.normal(size=(20, 2))
    y = np.where(X[:, 0] > 0, 1, -1)
    opt = SGD(net.parameters(), lr=0.1, momentum=0.9)
    first = None
    for _ in range(30):
        loss = mse_loss(net(X), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        first = loss.item() if first is None else first
    assert loss.item() < first
    assert math.isfinite(loss.item())


def test_graph_has_no_reference_cycles():
    """Dropping the root frees every interior node by reference counting alone (gc disabled)."""
    import gc
    import weakref

    gc.disable()
    try:
        x = Tensor(np.ones((3, 2)))
        W = Tensor(np.ones((2, 4)))
        h = (x @ W).relu()
        loss = (h * h).mean()
        loss.backward()
        ref = weakref.ref(h)
        del h, loss
        assert ref() is None
        assert W.grad.shape == (2, 4)  # leaves keep their gradients
    finally:
        gc.enable()


# --- edge cases that must match the scalar engine, not drift from it ---------------------


@pytest.mark.parametrize("bad", [None, "1.5", ["a", "b"], {"x": 1}])
def test_non_numbers_raise_typeerror_instead_of_becoming_nan(bad):
    with pytest.raises(TypeError, match="real numbers"):
        Tensor(bad)
    with pytest.raises(TypeError):
        Tensor([1.0, 2.0]) + bad


@pytest.mark.parametrize("loss", ["hinge", "mse", "bce"])
def test_tensor_losses_reject_labels_other_than_plus_minus_one(loss):
    with pytest.raises(ValueError, match="-1 or \\+1"):
        LOSSES[loss](Tensor([0.5, -0.5]), [0, 1])


def test_pow_zero_and_zero_to_the_zero_agree_with_the_scalar_engine():
    x = Tensor([0.0, 2.0])
    (x**0).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]  # Value(0.0) ** 0 has local derivative 0, not nan
    a, b = Tensor([0.0]), Tensor([0.0])
    out = a**b
    out.sum().backward()
    va, vb = Value(0.0), Value(0.0)
    vout = va**vb
    vout.backward()
    assert (out.data[0], a.grad[0], b.grad[0]) == (vout.data, va.grad, vb.grad) == (1.0, 0.0, 0.0)


def test_relu_gives_plus_zero_for_negatives_and_zero_for_minus_inf():
    out = Tensor([-math.inf, -1.0, 2.0]).relu().data
    assert out.tolist() == [0.0, 0.0, 2.0]
    assert not np.signbit(out[:2]).any()  # +0.0, as Value.relu, not -0.0
    assert math.isnan(Tensor([math.nan]).relu().data[0])  # nan still passes through


# --- the edges of the float range: the same points as the scalar engine ------------------


def test_tensor_division_by_a_tiny_divisor_and_zero_over_it_have_exact_gradients():
    # d/da ((a/b) g) = g / b; d/db = -g (a/b) / b: exact Fractions of the stored doubles
    a, b = Tensor([1e-320, 0.0, 0.0]), Tensor([1e-310, 5e-324, 5e-324])
    ((a / b) * np.array([1e-300, 1e-300, 1.0])).sum().backward()
    assert math.isclose(a.grad[0], 1e10, rel_tol=1e-12)
    assert math.isclose(a.grad[0], float(Fraction(1e-300) / Fraction(1e-310)), rel_tol=1e-15)
    assert math.isclose(a.grad[1], float(Fraction(1e-300) / Fraction(5e-324)), rel_tol=1e-12)
    assert a.grad[2] == math.inf  # 1 / 5e-324 = 2e323 is beyond the float range
    want_b = float(-Fraction(1e-300) * Fraction(1e-320) / Fraction(1e-310) ** 2)
    assert math.isclose(b.grad[0], want_b, rel_tol=1e-12), b.grad
    assert b.grad[1:].tolist() == [0.0, 0.0]  # -(g / b) * (a / b) would be inf * 0 = nan at g = 1


def test_tensor_division_gradients_are_exact_where_a_local_derivative_overflows():
    # the scalar engine's points (test_engine.py): 1/b or a/b^2 is beyond the float range at each
    x, y, g = zip((1.0, 1e-200, 1e-300), (1.0, 1e-200, 0.0), (-3.0, -1e-250, 1e-200), (1e-320, 1e-310, 1e-300),
                  (1e-300, 5e-324, 1e-300), strict=True)
    a, b = Tensor(x), Tensor(y)
    (a / b).backward(np.array(g))
    for i in range(len(x)):
        fx, fy, fg = Fraction(x[i]), Fraction(y[i]), Fraction(g[i])
        assert math.isclose(a.grad[i], float(fg / fy), rel_tol=1e-12), (i, a.grad[i])
        assert math.isclose(b.grad[i], float(-fg * fx / fy**2), rel_tol=1e-12), (i, b.grad[i])


def test_tensor_log_at_a_tiny_x_gives_the_exact_finite_gradient():
    x = Tensor(1e-320)
    (x.log() * 1e-300).backward()
    assert math.isclose(float(x.grad), float(Fraction(1e-300) / Fraction(1e-320)), rel_tol=1e-12)


def test_tensor_to_a_tensor_power_zero_gives_the_base_zero_gradient():
    # x^0 = 1: d/dx = 0 exactly, also where x^-1 overflows (1e-310, 5e-324); d/dy = ln x
    xs = [1e-310, 5e-324, 0.0, 2.0]
    x, y = Tensor(xs), Tensor([0.0, 0.0, 0.0, 0.0])
    (x**y).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0, 0.0]
    assert y.grad[3] == math.log(2.0) and math.isclose(y.grad[0], math.log(1e-310), rel_tol=1e-15)


def test_tensor_relu_that_is_off_blocks_an_infinite_upstream():
    # relu(x) ** 0.5 at x <= 0: the power sends inf, the relu sends 0 (PyTorch: 0), not inf * 0 = nan
    x = Tensor([-1.0, 0.0, 4.0])
    (x.relu() ** 0.5).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.25]
    u = Tensor([1.0])
    (u.relu() * math.inf).sum().backward()  # on: inf passes through
    assert u.grad.tolist() == [math.inf]


@pytest.mark.parametrize("ragged", [[[1, 2], [3]], [1.0, [2.0, 3.0]]])
def test_ragged_lists_raise_the_documented_typeerror(ragged):
    with pytest.raises(TypeError, match="real numbers"):
        Tensor(ragged)


def test_numbers_and_arrays_become_copied_constant_leaves():
    """`2 * s`, `1 - y * s`: the constant is a leaf of the graph, copied, so changing the caller's
    array after the forward pass does not change the gradient."""
    y = np.array([1.0, -2.0])
    s = Tensor([3.0, 4.0])
    out = (1 - y * s).sum()
    y[:] = 100.0
    out.backward()
    np.testing.assert_array_equal(s.grad, [-1.0, 2.0])  # d/ds of -(y s) with the y of the forward pass
    const, prod = out.children[0].children
    assert (const.op, const.data, prod.op) == ("", 1.0, "*")
    with pytest.raises(TypeError, match="real numbers"):
        s + 2**70  # too big for numpy's integers: the same TypeError as Tensor(2**70)


def test_each_node_names_its_op_as_the_scalar_engine_does():
    # one meaning per name: an op both engines have carries the Value engine's op name (the key of
    # the notation table students see), computed here by the Value engine itself
    a, b = Tensor([[1.0, 2.0]]), Tensor([[3.0], [4.0]])
    v = Value(2.0)
    shared = [(a + a, v + v), (a - a, v - v), (a * a, v * v), (a / a, v / v), (a**a, v**v), (-a, -v),
              (a.exp(), v.exp()), (a.log(), v.log()), (a.tanh(), v.tanh()), (a.sigmoid(), v.sigmoid()),
              (a.relu(), v.relu()), (a, v)]
    assert [t.op for t, _ in shared] == [s.op for _, s in shared]
    assert len({s.op for _, s in shared}) == len(shared)  # and no two ops share a name
    # ops only the Tensor engine has (a power by a constant is one op for any constant: '**c')
    only = {"**c": a**3, "@": a @ b, "sum": a.sum(), "mean": a.mean(), "reshape": a.reshape(2), "T": a.T,
            "hinge": hinge_loss(a.reshape(2), [1, -1]), "l2": l2_penalty([a], 0.1)}
    assert [t.op for t in only.values()] == list(only)
    assert not set(only) & {s.op for _, s in shared}


def test_tensor_mlp_from_mlp_copies_and_predict_is_the_graph_forward():
    s = MLP(2, [3, 1], activation="sigmoid", seed=4)
    t = TensorMLP.from_mlp(s)
    X = RNG.normal(size=(6, 2))
    np.testing.assert_array_equal(t.predict(X), t(X).data)
    before = t.to_scalar_values()
    s.parameters()[0].data += 1.0  # a copy: the scalar model changing leaves the TensorMLP alone
    np.testing.assert_array_equal(t.to_scalar_values(), before)
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        t.predict(np.ones((3, 5)))
    with pytest.raises(ValueError, match="unknown activation"):
        TensorMLP(2, [3, 1], activation="gelu", seed=0)


def test_tensor_zero_upstream_gives_zero_even_where_the_quotient_overflows():
    a, b = Tensor([1.0, 2.0]), Tensor([1e-310, 0.5])
    ((a / b) * 0.0).sum().backward()
    np.testing.assert_array_equal(a.grad, [0.0, 0.0])
    np.testing.assert_array_equal(b.grad, [0.0, 0.0])
