"""AppTest for the "Train an MLP" playground page (app_pages/playground.py)."""

import json

from streamlit.testing.v1 import AppTest

from micrograd.lessons import playground as pg
from micrograd.lessons import playground_url as pgurl


def _open(query=None):
    at = AppTest.from_file("../app.py", default_timeout=30)  # relative to this file
    if query:
        for k, v in query.items():
            at.query_params[k] = v
    at.switch_page("app_pages/playground.py").run()
    assert not at.exception
    return at


def _url(at):
    """The page's URL query parameters as {name: value}; AppTest before Streamlit 1.65 holds each value
    as a one-element list."""
    return {k: v[-1] if isinstance(v, list) else v for k, v in at.query_params.items()}


def _metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def _step(at):
    return int(_metric(at, "Step").replace(",", ""))


CHART_KEYS = ("pg_boundary_chart", "pg_network_chart", "pg_curves_chart")


def _scenes(at):
    """The live charts the page drew, {key: scene} (the scene each canvas paints)."""
    return {e.key: json.loads(e.proto.bytes) for e in at.get("bidi_component") if e.key in CHART_KEYS}


def _layer(scene, name):
    return next(lay for lay in scene["layers"] if lay.get("name") == name)


def _last_point(line):
    return line["paths"][-1][-2:]


def test_first_view_draws_everything():
    at = _open()
    assert _step(at) == 0 and at.session_state["playing"] is False
    scenes = _scenes(at)
    assert set(scenes) == set(CHART_KEYS) and not at.get("plotly_chart")
    boundary = scenes["pg_boundary_chart"]
    assert boundary["layers"][0]["type"] == "image" and boundary["aspect"] == "equal"
    assert boundary["title"] == "Decision boundary at step 0"
    assert _metric(at, "Parameters") == "105"
    assert at.button(key="play") and at.selectbox(key="engine").value == "scalar"
    assert _url(at)["layers"] == "8-8"  # the configuration is in the URL
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
    assert _scenes(at)["pg_boundary_chart"]["title"] == f"Decision boundary at step {first + 3 * spf}"
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
    assert _url(at)["lr"] == "0.03"


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
    assert _url(at)["layers"] == "8-8-16"


def test_preset_sets_everything_and_the_guard_fires():
    at = _open()
    at.selectbox(key="pg_preset").set_value("learning rate too high").run()
    assert not at.exception
    assert at.select_slider(key="pg_lr").value == 3.0 and at.selectbox(key="pg_loss").value == "mse"
    assert any("Preset" in i.value for i in at.info)
    assert at.selectbox(key="pg_preset").value == "learning rate too high"  # the picker shows the scenario
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
    assert len(warnings) == 1 and warnings[0].count("\n- ") == 3 and r"\'wat\'" in warnings[0]  # one box
    assert at.selectbox(key="pg_dataset").value == "xor"
    # the URL is rewritten to the configuration in use
    assert _url(at)["lr"] == "0.3" and "wat" not in _url(at)


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
    assert _url(at)["seed"] == "1"


def test_every_preset_loads_and_trains():
    at = _open()
    for name in pg.PRESETS:
        at.selectbox(key="pg_preset").set_value(name).run()
        at.button(key="step").click().run()
        assert not at.exception, name
        trainer = at.session_state["pg_trainer"]
        cfg = pg.preset_config(name)
        assert (trainer.hidden, trainer.activation, trainer.lr) == (cfg.hidden, cfg.activation, cfg.lr), name
        assert _step(at) == 1 and len(_scenes(at)) == 3, name
        assert pgurl.decode_query(_url(at))[0] == cfg  # the URL now opens this scenario


# --- issue 8 ---

def _chart(at, title_start):
    return next(s for s in _scenes(at).values() if s["title"].startswith(title_start))


def _error_texts(at):
    return [e.value for e in at.error]


def test_every_view_names_the_same_step():
    at = _open()
    at.button(key="play").click().run()
    at.run()
    step = _step(at)
    assert step == 2 * at.slider(key="pg_steps_per_frame").value
    boundary = _chart(at, "Decision boundary")
    network = _chart(at, "Network")
    curves = _chart(at, "hinge")
    assert boundary["title"] == f"Decision boundary at step {step}"
    assert network["title"].startswith(f"Network at step {step}:")
    assert curves["title"].endswith(f"at step {step}")
    x, y = _last_point(_layer(curves, "train loss"))
    assert x == step
    assert abs(y - float(_metric(at, "Train loss"))) <= 1e-4  # the scene rounds to 4 decimals, the metric too


def test_changing_the_network_while_playing_keeps_playing_on_the_new_model():
    at = _open()
    at.button(key="play").click().run()
    at.run()
    spf = at.slider(key="pg_steps_per_frame").value
    at.number_input(key="pg_n_layers").set_value(1).run()
    assert not at.exception
    assert any("network changed" in i.value for i in at.info)
    assert at.button(key="pause").disabled is False and at.button(key="play").disabled is True  # still playing
    assert _step(at) == spf  # the fresh model already trained one frame
    assert [t[1] for t in _chart(at, "Network")["x"]["ticks"]] == ["inputs", "hidden 1", "output"]
    at.run()
    assert _step(at) == 2 * spf


def test_coming_back_to_the_page_does_not_resume_playing():
    at = _open()
    at.button(key="play").click().run()
    at.run()
    left_at = _step(at)
    at.switch_page("app_pages/home.py").run()
    at.switch_page("app_pages/playground.py").run()
    assert not at.exception
    assert _step(at) == left_at  # the same model, not trained on by itself
    assert at.button(key="play").disabled is False and at.button(key="pause").disabled is True
    at.run()
    assert _step(at) == left_at


def test_divergence_banner_metric_and_csv_agree_and_the_banner_goes_when_the_rate_is_lowered():
    at = _open()
    at.selectbox(key="pg_preset").set_value("learning rate too high").run()
    at.slider(key="pg_steps_per_frame").set_value(20).run()
    at.button(key="play").click().run()
    for _ in range(8):
        if at.button(key="play").disabled is False:  # the guard paused playback
            break
        at.run()
    trainer = at.session_state["pg_trainer"]
    banner = [e for e in _error_texts(at) if "loss diverged at step" in e]
    assert len(banner) == 1
    k = _step(at)
    assert f"loss diverged at step {trainer.diverged_at}: lower the learning rate" in banner[0]
    assert f"went back to step {k}" in banner[0]
    assert _chart(at, "Decision boundary")["title"] == f"Decision boundary at step {k}"
    rows = pg.history_csv(trainer).strip().split("\n")  # what "Loss history (CSV)" downloads
    assert rows[-1].split(",")[0] == str(k) and "inf" not in pg.history_csv(trainer)
    curves = _chart(at, "mean squared error")
    assert curves["log"] and curves["y"]["label"] == "loss (log scale)"  # the explosion to ~1e305 is on the chart
    undone = _layer(curves, "diverged run (undone)")
    assert max(v for p in undone["paths"] for v in p[1::2]) > 300  # log10 of the loss
    # lower the learning rate: the red banner goes, a note says how to go on
    at.select_slider(key="pg_lr").set_value(0.1).run()
    assert not at.exception
    assert not [e for e in _error_texts(at) if "diverged" in e]
    assert any(f"train on from step {k}" in i.value for i in at.info)
    at.button(key="play").click().run()
    at.run()
    assert _step(at) == k + 40 and not at.error
    assert _chart(at, "mean squared error")["log"] is False


def test_the_preset_picker_shows_the_scenario_and_restart_reloads_it():
    at = _open()
    name = "XOR needs a hidden layer"
    at.selectbox(key="pg_preset").set_value(name).run()
    assert at.selectbox(key="pg_preset").value == name
    at.button(key="step").click().run()
    at.select_slider(key="pg_lr").set_value(0.03).run()
    assert at.selectbox(key="pg_preset").value == name  # a learning-rate change is still the scenario
    at.button(key="pg_preset_restart").click().run()
    assert not at.exception
    assert at.select_slider(key="pg_lr").value == pg.preset_config(name).lr and _step(at) == 0
    assert any("Preset" in i.value for i in at.info)
    at.number_input(key="pg_n_layers").set_value(1).run()  # now it is another network: not the scenario
    assert at.selectbox(key="pg_preset").value is None and at.button(key="pg_preset_restart").disabled


# --- issue 10 ---

def test_playback_buttons_have_keyboard_shortcuts_named_in_their_help():
    at = _open()
    expected = {"play": ("space", "Space"), "pause": ("space", "Space"), "step": ("right", "→"),
                "reset": ("home", "Home")}
    for key, (shortcut, shown) in expected.items():
        button = at.button(key=key)
        assert button.proto.shortcut == shortcut, key
        assert f"Shortcut: {shown}" in button.help, key


def test_presenter_mode_from_the_link_large_type_controls_folded_and_kept_by_presets():
    at = _open({"present": "1"})
    assert at.toggle(key="pg_present").value is True and _url(at)["present"] == "1"
    scenes = _scenes(at)
    # chart text 1.5 x the painter's 12 px: 18 px axis labels
    assert all(scene["font_scale"] == 1.5 for scene in scenes.values())
    assert scenes["pg_boundary_chart"]["max_height"] == 560 and scenes["pg_curves_chart"]["aspect"] == 0.75
    # the controls are in the Controls pop-over, not in the sidebar
    assert not [w for w in at.sidebar.select_slider if w.key == "pg_lr"] and at.select_slider(key="pg_lr")
    at.selectbox(key="pg_preset").set_value("XOR needs a hidden layer").run()
    assert at.toggle(key="pg_present").value is True and _url(at)["present"] == "1"
    at.toggle(key="pg_present").set_value(False).run()
    assert _url(at)["present"] == "0" and _scenes(at)["pg_boundary_chart"]["font_scale"] == 1.0
    assert [w for w in at.sidebar.select_slider if w.key == "pg_lr"]


def test_a_frame_at_the_default_is_at_most_30_kib_and_carries_the_painter_only_once():
    from app_pages.live_chart import JS, SHARED_STUB

    at = _open()
    at.button(key="play").click().run()
    for _ in range(20):  # 100 steps of curves
        at.run()
    charts = [e for e in at.get("bidi_component") if e.key in CHART_KEYS]
    assert len(charts) == 3 and all(e.proto.js_content == SHARED_STUB for e in charts)
    (loader,) = [e for e in at.get("bidi_component") if e.key == "live_chart_painter"]  # outside the fragment
    assert loader.proto.js_content == JS
    # what a frame (the fragment's rerun) sends for its charts: scenes, stubs, ids
    assert sum(e.proto.ByteSize() for e in charts) <= 30 * 1024


def test_a_classroom_link_hides_its_controls_and_they_keep_the_links_values():
    at = _open({"lr": "0.03", "layers": "4", "hide": "lr,layers,zz[x](y)"})
    assert not [w for w in at.select_slider if w.key == "pg_lr"]
    assert not [w for w in at.number_input if w.key == "pg_n_layers"]
    assert not [w for w in at.slider if w.key.startswith("pg_width_")]
    assert [w.key for w in at.select_slider if w.key == "pg_rate"] == ["pg_rate"]  # not hidden: still there
    trainer = at.session_state["pg_trainer"]
    assert trainer.lr == 0.03 and trainer.hidden == (4,)
    notices = [w.value for w in at.warning]
    assert len(notices) == 1 and "is not a control" in notices[0] and "](" not in notices[0]  # escaped
    at.button(key="play").click().run()
    at.run()
    assert _step(at) == 10 and at.session_state["pg_trainer"].lr == 0.03  # kept while playing
    assert _url(at)["hide"] == "layers,lr" and _url(at)["lr"] == "0.03"  # the link stays a classroom link
    assert not [e for e in at.expander if "Classroom link" in e.label]  # students get no builder


def test_the_classroom_link_builder_writes_the_hide_parameter():
    at = _open()
    at.multiselect(key="pg_hide_pick").set_value(["lr", "act"]).run()
    (code,) = [c.value for c in at.code if c.value.startswith("playground?")]
    params = dict(p.split("=", 1) for p in code.split("?", 1)[1].split("&"))
    assert params["hide"] == "act,lr" and pgurl.decode_query(params) == (pg.PlaygroundConfig(), [])
    assert pgurl.decode_hide(params["hide"]) == (frozenset({"lr", "activation"}), [])


def test_a_playing_frame_waits_for_its_turn_among_sessions_and_a_paused_run_takes_none():
    """Frames that train take turns process-wide (app_pages/frame_share.FRAMES): while another session's
    frame holds the turn, this session's frame queues and trains nothing; a run that does not train
    (the first view, a Step click) never queues."""
    import threading
    import time

    from app_pages.frame_share import FRAMES

    at = _open()
    at.button(key="play").click().run()
    spf = at.slider(key="pg_steps_per_frame").value
    before = _step(at)
    assert FRAMES.acquire(timeout=10)  # another session's frame, computing
    try:
        runner = threading.Thread(target=at.run, daemon=True)
        runner.start()
        deadline = time.monotonic() + 20
        while FRAMES.waiting < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert FRAMES.waiting == 1  # this session's frame is in the queue...
        time.sleep(0.3)
        assert runner.is_alive() and at.session_state["pg_trainer"].step_count == before  # ...and has not trained
    finally:
        FRAMES.release()
    runner.join(30)
    assert not runner.is_alive() and not at.exception
    assert _step(at) == before + spf  # its turn came: one whole frame
    assert FRAMES.acquire(timeout=10)
    try:  # paused runs are drawn without a turn, even while one is held
        at.button(key="pause").click().run()
        at.button(key="step").click().run()
        assert _step(at) == before + spf + 1 and at.session_state["playing"] is False
    finally:
        FRAMES.release()
