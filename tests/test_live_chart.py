"""Tests for app_pages/live_chart.py: the in-place canvas chart (an st.components.v2 component).

AppTest checks what Python sends (the element, found by key, keeps its id while its scene
changes, and a frame stays small); a real Chromium checks what the student sees: one canvas
that is repainted in place, never blank, with the scene's colours. The browser part is skipped
where Playwright or /usr/bin/chromium is missing (like tests/test_browser.py).
"""

import ast
import json
import os
import textwrap
from pathlib import Path

import pytest
from conftest import streamlit_server
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def _tiny_script():
    import streamlit as st

    from app_pages.live_chart import scene_chart

    n = st.session_state.get("n", 0)
    st.session_state.n = n + 1
    scene = {"title": f"frame {n}", "aspect": "equal",
             "x": {"range": [0, 2], "ticks": [[0, "0"], [1, "1"], [2, "2"]], "label": "x1"},
             "y": {"range": [0, 1], "ticks": [[0, "0"], [1, "1"]], "label": "x2"},
             "layers": [{"type": "points", "xy": [0.5, 0.5, 1.5, n / 10], "shape": "circle", "size": 8,
                         "fill": "#5e3c99", "tip": "point"}]}
    scene_chart(scene, key="pg_boundary_chart")


def _chart(at):
    found = [e for e in at.get("bidi_component") if e.key == "pg_boundary_chart"]
    assert len(found) == 1
    return found[0]


def test_chart_is_found_by_key_and_keeps_its_id_while_the_scene_changes():
    at = AppTest.from_function(_tiny_script).run()
    assert not at.exception
    first = _chart(at)
    scene = json.loads(first.proto.bytes)
    assert scene["title"] == "frame 0" and scene["layers"][0]["xy"] == [0.5, 0.5, 1.5, 0.0]
    assert scene["clickable"] is False
    at.run()
    second = _chart(at)
    assert json.loads(second.proto.bytes)["title"] == "frame 1"
    # the same id with new data: the browser updates the mounted chart instead of remounting it
    assert second.proto.id == first.proto.id


def _nan_script():
    import streamlit as st

    from app_pages.live_chart import scene_chart

    try:
        scene_chart({"x": {"range": [0, float("nan")]}, "layers": []}, key="pg_boundary_chart")
    except ValueError as exc:
        st.write(f"refused: {exc}")


def test_a_scene_with_nan_is_refused_in_python_not_sent_broken():
    at = AppTest.from_function(_nan_script).run()
    assert not at.exception and not at.get("bidi_component")
    assert at.markdown[0].value.startswith("refused: Out of range float values are not JSON compliant")


def test_the_script_sent_is_the_compacted_painter():
    from app_pages import live_chart

    source = (ROOT / "app_pages" / "live_chart.js").read_text(encoding="utf-8")
    assert "export default function" in live_chart.JS
    assert not any(line.startswith(("//", " ")) for line in live_chart.JS.splitlines())
    # only comment lines and indentation went: the code lines are the same, in order
    code = [ln.split("  // ")[0].strip() for ln in source.splitlines()
            if ln.strip() and not ln.strip().startswith("//")]
    assert live_chart.JS.splitlines() == code and "  // " not in live_chart.JS
    # sent inside every element drawn with shared=False, and by painter_loader() (full reruns only); 16.2 KB with
    # the edge hit test, the numeric tips, the sprite sheets (zoomed on hover) and the kept layers
    assert len(live_chart.JS) < 16_500
    assert len(live_chart.SHARED_STUB) < 500  # what a shared=True chart carries instead


def _boundary_script():
    import streamlit as st

    from app_pages.live_chart import scene_chart
    from micrograd.lessons import playground as pg
    from micrograd.lessons.playground_paint import boundary_scene

    if "tr" not in st.session_state:
        st.session_state.tr = pg.build_trainer(pg.PlaygroundConfig())
    tr = st.session_state.tr
    tr.run(5)
    scene_chart(boundary_scene(tr), key="pg_boundary_chart")


def test_a_boundary_frame_is_at_most_30_kib():
    at = AppTest.from_function(_boundary_script, default_timeout=30).run()
    assert not at.exception
    chart = _chart(at)
    assert json.loads(chart.proto.bytes)["title"] == "Decision boundary at step 5"
    # what goes over the websocket for this element: the scene, the painter's script, ids
    assert chart.proto.ByteSize() <= 30 * 1024, chart.proto.ByteSize()
    first_id = chart.proto.id
    at.run()
    chart = _chart(at)
    assert json.loads(chart.proto.bytes)["title"] == "Decision boundary at step 10"
    assert chart.proto.id == first_id


# --- in a real browser ---

_BROWSER_APP = """
import sys
sys.path.insert(0, {root!r})
import streamlit as st
from app_pages.live_chart import scene_chart

import numpy as np
from micrograd import paint
RED_BLUE = paint.png_data_url(paint.encode_png(np.array([[[255, 0, 0], [0, 0, 255]]], dtype=np.uint8)))

@st.fragment(run_every=0.2)
def live():
    n = st.session_state.get("n", 0)
    st.session_state.n = n + 1
    scene = {{"title": f"frame {{n}}", "aspect": "equal",
             "x": {{"range": [0, 2], "ticks": [[0, "0"], [1, "1"], [2, "2"]], "label": "x1"}},
             "y": {{"range": [0, 1], "ticks": [[0, "0"], [1, "1"]], "label": "x2"}},
             "layers": [{{"type": "image", "src": RED_BLUE, "x": [0, 2], "y": [0, 1], "smooth": False}},
                        {{"type": "points", "xy": [1.5, (n % 10) / 10], "shape": "circle", "size": 8,
                          "fill": "#000000"}}]}}
    got = scene_chart(scene, key="pg_boundary_chart", on_click=lambda: None)
    if got:
        st.session_state.last_click = got
    st.write(f"last click: {{st.session_state.get('last_click')}}")

st.title("live chart")
live()
"""

# the chart's canvas, inside the component's shadow root
_CANVAS = """() => {
    const host = document.querySelector('.st-key-pg_boundary_chart [data-testid=stBidiComponentIsolated]');
    return host && host.shadowRoot ? host.shadowRoot.querySelector('canvas') : null;
}"""
# rAF sampler: every animation frame, is the canvas there, painted, the same node, and which title
_SAMPLER = """
() => {
  const canvas = CANVAS;
  const first = canvas();
  window.__samples = [];
  const tick = () => {
    const c = canvas();
    window.__samples.push({same: c === first, painted: !!(c && c.width && c.getAttribute('data-frames')),
                           title: c ? c.getAttribute('data-title') : null});
    if (window.__samples.length < 100000) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}
""".replace("CANVAS", _CANVAS)


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
def test_browser_repaints_one_canvas_in_place_and_never_blanks(tmp_path):
    playwright_api = pytest.importorskip("playwright.sync_api")
    app = tmp_path / "live_app.py"
    app.write_text(textwrap.dedent(_BROWSER_APP.format(root=str(ROOT))), encoding="utf-8")
    with streamlit_server(app, cwd=tmp_path, log=tmp_path / "server.log", timeout=60) as (url, _proc):
        with playwright_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 800, "height": 700})
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url)
            page.wait_for_function(
                f"() => {{ const c = ({_CANVAS})(); return c && Number(c.getAttribute('data-frames')) >= 1; }}",
                timeout=60_000)
            page.evaluate(_SAMPLER)
            page.wait_for_timeout(2000)
            # about 5 frames a second; a busy machine is slower, so wait for 3 different frames (<= 30 s)
            page.wait_for_function("() => new Set(window.__samples.map(s => s.title)).size >= 3", timeout=30_000)
            samples = page.evaluate("window.__samples")
            colours = page.evaluate(
                f"() => {{ const c = ({_CANVAS})(); const g = c.getContext('2d'); const w = c.width, h = c.height;"
                " const at = (fx) => Array.from(g.getImageData(Math.round(w * fx), Math.round(h * 0.5), 1, 1).data);"
                " return {left: at(0.3), right: at(0.6), frames: Number(c.getAttribute('data-frames'))}; }")
            # a click in the plot comes back to Python in data coordinates: the plot spans x 0..2 from
            # 52 px (the y axis margin) to 10 px before the right edge; click at x = 0.5, y = 0.5
            box = page.locator(".st-key-pg_boundary_chart canvas").bounding_box()
            pw = box["width"] - 62
            page.mouse.click(box["x"] + 52 + 0.25 * pw, box["y"] + 28 + 0.25 * pw)
            page.wait_for_function("() => document.body.innerText.includes(\"last click: {'x'\")", timeout=20_000)
            text = page.locator("[data-testid=stMarkdown]", has_text="last click").inner_text()
            browser.close()
    assert not errors, errors
    assert len(samples) > 10
    assert all(s["same"] for s in samples), "the canvas was replaced (remounted)"
    assert all(s["painted"] for s in samples), "the chart was blank in some animation frame"
    titles = [s["title"] for s in samples]
    assert len(set(titles)) >= 3, "the chart did not update"
    assert colours["frames"] >= 3
    # the picture's left half is red, its right half blue (pixel columns 0 and 1 of the PNG)
    assert colours["left"][:3] == [255, 0, 0] and colours["right"][:3] == [0, 0, 255], colours
    click = ast.literal_eval(text.split("last click: ", 1)[1])
    assert abs(click["x"] - 0.5) < 0.01 and abs(click["y"] - 0.5) < 0.01 and click["layer"] is None, click
