"""Deliberately wrong backward passes, for lessons about what goes wrong in backprop.

These bugs live here, in lesson code, and never in the real engine (`micrograd.engine`).
Each one is a classic mistake from writing an autograd engine by hand (see Karpathy's
"The spelled-out intro to neural networks and backpropagation: building micrograd"):

- **assign instead of accumulate** (``assign=True``): a child's gradient is *set*,
  ``child.grad = local * upstream``, instead of *added*, ``child.grad += local * upstream``.
  Any node used more than once (fan-out, e.g. ``b = a + a`` or ``b`` in ``(a+b)*(b+1)``)
  keeps only the contribution of the last path that reached it: ``b = a + a`` gives
  db/da = 1 instead of 2.
- **wrong tanh derivative** (``wrong_tanh=True``): the local derivative of ``t = tanh(x)``
  is taken as ``1 - t`` instead of ``1 - t**2``.
- **forgot zero_grad** is a bug of the *caller*, not of the backward pass, so it needs no
  function here: calling ``root.backward()`` twice (or once per training step) without
  resetting ``.grad`` to 0 in between adds the gradients of every call, because gradients
  accumulate (as in PyTorch). With the same graph, the second call doubles every grad.

Standard library only, like the engine.
"""

__all__ = ["buggy_backward"]


def buggy_backward(root, *, assign=False, wrong_tanh=False):
    """Fill ``.grad`` on every node under `root` like ``Value.backward()``, with chosen bugs.

    Args:
        root: the output `Value` (the graph's root); its grad is seeded with 1.0.
        assign: if True, children's gradients are assigned (``=``) instead of accumulated
            (``+=``), so with fan-out only the last path's contribution survives.
        wrong_tanh: if True, 'tanh' nodes use the local derivative ``1 - t`` (t = the node's
            output) instead of the correct ``1 - t**2``.

    Returns:
        None. Every node reachable from `root` has its ``.grad`` overwritten: it starts this
        pass at 0.0 (unlike ``Value.backward()``, earlier grads are not kept), so with both
        flags False the result equals a fresh ``Value.backward()`` exactly.

    The traversal order is the engine's: ``root.topo_order()`` reversed (parents before
    children), and children in operand order, so the result is deterministic.
    """
    topo = root.topo_order()
    for v in topo:
        v.grad = 0.0
    root.grad = 1.0
    for v in reversed(topo):
        kids = v.children
        if not kids:
            continue
        locs = v.local_grads
        if wrong_tanh and v.op == "tanh":
            locs = (1.0 - v.data,)
        g = v.grad
        for child, local in zip(kids, locs, strict=True):
            if assign:
                child.grad = local * g
            else:
                child.grad += local * g
