"""Computation graph & backprop: step through the backward pass one node at a time, or let Play do it.

Thin page: widgets and session state only; every number, caption, table and graph comes
from `micrograd.lessons.computation_graph` (the expressions from `micrograd.lessons.presets`), the
graph's colours from `micrograd.graph.palette_for` and the browser's theme (`st.context.theme`).

Play uses the playground's pattern (app_pages/playground.py): the step-through is one fragment that
reruns every PLAY_SECONDS while playing (`st.fragment(run_every=...)`), moving one node per run, so
the graph is redrawn in place; Play / Pause share a place and the Space key, and any manual step
pauses. Since a fragment's timer is set by the full run that draws it, the fragment reruns the whole
page whenever playback starts or stops (a click in it, or the last step reached).
"""

import math
import time

import pandas as pd
import streamlit as st

from app_pages import registry, widgets
from micrograd.graph import DISPLAY_HEIGHT, palette_for
from micrograd.lessons import computation_graph as cg
from micrograd.lessons import presets
from micrograd.text import md_escape

ss = st.session_state
H_CHOICES = [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-8, 1e-10]
TABLE_COLUMNS = ["node", "grad", "status", "op", "data", "upstream", "local derivatives"]

PLAY_SECONDS = 0.8  # Play: one node every 0.8 s
#: keyboard shortcut of each step-through button (Streamlit's `shortcut=` names; its help text names them too)
SHORTCUTS = {"play": "Space", "pause": "Space", "prev": "Left", "next": "Right", "reset": "Home", "end": "End"}

ss.setdefault("cg_pos", 0)  # the step shown: 0 = forward pass only, then one step per node
# Streamlit drops the state of widgets a run does not draw: without the slider's, the last run was another
# page (or this is a new session), so playback never resumes by itself on coming back
if "cg_slider" not in ss:
    ss.cg_playing = False
ss.setdefault("cg_playing", False)


def _move(delta, last):
    """Previous / Next: pause, and one step back or on."""
    ss.cg_playing = False
    ss.cg_pos = max(0, min(last, ss.cg_pos + delta))


def _go(pos):
    """Reset / To the end: pause, and go to step `pos`."""
    ss.cg_playing = False
    ss.cg_pos = pos


def _from_slider():
    ss.cg_playing = False
    ss.cg_pos = ss.cg_slider


def _play(last):
    """Play: one step per PLAY_SECONDS from here (from the start again when at the last step).

    Within PLAY_SECONDS of playback stopping at the last step by itself, a press is a Pause that came
    too late (Play took Pause's place, and its Space key): it keeps the last step instead of starting over.
    """
    if ss.cg_pos >= last:
        if time.monotonic() - ss.get("cg_ended_at", -math.inf) < PLAY_SECONDS:
            return
        ss.cg_pos = 0
    ss.cg_playing = True


def _pause():
    ss.cg_playing = False


st.title(registry.page("computation_graph.py").title_line)
st.caption(
    "The forward pass builds a graph of every operation. The backward pass walks it from the output "
    "back to the inputs, and at every node applies the chain rule: **each child receives local "
    "derivative × upstream gradient**, and a child used twice adds up what it receives."
)

with st.container(border=True):
    preset, text = widgets.expression_picker("cg")

    # a new expression starts the walk again from the forward pass
    if ss.get("cg_sig") != (preset, text):
        ss.cg_sig = (preset, text)
        ss.cg_pos = 0
        ss.cg_playing = False

    names, values = widgets.expression_inputs("cg", preset, text)

try:
    root = presets.build(preset, values, text)
except widgets.BUILD_ERRORS as err:
    widgets.show_build_error(err)
    st.stop()

walk = cg.Walkthrough(root)
last = len(walk.steps) - 1
ss.cg_pos = max(0, min(last, ss.cg_pos))
timer_on = ss.cg_playing  # the fragment below reruns on a timer exactly when this full run saw Play


@st.fragment(run_every=PLAY_SECONDS if timer_on else None)
def step_through():
    """The controls, caption, graph and table of the current step; one step forward per run while playing.

    A timer rerun (run_every, only while playing) executes just this function, so the graph is redrawn
    in place. Whenever playing changes (Play, Pause, a manual step, the last step reached) the whole
    page reruns, which starts or stops the timer. A full run while playing (every `AppTest.run()`, or a
    widget changed elsewhere on the page) also moves one step.
    """
    if ss.cg_playing != timer_on:  # a button in here changed playback: restart the timer with the page
        st.rerun()
    if ss.cg_playing:
        ss.cg_pos = min(last, ss.cg_pos + 1)
        if ss.cg_pos == last:  # stop at the end: the page redraws with Pause off and no timer
            ss.cg_playing = False
            ss.cg_ended_at = time.monotonic()
            st.rerun()
    ss.cg_slider = ss.cg_pos  # keep the slider in sync with the buttons
    pos = ss.cg_pos
    # the boxes, arrows and labels in colours for the page's light or dark theme, as the browser reports it
    # with every run, this fragment's too (None in AppTest: light)
    palette = palette_for(st.context.theme.type)
    step = walk.steps[pos]

    with st.container(horizontal=True, vertical_alignment="bottom"):
        # Space toggles: only the enabled one of Play and Pause reacts to it (as on the playground)
        if ss.cg_playing:
            st.button("Pause", key="cg_pause", icon=":material/pause:", on_click=_pause, shortcut=SHORTCUTS["pause"],
                      help="Stop at this step. Shortcut: Space (Play / Pause).")
        else:
            st.button("Play", key="cg_play", icon=":material/play_arrow:", on_click=_play, args=(last,),
                      shortcut=SHORTCUTS["play"], type="primary",
                      help=f"Walk the backward pass, one node every {PLAY_SECONDS:g} s, and stop at the last "
                           "step (from the last step: start again). Shortcut: Space (Play / Pause).")
        st.button("Previous", key="cg_prev", icon=":material/skip_previous:", on_click=_move, args=(-1, last),
                  disabled=pos == 0, shortcut=SHORTCUTS["prev"], help="One node back. Shortcut: ← (left arrow).")
        st.button("Next", key="cg_next", icon=":material/skip_next:", on_click=_move, args=(1, last),
                  disabled=pos == last, shortcut=SHORTCUTS["next"], help="One node on. Shortcut: → (right arrow).")
        st.button("Reset", key="cg_reset", icon=":material/restart_alt:", on_click=_go, args=(0,),
                  shortcut=SHORTCUTS["reset"], help="Back to the forward pass. Shortcut: Home.")
        st.button("To the end", key="cg_end", icon=":material/last_page:", on_click=_go, args=(last,),
                  disabled=pos == last, shortcut=SHORTCUTS["end"], help="The last step. Shortcut: End.")
        st.slider("Step", 0, last, key="cg_slider", on_change=_from_slider, width="stretch",
                  help="0: forward pass only · 1: seed the output's gradient with 1 · then one node per step, "
                       "in reverse topological order")

    st.info(f"**Step {pos} of {last}.** {step.caption}", icon=":material/route:")

    # the graph takes the full width (Streamlit scales the drawing to it, so the wider the page the
    # larger the text); a fixed height keeps a small graph from growing taller than the screen
    st.graphviz_chart(walk.graph(pos, palette=palette).to_string(), width="stretch", height=DISPLAY_HEIGHT)
    st.caption(
        "Orange, thick border: the node being processed and the edges it sends gradient along (labelled "
        "local × upstream = contribution). Blue: gradient complete. Yellow, dashed border: some gradient "
        "received, more to come. `grad ?`: not reached yet."
    )
    if pos == last:
        ok, total = walk.check_against_backward()
        if ok == total:
            st.success(f"All {total} gradients equal a full `backward()`.", icon=":material/check_circle:")
        else:
            st.error(f"Only {ok} of {total} gradients equal a full `backward()`.", icon=":material/error:")
    # below the graph, full width; a static table wraps long cells, so every column stays on screen
    st.table(pd.DataFrame(walk.table(pos), columns=TABLE_COLUMNS).map(md_escape), hide_index=True)


step_through()

st.subheader(":material/straighten: Nudge check")
st.caption(
    "A gradient predicts how the output moves when an input moves: L(x + h) ≈ L(x) + h · dL/dx. "
    "Nudge one input by h and compare the slope (L(x + h) − L(x)) / h with the gradient from "
    "`backward()`."
)
if not names:
    st.info("This expression has no inputs to nudge.", icon=":material/info:")
else:
    nc = st.columns([1, 2])
    leaf = nc[0].selectbox("Input to nudge", names, key="cg_nudge_leaf", persist_state="session")
    h = nc[1].select_slider("Nudge h", H_CHOICES, value=1e-3, key="cg_nudge_h", persist_state="session",
                            format_func=lambda x: f"{x:.0e}")
    try:
        res = cg.nudge_check(presets.builder(preset, text), values, leaf, h)
    except widgets.BUILD_ERRORS as err:
        st.error(md_escape(f"Cannot nudge {leaf} by {h:g}: {err}"), icon=":material/error:")
    else:
        L = walk.root_name
        m = st.columns(5)
        m[0].metric(f"{L}({leaf})", f"{res['L']:.6g}")
        m[1].metric(f"{L}({leaf} + h)", f"{res['L_nudged']:.6g}")
        m[2].metric(f"({L}({leaf} + h) − {L}({leaf})) / h", f"{res['slope']:.6g}")
        m[3].metric(f"d{L}/d{leaf} from backward()", f"{res['grad']:.6g}")
        # its own metric, not a delta: a delta draws an up/down arrow, and a difference has no direction
        m[4].metric("difference |slope − gradient|", f"{res['abs_error']:.2g}")
        st.caption("The difference shrinks in proportion to h for a curved output (the forward "
                   "difference's O(h) error), and is round-off only when the output is linear in the input.")
