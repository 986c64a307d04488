"""The measured side of "micrograd vs PyTorch": speed, graph sizes, code sizes, the table, the chart.

Every number is measured here and now on the engines of `micrograd.lessons.vs_pytorch` (the
same step functions the page shows), and `comparison_table` fills them into the
micrograd-vs-PyTorch comparison table. torch is optional: without it every PyTorch figure is left out.
No streamlit here.
"""

import math
import statistics
import time
from pathlib import Path

from micrograd.demo import ALPHA
from micrograd.lessons import vs_pytorch
from micrograd.losses import hinge_loss as scalar_hinge_loss
from micrograd.losses import l2_penalty as scalar_l2_penalty
from micrograd.tensor import hinge_loss, l2_penalty

__all__ = ["ROOT", "median_ms", "graph_nodes", "measure_speed", "count_lines", "torch_install_size",
           "comparison_table", "speed_figure"]

#: the repository root (the code sizes are counted from its files)
ROOT = Path(__file__).resolve().parents[2]


def median_ms(fn, steps, warmup=1):
    """Median wall-clock time of fn() in milliseconds over `steps` calls, after `warmup` calls.

    Raises:
        ValueError: if steps < 1.
    """
    if steps < 1:
        raise ValueError(f"steps must be >= 1, got {steps!r}")
    for _ in range(warmup):
        fn()
    times = []
    clock = time.perf_counter
    for _ in range(steps):
        t0 = clock()
        fn()
        times.append(clock() - t0)
    return statistics.median(times) * 1000.0


def _count_graph_nodes_torch(loss):
    """The number of autograd nodes (grad_fn objects and leaf accumulators) under a torch loss."""
    seen = set()
    stack = [loss.grad_fn]
    while stack:
        f = stack.pop()
        if f is None or f in seen:
            continue
        seen.add(f)
        stack.extend(nf for nf, _ in f.next_functions)
    return len(seen)


def graph_nodes(seed=1337):
    """Nodes in one demo step's graph on each available engine: {engine: int}.

    Scalar: Values (every multiply and add of every neuron, for every example); Tensor:
    Tensor nodes; PyTorch: grad_fn nodes plus one AccumulateGrad per parameter.
    """
    setup = vs_pytorch.DemoSetup(seed=seed)
    scores = [setup.scalar_model(x) for x in setup.X_list]
    loss = scalar_hinge_loss(scores, setup.y_list) + scalar_l2_penalty(setup.scalar_model.parameters(), ALPHA)
    out = {"scalar": len(loss.topo_order())}
    tl = hinge_loss(setup.net(setup.X_tensor), setup.y_array) + l2_penalty(setup.net.parameters(), ALPHA)
    out["tensor"] = len(tl.topo_order())
    if setup.has_torch:
        import torch

        scores = setup.torch_model(setup.X_torch).reshape(-1)
        params = setup.torch_model.parameters()
        tloss = torch.relu(1 - setup.y_torch * scores).mean() + ALPHA * sum((p * p).sum() for p in params)
        out["torch"] = _count_graph_nodes_torch(tloss)
    return out


def measure_speed(scalar_steps=3, fast_steps=50, seed=1337):
    """Median ms per demo training step on each available engine, measured now.

    Args:
        scalar_steps: timed steps for the scalar engine (each ~0.1 s).
        fast_steps: timed steps for the Tensor engine and PyTorch.

    Returns:
        dict {engine: median ms per step} (torch only when installed), plus 'torch_threads'
        (int or None), the number of CPU threads torch used.
    """
    setup = vs_pytorch.DemoSetup(seed=seed)
    out = {
        "scalar": median_ms(lambda: setup.run("scalar"), scalar_steps),
        "tensor": median_ms(lambda: setup.run("tensor"), fast_steps, warmup=5),
    }
    if setup.has_torch:
        out["torch"] = median_ms(lambda: setup.run("torch"), fast_steps, warmup=5)
        out["torch_threads"] = vs_pytorch.torch_or_none().get_num_threads()
    else:
        out["torch_threads"] = None
    return out


def count_lines(path, code_only=False):
    """Lines in a source file; with code_only, not counting blank lines, comments and docstrings.

    Args:
        path: a file path (str or Path).

    Raises:
        OSError: if the file cannot be read.
    """
    text = Path(path).read_text(encoding="utf-8")
    if not code_only:
        return len(text.splitlines())
    import ast
    import io
    import tokenize

    doc_lines = set()
    for node in ast.walk(ast.parse(text)):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            doc_lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    code_lines = set()
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                            tokenize.DEDENT, tokenize.ENDMARKER):
            code_lines.update(range(tok.start[0], tok.end[0] + 1))
    return len(code_lines - doc_lines)


def torch_install_size():
    """The installed torch package: {'files': int, 'mb': float, 'version': str}, or None without torch.

    Walks the package directory (Python sources plus the compiled C++/CUDA libraries).
    """
    torch = vs_pytorch.torch_or_none()
    if torch is None:
        return None
    root = Path(torch.__file__).parent
    files = 0
    size = 0
    for p in root.rglob("*"):
        if p.is_file():
            files += 1
            size += p.stat().st_size
    return {"files": files, "mb": size / 1e6, "version": torch.__version__}


def _tensor_sources():
    """(the name shown, the source files) of the Tensor engine: the module tensor.py, or the
    package tensor/ and every .py file in it."""
    module = ROOT / "micrograd" / "tensor.py"
    if module.exists():
        return "tensor.py", [module]
    return "tensor/", sorted((ROOT / "micrograd" / "tensor").glob("*.py"))


def _fmt_ms(ms):
    if ms is None or not math.isfinite(ms):
        return "n/a"
    return f"{ms:.3g} ms" if ms < 10 else f"{ms:.0f} ms"


def comparison_table(speed, nodes, torch_size=None, cuda=None):
    """The micrograd-vs-PyTorch comparison table with our measured numbers filled in.

    Args:
        speed: `measure_speed()`'s dict; nodes: `graph_nodes()`'s dict.
        torch_size: `torch_install_size()`'s dict or None; cuda: whether torch sees a GPU
            here (None: torch not installed).

    Returns:
        a list of dicts with keys 'Feature', 'micrograd Value', 'micrograd Tensor', 'PyTorch';
        measured entries say so. Without torch (no 'torch' in `speed`) there is no 'PyTorch'
        key: nothing of PyTorch's was measured, so the page shows no PyTorch column.
    """
    has_torch = "torch" in speed
    eng_lines = count_lines(ROOT / "micrograd" / "engine.py")
    eng_code = count_lines(ROOT / "micrograd" / "engine.py", code_only=True)
    ten_name, ten_files = _tensor_sources()
    ten_lines = sum(count_lines(f) for f in ten_files)
    ten_code = sum(count_lines(f, code_only=True) for f in ten_files)
    s, t = speed["scalar"], speed["tensor"]
    p = speed.get("torch")
    rel = (lambda ms: f"{s / ms:,.0f}x faster than Value") if s else (lambda ms: "")
    if torch_size is not None:
        torch_code = (f"massive: {torch_size['files']:,} installed files, {torch_size['mb']:,.0f} MB "
                      f"(torch {torch_size['version']}, mostly compiled C++)")
    else:
        torch_code = "massive (millions of lines of C++/CUDA and Python)"
    if cuda is None:
        gpu = "yes (CUDA, MPS); torch not installed here"
    else:
        gpu = f"yes (CUDA, MPS); {'a GPU is' if cuda else 'no GPU is'} available on this machine"
    rows = [
        {"Feature": "Primary use", "micrograd Value": "learning & teaching",
         "micrograd Tensor": "learning why frameworks use tensors", "PyTorch": "real training"},
        {"Feature": "Data type", "micrograd Value": "one Python float per node",
         "micrograd Tensor": "float64 numpy arrays", "PyTorch": "tensors (float32 by default; float64 here)"},
        {"Feature": "Speed, demo step (measured)", "micrograd Value": f"slow: {_fmt_ms(s)}",
         "micrograd Tensor": f"{_fmt_ms(t)} ({rel(t)})",
         "PyTorch": f"{_fmt_ms(p)} ({rel(p)})" if has_torch else ""},
        {"Feature": "Graph nodes per demo step (measured)", "micrograd Value": f"{nodes['scalar']:,}",
         "micrograd Tensor": f"{nodes['tensor']:,}",
         "PyTorch": f"{nodes['torch']:,}" if "torch" in nodes else ""},
        {"Feature": "Backward pass", "micrograd Value": "a Python loop over every scalar node",
         "micrograd Tensor": "a Python loop over a few dozen array nodes",
         "PyTorch": "the C++ autograd engine"},
        {"Feature": "Uses GPU", "micrograd Value": "no", "micrograd Tensor": "no", "PyTorch": gpu},
        {"Feature": "Code size (measured)",
         "micrograd Value": f"engine.py: {eng_lines} lines ({eng_code} of code)",
         "micrograd Tensor": f"{ten_name}: {ten_lines} lines ({ten_code} of code)",
         "PyTorch": torch_code if has_torch or torch_size else "massive"},
        {"Feature": "Transparency", "micrograd Value": "every node can be printed and drawn",
         "micrograd Tensor": "every op is ~5 lines of numpy you can read",
         "PyTorch": "hidden operations (grad_fn objects backed by C++)"},
        {"Feature": "Suitable for", "micrograd Value": "students", "micrograd Tensor": "students",
         "PyTorch": "researchers / industry"},
    ]
    if not has_torch:
        for row in rows:
            del row["PyTorch"]
    return rows



def speed_figure(speed):
    """A plotly bar chart of ms per demo step per engine, on a log axis.

    Args:
        speed: `measure_speed()`'s dict.

    Returns:
        plotly.graph_objects.Figure with one horizontal bar per engine that was measured.
    """
    import plotly.graph_objects as go

    keys = [k for k in vs_pytorch.ENGINE_NAMES if k in speed]
    fig = go.Figure(go.Bar(
        x=[speed[k] for k in keys], y=[vs_pytorch.ENGINE_NAMES[k] for k in keys], orientation="h",
        text=[_fmt_ms(speed[k]) for k in keys], textposition="auto",
        marker_color=["#9e9e9e", "#1f77b4", "#ee4c2c"][: len(keys)],
    ))
    fig.update_layout(
        xaxis={"type": "log", "title": "ms per training step (log scale, lower is faster)"},
        yaxis={"autorange": "reversed"}, height=240, margin={"l": 10, "r": 10, "t": 30, "b": 40},
        title="One full-batch step of the demo (100 moons, MLP 2-16-16-1)",
    )
    return fig
