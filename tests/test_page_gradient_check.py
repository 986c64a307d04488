"""AppTest: the "Gradient checking" page, driven through its widgets."""

import json

import numpy as np
import pytest
from conftest import open_page

from micrograd.lessons import gradient_check as lesson


def _page():
    return open_page("app_pages/gradient_check.py")


def _shown(at):
    """The verdict as the page shows it: passed (a "Pass" success and no "Fail" error), the
    worst relative error and the number of parameters from the metrics, and how many bug notes."""
    metrics = {m.label: m.value for m in at.metric}
    passed = any(x.value.startswith("Pass:") for x in at.success)
    failed = any(x.value.startswith("Fail:") for x in at.error)
    assert passed != failed  # exactly one verdict
    return {"passed": passed, "max_rel_error": float(metrics["Worst relative error"]),
            "n_params": int(metrics["Parameters checked"]), "bug_notes": len(at.warning)}


def _heatmap_z(at):
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return [np.array(t["z"], dtype=float) for t in spec["data"] if t["type"] == "heatmap"]


def test_clean_model_passes_and_the_heatmap_is_all_below_tolerance():
    at = _page()
    r = _shown(at)
    assert r["passed"] and r["max_rel_error"] < 1e-6
    # MLP(2, [4, 4, 1]): (2 + 1) * 4 + (4 + 1) * 4 + (4 + 1) * 1 = 37 parameters, no bug notes
    assert r["bug_notes"] == 0 and r["n_params"] == 37
    assert at.success and not at.error
    zs = _heatmap_z(at)
    assert [z.shape for z in zs] == [(4, 3), (4, 5), (1, 5)]  # neurons x (weights + bias), per layer
    assert max(z.max() for z in zs) < -6  # log10 of every relative error below the tolerance
    assert {m.label: m.value for m in at.metric}["Parameters checked"] == "37"


@pytest.mark.parametrize("bug", list(lesson.BUGS))
def test_each_injected_bug_fails_visibly_then_passes_when_switched_off(bug):
    at = _page()
    at.toggle(key=f"gc_bug_{bug}").set_value(True).run()
    assert not at.exception
    r = _shown(at)
    assert not r["passed"] and r["max_rel_error"] > 0.1 and r["bug_notes"] == 1
    assert lesson.BUGS[bug][0] in at.warning[0].value  # the note names the bug switched on
    assert at.error and "Fail" in at.error[0].value
    assert max(z.max() for z in _heatmap_z(at)) > -1  # an orange (failing) cell
    at.toggle(key=f"gc_bug_{bug}").set_value(False).run()
    assert _shown(at)["passed"] and _shown(at)["bug_notes"] == 0


def test_forgot_zero_grad_error_is_one_half():
    at = _page()
    at.toggle(key="gc_bug_no_zero_grad").set_value(True).run()
    assert _shown(at)["max_rel_error"] == pytest.approx(0.5, abs=1e-5)  # |2g - g| / 2g


def test_tanh_bug_does_not_matter_with_sigmoid():
    at = _page()
    at.selectbox(key="gc_activation").set_value("sigmoid").run()
    at.toggle(key="gc_bug_wrong_tanh").set_value(True).run()
    assert not at.exception
    assert _shown(at)["passed"]  # the check only tests the ops the model uses


def test_too_small_step_is_ruined_by_round_off():
    at = _page()
    at.select_slider(key="gc_h").set_value(1e-10).run()
    assert not at.exception
    r = _shown(at)
    assert r["max_rel_error"] > 1e-6 and not r["passed"]  # round-off ~ 1e-16 / h dominates


def test_every_activation_and_bug_combination_explains_each_active_cause():
    # what fails and why, in every combination: one note per active bug, and the ReLU kink
    # stays explained whatever else is switched on (it used to vanish with the tanh bug)
    at = _page()
    for activation in ["tanh", "sigmoid", "relu"]:
        at.selectbox(key="gc_activation").set_value(activation).run()
        for mask in range(2 ** len(lesson.BUGS)):
            on = [b for i, b in enumerate(lesson.BUGS) if mask >> i & 1]
            for b in lesson.BUGS:
                at.toggle(key=f"gc_bug_{b}").set_value(b in on)
            at.run()
            assert not at.exception
            case = (activation, on)
            warnings = [w.value for w in at.warning]
            infos = [i.value for i in at.info]
            for b in on:
                label = lesson.BUGS[b][0]
                if b == "wrong_tanh" and activation != "tanh":
                    assert any(label in t and "changes nothing" in t and "no tanh" in t for t in infos), case
                    assert not any(label in t for t in warnings), case
                else:
                    assert any(label in t and "wrong" in t for t in warnings), case
            assert any("kink" in t and "false alarm" in t for t in infos) == (activation == "relu"), case
            assert len(warnings) + len(infos) == len(on) + (activation == "relu"), case
            assert bool(at.error) == (activation == "relu" or bool(set(on) - {"wrong_tanh"})
                                      or (activation == "tanh" and bool(on))), case


def test_relu_kink_is_explained_as_a_false_alarm():
    at = _page()
    at.selectbox(key="gc_activation").set_value("relu").run()
    assert not at.exception
    r = _shown(at)
    # seed 0: a zero bias in front of dead ReLUs sits exactly on a kink, so the check flags it
    assert not r["passed"] and r["bug_notes"] == 0
    assert any("kink" in i.value for i in at.info)
    worst = at.dataframe[0].value  # the 8 worst parameters say why each one fails
    assert list(worst["why"])[:4] == ["kink (false alarm)"] * 4 and set(worst["parameter"][:4]) == {
        "L2 n0 b", "L2 n1 b", "L2 n2 b", "L2 n3 b"}
    at.toggle(key="gc_bug_no_zero_grad").set_value(True).run()
    assert "forgot zero_grad, kink (false alarm)" in list(at.dataframe[0].value["why"])
    at.toggle(key="gc_bug_no_zero_grad").set_value(False).run()
    at.selectbox(key="gc_activation").set_value("tanh").run()
    assert _shown(at)["passed"] and not at.info


def test_settings_survive_a_visit_to_another_page():
    # Streamlit drops a widget's state when its page is not rendered; the page keeps it per session
    at = _page()
    at.selectbox(key="gc_activation").set_value("sigmoid").run()
    at.selectbox(key="gc_loss").set_value("mse").run()
    at.number_input(key="gc_seed").set_value(3).run()
    at.select_slider(key="gc_h").set_value(1e-4).run()
    at.toggle(key="gc_bug_assign").set_value(True).run()
    at.switch_page("app_pages/home.py").run()
    assert not at.exception
    at.switch_page("app_pages/gradient_check.py").run()
    assert not at.exception
    assert at.selectbox(key="gc_activation").value == "sigmoid"
    assert at.selectbox(key="gc_loss").value == "mse"
    assert at.number_input(key="gc_seed").value == 3
    assert at.select_slider(key="gc_h").value == 1e-4
    assert at.toggle(key="gc_bug_assign").value is True
    assert at.error and "Fail" in at.error[0].value  # the bug is still switched on
