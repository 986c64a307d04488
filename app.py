"""micrograd classroom: the entrypoint. Run with `streamlit run app.py`.

Builds the navigation over the page scripts in pages/; each page is a thin script of
widgets that calls into the micrograd package.
"""

from pathlib import Path

import streamlit as st

PAGES = Path(__file__).parent / "pages"

st.set_page_config(page_title="micrograd classroom", page_icon=":material/school:", layout="wide")

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
