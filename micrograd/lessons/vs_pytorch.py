"""Lesson logic for "micrograd vs PyTorch": the same computation on three engines.

The three engines are the scalar `micrograd.engine.Value`, the vectorized
`micrograd.tensor.Tensor`, and PyTorch (float64, CPU) when it is importable. For each of
two computations, a single tanh neuron (the expression of Karpathy's micrograd lecture)
and one full-batch training step of the original demo (100 moons, MLP(2, [16, 16, 1]),
hinge loss + 1e-4 L2, SGD), this module has one function per engine. The page shows those
functions' own source with `inspect.getsource`, so the code on screen is the code that
ran. `benchmarks/engines.py` times the same step functions, and
`micrograd.lessons.vs_pytorch_measured` measures them for the page's table and chart.

torch is optional: it is imported lazily, and every function that needs it says so by
returning None or raising `TorchMissing` with the install command. No streamlit here.
"""

import inspect

import numpy as np

from micrograd.demo import ALPHA, demo_data, demo_model
from micrograd.engine import Value
from micrograd.lessons.presets import EXPRESSIONS
from micrograd.losses import hinge_loss as scalar_hinge_loss
from micrograd.losses import l2_penalty as scalar_l2_penalty
from micrograd.tensor import Tensor, TensorMLP, hinge_loss, l2_penalty

__all__ = [
    "INSTALL_TORCH",
    "TorchMissing",
    "ENGINE_NAMES",
    "NEURON_INPUTS",
    "torch_or_none",
    "neuron_scalar",
    "neuron_tensor",
    "neuron_torch",
    "compare_neuron",
    "step_scalar",
    "step_tensor",
    "step_torch",
    "DemoSetup",
    "compare_step",
    "source_of",
]

#: how to add the optional reference engine
INSTALL_TORCH = "pip install torch"

#: the three engines, in display order: key -> display name
ENGINE_NAMES = {
    "scalar": "micrograd Value (scalars)",
    "tensor": "micrograd Tensor (numpy)",
    "torch": "PyTorch (float64)",
}

#: the lecture's neuron: o = tanh(x1 w1 + x2 w2 + b), b chosen so that x1w1 + x2w2 + b = 0.8814
#: (the inputs of the graph pages' neuron preset)
NEURON_INPUTS = dict(EXPRESSIONS["neuron"].defaults)


class TorchMissing(RuntimeError):
    """Raised when a PyTorch comparison is asked for and torch cannot be imported."""


def torch_or_none():
    """Import torch lazily; return the module, or None when it is not installed."""
    try:
        import torch
    except ImportError:
        return None
    return torch


def _torch():
    torch = torch_or_none()
    if torch is None:
        raise TorchMissing(f"PyTorch is not installed: {INSTALL_TORCH}")
    return torch


# --- one neuron, three ways ----------------------------------------------------------------


def neuron_scalar(x1, x2, w1, w2, b):
    """o = tanh(x1*w1 + x2*w2 + b) with scalar Values; returns (o, {name: do/dname})."""
    x1, x2 = Value(x1, label="x1"), Value(x2, label="x2")
    w1, w2 = Value(w1, label="w1"), Value(w2, label="w2")
    b = Value(b, label="b")
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.backward()
    return o.data, {"x1": x1.grad, "x2": x2.grad, "w1": w1.grad, "w2": w2.grad, "b": b.grad}


def neuron_tensor(x1, x2, w1, w2, b):
    """The same neuron with Tensors: x and w are vectors, one dot product; returns (o, grads)."""
    x = Tensor([x1, x2])
    w = Tensor([w1, w2])
    b = Tensor(b)
    o = ((x * w).sum() + b).tanh()
    o.backward()
    return o.item(), {"x1": x.grad[0], "x2": x.grad[1], "w1": w.grad[0], "w2": w.grad[1], "b": float(b.grad)}


def neuron_torch(x1, x2, w1, w2, b):
    """The same neuron in PyTorch (float64); returns (o, grads). Raises TorchMissing without torch."""
    torch = _torch()
    x = torch.tensor([x1, x2], dtype=torch.float64, requires_grad=True)
    w = torch.tensor([w1, w2], dtype=torch.float64, requires_grad=True)
    b = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    o = ((x * w).sum() + b).tanh()
    o.backward()
    return o.item(), {"x1": x.grad[0].item(), "x2": x.grad[1].item(), "w1": w.grad[0].item(),
                      "w2": w.grad[1].item(), "b": b.grad.item()}


def compare_neuron(inputs=None):
    """Run the neuron on every available engine.

    Args:
        inputs: dict with keys x1, x2, w1, w2, b (floats); default `NEURON_INPUTS`.

    Returns:
        dict with 'rows' (a list of dicts: 'quantity' ('o' then 'do/dx1', ...), and one
        column per engine key that ran), 'engines' (the keys that ran, in `ENGINE_NAMES` order),
        and 'max_abs_diff' (float: the largest |difference| of any value or gradient from
        the scalar engine's, over the other engines; 0.0 if only one ran).
    """
    inputs = dict(NEURON_INPUTS if inputs is None else inputs)
    args = [float(inputs[k]) for k in ("x1", "x2", "w1", "w2", "b")]
    results = {"scalar": neuron_scalar(*args), "tensor": neuron_tensor(*args)}
    if torch_or_none() is not None:
        results["torch"] = neuron_torch(*args)
    rows = [{"quantity": "o", **{k: float(r[0]) for k, r in results.items()}}]
    for name in ("x1", "x2", "w1", "w2", "b"):
        rows.append({"quantity": f"do/d{name}", **{k: float(r[1][name]) for k, r in results.items()}})
    diff = max(abs(row[k] - row["scalar"]) for row in rows for k in results)
    return {"rows": rows, "engines": list(results), "max_abs_diff": float(diff)}


# --- one training step of the demo, three ways --------------------------------------------


def step_scalar(model, X, y, lr, alpha=ALPHA):
    """One full-batch SGD step with scalar Values: forward, backward, update; returns the loss."""
    scores = [model(x) for x in X]  # X: list of [x1, x2] rows, y: list of +-1
    loss = scalar_hinge_loss(scores, y) + scalar_l2_penalty(model.parameters(), alpha)
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        p.data -= lr * p.grad
    return loss.data


def step_tensor(net, X, y, lr, alpha=ALPHA):
    """The same step with Tensors: one node per layer op, not per scalar; returns the loss."""
    scores = net(X)  # X: Tensor (100, 2), y: numpy (100,)
    loss = hinge_loss(scores, y) + l2_penalty(net.parameters(), alpha)
    net.zero_grad()
    loss.backward()
    for p in net.parameters():
        p.data -= lr * p.grad
    return loss.item()


def step_torch(model, opt, X, y, alpha=ALPHA):
    """The same step, written as a PyTorch user would (nn.Sequential, optim.SGD); returns the loss."""
    import torch

    scores = model(X).reshape(-1)  # X: float64 tensor (100, 2), y: float64 tensor (100,)
    loss = torch.relu(1 - y * scores).mean() + alpha * sum((p * p).sum() for p in model.parameters())
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss.item()


def _torch_model(scalar_model):
    """An nn.Sequential (float64) holding a copy of a scalar MLP's weights, and its SGD."""
    torch = _torch()
    mods = []
    for i, layer in enumerate(scalar_model.layers):
        neurons = layer.neurons
        lin = torch.nn.Linear(len(neurons[0].w), len(neurons), dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.tensor([[w.data for w in n.w] for n in neurons], dtype=torch.float64))
            lin.bias.copy_(torch.tensor([n.b.data for n in neurons], dtype=torch.float64))
        mods.append(lin)
        if i < len(scalar_model.layers) - 1:
            mods.append({"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid,
                         "linear": torch.nn.Identity}[scalar_model.activation]())
    return torch.nn.Sequential(*mods)


def _torch_grads_scalar_order(model):
    """The gradients of an nn.Sequential of Linear layers, in micrograd's parameter order."""
    parts = []
    for m in model:
        if hasattr(m, "weight"):
            W = m.weight.grad.numpy()
            b = m.bias.grad.numpy()
            parts.append(np.concatenate([W, b[:, None]], axis=1).ravel())
    return np.concatenate(parts)


class DemoSetup:
    """The demo problem ready for each engine, every copy starting from the same weights.

    Args:
        seed: seed for the data and the initial weights (as `micrograd.demo`).
        lr: the learning rate of every step (the demo's first step uses 1.0).
        with_torch: also build the PyTorch copy (ignored when torch is not installed).

    Attributes:
        scalar_model (micrograd.nn.MLP), X_list, y_list: the scalar engine's inputs.
        net (TensorMLP), X_tensor (Tensor (100, 2)), y_array (numpy (100,)): the Tensor's.
        torch_model, torch_opt, X_torch, y_torch: PyTorch's (None without torch).
    """

    def __init__(self, seed=1337, lr=1.0, with_torch=True):
        X, y = demo_data(seed)
        self.lr = lr
        self.scalar_model = demo_model(seed)
        self.X_list, self.y_list = X.tolist(), y.tolist()
        self.net = TensorMLP.from_mlp(self.scalar_model)
        self.X_tensor, self.y_array = Tensor(X), y.astype(np.float64)
        self.torch_model = self.torch_opt = self.X_torch = self.y_torch = None
        torch = torch_or_none() if with_torch else None
        if torch is not None:
            self.torch_model = _torch_model(self.scalar_model)
            self.torch_opt = torch.optim.SGD(self.torch_model.parameters(), lr=lr)
            self.X_torch = torch.tensor(X, dtype=torch.float64)
            self.y_torch = torch.tensor(y, dtype=torch.float64)

    @property
    def has_torch(self):
        """True when the PyTorch copy was built."""
        return self.torch_model is not None

    def run(self, engine):
        """One step on `engine` ('scalar', 'tensor' or 'torch'); returns the loss (float)."""
        if engine == "scalar":
            return step_scalar(self.scalar_model, self.X_list, self.y_list, self.lr)
        if engine == "tensor":
            return step_tensor(self.net, self.X_tensor, self.y_array, self.lr)
        if engine == "torch":
            if not self.has_torch:
                raise TorchMissing(f"PyTorch is not installed: {INSTALL_TORCH}")
            return step_torch(self.torch_model, self.torch_opt, self.X_torch, self.y_torch)
        raise ValueError(f"unknown engine {engine!r}: choose one of {list(ENGINE_NAMES)}")

    def grads(self, engine):
        """The last step's gradients on `engine`, flattened in micrograd's parameter order."""
        if engine == "scalar":
            return np.array([p.grad for p in self.scalar_model.parameters()])
        if engine == "tensor":
            return self.net.scalar_grads()
        if engine == "torch":
            return _torch_grads_scalar_order(self.torch_model)
        raise ValueError(f"unknown engine {engine!r}")

    def weights(self, engine):
        """The current weights on `engine`, in micrograd's parameter order."""
        if engine == "scalar":
            return np.array(self.scalar_model.parameter_values())
        if engine == "tensor":
            return self.net.to_scalar_values()
        if engine == "torch":
            return np.concatenate([
                np.concatenate([m.weight.detach().numpy(), m.bias.detach().numpy()[:, None]], axis=1).ravel()
                for m in self.torch_model if hasattr(m, "weight")
            ])
        raise ValueError(f"unknown engine {engine!r}")

    def engines(self):
        """The engine keys that can run here, in display order."""
        return [e for e in ENGINE_NAMES if e != "torch" or self.has_torch]


def compare_step(seed=1337, show=8):
    """One demo training step on every available engine, from identical weights.

    Args:
        seed: data and weight seed; show: how many parameters' gradients to list.

    Returns:
        dict with 'engines' (keys that ran), 'loss' ({engine: loss before the update}),
        'grad_rows' (list of dicts: 'parameter' name like 'L1 n0 w0', one column per engine,
        for the first `show` parameters), 'n_params' (int), 'max_abs_diff' (keys 'grad',
        'weight' and 'loss', each {engine: float}: the largest |difference from the scalar
        engine| over all gradients, over all updated weights, and of the loss).
    """
    setup = DemoSetup(seed=seed)
    engines = setup.engines()
    losses = {e: setup.run(e) for e in engines}
    grads = {e: setup.grads(e) for e in engines}
    weights = {e: setup.weights(e) for e in engines}
    names = _param_names(setup.scalar_model)
    rows = [
        {"parameter": names[i], **{e: float(grads[e][i]) for e in engines}}
        for i in range(min(show, len(names)))
    ]
    return {
        "engines": engines,
        "loss": {e: float(v) for e, v in losses.items()},
        "grad_rows": rows,
        "n_params": len(names),
        "max_abs_diff": {
            "grad": {e: float(np.max(np.abs(grads[e] - grads["scalar"]))) for e in engines},
            "weight": {e: float(np.max(np.abs(weights[e] - weights["scalar"]))) for e in engines},
            "loss": {e: abs(losses[e] - losses["scalar"]) for e in engines},
        },
    }


def _param_names(model):
    """'L1 n0 w0', ..., 'L1 n0 b', ... in parameters() order."""
    names = []
    for li, layer in enumerate(model.layers, start=1):
        for ni, n in enumerate(layer.neurons):
            names += [f"L{li} n{ni} w{wi}" for wi in range(len(n.w))] + [f"L{li} n{ni} b"]
    return names


def source_of(fn):
    """The source code of a function, for `st.code` (so the code shown is the code that ran)."""
    return inspect.getsource(fn)
