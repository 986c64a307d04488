"""AppTest: the "Derivatives: numerical vs analytic" page, driven through its widgets."""

import json
import math
import re

import pytest
from conftest import open_page, shown_text

from micrograd.lessons import derivatives as lesson
from micrograd.lessons import derivatives_catalogue as catalogue


def _page():
    return open_page("app_pages/derivatives.py")


def _spec(at, i):
    return json.loads(at.get("plotly_chart")[i].proto.spec)


def _trace(spec, name):
    return next(t for t in spec["data"] if t.get("name") == name)


def _shown(at):
    """The result as the page shows it, or None when it shows an error instead (and no numbers).

    Values come from the readout table (12 significant digits), errors from its "abs error"
    column (4 digits), x and the arithmetic from the caption under the metrics, the current and
    best h from the error chart's markers."""
    if at.error:
        assert not at.metric and not at.dataframe and not at.get("plotly_chart")  # no stale numbers
        return None
    readout = at.dataframe[0].value
    value = dict(zip(readout["quantity"], readout["value"], strict=True))
    error = dict(zip(readout["quantity"], readout["abs error"], strict=True))
    caption = next(c.value for c in at.caption if c.value.startswith("x = "))
    x, h, dtype = re.match(r"x = (\S+), h = (\S+), differences computed in (float\d\d) ", caption).groups()
    espec = _spec(at, 1)
    best = _trace(espec, "best h")["x"]
    return {
        "x": float(x), "dtype": dtype, "h": _trace(espec, "current h")["x"][0],
        "f": float(value["f(x)"]), "analytic": float(value["analytic f'(x)"]),
        "forward": float(value["forward difference"]), "central": float(value["central difference"]),
        "forward_error": float(error["forward difference"]), "central_error": float(error["central difference"]),
        "best_forward_h": best[0], "best_central_h": best[1],
    }


def test_default_is_x_squared_at_3():
    at = _page()
    r = _shown(at)
    assert at.selectbox(key="deriv_function").value == "square" and r["x"] == 3.0 and r["dtype"] == "float64"
    assert r["h"] == pytest.approx(10**lesson.DEFAULT_LOG10_H)
    assert r["f"] == 9.0 and r["analytic"] == 6.0
    assert r["forward"] == pytest.approx(6.0 + r["h"], rel=1e-11)  # (x+h)^2 - x^2 over h = 2x + h
    assert r["central"] == 6.0 and r["central_error"] < 1e-14
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
    assert list(readout["value"]) == ["9", "6", f"{6.0 + r['h']:.12g}", "6"]
    # f(x) and the reference have no error: a dash in those cells, not the word None
    assert list(readout["abs error"])[:2] == ["–", "–"] and list(readout["rel error"])[:2] == ["–", "–"]
    assert float(readout["abs error"][2]) == pytest.approx(r["h"], rel=1e-3)  # the forward error of x^2 is h
    assert not any(v is None or v == "None" for col in readout.columns for v in readout[col])
    assert list(table["h"]) == [10.0**k for k in range(0, -16, -1)]
    assert table["forward"][0] == 7.0 and table["central"][0] == 6.0  # (16-9)/1 and (16-4)/2
    assert not at.error


def test_every_function_and_both_dtypes():
    at = _page()
    for key in [c.key for c in catalogue.CATALOGUE]:
        at.selectbox(key="deriv_function").set_value(key).run()
        assert not at.exception, key
        assert not at.error, key
        r = _shown(at)
        fn = catalogue.make_function(key, catalogue.DEFAULT_CUSTOM)
        shown_formula = at.code[0].value if key == "custom" else at.latex[0].value
        assert (fn.expression if key == "custom" else fn.latex) in shown_formula, key
        fx, slope = fn.value_and_grad(3.0)
        assert r["f"] == pytest.approx(fx, rel=1e-11, abs=1e-300), key
        assert r["analytic"] == pytest.approx(slope, rel=1e-11, abs=1e-300), key
    at.selectbox(key="deriv_function").set_value("exp").run()
    at.slider(key="deriv_x").set_value(1.0).run()
    best64 = _shown(at)["best_central_h"]
    at.radio(key="deriv_dtype").set_value("float32").run()
    assert not at.exception
    r32 = _shown(at)
    assert r32["dtype"] == "float32" and r32["best_central_h"] > 30 * best64
    assert "float32" in _spec(at, 1)["layout"]["title"]["text"]


def test_shrinking_h_secant_becomes_tangent_then_round_off():
    at = _page()
    errors = {}
    for k in (0.0, -4.0, -8.0, -14.0):
        at.select_slider(key="deriv_log10_h").set_value(k).run()
        assert not at.exception
        r = _shown(at)
        assert r["h"] == pytest.approx(10**k)
        secant = _trace(_spec(at, 0), "forward secant")
        slope = (secant["y"][-1] - secant["y"][0]) / (secant["x"][-1] - secant["x"][0])
        assert slope == pytest.approx(r["forward"], rel=1e-9)
        errors[k] = r["forward_error"]
    assert errors[0.0] == pytest.approx(1.0)  # forward error of x^2 is exactly h
    assert errors[-4.0] == pytest.approx(1e-4, rel=1e-3)  # shown to 4 digits
    assert errors[-8.0] < errors[-4.0]
    assert errors[-14.0] > errors[-8.0]  # round-off has taken over


def test_custom_expression_good_bad_and_recovery():
    at = _page()
    at.selectbox(key="deriv_function").set_value("custom").run()
    at.text_input(key="deriv_custom").set_value("x**3 - 2*x").run()
    assert not at.exception and not at.error
    r = _shown(at)
    assert r["f"] == 21.0 and r["analytic"] == 25.0
    for bad in ("x +", "__import__('os').system('touch X')", "sin(x)", "x + y", "9**9**9"):
        at.text_input(key="deriv_custom").set_value(bad).run()
        assert not at.exception, bad
        assert at.error, bad
        assert _shown(at) is None
        assert at.text_input(key="deriv_custom").value == bad  # the student's text is kept
        assert at.slider(key="deriv_x").value == 3.0
    assert "column" in shown_text(at.error[0].value)
    at.text_input(key="deriv_custom").set_value("x * exp(-x)").run()
    assert not at.exception and not at.error
    assert _shown(at)["analytic"] == pytest.approx(math.exp(-3) * (1 - 3), rel=1e-11)


def test_domain_errors_show_st_error():
    at = _page()
    at.selectbox(key="deriv_function").set_value("inverse").run()
    at.slider(key="deriv_x").set_value(0.0).run()
    assert not at.exception
    assert at.error and "x = 0" in shown_text(at.error[0].value)
    at.slider(key="deriv_x").set_value(0.5).run()
    assert not at.exception and not at.error
    assert _shown(at)["analytic"] == -4.0  # -1 / x^2 at 0.5
    at.selectbox(key="deriv_function").set_value("custom").run()
    at.text_input(key="deriv_custom").set_value("log(x)").run()
    at.slider(key="deriv_x").set_value(-1.0).run()
    assert not at.exception
    assert at.error and "positive" in shown_text(at.error[0].value)


@pytest.mark.parametrize("text,slope", [("3", 0.0), ("2*3", 0.0), ("1e-320*x", 1e-320)])
def test_constant_and_tiny_custom_functions_render(text, slope):
    # a constant f has no x node (derivative 0); a tiny one makes every error ~1e-320
    at = _page()
    at.selectbox(key="deriv_function").set_value("custom").run()
    at.text_input(key="deriv_custom").set_value(text).run()
    assert not at.exception and not at.error, text
    assert _shown(at)["analytic"] == slope


def test_an_infinite_derivative_is_called_out_not_mislabelled():
    at = _page()
    at.selectbox(key="deriv_function").set_value("custom").run()
    at.text_input(key="deriv_custom").set_value("x**0.5 + 1").run()
    at.slider(key="deriv_x").set_value(0.0).run()
    assert not at.exception and not at.error
    assert any("infinite" in w.value for w in at.warning)


def test_settings_survive_a_visit_to_another_page():
    # Streamlit drops a widget's state when its page is not rendered; the page keeps it per session
    at = _page()
    at.selectbox(key="deriv_function").set_value("custom").run()
    at.text_input(key="deriv_custom").set_value("x**3 - 2*x").run()
    at.slider(key="deriv_x").set_value(1.5).run()
    at.select_slider(key="deriv_log10_h").set_value(-4.0).run()
    at.radio(key="deriv_dtype").set_value("float32").run()
    at.switch_page("app_pages/home.py").run()
    assert not at.exception
    at.switch_page("app_pages/derivatives.py").run()
    assert not at.exception and not at.error
    assert at.selectbox(key="deriv_function").value == "custom"
    assert at.text_input(key="deriv_custom").value == "x**3 - 2*x"
    assert at.slider(key="deriv_x").value == 1.5
    assert at.select_slider(key="deriv_log10_h").value == -4.0
    assert at.radio(key="deriv_dtype").value == "float32"
    assert "float32" in _spec(at, 1)["layout"]["title"]["text"]  # and the page computed with them


BAD_CUSTOM = ["x +", "", "sin(x)", "y*x", "9**9**9", "'a'", "x/0", "1/(x-3)", "exp(1000*x)", "1e300*1e300*x",
              "log(x-3)", "(x", "x.foo()", "x" * 501]


def test_every_error_text_is_whole_sentences():
    at = _page()
    at.selectbox(key="deriv_function").set_value("custom").run()
    for bad in BAD_CUSTOM:
        at.text_input(key="deriv_custom").set_value(bad).run()
        assert not at.exception, bad
        assert len(at.error) == 1, bad
        text = shown_text(at.error[0].value)
        assert text.endswith("."), (bad, text)
        assert "None" not in text, (bad, text)


def test_a_constant_division_by_zero_says_change_the_expression_not_move_x():
    at = _page()
    at.selectbox(key="deriv_function").set_value("custom").run()
    for bad in ("x/0", "1/(x-x)"):
        at.text_input(key="deriv_custom").set_value(bad).run()
        text = shown_text(at.error[0].value)
        assert "division by zero" in text and "moving the x slider cannot help: change the expression." in text
        assert "Move the x slider" not in text and "move the x slider" not in text.replace("moving", "")
    # where it does depend on x, the notice names the nearest x that works, and that x works
    at.text_input(key="deriv_custom").set_value("1/(x-3)").run()
    assert "Move the x slider (f is defined at x = 3.05, the nearest point)" in shown_text(at.error[0].value)
    at.slider(key="deriv_x").set_value(3.05).run()
    assert not at.error and _shown(at)["x"] == pytest.approx(3.05)


def test_an_unknown_name_says_only_x_is_a_variable():
    at = _page()
    at.selectbox(key="deriv_function").set_value("custom").run()
    at.text_input(key="deriv_custom").set_value("y*x").run()
    text = shown_text(at.error[0].value)
    assert "only x is a variable here, so replace y by a number or by x." in text
    assert "give it a value" not in text


def test_error_plot_legend_is_below_and_short_and_both_ends_are_inside():
    at = _page()
    spec = _spec(at, 1)
    legend = spec["layout"]["legend"]
    assert legend["orientation"] == "h" and legend["yanchor"] == "top" and legend["y"] < 0
    names = [t["name"] for t in spec["data"] if t.get("showlegend", True)]
    assert max(len(n) for n in names) <= 22 and sum(len(n) for n in names) <= 130, names
    lo, hi = spec["layout"]["xaxis"]["range"]
    assert lo < -15.2 and hi > 0.2
    assert any("Dotted guides" in c.value for c in at.caption)
