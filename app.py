"""micrograd classroom: the entrypoint. Run with `streamlit run app.py`.

Builds the navigation over the page scripts in app_pages/; each page is a thin script of
widgets that calls into the micrograd package. (Not `pages/`: Streamlit treats a folder of that
name beside the entrypoint as a legacy multipage app until the first `st.navigation` call, so a
shared link opened first after a server start would run its page without this file.)
"""

import gc
from pathlib import Path

import streamlit as st

PAGES = Path(__file__).parent / "app_pages"

st.set_page_config(page_title="micrograd classroom", page_icon=":material/school:", layout="wide")


@st.cache_resource(show_spinner=False)
def _freeze_startup_objects():
    """Once per server process: hide the ~180,000 objects alive after start-up (Streamlit,
    plotly, pandas, scikit-learn) from Python's cycle collector with `gc.freeze()`.

    Live training allocates thousands of graph nodes per step, so full collections run every
    few frames; each one used to traverse every start-up object and stall a frame by ~100 ms
    (benchmarks/playground.py: worst frame 144 ms -> 38 ms). Our graphs have no cycles, so
    nothing the collector could free is hidden from it.
    """
    import micrograd.lessons.playground  # noqa: F401  (the heavy imports, before the freeze)

    gc.collect()
    gc.freeze()


_freeze_startup_objects()

pages = {
    "Start": [
        st.Page(PAGES / "home.py", title="Home", icon=":material/home:", default=True),
    ],
    "Lessons": [
        st.Page(PAGES / "derivatives.py", title="Derivatives: numerical vs analytic", icon=":material/functions:"),
        st.Page(PAGES / "computation_graph.py", title="Computation graph & backprop", icon=":material/account_tree:"),
        st.Page(PAGES / "manual_vs_auto.py", title="Manual vs automatic backprop", icon=":material/compare_arrows:"),
    ],
    "Training": [
        st.Page(PAGES / "playground.py", title="Train an MLP", icon=":material/model_training:"),
    ],
    "Under the hood": [
        st.Page(PAGES / "vs_pytorch.py", title="micrograd vs PyTorch", icon=":material/speed:"),
        st.Page(PAGES / "gradient_check.py", title="Gradient checking", icon=":material/fact_check:"),
    ],
}

st.navigation(pages).run()
