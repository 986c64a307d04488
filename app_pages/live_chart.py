"""A chart that updates in place: one canvas per element, repainted from a small scene each rerun.

`scene_chart(scene, key=...)` mounts an `st.components.v2` component whose script
(`live_chart.js`, beside this file) keeps one <canvas> for the element's whole life. With a
fixed `key` the element keeps its id while only its data changes, so Streamlit re-runs the
script with the new scene instead of remounting the chart; the script paints the new scene
once its images have decoded, so no frame is ever blank (unlike `st.plotly_chart` in Streamlit
1.67, whose element id changes with the figure). The chart is as wide as its container, with
the plot in equal scale (`aspect`), and crisp on high-DPI screens.

The scene (built in Python, e.g. `micrograd.lessons.playground_paint.boundary_scene`) is a dict:

- ``x``, ``y``: ``{"range": [lo, hi], "ticks": [[value, "label"], ...], "label": "x1"}``
  (data coordinates, [0, 1] if absent; the axes are drawn when ``x`` has ticks);
- ``aspect``: ``"equal"`` (one data unit is as long on both axes; the height follows the width,
  at most ``max_height`` CSS pixels), a number (the plot's height over its width, at most
  ``max_height``) or absent (``height`` pixels in all);
- ``title``: text above the plot;
- ``font_scale``: every text size (12 px ticks and labels, 14 px title) and the margins around the
  plot times this (1 if absent; presenter mode uses 1.5: 18 px labels);
- ``layers``, painted in order and clipped to the plot:
  ``{"type": "image", "src": "data:image/png;base64,...", "x": [x0, x1], "y": [y0, y1], "smooth": bool}``,
  ``{"type": "lines", "paths": [[x0, y0, x1, y1, ...], ...], "color", "width", "dash"}``,
  ``{"type": "points", "xy": [x0, y0, ...], "shape": "circle"|"square"|"diamond", "size", "fill",
  "stroke", "line", "halo", "tip" or "tips"}`` (hovering a point shows its tip and coordinates),
  ``{"type": "rect", "x": [x0, x1], "y": [y0, y1], "fill", "stroke", "line"}``,
  ``{"type": "text", "x", "y", "text", "color", "size", "align", "baseline"}``,
  ``{"type": "sprites", "src": PNG data URL, "xy": [x0, y0, ...], "size", "fit", "stroke" or "strokes", "line"}``
  (a sheet of n equal cells side by side, cell k drawn centred on point k, ``size`` CSS pixels square but at most
  ``fit`` of a data unit on either axis, framed in ``strokes[k]``; with ``"zoom": px``, hovering a cell shows it
  that large in the tip: the network's neuron maps),
  ``{"type": "keep", "name"}`` (the last layer of that ``name`` this chart received: a frame leaves out what
  has not changed; nothing until one arrived);
- numbers instead of tip text: a 'points' or 'lines' layer may carry ``"vals"`` (flat numbers, ``"stride"`` of
  them per point or per path) and ``"fmt"`` (e.g. ``"w = {0}, ∂L/∂w = {1}"``: ``{k}`` is the item's k-th
  number as ``%.3g`` writes it); hovering within 6 px of a 'lines' path with ``fmt`` or ``tips`` shows its tip
  (a point within 8 px comes first);
- ``colorbar``: ``{"src": PNG data URL (top = high), "range": [lo, hi], "ticks", "label", "smooth"}``;
- ``y2``: a second scale on the right, ``{"ticks": [[y, "label"], ...], "label"}`` (tick positions in
  the ``y`` axis's units: the scene maps its second series onto ``y`` itself);
- ``legend``: one row under the plot, ``[["text", "colour", dash or null], ...]``.

Streamlit 1.67 sends a component's inline script inside every element, every rerun (about
11 KB here). A page with several live charts in a fragment calls `painter_loader()` once
outside the fragment (its element carries the painter and is sent only on full reruns) and
draws its charts with ``shared=True``: their elements carry a 0.4 KB stub that calls the
painter the loader put on the page.

Pages import it as ``from app_pages.live_chart import scene_chart`` (Streamlit puts the app's
folder on ``sys.path``). In `AppTest` the element is ``at.get("bidi_component")``, with
``.key`` the key given here and ``json.loads(.proto.bytes)`` the scene.
"""

import json
import re
from pathlib import Path

import streamlit as st

__all__ = ["scene_chart", "painter_loader", "COMPONENT_NAME", "JS", "SHARED_STUB"]

COMPONENT_NAME = "micrograd_live_chart"
_TRAILING_COMMENT = re.compile(r"\s{2,}// .*$")


def _compact(source):
    """The script as sent to the browser: comment-only lines, trailing comments (two spaces or more, then
    ``// ``) and indentation removed (about a third smaller).

    The script has no multi-line strings and no string holding two spaces then ``// ``, so this changes no
    string's content.
    """
    lines = (_TRAILING_COMMENT.sub("", line).strip() for line in source.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//"))


#: the painter's source, as sent inside every element (Streamlit 1.67 puts inline JS in each proto)
JS = _compact((Path(__file__).with_name("live_chart.js")).read_text(encoding="utf-8"))

#: the script of a ``shared=True`` chart: hand the element to the painter `painter_loader` put on the page
#: (queued until that has loaded)
SHARED_STUB = (
    "export default function (component) {\n"
    "const w = window;\n"
    "if (w.__mgLiveChart) return w.__mgLiveChart(component);\n"
    "let cleanup = null;\n"
    "let live = true;\n"
    "const q = (w.__mgLiveChartQueue = w.__mgLiveChartQueue || []);\n"
    "q.push(() => { if (live) cleanup = w.__mgLiveChart(component); });\n"
    "return () => { live = false; if (cleanup) cleanup(); };\n"
    "}\n"
)

_component = st.components.v2.component(COMPONENT_NAME, js=JS)
_shared_component = st.components.v2.component(COMPONENT_NAME + "_shared", js=SHARED_STUB)


def painter_loader(key="live_chart_painter"):
    """Put the painter on the page for ``scene_chart(..., shared=True)`` charts; shows nothing.

    Call it once per page run outside any fragment that reruns, so that its element (the
    painter's whole script) is sent with full reruns only, not with every frame.
    """
    _component(key=key, data=b'{"loader":true}', width="stretch", height="content")


def scene_chart(scene, *, key, on_click=None, shared=False):
    """Show `scene` in a live canvas chart that keeps its identity across reruns.

    Args:
        scene: the picture as a JSON-serialisable dict (format in this module's docstring).
        key: the element's key; a fixed key is what makes the chart update in place.
        on_click: optional callback; when given, a click in the plot reruns the app with the
            click (``{"x", "y"}`` in data coordinates, and ``"layer"``, ``"index"`` of the
            point within 8 px or else the path within 6 px that has a tip, or None, and ``"vals"``: that
            item's ``stride`` numbers, or None) as the return value, and the callback runs first.
        shared: send only the stub and paint with the painter `painter_loader` put on the page
            (which the page must call too); False sends the whole painter with this element.

    Returns:
        the last click as a dict (only in the run it caused), or None.

    Raises:
        TypeError: if the scene is not JSON-serialisable.
        ValueError: if it holds NaN or an infinity (the browser's JSON parser would reject the frame;
            `micrograd.paint.rounded` turns them into None).
    """
    # sent as compact JSON bytes: Streamlit then hashes the bytes for the element's identity
    # instead of serialising the scene twice more (once sorted), and the browser parses it once
    data = json.dumps(dict(scene, clickable=on_click is not None), separators=(",", ":"), allow_nan=False).encode()
    callbacks = {"on_click_change": on_click} if on_click is not None else {}
    component = _shared_component if shared else _component
    result = component(key=key, data=data, width="stretch", height="content", **callbacks)
    return result.get("click") if on_click is not None else None
