"""Manual vs automatic backprop: the chain rule by hand next to the engine's backward().

Thin page: widgets and session state only; the LaTeX, the numbers, the quiz marking and
the buggy engines come from `micrograd.lessons.manual_vs_auto` (the expressions from
`micrograd.lessons.presets`).
"""

import pandas as pd
import streamlit as st

from app_pages import registry, widgets
from micrograd.graph import DISPLAY_HEIGHT, fmt_number, palette_for, value_graph
from micrograd.lessons import manual_vs_auto as mva
from micrograd.lessons import presets
from micrograd.lessons.notation import node_names
from micrograd.text import md_escape

ss = st.session_state

st.title(registry.page("manual_vs_auto.py").title_line)
st.caption(
    "On the left, the chain rule written out by hand, node by node from the output back: each "
    "gradient is the upstream gradient times the local derivative, summed over every use. On the "
    "right, what the engine's `backward()` computed. They must agree everywhere."
)

with st.container(border=True):
    preset, text = widgets.expression_picker("mv")
    _, values = widgets.expression_inputs("mv", preset, text)
    quiz = st.toggle("Quiz mode: type each gradient yourself", key="mv_quiz", persist_state="session")

try:
    root = presets.build(preset, values, text)
    rows = mva.chain_rule_rows(root)
except widgets.BUILD_ERRORS as err:
    widgets.show_build_error(err)
    st.stop()

L = node_names(root)[root]
with st.expander("The graph" if quiz else "The graph, after `backward()`", icon=":material/account_tree:"):
    # chain_rule_rows ran one backward(): every node holds its gradient (hidden in the quiz)
    # in colours for the page's light or dark theme
    st.graphviz_chart(value_graph(root, names=node_names(root), grads={} if quiz else None,
                                  palette=palette_for(st.context.theme.type)).to_string(),
                      width="stretch", height=DISPLAY_HEIGHT)
if quiz:
    results = {}
    for r in rows:
        answer = ss.get(f"mv_q_{preset}_{r['name']}", "")
        results[r["name"]] = mva.check_answer(answer, r["engine"])
    right = sum(1 for q in results.values() if q.ok)
    answered = sum(1 for q in results.values() if q.ok is not None)
    st.progress(right / len(rows), text=f"{right} of {len(rows)} gradients right ({answered} answered)")
    st.caption(
        f"Work from the output back: d{L}/d{L} = 1, then each node's gradient is the upstream gradient "
        "times the local derivative (summed over every use). Type a number such as −1.5 or 3/2; "
        "answers within 0.1 % are right. A wrong answer shows the local derivative as a hint."
    )
else:
    n_match = sum(r["match"] for r in rows)
    if n_match == len(rows):
        st.success(f"The manual chain rule and `backward()` agree on all {len(rows)} nodes.",
                   icon=":material/check_circle:")
    else:
        st.error(f"They disagree on {len(rows) - n_match} of {len(rows)} nodes.", icon=":material/error:")

head = st.columns([5, 2])
head[0].markdown("**Manual chain rule**" + (" (fill in the numbers)" if quiz else ""))
head[1].markdown("**Your answer**" if quiz else "**Engine: `backward()`**")
for r in rows:
    with st.container(border=True):
        c = st.columns([5, 2], vertical_alignment="center")
        c[0].latex(r["latex_symbolic"] if quiz else r["latex"])
        if quiz:
            c[1].text_input(md_escape(f"d{L}/d{r['name']}"), key=f"mv_q_{preset}_{r['name']}",
                            placeholder="your number", persist_state="session")
            q = results[r["name"]]
            if q.ok:
                c[1].markdown(":blue[:material/check_circle: right]")
            elif q.ok is False:
                c[1].markdown(f":orange[:material/cancel: {md_escape(q.message)}]")
                c[1].caption("Hint: " + md_escape(mva.hint(root, r["node"])))
        else:
            # blue / orange, not green / red: told apart with any colour vision (and the icon and word differ)
            mark = (":blue[:material/check_circle: match]" if r["match"]
                    else ":orange[:material/cancel: differs]")
            c[1].markdown(f"`{r['name']}.grad = {fmt_number(r['engine'], 6)}`  \n{mark}")

st.divider()
st.subheader(":material/call_split: Fan-out and accumulation: three classic bugs")
st.caption(
    "When a value is used twice, its gradient is the **sum** of what each use sends back, so an "
    "engine must accumulate (`child.grad += local * upstream`). Every op must store the right local "
    "derivative: one wrong formula (tanh's) spoils every gradient behind it. And because gradients "
    "accumulate, they must be reset to zero before every new backward pass."
)
bug_keys = ["a_plus_a", "fanout", "neuron", "lecture"]
bc = st.columns([2, 3])
bug_preset = bc[0].selectbox("Graph", bug_keys, format_func=presets.title, key="mv_bug_graph",
                             persist_state="session")
with bc[1]:
    assign = st.toggle("Buggy engine: assign (`=`) instead of accumulate (`+=`)", key="mv_bug_assign",
                       persist_state="session")
    wrong_tanh = st.toggle("Buggy tanh: local derivative 1 − t instead of 1 − t²", key="mv_bug_tanh",
                           persist_state="session")
    forgot = st.toggle("Forgot zero_grad: call `backward()` twice", key="mv_bug_zero",
                       persist_state="session")

bug_root = presets.build(bug_preset)
st.markdown(f"**{presets.EXPRESSIONS[bug_preset].formula}** with "
            + ", ".join(f"{k} = {fmt_number(v)}" for k, v in presets.EXPRESSIONS[bug_preset].defaults.items()))
if assign or wrong_tanh:
    table = mva.bug_rows(bug_root, assign=assign, wrong_tanh=wrong_tanh)
    df = pd.DataFrame(
        {"node": [t["name"] for t in table],
         "right grad (+=)": [t["right"] for t in table],
         "buggy grad": [t["buggy"] for t in table],
         "": ["✗ wrong" if t["wrong"] else "✓" for t in table]}
    )
    st.dataframe(df, hide_index=True, key="mv_bug_table")
    n_wrong = sum(t["wrong"] for t in table)
    if n_wrong:
        st.warning(f"The buggy engine gets {n_wrong} gradient(s) wrong on this graph.",
                   icon=":material/bug_report:")
    else:
        hidden = []
        if assign:
            hidden.append("no node here is used twice, so `=` and `+=` agree: try b = a + a or the fan-out graph")
        if wrong_tanh:
            hidden.append("there is no tanh node here: try the neuron")
        st.info("This graph hides the bug: " + "; ".join(hidden) + ".", icon=":material/visibility_off:")
    code = []
    if assign:
        code.append("child.grad = local * node.grad    # bug: overwrites what another use sent\n"
                    "child.grad += local * node.grad   # right: accumulates")
    if wrong_tanh:
        code.append("local = 1 - t        # bug\nlocal = 1 - t**2     # right: d tanh(x)/dx = 1 - tanh(x)^2")
    st.code("\n\n".join(code), language="python")
if forgot:
    table = mva.zero_grad_rows(bug_root, calls=2)
    st.dataframe(pd.DataFrame(table).rename(columns={"name": "node"}), hide_index=True, key="mv_zero_table")
    st.warning("Without `zero_grad()` the second `backward()` adds the same gradients again: every grad "
               "doubles. In a training loop that means wrong, ever-growing steps.",
               icon=":material/bug_report:")
    st.code("for step in range(steps):\n    model.zero_grad()      # forget this line and grads pile up\n"
            "    loss = compute_loss(model)\n    loss.backward()\n    optimizer.step()", language="python")
if not (assign or wrong_tanh or forgot):
    st.caption("Switch a bug on to see the wrong gradients next to the right ones.")
