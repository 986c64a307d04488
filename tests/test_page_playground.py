"""AppTest for the "Train an MLP" playground page (app_pages/playground.py)."""

import json

from streamlit.testing.v1 import AppTest

from micrograd.lessons import playground as pg


def _open(query=None):
    at = AppTest.from_file("../app.py", default_timeout=30)  # relative to this file
    if query:
        for k, v in query.items():
            at.query_params[k] = v
    at.switch_page("app_pages/playground.py").run()
    assert not at.exception
    return at


def _metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def _step(at):
    return int(_metric(at, "Step").replace(",", ""))


def test_first_view_draws_everything():
    at = _open()
    assert _step(at) == 0 and at.session_state["playing"] is False
    assert len(at.get("plotly_chart")) == 3
    boundary = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert boundary["data"][0]["type"] == "heatmap"
    assert boundary["layout"]["title"]["text"] == "Decision boundary at step 0"
    assert _metric(at, "Parameters") == "105"
    assert at.button(key="play") and at.selectbox(key="engine").value == "scalar"
    assert dict(at.query_params)["layers"] == "8-8"  # the configuration is in the URL
    assert not at.error


def test_play_runs_frames_then_pause_stops():
    at = _open()
    at.button(key="play").click().run()
    assert at.session_state["playing"] is True
    spf = at.slider(key="pg_steps_per_frame").value
    first = _step(at)
    assert first == spf  # the run after the click already drew one frame
    # AppTest does not fire run_every timers. Each full run executes the fragment function
    # live_view() itself, i.e. the very code a timer tick runs (train steps_per_frame, redraw),
    # so a few runs stand for a few frames of playback.
    for k in range(1, 4):
        at.run()
        assert not at.exception
        assert _step(at) == first + k * spf
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["title"]["text"] == f"Decision boundary at step {first + 3 * spf}"
    at.button(key="pause").click().run()
    paused = _step(at)
    at.run()
    at.run()
    assert at.session_state["playing"] is False and _step(at) == paused


def test_step_and_reset():
    at = _open()
    at.button(key="step").click().run()
    at.button(key="step").click().run()
    assert _step(at) == 2 and at.session_state["playing"] is False
    trainer = at.session_state["pg_trainer"]
    assert trainer.step_count == 2
    at.button(key="reset").click().run()
    assert _step(at) == 0 and at.session_state["pg_trainer"] is not trainer
    assert any("reset" in i.value for i in at.info)


def test_learning_rate_change_keeps_the_model():
    at = _open()
    at.button(key="step").click().run()
    trainer = at.session_state["pg_trainer"]
    weights = trainer.model.parameter_values()
    at.select_slider(key="pg_lr").set_value(0.03).run()
    assert not at.exception
    assert at.session_state["pg_trainer"] is trainer and trainer.lr == 0.03
    assert trainer.model.parameter_values() == weights and _step(at) == 1
    assert not at.info  # no reset notice
    at.button(key="step").click().run()
    assert _step(at) == 2
    assert dict(at.query_params)["lr"] == "0.03"


def test_layer_change_resets_and_says_so():
    at = _open()
    at.button(key="step").click().run()
    at.number_input(key="pg_n_layers").set_value(3).run()
    assert not at.exception
    trainer = at.session_state["pg_trainer"]
    assert trainer.hidden == (8, 8, 4) and trainer.step_count == 0 and _step(at) == 0
    assert any("network changed" in i.value for i in at.info)
    at.slider(key="pg_width_2").set_value(16).run()
    assert at.session_state["pg_trainer"].hidden == (8, 8, 16)
    assert dict(at.query_params)["layers"] == "8-8-16"


def test_preset_sets_everything_and_the_guard_fires():
    at = _open()
    at.selectbox(key="pg_preset").set_value("learning rate too high").run()
    assert not at.exception
    assert at.select_slider(key="pg_lr").value == 3.0 and at.selectbox(key="pg_loss").value == "mse"
    assert any("Preset" in i.value for i in at.info)
    assert at.selectbox(key="pg_preset").value is None  # ready to pick (or re-pick) a scenario
    at.slider(key="pg_steps_per_frame").set_value(20).run()
    at.button(key="play").click().run()
    for _ in range(8):  # the preset diverges near step 92: at most 5 frames of 20 steps
        if not at.session_state["playing"]:
            break
        at.run()
    assert not at.exception
    trainer = at.session_state["pg_trainer"]
    assert at.session_state["playing"] is False and trainer.diverged_at is not None
    assert any(f"loss diverged at step {trainer.diverged_at}: lower the learning rate" in e.value
               for e in at.error)


def test_bad_url_parameters_fall_back_with_notices():
    at = _open({"data": "xor", "lr": "7", "layers": "4-99", "wat": "1", "act": "relu"})
    cfg = at.session_state["pg_cfg"]
    default = pg.PlaygroundConfig()
    assert (cfg.dataset, cfg.activation) == ("xor", "relu")  # valid ones are used
    assert (cfg.lr, cfg.hidden) == (default.lr, default.hidden)  # bad ones fall back
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 3 and any("'wat'" in w for w in warnings)
    assert at.selectbox(key="pg_dataset").value == "xor"
    # the URL is rewritten to the configuration in use
    assert dict(at.query_params)["lr"] == "0.3" and "wat" not in dict(at.query_params)


def test_tensor_engine_choice_never_crashes():
    at = _open()
    at.selectbox(key="engine").set_value("tensor").run()
    at.button(key="step").click().run()
    assert not at.exception and _step(at) == 1
    trainer = at.session_state["pg_trainer"]
    assert not at.error and trainer.engine == "tensor"
    nodes = next(m for m in at.metric if m.label == "Nodes per step").value
    assert int(nodes.replace(",", "")) < 100  # a few dozen Tensor nodes, not thousands of Value nodes


def test_new_data_button_changes_the_seed_and_resets():
    at = _open()
    at.button(key="step").click().run()
    before = at.session_state["pg_trainer"].X_train.copy()
    at.button(key="new_data").click().run()
    assert not at.exception
    assert at.number_input(key="pg_seed").value == 1 and _step(at) == 0
    assert not (at.session_state["pg_trainer"].X_train == before).all()
    assert any("data changed" in i.value for i in at.info)
    assert dict(at.query_params)["seed"] == "1"


def test_every_preset_loads_and_trains():
    at = _open()
    for name in pg.PRESETS:
        at.selectbox(key="pg_preset").set_value(name).run()
        at.button(key="step").click().run()
        assert not at.exception, name
        trainer = at.session_state["pg_trainer"]
        cfg = pg.preset_config(name)
        assert (trainer.hidden, trainer.activation, trainer.lr) == (cfg.hidden, cfg.activation, cfg.lr), name
        assert _step(at) == 1 and len(at.get("plotly_chart")) == 3, name
        assert pg.decode_query(dict(at.query_params))[0] == cfg  # the URL now opens this scenario
