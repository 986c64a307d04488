"""Tests for micrograd.nn: shapes, parameter order, seeding, activations, predict, errors.

References: the original micrograd's initialisation loop re-implemented here, a plain-float
forward pass written from the parameter list, and central finite differences.
"""

import math
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from micrograd.engine import Value
from micrograd.nn import MLP, Layer, Module, Neuron

ACTS = {
    "relu": lambda x: max(0.0, x),
    "tanh": math.tanh,
    "sigmoid": lambda x: math.exp(-math.log1p(math.exp(-x))) if x > -700 else 0.0,
    "linear": lambda x: x,
}


@pytest.fixture(autouse=True)
def keep_global_random_state():
    """Tests here reseed the global generator; put it back afterwards."""
    state = random.getstate()
    yield
    random.setstate(state)


def original_init(nin, nouts, seed):
    """The original micrograd's initial parameters, in its parameters() order.

    Its Neuron does ``self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]`` and
    ``self.b = Value(0)``; layers are built one after another, neurons one after another.
    """
    random.seed(seed)
    sz = [nin] + list(nouts)
    values = []
    for i in range(len(nouts)):
        for _ in range(sz[i + 1]):
            values += [random.uniform(-1, 1) for _ in range(sz[i])]
            values.append(0.0)
    return values


def reference_forward(params, nin, nouts, activation, x):
    """Forward pass on plain floats from a flat parameter list in parameters() order."""
    it = iter(params)
    a = [float(v) for v in x]
    sz = [nin] + list(nouts)
    for i in range(len(nouts)):
        out = []
        for _ in range(sz[i + 1]):
            w = [next(it) for _ in range(sz[i])]
            b = next(it)
            s = b + sum(wi * ai for wi, ai in zip(w, a, strict=True))
            out.append(ACTS[activation](s) if i < len(nouts) - 1 else s)
        a = out
    return a


# --- structure -------------------------------------------------------------------------


STDLIB_ONLY_SCRIPT = """
import sys
import micrograd.nn
model = micrograd.nn.MLP(2, [3, 1], seed=0)
model([0.5, -1.0]).backward()
before = sorted(m for m in ("numpy", "micrograd.functional") if m in sys.modules)
model.predict([[0.5, -1.0]])
print(before, "numpy" in sys.modules)
"""


def test_nn_needs_only_the_standard_library_until_predict_is_called():
    # a fresh interpreter, so nothing imported by other tests is already loaded
    proc = subprocess.run([sys.executable, "-c", STDLIB_ONLY_SCRIPT], cwd=Path(__file__).resolve().parents[1],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["[]", "True"]


def test_parameter_count_matches_the_original_demo():
    # the original demo.ipynb prints "number of parameters 337" for MLP(2, [16, 16, 1])
    model = MLP(2, [16, 16, 1], seed=0)
    assert len(model.parameters()) == 337
    assert len(MLP(3, [4, 4, 1], seed=0).parameters()) == (3 + 1) * 4 + (4 + 1) * 4 + (4 + 1)


def test_parameters_order_is_each_neurons_weights_then_bias():
    model = MLP(3, [4, 2], seed=1)
    expected = []
    for layer in model.layers:
        for neuron in layer.neurons:
            expected += neuron.w + [neuron.b]
    got = model.parameters()
    assert len(got) == len(expected)
    assert all(p is q for p, q in zip(got, expected, strict=True))
    assert all(isinstance(p, Value) for p in got)
    assert len({id(p) for p in got}) == len(got)
    layer = model.layers[0]
    by_hand = [p for n in layer.neurons for p in n.w + [n.b]]
    assert all(p is q for p, q in zip(layer.parameters(), by_hand, strict=True))
    n = layer.neurons[0]
    assert n.parameters()[-1] is n.b and n.parameters()[:-1] == n.w


def test_layer_returns_value_for_one_neuron_and_list_otherwise():
    one = Layer(3, 1, seed=0)
    out = one([1.0, 2.0, 3.0])
    assert isinstance(out, Value)
    many = Layer(3, 4, seed=0)
    outs = many([1.0, 2.0, 3.0])
    assert isinstance(outs, list) and len(outs) == 4 and all(isinstance(o, Value) for o in outs)
    assert len(many.parameters()) == 4 * 4


def test_mlp_with_one_wide_hidden_layer_works():
    model = MLP(2, [16, 1, 1], seed=3)
    out = model([0.5, -1.0])
    assert isinstance(out, Value)
    want = reference_forward(model.parameter_values(), 2, [16, 1, 1], "relu", [0.5, -1.0])
    assert math.isclose(out.data, want[0], rel_tol=1e-12, abs_tol=1e-15)
    out.backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    assert model.predict(np.array([[0.5, -1.0], [1.0, 2.0]])).shape == (2,)


def test_mlp_output_shapes():
    single = MLP(2, [4, 1], seed=0)
    assert isinstance(single([1.0, 2.0]), Value)
    multi = MLP(2, [4, 3], seed=0)
    out = multi([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 3
    X = np.random.default_rng(0).normal(size=(7, 2))
    assert single.predict(X).shape == (7,)
    assert multi.predict(X).shape == (7, 3)
    assert single.predict(X).dtype == np.float64


def test_neuron_default_is_relu_and_nonlin_false_is_linear():
    n = Neuron(2, seed=0)
    n.w[0].data, n.w[1].data, n.b.data = 1.0, 2.0, -10.0
    assert n([1.0, 1.0]).data == 0.0  # relu(-7)
    lin = Neuron(2, nonlin=False, seed=0)
    lin.w[0].data, lin.w[1].data, lin.b.data = 1.0, 2.0, -10.0
    assert lin([1.0, 1.0]).data == -7.0
    assert Neuron(2, seed=0).b.data == 0.0


def test_repr_follows_the_original():
    model = MLP(2, [3, 1], seed=0)
    text = repr(model)
    assert text.startswith("MLP of [Layer of [ReLUNeuron(2)")
    assert "LinearNeuron(3)" in text


# --- seeding ---------------------------------------------------------------------------


def test_seed_is_reproducible_and_leaves_global_random_alone():
    random.seed(42)
    state = random.getstate()
    a = MLP(2, [8, 8, 1], seed=7)
    b = MLP(2, [8, 8, 1], seed=7)
    c = MLP(2, [8, 8, 1], seed=8)
    r = MLP(2, [8, 8, 1], rng=random.Random(7))
    Neuron(3, seed=1)
    Layer(3, 2, seed=1)
    assert random.getstate() == state
    assert a.parameter_values() == b.parameter_values() == r.parameter_values()
    assert a.parameter_values() != c.parameter_values()


def test_seed_gives_the_originals_weights_for_that_seed():
    model = MLP(2, [16, 16, 1], seed=1337)
    assert model.parameter_values() == original_init(2, [16, 16, 1], 1337)


def test_global_seed_reproduces_the_original_micrograd_init():
    ref = original_init(2, [16, 16, 1], 1337)
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    assert model.parameter_values() == ref
    assert all(type(v) is float for v in model.parameter_values())
    assert all(-1.0 <= v <= 1.0 for v in ref)
    random.seed(5)
    ws = [random.uniform(-1, 1) for _ in range(3)]
    random.seed(5)
    n = Neuron(3)
    assert [w.data for w in n.w] == ws and n.b.data == 0.0


def test_seed_and_rng_together_is_an_error():
    with pytest.raises(ValueError):
        MLP(2, [1], seed=1, rng=random.Random(1))


# --- forward, activations, predict -------------------------------------------------------


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_forward_matches_a_plain_float_reference(activation):
    nouts = [5, 4, 1]
    model = MLP(3, nouts, activation=activation, seed=11)
    params = model.parameter_values()
    rs = np.random.default_rng(1)
    for x in rs.normal(scale=2.0, size=(6, 3)).tolist():
        got = model(x).data
        want = reference_forward(params, 3, nouts, activation, x)[0]
        assert math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-14)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_last_layer_is_linear(activation):
    # an output far outside the activation's range shows no activation was applied to it
    model = MLP(2, [3, 1], activation=activation, seed=0)
    out_neuron = model.layers[-1].neurons[0]
    for w in out_neuron.w:
        w.data = 0.0
    out_neuron.b.data = -5.0
    assert model([0.3, 0.4]).data == -5.0
    hidden = model.layers[0].forward([Value(0.3), Value(0.4)])
    raw = [n.b.data + sum(w.data * x for w, x in zip(n.w, (0.3, 0.4), strict=True))
           for n in model.layers[0].neurons]
    for h, s in zip(hidden, raw, strict=True):
        assert math.isclose(h.data, ACTS[activation](s), rel_tol=1e-14, abs_tol=1e-15)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
@pytest.mark.parametrize("nouts", [[16, 16, 1], [8, 3], [4, 1, 1]])
def test_predict_equals_value_forward(activation, nouts):
    model = MLP(2, nouts, activation=activation, seed=5)
    X = np.random.default_rng(2).normal(scale=3.0, size=(25, 2))
    X[0] = [40.0, -40.0]  # saturates tanh / sigmoid
    pred = model.predict(X)
    for i, x in enumerate(X.tolist()):
        out = model(x)
        row = [out.data] if isinstance(out, Value) else [o.data for o in out]
        got = np.atleast_1d(pred[i])
        assert np.allclose(got, row, rtol=1e-12, atol=1e-12), (got, row)


def test_predict_accepts_lists_and_tracks_parameter_updates():
    model = MLP(2, [4, 1], seed=0)
    before = model.predict([[1.0, 2.0]])
    for p in model.parameters():
        p.data += 0.5
    after = model.predict([[1.0, 2.0]])
    assert after[0] == pytest.approx(model([1.0, 2.0]).data, rel=1e-12)
    assert after[0] != before[0]


def test_gradients_reach_inputs_and_parameters():
    model = MLP(2, [3, 1], activation="tanh", seed=4)
    x = [Value(0.7), Value(-0.2)]
    out = model(x)
    out.backward()
    params = model.parameter_values()

    def f_x(k, t):
        xs = [0.7, -0.2]
        xs[k] = t
        return reference_forward(params, 2, [3, 1], "tanh", xs)[0]

    for k, xv in enumerate((0.7, -0.2)):
        h = 1e-6
        num = (f_x(k, xv + h) - f_x(k, xv - h)) / (2 * h)
        assert math.isclose(x[k].grad, num, rel_tol=1e-6, abs_tol=1e-9)
    for k, p in enumerate(model.parameters()):
        h = 1e-6
        up, down = list(params), list(params)
        up[k] += h
        down[k] -= h
        num = (reference_forward(up, 2, [3, 1], "tanh", [0.7, -0.2])[0]
               - reference_forward(down, 2, [3, 1], "tanh", [0.7, -0.2])[0]) / (2 * h)
        assert math.isclose(p.grad, num, rel_tol=1e-6, abs_tol=1e-9)


def test_zero_grad_and_parameter_values_roundtrip():
    model = MLP(2, [3, 1], seed=0)
    model([1.0, 1.0]).backward()
    assert any(p.grad for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())
    vals = [float(i) for i in range(len(model.parameters()))]
    model.set_parameter_values(np.array(vals))
    assert model.parameter_values() == vals
    assert all(type(p.data) is float for p in model.parameters())
    with pytest.raises(ValueError):
        model.set_parameter_values(vals[:-1])
    assert Module().parameters() == []


# --- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: MLP(0, [1]),
        lambda: MLP(-1, [2, 1]),
        lambda: MLP(2, []),
        lambda: MLP(2, [0]),
        lambda: MLP(2, [4, 0, 1]),
        lambda: MLP(2, [4, -2, 1]),
        lambda: MLP(2, [1.5]),
        lambda: MLP(2.5, [1]),
        lambda: MLP(2, [4, 1], activation="softmax"),
        lambda: MLP(2, [1], activation="ReLU "),
        lambda: Neuron(0),
        lambda: Neuron(2, activation="gelu"),
        lambda: Layer(2, 0),
    ],
)
def test_bad_shapes_and_activations_raise_valueerror(make):
    with pytest.raises(ValueError):
        make()


def test_wrong_input_length_raises_valueerror():
    model = MLP(2, [3, 1], seed=0)
    with pytest.raises(ValueError):
        model([1.0, 2.0, 3.0])
    with pytest.raises(ValueError):
        model([1.0])
    with pytest.raises(ValueError):
        Neuron(3, seed=0)([1.0, 2.0])
    with pytest.raises(ValueError):
        model.predict(np.zeros((4, 3)))
    with pytest.raises(ValueError):
        model.predict(np.zeros(2))


def test_non_number_input_raises_typeerror():
    model = MLP(2, [3, 1], seed=0)
    with pytest.raises(TypeError):
        model(["a", 1.0])
