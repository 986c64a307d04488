"""Every page in app.py's navigation renders its title and its main content under AppTest.

This is the check that proves a set of dependency versions works: CI runs it (with the other
page tests) a second time in an environment holding exactly the floor versions of
requirements.txt (see .ci/run). "No exception" alone is not enough: a page can run without
raising and still draw nothing, so each page must show its title and its main element (a chart,
the graph, a table, the metrics) with real content in it.
"""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_pages import registry

ROOT = Path(__file__).resolve().parents[1]


NAVIGATION = [(p.path, p) for p in registry.PAGES]


def _plotly_specs(at):
    return [json.loads(e.proto.spec) for e in at.get("plotly_chart")]


def _graphviz_specs(at):
    return [e.proto.spec for e in at.get("graphviz_chart")]


def _has_traces_with(spec, field):
    """True when some trace of a plotly figure spec carries at least two values in `field` (x, z, ...)."""
    return any(len(trace.get(field) or []) >= 2 for trace in spec.get("data", []))


def _check_home(at):
    metrics = {m.label: m.value for m in at.metric}
    # f(x) = x² at x = 3: f = 9 and f'(3) = 2·3 = 6 (by hand)
    assert metrics["f(3) = 3²"] == "9"
    assert metrics["f'(3) from backward()"] == "6"


def _check_derivatives(at):
    specs = _plotly_specs(at)
    assert len(specs) >= 2, "the function plot and the error plot"
    assert all(_has_traces_with(s, "x") for s in specs)
    assert at.latex, "f(x) and f'(x) written out"


def _check_graph_page(at):
    (dot,) = _graphviz_specs(at)
    assert dot.lstrip().startswith("digraph") and "->" in dot


def _check_computation_graph(at):
    _check_graph_page(at)
    tables = [*at.table, *at.dataframe]  # a static or an interactive table
    assert tables and len(tables[0].value) >= 2, "the per-node table"


def _check_manual_vs_auto(at):
    _check_graph_page(at)
    assert at.latex, "the chain rule written out"


def _check_playground(at):
    specs = _plotly_specs(at)
    # the live canvas charts (app_pages/live_chart.py), where the page uses them: their scenes
    scenes = [json.loads(e.proto.bytes) for e in at.get("bidi_component")]
    assert len(specs) + len(scenes) >= 3, "decision boundary, loss curves, network diagram"
    assert (any(_has_traces_with(s, "z") for s in specs)
            or any(layer.get("type") == "image" for s in scenes for layer in s.get("layers", []))), \
        "the decision boundary's score grid"


def _check_vs_pytorch(at):
    assert at.dataframe and len(at.dataframe[0].value) >= 2, "the comparison table"
    (speed,) = _plotly_specs(at)
    assert any(len(t.get("x") or t.get("y") or []) >= 2 for t in speed["data"]), "time per step, bar per engine"


def _check_gradient_check(at):
    (heatmap,) = _plotly_specs(at)
    assert _has_traces_with(heatmap, "z"), "one heatmap cell per parameter"


# page script -> the check of its main content
EXPECTED = {
    "app_pages/home.py": _check_home,
    "app_pages/derivatives.py": _check_derivatives,
    "app_pages/computation_graph.py": _check_computation_graph,
    "app_pages/manual_vs_auto.py": _check_manual_vs_auto,
    "app_pages/playground.py": _check_playground,
    "app_pages/vs_pytorch.py": _check_vs_pytorch,
    "app_pages/gradient_check.py": _check_gradient_check,
}


def test_every_navigation_page_has_a_render_check():
    assert len(NAVIGATION) >= 7
    assert {script for script, _ in NAVIGATION} == set(EXPECTED)


@pytest.mark.parametrize("script", [s for s, _ in NAVIGATION])
def test_page_renders_title_and_main_content(script):
    at = AppTest.from_file("../app.py", default_timeout=60).run()
    if script != "app_pages/home.py":
        at.switch_page(script).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.main.title, "no title rendered"
    assert at.main.title[0].value == registry.page(script.removeprefix("app_pages/")).title_line
    EXPECTED[script](at)


def test_project_config_opens_a_browser_and_gives_students_the_viewer_toolbar(monkeypatch):
    # `streamlit run app.py` on a laptop opens the browser (tests and CI pass --server.headless true
    # themselves), and students get the viewer's menu: no "Deploy", "Clear cache" or "Rerun"
    from streamlit import config

    monkeypatch.chdir(ROOT)
    config.get_config_options(force_reparse=True)
    project_file = str(ROOT / ".streamlit" / "config.toml")
    assert config.get_where_defined("server.headless") != project_file
    assert config.get_option("client.toolbarMode") == "viewer"
    assert config.get_where_defined("client.toolbarMode") == project_file
