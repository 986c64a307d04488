"""The original micrograd demo, from the command line: ``python -m micrograd.demo``.

Moons (n=100, noise=0.1), ``MLP(2, [16, 16, 1])`` with ReLU, hinge loss + 1e-4 L2, full
batch, learning rate 1.0 - 0.9 * k / 100, 100 steps: exactly the original's demo.ipynb,
including its seeding (``np.random.seed(1337); random.seed(1337)``), so the same weights
and data come out. It reaches 100% training accuracy. (Past step 100, where the original's
schedule would turn negative, the learning rate stays at 0.1.)
"""

import argparse
import random

from micrograd.data import make_dataset
from micrograd.losses import accuracy, hinge_loss, l2_penalty
from micrograd.nn import MLP

__all__ = ["demo_data", "demo_model", "demo_loss", "run"]

SEED = 1337
ALPHA = 1e-4


def demo_data(seed=SEED):
    """The demo's data: make_moons(n_samples=100, noise=0.1) -> X (100, 2), y (100,) in {-1, +1}."""
    return make_dataset("moons", n=100, noise=0.1, seed=seed)


def demo_model(seed=SEED):
    """The demo's model, MLP(2, [16, 16, 1]) with ReLU, initialized as the original would be
    after ``random.seed(seed)`` (a private generator: global state is left alone)."""
    return MLP(2, [16, 16, 1], rng=random.Random(seed))


def demo_loss(model, X, y, alpha=ALPHA):
    """One full-batch forward pass: (total loss Value, accuracy in [0, 1]).

    total = mean hinge loss + alpha * sum(p^2), as the original demo.
    """
    inputs = X.tolist()
    scores = [model(x) for x in inputs]
    data_loss = hinge_loss(scores, y.tolist())
    total = data_loss + l2_penalty(model.parameters(), alpha)
    return total, accuracy(scores, y.tolist())


def run(steps=100, seed=SEED, log=print):
    """Train the demo model; returns the list of (loss, accuracy) before each update.

    Args:
        steps: number of full-batch SGD steps (the original uses 100).
        seed: seed for both the data and the initial weights.
        log: called with one line of text per step (None for silence).
    """
    X, y = demo_data(seed)
    model = demo_model(seed)
    history = []
    for k in range(steps):
        total, acc = demo_loss(model, X, y)
        model.zero_grad()
        total.backward()
        lr = max(1.0 - 0.9 * k / 100, 0.1)  # the original's schedule (held at 0.1 past step 100)
        for p in model.parameters():
            p.data -= lr * p.grad
        history.append((total.data, acc))
        if log is not None:
            log(f"step {k} loss {total.data:.6f}, accuracy {acc * 100:.0f}%")
    return history


def _positive_int(text):
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"need at least 1 step, got {n}")
    return n


def main(argv=None):
    """Command-line entry: prints one line per step and the final accuracy."""
    parser = argparse.ArgumentParser(description="Train the original micrograd demo (moons, MLP 2-16-16-1).")
    parser.add_argument("--steps", type=_positive_int, default=100, help="number of SGD steps (default 100)")
    args = parser.parse_args(argv)
    history = run(args.steps)
    print(f"final training accuracy: {history[-1][1] * 100:.0f}%")


if __name__ == "__main__":
    main()
