"""Lesson 1, "Derivatives: numerical vs analytic": finite differences against the engine's backward().

A thin page: widgets and session state only. The numbers come from micrograd.lessons.derivatives,
the function catalogue from derivatives_catalogue and the figures from derivatives_figures.
"""

import math

import streamlit as st

from app_pages import registry
from micrograd.expr import FUNCTIONS, ExpressionError
from micrograd.lessons import derivatives as lesson
from micrograd.lessons import derivatives_catalogue as catalogue
from micrograd.lessons import derivatives_figures as figures
from micrograd.text import md_escape

st.title(registry.page("derivatives.py").title_line)
st.markdown(
    """
The derivative f'(x) is the slope of f at x. The **engine** gets it exactly: it builds f(x)
from `Value` operations (the forward pass) and `backward()` applies the chain rule. A
**finite difference** estimates it from two evaluations of f: the slope of a secant.
Shrink the step h and the secant turns into the tangent, until **round-off** takes over.
"""
)

CHOICES = {c.key: c for c in catalogue.CATALOGUE}

left, right = st.columns([1, 1])
with left:
    key = st.selectbox(
        "Function f(x)",
        options=list(CHOICES),
        format_func=lambda k: CHOICES[k].label,
        key="deriv_function", persist_state="session",
    )
    custom = ""
    if key == "custom":
        custom = st.text_input(
            "f(x) =",
            value=catalogue.DEFAULT_CUSTOM,
            key="deriv_custom", persist_state="session",
            help="Python syntax in x: numbers, + - * / ** (power), parentheses and "
            + ", ".join(f"{f}(…)" for f in FUNCTIONS)
            + ". Example: x**3 - 2*x + exp(-x).",
        )
    dtype = st.radio(
        "Arithmetic of the finite differences",
        options=lesson.DTYPES,
        horizontal=True,
        key="deriv_dtype", persist_state="session",
        help="float32 keeps about 7 digits instead of 16: round-off takes over at a much larger h.",
    )
with right:
    x = st.slider("x", min_value=lesson.X_MIN, max_value=lesson.X_MAX, value=lesson.DEFAULT_X, step=lesson.X_STEP,
                  key="deriv_x", persist_state="session")
    log10_h = st.select_slider(
        "Step h (log scale, 1e-15 to 1)",
        options=lesson.LOG10_H_OPTIONS,
        value=lesson.DEFAULT_LOG10_H,
        format_func=lambda k: f"{10 ** k:.2g}",
        key="deriv_log10_h", persist_state="session",
    )
x = round(x, 9)  # the slider's float steps can carry 1e-16 noise: keep x = 0 exactly 0
h = 10.0**log10_h

try:
    fn = catalogue.make_function(key, custom)
    cmp = lesson.compare(fn, x, h, dtype)
    curves = lesson.error_curves(fn, x, dtype)
except ExpressionError as err:
    st.error(md_escape(lesson.failure_message(err, key, custom, x, dtype)), icon=":material/error:")
    st.stop()


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
    st.plotly_chart(figures.function_figure(fn, cmp), key="deriv_function_chart")
with g2:
    st.plotly_chart(figures.error_figure(curves, cmp), key="deriv_error_chart")
    st.caption(md_escape(figures.guides_caption(curves)))

st.dataframe(
    lesson.readout_rows(cmp),
    hide_index=True,
    key="deriv_table",
    column_config={  # the numbers come formatted, with "–" where a row has no error
        "value": st.column_config.TextColumn(alignment="right"),
        "abs error": st.column_config.TextColumn(alignment="right"),
        "rel error": st.column_config.TextColumn(alignment="right"),
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
