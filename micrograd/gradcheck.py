"""Finite differences, and checking autograd gradients against them.

The formulas are the standard ones (e.g. Nocedal & Wright, Numerical Optimization, 8.1):
forward difference (f(x+h) - f(x)) / h with truncation error O(h), central difference
(f(x+h) - f(x-h)) / 2h with truncation error O(h^2).
"""

import math

__all__ = ["forward_difference", "central_difference", "relative_error", "check_gradients"]


def forward_difference(f, x, h=1e-6):
    """(f(x + h) - f(x)) / h: the slope of the secant from x to x + h.

    Args:
        f: a function of one float returning a float (or anything with float()).
        x: the point; h: the step, > 0.

    Raises:
        ValueError: if h <= 0.
    """
    if not h > 0:
        raise ValueError(f"step h must be > 0, got {h!r}")
    return (float(f(x + h)) - float(f(x))) / h


def central_difference(f, x, h=1e-6):
    """(f(x + h) - f(x - h)) / 2h: the symmetric difference quotient.

    Args and raises as `forward_difference`.
    """
    if not h > 0:
        raise ValueError(f"step h must be > 0, got {h!r}")
    return (float(f(x + h)) - float(f(x - h))) / (2 * h)


def relative_error(a, b, floor=1e-12):
    """|a - b| / max(|a|, |b|, floor): scale-free disagreement, 0 when a == b.

    A nan or infinite value on either side (unless both are the same infinity) gives inf,
    so a broken gradient can never look like a pass.
    """
    if a == b:
        return 0.0
    if not (math.isfinite(a) and math.isfinite(b)):
        return math.inf
    return abs(a - b) / max(abs(a), abs(b), floor)


def check_gradients(loss_fn, params, h=1e-6):
    """Check every parameter's autograd gradient against a central difference.

    Args:
        loss_fn: a function of no arguments that builds and returns a fresh scalar loss
            `Value` from the current ``p.data`` of `params`.
        params: the list of parameter Values (e.g. ``model.parameters()``).
        h: the finite-difference step.

    Returns:
        a list of dicts, one per parameter in order, with keys 'index', 'autograd',
        'numeric', 'abs_error', 'rel_error' (floats). Gradients are left in ``p.grad``,
        data is restored exactly.

    The loss is evaluated 2 * len(params) + 1 times. A nan or infinite gradient on either
    side gets rel_error inf.

    Raises:
        ValueError: if h <= 0.
    """
    if not h > 0:
        raise ValueError(f"step h must be > 0, got {h!r}")
    for p in params:
        p.grad = 0.0
    loss_fn().backward()
    rows = []
    for i, p in enumerate(params):
        x0 = p.data
        p.data = x0 + h
        up = loss_fn().data
        p.data = x0 - h
        down = loss_fn().data
        p.data = x0
        numeric = (up - down) / (2 * h)
        auto = p.grad
        rows.append({
            "index": i,
            "autograd": auto,
            "numeric": numeric,
            "abs_error": abs(auto - numeric),
            "rel_error": relative_error(auto, numeric),
        })
    return rows
