"""The playground's backprop microscope panel: one training example's whole graph, live while the network trains.

Thin page helper for `app_pages/playground.py`: widgets, session state and calls into
`micrograd.lessons` (`microscope`, `slow_motion`, `landscape`, `layer_view`, `playground_click`);
it computes nothing itself. The page calls:

- `point_from_link` on its first run (``point=INDEX`` in the link) and `link_params` when it writes the link;
- `click_mode_control` (outside the live fragment) and `on_boundary_click` as the boundary chart's ``on_click``
  (the fragment then reruns the whole page, so this panel opens);
- `marked_point` / `network_highlight` for the boundary's ring and the network's path of largest gradients,
  and `record` (the trajectory) once per frame;
- `panel` after ``live_view()``: four views of the chosen example. The graph is drawn by full runs: when
  paused, stepped, or any control changes; while training plays its numbers (output, loss, largest
  gradients) follow the weights in a one-line fragment every `LIVE_SECONDS`. Measured in Chromium while
  playing at the default set-up: redrawing the folded 8-8 graph every second blocked the browser's main
  thread for 1.4-2.8 s per redraw (Graphviz layout) and cut training from ~22 to 4-6 steps/s, so the graph
  is not redrawn while playing. "What a layer does" (a canvas) follows training in its own fragment every
  `LIVE_SECONDS`. "Slow-motion step" pauses training and walks the
  next step's stages (Previous / Next / Play, one stage every `STAGE_SECONDS`); reaching the last stage
  takes the step. "Loss landscape" is computed on a button, cached per step.
"""

import pandas as pd
import streamlit as st

from app_pages import playground_network as pgnet
from app_pages import playground_user_data as pgdata
from app_pages import widgets
from app_pages.live_chart import scene_chart
from micrograd.graph import DISPLAY_HEIGHT, fmt_number, palette_for
from micrograd.lessons import playground_click as clicks
from micrograd.lessons import playground_url as pgurl
from micrograd.lessons.landscape import LandscapeCache, Trajectory, landscape_scene, weight_axes
from micrograd.lessons.layer_view import plane_scene, warped_plane
from micrograd.lessons.microscope import Microscope, act_name, input_name, weight_name
from micrograd.lessons.slow_motion import slow_motion
from micrograd.text import md_escape

__all__ = ["LIVE_SECONDS", "STAGE_SECONDS", "SLOW_SHORTCUTS", "VIEWS", "point_from_link", "link_params",
           "click_mode_control", "on_boundary_click", "marked_point", "network_highlight", "record", "panel"]

ss = st.session_state

#: while training plays, the graph and the layer view follow the weights on this slower timer (seconds)
LIVE_SECONDS = 1.0
#: Play in the slow-motion step: one stage every this many seconds
STAGE_SECONDS = 1.5
#: keyboard shortcuts of the slow-motion buttons (the playground's own Play / Step / Reset have Space, → and Home)
SLOW_SHORTCUTS = {"play": "Shift+Space", "pause": "Shift+Space", "prev": "Shift+Left", "next": "Shift+Right"}
#: the panel's views: key -> label
VIEWS = {"graph": "Graph of this example", "slow": "Slow-motion step", "landscape": "Loss landscape",
         "plane": "What a layer does"}


# --- the chosen point: link, click, validity ---

def point_from_link(raw, trainer):
    """Open the microscope on the link's ``point=`` (a training index); returns the link's notices (plain text)."""
    index, notices = pgurl.decode_point(raw, trainer.n_train)
    ss.pg_point = index
    return notices


def marked_point(trainer):
    """The training index the microscope shows, if it is one of `trainer`'s training points, else None."""
    p = ss.get("pg_point")
    return p if isinstance(p, int) and 0 <= p < trainer.n_train else None


def link_params(trainer):
    """The microscope's part of the page's link: {'point': 'INDEX'} while it is open, else {}."""
    p = marked_point(trainer)
    return {} if p is None else {pgurl.POINT_PARAM: str(p)}


def click_mode_control():
    """The click-mode control ("Click on the plot"), outside the live fragment."""
    widgets.keep_valid("pg_click_mode", clicks.CLICK_MODES, clicks.DEFAULT_MODE)
    st.segmented_control("Click on the plot", list(clicks.CLICK_MODES), format_func=clicks.CLICK_MODES.get,
                         key="pg_click_mode", required=True,
                         help="What a click on the decision boundary does. Inspect a point: open the backprop "
                         "microscope on the nearest training point. Add a point: one of the class (or target) "
                         "chosen beside this. Remove a point: the nearest one.")


def on_boundary_click():
    """The boundary chart's on_click: dispatch the click (`playground_click.click_action`) in the chosen mode."""
    click = (ss.get("pg_boundary_chart") or {}).get("click")
    result = clicks.click_action(ss.get("pg_click_mode"), click, ss.pg_trainer)
    if result.get("point") is not None:
        ss.pg_point = result["point"]
        ss.pg_micro_view = "graph"
    if result.get("notice"):
        ss.pg_notice = result["notice"]
    if result.get("edit"):  # "add" / "remove" a point: the page's next full run applies it (Your own data)
        pgdata.request_edit(result["edit"], result["at"])


def _microscope(trainer, p):
    """`Microscope.for_trainer(trainer, p)`, kept while the trainer, its step and its weights' version are the same."""
    key = (trainer.run_id, trainer.step_count, p, trainer.loss, trainer.l2, trainer.n_train,
           tuple(v.data for v in trainer.model.parameters()))
    cached = ss.get("_pg_micro")
    if cached is None or cached[0] != key:
        cached = (key, Microscope.for_trainer(trainer, p))
        ss._pg_micro = cached
    return cached[1]


def _flowing_path(m):
    """Microscope `m`'s path of largest gradients (`gradient_path()["path"]`), or None if no gradient flows
    along it (e.g. a hinge loss of 0: every path is cut)."""
    path = m.gradient_path()["path"]
    return path if any(e["grad"] for e in path) else None


def network_highlight(trainer):
    """The edges of the chosen example's path of largest gradients ((layer, source, target) triples), or None."""
    p = marked_point(trainer)
    if p is None:
        return None
    path = _flowing_path(_microscope(trainer, p))
    if path is None:  # no gradient flows: nothing to highlight
        return None
    return [(e["layer"], e["source"], e["target"]) for e in path]


def record(trainer):
    """Add the trainer's weights to the run's trajectory (drawn on the loss landscape)."""
    if "pg_trajectory" not in ss:
        ss.pg_trajectory = Trajectory()
    ss.pg_trajectory.record(trainer)


# --- the panel ---

def _close():
    ss.pg_point = None


def _pick():
    ss.pg_point = ss.pg_point_pick


def panel():
    """The microscope panel, below the live view (full reruns only; its live parts are fragments)."""
    tr = ss.pg_trainer
    p = marked_point(tr)
    ss.pg_point = p
    st.subheader(":material/biotech: Backprop microscope")
    ss.pg_point_pick = p
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.number_input("Training point", 0, max(tr.n_train - 1, 0), step=1, key="pg_point_pick", on_change=_pick,
                        width=220, placeholder="click a point",
                        help="The training example to inspect (0-based); in a link: point=INDEX.")
        st.button("Close", key="pg_point_close", icon=":material/close:", on_click=_close, disabled=p is None)
    scrubbed = pgnet.scrubbed_step(tr)
    if p is not None and scrubbed is not None:  # the views above show an earlier step; the microscope the run's own
        st.caption(f"The views above show step {scrubbed} (scrubbed); the microscope works on the run as it is, at "
                   f"step {tr.step_count}.")
    if p is None:
        st.caption("Click a training point on the decision boundary (click mode “Inspect a point”), or pick one "
                   "above, to see its forward and backward pass through the current network, op by op.")
        return
    widgets.keep_valid("pg_micro_view", VIEWS, "graph")
    view = st.segmented_control("Microscope view", list(VIEWS), format_func=VIEWS.get, key="pg_micro_view",
                                required=True, label_visibility="collapsed")
    if view == "graph":
        _graph_view(tr, p)
        if ss.get("playing"):  # the numbers follow the weights; the graph waits for a pause (see the docstring)
            st.fragment(_live_numbers, run_every=LIVE_SECONDS)()
    elif view == "plane":
        st.fragment(_plane_view, run_every=LIVE_SECONDS if ss.get("playing") else None)()
    elif view == "slow":
        _slow_view(tr, p)
    else:
        _landscape_view(tr)


def _example_caption(tr, m, p):
    x = tr.X_train[p]
    label = (f"target y = {fmt_number(m.y)}" if m.regression else f"class y = {int(m.y)}" if m.score is None
             else f"label y = {m.y:+g}")
    inputs = ", ".join(f"{input_name(i)} = {fmt_number(v)}" for i, v in enumerate(m.x))
    seen = "" if list(m.x) == [float(x[0]), float(x[1])] else f" (the point ({fmt_number(x[0])}, {fmt_number(x[1])}))"
    return (f"Training example #{p} at step {tr.step_count}: inputs {inputs}{seen}, {label}; its loss "
            f"ℓ = {fmt_number(m.loss)}. Every box shows data and grad (∂ℓ/∂node, from this example's loss alone).")


def _live_numbers():
    """While training plays: the example's score, loss and largest gradients at the current weights (a fragment on
    its own timer; one line of text, where a redrawn graph would cost the browser seconds of layout)."""
    tr = ss.pg_trainer
    p = marked_point(tr)
    if p is None:
        return
    m = _microscope(tr, p)
    outs = ", ".join(fmt_number(v.data) for v in m.outputs)
    st.caption(md_escape(f"Live, step {tr.step_count}: output {outs}, loss ℓ = {fmt_number(m.loss)}; largest "
                         "∂ℓ/∂w: " + ", ".join(f"{name} = {fmt_number(g)}" for name, g in m.largest_weight_grads(3))
                         + "."))


def _graph_view(tr, p):
    """Training example `p`'s graph in `tr` at the current weights, drawn by full runs (pause, step, any control)."""
    m = _microscope(tr, p)
    st.caption(md_escape(_example_caption(tr, m, p)) + (" While training plays the graph keeps this step (it is "
               "redrawn when you pause or step); the line below follows the weights." if ss.get("playing") else ""))
    unfold = ()
    if m.folded_default:
        keys = [None, *sorted(m.neurons)]
        widgets.keep_valid("pg_micro_unfold", keys, None)
        pick = st.selectbox("Unfold a neuron", keys, key="pg_micro_unfold",
                            format_func=lambda k: "none (one box per neuron)" if k is None else
                            f"{act_name(*k)} (layer {k[0] + 1}, neuron {k[1] + 1})",
                            help=f"{m.ops} ops are too many to read one by one, so each neuron is one box: its "
                            "activation a and pre-activation z with their data and grad. Unfold one to see its "
                            "weights, products and sums.")
        unfold = () if pick is None else (pick,)
    dot = m.graph(unfolded=unfold, palette=palette_for(st.context.theme.type)).to_string()
    st.graphviz_chart(dot, width="stretch", height=DISPLAY_HEIGHT)
    path = _flowing_path(m)
    if path is not None:
        st.caption(md_escape("Network diagram: the grey band is this example's path of largest |∂ℓ/∂w|: " + " → ".join(
            f"{weight_name(e['layer'], e['target'], e['source'])} ({fmt_number(e['grad'])})" for e in path) + "."))
    else:
        st.caption("This example's loss sends no gradient to any weight (ℓ = 0, or every path is cut): it does "
                   "not move the network at this step.")


def _plane_view():
    """What a hidden layer does to the input plane (a fragment: follows training on its own timer)."""
    tr = ss.pg_trainer
    model = tr.model
    hidden = [k for k in range(len(model.layers) - 1) if len(model.layers[k].neurons) >= 2]
    if not hidden:
        st.info("This view needs a hidden layer of at least 2 neurons.", icon=":material/info:")
        return
    widgets.keep_valid("pg_plane_layer", hidden, hidden[0])
    c = st.columns(3)
    k = c[0].selectbox("Hidden layer", hidden, key="pg_plane_layer", format_func=lambda k: f"layer {k + 1}")
    width = list(range(len(model.layers[k].neurons)))
    for key, default in (("pg_plane_n1", 0), ("pg_plane_n2", 1)):
        widgets.keep_valid(key, width, default)
    fmt = lambda j: act_name(k, j)  # noqa: E731
    j1 = c[1].selectbox("Horizontal axis", width, key="pg_plane_n1", format_func=fmt)
    j2 = c[2].selectbox("Vertical axis", width, key="pg_plane_n2", format_func=fmt)
    if j1 == j2:
        st.info("Pick two different neurons.", icon=":material/info:")
        return
    warped = warped_plane(model, tr.X_train, tr.y_train, k, (j1, j2), features=tr.features)
    scene_chart(plane_scene(warped), key="pg_plane_chart", shared=True)
    st.caption(f"At step {tr.step_count}: the input plane's grid lines and the training points, each drawn at the "
               f"activations ({act_name(k, j1)}, {act_name(k, j2)}) of layer {k + 1}. Training bends the grid "
               "until a straight line separates the classes.")


# --- slow motion ---

def _stage(tr, p):
    """Stage the trainer's next step for example p (pauses playback)."""
    ss.playing = False
    ss.pg_slow = {"sm": slow_motion(tr, example=p), "trainer": tr.run_id, "step": tr.step_count, "point": p,
                  "pos": 0, "playing": False, "applied": None}


def _slow_move(delta):
    st_ = ss.pg_slow
    st_["playing"] = False
    _slow_go(st_["pos"] + delta)


def _slow_go(pos):
    """Go to stage `pos`; the last stage takes the narrated step (once)."""
    st_ = ss.pg_slow
    last = len(st_["sm"].stages) - 1
    st_["pos"] = max(0, min(last, pos))
    tr = ss.pg_trainer
    if st_["pos"] == last and st_["applied"] is None and tr.run_id == st_["trainer"] and tr.step_count == st_["step"]:
        st_["applied"] = st_["sm"].apply(tr)


def _slow_play():
    st_ = ss.pg_slow
    if st_["pos"] >= len(st_["sm"].stages) - 1:
        st_["pos"] = 0
    st_["playing"] = True
    ss.playing = False


def _slow_pause():
    ss.pg_slow["playing"] = False


def _slow_view(tr, p):
    st_ = ss.get("pg_slow")
    if st_ is not None and ss.get("playing"):  # training plays: the stages stop where they are
        st_["playing"] = False
    fresh = (st_ is not None and st_["trainer"] == tr.run_id and st_["point"] == p
             and (tr.step_count == st_["step"] or (st_["applied"] and tr.step_count == st_["step"] + 1)))
    if not fresh:
        if ss.get("playing"):
            st.info("Slow motion stages the next training step: pause first.", icon=":material/pause:")
            st.button("Pause and stage the next step", key="pg_slow_stage", icon=":material/slow_motion_video:",
                      on_click=_stage, args=(tr, p))
            return
        _stage(tr, p)
    timer = ss.pg_slow["playing"]
    st.fragment(_slow_stages, run_every=STAGE_SECONDS if timer else None)(timer)


def _slow_stages(timer):
    """The stage step-through (a fragment; Play moves one stage per run)."""
    st_ = ss.pg_slow
    if st_["playing"] != timer:
        st.rerun()
    sm = st_["sm"]
    last = len(sm.stages) - 1
    if st_["playing"]:
        _slow_go(st_["pos"] + 1)
        if st_["pos"] == last:
            st_["playing"] = False
            st.rerun()
    pos = st_["pos"]
    stage = sm.stages[pos]
    with st.container(horizontal=True, vertical_alignment="bottom"):
        if st_["playing"]:
            st.button("Pause", key="pg_slow_pause", icon=":material/pause:", on_click=_slow_pause,
                      shortcut=SLOW_SHORTCUTS["pause"], help="Stop at this stage. Shortcut: Shift+Space.")
        else:
            st.button("Play", key="pg_slow_play", icon=":material/play_arrow:", on_click=_slow_play, type="primary",
                      shortcut=SLOW_SHORTCUTS["play"],
                      help=f"One stage every {STAGE_SECONDS:g} s; the last stage takes the step. "
                      "Shortcut: Shift+Space.")
        st.button("Previous", key="pg_slow_prev", icon=":material/skip_previous:", on_click=_slow_move, args=(-1,),
                  disabled=pos == 0, shortcut=SLOW_SHORTCUTS["prev"], help="One stage back. Shortcut: Shift+←.")
        st.button("Next", key="pg_slow_next", icon=":material/skip_next:", on_click=_slow_move, args=(1,),
                  disabled=pos == last, shortcut=SLOW_SHORTCUTS["next"],
                  help="The next stage; the last one takes the step. Shortcut: Shift+→.")
        if st_["applied"] is not None:
            st.button("Stage the next step", key="pg_slow_restage", icon=":material/replay:", on_click=_stage,
                      args=(ss.pg_trainer, st_["point"]))
    st.info(f"**Stage {pos + 1} of {last + 1}: {md_escape(stage.title)}.** {md_escape(stage.caption)}",
            icon=":material/slow_motion_video:")
    if stage.kind == "update":
        st.table(pd.DataFrame([{"parameter": w["name"], "before": fmt_number(w["before"]),
                                "∂L/∂w (batch)": fmt_number(w["grad"]), "after": fmt_number(w["after"])}
                               for w in stage.highlight["weights"]]), hide_index=True)
    if stage.kind == "result" and st_["applied"] is not None:
        if st_["applied"]:
            st.success(f"Step taken: the model is at step {st_['step'] + 1}, the same weights as one "
                       "`Trainer.step()`.", icon=":material/check_circle:")
        else:
            st.error("The trainer changed since these stages were made: stage the next step again.",
                     icon=":material/error:")
    graph = sm.microscope.graph(**stage.highlight["graph"], palette=palette_for(st.context.theme.type))
    st.graphviz_chart(graph.to_string(), width="stretch", height=DISPLAY_HEIGHT)
    st.caption(f"Training example #{sm.example} at the weights before the step. Blue: this stage's layer; a "
               "backward stage labels its edges local × upstream = contribution.")


# --- loss landscape ---

def _compute_landscape():
    tr = ss.pg_trainer
    if "pg_landscape_cache" not in ss:
        ss.pg_landscape_cache = LandscapeCache()
    ss.pg_landscape = ss.pg_landscape_cache.get(tr, axes=weight_axes(tr.model))


def _landscape_view(tr):
    st.button("Compute the loss landscape here", key="pg_landscape_go", icon=":material/landscape:",
              on_click=_compute_landscape, help="The training loss on a 21 × 21 grid around the current weights "
              "(Li et al. 2018, filter-normalised directions); cached per step.")
    sl = ss.get("pg_landscape")
    if sl is None:
        st.caption("The training loss on a plane through the current weights, with the run's path projected onto it.")
        return
    scene_chart(landscape_scene(sl, ss.get("pg_trajectory")), key="pg_landscape_chart", shared=True)
    m = st.columns(2)
    m[0].metric("Loss at the centre", f"{sl.centre:.6g}", help="The training loss at the weights of the slice's "
                "step (data loss plus the regularization term).")
    m[1].metric("Slice taken at step", sl.step)
    if sl.step != tr.step_count:
        st.caption(f"Training has moved on to step {tr.step_count}: press the button again for a slice there.")
    if not sl.parameter_axes:
        st.caption("Two random directions are nearly orthogonal to the path of training, so the projected path "
                   "is a shadow: most of each move is off this plane (Li et al. 2018, Sec. 7).")
