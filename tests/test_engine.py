"""Tests for micrograd.engine.Value against independent references.

References: the math module (forward values), central finite differences of those math
functions (gradients), exact fractions and hand-derived values (edge points), and PyTorch's
accumulation rules (backward semantics), derived by hand here. Where a comment says "as in
PyTorch", test_torch_crosscheck.py computes the same case with torch float64 (named in the
comment); PyTorch itself is only imported there.
"""

import gc
import math
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from micrograd.engine import Value

ROOT = Path(__file__).resolve().parents[1]


def central(f, x, h=None):
    """Central difference (f(x+h) - f(x-h)) / 2h, with a step scaled to |x|."""
    if h is None:
        h = 1e-6 * max(1.0, abs(x))
    return (f(x + h) - f(x - h)) / (2 * h)


def close(a, b, rel=1e-6, abs_=1e-9):
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


def sigmoid_ref(x):
    # textbook definition, evaluated where it does not overflow
    return 1.0 / (1.0 + math.exp(-x))


# --- every op, value and gradient, at ordinary points --------------------------------------

# (name, op on Values, reference on floats, points)
UNARY = [
    ("neg", lambda v: -v, lambda x: -x, [-2.5, 0.0, 3.0]),
    ("relu", lambda v: v.relu(), lambda x: max(0.0, x), [-2.0, -0.3, 0.7, 4.0]),
    ("tanh", lambda v: v.tanh(), math.tanh, [-3.0, -0.5, 0.0, 0.25, 2.0]),
    ("exp", lambda v: v.exp(), math.exp, [-4.0, -1.0, 0.0, 0.5, 3.0]),
    ("log", lambda v: v.log(), math.log, [1e-3, 0.5, 1.0, 2.0, 50.0]),
    ("sigmoid", lambda v: v.sigmoid(), sigmoid_ref, [-6.0, -1.0, 0.0, 0.3, 5.0]),
    ("square", lambda v: v**2, lambda x: x**2, [-3.0, -0.5, 0.0, 1.5]),
    ("cube", lambda v: v**3, lambda x: x**3, [-2.0, 0.5, 2.0]),
    ("pow -1", lambda v: v**-1, lambda x: x**-1, [-2.0, 0.25, 4.0]),
    ("pow -2", lambda v: v**-2, lambda x: x**-2, [-1.5, 0.5, 3.0]),
    ("sqrt", lambda v: v**0.5, math.sqrt, [0.01, 1.0, 9.0]),
    ("pow 1.5", lambda v: v**1.5, lambda x: x**1.5, [0.2, 2.0]),
    ("pow -0.5", lambda v: v**-0.5, lambda x: x**-0.5, [0.3, 4.0]),
    ("add const", lambda v: v + 2.5, lambda x: x + 2.5, [-1.0, 0.0, 3.0]),
    ("radd", lambda v: 2 + v, lambda x: 2 + x, [-1.0, 3.0]),
    ("sub const", lambda v: v - 2.5, lambda x: x - 2.5, [-1.0, 3.0]),
    ("rsub", lambda v: 2 - v, lambda x: 2 - x, [-1.0, 3.0]),
    ("mul const", lambda v: v * -1.5, lambda x: x * -1.5, [-1.0, 3.0]),
    ("rmul", lambda v: 2 * v, lambda x: 2 * x, [-1.0, 3.0]),
    ("div const", lambda v: v / 4.0, lambda x: x / 4.0, [-1.0, 3.0]),
    ("rdiv", lambda v: 2 / v, lambda x: 2 / x, [-1.0, 0.5, 3.0]),
    ("rpow", lambda v: 2**v, lambda x: 2**x, [-1.5, 0.0, 3.0]),
    ("rpow e", lambda v: math.e**v, math.exp, [-1.0, 2.0]),
]

UNARY_CASES = [(name, op, ref, x) for name, op, ref, pts in UNARY for x in pts]


@pytest.mark.parametrize("name,op,ref,x", UNARY_CASES, ids=[f"{c[0]}@{c[3]}" for c in UNARY_CASES])
def test_unary_op_value_and_gradient(name, op, ref, x):
    a = Value(x)
    out = op(a)
    assert isinstance(out, Value)
    assert type(out.data) is float
    assert close(out.data, ref(x), rel=1e-12, abs_=1e-15), (out.data, ref(x))
    out.backward()
    expected = central(ref, x)
    assert close(a.grad, expected, rel=1e-6, abs_=1e-8), (a.grad, expected)
    # the stored local derivative is the same number backward used (root seeded 1.0)
    i = [k for k, ch in enumerate(out.children) if ch is a][0]
    assert out.local_grads[i] == a.grad


BINARY = [
    ("add", lambda a, b: a + b, lambda x, y: x + y),
    ("sub", lambda a, b: a - b, lambda x, y: x - y),
    ("mul", lambda a, b: a * b, lambda x, y: x * y),
    ("div", lambda a, b: a / b, lambda x, y: x / y),
    ("pow", lambda a, b: a**b, lambda x, y: x**y),
]
POINTS = [(1.5, 2.0), (0.3, -1.25), (2.0, 0.5), (4.0, -2.0), (0.7, 3.0)]
BINARY_CASES = [(n, op, ref, x, y) for n, op, ref in BINARY for x, y in POINTS]


@pytest.mark.parametrize("name,op,ref,x,y", BINARY_CASES, ids=[f"{c[0]}@{c[3]},{c[4]}" for c in BINARY_CASES])
def test_binary_op_value_and_both_gradients(name, op, ref, x, y):
    a, b = Value(x), Value(y)
    out = op(a, b)
    assert close(out.data, ref(x, y), rel=1e-12)
    out.backward()
    assert close(a.grad, central(lambda t: ref(t, y), x), rel=1e-6, abs_=1e-8)
    assert close(b.grad, central(lambda t: ref(x, t), y), rel=1e-6, abs_=1e-8)
    assert out.children == (a, b)


def test_value_pow_value_hand_derived():
    # d(x^y)/dx = y x^(y-1), d(x^y)/dy = x^y ln x: at x=2, y=3 -> 12 and 8 ln 2
    x, y = Value(2.0), Value(3.0)
    z = x**y
    z.backward()
    assert z.data == 8.0
    assert close(x.grad, 12.0, rel=1e-14)
    assert close(y.grad, 8 * math.log(2.0), rel=1e-14)


def test_rpow_gradient_goes_to_exponent():
    # 3 ** v: d/dv = 3^v ln 3
    v = Value(1.5)
    z = 3**v
    z.backward()
    assert close(z.data, 3**1.5, rel=1e-14)
    assert close(v.grad, 3**1.5 * math.log(3.0), rel=1e-14)


def test_sanity_check_from_original_micrograd():
    # the expression of the original's test_engine.py; reference numbers computed by hand
    # from the chain rule: x=-4 -> z=-10, q=40, h=100, y=-20, dy/dx=46
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    assert y.data == -20.0
    assert x.grad == 46.0


def test_more_ops_from_original_micrograd(more_ops):
    # the original's test_more_ops, against exact rational arithmetic: the value exactly, the
    # gradients as central differences of the exact function with a step of 1e-30 (the relu
    # kinks are far away; PyTorch float64: test_torch_crosscheck.py::test_original_more_ops_match_torch)
    a, b = Value(-4.0), Value(2.0)
    g = more_ops(a, b)
    g.backward()

    def exact(x, y):
        return more_ops(Fraction(x), Fraction(y), relu=lambda v: max(v, 0))

    h = Fraction(1, 10**30)
    assert g.data == float(exact(-4, 2))  # 24.70408163265306
    assert close(a.grad, float((exact(-4 + h, 2) - exact(-4 - h, 2)) / (2 * h)), rel=1e-12)  # 138.83...
    assert close(b.grad, float((exact(-4, 2 + h) - exact(-4, 2 - h)) / (2 * h)), rel=1e-12)  # 645.57...


def test_ops_record_op_names_children_and_local_grads():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    assert a.op == "" and a.children == () and a.local_grads == ()
    cases = [
        (a + b, "+", (1.0, 1.0)),
        (a - b, "-", (1.0, -1.0)),
        (a * b, "*", (-3.0, 2.0)),
        (a / b, "/", (-1 / 3, -2.0 / 9.0)),
        (a**2, "**2", (4.0,)),
        (a**0.5, "**0.5", (0.5 * 2.0**-0.5,)),
        (-a, "neg", (-1.0,)),
        (a.relu(), "ReLU", (1.0,)),
        (a.tanh(), "tanh", (1 - math.tanh(2.0) ** 2,)),
        (a.exp(), "exp", (math.exp(2.0),)),
        (a.log(), "log", (0.5,)),
        (a.sigmoid(), "sigmoid", (sigmoid_ref(2.0) * (1 - sigmoid_ref(2.0)),)),
    ]
    for out, op, local in cases:
        assert out.op == op
        assert len(out.children) == len(local)
        assert out.children[0] is a
        for got, want in zip(out.local_grads, local, strict=True):
            assert close(got, want, rel=1e-14), (op, got, want)
    z = a**b
    assert z.op == "**" and z.children == (a, b)


def test_original_private_graph_fields_still_work():
    # drawing code written for the original reads v._prev (a set) and v._op
    a, b = Value(2.0), Value(3.0)
    c = a * b
    assert c._prev == {a, b} and c._op == "*"
    assert (a * a)._prev == {a}
    assert a._prev == set() and a._op == ""


def test_constant_operand_becomes_unlabelled_leaf():
    b = Value(4.0, label="b")
    out = b + 1
    const = out.children[1]
    assert isinstance(const, Value)
    assert const.data == 1.0 and type(const.data) is float
    assert const.label == "" and const.op == "" and const.children == ()


# --- edge points -------------------------------------------------------------------------


@pytest.mark.parametrize("x", [0.0, -0.0])
def test_relu_at_zero_has_local_derivative_zero(x):
    a = Value(x)
    out = a.relu()
    out.backward()
    assert out.data == 0.0
    assert a.grad == 0.0


@pytest.mark.parametrize("x,value", [(1000.0, 1.0), (-1000.0, -1.0), (30.0, 1.0), (-30.0, -1.0)])
def test_tanh_saturates_without_error(x, value):
    a = Value(x)
    out = a.tanh()
    out.backward()
    assert out.data == value
    assert a.grad == 0.0  # 1 - tanh^2 rounds to 0 in float64


@pytest.mark.parametrize("x,value", [(1000.0, 1.0), (-1000.0, 0.0)])
def test_sigmoid_at_extremes_is_finite_not_nan(x, value):
    a = Value(x)
    out = a.sigmoid()
    out.backward()
    assert out.data == value
    assert not math.isnan(out.data)
    assert a.grad == 0.0


def test_sigmoid_far_left_keeps_relative_precision():
    # sigmoid(-30) = e^-30 / (1 + e^-30) ~ 9.36e-14; 1 - sigmoid(30) would lose it entirely
    a = Value(-30.0)
    out = a.sigmoid()
    out.backward()
    want = math.exp(-30.0) / (1.0 + math.exp(-30.0))
    assert close(out.data, want, rel=1e-12, abs_=0.0)
    assert close(a.grad, want * (1 - want), rel=1e-12, abs_=0.0)


def test_exp_overflows_to_inf_without_error():
    a = Value(1000.0)
    out = a.exp()
    out.backward()
    assert out.data == math.inf
    assert a.grad == math.inf


def test_exp_large_finite_and_underflow():
    a = Value(709.0)
    out = a.exp()
    out.backward()
    assert out.data == math.exp(709.0) and math.isfinite(out.data)
    assert a.grad == math.exp(709.0)
    b = Value(-1000.0)
    out = b.exp()
    out.backward()
    assert out.data == 0.0 and b.grad == 0.0


# pow at zero: d(x^n)/dx = n x^(n-1) at x = 0
@pytest.mark.parametrize(
    "n,value,grad",
    [(2, 0.0, 0.0), (3, 0.0, 0.0), (1, 0.0, 1.0), (0, 1.0, 0.0), (0.5, 0.0, math.inf), (1.5, 0.0, 0.0),
     (2.5, 0.0, 0.0)],
)
def test_pow_at_zero(n, value, grad):
    a = Value(0.0)
    out = a**n
    out.backward()
    assert out.data == value
    assert a.grad == grad


def test_pow_value_at_zero_base():
    # 0^y for y > 0: d/dx = y 0^(y-1) (0 for y > 1), d/dy = 0^y ln 0 -> limit 0
    x, y = Value(0.0), Value(2.0)
    z = x**y
    z.backward()
    assert z.data == 0.0 and x.grad == 0.0 and y.grad == 0.0


def test_negative_base_with_integer_exponent_is_fine():
    a = Value(-2.0)
    out = a**3
    out.backward()
    assert out.data == -8.0 and a.grad == 12.0  # 3 x^2
    b = Value(-2.0)
    out = b**-1
    out.backward()
    assert out.data == -0.5 and b.grad == -0.25  # -1/x^2


def test_very_small_and_large_values():
    # products that underflow / overflow follow IEEE arithmetic; gradients stay exact
    a, b = Value(1e-200), Value(1e-200)
    out = a * b
    out.backward()
    assert out.data == 0.0 and a.grad == 1e-200 and b.grad == 1e-200
    c, d = Value(1e200), Value(1e200)
    out = c * d
    out.backward()
    assert out.data == math.inf and c.grad == 1e200
    e = Value(1e-300)
    out = e.log()
    out.backward()
    assert close(out.data, -300 * math.log(10), rel=1e-14)
    assert close(e.grad, 1e300, rel=1e-14)
    f = Value(1e300)
    out = f.log()
    out.backward()
    assert close(f.grad, 1e-300, rel=1e-14)
    g = Value(1e-150)
    out = g**2
    out.backward()
    assert close(out.data, 1e-300, rel=1e-12) and close(g.grad, 2e-150, rel=1e-12)


def test_division_by_tiny_nonzero_number_is_not_a_zero_division():
    # 1 / 1e-300 = 1e300 is a perfectly good float; the local derivative -x/y^2 = -1e600
    # overflows to -inf (as in PyTorch: test_torch_crosscheck.py::test_binary_ops_match_torch[div@1.0,1e-300]).
    # Dividing by a nonzero number must not raise ZeroDivisionError.
    x, y = Value(1.0), Value(1e-300)
    out = x / y
    out.backward()
    assert out.data == 1.0 / 1e-300  # 9.999999999999999e+299 in float64
    assert close(x.grad, 1e300, rel=1e-14)
    assert y.grad == -math.inf


def test_pow_overflow_is_inf_or_a_clear_error():
    # exp and * overflow to inf; x**n must not escape as a bare OverflowError
    # "(34, 'Numerical result out of range')" that names no value.
    for make in (lambda: Value(1e200) ** 2, lambda: 2 ** Value(2000.0), lambda: Value(1e-300) ** -2):
        try:
            out = make()
        except (ValueError, OverflowError, ArithmeticError) as err:
            assert "Value(" in str(err) or "e+" in str(err) or "e-" in str(err), str(err)
        else:
            assert out.data == math.inf


# --- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize("bad,typename", [("a", "str"), (None, "NoneType"), ([1.0], "list"),
                                          (1 + 2j, "complex"), ({"x": 1}, "dict")])
def test_non_number_operand_raises_typeerror_naming_its_type(bad, typename):
    v = Value(1.0)
    ops = [
        lambda: v + bad, lambda: v - bad, lambda: v * bad, lambda: v / bad, lambda: v**bad,
        lambda: Value(bad),
        # reflected forms: Python asks Value.__radd__ etc. before any sequence concatenation
        lambda: bad + v, lambda: bad - v, lambda: bad * v, lambda: bad / v, lambda: bad**v,
    ]
    for op in ops:
        with pytest.raises(TypeError) as info:
            op()
        assert typename in str(info.value), str(info.value)


@pytest.mark.parametrize("x", [np.float32(0.1), np.float64(2.5), np.int64(7), np.int32(-3),
                               True, 3, Fraction(1, 4)])
def test_numpy_and_other_real_scalars_are_stored_as_float(x):
    v = Value(x)
    assert type(v.data) is float
    assert v.data == float(x)
    w = Value(1.0) + x
    assert type(w.data) is float and w.data == 1.0 + float(x)
    assert type(w.children[1].data) is float
    u = Value(2.0) * x
    assert type(u.data) is float


def test_numpy_scalar_on_the_left_gives_a_value():
    v = Value(3.0)
    for out, want in [(np.float64(2.0) * v, 6.0), (np.float32(2.0) + v, 5.0), (np.int64(2) - v, -1.0),
                      (np.float64(3.0) / v, 1.0)]:
        assert isinstance(out, Value)
        assert out.data == want and type(out.data) is float


def test_numpy_array_operand_is_rejected():
    with pytest.raises(TypeError):
        Value(np.array([1.0, 2.0]))
    with pytest.raises(TypeError):
        Value(1.0) + np.array([1.0, 2.0]).reshape(2, 1).T  # not a scalar


def test_value_of_value_raises_typeerror():
    with pytest.raises(TypeError):
        Value(Value(1.0))


@pytest.mark.parametrize("x", [0.0, -1.0, -1e-300])
def test_log_of_non_positive_raises_valueerror_naming_the_value(x):
    with pytest.raises(ValueError) as info:
        Value(x).log()
    assert repr(x) in str(info.value)


@pytest.mark.parametrize("n", [0.5, 1 / 3, -1.5, 2.000001])
def test_negative_base_with_non_integer_exponent_raises_valueerror(n):
    with pytest.raises(ValueError) as info:
        Value(-8.0) ** n
    assert "-8.0" in str(info.value)


def test_negative_base_raised_to_a_value_raises_valueerror():
    with pytest.raises(ValueError) as info:
        Value(-2.0) ** Value(0.5)
    assert "-2.0" in str(info.value)
    with pytest.raises(ValueError):
        (-2) ** Value(0.5)


@pytest.mark.parametrize(
    "make",
    [lambda: Value(1.0) / 0, lambda: Value(1.0) / 0.0, lambda: Value(1.0) / Value(0.0), lambda: 1 / Value(0),
     lambda: Value(0.0) ** -1, lambda: Value(2.0) / Value(-0.0)],
    ids=["v/0", "v/0.0", "v/Value(0)", "1/Value(0)", "0**-1", "v/-0.0"],
)
def test_division_by_zero_raises_zerodivisionerror(make):
    with pytest.raises(ZeroDivisionError):
        make()


# --- backward semantics ------------------------------------------------------------------


def test_root_is_seeded_with_one():
    a = Value(3.0)
    b = a * 1.0
    b.backward()
    assert b.grad == 1.0 and a.grad == 1.0
    leaf = Value(5.0)
    leaf.backward()
    assert leaf.grad == 1.0


def _graph():
    a, b = Value(1.5), Value(-0.5)
    c = a * b
    d = c.tanh() + a.exp()
    e = d * c + b**2
    return a, b, c, d, e


def test_second_backward_doubles_every_grad_exactly():
    a, b, c, d, e = _graph()
    e.backward()
    first = [v.grad for v in (a, b, c, d, e)]
    e.backward()
    second = [v.grad for v in (a, b, c, d, e)]
    assert second == [2 * g for g in first]
    e.backward()
    assert [v.grad for v in (a, b, c, d, e)] == [3 * g for g in first]


def test_zeroing_grads_then_backward_gives_the_first_result():
    a, b, c, d, e = _graph()
    e.backward()
    first = [v.grad for v in (a, b, c, d, e)]
    for v in e.topo_order():
        v.grad = 0.0
    e.backward()
    assert [v.grad for v in (a, b, c, d, e)] == first


def test_backward_from_an_interior_node_accumulates_into_leaves():
    # grads from two different roots add up in the shared leaves, as in PyTorch
    # (test_torch_crosscheck.py::test_gradients_accumulate_over_backward_calls_as_in_torch)
    a = Value(2.0)
    y1 = a * 3.0
    y2 = a**2
    y1.backward()
    y2.backward()
    assert a.grad == 3.0 + 4.0


def test_backward_from_an_interior_node_after_the_root():
    # a later backward from c adds dc/dc = 1 to c.grad and dc/dx to everything below c, on top
    # of what the first pass left, as PyTorch with retain_grad (the test named just above)
    a, b, c, d, e = _graph()
    e.backward()
    ga, gb, gc_ = a.grad, b.grad, c.grad
    c.backward()  # c = a * b
    assert c.grad == gc_ + 1.0
    assert a.grad == ga + b.data and b.grad == gb + a.data


def test_fan_out_accumulates():
    a = Value(3.0)
    b = a + a
    b.backward()
    assert a.grad == 2.0
    x = Value(3.0)
    y = x * x
    y.backward()
    assert x.grad == 6.0
    p = Value(-1.5)
    q = p * p * p + p  # 3p^2 + 1
    q.backward()
    assert p.grad == 3 * 2.25 + 1
    # shared subexpression used twice downstream
    s = Value(0.5)
    t = s.tanh()
    u = t * t + t
    u.backward()
    th = math.tanh(0.5)
    assert close(s.grad, (2 * th + 1) * (1 - th * th), rel=1e-14)


def test_topo_order_children_before_parents():
    a, b, c, d, e = _graph()
    order = e.topo_order()
    assert order[-1] is e
    pos = {id(v): i for i, v in enumerate(order)}
    assert len(pos) == len(order)  # each node once
    for v in order:
        for ch in v.children:
            assert pos[id(ch)] < pos[id(v)]
    assert {id(v) for v in (a, b, c, d)} <= set(pos)


def test_million_addition_chain_backward():
    x = Value(1.0)
    v = Value(0.0)
    for _ in range(1_000_000):
        v = v + x
    v.backward()
    assert v.data == 1_000_000.0
    assert x.grad == 1_000_000.0
    del v  # freeing a 1,000,000-deep chain must not overflow the C stack either
    gc.collect()


def test_deep_chain_of_unary_ops():
    x = Value(0.1)
    v = x
    for _ in range(20_000):
        v = -v
    v.backward()
    assert x.grad == 1.0  # (-1)^20000


def test_value_has_slots_and_no_dict():
    v = Value(1.0)
    w = v * 2 + 1
    for node in (v, w):
        assert not hasattr(node, "__dict__")
    with pytest.raises(AttributeError):
        v.some_new_attribute = 1
    assert "__slots__" in Value.__dict__


NO_CYCLES_SCRIPT = """
import gc
from micrograd.engine import Value
from micrograd.demo import demo_data, demo_loss
from micrograd.nn import MLP

X, y = demo_data()
gc.collect()
gc.disable()
model = MLP(2, [16, 16, 1], seed=0)
total, acc = demo_loss(model, X[:20], y[:20])
model.zero_grad()
total.backward()
for p in model.parameters():
    p.data -= 0.1 * p.grad
n_live = sum(type(o) is Value for o in gc.get_objects())
assert n_live > 1000, n_live  # the graph was there
del model, total, acc, p
left = sum(type(o) is Value for o in gc.get_objects())
found = gc.collect()
print(n_live, left, found)
"""


def test_no_reference_cycles_after_a_training_step():
    # a fresh interpreter, so nothing else creates garbage while the collector is off
    proc = subprocess.run([sys.executable, "-c", NO_CYCLES_SCRIPT], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    n_live, left, found = map(int, proc.stdout.split())
    assert n_live > 1000
    assert left == 0  # reference counting alone freed every Value
    assert found == 0  # and the cycle collector had nothing to do


def test_dropped_graph_leaves_no_micrograd_garbage_in_process():
    from micrograd.losses import hinge_loss, l2_penalty
    from micrograd.nn import MLP

    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        model = MLP(2, [8, 8, 1], seed=0)
        scores = [model(x) for x in ([0.5, -1.0], [1.5, 0.25], [-0.75, 0.5])]
        loss = hinge_loss(scores, [1, -1, 1]) + l2_penalty(model.parameters(), 1e-4)
        loss.backward()
        del model, scores, loss
        gc.set_debug(gc.DEBUG_SAVEALL)  # keep whatever the collector finds, to inspect it
        gc.collect()
        found = [o for o in gc.garbage if type(o).__module__.startswith("micrograd")]
        assert found == []
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was_enabled:
            gc.enable()


def test_repr_and_float():
    v = Value(2.5, label="w")
    assert "2.5" in repr(v) and "w" in repr(v)
    assert float(v) == 2.5


def test_relu_passes_nan_through_so_divergence_stays_visible():
    # as torch.relu (test_torch_crosscheck.py::test_relu_passes_nan_through_as_torch)
    assert math.isnan(Value(math.nan).relu().data)


def test_zero_to_the_power_zero_is_one_with_zero_gradients():
    x, y = Value(0.0), Value(0.0)
    out = x**y
    out.backward()
    # as torch.pow(0., 0.) and its grads (test_torch_crosscheck.py::test_edge_gradients_match_torch[0 ** 0])
    assert (out.data, x.grad, y.grad) == (1.0, 0.0, 0.0)


# --- weighted_sum: a neuron's b + sum(w * x) as one node ---------------------------------


def _op_by_op(ws, xs, b):
    act = b
    for w, x in zip(ws, xs):
        act = act + w * x
    return act


def test_weighted_sum_equals_the_op_by_op_sum_bit_for_bit_with_the_same_gradients():
    wd, xd, bd = [0.3, -1.7, 2.5, 1e-3], [1.1, 0.25, -0.8, 40.0], 0.6
    fused = [Value(w) for w in wd], [Value(x) for x in xd], Value(bd)
    plain = [Value(w) for w in wd], [Value(x) for x in xd], Value(bd)
    out_f = Value.weighted_sum(*fused).tanh()
    out_p = _op_by_op(*plain).tanh()
    assert out_f.data == out_p.data  # same additions in the same order
    out_f.backward()
    out_p.backward()
    for vf, vp in zip([*fused[0], *fused[1], fused[2]], [*plain[0], *plain[1], plain[2]]):
        assert vf.grad == pytest.approx(vp.grad, rel=1e-15, abs=1e-15)


def test_weighted_sum_gradients_match_central_differences():
    wd, xd, bd = [0.5, -1.25, 0.75], [2.0, -0.5, 1.5], -0.3

    def f(i, delta):
        vals = wd + xd + [bd]
        vals[i] += delta
        return math.tanh(vals[6] + sum(vals[k] * vals[3 + k] for k in range(3)))

    ws, xs, b = [Value(w) for w in wd], [Value(x) for x in xd], Value(bd)
    Value.weighted_sum(ws, xs, b).tanh().backward()
    h = 1e-6
    for i, v in enumerate([*ws, *xs, b]):
        numeric = (f(i, h) - f(i, -h)) / (2 * h)
        assert v.grad == pytest.approx(numeric, rel=1e-7, abs=1e-9)


def test_weighted_sum_with_number_inputs_makes_one_node_over_weights_and_bias():
    ws, b = [Value(2.0), Value(-3.0)], Value(0.5)
    out = Value.weighted_sum(ws, [1.5, np.float32(4.0)], b)
    assert out.data == 0.5 + 2.0 * 1.5 + -3.0 * 4.0
    assert out.children == (*ws, b) and out.local_grads == (1.5, 4.0, 1.0)
    assert len(out.topo_order()) == 4
    out.backward()
    assert [w.grad for w in ws] == [1.5, 4.0] and b.grad == 1.0


def test_weighted_sum_with_mixed_inputs_turns_numbers_into_leaves():
    ws, x, b = [Value(2.0), Value(-3.0)], Value(1.5), Value(0.0)
    out = Value.weighted_sum(ws, [x, 4.0], b)
    out.backward()
    assert out.data == 2.0 * 1.5 + -3.0 * 4.0
    assert x.grad == 2.0 and [w.grad for w in ws] == [1.5, 4.0]


def test_weighted_sum_errors():
    ws, b = [Value(1.0), Value(2.0)], Value(0.0)
    with pytest.raises(ValueError, match="2 weights but 1 inputs"):
        Value.weighted_sum(ws, [1.0], b)
    with pytest.raises(TypeError, match="str"):
        Value.weighted_sum(ws, [1.0, "x"], b)


def test_weighted_sum_is_one_node_where_the_op_by_op_sum_is_2n():
    # what makes an MLP step cheap: a 16-input neuron adds 1 node to the graph, op by op 32
    # (the objects each leaves to the cycle collector are printed by benchmarks/engine.py)
    ws, xs, b = [Value(0.1 * i) for i in range(16)], [Value(1.0 - 0.05 * i) for i in range(16)], Value(0.0)
    leaves = 16 + 16 + 1
    assert len(Value.weighted_sum(ws, xs, b).topo_order()) == leaves + 1
    assert len(_op_by_op(ws, xs, b).topo_order()) == leaves + 32


def test_reflected_ops_keep_the_number_as_the_left_operand_as_written():
    x = Value(3.0, label="x")
    for out in (2 * x, 2 + x):
        assert [c.data for c in out.children] == [2.0, 3.0]  # drawn and named '2*x', '2+x'
    out = 2 * x
    out.backward()
    assert x.grad == 2.0


# --- gradients that must not pass through an overflow or inf * 0 ---------------------------


def test_division_by_a_tiny_divisor_gives_the_exact_finite_gradient():
    # d/da ((a/b) * g) = g / b; with b = 1e-310 the local derivative 1/b is beyond the float
    # range, but the contribution 1e-300 / 1e-310 = 1e10 is not
    a, b = Value(1e-320), Value(1e-310)
    ((a / b) * 1e-300).backward()
    assert math.isclose(a.grad, 1e10, rel_tol=1e-12), a.grad
    # exact references: Fractions of the doubles as stored (1e-320 is subnormal), rounded once
    assert math.isclose(a.grad, float(Fraction(1e-300) / Fraction(1e-310)), rel_tol=1e-15)
    # d/db = -g a / b^2
    assert math.isclose(b.grad, float(-Fraction(1e-300) * Fraction(1e-320) / Fraction(1e-310) ** 2),
                        rel_tol=1e-12), b.grad


@pytest.mark.parametrize("x,y,g", [(1.0, 1e-200, 1e-300), (1.0, 1e-200, 0.0), (-3.0, -1e-250, 1e-200),
                                   (1e-320, 1e-310, 1e-300), (1e-300, 5e-324, 1e-300)])
def test_division_gradients_are_exact_where_a_local_derivative_overflows(x, y, g):
    # d/da = g / b and d/db = -g a / b^2 from exact Fractions of the doubles, rounded once;
    # 1/b or a/b^2 is beyond the float range at every point here, the products are not
    a, b = Value(x), Value(y)
    ((a / b) * g).backward()
    fx, fy, fg = Fraction(x), Fraction(y), Fraction(g)
    assert math.isclose(a.grad, float(fg / fy), rel_tol=1e-12), a.grad
    assert math.isclose(b.grad, float(-fg * fx / fy**2), rel_tol=1e-12), b.grad


@pytest.mark.parametrize("upstream", [0.0, 1e-300, 1.0])
def test_zero_over_the_smallest_double_has_exact_gradients_not_nan(upstream):
    # 0 / 5e-324: d/da = g / b (0 when g = 0, inf only where g / b truly overflows), d/db = -g * 0 / b^2 = 0
    a, b = Value(0.0), Value(5e-324)
    ((a / b) * upstream).backward()
    want = float(Fraction(upstream) / Fraction(5e-324)) if upstream < 1e-10 else math.inf  # 2e323: inf
    assert a.grad == want, (a.grad, want)
    assert b.grad == 0.0


def test_log_at_a_tiny_x_gives_the_exact_finite_gradient():
    # d/dx (log(x) * g) = g / x = 1e-300 / 1e-320 ~ 1e20, where 1/x alone overflows
    x = Value(1e-320)
    (x.log() * 1e-300).backward()
    assert math.isclose(x.grad, float(Fraction(1e-300) / Fraction(1e-320)), rel_tol=1e-12), x.grad


def test_overflowing_reciprocal_is_still_shown_as_inf_and_multiplies_exactly():
    # the lessons show local_grads and compute local * upstream themselves
    out = Value(1.0) / Value(1e-310)
    (local, _) = out.local_grads
    assert local == math.inf
    assert math.isclose(local * 1e-300, 1e10, rel_tol=1e-12) and math.isclose(1e-300 * local, 1e10, rel_tol=1e-12)
    assert type((Value(1.0) / Value(3.0)).local_grads[0]) is float  # an ordinary 1/y is a plain float


@pytest.mark.parametrize("x", [1e-310, 5e-324, 1e-300, 2.0])
def test_value_to_the_power_zero_gives_the_base_zero_gradient(x):
    # x^y at y = 0 is 1 for every x > 0: d/dx = y x^(y-1) = 0 exactly (0 * x^-1 would be nan
    # where x^-1 overflows), d/dy = x^0 ln x = ln x
    base, e = Value(x), Value(0.0)
    out = base**e
    out.backward()
    assert out.data == 1.0
    assert base.grad == 0.0
    assert math.isclose(e.grad, math.log(x), rel_tol=1e-15)


@pytest.mark.parametrize("x", [-1.0, 0.0, -1e-300])
def test_relu_that_is_off_blocks_an_infinite_upstream(x):
    # relu(x) ** 0.5 at x <= 0: the power's local derivative at 0 is inf, and the relu sends
    # 0 whatever it receives, where 0 * inf would be nan (PyTorch too sends 0:
    # test_torch_crosscheck.py::test_edge_gradients_match_torch[relu(-1) ** 0.5] and its neighbours)
    v = Value(x)
    root = v.relu() ** 0.5
    root.backward()
    assert root.children[0].grad == math.inf
    assert v.grad == 0.0 and not math.copysign(1.0, v.grad) < 0
    # the local derivative reads as 0 and multiplies to 0, also for the lessons' own products
    (local,) = root.children[0].local_grads
    assert local == 0.0 and local * math.inf == 0.0 and math.nan * local == 0.0


def test_relu_that_is_on_passes_an_infinite_upstream():
    u = Value(0.0)
    ((u + 1.0).relu() * math.inf).backward()  # relu is on at 1: local derivative 1, inf passes
    assert u.grad == math.inf


def test_numpy_arrays_do_not_combine_with_values_on_either_side():
    arr = np.array([1.0, 2.0])
    for op in (lambda: arr + Value(3.0), lambda: Value(3.0) + arr, lambda: arr * Value(3.0),
               lambda: arr - Value(3.0), lambda: arr / Value(3.0), lambda: arr ** Value(3.0)):
        with pytest.raises(TypeError):
            op()
    # a numpy scalar is a real number: it becomes a constant, on either side
    v = Value(3.0)
    out = np.float64(2.0) * v
    assert isinstance(out, Value) and out.data == 6.0
    out.backward()
    assert v.grad == 2.0


def test_a_zero_upstream_gives_zero_even_where_the_quotient_overflows():
    # x / y = 1e310 overflows to inf, so -x/y^2 is kept as (-inf, y); 0 upstream must still send 0 (not 0 * inf)
    x, y = Value(1.0), Value(1e-310)
    ((x / y) * 0.0).backward()
    assert (x.grad, y.grad) == (0.0, 0.0)


def test_special_local_derivatives_survive_pickle_and_leave_values_to_their_own_ops():
    import pickle

    from micrograd.engine import _OFF, _quotient

    q = _quotient(1.0, 1e-310)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        r = pickle.loads(pickle.dumps(q, protocol=protocol))
        assert r * 1e-300 == pytest.approx(1e10, rel=1e-12)  # still applied as upstream / y
    # times a Value they build a graph node, as any float does, instead of a bare float
    assert isinstance(_OFF * Value(2.0), Value) and isinstance(q * Value(2.0), Value)


def test_from_local_grads_node_backpropagates_its_given_local_derivatives():
    # f = 3·a + a·b at a = 2, b = 5: ∂f/∂a = 3 + b = 8, ∂f/∂b = a = 2, computed by hand and given to the node
    a, b = Value(2.0), Value(5.0)
    f = Value.from_local_grads(3 * 2.0 + 2.0 * 5.0, [a, b], [8.0, 2.0], op="f", label="f")
    g = f * 2.0 + a  # ∂g/∂a = 2·8 + 1 = 17, ∂g/∂b = 2·2 = 4
    g.backward()
    assert (f.data, f.op, f.label, f.children, f.local_grads) == (16.0, "f", "f", (a, b), (8.0, 2.0))
    assert (a.grad, b.grad, f.grad) == (17.0, 4.0, 2.0)
    c = Value.from_local_grads(1.0, [a, b, g], [1.0, 1.0, 1.0])  # any number of children
    assert c.children == (a, b, g) and not Value.from_local_grads(1.0, [], []).children
    with pytest.raises(ValueError, match="2 children but 1"):
        Value.from_local_grads(1.0, [a, b], [1.0])
    with pytest.raises(TypeError):
        Value.from_local_grads(1.0, [a, 2.0], [1.0, 1.0])
