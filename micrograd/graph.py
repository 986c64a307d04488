"""Draw a `Value` graph as a `pydot.Dot`: value nodes as records, op nodes as small ovals.

The layout follows Karpathy's micrograd ``draw_dot`` (trace_graph.ipynb): left to right
(``rankdir=LR``), one record per value showing ``label | data | grad`` (stacked, or side by
side like the original with ``stacked=False``), and for every value
made by an op, an extra op node (``+``, ``*``, ``tanh`` ...) with edges
``child -> op -> result``. A node used twice by the same op (``a + a``) gets two edges.

Extras for teaching the backward pass step by step: a highlighted current node and the
edges it sends gradient along, edge labels (e.g. ``"local × upstream = contribution"``),
per-node fill colours, and hiding the grad of nodes the backward pass has not reached.

Only the DOT text is produced (``value_graph(...).to_string()``); Streamlit renders it in
the browser (``st.graphviz_chart``), so no Graphviz binary is needed.
"""

import math

import pydot

__all__ = ["value_graph", "fmt_number", "node_ids", "HIGHLIGHT", "DONE", "PARTIAL", "DISPLAY_HEIGHT"]

HIGHLIGHT = "#ffa94d"  # the current node and the edges it sends gradient along (orange)
DONE = "#d3f9d8"  # a node whose gradient is complete (light green)
PARTIAL = "#fff3bf"  # a node that has received some, not yet all, of its gradient (light yellow)
_EDGE_HIGHLIGHT = "#d9480f"

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
    fills=None,
    digits=4,
    title=None,
    stacked=True,
    current_edges=True,
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
            orange and bold.
        edge_labels: optional dict {(parent Value, operand position 0 or 1): str}, the label
            of the edge from ``parent.children[pos]`` into the parent's op node.
        fills: optional dict {Value: colour} of fill colours for value records (the current
            node is always orange).
        digits: significant digits for data and grad.
        title: optional graph caption (drawn under the graph).
        current_edges: if False, only the current node's record is highlighted, not its op
            node and edges (e.g. when its gradient is seeded but not yet sent on).
        stacked: True (default) stacks label, data and grad vertically in each record, which
            keeps a left-to-right graph narrow enough to read on a screen; False draws them
            side by side, as the original micrograd's ``draw_dot`` does.

    Returns:
        a `pydot.Dot` (directed, left to right). Call ``.to_string()`` for the DOT text.
        Ids: value nodes 'v<i>' and op nodes 'v<i>_op', i the index in reading order
        (`node_ids`); nodes are declared in that order.
    """
    names = names or {}
    fills = fills or {}
    edge_labels = edge_labels or {}
    ids = node_ids(root)
    # ordering=in keeps each op's inputs in operand order (a above b in a·b); with the nodes
    # declared in reading order (see node_ids) the inputs read top to bottom as typed
    dot = pydot.Dot(graph_type="digraph", rankdir="LR", bgcolor="transparent", nodesep=NODESEP,
                    ranksep=RANKSEP, ordering="in")
    if title:
        dot.set("label", title)
        dot.set("labelloc", "b")
    dot.set_node_defaults(fontname="Helvetica", fontsize=str(FONTSIZE))
    dot.set_edge_defaults(fontname="Helvetica", fontsize=str(EDGE_FONTSIZE), color="#868e96")

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
             _record_escape(grad_text)]
        )
        # with rankdir=LR, a record's top-level fields stack vertically; braces flip them
        label = fields if stacked else "{ " + fields + " }"
        attrs = {"label": label, "shape": "record", "margin": "0.05,0.03"}
        fill = HIGHLIGHT if v is current else fills.get(v)
        if fill:
            attrs.update(style="filled", fillcolor=fill)
        if v is current:
            attrs.update(penwidth="2.5", color=_EDGE_HIGHLIGHT)
        dot.add_node(pydot.Node(vid, **attrs))

        if v.children:
            op_id = vid + "_op"
            # width/height 0: the ellipse hugs its label instead of Graphviz's 0.75 x 0.5 inch minimum
            op_attrs = {"label": v.op, "shape": "ellipse", "margin": "0.05,0.02", "width": "0",
                        "height": "0"}
            hot = v is current and current_edges
            if hot:
                op_attrs.update(style="filled", fillcolor=HIGHLIGHT, color=_EDGE_HIGHLIGHT, penwidth="2.5")
            dot.add_node(pydot.Node(op_id, **op_attrs))
            out_attrs = {}
            if hot:
                out_attrs = {"color": _EDGE_HIGHLIGHT, "penwidth": "2.5"}
            dot.add_edge(pydot.Edge(op_id, vid, **out_attrs))
            for pos, child in enumerate(v.children):
                e_attrs = {}
                text = edge_labels.get((v, pos))
                if text:
                    e_attrs["label"] = text
                if hot:
                    e_attrs.update(color=_EDGE_HIGHLIGHT, penwidth="2.5", fontcolor=_EDGE_HIGHLIGHT)
                dot.add_edge(pydot.Edge(ids[child], op_id, **e_attrs))
    return dot
