"""Benchmark: one demo training step on the scalar Value engine, the Tensor engine and PyTorch.

    python benchmarks/engines.py              # default: 30 rounds
    python benchmarks/engines.py --rounds 60  # longer, steadier medians

What is timed: one full-batch training step of the original demo (100 moons, noise 0.1,
MLP(2, [16, 16, 1]) with ReLU, hinge loss + 1e-4 L2): forward pass, backward pass, SGD
update, with the step functions of `micrograd.lessons.vs_pytorch` (the code the "micrograd vs
PyTorch" page shows). All engines start from the same weights and run side by side in one
process, interleaved round by round (each round: 1 scalar step, then 20 steps of each
other variant), so machine noise hits them alike. Reported: median ms per step and ratios.

The like-for-like pair is "Tensor primitive ops" against "torch raw": the same step written
with the same primitive ops on both (matmul, add, relu, the hinge as relu(1 - y s).mean(),
the L2 term as a sum of (p * p).sum(); no fused loss), from the same weights; the script checks
that their first losses agree.

PyTorch (float64, CPU) is optional; without it the script says so and times the rest.
Variants:
  - torch nn+optim: nn.Sequential of nn.Linear + optim.SGD, as a PyTorch user writes it;
  - torch raw: plain tensors W, b with requires_grad and a manual update (fewest torch ops);
  each with torch's default number of CPU threads, and with torch.set_num_threads(1).
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

from micrograd.demo import ALPHA
from micrograd.lessons.vs_pytorch import DemoSetup, torch_or_none
from micrograd.tensor import Tensor

ROOT = Path(__file__).resolve().parents[1]


def raw_torch_step(torch, params, X, y, lr):
    """The demo step on plain torch tensors: [W1, b1, W2, b2, W3, b3], W of shape (nin, nout)."""
    h = X
    for i in range(0, len(params) - 2, 2):
        h = torch.relu(h @ params[i] + params[i + 1])
    scores = (h @ params[-2] + params[-1]).reshape(-1)
    loss = torch.relu(1 - y * scores).mean() + ALPHA * sum((p * p).sum() for p in params)
    for p in params:
        p.grad = None
    loss.backward()
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
    return loss.item()


def raw_tensor_step(params, X, y, lr):
    """`raw_torch_step` on the Tensor engine, op for op: [W1, b1, ...] Tensors, X and y Tensors."""
    h = X
    for i in range(0, len(params) - 2, 2):
        h = (h @ params[i] + params[i + 1]).relu()
    scores = (h @ params[-2] + params[-1]).reshape(-1)
    loss = (1 - y * scores).relu().mean() + ALPHA * sum((p * p).sum() for p in params)
    for p in params:
        p.grad = None
    loss.backward()
    for p in params:
        p.data -= lr * p.grad
    return loss.item()


def main(argv=None):
    """Run the benchmark and print one line per engine, then the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="interleaved rounds (default 30)")
    parser.add_argument("--inner", type=int, default=20, help="fast-engine steps per round (default 20)")
    args = parser.parse_args(argv)

    lr = 0.01  # a small step: the weights stay in the same regime for the whole run
    setup = DemoSetup(lr=lr)
    torch = torch_or_none()
    prim = [Tensor(p.data) for p in setup.net.parameters()]
    X_prim, y_prim = Tensor(setup.X_tensor.data), Tensor(setup.y_array)
    variants = {
        "scalar Value": lambda: setup.run("scalar"),
        "Tensor": lambda: setup.run("tensor"),
        "Tensor primitive ops": lambda: raw_tensor_step(prim, X_prim, y_prim, lr),
    }
    default_threads = None
    if torch is not None:
        default_threads = torch.get_num_threads()
        raw = [torch.tensor(p.data.copy(), requires_grad=True) for p in setup.net.parameters()]
        variants["torch nn+optim"] = lambda: setup.run("torch")
        variants["torch raw"] = lambda: raw_torch_step(torch, raw, setup.X_torch, setup.y_torch, lr)
    times = {name: [] for name in variants}
    one_thread = {}
    clock = time.perf_counter

    def timed(fn, n, out):
        for _ in range(n):
            t0 = clock()
            fn()
            out.append(clock() - t0)

    first = {name: fn() for name, fn in variants.items()}  # warm-up, and the same start everywhere
    if torch is not None and abs(first["Tensor primitive ops"] - first["torch raw"]) > 1e-12:
        raise SystemExit(f"the primitive steps disagree: {first['Tensor primitive ops']!r} vs {first['torch raw']!r}")
    for _ in range(args.rounds):
        for name, fn in variants.items():
            timed(fn, 1 if name == "scalar Value" else args.inner, times[name])
        if torch is not None:
            torch.set_num_threads(1)
            for name in ("torch nn+optim", "torch raw"):
                timed(variants[name], args.inner, one_thread.setdefault(name + " (1 thread)", []))
            torch.set_num_threads(default_threads)
    times.update(one_thread)

    med = {name: statistics.median(t) * 1000 for name, t in times.items()}
    print("demo step: 100 moons, MLP(2,[16,16,1]) ReLU, hinge + 1e-4 L2, full batch, forward+backward+SGD")
    print(f"python {sys.version.split()[0]}, rounds={args.rounds}, inner={args.inner}")
    if torch is None:
        print("torch: not installed (pip install torch), PyTorch not measured")
    else:
        print(f"torch {torch.__version__}, float64 CPU, default threads = {default_threads}")
    print(f"{'engine':<28}{'median ms/step':>16}{'steps timed':>13}")
    for name, ms in med.items():
        print(f"{name:<28}{ms:>16.4f}{len(times[name]):>13}")
    t = med["Tensor"]
    print(f"ratio scalar Value / Tensor: {med['scalar Value'] / t:8.1f}x   (target >= 100x)")
    for name in med:
        if name.startswith("torch"):
            print(f"ratio {name} / Tensor: {med[name] / t:.2f}x")
    if torch is not None:
        p = med["Tensor primitive ops"]
        for name in ("torch raw", "torch raw (1 thread)"):
            print(f"ratio {name} / Tensor primitive ops (same ops and weights): {med[name] / p:.2f}x  (target >= 2x)")


if __name__ == "__main__":
    main()
