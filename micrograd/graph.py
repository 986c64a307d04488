"""Draw a `Value` graph as a `pydot.Dot`: value nodes as records, op nodes as small ovals.

The layout follows Karpathy's micrograd ``draw_dot`` (trace_graph.ipynb): left to right
(``rankdir=LR``), one record per value showing ``label | data | grad`` (stacked, or side by
side like the original with ``stacked=False``), and for every value
made by an op, an extra op node (``+``, ``*``, ``tanh`` ...) with edges
``child -> op -> result``. A node used twice by the same op (``a + a``) gets two edges.

Extras for teaching the backward pass step by step: a highlighted current node and the
edges it sends gradient along, edge labels (e.g. ``"local × upstream = contribution"``),
per-node status fills (done, partial), hiding the grad of nodes the backward pass has not
reached, and a palette for the page's light or dark theme (`LIGHT`, `DARK`, `palette_for`).

Only the DOT text is produced (``value_graph(...).to_string()``); Streamlit renders it in
the browser (``st.graphviz_chart``), so no Graphviz binary is needed.
"""

import math
from dataclasses import dataclass

import pydot

__all__ = ["value_graph", "fmt_number", "node_ids", "GraphPalette", "LIGHT", "DARK", "palette_for",
           "DISPLAY_HEIGHT"]


@dataclass(frozen=True)
class GraphPalette:
    """The colours of a drawn graph, for one page background (Streamlit's light or dark theme).

    The graph's own background is transparent, so it sits on the page: every colour here is
    chosen against ``background`` (WCAG 2.1 contrast, checked in tests/test_theme.py: text
    4.5:1 against the fill it is drawn on, lines and box borders 3:1 against the page). The
    status fills are blue (done), yellow (partial, also drawn with a dashed border) and orange
    (current, with a thick border): a set that stays distinct under protanopia and deuteranopia
    (no red/green pair), like TensorFlow Playground's blue/orange.

    Attributes:
        background: the page background the palette is made for (Streamlit's theme default).
        text: text in value and op boxes.
        node_fill, node_border: a value box not reached yet (or every box, outside the walk).
        op_fill, op_border: the small op ovals.
        edge: the arrows; edge_text: their labels, drawn on the page background.
        done, partial: fills of a box whose gradient is complete / partly accumulated.
        current, current_text: the fill of the node being processed, and its text.
        hot: border, arrows and labels of the node being processed.
    """

    name: str
    background: str
    text: str
    node_fill: str
    node_border: str
    op_fill: str
    op_border: str
    edge: str
    edge_text: str
    done: str
    partial: str
    current: str
    current_text: str
    hot: str


#: for Streamlit's light theme (page #ffffff)
LIGHT = GraphPalette(
    name="light", background="#ffffff", text="#1e1e1e", node_fill="#ffffff", node_border="#495057",
    op_fill="#f1f3f5", op_border="#868e96", edge="#868e96", edge_text="#343a40",
    done="#b6d4fe", partial="#fff3bf", current="#ffa94d", current_text="#1e1e1e", hot="#c2410c",
)
#: for Streamlit's dark theme (page #171614): dark boxes with light text, the same hues
DARK = GraphPalette(
    name="dark", background="#171614", text="#edebe8", node_fill="#2d2b27", node_border="#a6a19a",
    op_fill="#3a3835", op_border="#8a857d", edge="#8a857d", edge_text="#e0ddd8",
    done="#1e3a5f", partial="#6b5500", current="#f08c00", current_text="#1e1e1e", hot="#ff922b",
)


def palette_for(theme_type):
    """The palette for a Streamlit theme type: `DARK` for ``"dark"``, else `LIGHT`.

    Args:
        theme_type: ``st.context.theme.type`` ("light", "dark", or None when unknown, e.g. in AppTest).
    """
    return DARK if theme_type == "dark" else LIGHT


# Sizes for st.graphviz_chart. Streamlit's CSS draws every text of the chart at 9.6 px in the
# drawing's own units, whatever the DOT fontsize, then scales the drawing to the page width. So the
# text on screen is 9.6 x (page width / drawing width): the DOT fontsize only sizes the boxes, and
# is set to the size really drawn (10) so no box is wider than its text; spacing and op ovals are
# kept small. Measured in Chromium: the neuron at step 3 draws its text at ~15 px at 1366 x 768
# and ~19 px at 1920 x 1080 (it was ~6 px at 1366 beside the table).
FONTSIZE = 10
EDGE_FONTSIZE = 10
NODESEP = "0.12"
RANKSEP = "0.15"
DISPLAY_HEIGHT = 460  # px: the pages' st.graphviz_chart height, so a small graph cannot grow taller than the screen

_RECORD_SPECIALS = str.maketrans({c: "\\" + c for c in "\\{}|<>\""})


def fmt_number(x, digits=4):
    """Format a float for display: 6.0 -> '6', -1.4999999999 -> '-1.5', 0.70710678 -> '0.7071'.

    Args:
        x: a float (inf and nan allowed).
        digits: significant digits kept (default 4).

    Returns:
        a short string with a Unicode minus sign ('−', U+2212) for negative numbers,
        as typeset in textbooks; '∞', '−∞' and 'nan' for non-finite values.
    """
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    s = f"{x:.{digits}g}"
    if s in ("-0", "0"):
        s = "0"
    return s.replace("-", "−")


def _record_escape(text):
    """Escape the characters that have a meaning inside a DOT record label."""
    return str(text).translate(_RECORD_SPECIALS)


def node_ids(root):
    """Map every node under `root` to a stable DOT id: 'v0', 'v1', ... in reading order.

    Reading order is a depth-first post-order that visits each node's operands left to
    right, so for L = (a·b + c)·f it is a, b, e, c, d, f, L: the inputs come in the order
    they appear in the expression, children always before parents. (``root.topo_order()``,
    the engine's order, visits the last operand first.) The graph declares its nodes in this
    order, which is the order Graphviz stacks them top to bottom.

    Args:
        root: the output `Value`.

    Returns:
        dict {Value: str}; the same expression always gives the same ids.
    """
    order, seen = [], set()
    stack = [(root, False)]
    while stack:  # iterative: a graph of any depth works
        v, expanded = stack.pop()
        if expanded:
            order.append(v)
            continue
        if v in seen:
            continue
        seen.add(v)
        stack.append((v, True))
        stack.extend((c, False) for c in reversed(v.children) if c not in seen)
    return {v: f"v{i}" for i, v in enumerate(order)}


def value_graph(
    root,
    *,
    names=None,
    grads=None,
    current=None,
    edge_labels=None,
    status=None,
    digits=4,
    title=None,
    stacked=True,
    current_edges=True,
    palette=LIGHT,
    extra=None,
):
    """Build the DOT graph of every node under `root`.

    Args:
        root: the output `Value`.
        names: optional dict {Value: str} of display names; default each node's ``label``
            (an unlabelled constant leaf shows its number, an unlabelled op result shows
            nothing).
        grads: optional dict {Value: float}; when given, only these nodes show a grad and
            every other node shows ``grad ?`` (not reached by the backward pass yet). When
            None, every node shows its ``.grad``.
        current: optional `Value` to highlight: its record, its op node and the edges from
            its children into that op node (the edges it sends gradient along) are drawn in
            the palette's orange, bold.
        edge_labels: optional dict {(parent Value, operand position 0 or 1): str}, the label
            of the edge from ``parent.children[pos]`` into the parent's op node.
        status: optional dict {Value: "done" | "partial"}: a done record is filled with
            ``palette.done`` (blue), a partial one with ``palette.partial`` (yellow) and a dashed
            border; the current node is always ``palette.current`` (orange).
        digits: significant digits for data and grad.
        title: optional graph caption (drawn under the graph).
        current_edges: if False, only the current node's record is highlighted, not its op
            node and edges (e.g. when its gradient is seeded but not yet sent on).
        stacked: True (default) stacks label, data and grad vertically in each record, which
            keeps a left-to-right graph narrow enough to read on a screen; False draws them
            side by side, as the original micrograd's ``draw_dot`` does.
        palette: a `GraphPalette` (default `LIGHT`; `palette_for` picks one for the page's theme).
        extra: optional dict {Value: [str, ...]}: more fields drawn under the grad in that
            node's record (the backprop microscope's folded neuron shows its pre-activation there).

    Returns:
        a `pydot.Dot` (directed, left to right). Call ``.to_string()`` for the DOT text.
        Ids: value nodes 'v<i>' and op nodes 'v<i>_op', i the index in reading order
        (`node_ids`); nodes are declared in that order.
    """
    names = names or {}
    status = status or {}
    pal = palette
    edge_labels = edge_labels or {}
    ids = node_ids(root)
    # ordering=in keeps each op's inputs in operand order (a above b in a·b); with the nodes
    # declared in reading order (see node_ids) the inputs read top to bottom as typed
    dot = pydot.Dot(graph_type="digraph", rankdir="LR", bgcolor="transparent", nodesep=NODESEP,
                    ranksep=RANKSEP, ordering="in")
    if title:
        dot.set("label", title)
        dot.set("labelloc", "b")
        dot.set("fontcolor", pal.edge_text)
    # every box is filled and names its text colour: nothing falls back to Graphviz's black, which a
    # dark page would swallow
    dot.set_node_defaults(fontname="Helvetica", fontsize=str(FONTSIZE), style="filled", fillcolor=pal.node_fill,
                          color=pal.node_border, fontcolor=pal.text)
    dot.set_edge_defaults(fontname="Helvetica", fontsize=str(EDGE_FONTSIZE), color=pal.edge,
                          fontcolor=pal.edge_text)

    for v, vid in ids.items():
        name = names.get(v, v.label)
        if not name and not v.children:
            name = fmt_number(v.data, digits)  # an unlabelled constant, e.g. the 1 in b + 1
        if grads is None:
            grad_text = f"grad {fmt_number(v.grad, digits)}"
        elif v in grads:
            grad_text = f"grad {fmt_number(grads[v], digits)}"
        else:
            grad_text = "grad ?"
        fields = " | ".join(
            [_record_escape(name) or " ", _record_escape(f"data {fmt_number(v.data, digits)}"),
             _record_escape(grad_text), *(_record_escape(t) for t in (extra or {}).get(v, ()))]
        )
        # with rankdir=LR, a record's top-level fields stack vertically; braces flip them
        label = fields if stacked else "{ " + fields + " }"
        attrs = {"label": label, "shape": "record", "margin": "0.05,0.03"}
        if v is current:
            attrs.update(fillcolor=pal.current, fontcolor=pal.current_text, penwidth="2.5", color=pal.hot)
        elif status.get(v) == "done":
            attrs.update(fillcolor=pal.done)
        elif status.get(v) == "partial":
            attrs.update(fillcolor=pal.partial, style="filled,dashed")
        dot.add_node(pydot.Node(vid, **attrs))

        if v.children:
            op_id = vid + "_op"
            # width/height 0: the ellipse hugs its label instead of Graphviz's 0.75 x 0.5 inch minimum
            op_attrs = {"label": v.op, "shape": "ellipse", "margin": "0.05,0.02", "width": "0",
                        "height": "0", "fillcolor": pal.op_fill, "color": pal.op_border}
            hot = v is current and current_edges
            if hot:
                op_attrs.update(fillcolor=pal.current, fontcolor=pal.current_text, color=pal.hot, penwidth="2.5")
            dot.add_node(pydot.Node(op_id, **op_attrs))
            out_attrs = {}
            if hot:
                out_attrs = {"color": pal.hot, "penwidth": "2.5"}
            dot.add_edge(pydot.Edge(op_id, vid, **out_attrs))
            for pos, child in enumerate(v.children):
                e_attrs = {}
                text = edge_labels.get((v, pos))
                if text:
                    e_attrs["label"] = text
                if hot:
                    e_attrs.update(color=pal.hot, penwidth="2.5", fontcolor=pal.hot)
                dot.add_edge(pydot.Edge(ids[child], op_id, **e_attrs))
    return dot
