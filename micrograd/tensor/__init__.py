"""A vectorized autograd engine: `Tensor` is `Value` over float64 numpy arrays.

    engine.py   Tensor: construction, the operators, the iterative backward pass
    ops.py      one class per op, its forward and its backward side by side
    losses.py   hinge, MSE, BCE-with-logits and L2 as fused nodes
    nn.py       TensorLayer, TensorMLP (same weights as a scalar MLP), loss_and_grads

numpy only; no streamlit, no torch.
"""

from micrograd.tensor.engine import Tensor
from micrograd.tensor.losses import LOSSES, bce_with_logits_loss, hinge_loss, l2_penalty, mse_loss
from micrograd.tensor.nn import TensorLayer, TensorMLP, loss_and_grads

__all__ = [
    "Tensor",
    "hinge_loss",
    "mse_loss",
    "bce_with_logits_loss",
    "l2_penalty",
    "LOSSES",
    "TensorLayer",
    "TensorMLP",
    "loss_and_grads",
]
