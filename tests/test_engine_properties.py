"""Property tests for the engine: hypothesis builds random expression graphs (DAGs over a few
leaves, with shared subexpressions and fan-out) and every leaf's gradient is checked against
a central finite difference of the same expression evaluated on plain floats.

Domains are kept where every op is defined: log and ** 0.5 see x*x + 1, a Value exponent's
base is sigmoid(x) + 0.5 > 0, division is by x*x + 1. ReLU kinks are avoided by rejecting
graphs where a ReLU input is within 1e-2 of zero.
"""

import math

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from micrograd.engine import Value

# op name -> (arity, builder on Values)
OPS = {
    "add": (2, lambda a, b: a + b),
    "sub": (2, lambda a, b: a - b),
    "mul": (2, lambda a, b: a * b),
    "div": (2, lambda a, b: a / (b * b + 1)),
    "vpow": (2, lambda a, b: (a.sigmoid() + 0.5) ** b.tanh()),
    "neg": (1, lambda a: -a),
    "tanh": (1, lambda a: a.tanh()),
    "sigmoid": (1, lambda a: a.sigmoid()),
    "gauss": (1, lambda a: (-(a * a)).exp()),
    "exp_tanh": (1, lambda a: a.tanh().exp()),
    "log": (1, lambda a: (a * a + 1).log()),
    "sqrt": (1, lambda a: (a * a + 1) ** 0.5),
    "square": (1, lambda a: a**2),
    "cube": (1, lambda a: a**3),
    "inv": (1, lambda a: 1 / (a * a + 1)),
    "rsub": (1, lambda a: 1.5 - a),
    "rmul": (1, lambda a: 0.5 * a),
    "rpow": (1, lambda a: 2 ** a.tanh()),
    "radd": (1, lambda a: 3 + a),
    "relu": (1, lambda a: a.relu()),
    # the fused neuron node, with a repeated input and a constant one
    "wsum": (2, lambda a, b: Value.weighted_sum([a, b], [b, 1.5], a)),
}

LIMIT = 50.0  # reject graphs whose intermediate values leave [-LIMIT, LIMIT]


@st.composite
def programs(draw):
    """A random DAG: leaf values, then ops whose operands index any earlier node."""
    n_leaves = draw(st.integers(1, 4))
    leaves = draw(st.lists(st.floats(-2.0, 2.0, allow_nan=False), min_size=n_leaves, max_size=n_leaves))
    steps = []
    for k in range(draw(st.integers(1, 12))):
        name = draw(st.sampled_from(sorted(OPS)))
        size = n_leaves + k
        i = draw(st.integers(0, size - 1))
        j = draw(st.integers(0, size - 1))  # may equal i: a * a, a + a
        steps.append((name, i, j))
    return leaves, steps


def build(leaf_values, steps, bump=None):
    """Replay a program; returns (output, leaves, smallest |ReLU input|, largest |node|, op nodes).

    bump=(s, h) adds h to the output of step s, for a finite difference at an interior node.
    """
    leaves = [Value(x) for x in leaf_values]
    pool = list(leaves)
    relu_margin = math.inf
    biggest = 0.0
    for s, (name, i, j) in enumerate(steps):
        arity, fn = OPS[name]
        a, b = pool[i], pool[j]
        if name == "relu":
            relu_margin = min(relu_margin, abs(a.data))
        out = fn(a, b) if arity == 2 else fn(a)
        if bump is not None and bump[0] == s:
            out = out + bump[1]
        biggest = max(biggest, abs(out.data))
        pool.append(out)
    # every op's output feeds the root, so nodes with several parents are common
    root = pool[len(leaves)]
    for node in pool[len(leaves) + 1:]:
        root = root + node
    return root, leaves, relu_margin, biggest, pool[len(leaves):]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_random_graph_gradients_match_central_differences(program):
    leaf_values, steps = program
    root, leaves, relu_margin, biggest, _ = build(leaf_values, steps)
    assume(biggest <= LIMIT and math.isfinite(root.data))
    assume(relu_margin > 1e-2)
    root.backward()
    assert root.grad == 1.0
    for k, leaf in enumerate(leaves):
        x = leaf_values[k]
        h = 1e-5 * max(1.0, abs(x))

        def f(t, k=k):
            vals = list(leaf_values)
            vals[k] = t
            return build(vals, steps)[0].data

        numeric = (f(x + h) - f(x - h)) / (2 * h)
        scale = max(1.0, abs(root.data))
        assert math.isclose(leaf.grad, numeric, rel_tol=1e-5, abs_tol=1e-6 * scale), (
            k, leaf.grad, numeric, steps)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_random_graph_interior_node_gradients(program):
    # d(root)/d(node) for every op output: nudge that node's value by +-h and rerun
    leaf_values, steps = program
    root, _, relu_margin, biggest, nodes = build(leaf_values, steps)
    assume(biggest <= LIMIT and relu_margin > 1e-2)
    root.backward()
    scale = max(1.0, abs(root.data))
    for s, node in enumerate(nodes):
        h = 1e-5 * max(1.0, abs(node.data))
        up = build(leaf_values, steps, bump=(s, h))[0].data
        down = build(leaf_values, steps, bump=(s, -h))[0].data
        numeric = (up - down) / (2 * h)
        assert math.isclose(node.grad, numeric, rel_tol=1e-5, abs_tol=1e-6 * scale), (
            s, node.grad, numeric, steps)


@settings(max_examples=60, deadline=None)
@given(programs())
def test_second_backward_doubles_every_grad_and_topo_is_sound(program):
    leaf_values, steps = program
    root, leaves, _, biggest, _ = build(leaf_values, steps)
    assume(biggest <= LIMIT)
    order = root.topo_order()
    pos = {id(v): i for i, v in enumerate(order)}
    assert len(pos) == len(order) and order[-1] is root
    for v in order:
        for child in v.children:
            assert pos[id(child)] < pos[id(v)]
    root.backward()
    first = [v.grad for v in order]
    root.backward()
    assert [v.grad for v in order] == [2 * g for g in first]


# single ops over wide ranges, against the math module and central differences

REFS = {
    "tanh": (lambda v: v.tanh(), math.tanh, (-20.0, 20.0)),
    "sigmoid": (lambda v: v.sigmoid(), lambda x: math.exp(-math.log1p(math.exp(-x))), (-30.0, 30.0)),
    "exp": (lambda v: v.exp(), math.exp, (-30.0, 30.0)),
    "log": (lambda v: v.log(), math.log, (1e-3, 1e3)),
    "sqrt": (lambda v: v**0.5, math.sqrt, (1e-3, 1e3)),
    "recip": (lambda v: 1 / v, lambda x: 1 / x, (0.01, 100.0)),
    "rpow": (lambda v: 1.7**v, lambda x: 1.7**x, (-20.0, 20.0)),
    "pow_neg3": (lambda v: v**-3, lambda x: x**-3, (0.1, 10.0)),
}


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(REFS)), st.floats(0.0, 1.0))
def test_single_op_over_wide_range(name, u):
    op, ref, (lo, hi) = REFS[name]
    x = lo + (hi - lo) * u
    v = Value(x)
    out = op(v)
    out.backward()
    assert math.isclose(out.data, ref(x), rel_tol=1e-12, abs_tol=1e-300)
    h = 1e-6 * max(1.0, abs(x)) if name not in ("log", "sqrt", "recip", "pow_neg3") else 1e-6 * x
    numeric = (ref(x + h) - ref(x - h)) / (2 * h)
    assert math.isclose(v.grad, numeric, rel_tol=1e-5, abs_tol=1e-9 * max(1.0, abs(out.data)))


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_tanh_sigmoid_exp_relu_never_raise_on_finite_input(x):
    # the README's promise: tanh, sigmoid and exp never raise on finite input
    for op, lo, hi in ((Value.tanh, -1.0, 1.0), (Value.sigmoid, 0.0, 1.0), (Value.exp, 0.0, math.inf),
                       (Value.relu, 0.0, math.inf)):
        v = Value(x)
        out = op(v)
        out.backward()
        assert lo <= out.data <= hi
        assert not math.isnan(v.grad) and v.grad >= 0.0


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=0.0, exclude_min=True, allow_infinity=False))
def test_log_never_raises_on_positive_input(x):
    v = Value(x)
    out = v.log()
    out.backward()
    assert math.isfinite(out.data) and out.data == math.log(x)
    assert v.grad > 0.0


# the chain rule's products at the edges of the float range, against exact Fractions

FINITE = st.floats(allow_nan=False, allow_infinity=False)


@settings(max_examples=400, deadline=None)
@given(FINITE, FINITE.filter(bool), st.floats(-1e300, 1e300))
def test_division_gradients_are_exact_and_never_nan(x, y, g):
    from fractions import Fraction

    a, b = Value(x), Value(y)
    out = a / b
    assume(math.isfinite(out.data))
    (out * g).backward()
    fx, fy, fg = Fraction(x), Fraction(y), Fraction(g)
    want_a, want_b = fg / fy, -fg * fx / fy**2
    if abs(want_a) < 1e300:  # d/da = g / b: one or two roundings, whatever the size of 1/b
        assert math.isclose(a.grad, float(want_a), rel_tol=1e-12, abs_tol=1e-300), (a.grad, float(want_a))
    if abs(want_b) < 1e300:  # never nan and never a spurious inf; exact where no intermediate underflows
        assert math.isfinite(b.grad), b.grad
        if min(abs(out.data), abs(out.data / y), abs(g / y) if g else 1.0) > 1e-290:
            assert math.isclose(b.grad, float(want_b), rel_tol=1e-12, abs_tol=1e-300), (b.grad, float(want_b))


@settings(max_examples=200, deadline=None)
@given(st.floats(max_value=0.0, allow_nan=False), st.sampled_from([math.inf, -math.inf, math.nan, 1e308, -2.0]))
def test_relu_that_is_off_sends_zero_for_any_upstream(x, g):
    v = Value(x)
    (v.relu() * g).backward()  # the product's local derivative for the relu is g itself
    assert v.grad == 0.0


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=0.0, exclude_min=True, allow_infinity=False))
def test_a_value_to_the_power_zero_gives_the_base_zero_gradient(x):
    base, e = Value(x), Value(0.0)
    (base**e).backward()
    assert base.grad == 0.0 and e.grad == math.log(x)
