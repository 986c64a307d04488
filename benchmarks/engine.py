"""Benchmark of the scalar engine on the original micrograd demo step. Prints figures.

    python benchmarks/engine.py                   # our engine
    python benchmarks/engine.py --original DIR    # also the original micrograd, for comparison
                                                  # (DIR holds its micrograd/ package)

What is timed: one full-batch training step of the original demo (100 moons, noise 0.1,
MLP(2, [16, 16, 1]) with ReLU, hinge loss + 1e-4 L2): forward pass, backward pass, SGD
update, in a plain loop like the demo's, under Python's default garbage-collector settings
(nothing here touches `gc`). Each variant runs in a fresh interpreter, so one's garbage
does not slow another. Variants:
  - ours: micrograd.nn.MLP as shipped (a neuron's b + sum(w*x) is one fused node);
  - ours, op by op: the same model and data, the neuron built from one `*` and one `+` node
    per weight, the graph the original builds;
  - original (with --original): karpathy/micrograd's engine and nn, as published.
Also: the time to backward a chain of 1,000,000 additions, and how many objects each op
leaves tracked by Python's cycle collector (`gc.get_objects()`, counted with the collector
off). The collector's passes cost time per tracked object, so these counts explain the op-by-op
figure; they are CPython internals, printed here rather than pinned by a test.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _rss_mb():
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _measure(steps, make_model, forward, Value):
    """Run `steps` demo steps; return medians (ms) and nodes per step."""
    import random

    import numpy as np
    from sklearn.datasets import make_moons  # as the demo

    np.random.seed(1337)
    random.seed(1337)
    X, y = make_moons(n_samples=100, noise=0.1)
    y = y * 2 - 1
    model = make_model()
    Xl, yl = X.tolist(), y.tolist()
    fwd, bwd, upd, nodes = [], [], [], 0
    for k in range(steps):
        t0 = time.perf_counter()
        scores = [forward(model, x) for x in Xl]
        losses = [(1 + -yi * si).relu() for yi, si in zip(yl, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum(p * p for p in model.parameters())
        total = data_loss + reg_loss
        t1 = time.perf_counter()
        model.zero_grad()
        total.backward()
        t2 = time.perf_counter()
        lr = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= lr * p.grad
        t3 = time.perf_counter()
        fwd.append(t1 - t0)
        bwd.append(t2 - t1)
        upd.append(t3 - t2)
        if k == 0:
            nodes = _count_nodes(total)
        del total, data_loss, reg_loss, losses, scores
    med = lambda xs: statistics.median(xs) * 1000  # noqa: E731
    step = [a + b + c for a, b, c in zip(fwd, bwd, upd)]
    return {"step_ms": med(step), "forward_ms": med(fwd), "backward_ms": med(bwd),
            "update_ms": med(upd), "nodes": nodes, "peak_rss_mb": _rss_mb()}


def _count_nodes(root):
    seen, stack = set(), [root]
    while stack:
        v = stack.pop()
        if v not in seen:
            seen.add(v)
            stack.extend(getattr(v, "children", None) or v._prev)
    return len(seen)


def _op_by_op(model, x):
    """Our MLP's forward, built one `*` and one `+` node per weight, as the original does."""
    from micrograd.engine import Value

    x = [Value(xi) for xi in x]
    for layer in model.layers:
        out = []
        for n in layer.neurons:
            act = n.b
            for wi, xi in zip(n.w, x):
                act = act + wi * xi
            out.append(act.relu() if n.nonlin else act)
        x = out
    return x[0]


GC_OPS = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "/": lambda a, b: a / b,
    "**2": lambda a, b: a**2, "**Value": lambda a, b: a**b, "neg": lambda a, b: -a,
    "relu": lambda a, b: a.relu(), "tanh": lambda a, b: a.tanh(), "exp": lambda a, b: a.exp(),
    "log": lambda a, b: a.log(), "sigmoid": lambda a, b: a.sigmoid(),
}


def gc_tracked_per_call(fn, calls=2000):
    """Objects tracked by the cycle collector that each call of fn() leaves alive (collector off)."""
    import gc

    keep = [None] * calls
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        before = len(gc.get_objects())
        for i in range(calls):
            keep[i] = fn()
        return (len(gc.get_objects()) - before) / calls
    finally:
        if was_enabled:
            gc.enable()


def gc_counts(Value):
    """Tracked objects per node for each op, and for a 16-input neuron fused vs op by op."""
    a, b = Value(1.5), Value(0.5)
    counts = {name: gc_tracked_per_call(lambda op=op: op(a, b)) for name, op in GC_OPS.items()}
    ws, xs, bias = [Value(0.1 * i) for i in range(16)], [Value(1.0 - 0.05 * i) for i in range(16)], Value(0.0)

    def op_by_op():
        act = bias
        for w, x in zip(ws, xs):
            act = act + w * x
        return act

    counts["weighted_sum(16)"] = gc_tracked_per_call(lambda: Value.weighted_sum(ws, xs, bias), 500)
    counts["16 * and 16 +"] = gc_tracked_per_call(op_by_op, 500)
    return counts


def run_variant(name, steps):
    """Measure one variant in this interpreter and return its figures as a dict."""
    if name == "original":
        from micrograd.engine import Value
        from micrograd.nn import MLP

        return _measure(steps, lambda: MLP(2, [16, 16, 1]), lambda m, x: m(x), Value)
    from micrograd.engine import Value
    from micrograd.nn import MLP

    make = lambda: MLP(2, [16, 16, 1])  # noqa: E731  (global random, seeded as the demo)
    forward = (lambda m, x: m(x)) if name == "ours" else _op_by_op
    figures = _measure(steps, make, forward, Value)
    if name == "ours":
        x = Value(1.0)
        y = x
        for _ in range(1_000_000):
            y = y + x
        t0 = time.perf_counter()
        y.backward()
        figures["chain_backward_s"] = time.perf_counter() - t0
        figures["chain_grad_ok"] = x.grad == 1_000_001.0
        del x, y
        figures["gc_tracked"] = gc_counts(Value)
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=30, help="demo steps per variant (default 30)")
    parser.add_argument("--original", metavar="DIR", help="folder holding the original micrograd/ package")
    parser.add_argument("--variant", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:  # child process: measure and print JSON
        print(json.dumps(run_variant(args.variant, args.steps)))
        return
    variants = [("ours", None), ("op-by-op", None)]
    if args.original:
        variants.append(("original", args.original))
    print(f"demo step: 100 moons, MLP(2, [16, 16, 1]) ReLU, hinge + 1e-4 L2, default gc, "
          f"median of {args.steps} steps (python {sys.version.split()[0]})")
    print(f"{'engine':<12}{'step ms':>9}{'forward':>9}{'backward':>10}{'update':>8}"
          f"{'nodes/step':>12}{'peak RSS MB':>13}")
    results = {}
    for name, path in variants:
        env = dict(os.environ)
        if path:
            env["PYTHONPATH"] = path
        steps = args.steps if name != "original" else max(3, args.steps // 6)
        out = subprocess.run([sys.executable, __file__, "--variant", name, "--steps", str(steps)],
                             capture_output=True, text=True, env=env, cwd="/" if path else ROOT, check=True)
        r = results[name] = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{name:<12}{r['step_ms']:>9.1f}{r['forward_ms']:>9.1f}{r['backward_ms']:>10.1f}"
              f"{r['update_ms']:>8.2f}{r['nodes']:>12,}{r['peak_rss_mb']:>13.0f}")
    if "original" in results:
        ratio = results["original"]["step_ms"] / results["ours"]["step_ms"]
        print(f"speed-up over the original: {ratio:.0f}x")
    ours = results["ours"]
    print(f"backward of a 1,000,000-addition chain: {ours['chain_backward_s']:.2f} s "
          f"(gradient correct: {ours['chain_grad_ok']})")
    print("objects tracked by the cycle collector per call: "
          + ", ".join(f"{op} {n:g}" for op, n in ours["gc_tracked"].items()))


if __name__ == "__main__":
    main()
