"""Stochastic gradient descent, with optional momentum (standard library only)."""

__all__ = ["SGD"]


class SGD:
    """Plain SGD with optional (heavy-ball) momentum, as PyTorch's ``torch.optim.SGD``.

    Update per parameter p with gradient g (PyTorch's formulation, dampening 0):
        v <- momentum * v + g        (v starts at g on the first step)
        p <- p - lr * v

    Args:
        params: list of Values to update (e.g. ``model.parameters()``).
        lr: learning rate, a float > 0; may be changed between steps (``opt.lr = ...``).
        momentum: in [0, 1); 0 gives plain SGD.

    Raises:
        ValueError: for lr <= 0 or momentum outside [0, 1).
    """

    def __init__(self, params, lr=0.1, momentum=0.0):
        self.params = list(params)
        self.lr = lr
        self.momentum = momentum
        self._check()
        self.velocity = [None] * len(self.params)

    def _check(self):
        if not self.lr > 0:
            raise ValueError(f"learning rate must be > 0, got {self.lr!r}")
        if not 0 <= self.momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {self.momentum!r}")

    def step(self):
        """Move each parameter against its gradient (reads ``p.grad``, writes ``p.data``)."""
        self._check()
        lr, mu, vel = self.lr, self.momentum, self.velocity
        for i, p in enumerate(self.params):
            g = p.grad
            if mu:
                g = g if vel[i] is None else mu * vel[i] + g
                vel[i] = g
            p.data -= lr * g

    def zero_grad(self):
        """Set every parameter's grad to 0.0."""
        for p in self.params:
            p.grad = 0.0
