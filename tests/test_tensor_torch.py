"""The Tensor engine against PyTorch (float64) as an independent reference."""

import numpy as np
import pytest

from micrograd.demo import demo_data, demo_model
from micrograd.tensor import LOSSES, Tensor, TensorMLP, l2_penalty

torch = pytest.importorskip("torch")
F = torch.nn.functional

RNG = np.random.default_rng(42)


def both(op, *arrays):
    """Run op on Tensors and on torch tensors; backprop sum(out * R); return both results."""
    ts = [Tensor(a) for a in arrays]
    out = op(*ts)
    R = RNG.normal(size=out.shape)
    (out * R).sum().backward()
    tt = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    tout = op(*tt)
    (tout * torch.tensor(R)).sum().backward()
    return ts, out, tt, tout


POS = RNG.uniform(0.5, 2.0, size=(3, 4))
ANY = RNG.normal(size=(3, 4))


@pytest.mark.parametrize(
    "op, args",
    [
        (lambda a, b: a + b, (ANY, RNG.normal(size=4))),
        (lambda a, b: a - b, (ANY, RNG.normal(size=(3, 1)))),
        (lambda a, b: a * b, (ANY, RNG.normal(size=(1, 4)))),
        (lambda a, b: a / b, (ANY, POS)),
        (lambda a: a**3, (ANY,)),
        (lambda a, b: a**b, (POS, ANY)),
        (lambda a: -a, (ANY,)),
        (lambda a: a.exp(), (ANY,)),
        (lambda a: a.log(), (POS,)),
        (lambda a: a.tanh(), (ANY,)),
        (lambda a: a.sigmoid(), (ANY * 20,)),
        (lambda a: a.relu(), (ANY,)),
        (lambda a, b: a @ b, (ANY, RNG.normal(size=(4, 2)))),
        (lambda a: a.sum(), (ANY,)),
        (lambda a: a.sum(0), (ANY,)),
        (lambda a: a.mean(), (ANY,)),
        (lambda a: a.mean(1), (ANY,)),
        (lambda a: a.reshape(6, 2), (ANY,)),
        (lambda a: a.T, (ANY,)),
    ],
)
def test_op_values_and_gradients_match_torch(op, args):
    ts, out, tt, tout = both(op, *args)
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-13, atol=1e-13)
    for t, ref in zip(ts, tt, strict=True):
        np.testing.assert_allclose(t.grad, ref.grad.numpy(), rtol=1e-12, atol=1e-13)


def torch_loss(name, s, y):
    y = torch.tensor(y, dtype=torch.float64)
    if name == "hinge":
        return (1 - y * s).relu().mean()
    if name == "mse":
        return F.mse_loss(s, y)
    return F.binary_cross_entropy_with_logits(s, (y + 1) / 2)


@pytest.mark.parametrize("name", ["hinge", "mse", "bce"])
def test_losses_match_torch(name):
    s = RNG.normal(size=9) * 4
    y = np.where(RNG.normal(size=9) > 0, 1.0, -1.0)
    t = Tensor(s)
    out = LOSSES[name](t, y)
    out.backward()
    ts = torch.tensor(s, requires_grad=True)
    ref = torch_loss(name, ts, y)
    ref.backward()
    assert out.item() == pytest.approx(ref.item(), abs=1e-14)
    np.testing.assert_allclose(t.grad, ts.grad.numpy(), atol=1e-15)


def test_demo_training_matches_torch_for_20_steps():
    X, y = demo_data()
    net = TensorMLP.from_mlp(demo_model())
    params = net.parameters()
    tp = [torch.tensor(p.data.copy(), requires_grad=True) for p in params]
    Xt = torch.tensor(X)
    for k in range(20):
        lr = 1.0 - 0.9 * k / 100
        total = LOSSES["hinge"](net(X), y) + l2_penalty(params, 1e-4)
        net.zero_grad()
        total.backward()
        h = Xt
        for i in range(0, len(tp), 2):
            h = h @ tp[i] + tp[i + 1]
            if i < len(tp) - 2:
                h = h.relu()
        ref = torch_loss("hinge", h.reshape(-1), y) + 1e-4 * sum((p * p).sum() for p in tp)
        for p in tp:
            p.grad = None
        ref.backward()
        assert total.item() == pytest.approx(ref.item(), abs=1e-10)
        for p, q in zip(params, tp, strict=True):
            np.testing.assert_allclose(p.grad, q.grad.numpy(), atol=1e-10)
        with torch.no_grad():
            for p, q in zip(params, tp, strict=True):
                p.data -= lr * p.grad
                q -= lr * q.grad


# the edges of the float range: (f on Tensors and torch tensors alike, a, b, upstream d(root)/d(out))
EDGES = [
    ("tiny divisor", lambda a, b: a / b, [1e-320, 0.0, 0.0], [1e-310, 5e-324, 5e-324], [1e-300, 1e-300, 1.0]),
    ("log tiny", lambda a, b: a.log() + b, [1e-320, 1.0], [0.0, 0.0], [1e-300, 1.0]),
    ("x ** 0", lambda a, b: a**b, [1e-310, 5e-324, 0.0, 2.0], [0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0]),
    ("relu ** 0.5", lambda a, b: a.relu() ** 0.5 * b, [-1.0, 0.0, 4.0], [2.0, 2.0, 2.0], [1.0, 1.0, 1.0]),
]


@pytest.mark.parametrize("name,f,x,y,g", EDGES, ids=[e[0] for e in EDGES])
def test_edge_gradients_match_torch(name, f, x, y, g):
    a, b = Tensor(x), Tensor(y)
    f(a, b).backward(np.array(g))
    ta, tb = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (x, y))
    f(ta, tb).backward(torch.tensor(g, dtype=torch.float64))
    for got, ref in ((a.grad, ta.grad), (b.grad, tb.grad)):
        assert not np.isnan(ref.numpy()).any()  # torch has no nan at these points, so neither may we
        np.testing.assert_allclose(got, ref.numpy(), rtol=1e-12, atol=0)
