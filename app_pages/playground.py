"""Train an MLP: the live playground. Watch the decision boundary learn, step by step.

Thin page: widgets, st.session_state and calls into micrograd.lessons.playground and
micrograd.train. Training runs in a fragment that reruns every FRAME_SECONDS while playing
(`st.fragment(run_every=...)`); Play / Pause / Step / Reset are `on_click` callbacks.
"""

import functools

import streamlit as st

from micrograd.lessons import playground as pg
from micrograd.train import get_engine

FRAME_SECONDS = 0.2  # 5 frames per second while playing
SLOW_SECONDS = 1.0  # the network diagram and the curves: once a second

# widget key of each configuration field ("engine" is asked for by name by other tests)
KEYS = {f: ("engine" if f == "engine" else f"pg_{f}") for f in pg.RANGES if f != "hidden"}
ss = st.session_state


def _widget_values(cfg):
    """The widget state that shows configuration `cfg`."""
    vals = {KEYS[f]: getattr(cfg, f) for f in KEYS}
    vals["pg_n_layers"] = len(cfg.hidden)
    for i, w in enumerate(cfg.hidden):
        vals[f"pg_width_{i}"] = w
    return vals


def _valid(key, value):
    """Is `value` allowed in widget `key`? (state left by another page may not be)"""
    name = "engine" if key == "engine" else key[3:]
    return pg.is_valid("width" if name.startswith("width_") else name, value)


def _load_into_widgets(cfg):
    """Set every control's session state to show `cfg` (only before the widgets are drawn)."""
    for k, v in _widget_values(cfg).items():
        ss[k] = v
    for i in range(len(cfg.hidden), pg.MAX_LAYERS):
        ss.pop(f"pg_width_{i}", None)


def _rebuild(cfg, note=""):
    """A fresh trainer for cfg (scalar engine if the chosen one is unavailable)."""
    try:
        get_engine(cfg.engine)
        ss.pg_trainer = pg.build_trainer(cfg)
    except ValueError:
        ss.pg_trainer = pg.build_trainer(cfg.replace(engine="scalar"))
    ss.pg_cfg = cfg
    ss.playing = False
    if note:
        ss.pg_notice = note


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
    """Load the chosen scenario preset into every control and start it from fresh weights."""
    name = ss.get("pg_preset")
    if name in pg.PRESETS:
        cfg = pg.preset_config(name)
        _load_into_widgets(cfg)
        _rebuild(cfg, f"Preset “{name}” loaded: {pg.PRESETS[name][0]}")
        ss.pg_preset = None  # a preset is an action: picking the same one again reloads it


# --- first visit: the configuration comes from the URL; later visits keep the session's ---
if "pg_cfg" not in ss:
    url_cfg, url_notices = pg.decode_query(st.query_params.to_dict())
    ss.pg_url_notices = url_notices
    _rebuild(url_cfg)
    _load_into_widgets(url_cfg)
for key, value in _widget_values(ss.pg_cfg).items():  # widgets not on screen lose their state
    if key not in ss or not _valid(key, ss[key]):
        ss[key] = value
ss.setdefault("playing", False)

st.title(":material/model_training: Train an MLP")
st.caption(
    "A live playground: pick data and a network, press Play, and watch gradient descent move the "
    "decision boundary. Every step builds the graph of the loss through our own engine (one `Value` "
    "node per number, or one `Tensor` node per array: the Engine switch) and runs backprop."
)
for note in ss.pop("pg_url_notices", []):
    st.warning(note, icon=":material/link_off:")

# --- controls, in the sidebar ---
with st.sidebar:
    st.selectbox("Scenario preset", list(pg.PRESETS), index=None, key="pg_preset", on_change=on_preset,
                 placeholder="Choose a classroom scenario…")
    st.subheader(":material/scatter_plot: Data")
    st.selectbox("Dataset", pg.RANGES["dataset"][1], key="pg_dataset")
    st.slider("Number of points", 20, 300, step=10, key="pg_n_points")
    st.slider("Noise", 0.0, 0.5, step=0.05, key="pg_noise")
    st.slider("Test share (held out)", 0.0, 0.5, step=0.05, key="pg_test_fraction")
    st.number_input("Seed", 0, 9999, step=1, key="pg_seed", help="Seeds the data, the split and the initial weights.")
    st.button("New data", key="new_data", icon=":material/casino:", on_click=on_new_data, width="stretch")

    st.subheader(":material/hub: Network")
    n_layers = st.number_input("Hidden layers", 0, pg.MAX_LAYERS, step=1, key="pg_n_layers")
    for i in range(int(n_layers)):
        ss.setdefault(f"pg_width_{i}", 4)
        st.slider(f"Neurons in hidden layer {i + 1}", 1, pg.MAX_WIDTH, key=f"pg_width_{i}")
    st.selectbox("Activation", pg.RANGES["activation"][1], key="pg_activation")

    st.subheader(":material/tune: Training")
    st.select_slider("Learning rate", pg.LR_OPTIONS, key="pg_lr", format_func=lambda v: f"{v:g}")
    st.select_slider("L2 rate (weight decay)", pg.L2_OPTIONS, key="pg_l2", format_func=lambda v: f"{v:g}")
    batch_opts = pg.batch_options(int(ss.pg_n_points))
    if ss.pg_batch_size not in batch_opts:
        ss.pg_notice = f"Batch size {ss.pg_batch_size} is not below {ss.pg_n_points} points: using all."
        ss.pg_batch_size = 0
    st.select_slider("Batch size", batch_opts, key="pg_batch_size",
                     format_func=lambda b: "all" if b == 0 else str(b))
    st.selectbox("Loss", list(pg.LOSS_LABELS), key="pg_loss", format_func=pg.LOSS_LABELS.get)
    st.slider("SGD momentum", 0.0, 0.99, step=0.01, key="pg_momentum")
    st.selectbox("Engine", pg.RANGES["engine"][1], key="engine",
                 help="scalar: one Value node per number (micrograd). "
                 "tensor: the same maths on numpy arrays.")
    st.slider("Steps per frame", 1, 20, key="pg_steps_per_frame",
              help=f"Training steps between redraws; playback draws about {1 / FRAME_SECONDS:.0f} "
              "frames a second.")

cfg = pg.PlaygroundConfig(
    **{f: ss[KEYS[f]] for f in KEYS},
    hidden=tuple(int(ss[f"pg_width_{i}"]) for i in range(int(n_layers))),
)

# --- data or architecture changed: a fresh model; anything else applies at the next step ---
if pg.needs_reset(ss.pg_cfg, cfg):
    _rebuild(cfg, pg.reset_reason(ss.pg_cfg, cfg))
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

query = pg.encode_query(cfg)
if st.query_params.to_dict() != query:
    st.query_params.from_dict(query)

# --- playback buttons and view switches ---
b1, b2, b3, b4, _ = st.columns([1, 1, 1, 1, 3], vertical_alignment="center")
b1.button("Play", key="play", icon=":material/play_arrow:", on_click=on_play, disabled=ss.playing,
          type="primary", width="stretch")
b2.button("Pause", key="pause", icon=":material/pause:", on_click=on_pause, disabled=not ss.playing,
          width="stretch")
b3.button("Step", key="step", icon=":material/skip_next:", on_click=on_step, width="stretch")
b4.button("Reset", key="reset", icon=":material/restart_alt:", on_click=on_reset, width="stretch")
v1, v2, v3 = st.columns([1, 1, 2], vertical_alignment="center")
v1.toggle("Discretize", key="pg_discretize", help="Show only the predicted class, not the graded score.")
v2.toggle("Test points", key="pg_show_test", help="Draw the held-out test points (hollow markers).")
v3.radio("Edge width", list(pg.EDGE_VIEWS), key="pg_edge_view", format_func=pg.EDGE_VIEWS.get,
         horizontal=True, label_visibility="collapsed")

notice = ss.pop("pg_notice", "")
if notice:
    st.info(notice, icon=":material/restart_alt:")


# Streamlit 1.67 gives a plotly chart a new element id whenever its figure changes, so every
# redraw remounts the chart and it is blank until the browser has drawn it again. Two fragments
# keep that rare where it matters: the fast one trains and redraws the decision boundary every
# frame; the slow one redraws the network and the curves once a second. Fixed-height boxes keep
# the page from jumping while a chart is redrawn.
left, right = st.columns([1.1, 1])


@st.fragment(run_every=FRAME_SECONDS if ss.playing else None)
def live_view():
    """One frame: train `steps_per_frame` steps if playing, then redraw metrics and the boundary.

    A timer rerun (run_every) executes only this function; a full rerun (any widget
    change, and every `AppTest.run()`) executes it too, so playback advances either way.
    """
    tr = ss.pg_trainer
    view = ss.pg_cfg
    if ss.playing:
        tr.run(view.steps_per_frame)
        if tr.diverged_at is not None:  # the guard paused us: redraw the whole page (buttons, timer)
            ss.playing = False
            st.rerun()
    message = pg.divergence_message(tr)
    if message:
        st.error(message, icon=":material/warning:")
    cur = tr.current
    no_test = not len(tr.y_test)
    m = st.columns(3)
    m[0].metric("Step", tr.step_count)
    m[1].metric("Train loss", f"{cur['train_loss']:.4f}")
    m[2].metric("Train accuracy", f"{cur['train_acc']:.0%}")
    m = st.columns(3)
    m[0].metric("Epoch", f"{tr.epoch:.1f}")
    m[1].metric("Test loss", "–" if no_test else f"{cur['test_loss']:.4f}")
    m[2].metric("Test accuracy", "–" if no_test else f"{cur['test_acc']:.0%}")
    st.container(height=480, border=False).plotly_chart(
        pg.boundary_figure(tr, view.discretize, view.show_test), key="pg_boundary_chart",
        config={"displayModeBar": False})
    st.caption("● class +1 (purple) · ■ class −1 (orange) · hollow: test points · "
               "black line: the decision boundary, score = 0")


@st.fragment(run_every=SLOW_SECONDS if ss.playing else None)
def side_view():
    """The network diagram, the curves, the cost meter and the downloads (once a second while playing)."""
    tr = ss.pg_trainer
    view = ss.pg_cfg
    st.container(height=380, border=False).plotly_chart(
        pg.network_figure(tr, view.edge_view), key="pg_network_chart", config={"displayModeBar": False})
    st.container(height=340, border=False).plotly_chart(
        pg.curves_figure(tr.history, tr.loss), key="pg_curves_chart", config={"displayModeBar": False})

    meter = pg.cost_meter(tr)
    st.caption(f":material/speed: Cost meter, {tr.engine} engine")
    c = st.columns(4)
    c[0].metric("Parameters", f"{meter['parameters']:,}")
    c[1].metric("Nodes per step", f"{meter['nodes_per_step']:,}",
                help="Graph nodes built for one step's forward + backward: Value nodes (one per "
                "number) with the scalar engine, Tensor nodes (one per array) with the tensor engine.")
    c[2].metric("ms per step", f"{meter['ms_per_step']:.1f}")
    c[3].metric("Engine steps/s", f"{meter['steps_per_second']:.0f}",
                help="Training steps per second of compute (forward, backward, update), not counting "
                "the redraw: playback shows at most steps-per-frame × 5 steps a second.")

    d1, d2 = st.columns(2)
    d1.download_button("Loss history (CSV)", functools.partial(pg.history_csv, tr),
                       file_name="history.csv", mime="text/csv", key="dl_history", on_click="ignore",
                       icon=":material/download:")
    d2.download_button("Weights (JSON)", functools.partial(pg.weights_json, tr, view),
                       file_name="weights.json", mime="application/json", key="dl_weights",
                       on_click="ignore", icon=":material/download:")


with left:
    live_view()
with right:
    side_view()
