"""Gradient checking: every backprop gradient against central differences, with bugs to inject."""

import streamlit as st

from app_pages import registry
from micrograd.lessons import gradient_check as lesson

st.title(registry.page("gradient_check.py").title_line)
st.markdown(
    r"""
How do you know your backward pass is right? Check it against the definition of the
derivative. For every parameter $p$, nudge it both ways and measure the **central difference**

$$\frac{\partial L}{\partial p} \approx \frac{L(p + h) - L(p - h)}{2h}$$

then compare with the gradient backprop computed, by the **relative error**
$\dfrac{|a - n|}{\max(|a|, |n|)}$. A correct engine agrees to about $10^{-8}$ in float64;
a wrong local derivative or a lost gradient shows up as an error near 1.
Below: a small MLP(2, [4, 4, 1]) on 20 moons, 37 parameters, checked in one go.
"""
)

with st.container(border=True):
    c1, c2, c3, c4 = st.columns(4)
    activation = c1.selectbox(
        "Hidden activation", ["tanh", "sigmoid", "relu"], key="gc_activation", persist_state="session",
        help="tanh makes the tanh bug matter; relu has kinks, where finite differences can mislead",
    )
    loss_name = c2.selectbox(
        "Loss", ["bce", "mse", "hinge"], key="gc_loss", persist_state="session",
        format_func={"bce": "BCE with logits", "mse": "MSE", "hinge": "hinge"}.get,
    )
    seed = c3.number_input("Seed (data and weights)", min_value=0, max_value=9999, value=0, step=1,
                           key="gc_seed", persist_state="session")
    h = c4.select_slider(
        "Finite-difference step h", options=list(lesson.STEPS), value=lesson.DEFAULT_STEP, key="gc_h",
        persist_state="session",
        format_func=lambda v: f"{v:.0e}",
        help="too large: truncation error O(h²); too small: round-off error ~ 1e-16 / h",
    )
    st.markdown("**Inject a bug** into the backward pass (lesson code only; the real engine is untouched):")
    bug_cols = st.columns(len(lesson.BUGS))
    bugs = []
    for col, (key, (label, what)) in zip(bug_cols, lesson.BUGS.items(), strict=True):
        if col.toggle(label, key=f"gc_bug_{key}", help=what, persist_state="session"):
            bugs.append(key)

try:
    result = lesson.run_check(activation=activation, loss=loss_name, bugs=bugs, h=h, seed=int(seed))
except ValueError as exc:
    st.error(f"Could not run the check: {exc}. Change the settings above and try again.")
    st.stop()

worst = result.worst

m1, m2, m3, m4 = st.columns(4)
m1.metric("Worst relative error", f"{result.max_rel_error:.2e}", help=f"at parameter {worst['name']}")
m2.metric("Worst parameter", worst["name"])
m3.metric("Parameters checked", len(result.rows))
m4.metric("Forward passes", result.n_evaluations, help="2 per parameter, plus one for backprop")

if result.passed:
    st.success(
        f"Pass: every gradient agrees with its central difference to better than {result.tolerance:.0e} "
        "(relative).", icon=":material/check_circle:",
    )
else:
    st.error(
        f"Fail: {worst['name']} has backprop gradient {worst['autograd']:.6g} but central difference "
        f"{worst['numeric']:.6g} (relative error {worst['rel_error']:.2e} > {result.tolerance:.0e}).",
        icon=":material/error:",
    )
for cause in result.causes:  # what fails and why, one note per active bug and per false alarm
    if cause.kind == "bug":
        st.warning(cause.text, icon=":material/bug_report:")
    else:
        st.info(cause.text, icon=":material/info:")

st.plotly_chart(lesson.heatmap_figure(result), key="gc_heatmap", width="stretch")
st.caption(
    "One panel per layer: a row per neuron, a column per weight and the bias. Colour is log10 of the "
    f"relative error |a − n| / max(|a|, |n|, {lesson.FLOOR:g}); blue is below the tolerance, orange above. "
    "Hover a cell to see both gradients."
)

with st.expander("The 8 worst parameters", icon=":material/table:"):
    top = sorted(result.rows, key=lambda r: r["rel_error"], reverse=True)[:8]
    st.dataframe(
        [{"parameter": r["name"], "backprop": r["autograd"], "central difference": r["numeric"],
          "abs. error": r["abs_error"], "rel. error": r["rel_error"], "why": lesson.causes_of(result, r["name"])}
         for r in top],
        hide_index=True, key="gc_worst_table",
    )

with st.expander("What each bug does, and what to look for", icon=":material/bug_report:"):
    for label, what in lesson.BUGS.values():
        st.markdown(f"- **{label}**: {what}")
    st.markdown(
        """
- *wrong tanh derivative* leaves the output layer's gradients right (it is linear) and breaks
  every layer below a tanh: look at layers 1 and 2. With ReLU or sigmoid it changes nothing,
  which is the other lesson: a gradient check only tests the ops your model uses.
- *= instead of +=* breaks every parameter: each weight is used once per example, so it
  keeps one example's gradient out of 20.
- *forgot zero_grad* doubles every gradient: the relative error is exactly |2g − g| / |2g| = 0.5.
"""
    )
