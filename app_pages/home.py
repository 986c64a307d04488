"""Home: what micrograd is, a first example, and the map of the lessons."""

import streamlit as st

from micrograd.lessons.tour import TOUR_CODE, tour

st.title(":material/school: micrograd classroom")
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
LESSONS = [
    ("app_pages/derivatives.py", "1. Derivatives: numerical vs analytic",
     "Finite differences against the engine: watch the secant become the tangent, "
     "and see where round-off wins."),
    ("app_pages/computation_graph.py", "2. Computation graph & backprop",
     "Step the backward pass one node at a time: local derivative × upstream gradient."),
    ("app_pages/manual_vs_auto.py", "3. Manual vs automatic backprop",
     "The chain rule by hand next to backward(); fan-out, accumulation, and a quiz."),
    ("app_pages/playground.py", "4. Train an MLP",
     "The live playground: pick data and a network, press play, watch the decision boundary learn."),
    ("app_pages/vs_pytorch.py", "5. micrograd vs PyTorch",
     "The same step three ways: scalar engine, vectorized tensors, PyTorch. Why frameworks use tensors."),
    ("app_pages/gradient_check.py", "6. Gradient checking",
     "Check every gradient against finite differences, then inject a bug and watch the check catch it."),
]
for path, title, blurb in LESSONS:
    with st.container(border=True):
        st.page_link(path, label=title)
        st.caption(blurb)
