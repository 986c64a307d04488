"""AppTest: the "Derivatives: numerical vs analytic" page, driven through its widgets."""

import json
import math

import pytest
from streamlit.testing.v1 import AppTest

from micrograd.lessons import derivatives as lesson


def _page():
    at = AppTest.from_file("../app.py", default_timeout=30)  # relative to this file
    at.switch_page("app_pages/derivatives.py")
    at.run()
    assert not at.exception
    return at


def _spec(at, i):
    return json.loads(at.get("plotly_chart")[i].proto.spec)


def _trace(spec, name):
    return next(t for t in spec["data"] if t.get("name") == name)


def test_default_is_x_squared_at_3():
    at = _page()
    r = at.session_state["deriv_result"]
    assert r["key"] == "square" and r["x"] == 3.0 and r["dtype"] == "float64"
    assert r["f"] == 9.0 and r["analytic"] == 6.0
    assert r["forward"] == pytest.approx(6.0 + r["h"], rel=1e-12)  # (x+h)^2 - x^2 over h = 2x + h
    assert r["central_error"] < 1e-14
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["f(x)"] == "9" and metrics["f'(x) from backward()"] == "6"
    charts = at.get("plotly_chart")
    assert len(charts) == 2
    fspec = _spec(at, 0)
    tangent = _trace(fspec, "tangent")
    slope = (tangent["y"][-1] - tangent["y"][0]) / (tangent["x"][-1] - tangent["x"][0])
    assert slope == pytest.approx(6.0)
    espec = _spec(at, 1)
    assert espec["layout"]["xaxis"]["type"] == "log" and espec["layout"]["yaxis"]["type"] == "log"
    assert _trace(espec, "current h")["x"][0] == pytest.approx(r["h"])
    readout, table = at.dataframe[0].value, at.dataframe[1].value
    assert list(readout["value"]) == [9.0, 6.0, r["forward"], r["central"]]
    assert list(table["h"]) == [10.0**k for k in range(0, -16, -1)]
    assert table["forward"][0] == 7.0 and table["central"][0] == 6.0  # (16-9)/1 and (16-4)/2
    assert not at.error


def test_every_function_and_both_dtypes():
    at = _page()
    for key in [c.key for c in lesson.CATALOGUE]:
        at.selectbox(key="deriv_function").set_value(key).run()
        assert not at.exception, key
        assert not at.error, key
        r = at.session_state["deriv_result"]
        assert r["key"] == key
        fx, slope = lesson.make_function(key, lesson.DEFAULT_CUSTOM).value_and_grad(3.0)
        assert r["f"] == fx and r["analytic"] == slope
    at.selectbox(key="deriv_function").set_value("exp").run()
    at.slider(key="deriv_x").set_value(1.0).run()
    best64 = at.session_state["deriv_result"]["best_central_h"]
    at.radio(key="deriv_dtype").set_value("float32").run()
    assert not at.exception
    r32 = at.session_state["deriv_result"]
    assert r32["dtype"] == "float32" and r32["best_central_h"] > 30 * best64
    assert "float32" in _spec(at, 1)["layout"]["title"]["text"]


def test_shrinking_h_secant_becomes_tangent_then_round_off():
    at = _page()
    errors = {}
    for k in (0.0, -4.0, -8.0, -14.0):
        at.select_slider(key="deriv_log10_h").set_value(k).run()
        assert not at.exception
        r = at.session_state["deriv_result"]
        assert r["h"] == pytest.approx(10**k)
        secant = _trace(_spec(at, 0), "forward secant")
        slope = (secant["y"][-1] - secant["y"][0]) / (secant["x"][-1] - secant["x"][0])
        assert slope == pytest.approx(r["forward"], rel=1e-9)
        errors[k] = r["forward_error"]
    assert errors[0.0] == pytest.approx(1.0)  # forward error of x^2 is exactly h
    assert errors[-4.0] == pytest.approx(1e-4, rel=1e-6)
    assert errors[-8.0] < errors[-4.0]
    assert errors[-14.0] > errors[-8.0]  # round-off has taken over


def test_custom_expression_good_bad_and_recovery():
    at = _page()
    at.selectbox(key="deriv_function").set_value("custom").run()
    at.text_input(key="deriv_custom").set_value("x**3 - 2*x").run()
    assert not at.exception and not at.error
    r = at.session_state["deriv_result"]
    assert r["f"] == 21.0 and r["analytic"] == 25.0
    for bad in ("x +", "__import__('os').system('touch X')", "sin(x)", "x + y", "9**9**9"):
        at.text_input(key="deriv_custom").set_value(bad).run()
        assert not at.exception, bad
        assert at.error, bad
        assert at.session_state["deriv_result"] is None
        assert at.session_state["deriv_custom"] == bad  # the student's text is kept
        assert at.slider(key="deriv_x").value == 3.0
    assert "column" in at.error[0].value
    at.text_input(key="deriv_custom").set_value("x * exp(-x)").run()
    assert not at.exception and not at.error
    assert at.session_state["deriv_result"]["analytic"] == pytest.approx(math.exp(-3) * (1 - 3))


def test_domain_errors_show_st_error():
    at = _page()
    at.selectbox(key="deriv_function").set_value("inverse").run()
    at.slider(key="deriv_x").set_value(0.0).run()
    assert not at.exception
    assert at.error and "x = 0" in at.error[0].value
    at.slider(key="deriv_x").set_value(0.5).run()
    assert not at.exception and not at.error
    assert at.session_state["deriv_result"]["analytic"] == pytest.approx(-4.0)
    at.selectbox(key="deriv_function").set_value("custom").run()
    at.text_input(key="deriv_custom").set_value("log(x)").run()
    at.slider(key="deriv_x").set_value(-1.0).run()
    assert not at.exception
    assert at.error and "positive" in at.error[0].value


@pytest.mark.parametrize("text,slope", [("3", 0.0), ("2*3", 0.0), ("1e-320*x", 1e-320)])
def test_constant_and_tiny_custom_functions_render(text, slope):
    # a constant f has no x node (derivative 0); a tiny one makes every error ~1e-320
    at = _page()
    at.selectbox(key="deriv_function").set_value("custom").run()
    at.text_input(key="deriv_custom").set_value(text).run()
    assert not at.exception and not at.error, text
    assert at.session_state["deriv_result"]["analytic"] == slope


def test_an_infinite_derivative_is_called_out_not_mislabelled():
    at = _page()
    at.selectbox(key="deriv_function").set_value("custom").run()
    at.text_input(key="deriv_custom").set_value("x**0.5 + 1").run()
    at.slider(key="deriv_x").set_value(0.0).run()
    assert not at.exception and not at.error
    assert any("infinite" in w.value for w in at.warning)
