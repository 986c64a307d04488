"""Computation graph & backprop: step through the backward pass one node at a time.

Thin page: widgets and session state only; every number, caption, table and graph comes
from `micrograd.lessons.backprop`.
"""

import pandas as pd
import streamlit as st

from micrograd.expr import ExpressionError
from micrograd.lessons import backprop as bp

ss = st.session_state
KEYS = [*bp.PRESETS, bp.CUSTOM]
H_CHOICES = [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-8, 1e-10]

ss.setdefault("cg_pos", 0)  # the step shown: 0 = forward pass only, then one step per node


def _title(key):
    return bp.PRESETS[key].title if key in bp.PRESETS else "Custom expression"


def _move(delta, last):
    ss.cg_pos = max(0, min(last, ss.cg_pos + delta))


def _go(pos):
    ss.cg_pos = pos


def _from_slider():
    ss.cg_pos = ss.cg_slider


st.title(":material/account_tree: Computation graph & backprop")
st.caption(
    "The forward pass builds a graph of every operation. The backward pass walks it from the output "
    "back to the inputs, and at every node applies the chain rule: **each child receives local "
    "derivative × upstream gradient**, and a child used twice adds up what it receives."
)

with st.container(border=True):
    top = st.columns([2, 3])
    preset = top[0].selectbox("Expression", KEYS, format_func=_title, key="cg_preset",
                              persist_state="session")
    text = None
    if preset == bp.CUSTOM:
        text = top[1].text_input(
            "Your expression", value=bp.CUSTOM_DEFAULT_TEXT, key="cg_expr", persist_state="session",
            help="Numbers, variable names, + − * / **, parentheses, and tanh exp log sigmoid relu. "
                 "Example: (a + b) * (b + 1)",
        )
    else:
        top[1].markdown(f"**{bp.PRESETS[preset].formula}**  \n{bp.PRESETS[preset].description}")

    # a new expression starts the walk again from the forward pass
    if ss.get("cg_sig") != (preset, text):
        ss.cg_sig = (preset, text)
        ss.cg_pos = 0

    try:
        names = bp.leaf_names(preset, text)
    except ExpressionError as err:
        st.error(bp.md_escape(f"{err} Change the expression above; nothing else was lost."),
                 icon=":material/error:")
        st.stop()
    if len(names) > 24:
        st.error(f"This expression has {len(names)} variables; use at most 24 so every input fits.",
                 icon=":material/error:")
        st.stop()

    defaults = bp.CUSTOM_DEFAULT_VALUES if preset == bp.CUSTOM else bp.PRESETS[preset].defaults
    values = {}
    cols = st.columns(min(6, max(1, len(names))))
    for i, name in enumerate(names):
        values[name] = cols[i % len(cols)].number_input(
            name, value=float(defaults.get(name, 1.0)), step=0.5, format="%.4f",
            key=f"cg_v_{preset}_{name}", persist_state="session",
        )

try:
    root = bp.build(preset, values, text)
except (ExpressionError, ValueError, ZeroDivisionError, OverflowError) as err:
    # the parser's messages already say what to change; the engine's get the advice added
    tail = "" if isinstance(err, ExpressionError) else " Change the expression or the input values."
    st.error(bp.md_escape(f"{err}{tail}"), icon=":material/error:")
    st.stop()

walk = bp.Walkthrough(root)
last = len(walk.steps) - 1
ss.cg_pos = max(0, min(last, ss.cg_pos))
ss.cg_slider = ss.cg_pos  # keep the slider in sync with the buttons
pos = ss.cg_pos
step = walk.steps[pos]

with st.container(horizontal=True, vertical_alignment="bottom"):
    st.button("Previous", key="cg_prev", icon=":material/skip_previous:", on_click=_move, args=(-1, last),
              disabled=pos == 0)
    st.button("Next", key="cg_next", icon=":material/skip_next:", on_click=_move, args=(1, last),
              disabled=pos == last, type="primary")
    st.button("Reset", key="cg_reset", icon=":material/restart_alt:", on_click=_go, args=(0,))
    st.button("To the end", key="cg_end", icon=":material/last_page:", on_click=_go, args=(last,),
              disabled=pos == last)
    st.slider("Step", 0, last, key="cg_slider", on_change=_from_slider, width=360,
              help="0: forward pass only · 1: seed the output's gradient with 1 · then one node per step, "
                   "in reverse topological order")

st.info(f"**Step {pos} of {last}.** {step.caption}", icon=":material/route:")

left, right = st.columns([3, 2], gap="medium")
with left:
    st.graphviz_chart(walk.graph(pos).to_string(), width="stretch")
    st.caption(
        "Orange: the node being processed and the edges it sends gradient along (labelled local × "
        "upstream = contribution). Green: gradient complete. Yellow: some gradient received, more to "
        "come. `grad ?`: not reached yet."
    )
with right:
    st.dataframe(pd.DataFrame(walk.table(pos)), hide_index=True, key="cg_table",
                 column_order=["node", "grad", "status", "op", "data", "upstream gradient",
                               "local derivative(s)"])
    if pos == last:
        ok, total = walk.check_against_backward()
        if ok == total:
            st.success(f"All {total} gradients equal a full `backward()`.", icon=":material/check_circle:")
        else:
            st.error(f"Only {ok} of {total} gradients equal a full `backward()`.", icon=":material/error:")

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
        res = bp.nudge_check(bp.builder(preset, text), values, leaf, h)
    except (ExpressionError, ValueError, ZeroDivisionError, OverflowError) as err:
        st.error(bp.md_escape(f"Cannot nudge {leaf} by {h:g}: {err}"), icon=":material/error:")
    else:
        L = walk.root_name
        m = st.columns(4)
        m[0].metric(f"{L}({leaf})", f"{res['L']:.6g}")
        m[1].metric(f"{L}({leaf} + h)", f"{res['L_nudged']:.6g}")
        m[2].metric(f"({L}({leaf} + h) − {L}({leaf})) / h", f"{res['slope']:.6g}")
        m[3].metric(f"d{L}/d{leaf} from backward()", f"{res['grad']:.6g}",
                    delta=f"difference {res['abs_error']:.2g}", delta_color="off")
        st.caption("The difference shrinks in proportion to h for a curved output (the forward "
                   "difference's O(h) error), and is round-off only when the output is linear in the input.")
