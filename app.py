"""micrograd classroom: the entrypoint. Run with `streamlit run app.py`.

Builds the navigation over the page scripts in app_pages/; each page is a thin script of
widgets that calls into the micrograd package. (Not `pages/`: Streamlit treats a folder of that
name beside the entrypoint as a legacy multipage app until the first `st.navigation` call, so a
shared link opened first after a server start would run its page without this file.)
"""

import gc
from pathlib import Path

import streamlit as st

from app_pages import registry
from app_pages.frame_share import share_the_gil

PAGES = Path(__file__).parent / "app_pages"

# the tab icon is a file the app serves itself (a ":material/..." icon is fetched from a font CDN,
# and a classroom may have no internet)
st.set_page_config(page_title="micrograd classroom", page_icon=Path(__file__).parent / "assets" / "icon.svg",
                   layout="wide")


@st.cache_resource(show_spinner=False)
def _freeze_startup_objects():
    """Once per server process: hide the ~180,000 objects alive after start-up (Streamlit,
    plotly, pandas, scikit-learn) from Python's cycle collector with `gc.freeze()`.

    Live training allocates thousands of graph nodes per step, so full collections run every
    few frames; each one used to traverse every start-up object and stall a frame by ~100 ms
    (benchmarks/playground.py: worst frame 144 ms -> 38 ms). Our graphs have no cycles, so
    nothing the collector could free is hidden from it.

    For the same reason the youngest generation is collected every 50,000 allocations rather
    than every 700 (CPython's default): a training step allocates ~3,000 nodes, all freed by
    reference counting, so at 700 the collector ran ~4 times a step for nothing (about a tenth
    of a step's time, benchmarks/playground.py). Cyclic garbage, which only the collector frees,
    waits a little longer.
    """
    import micrograd.lessons.playground  # noqa: F401  (the heavy imports, before the freeze)

    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, *gc.get_threshold()[1:])


_freeze_startup_objects()


@st.cache_resource(show_spinner=False)
def _one_blas_thread():
    """Once per server process: numpy's BLAS on one thread (threadpoolctl, scikit-learn's own
    dependency). The app's matrices are small (a 10,000 x 16 boundary grid at most) and a class
    server runs many sessions at once: with two BLAS threads per product on a busy 2-core machine
    the grid's forward pass took 8 ms median instead of 1.3 ms (measured side by side)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


_one_blas_thread()
# the event loop, which sends every session's messages, gets the GIL back from a computing frame within
# frame_share.SWITCH_SECONDS instead of CPython's 5 ms: it waits that long for every message it sends
share_the_gil()

# the navigation, section by section, from the one page registry
sections = {}
for info in registry.PAGES:
    sections.setdefault(info.section, []).append(
        st.Page(PAGES / info.script, title=info.title, icon=info.icon, default=info is registry.PAGES[0]))

st.navigation(sections).run()
