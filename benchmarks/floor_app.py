"""The cheapest live frame this architecture can serve: the playground's loop, drawing nothing.

A Streamlit app for benchmarks/load.py. It runs what a playing session of the playground runs
each frame (app_pages/playground.py): the same process set-up (`prepare_process`), the same
fragment timer (`FRAME_SECONDS`), the same turn among the process's playing sessions and pause
after it (`frame_turn`), the same `Trainer.step()`s with a Streamlit call every `TICK_SECONDS`
(`ticking`). It draws only what load.py reads: the "Step" and "ms per step" metrics and one live
chart with an empty scene (no decision boundary, no network, no curves). So what load.py reports
for it is the floor of a frame: Streamlit's run, its messages, the timer ticks and the training;
whatever the playground costs above it is its drawing and its other elements.

    streamlit run benchmarks/floor_app.py --server.port 8700 --server.headless true &
    python benchmarks/load.py --url http://127.0.0.1:8700 --sessions 30 --seconds 20
    APP=benchmarks/floor_app.py deploy/local.sh 8600 2 &        # two workers behind the balancer

Its one page answers at /playground and reads a playground link's query (`engine=tensor`,
`spf=10`, ...; `playground_url.decode_query`, so a bad value falls back to the
default as on the playground). With `draw=views` in the query it also draws the playground's three
scenes in three live charts (the decision boundary, the network with its neuron maps every few frames
and the curves, from `playground_paint` as the page calls them), still without the page's other
elements, so the floor, the views and the whole page can be told apart.
Run it from the repository root, so .streamlit/config.toml applies.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # Streamlit puts this script's folder on the path, not the repository's
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from app_pages.frame_share import FRAME_SECONDS, frame_turn, ticking  # noqa: E402
from app_pages.live_chart import painter_loader, scene_chart  # noqa: E402
from app_pages.playground_network import send_maps  # noqa: E402
from app_pages.server_setup import prepare_process  # noqa: E402
from micrograd.lessons import playground as pg  # noqa: E402
from micrograd.lessons import playground_paint as paint  # noqa: E402
from micrograd.lessons import playground_url as pgurl  # noqa: E402

EMPTY_SCENE = {"title": "nothing drawn (benchmarks/floor_app.py)", "height": 40}


def floor_page():
    """One page: Play / Pause and the live fragment (a frame: train, then the two metrics and the empty chart)."""
    ss = st.session_state
    if "floor_trainer" not in ss:
        ss.floor_cfg, _ = pgurl.decode_query(st.query_params.to_dict())
        ss.floor_trainer = pg.build_trainer(ss.floor_cfg)
        ss.floor_views = st.query_params.get("draw") == "views"
        ss.playing = False
    st.button("Play", key="play", on_click=lambda: ss.update(playing=True), disabled=ss.playing)
    st.button("Pause", key="pause", on_click=lambda: ss.update(playing=False), disabled=not ss.playing)

    @st.fragment(run_every=FRAME_SECONDS if ss.playing else None)
    def live_view():
        tr = ss.floor_trainer
        if ss.playing:
            with frame_turn():
                tick = st.empty()
                for _ in ticking(ss.floor_cfg.steps_per_frame, tick.empty):
                    tr.step()
                _draw(tr)
        else:
            _draw(tr)

    live_view()
    painter_loader()


def _draw(tr):
    """What load.py reads of a frame and nothing else, or with `draw=views` the playground's three views too."""
    st.metric("Step", tr.step_count)
    st.metric("ms per step", f"{tr.ms_per_step:.1f}")
    if not st.session_state.floor_views:
        scene_chart(EMPTY_SCENE, key="pg_boundary_chart", shared=True)
        return
    view = st.session_state.floor_cfg
    scene_chart(paint.boundary_scene(tr, view.discretize, view.show_test, max_height=460), key="pg_boundary_chart",
                shared=True)
    scene_chart(paint.network_scene(tr, view.edge_view, maps=send_maps(tr)), key="pg_network_chart", shared=True)
    scene_chart(paint.curves_scene(tr.history, tr.loss, current=tr.current, metric=tr.metric), key="pg_curves_chart",
                shared=True)


def home_page():
    """The default page (a default page answers at /, not at its own path): points to /playground."""
    st.write("The frame floor benchmark is at /playground.")


prepare_process()
st.navigation([st.Page(home_page, title="Home", default=True),
               st.Page(floor_page, title="Playground", url_path="playground")]).run()
