"""Train an MLP: the live playground. Watch the decision boundary learn, step by step.

Thin page: widgets, st.session_state and calls into micrograd.lessons.playground and
micrograd.train. Training runs in one fragment that reruns every FRAME_SECONDS while playing
(`st.fragment(run_every=...)`) and draws every view of the model from the same step; Play /
Pause / Step / Reset are `on_click` callbacks.

Why Pause stops at once: a click is a full-app rerun request, and Streamlit (1.67,
runtime/scriptrunner_utils/script_requests.py) folds any timer (fragment) request pending with
it into that one full run, which interrupts a running frame at its next Streamlit call and runs
the callback (playing = False) before the page. A training frame makes a Streamlit call before its
first step (when its turn begins) and then between steps once TICK_SECONDS (50 ms) have passed since
the last, so a Pause stops it within 50 ms and the step then running (at the default set-up a frame's
5 steps take ~30 ms: one call, before the first). Timer requests that arrive later run the fragment
with playing False: they redraw, they do not train.

Many sessions in one server process: a frame that trains first takes its turn in
`app_pages.frame_share.FRAMES` (first come, first served, one frame computing at a time: one
core per process), so 30 playing sessions take turns round-robin instead of 30 script threads
fighting for the GIL (which starved the event loop that sends every frame: 0 of 30 sessions got
a frame in 60 s). A Pause clicked while the frame waits takes effect when its turn comes, at the
Streamlit call before its first step. Runs that do not train (the first view, a click) take no
turn. What a frame sends is kept small (benchmarks/load.py measures it): the download buttons
sit outside the fragment, metric rows are one element each in presenter mode and the cost meter.
"""

import functools
import urllib.parse

import streamlit as st

from app_pages import playground_microscope as pgmicro
from app_pages import playground_network as pgnet
from app_pages import playground_user_data as pgdata
from app_pages import registry
from app_pages.frame_share import FRAME_SECONDS, frame_turn, ticking
from app_pages.live_chart import painter_loader, scene_chart
from micrograd.engines import get_engine
from micrograd.features import FEATURES
from micrograd.lessons import playground as pg
from micrograd.lessons import playground_paint as paint
from micrograd.lessons import playground_url as pgurl

DEFAULT_WIDTH = 4  # neurons in a hidden layer that was just added
#: presenter mode: chart text 1.5 times the painter's 12 px (18 px axis labels), the boundary's plot at most
#: this tall (with the metrics and the bar above it, the boundary and the curves fit a 1920 x 1080 screen)
PRESENT_FONT_SCALE = 1.5
PRESENT_BOUNDARY_HEIGHT = 560
#: keyboard shortcut of each playback button (Streamlit's `shortcut=` names; its help text names them too)
SHORTCUTS = {"play": "Space", "pause": "Space", "step": "Right", "reset": "Home"}

# widget key of each configuration field ("engine" is asked for by name by other tests)
KEYS = {f: ("engine" if f == "engine" else f"pg_{f}") for f in pg.RANGES if f != "hidden"}
ss = st.session_state


def _widget_values(cfg):
    """The widget state that shows configuration `cfg`."""
    vals = {KEYS[f]: getattr(cfg, f) for f in KEYS}
    vals[KEYS["features"]] = list(cfg.features)  # a multiselect holds a list
    vals["pg_n_layers"] = len(cfg.hidden)
    for i, w in enumerate(cfg.hidden):
        vals[f"pg_width_{i}"] = w
    return vals


def _valid(key, value):
    """Is `value` allowed in widget `key`? (state left by another page may not be)"""
    name = "engine" if key == "engine" else key[3:]
    return pgurl.is_valid("width" if name.startswith("width_") else name, value)


def _load_into_widgets(cfg):
    """Set every control's session state to show `cfg` (only before the widgets are drawn)."""
    for k, v in _widget_values(cfg).items():
        ss[k] = v
    for i in range(len(cfg.hidden), pg.MAX_LAYERS):
        ss.pop(f"pg_width_{i}", None)


def _cfg_from_widgets():
    """The configuration the controls' session state shows now."""
    return pg.PlaygroundConfig(
        **{f: ss[KEYS[f]] for f in KEYS if f != "features"},
        features=tuple(ss[KEYS["features"]]) or pg.PlaygroundConfig().features,  # none ticked: the default
        hidden=tuple(int(ss.get(f"pg_width_{i}", DEFAULT_WIDTH)) for i in range(int(ss.pg_n_layers))),
    )


def _rebuild(cfg, note="", keep_playing=False):
    """A fresh trainer for cfg (scalar engine if the chosen one is unavailable); pauses unless keep_playing.

    What was computed from the old run goes with it: the microscope's landscape and slow-motion step, the
    weight editor, and the chosen training point unless the training set is the same (a Reset, a new network).
    """
    old = ss.get("pg_trainer")
    data = pgdata.points_for(cfg)  # the student's own points, if any
    try:
        get_engine(cfg.engine)
        ss.pg_trainer = pg.build_trainer(cfg, data=data)
    except ValueError:
        ss.pg_trainer = pg.build_trainer(cfg.replace(engine="scalar"), data=data)
    ss.pg_cfg = cfg
    ss.playing = bool(keep_playing and ss.get("playing"))
    if note:
        ss.pg_notice = note
    for key in ("pg_landscape", "pg_slow", "pg_edit_edge"):
        ss.pop(key, None)
    new = ss.pg_trainer
    if old is None or not pg.same_training_set(old, new):
        ss.pop("pg_point", None)  # another training set: the index would name another example


def on_play():
    """Play: the fragment starts rerunning every FRAME_SECONDS, training each time."""
    ss.playing = True


def on_pause():
    """Pause: stop the timer; the model and curves stay."""
    ss.playing = False


def on_step():
    """Step: pause and apply exactly one training step."""
    ss.playing = False
    ss.pg_trainer.step()


def on_reset():
    """Reset: fresh weights (same seed) and empty curves, same configuration."""
    _rebuild(ss.pg_cfg, "Model reset to fresh weights.")


def on_new_data():
    """New data: the next seed (the data change then resets the model)."""
    ss.pg_seed = (int(ss.get("pg_seed", 0)) + 1) % 10000


def on_preset():
    """Load the chosen scenario preset into every control and start it from fresh weights (paused).

    The picker keeps showing the scenario; "Restart scenario" (this callback too) reloads it.
    """
    name = ss.get("pg_preset")
    if name in pg.PRESETS:
        cfg = pg.preset_config(name).replace(present=bool(ss.get(KEYS["present"])))  # the mode stays
        _load_into_widgets(cfg)
        pgdata.drop()  # a scenario brings its own data
        _rebuild(cfg, f"Preset “{name}” loaded: {pg.PRESETS[name][0]}")


def fit_problem_controls():
    """Before the Data controls are drawn: a dataset of the chosen problem and a loss its task trains with.

    A Problem change picks that problem's first dataset, a dataset of another task that task's default loss
    (`pg.fit_problem`). Returns a sentence saying what changed, or ''.
    """
    cfg, changed = pg.fit_problem(_cfg_from_widgets())
    if not changed:
        return ""
    ss.pg_dataset, ss.pg_loss = cfg.dataset, cfg.loss
    return pg.fit_problem_note(cfg, changed)


# Streamlit drops the state of widgets a run does not draw, so if this page's always-drawn slider has
# none, the last run was another page (or this is a new session): playback never resumes by itself.
if KEYS["steps_per_frame"] not in ss:
    ss.playing = False
# --- first visit: the configuration comes from the URL; later visits keep the session's ---
if "pg_cfg" not in ss:
    url_cfg, url_notices = pgurl.decode_query(st.query_params.to_dict())
    ss.pg_hidden, hide_notices = pgurl.decode_hide(st.query_params.get(pgurl.HIDE_PARAM))  # a classroom link's
    ss.pg_url_notices = url_notices + hide_notices
    _rebuild(url_cfg)
    ss.pg_url_notices += pgmicro.point_from_link(st.query_params.get(pgurl.POINT_PARAM), ss.pg_trainer)  # microscope
    _load_into_widgets(url_cfg)
for key, value in _widget_values(ss.pg_cfg).items():  # widgets not on screen lose their state
    if key not in ss or not _valid(key, ss[key]):
        ss[key] = value
ss.setdefault("playing", False)
pgdata.apply_pending(_rebuild)  # an "add" / "remove" click on the boundary: edit the points, a fresh model

present = bool(ss[KEYS["present"]])
hidden = ss.get("pg_hidden", frozenset())  # controls a classroom link hides: they keep the link's values


def shown(field):
    """Does this session draw the control of `field`? (not if its classroom link hides it)"""
    return field not in hidden


st.title(registry.page("playground.py").title_line)
if not present:
    st.caption(
        "A live playground: pick data and a network, press Play, and watch gradient descent move the "
        "decision boundary. Every step builds the graph of the loss through our own engine (one `Value` "
        "node per number, or one `Tensor` node per array: the Engine switch) and runs backprop."
    )
url_notice = pgurl.notices_markdown(ss.pop("pg_url_notices", []))  # one box, untrusted text escaped
if url_notice:
    st.warning(url_notice, icon=":material/link_off:")

# --- controls, in the sidebar ---
# the picker shows the loaded scenario until the data or the network no longer are the scenario's
if ss.get("pg_preset") in pg.PRESETS and pg.needs_reset(pg.preset_config(ss.pg_preset), _cfg_from_widgets()):
    ss.pg_preset = None
# presenter mode: the controls fold into a "Controls" pop-over in the bar above the charts, not the sidebar
if present:
    bar = st.columns([1, 1, 1, 1, 1.2, 1.2], vertical_alignment="center")
    controls = bar[4].popover("Controls", icon=":material/tune:", width="stretch")
else:
    controls = st.sidebar
with controls:
    st.selectbox("Scenario preset", list(pg.PRESETS), index=None, key="pg_preset", on_change=on_preset,
                 placeholder="Choose a classroom scenario…")
    st.button("Restart scenario", key="pg_preset_restart", icon=":material/replay:", on_click=on_preset,
              disabled=ss.get("pg_preset") is None, width="stretch",
              help="Load the scenario again: its settings and fresh weights.")
    st.subheader(":material/scatter_plot: Data")
    problem_note = fit_problem_controls()
    if shown("problem"):
        st.selectbox("Problem", pg.PROBLEMS, key="pg_problem",
                     help="Classification: each point has a class (two, or three with a softmax over three "
                     "outputs). Regression: each point has a real-valued target, and the output is a number.")
    if shown("dataset"):
        st.selectbox("Dataset", pg.PROBLEM_DATASETS[ss.pg_problem], key="pg_dataset",
                     format_func=pg.DATASET_LABELS.get)
    if problem_note:
        st.caption(f":material/info: {problem_note}")
    if shown("n_points"):
        st.slider("Number of points", 20, 300, step=10, key="pg_n_points")
    if shown("noise"):
        st.slider("Noise", 0.0, 0.5, step=0.05, key="pg_noise")
    if shown("test_fraction"):
        st.slider("Test share (held out)", 0.0, 0.5, step=0.05, key="pg_test_fraction")
    if shown("seed"):
        st.number_input("Seed", 0, 9999, step=1, key="pg_seed",
                        help="Seeds the data, the split and the initial weights.")
        st.button("New data", key="new_data", icon=":material/casino:", on_click=on_new_data, width="stretch")
    if shown("dataset"):
        pgdata.controls(_rebuild, _cfg_from_widgets())  # "Your own data": upload, back to the generated data

    st.subheader(":material/hub: Network")
    if shown("features"):
        st.multiselect("Input features", list(FEATURES), key="pg_features", format_func=lambda n: FEATURES[n].label,
                       help="What the first layer sees, as TensorFlow Playground's inputs: with x₁² and x₂² "
                       "a network with no hidden layer separates the circles. None ticked: x₁ and x₂.")
    if shown("hidden"):
        n_layers = st.number_input("Hidden layers", 0, pg.MAX_LAYERS, step=1, key="pg_n_layers")
        for i in range(int(n_layers)):
            ss.setdefault(f"pg_width_{i}", DEFAULT_WIDTH)
            st.slider(f"Neurons in hidden layer {i + 1}", 1, pg.MAX_WIDTH, key=f"pg_width_{i}")
    if shown("activation"):
        st.selectbox("Activation", pg.RANGES["activation"][1], key="pg_activation")

    st.subheader(":material/tune: Training")
    if shown("lr"):
        st.select_slider("Learning rate", pg.LR_OPTIONS, key="pg_lr", format_func=lambda v: f"{v:g}")
    if shown("optimizer"):
        st.selectbox("Optimizer", list(pg.OPTIMIZER_LABELS), key="pg_optimizer", format_func=pg.OPTIMIZER_LABELS.get,
                     help="SGD (with the momentum below), Adam (Kingma & Ba 2015) or AdamW (decoupled weight "
                     "decay, Loshchilov & Hutter 2019). Adam usually wants a learning rate of 0.001 to 0.03.")
    if shown("reg"):
        st.selectbox("Regularization", list(pg.REG_LABELS), key="pg_reg", format_func=pg.REG_LABELS.get,
                     help="L2 adds rate × Σw² to the loss; L1 moves every weight toward 0 by its step size × "
                     "rate after each update and stops at exactly 0 (weights it zeroes are drawn as dotted "
                     "grey edges).")
    if shown("rate"):
        st.select_slider("Regularization rate", pg.RATE_OPTIONS, key="pg_rate", format_func=lambda v: f"{v:g}")
    batch_opts = pg.batch_options(int(ss.pg_n_points))
    if ss.pg_batch_size not in batch_opts:
        ss.pg_notice = f"Batch size {ss.pg_batch_size} is not below {ss.pg_n_points} points: using all."
        ss.pg_batch_size = 0
    if shown("batch_size"):
        st.select_slider("Batch size", batch_opts, key="pg_batch_size",
                         format_func=lambda b: "all" if b == 0 else str(b))
    if shown("loss"):
        st.selectbox("Loss", pg.task_losses(ss.pg_dataset), key="pg_loss", format_func=pg.LOSS_LABELS.get)
    if shown("momentum"):
        st.slider("SGD momentum", 0.0, 0.99, step=0.01, key="pg_momentum",
                  disabled=ss.get("pg_optimizer", "sgd") != "sgd",
                  help="Used by SGD only (Adam keeps its own moments).")
    if shown("engine"):
        st.selectbox("Engine", pg.RANGES["engine"][1], key="engine",
                     help="scalar: one Value node per number (micrograd). "
                     "tensor: the same maths on numpy arrays.")
    if shown("stop_step"):
        st.number_input("Stop at step (0: never)", 0, 100_000, step=10, key="pg_stop_step",
                        help="Play pauses when training reaches this step, so a whole class stops at the same point.")
    if shown("stop_loss"):
        st.select_slider("Stop when the train loss is below", pg.STOP_LOSS_OPTIONS, key="pg_stop_loss",
                         format_func=lambda v: "never" if v == 0 else f"{v:g}")
    st.slider("Steps per frame", 1, 20, key="pg_steps_per_frame",
              help=f"Training steps between redraws; playback draws about {1 / FRAME_SECONDS:.0f} "
              "frames a second.")
    if not hidden:  # a classroom link's students do not get the builder
        with st.expander(":material/school: Classroom link"):
            pick = st.multiselect("Hide these controls from students", list(pgurl.HIDEABLE), key="pg_hide_pick",
                                  help="The link opens this set-up; hidden controls keep its values.")
            link = {**pgurl.encode_query(_cfg_from_widgets()), **({pgurl.HIDE_PARAM: pgurl.encode_hide(
                pgurl.HIDEABLE[n] for n in pick)} if pick else {}), **pgdata.link_params()}
            st.code("playground?" + urllib.parse.urlencode(link, safe=",-"), language=None, wrap_lines=True)
            pgdata.link_caption()

cfg = _cfg_from_widgets()

# --- data or architecture changed: a fresh model (playback goes on with it); the rest applies at the next step ---
if pg.needs_reset(ss.pg_cfg, cfg):
    _rebuild(cfg, pg.reset_reason(ss.pg_cfg, cfg), keep_playing=True)
ss.pg_cfg = cfg
trainer = ss.pg_trainer
engine_problem = ""
try:
    get_engine(cfg.engine)
except ValueError as exc:
    engine_problem = str(exc)
pg.apply_hyperparameters(trainer, cfg.replace(engine="scalar") if engine_problem else cfg)
if engine_problem:
    st.error(f"{engine_problem} Training uses the scalar engine meanwhile.", icon=":material/error:")

query = pgurl.encode_query(cfg)
if hidden:  # a classroom link stays one
    query[pgurl.HIDE_PARAM] = pgurl.encode_hide(hidden)
query.update(pgmicro.link_params(trainer))  # point=INDEX while the microscope is open
query.update(pgdata.link_params())  # own=1 while the points are the student's own (a link cannot carry them)
if st.query_params.to_dict() != query:
    st.query_params.from_dict(query)

# --- playback buttons and view switches ---
b1, b2, b3, b4, mode = bar[:4] + [bar[5]] if present else st.columns([1, 1, 1, 1, 1], vertical_alignment="center")
# Space toggles: only the enabled one of Play and Pause reacts to it. (Streamlit reserves R and C, so
# Reset is Home.)
b1.button("Play", key="play", icon=":material/play_arrow:", on_click=on_play, disabled=ss.playing,
          type="primary", width="stretch", shortcut=SHORTCUTS["play"],
          help="Train and redraw continuously. Shortcut: Space (Play / Pause).")
b2.button("Pause", key="pause", icon=":material/pause:", on_click=on_pause, disabled=not ss.playing,
          width="stretch", shortcut=SHORTCUTS["pause"],
          help="Stop training before its next step. Shortcut: Space (Play / Pause).")
b3.button("Step", key="step", icon=":material/skip_next:", on_click=on_step, width="stretch",
          shortcut=SHORTCUTS["step"], help="Pause and apply exactly one training step. Shortcut: → (right arrow).")
b4.button("Reset", key="reset", icon=":material/restart_alt:", on_click=on_reset, width="stretch",
          shortcut=SHORTCUTS["reset"], help="Fresh weights (same seed), empty curves. Shortcut: Home.")
mode.toggle("Presenter", key=KEYS["present"], help="Presenter mode, for a projector: large type, the boundary "
            "and the curves side by side, the controls folded into the Controls button. In a link: present=1.")
v1, v2, v3, v4 = (controls.container() if present else st).columns([1, 1, 1.9, 2.6], vertical_alignment="center")
if shown("discretize"):
    v1.toggle("Discretize", key="pg_discretize", help="Show only the predicted class, not the graded score.")
if shown("show_test"):
    v2.toggle("Test points", key="pg_show_test", help="Draw the held-out test points (hollow markers).")
if shown("edge_view"):
    v3.radio("Edge width", list(pg.EDGE_VIEWS), key="pg_edge_view", format_func=pg.EDGE_VIEWS.get,
             horizontal=True, label_visibility="collapsed")
with v4.container(horizontal=True, vertical_alignment="bottom"):  # beside the view switches: the charts stay high
    pgmicro.click_mode_control()
    pgdata.add_label_control()  # in "add" click mode: the class (or target) to add

notice = ss.pop("pg_notice", "")
if notice:
    st.info(notice, icon=":material/restart_alt:")


# The three views are live canvas charts (app_pages/live_chart.py): with a fixed key each keeps its
# element and canvas across frames and repaints in place, never blank (a plotly chart remounts on
# every new figure in Streamlit 1.67). They share the painter that painter_loader() puts on the page
# outside the fragment, so a frame carries only the scenes. One fragment draws every view from the
# same trainer state, so the Step metric, the chart titles and the curves always name the same step.
@st.fragment(run_every=FRAME_SECONDS if ss.playing else None)
def live_view():
    """One frame: train `steps_per_frame` steps if playing, then redraw every view of the model.

    A timer rerun (run_every) executes only this function; a full rerun (any widget
    change, and every `AppTest.run()`) executes it too, so playback advances either way.
    A click while it trains stops it within TICK_SECONDS and the step then running (see the module docstring).
    """
    tr = ss.pg_trainer
    view = ss.pg_cfg
    # Between steps, a Streamlit call (an empty placeholder, drawn as nothing; always there, so the
    # layout below keeps its place) once TICK_SECONDS have passed since the last: every call is a point
    # where a pending click interrupts this run, so a Pause takes effect within TICK_SECONDS and one step,
    # not after the whole frame (each call is one more message: ~0.2 ms of server CPU). Training comes before
    # drawing: measured in Chromium on one session (10 s, 0.1 s timer), this order showed 9.6-9.8
    # boundary frames/s against 8.2-9.3 for drawing first.
    if not ss.playing:  # a redraw that does not train (a click, the first run) takes no turn
        _frame(pgnet.shown_trainer(tr), view, st.empty())  # the scrubbed step's copy, or tr (playground_network.py)
        return
    # A frame that trains waits for its turn among the process's playing sessions (frame_share.py: in
    # arrival order, one at a time), asleep off the GIL. A click meanwhile takes effect at the first
    # Streamlit call of the turn (the placeholder's), before any step. After its turn the session pauses
    # FLUSH_SECONDS (asleep, so the event loop has the GIL): the next run, due at once whenever the timer
    # fired during this one, starts by dropping whatever of this frame the event loop has not sent yet
    # (ForwardMsgQueue.clear on SCRIPT_STARTED). Measured with benchmarks/load.py's "frames missing a chart",
    # one session, 8 s: without the pause 5 of 88 and 19 of 66 frames lost a chart (the browser kept an older
    # picture there); with 20 ms, 0 of 70 and 0 of 86.
    with frame_turn():
        _frame(tr, view, st.empty())


def _row():
    """A row of metrics sharing its width equally: one horizontal container (one element per frame,
    where st.columns(n) sends n + 1)."""
    return st.container(horizontal=True, wrap=False)


def _frame(tr, view, tick):
    """Train `steps_per_frame` steps if playing (`tick`, the placeholder just made, redrawn between steps every
    TICK_SECONDS: the calls where a click interrupts), then draw every view of `tr`."""
    if ss.playing:
        # the placeholder was just made: where a Pause pressed during the wait lands; then one every TICK_SECONDS
        for _ in ticking(view.steps_per_frame, tick.empty):
            stop = pg.stop_reason(tr, view)
            if stop:  # a stop rule: pause, say why, redraw the whole page (buttons, timer)
                ss.playing, ss.pg_notice = False, stop
                st.rerun()
            if not tr.step():  # the guard paused us: redraw the whole page (buttons, timer)
                ss.playing = False
                st.rerun()
            pgnet.record(tr)  # a weight snapshot, for scrubbing
    present = view.present
    k = PRESENT_FONT_SCALE if present else 1.0
    if present:  # metrics in one row, then the boundary and the curves side by side, the rest below
        top = st.container()
        left, right = st.columns(2)
        below = st.container()
    else:
        left, right = st.columns([1.1, 1])
        top, below = left, right
    with top:
        message = pg.divergence_message(tr)
        if message:
            st.error(message, icon=":material/warning:")
        recovery = pg.recovery_message(tr)
        if recovery:
            st.info(recovery, icon=":material/trending_down:")
        cur = tr.current
        no_test = not len(tr.y_test)
        train_score, test_score = pg.score_metrics(tr)  # accuracy, or a regression's R²
        # one row of six, or two rows of three (two elements, where st.columns(3) sends four)
        m = [_row()] * 6 if present else [row for row in (_row(), _row()) for _ in range(3)]
        m[0].metric("Step", tr.step_count)
        m[1].metric("Train loss", f"{cur['train_loss']:.4f}")
        m[2].metric(*train_score)
        m[3].metric("Epoch", f"{tr.epoch:.1f}")
        m[4].metric("Test loss", "–" if no_test else f"{cur['test_loss']:.4f}")
        m[5].metric(*test_score)
    boundary_height = PRESENT_BOUNDARY_HEIGHT if present else 460
    with left:
        neuron, ref = pgnet.selected_neuron(tr), pgnet.reference(tr)  # ref: the kept run, if it compares
        if scene_chart(paint.boundary_scene(tr, view.discretize, view.show_test, max_height=boundary_height,
                                            font_scale=k, mark=pgmicro.marked_point(tr),
                                            neuron=neuron, outline=None if ref is None else ref.outline),
                       key="pg_boundary_chart", shared=True, on_click=pgmicro.on_boundary_click) is not None:
            st.rerun()  # a click (its callback has run): the whole page, so the microscope panel opens
        st.caption(pg.boundary_caption(tr, view.discretize, neuron))
        if tr.task == "multiclass":  # in place, as the other views (a fixed key)
            scene_chart(paint.confusion_scene(tr, font_scale=k), key="pg_confusion_chart", shared=True)
    scene = paint.network_scene(tr, view.edge_view, font_scale=k, highlight=pgmicro.network_highlight(tr),
                                maps=pgnet.send_maps(tr))

    def network():
        """The network chart: beside the boundary's column, or below the charts in presenter mode."""
        if scene_chart(scene, key="pg_network_chart", shared=True, on_click=pgnet.on_network_click) is not None:
            st.rerun()  # a click on a neuron or an edge (its callback has run): the whole page, for the panel

    with right:
        if not present:
            network()
        # in presenter mode beside the boundary, its height following its width as the boundary's does
        scene_chart(paint.curves_scene(tr.history, tr.loss, current=tr.current, diverged=tr.diverged_history,
                                       reference=None if ref is None else ref.history,
                                       font_scale=k, aspect=0.75 if present else None, max_height=boundary_height,
                                       metric=tr.metric),
                    key="pg_curves_chart", shared=True)
    with below:
        if present:
            network()
        meter = pg.cost_meter(tr)
        st.caption(f":material/speed: Cost meter, {tr.engine} engine")
        c = [_row()] * 4
        c[0].metric("Parameters", f"{meter['parameters']:,}")
        c[1].metric("Nodes per step", f"{meter['nodes_per_step']:,}",
                    help="Graph nodes built for one step's forward + backward: Value nodes (one per "
                    "number) with the scalar engine, Tensor nodes (one per array) with the tensor engine.")
        c[2].metric("ms per step", f"{meter['ms_per_step']:.1f}",
                    help="CPU time of one training step (forward, backward, update), a moving average: "
                    "the time others' sessions on the same server take is not counted.")
        c[3].metric("Engine steps/s", f"{meter['steps_per_second']:.0f}",
                    help="Training steps per second of compute (forward, backward, update), not counting "
                    f"the redraw: playback shows at most steps-per-frame × {1 / FRAME_SECONDS:.0f} steps a second.")
    pgmicro.record(ss.pg_trainer)  # the run's trajectory, for the microscope's loss landscape (tr: maybe a copy)


live_view()
pgnet.panel()  # the neuron shown, the weight editor, scrubbing, the reference run (app_pages/playground_network.py)
pgmicro.panel()  # the backprop microscope of one training point (app_pages/playground_microscope.py)
# Outside the fragment, so frames do not send them again: the files are made when clicked (deferred
# callables), from the trainer as it is then; a new trainer or configuration comes with a full rerun.
d1, d2, d3 = st.columns(3)
d1.download_button("Loss history (CSV)", functools.partial(pg.history_csv, ss.pg_trainer),
                   file_name="history.csv", mime="text/csv", key="dl_history", on_click="ignore",
                   icon=":material/download:")
d2.download_button("Weights (JSON)", functools.partial(pg.weights_json, ss.pg_trainer, ss.pg_cfg),
                   file_name="weights.json", mime="application/json", key="dl_weights",
                   on_click="ignore", icon=":material/download:")
pgdata.download_button(d3)  # the points on the page (Your own data)
painter_loader()  # outside the fragment: the painter's script is sent with full reruns only
