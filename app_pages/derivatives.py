"""Lesson 1, "Derivatives: numerical vs analytic": finite differences against the engine's backward().

A thin page: widgets and session state only. The catalogue, the numbers and the figures
come from micrograd.lessons.derivatives.
"""

import math

import streamlit as st

from micrograd.expr import FUNCTIONS, EvaluationError, ExpressionError
from micrograd.lessons import derivatives as lesson
from micrograd.lessons.backprop import md_escape

st.title(":material/functions: Derivatives: numerical vs analytic")
st.markdown(
    """
The derivative f'(x) is the slope of f at x. The **engine** gets it exactly: it builds f(x)
from `Value` operations (the forward pass) and `backward()` applies the chain rule. A
**finite difference** estimates it from two evaluations of f: the slope of a secant.
Shrink the step h and the secant turns into the tangent, until **round-off** takes over.
"""
)

CHOICES = {c.key: c for c in lesson.CATALOGUE}

left, right = st.columns([1, 1])
with left:
    key = st.selectbox(
        "Function f(x)",
        options=list(CHOICES),
        format_func=lambda k: CHOICES[k].label,
        key="deriv_function",
    )
    custom = ""
    if key == "custom":
        custom = st.text_input(
            "f(x) =",
            value=lesson.DEFAULT_CUSTOM,
            key="deriv_custom",
            help="Python syntax in x: numbers, + - * / ** (power), parentheses and "
            + ", ".join(f"{f}(…)" for f in FUNCTIONS)
            + ". Example: x**3 - 2*x + exp(-x).",
        )
    dtype = st.radio(
        "Arithmetic of the finite differences",
        options=lesson.DTYPES,
        horizontal=True,
        key="deriv_dtype",
        help="float32 keeps about 7 digits instead of 16: round-off takes over at a much larger h.",
    )
with right:
    x = st.slider("x", min_value=-4.0, max_value=4.0, value=lesson.DEFAULT_X, step=0.05, key="deriv_x")
    log10_h = st.select_slider(
        "Step h (log scale, 1e-15 to 1)",
        options=lesson.LOG10_H_OPTIONS,
        value=lesson.DEFAULT_LOG10_H,
        format_func=lambda k: f"{10 ** k:.2g}",
        key="deriv_log10_h",
    )
x = round(x, 9)  # the slider's float steps can carry 1e-16 noise: keep x = 0 exactly 0
h = 10.0**log10_h

try:
    fn = lesson.make_function(key, custom)
    cmp = lesson.compare(fn, x, h, dtype)
    curves = lesson.error_curves(fn, x, dtype)
except ExpressionError as err:
    st.session_state["deriv_error"] = str(err)
    st.session_state["deriv_result"] = None
    if key == "custom" and not isinstance(err, EvaluationError):
        st.error(md_escape(f"Check the expression: {err}"), icon=":material/error:")
    elif "overflow" in str(err):
        advice = " or switch to float64" if dtype == "float32" else ""
        st.error(md_escape(f"f(x) overflows {dtype} at x = {x:g}: move the x slider{advice}. ({err})"),
                 icon=":material/error:")
    else:
        st.error(
            md_escape(f"f is undefined at x = {x:g}: move the x slider or pick another function. ({err})"),
            icon=":material/error:",
        )
    st.stop()

st.session_state["deriv_error"] = None
st.session_state["deriv_result"] = {
    "key": key, "expression": fn.expression, "x": cmp.x, "h": cmp.h, "dtype": dtype,
    "f": cmp.f, "analytic": cmp.analytic, "forward": cmp.forward, "central": cmp.central,
    "forward_error": cmp.forward_error, "central_error": cmp.central_error,
    "best_forward_h": curves.best_forward_h, "best_central_h": curves.best_central_h,
}

if not math.isfinite(cmp.analytic):
    st.warning(f"f′(x) is infinite at x = {x:g} (a vertical tangent): the differences cannot converge "
               "to it, so the error plot has nothing to show. Move x away from this point.",
               icon=":material/warning:")
if key == "custom":
    st.code(f"f(x) = {fn.expression}", language="python")
else:
    st.latex(rf"f(x) = {fn.latex}, \qquad f'(x) = {fn.derivative_latex}")
if key == "sin":
    st.info(
        "The engine has no sin, so here sin x is built from + and × only: x is reduced to "
        "[−π/2, π/2] and a degree-21 Taylor polynomial is evaluated. backward() through that "
        "graph gives the derivative, which agrees with cos x to about 1e-15.",
        icon=":material/info:",
    )

m1, m2, m3, m4 = st.columns(4)
m1.metric("f(x)", f"{cmp.f:.10g}", help="forward pass of the engine (float64)")
m2.metric("f'(x) from backward()", f"{cmp.analytic:.10g}", help="x.grad after f.backward(): the reference")
m3.metric(
    "forward difference", f"{cmp.forward:.9g}", delta=f"error {cmp.forward_error:.2e}",
    delta_color="off", delta_arrow="off",
    help=f"(f(x+h) − f(x)) / h in {dtype}",
)
m4.metric(
    "central difference", f"{cmp.central:.9g}", delta=f"error {cmp.central_error:.2e}",
    delta_color="off", delta_arrow="off",
    help=f"(f(x+h) − f(x−h)) / 2h in {dtype}",
)
st.caption(f"x = {cmp.x:.10g}, h = {cmp.h:.3g}, differences computed in {dtype} (ε = {cmp.eps:.2e}).")
for note in cmp.notes:
    st.warning(note, icon=":material/warning:")

g1, g2 = st.columns(2)
with g1:
    st.plotly_chart(lesson.function_figure(fn, cmp), key="deriv_function_chart")
with g2:
    st.plotly_chart(lesson.error_figure(curves, cmp), key="deriv_error_chart")

st.dataframe(
    lesson.readout_rows(cmp),
    hide_index=True,
    key="deriv_table",
    column_config={
        "value": st.column_config.NumberColumn(format="%.12g"),
        "abs error": st.column_config.NumberColumn(format="%.3e"),
        "rel error": st.column_config.NumberColumn(format="%.3e"),
    },
)

with st.expander("Table: h = 1, 0.1, ..., 1e-15", icon=":material/table_chart:"):
    st.caption(
        f"Both differences at x = {cmp.x:.6g} in {dtype}, one row per decade of h: the error first "
        "falls with h (truncation), then grows again (round-off)."
    )
    st.dataframe(
        lesson.convergence_rows(fn, x, dtype),
        hide_index=True,
        key="deriv_convergence_table",
        column_config={
            "h": st.column_config.NumberColumn(format="%.0e"),
            "forward": st.column_config.NumberColumn(format="%.15g"),
            "central": st.column_config.NumberColumn(format="%.15g"),
            "forward error": st.column_config.NumberColumn(format="%.2e"),
            "central error": st.column_config.NumberColumn(format="%.2e"),
        },
    )

with st.expander("Why is the error plot V-shaped?", icon=":material/lightbulb:"):
    st.markdown(
        "Taylor's theorem gives the **truncation error** of each difference, the part that "
        "vanishes as h → 0:"
    )
    st.latex(
        r"\frac{f(x+h)-f(x)}{h} = f'(x) + \frac{f''(x)}{2}h + O(h^2), \qquad"
        r"\frac{f(x+h)-f(x-h)}{2h} = f'(x) + \frac{f'''(x)}{6}h^2 + O(h^4)"
    )
    st.markdown(
        "But every f value carries a **round-off error** of about ε·|f(x)|, and subtracting "
        "two nearly equal numbers keeps only that error, divided by h: about ε·s/h. The sum "
        "is smallest where the two balance:"
    )
    st.latex(
        r"h^*_{\text{forward}} \approx \sqrt{\frac{2\varepsilon s}{|f''(x)|}}, \qquad"
        r"h^*_{\text{central}} \approx \left(\frac{3\varepsilon s}{|f'''(x)|}\right)^{1/3}, \qquad"
        r"s = \max(|f(x)|, 1)"
    )

    def _fmt(v):
        return f"{v:.1e}" if v == v else "none (that derivative is 0 here)"

    st.markdown(
        f"Here, in {dtype}: predicted best h ≈ {_fmt(curves.predicted_forward_h)} (forward) and "
        f"{_fmt(curves.predicted_central_h)} (central); measured best h = "
        f"{curves.best_forward_h:.1e} and {curves.best_central_h:.1e} (the stars). "
        "For x², f''' = 0: the central difference has no truncation error at all, so the largest "
        "h is best. Switch to float32 and the whole V moves up and to the right."
    )
