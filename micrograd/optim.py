"""Optimizers for `Value` parameters: SGD (with optional momentum), Adam, AdamW, each with an
optional L1 proximal step (standard library only).

Each optimizer reads ``p.grad`` and writes ``p.data`` for the parameters it was given, keeps
its own state (momentum buffers, moments, step count) and can hand that state out and take it
back (`state_dict` / `load_state_dict`, as PyTorch's optimizers), which is how the `Trainer`'s
divergence guard restores a run exactly. `OPTIMIZERS` names them as the playground does.

L1 regularization, rate * sum|p|, is not put in the gradient (its subgradient rate * sign(p)
overshoots 0 and makes a small weight oscillate around it forever) but applied as the proximal
step of each optimizer: after its update, ``p <- soft_threshold(p, step_size * l1)``, which
sets a weight to exactly 0.0 where the loss's pull on it is weaker than the penalty. This is
the proximal gradient method (ISTA, Beck & Teboulle 2009; the "truncated gradient" of
Langford, Li & Zhang 2009, with theta = infinity, every step). TensorFlow Playground's L1
(src/nn.ts, ``updateWeights``) does the same for SGD: a regularization step that would take a
weight across 0 sets it to 0 (and then freezes that link for good, which this does not do).
"""

import math

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "OPTIMIZERS", "soft_threshold"]


class Optimizer:
    """What every optimizer here shares: ``params`` (a list of Values), the L1 rate ``l1``
    (>= 0; 0 for none, changeable between steps) and `zero_grad`."""

    params = ()
    l1 = 0.0

    def _check_l1(self):
        if not self.l1 >= 0:
            raise ValueError(f"L1 rate must be >= 0, got {self.l1!r}")

    def zero_grad(self):
        """Set every parameter's grad to 0.0."""
        for p in self.params:
            p.grad = 0.0

    def state_is_finite(self):
        """True if every number of the optimizer's state (`state_dict`) is finite.

        A finite step can leave a state that is not: a gradient above ~4e155 (beta2 = 0.999)
        makes Adam's v = (1 - beta2) g^2 inf, and then that parameter's update is m / inf = 0 for
        good (the run freezes without an error). The `Trainer` treats this as divergence.
        """
        for value in self.state_dict().values():
            for x in value if isinstance(value, list) else (value,):
                if x is not None and not math.isfinite(x):
                    return False
        return True


class SGD(Optimizer):
    """Plain SGD with optional (heavy-ball) momentum, as PyTorch's ``torch.optim.SGD``.

    Update per parameter p with gradient g (PyTorch's formulation, dampening 0):
        v <- momentum * v + g        (v starts at g on the first step)
        p <- p - lr * v
        p <- soft_threshold(p, lr * l1)      only with l1 > 0: the L1 proximal step (ISTA)

    Args:
        params: list of Values to update (e.g. ``model.parameters()``).
        lr: learning rate, a float > 0; may be changed between steps (``opt.lr = ...``).
        momentum: in [0, 1); 0 gives plain SGD.
        l1: L1 rate >= 0 (see the module docstring); 0 (default) for none.

    Raises:
        ValueError: for lr <= 0, momentum outside [0, 1) or l1 < 0.
    """

    def __init__(self, params, lr=0.1, momentum=0.0, l1=0.0):
        self.params = list(params)
        self.lr = lr
        self.momentum = momentum
        self.l1 = l1
        self._check()
        self.velocity = [None] * len(self.params)

    def _check(self):
        if not self.lr > 0:
            raise ValueError(f"learning rate must be > 0, got {self.lr!r}")
        if not 0 <= self.momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {self.momentum!r}")
        self._check_l1()

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
        if self.l1:
            for p, t in zip(self.params, self.l1_thresholds()):
                p.data = soft_threshold(p.data, t)

    def l1_thresholds(self, l1=None):
        """How far the L1 proximal step moves each parameter toward 0: lr * l1 for every one (ISTA).

        Args:
            l1: the L1 rate (default: the optimizer's own `l1`).

        Returns:
            a list of floats >= 0, one per parameter, in `params` order.
        """
        return [self.lr * (self.l1 if l1 is None else l1)] * len(self.params)

    def state_dict(self):
        """The optimizer's state: ``{"velocity": [v or None per parameter]}`` (a copy)."""
        return {"velocity": list(self.velocity)}

    def load_state_dict(self, state):
        """Go back to a state from `state_dict` (copied, so later steps do not change it)."""
        self.velocity = list(state["velocity"])


class Adam(Optimizer):
    """Adam, as Kingma & Ba (2015), "Adam: A Method for Stochastic Optimization", Algorithm 1.

    Per parameter p with gradient g, at step t = 1, 2, ... (m and v start at 0):
        m <- beta1 * m + (1 - beta1) * g              first moment (mean of g)
        v <- beta2 * v + (1 - beta2) * g^2            second moment (uncentered variance)
        m_hat = m / (1 - beta1^t)                      bias corrections: m and v start at 0,
        v_hat = v / (1 - beta2^t)                      so early averages are too small
        p <- p - lr * m_hat / (sqrt(v_hat) + eps)      eps outside the square root
        p <- soft_threshold(p, lr * l1 / (sqrt(v_hat) + eps))    only with l1 > 0

    This is also ``torch.optim.Adam`` (weight_decay=0, amsgrad=False), whose documented update
    is the same formula. At t = 1, m_hat = g and v_hat = g^2, so every parameter with a nonzero
    gradient moves by lr * |g| / (|g| + eps), i.e. by lr (up to eps), whatever the size of g.

    The L1 step is the proximal step in Adam's own metric, each parameter's threshold scaled
    as its gradient step is (ProxGen: Yun, Lozano & Yang 2021, "Adaptive Proximal Gradient
    Methods for Structured Neural Networks"). So a fixed point is the lasso's, as with SGD: a
    weight rests at 0 exactly when |dL/dp| <= l1. (A threshold of lr * l1 for every parameter
    would be next to nothing beside Adam's steps of about lr.) The threshold is as large as
    the step's scale: for a parameter whose gradient has been exactly 0 on every step so far,
    v_hat = 0 and the threshold is lr * l1 / eps (~1e8 lr * l1), so L1 sets it to 0 in one
    step (e.g. the weights of a ReLU unit that has been dead since the start). That is the
    proximal step's exact answer in this metric (a weight the loss does not pull on rests at 0
    in the lasso, and a dead unit's output is 0 before and after), not capped here.

    Args:
        params: list of Values to update (e.g. ``model.parameters()``).
        lr: the step size alpha > 0 (the paper's default 0.001); may be changed between steps.
        betas: (beta1, beta2), each in [0, 1) (default (0.9, 0.999)).
        eps: > 0, added to sqrt(v_hat) (default 1e-8); 0 would divide 0 by 0 for a parameter
            whose gradient has been 0 so far.
        l1: L1 rate >= 0 (see the module docstring); 0 (default) for none.

    Attributes:
        t (int): steps taken; m, v (lists of floats): the moments, one per parameter.

    Raises:
        ValueError: for lr <= 0, a beta outside [0, 1), eps <= 0 or l1 < 0.
    """

    def __init__(self, params, lr=0.001, betas=(0.9, 0.999), eps=1e-8, l1=0.0):
        self.params = list(params)
        self.lr = lr
        self.betas = tuple(betas)
        self.eps = eps
        self.l1 = l1
        self._check()
        self.t = 0
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def _check(self):
        if not self.lr > 0:
            raise ValueError(f"learning rate must be > 0, got {self.lr!r}")
        if len(self.betas) != 2 or not all(0 <= b < 1 for b in self.betas):
            raise ValueError(f"betas must be two numbers in [0, 1), got {self.betas!r}")
        if not self.eps > 0:
            raise ValueError(f"eps must be > 0, got {self.eps!r}")
        self._check_l1()

    def step(self):
        """One Adam update of every parameter (reads ``p.grad``, writes ``p.data``)."""
        self._check()
        self.t += 1
        self._adam_update()

    def _adam_update(self):
        """Algorithm 1's update at step ``self.t`` (already incremented)."""
        lr, (b1, b2), eps, t, l1 = self.lr, self.betas, self.eps, self.t, self.l1
        c1, c2 = 1.0 - b1**t, 1.0 - b2**t
        m, v = self.m, self.v
        for i, p in enumerate(self.params):
            g = p.grad
            m[i] = b1 * m[i] + (1.0 - b1) * g
            v[i] = b2 * v[i] + (1.0 - b2) * g * g
            p.data -= lr * (m[i] / c1) / (math.sqrt(v[i] / c2) + eps)
        if l1:
            for p, threshold in zip(self.params, self.l1_thresholds()):
                p.data = soft_threshold(p.data, threshold)

    def l1_thresholds(self, l1=None):
        """How far the L1 proximal step moves each parameter toward 0 at the current moments:
        lr * l1 / (sqrt(v_hat) + eps), v_hat = v / (1 - beta2^t) (the class docstring says why).

        Args:
            l1: the L1 rate (default: the optimizer's own `l1`). Needs t >= 1 (a step taken).

        Returns:
            a list of floats >= 0, one per parameter, in `params` order.
        """
        l1 = self.l1 if l1 is None else l1
        c2 = 1.0 - self.betas[1] ** self.t
        return [self.lr * l1 / (math.sqrt(v / c2) + self.eps) for v in self.v]

    def state_dict(self):
        """The optimizer's state: ``{"t": steps, "m": [...], "v": [...]}`` (a copy)."""
        return {"t": self.t, "m": list(self.m), "v": list(self.v)}

    def load_state_dict(self, state):
        """Go back to a state from `state_dict` (copied, so later steps do not change it)."""
        self.t, self.m, self.v = state["t"], list(state["m"]), list(state["v"])


class AdamW(Adam):
    """Adam with decoupled weight decay, after Loshchilov & Hutter (2019), "Decoupled Weight
    Decay Regularization", Algorithm 2 (the AdamW variant), in ``torch.optim.AdamW``'s convention.

    Per parameter p, at step t (m, v, m_hat, v_hat exactly as `Adam`):
        p <- p - lr * weight_decay * p                 decay, from the weight before this step
        p <- p - lr * m_hat / (sqrt(v_hat) + eps)      the Adam step on the loss's gradient only
        (then the L1 step, as `Adam`'s, with l1 > 0)

    The decay never enters g, so it is not rescaled by 1 / sqrt(v_hat): every weight shrinks
    by the same factor (1 - lr * weight_decay) per step. Adam with an L2 term in the loss (what
    `Adam` does with the `Trainer`'s reg="l2") decays weights with large gradients less.

    Where this differs from the paper: Algorithm 2 writes
    ``p <- p - eta_t * (alpha * m_hat / (sqrt(v_hat) + eps) + lambda * p)``, with a schedule
    multiplier eta_t and a decay lambda that is *not* multiplied by alpha. There is no schedule
    here (eta_t = 1), and, as PyTorch, the decay is lr * weight_decay: the paper's lambda equals
    lr * weight_decay. (So lowering lr also lowers the decay, as in PyTorch and unlike the paper.)

    Args:
        params, lr, betas, eps, l1: as `Adam`.
        weight_decay: >= 0 (default 0.01, PyTorch's default); may be changed between steps.

    Raises:
        ValueError: as `Adam`, or for weight_decay < 0.
    """

    def __init__(self, params, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01, l1=0.0):
        self.weight_decay = weight_decay
        super().__init__(params, lr=lr, betas=betas, eps=eps, l1=l1)

    def _check(self):
        super()._check()
        if not self.weight_decay >= 0:
            raise ValueError(f"weight decay must be >= 0, got {self.weight_decay!r}")

    def step(self):
        """One AdamW update: decay every weight, then the Adam step (reads ``p.grad``)."""
        self._check()
        self.t += 1
        decay = self.lr * self.weight_decay
        if decay:
            for p in self.params:
                p.data -= decay * p.data
        self._adam_update()


def soft_threshold(x, threshold):
    """The proximal operator of threshold * |x|: sign(x) * max(|x| - threshold, 0).

    It moves x toward 0 by `threshold` and stops at exactly 0.0 instead of crossing it; a nan
    is returned as it is (for the divergence guard to see).

    Args:
        x: a float. threshold: a float >= 0.

    Returns:
        a float.
    """
    if x > threshold:
        return x - threshold
    if x < -threshold:
        return x + threshold
    return x if x != x else 0.0


#: the optimizers by the names the playground's URL uses (``?opt=sgd|adam|adamw``)
OPTIMIZERS = {"sgd": SGD, "adam": Adam, "adamw": AdamW}
