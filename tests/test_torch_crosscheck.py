"""Cross-check against PyTorch in float64: every op's value and gradient, losses, an MLP's
gradients, SGD against torch.optim.SGD, and 20 training steps of the original demo.

Skipped as a whole where torch is not importable (it is a test-only reference).
"""

import math

import pytest

torch = pytest.importorskip("torch")

from micrograd.demo import ALPHA, demo_data, demo_loss, demo_model  # noqa: E402
from micrograd.engine import Value  # noqa: E402
from micrograd.losses import bce_with_logits_loss, hinge_loss, l2_penalty, mse_loss  # noqa: E402
from micrograd.nn import MLP  # noqa: E402
from micrograd.optim import SGD  # noqa: E402

F = torch.nn.functional
DT = torch.float64


def tt(x):
    return torch.tensor(x, dtype=DT, requires_grad=True)


def same(a, b, rel=1e-12, abs_=1e-300):
    """Equal as floats, with inf == inf and nan == nan."""
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


# (name, micrograd op, torch op, points)
UNARY = [
    ("neg", lambda v: -v, lambda t: -t, [-2.0, 0.0, 3.5]),
    ("relu", lambda v: v.relu(), torch.relu, [-1.5, 0.0, 2.0]),
    ("tanh", lambda v: v.tanh(), torch.tanh, [-1000.0, -3.0, 0.0, 0.5, 20.0, 1000.0]),
    ("sigmoid", lambda v: v.sigmoid(), torch.sigmoid, [-1000.0, -30.0, -2.0, 0.0, 1.5, 30.0, 1000.0]),
    ("exp", lambda v: v.exp(), torch.exp, [-1000.0, -2.0, 0.0, 1.0, 700.0, 1000.0]),
    ("log", lambda v: v.log(), torch.log, [1e-300, 0.3, 1.0, 5.0, 1e300]),
    ("pow2", lambda v: v**2, lambda t: t**2, [-3.0, 0.0, 1.5, 1e-150, 1e200]),
    ("pow3", lambda v: v**3, lambda t: t**3, [-2.0, 0.0, 0.7, -1e200]),
    ("pow1", lambda v: v**1, lambda t: t**1, [-2.0, 0.0, 0.7]),
    ("pow0", lambda v: v**0, lambda t: t**0, [-2.0, 0.0, 0.7]),
    ("pow-1", lambda v: v**-1, lambda t: t**-1, [-2.0, 0.25]),
    ("pow0.5", lambda v: v**0.5, lambda t: t**0.5, [0.0, 0.01, 4.0]),
    ("pow1.5", lambda v: v**1.5, lambda t: t**1.5, [0.0, 0.3, 2.0]),
    ("pow-2.5", lambda v: v**-2.5, lambda t: t**-2.5, [0.5, 3.0]),
    ("radd", lambda v: 2 + v, lambda t: 2 + t, [-1.0, 4.0]),
    ("rsub", lambda v: 2 - v, lambda t: 2 - t, [-1.0, 4.0]),
    ("rmul", lambda v: 2 * v, lambda t: 2 * t, [-1.0, 4.0]),
    ("rdiv", lambda v: 2 / v, lambda t: 2 / t, [-1.0, 0.5, 4.0, 1e-300]),
    ("rpow", lambda v: 2**v, lambda t: 2**t, [-3.0, 0.0, 2.5, 2000.0]),
    ("add", lambda v: v + 1.5, lambda t: t + 1.5, [-1.0, 4.0]),
    ("sub", lambda v: v - 1.5, lambda t: t - 1.5, [-1.0, 4.0]),
    ("mul", lambda v: v * -0.5, lambda t: t * -0.5, [-1.0, 4.0]),
    ("div", lambda v: v / 3.0, lambda t: t / 3.0, [-1.0, 4.0]),
]
UNARY_CASES = [(n, m, t, x) for n, m, t, pts in UNARY for x in pts]


@pytest.mark.parametrize("name,mop,top,x", UNARY_CASES, ids=[f"{c[0]}@{c[3]}" for c in UNARY_CASES])
def test_unary_ops_match_torch(name, mop, top, x):
    v = Value(x)
    out = mop(v)
    out.backward()
    t = tt(x)
    tout = top(t)
    tout.backward()
    assert same(out.data, tout.item()), (out.data, tout.item())
    assert same(v.grad, t.grad.item()), (v.grad, t.grad.item())


BINARY = [
    ("add", lambda a, b: a + b),
    ("sub", lambda a, b: a - b),
    ("mul", lambda a, b: a * b),
    ("div", lambda a, b: a / b),
    ("pow", lambda a, b: a**b),
]
PAIRS = [(1.5, 2.0), (0.3, -1.25), (2.0, 0.5), (4.0, -2.0), (0.0, 2.0), (1e-3, 3.0), (1.0, 1e-300),
         (1e200, 2.0)]
BINARY_CASES = [(n, op, x, y) for n, op in BINARY for x, y in PAIRS]


def _assert_matches_torch(f, x, y):
    """f(a, b) and its two gradients through our engine equal torch float64's; returns (a, b)."""
    a, b = Value(x), Value(y)
    out = f(a, b)
    out.backward()
    ta, tb = tt(x), tt(y)
    tout = f(ta, tb)
    tout.backward()
    assert same(out.data, tout.item()), (out.data, tout.item())
    assert same(a.grad, ta.grad.item()), (a.grad, ta.grad.item())
    assert same(b.grad, tb.grad.item()), (b.grad, tb.grad.item())
    return a, b


@pytest.mark.parametrize("name,op,x,y", BINARY_CASES, ids=[f"{c[0]}@{c[2]},{c[3]}" for c in BINARY_CASES])
def test_binary_ops_match_torch(name, op, x, y):
    _assert_matches_torch(op, x, y)


def test_original_more_ops_match_torch(more_ops):
    # the original micrograd's test_more_ops, whose figures it recorded from PyTorch
    _assert_matches_torch(more_ops, -4.0, 2.0)


def test_gradients_accumulate_over_backward_calls_as_in_torch():
    # two roots sharing a leaf add up in it; a later backward from an interior node c adds
    # dc/dc = 1 to c.grad and dc/dx below c (torch: retain_graph keeps the graph, retain_grad
    # keeps c.grad); test_engine.py asserts the same rules by hand
    def run(a, b, keep_grad, backward):
        c = a * b
        keep_grad(c)
        e = (c.tanh() + a.exp()) * c + b**2
        for root in (a * 3.0, a**2, e, c):
            backward(root)
        return [float(v.grad) for v in (a, b, c)]

    got = run(Value(1.5), Value(-0.5), lambda v: None, Value.backward)
    want = run(tt(1.5), tt(-0.5), torch.Tensor.retain_grad, lambda t: t.backward(retain_graph=True))
    assert all(same(g, w, rel=1e-14) for g, w in zip(got, want, strict=True)), (got, want)


def test_relu_passes_nan_through_as_torch():
    # the value only: torch's relu sends gradient 1 at nan, ours 0 (the off branch, x > 0 is false)
    assert math.isnan(Value(math.nan).relu().data) and math.isnan(torch.relu(torch.tensor(math.nan, dtype=DT)))


# --- losses ------------------------------------------------------------------------------

SCORES = [0.5, -2.0, 3.0, 0.0, 1000.0, -1000.0, 30.0]
YS = [1, 1, -1, -1, 1, 1, -1]


def _loss_case(mloss, tloss):
    vs = [Value(s) for s in SCORES]
    out = mloss(vs, YS)
    out.backward()
    t = tt(SCORES)
    y = torch.tensor(YS, dtype=DT)
    tout = tloss(t, y)
    tout.backward()
    return out, [v.grad for v in vs], tout.item(), t.grad.tolist()


def test_hinge_loss_matches_torch():
    out, g, tout, tg = _loss_case(hinge_loss, lambda s, y: torch.relu(1 - y * s).mean())
    assert same(out.data, tout)
    assert all(same(a, b) for a, b in zip(g, tg, strict=True)), (g, tg)


def test_mse_loss_matches_torch():
    out, g, tout, tg = _loss_case(mse_loss, lambda s, y: F.mse_loss(s, y))
    assert same(out.data, tout)
    assert all(same(a, b) for a, b in zip(g, tg, strict=True)), (g, tg)


def test_bce_with_logits_matches_torch():
    out, g, tout, tg = _loss_case(bce_with_logits_loss,
                                  lambda s, y: F.binary_cross_entropy_with_logits(s, (y + 1) / 2))
    assert math.isfinite(out.data)
    assert math.isclose(out.data, tout, rel_tol=1e-12)
    assert all(math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300) for a, b in zip(g, tg, strict=True)), (g, tg)


def test_l2_penalty_matches_torch():
    vals = [0.5, -2.0, 3.0, 1e-3]
    ps = [Value(v) for v in vals]
    out = l2_penalty(ps, 1e-4)
    out.backward()
    t = tt(vals)
    tout = 1e-4 * (t * t).sum()
    tout.backward()
    assert same(out.data, tout.item(), rel=1e-14)
    assert all(same(p.grad, g, rel=1e-14) for p, g in zip(ps, t.grad.tolist(), strict=True))


# --- MLP ---------------------------------------------------------------------------------

TORCH_ACT = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid,
             "linear": torch.nn.Identity}


def torch_copy(model):
    """A float64 torch.nn.Sequential with the micrograd model's weights copied in."""
    mods = []
    for i, layer in enumerate(model.layers):
        nin, nout = len(layer.neurons[0].w), len(layer.neurons)
        lin = torch.nn.Linear(nin, nout, dtype=DT)
        with torch.no_grad():
            lin.weight.copy_(torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=DT))
            lin.bias.copy_(torch.tensor([n.b.data for n in layer.neurons], dtype=DT))
        mods.append(lin)
        if i < len(model.layers) - 1:
            mods.append(TORCH_ACT[model.activation]())
    return torch.nn.Sequential(*mods)


def torch_params_in_micrograd_order(tmodel):
    """The torch parameters as a flat list of (tensor, index) in parameters() order."""
    out = []
    for lin in tmodel:
        if isinstance(lin, torch.nn.Linear):
            for i in range(lin.out_features):
                out += [(lin.weight, (i, j)) for j in range(lin.in_features)]
                out.append((lin.bias, (i,)))
    return out


def torch_grads(tmodel):
    return [float(p.grad[idx]) for p, idx in torch_params_in_micrograd_order(tmodel)]


def torch_values(tmodel):
    return [float(p.detach()[idx]) for p, idx in torch_params_in_micrograd_order(tmodel)]


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_mlp_gradients_match_torch(activation):
    model = MLP(3, [8, 6, 1], activation=activation, seed=21)
    tmodel = torch_copy(model)
    assert torch_values(tmodel) == model.parameter_values()
    gen = torch.Generator().manual_seed(0)
    X = torch.randn(12, 3, generator=gen, dtype=DT) * 1.5
    y = torch.where(torch.randn(12, generator=gen, dtype=DT) > 0, 1.0, -1.0).to(DT)

    scores = [model(x) for x in X.tolist()]
    loss = hinge_loss(scores, y.tolist()) + l2_penalty(model.parameters(), 1e-3)
    model.zero_grad()
    loss.backward()

    tscores = tmodel(X).squeeze(1)
    tloss = torch.relu(1 - y * tscores).mean() + 1e-3 * sum((p * p).sum() for p in tmodel.parameters())
    tloss.backward()

    assert same(loss.data, tloss.item(), rel=1e-12)
    assert all(same(s.data, t, rel=1e-12, abs_=1e-14) for s, t in zip(scores, tscores.tolist(), strict=True))
    got, want = [p.grad for p in model.parameters()], torch_grads(tmodel)
    for k, (a, b) in enumerate(zip(got, want, strict=True)):
        assert math.isclose(a, b, rel_tol=1e-10, abs_tol=1e-13), (k, a, b)
    # the numpy forward agrees with torch as well
    pred = model.predict(X.numpy())
    assert max(abs(a - b) for a, b in zip(pred.tolist(), tscores.tolist(), strict=True)) < 1e-12


def test_sgd_matches_torch_optim_sgd():
    for momentum in (0.0, 0.9):
        model = MLP(2, [6, 1], activation="tanh", seed=3)
        tmodel = torch_copy(model)
        opt = SGD(model.parameters(), lr=0.3, momentum=momentum)
        topt = torch.optim.SGD(tmodel.parameters(), lr=0.3, momentum=momentum)
        X = [[0.5, -1.0], [1.0, 0.3], [-0.4, 0.8]]
        ys = [1.0, -1.0, 1.0]
        tX, ty = torch.tensor(X, dtype=DT), torch.tensor(ys, dtype=DT)
        for k in range(6):
            lr = 0.3 * (1 - k / 10)
            opt.lr = lr
            for group in topt.param_groups:
                group["lr"] = lr
            opt.zero_grad()
            mse_loss([model(x) for x in X], ys).backward()
            opt.step()
            topt.zero_grad()
            F.mse_loss(tmodel(tX).squeeze(1), ty).backward()
            topt.step()
            for a, b in zip(model.parameter_values(), torch_values(tmodel), strict=True):
                assert math.isclose(a, b, rel_tol=1e-11, abs_tol=1e-13), (momentum, k, a, b)


def test_twenty_demo_steps_match_torch():
    X, y = demo_data()
    model = demo_model()
    tmodel = torch_copy(model)
    tX = torch.tensor(X, dtype=DT)
    ty = torch.tensor(y, dtype=DT)
    for k in range(20):
        total, acc = demo_loss(model, X, y)
        model.zero_grad()
        total.backward()

        tscores = tmodel(tX).squeeze(1)
        tdata = torch.relu(1 + -ty * tscores).mean()
        treg = ALPHA * sum((p * p).sum() for p in tmodel.parameters())
        ttotal = tdata + treg
        tacc = ((ty > 0) == (tscores > 0)).to(DT).mean().item()
        tmodel.zero_grad()
        ttotal.backward()

        assert abs(total.data - ttotal.item()) <= 1e-9, (k, total.data, ttotal.item())
        assert acc == tacc, k

        lr = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= lr * p.grad
        with torch.no_grad():
            for p in tmodel.parameters():
                p -= lr * p.grad


# --- edge points where a local derivative overflows or meets an inf upstream --------------

# (name, f(a, b) on Values and on tensors alike, a, b)
EDGES = [
    ("tiny divisor", lambda a, b: (a / b) * 1e-300, 1e-320, 1e-310),
    ("0 / 5e-324", lambda a, b: a / b, 0.0, 5e-324),
    ("0 / 5e-324, upstream 0", lambda a, b: (a / b) * 0.0, 0.0, 5e-324),
    ("0 / 5e-324, upstream 1e-300", lambda a, b: (a / b) * 1e-300, 0.0, 5e-324),
    ("log tiny", lambda a, b: a.log() * 1e-300 + b, 1e-320, 1.0),
    ("tiny ** 0", lambda a, b: a**b, 1e-310, 0.0),
    ("smallest ** 0", lambda a, b: a**b, 5e-324, 0.0),
    ("relu(-1) ** 0.5", lambda a, b: a.relu() ** 0.5 + b, -1.0, 1.0),
    ("relu(0) ** 0.5", lambda a, b: a.relu() ** 0.5 + b, 0.0, 1.0),
    ("relu(-1) ** 0.5 * b", lambda a, b: a.relu() ** 0.5 * b, -1.0, 2.0),
    ("relu(-1e-300) ** 0.5", lambda a, b: a.relu() ** 0.5 + b, -1e-300, 1.0),
    ("0 ** 0", lambda a, b: a**b, 0.0, 0.0),
]


@pytest.mark.parametrize("name,f,x,y", EDGES, ids=[e[0] for e in EDGES])
def test_edge_gradients_match_torch(name, f, x, y):
    a, b = _assert_matches_torch(f, x, y)
    assert not math.isnan(a.grad) and not math.isnan(b.grad)  # torch has no nan at any of these points
