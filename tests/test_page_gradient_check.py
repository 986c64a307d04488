"""AppTest: the "Gradient checking" page, driven through its widgets."""

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from micrograd.lessons import gradient_check as gc


def _page():
    at = AppTest.from_file("../app.py", default_timeout=30)  # relative to this file
    at.switch_page("app_pages/gradient_check.py")
    at.run()
    assert not at.exception
    return at


def _heatmap_z(at):
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return [np.array(t["z"], dtype=float) for t in spec["data"] if t["type"] == "heatmap"]


def test_clean_model_passes_and_the_heatmap_is_all_below_tolerance():
    at = _page()
    r = at.session_state["gc_result"]
    assert r["passed"] and r["max_rel_error"] < 1e-6
    assert r["bugs"] == [] and r["n_params"] == 37
    assert at.success and not at.error
    zs = _heatmap_z(at)
    assert [z.shape for z in zs] == [(4, 3), (4, 5), (1, 5)]  # neurons x (weights + bias), per layer
    assert max(z.max() for z in zs) < -6  # log10 of every relative error below the tolerance
    assert {m.label: m.value for m in at.metric}["Parameters checked"] == "37"


@pytest.mark.parametrize("bug", list(gc.BUGS))
def test_each_injected_bug_fails_visibly_then_passes_when_switched_off(bug):
    at = _page()
    at.toggle(key=f"gc_bug_{bug}").set_value(True).run()
    assert not at.exception
    r = at.session_state["gc_result"]
    assert not r["passed"] and r["max_rel_error"] > 0.1 and r["bugs"] == [bug]
    assert at.error and "Fail" in at.error[0].value
    assert max(z.max() for z in _heatmap_z(at)) > -1  # an orange (failing) cell
    at.toggle(key=f"gc_bug_{bug}").set_value(False).run()
    assert at.session_state["gc_result"]["passed"]


def test_forgot_zero_grad_error_is_one_half():
    at = _page()
    at.toggle(key="gc_bug_no_zero_grad").set_value(True).run()
    assert at.session_state["gc_result"]["max_rel_error"] == pytest.approx(0.5, abs=1e-5)  # |2g - g| / 2g


def test_tanh_bug_does_not_matter_with_sigmoid():
    at = _page()
    at.selectbox(key="gc_activation").set_value("sigmoid").run()
    at.toggle(key="gc_bug_wrong_tanh").set_value(True).run()
    assert not at.exception
    assert at.session_state["gc_result"]["passed"]  # the check only tests the ops the model uses


def test_too_small_step_is_ruined_by_round_off():
    at = _page()
    at.select_slider(key="gc_h").set_value(1e-10).run()
    assert not at.exception
    r = at.session_state["gc_result"]
    assert r["max_rel_error"] > 1e-6 and not r["passed"]  # round-off ~ 1e-16 / h dominates


def test_relu_kink_is_explained_as_a_false_alarm():
    at = _page()
    at.selectbox(key="gc_activation").set_value("relu").run()
    assert not at.exception
    r = at.session_state["gc_result"]
    # seed 0: a zero bias in front of dead ReLUs sits exactly on a kink, so the check flags it
    assert not r["passed"] and r["bugs"] == []
    assert any("kink" in i.value for i in at.info)
    at.selectbox(key="gc_activation").set_value("tanh").run()
    assert at.session_state["gc_result"]["passed"] and not at.info
