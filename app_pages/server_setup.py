"""What a server process sets up once before its sessions play: app.py calls `prepare_process()`
(and so does benchmarks/floor_app.py, which measures the same live loop with nothing drawn).

Three process-wide settings, each measured on a 2-core machine:

- the objects alive after start-up are hidden from Python's cycle collector (`gc.freeze`), and
  its youngest generation is collected every 50,000 allocations;
- numpy's BLAS runs on one thread;
- the GIL is handed to a waiting thread (the event loop that sends every frame) every
  `frame_share.SWITCH_SECONDS` instead of CPython's 5 ms.
"""

import gc

import streamlit as st

from app_pages.frame_share import share_the_gil

__all__ = ["prepare_process"]


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


@st.cache_resource(show_spinner=False)
def _one_blas_thread():
    """Once per server process: numpy's BLAS on one thread (threadpoolctl, scikit-learn's own
    dependency). The app's matrices are small (a 10,000 x 16 boundary grid at most) and a class
    server runs many sessions at once: with two BLAS threads per product on a busy 2-core machine
    the grid's forward pass took 8 ms median instead of 1.3 ms (measured side by side)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def prepare_process():
    """Apply the three settings of this module's docstring (the first two once per process; setting
    the GIL interval again is harmless). Call it at the top of the entrypoint, on every run."""
    _freeze_startup_objects()
    _one_blas_thread()
    # the event loop, which sends every session's messages, gets the GIL back from a computing frame within
    # frame_share.SWITCH_SECONDS instead of CPython's 5 ms: it waits that long for every message it sends
    share_the_gil()
