"""Home: what micrograd is, a first example, and the map of the lessons."""

import streamlit as st

from app_pages import registry
from micrograd.lessons.tour import TOUR_CODE, tour

st.title(registry.page("home.py").title_line)
st.markdown(
    """
**micrograd** is a tiny automatic-differentiation engine (after Andrej Karpathy's
[micrograd](https://github.com/karpathy/micrograd)). A `Value` holds one number. Every
operation on Values builds a **computation graph** as you compute (the *forward pass*);
`backward()` then walks that graph in reverse and applies the **chain rule** at every node
(the *backward pass*), so each Value learns how the output changes when it moves.
On top of it sit a neuron, a layer and a multi-layer perceptron, trained by gradient descent.
That is the whole engine of deep learning, at the scale of single numbers, with nothing hidden.
"""
)

left, right = st.columns([3, 2])
with left:
    st.code(TOUR_CODE, language="python")
with right:
    result = tour()
    st.metric("f(3) = 3²", f"{result['f']:g}")
    st.metric("f'(3) from backward()", f"{result['dfdx']:g}", help="the analytic derivative 2x at x = 3")

st.subheader("The lessons")
st.caption("Take them in order for a lecture, or jump in anywhere.")
for number, info in enumerate(registry.PAGES[1:], start=1):
    with st.container(border=True):
        st.page_link(info.path, label=f"{number}. {info.title}", icon=info.icon)
        st.caption(info.blurb)
