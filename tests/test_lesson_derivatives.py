"""micrograd/lessons/derivatives.py: the comparison numbers, the error curves, the tables, the failure notices."""

import math

import numpy as np
import pytest

from micrograd.expr import EvaluationError
from micrograd.lessons import derivatives as lesson
from micrograd.lessons import derivatives_catalogue as catalogue


def test_step_slider_runs_from_1e_15_to_1():
    # h runs from 1e-15 to 1, as the README says, and the default is one of the positions
    assert 10 ** lesson.LOG10_H_OPTIONS[0] == pytest.approx(1e-15) and 10 ** lesson.LOG10_H_OPTIONS[-1] == 1
    assert lesson.DEFAULT_LOG10_H in lesson.LOG10_H_OPTIONS


def test_default_square_at_3():
    cmp = lesson.compare(catalogue.make_function("square"), 3.0, 10**lesson.DEFAULT_LOG10_H)
    assert cmp.f == 9.0 and cmp.analytic == 6.0
    h = cmp.h
    # forward difference of x^2 is exactly 2x + h in exact arithmetic
    assert cmp.forward == pytest.approx(6.0 + h, rel=1e-13)
    # central difference of x^2 is exactly 2x: only round-off remains
    assert cmp.central_error < 1e-14


@pytest.mark.parametrize("dtype", lesson.DTYPES)
def test_differences_are_the_textbook_formulas_in_the_dtype(dtype):
    fn = catalogue.make_function("exp")
    x, h = 0.5, 1e-2
    cmp = lesson.compare(fn, x, h, dtype)
    dt = np.dtype(dtype)
    xd, hd = dt.type(x), dt.type(h)
    with np.errstate(all="ignore"):
        fwd = (np.exp(xd + hd) - np.exp(xd)) / hd
        cen = (np.exp(xd + hd) - np.exp(xd - hd)) / (2 * hd)
    assert cmp.forward == float(fwd) and cmp.central == float(cen)
    assert cmp.x == float(xd) and cmp.h == float(hd)
    assert cmp.analytic == pytest.approx(math.exp(float(xd)), rel=1e-15)
    # truncation: forward ~ f'' h / 2, central ~ f''' h^2 / 6 (f'' = f''' = e^x)
    assert cmp.forward_error == pytest.approx(math.exp(x) * h / 2, rel=0.02)
    tolerance = 0.02 if dtype == "float64" else 1.0  # float32 round-off ~ eps/h is as large as h^2 here
    assert cmp.central_error == pytest.approx(math.exp(x) * h * h / 6, rel=tolerance)


def test_float32_step_lost_note():
    cmp = lesson.compare(catalogue.make_function("square"), 3.0, 1e-8, "float32")
    assert cmp.forward == 0.0 and cmp.forward_error == 6.0
    assert any("rounds back to x" in n for n in cmp.notes)
    assert lesson.compare(catalogue.make_function("square"), 3.0, 1e-8, "float64").notes == []


def test_domain_errors():
    with pytest.raises(EvaluationError):
        lesson.compare(catalogue.make_function("inverse"), 0.0, 1e-3)
    with pytest.raises(EvaluationError):
        lesson.error_curves(catalogue.make_function("inverse"), 0.0)
    with pytest.raises(EvaluationError):
        lesson.compare(catalogue.make_function("custom", "log(x)"), -1.0, 1e-3)
    # f(x - h) undefined: a note and nan, not an exception
    cmp = lesson.compare(catalogue.make_function("custom", "log(x)"), 0.5, 1.0)
    assert math.isnan(cmp.central) and not math.isnan(cmp.forward)
    assert any("x − h" in n for n in cmp.notes)


def test_error_curves_square_central_has_no_truncation_error():
    # x^2: f''' = 0, so the central difference is exact in exact arithmetic; what is left is
    # round-off ~ eps |f| / h, so the best h is the largest one, and at h = 1 the float64
    # result (16 - 4) / 2 = 6 is exact.
    curves = lesson.error_curves(catalogue.make_function("square"), 3.0)
    assert curves.hs[0] == pytest.approx(1e-15) and curves.hs[-1] == 1.0
    assert curves.central_error[-1] == 0.0
    assert curves.best_central_h == 1.0
    assert math.isnan(curves.predicted_central_h)
    assert curves.d2 == pytest.approx(2.0, rel=1e-6)
    # forward: truncation is exactly h (f''/2 h = h); at h = 1 the error is 1
    assert curves.forward_error[-1] == 1.0
    # the forward best h is near sqrt(2 eps s / |f''|) with s = |f(3)| = 9 and f'' = 2: 4.5e-8
    # (Nocedal & Wright, Numerical Optimization, 2nd ed., section 8.1)
    eps = float(np.finfo(np.float64).eps)
    assert curves.predicted_forward_h == pytest.approx(math.sqrt(2 * eps * 9 / 2), rel=1e-5)
    assert 4.5e-9 < curves.best_forward_h < 4.5e-7
    # round-off dominates at tiny h: the error there is far above the best
    assert curves.forward_error[0] > 1e5 * curves.best_forward_error


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_error_curves_exp_best_h_matches_theory(dtype):
    # exp at 1: f = f'' = f''' = e, s = e. Truncation |f''| h / 2 against round-off eps s / h gives
    # h* = sqrt(2 eps) forward; |f'''| h^2 / 6 against eps s / h gives (3 eps)^(1/3) central
    # (Nocedal & Wright, Numerical Optimization, 2nd ed., section 8.1). float64: 2.1e-8 and 8.7e-6.
    eps = float(np.finfo(dtype).eps)
    fwd, cen = math.sqrt(2 * eps), (3 * eps) ** (1 / 3)
    curves = lesson.error_curves(catalogue.make_function("exp"), 1.0, dtype)
    assert curves.predicted_forward_h == pytest.approx(fwd, rel=1e-3)
    assert curves.predicted_central_h == pytest.approx(cen, rel=1e-3)
    assert fwd / 20 < curves.best_forward_h < fwd * 20
    assert cen / 20 < curves.best_central_h < cen * 20
    assert curves.best_central_error < curves.best_forward_error


def test_float32_round_off_takes_over_sooner():
    fn = catalogue.make_function("sigmoid")
    c64 = lesson.error_curves(fn, 0.5, "float64")
    c32 = lesson.error_curves(fn, 0.5, "float32")
    assert c32.best_forward_h > 1000 * c64.best_forward_h
    assert c32.best_central_h > 30 * c64.best_central_h
    assert c32.best_central_error > 1e5 * c64.best_central_error
    assert c32.eps == float(np.finfo(np.float32).eps)


def test_readout_rows():
    cmp = lesson.compare(catalogue.make_function("square"), 3.0, 0.5)
    rows = lesson.readout_rows(cmp)
    assert [r["quantity"] for r in rows] == [
        "f(x)", "analytic f'(x)", "forward difference", "central difference"
    ]
    assert rows[0]["value"] == "9" and rows[1]["value"] == "6"
    assert rows[2]["value"] == "6.5" and rows[2]["abs error"] == "5.000e-01"
    assert rows[3]["value"] == "6" and rows[3]["abs error"] == "0.000e+00"
    # no error for f(x) and the reference itself: a dash, never the word None
    assert [r["abs error"] for r in rows[:2]] == ["–", "–"] and [r["rel error"] for r in rows[:2]] == ["–", "–"]
    # a difference that needs f outside its domain says so (log at 0.5 - 1)
    rows = lesson.readout_rows(lesson.compare(catalogue.make_function("custom", "log(x)"), 0.5, 1.0))
    assert rows[3]["value"] == "undefined" and rows[3]["abs error"] == "undefined"


def test_convergence_rows():
    fn = catalogue.make_function("square")
    rows = lesson.convergence_rows(fn, 3.0)
    assert [r["h"] for r in rows] == [10.0**k for k in range(0, -16, -1)]
    assert rows[0]["forward"] == 7.0 and rows[0]["central"] == 6.0  # (16-9)/1, (16-4)/2
    assert rows[4]["forward"] == lesson.compare(fn, 3.0, 1e-4).forward
    # forward error ~ h (truncation) for large h, then round-off wins: it is not monotone
    errs = [r["forward error"] for r in rows]
    assert errs[1] == pytest.approx(0.1, rel=1e-9)
    assert min(errs) < 1e-6 and errs[-1] > 100 * min(errs)


@pytest.mark.parametrize("text", ["x/0", "1/(x-x)", "log(-1) + x", "1e300*1e300*x"])
def test_a_failure_that_does_not_depend_on_x_says_change_the_expression(text):
    fn = catalogue.make_function("custom", text)
    with pytest.raises(EvaluationError) as ei:
        lesson.compare(fn, 3.0, 1e-3)
    msg = lesson.failure_message(ei.value, "custom", text, 3.0, "float64")
    assert "slider cannot help" in msg and msg.endswith("change the expression.")
    assert "Move the x slider" not in msg and "Change the values" not in msg


@pytest.mark.parametrize("text,x,near", [("1/(x-3)", 3.0, 3.05), ("log(x-3)", 3.0, 3.05), ("log(x)", -1.0, 0.05),
                                         ("exp(1000*x)", 3.0, 0.7)])
def test_a_failure_at_this_x_names_the_nearest_x_that_works(text, x, near):
    fn = catalogue.make_function("custom", text)
    with pytest.raises(EvaluationError) as ei:
        lesson.compare(fn, x, 1e-3)
    msg = lesson.failure_message(ei.value, "custom", text, x, "float64")
    assert f"Move the x slider (f is {'finite' if 'exp' in text else 'defined'} at x = {near:g}" in msg, msg
    lesson.compare(fn, near, 1e-3)  # and it really works there
    assert msg.endswith(".")


def test_float32_overflow_everywhere_suggests_float64():
    text = "exp(100 + x - x)"  # e^100: finite in float64, overflows float32 at every x
    fn = catalogue.make_function("custom", text)
    with pytest.raises(EvaluationError) as ei:
        lesson.compare(fn, 3.0, 1e-3, "float32")
    msg = lesson.failure_message(ei.value, "custom", text, 3.0, "float32")
    assert msg.startswith("f(x) overflows float32 at x = 3")
    assert "moving x cannot help" in msg and "switch to float64" in msg and msg.endswith(".")


