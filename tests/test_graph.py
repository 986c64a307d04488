"""Tests for micrograd/graph.py: the DOT text of a Value graph (no Graphviz binary used)."""

import re

import pydot
import pytest

from micrograd.engine import Value
from micrograd.graph import DARK, LIGHT, fmt_number, node_ids, palette_for, value_graph

# pydot's DOT parser (used here only to check the text is valid DOT) warns about pyparsing names
pytestmark = pytest.mark.filterwarnings("ignore:.*deprecated.*")


def _parse(dot_text):
    (g,) = pydot.graph_from_dot_data(dot_text)  # the text is valid DOT
    return g


def test_records_ops_and_edges(lecture_graph):
    L, a, b, e = map(lecture_graph().get, ("L", "a", "b", "e"))
    L.backward()
    text = value_graph(L, stacked=False).to_string()
    g = _parse(text)
    assert g.get_rankdir() == "LR"
    labels = {n.get_name(): n.get("label") for n in g.get_nodes() if n.get_name() not in ("node", "edge")}
    ids = node_ids(L)
    assert labels[ids[a]].strip('"') == "{ a | data 2 | grad 6 }"
    assert labels[ids[b]].strip('"') == "{ b | data −3 | grad −4 }"
    assert labels[ids[L]].strip('"') == "{ L | data −8 | grad 1 }"
    ops = sorted(labels[i + "_op"].strip('"') for i in (ids[e], ids[L], ids[L.children[0]]))
    assert ops == ["*", "*", "+"]
    edges = {(x.get_source(), x.get_destination()) for x in g.get_edges()}
    assert (ids[a], ids[e] + "_op") in edges and (ids[e] + "_op", ids[e]) in edges
    # 7 value nodes + 3 op nodes; 3 ops x (2 in + 1 out) edges
    assert len(labels) == 10 and len(g.get_edges()) == 9


def test_fan_out_draws_two_edges():
    a = Value(3.0, label="a")
    b = a + a
    g = _parse(value_graph(b).to_string())
    ids = node_ids(b)
    assert sum(1 for x in g.get_edges() if x.get_source() == ids[a]) == 2


def test_hidden_grads_highlight_and_edge_labels(lecture_graph):
    L, a, b, e = map(lecture_graph().get, ("L", "a", "b", "e"))
    d = L.children[0]
    text = value_graph(L, grads={L: 1.0, d: -2.0}, current=d,
                       edge_labels={(d, 0): "1 × −2 = −2"}).to_string()
    ids = node_ids(L)
    assert text.count("grad ?") == 5  # every node but L and d
    assert "grad −2" in text
    g = _parse(text)
    node = g.get_node(ids[d])[0]
    assert node.get("fillcolor").strip('"') == LIGHT.current
    lab = [x for x in g.get_edges() if x.get_source() == ids[e] and x.get_destination() == ids[d] + "_op"]
    assert lab[0].get("label").strip('"') == "1 × −2 = −2"
    assert g.get_node(ids[a])[0].get("fillcolor") is None  # the node default: palette.node_fill


def test_escaping_and_constants():
    x = Value(1.5, label="x{|}<>")
    y = x + 1  # the 1 is an unlabelled constant leaf: drawn as its number
    text = value_graph(y).to_string()
    assert r"x\{\|\}\<\>" in text
    assert '"1 | data 1 | grad 0"' in text  # stacked by default: no braces
    assert "{ 1 | data 1 | grad 0 }" in value_graph(y, stacked=False).to_string()
    _parse(text)


@pytest.mark.parametrize(("x", "s"), [(6.0, "6"), (-1.4999999999, "−1.5"), (0.70710678, "0.7071"),
                                      (-0.0, "0"), (float("inf"), "∞"), (float("nan"), "nan")])
def test_fmt_number(x, s):
    assert fmt_number(x) == s


def test_current_without_edges(lecture_graph):
    L, a, b, e = map(lecture_graph().get, ("L", "a", "b", "e"))
    text = value_graph(L, grads={L: 1.0}, current=L, current_edges=False).to_string()
    assert text.count("penwidth=2.5") == 1  # only L's record
    assert value_graph(L, grads={L: 1.0}, current=L).to_string().count("penwidth=2.5") == 5


def _declared(text):
    """Value-node names in the order the DOT text declares them (first field of each record)."""
    g = _parse(text)
    return [n.get("label").strip('"').split(" | ")[0] for n in g.get_nodes()
            if n.get("shape") == "record"]


def test_nodes_are_declared_in_reading_order(lecture_graph):
    # Graphviz stacks a rank's nodes top to bottom in declaration order: the inputs must come as
    # typed (a, b, c, f), not in the engine's topological order (f, c, b, a: drawn upside down)
    L, a, b, e = map(lecture_graph().get, ("L", "a", "b", "e"))
    text = value_graph(L).to_string()
    assert _declared(text) == ["a", "b", "e", "c", "d", "f", "L"]
    assert _parse(text).get("ordering") == "in"  # each op keeps its operands in order (a above b)
    x1, x2, w1, w2 = (Value(v, label=k) for k, v in (("x1", 2.0), ("x2", 0.0), ("w1", -3.0), ("w2", 1.0)))
    n = x1 * w1 + x2 * w2
    n.label = "n"
    leaves = [s for s in _declared(value_graph(n).to_string()) if s in {"x1", "x2", "w1", "w2"}]
    assert leaves == ["x1", "w1", "x2", "w2"]  # as in x1·w1 + x2·w2


def test_node_ids_follow_reading_order_and_survive_deep_graphs(lecture_graph):
    L, a, b, e = map(lecture_graph().get, ("L", "a", "b", "e"))
    ids = node_ids(L)
    assert ids[a] == "v0" and ids[b] == "v1" and ids[L] == "v6"
    x = Value(1.0, label="x")
    y = x
    for _ in range(20_000):  # iterative: no RecursionError
        y = y + 1.0
    ids = node_ids(y)
    assert ids[x] == "v0" and len(ids) == 40_001


def _attrs(g, name):
    return {k: str(v).strip('"') for k, v in g.get_node(name)[0].get_attributes().items()}


@pytest.mark.parametrize("pal", [LIGHT, DARK], ids=["light", "dark"])
def test_every_colour_comes_from_the_palette(lecture_graph, pal):
    # nothing may fall back to Graphviz's default black (text, lines) or no fill: on Streamlit's dark
    # page that is black on #171614, unreadable. Every box is filled and names its text colour.
    L, a, b, e = map(lecture_graph().get, ("L", "a", "b", "e"))
    d = L.children[0]
    text = value_graph(L, grads={L: 1.0, d: -2.0, e: -2.0}, current=d, status={L: "done", e: "partial"},
                       edge_labels={(d, 0): "1 × −2 = −2"}, palette=pal).to_string()
    g = _parse(text)
    ids = node_ids(L)
    assert g.get("bgcolor") == "transparent"
    node_defaults = {k: v.strip('"') for k, v in g.get_node_defaults()[0].items()}
    assert node_defaults["style"] == "filled" and node_defaults["fillcolor"] == pal.node_fill
    assert node_defaults["fontcolor"] == pal.text and node_defaults["color"] == pal.node_border
    edge_defaults = {k: v.strip('"') for k, v in g.get_edge_defaults()[0].items()}
    assert edge_defaults["color"] == pal.edge and edge_defaults["fontcolor"] == pal.edge_text
    assert _attrs(g, ids[L])["fillcolor"] == pal.done
    assert _attrs(g, ids[e]).items() >= {"fillcolor": pal.partial, "style": "filled,dashed"}.items()
    cur = _attrs(g, ids[d])
    assert (cur["fillcolor"], cur["fontcolor"], cur["color"]) == (pal.current, pal.current_text, pal.hot)
    assert _attrs(g, ids[e] + "_op")["fillcolor"] == pal.op_fill
    hot = [x for x in g.get_edges() if x.get_destination() == ids[d] + "_op"]
    assert {x.get("fontcolor").strip('"') for x in hot} == {pal.hot}
    # every colour in the text is one of the palette's
    used = set(re.findall(r"#[0-9a-fA-F]{6}", text))
    assert used <= set(vars(pal).values()), used - set(vars(pal).values())


def test_palette_for_theme_type():
    assert palette_for("dark") is DARK
    assert palette_for("light") is LIGHT and palette_for(None) is LIGHT  # unknown (AppTest): light
