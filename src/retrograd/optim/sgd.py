"""Stochastic gradient descent: w <- w - lr * dL/dw, with momentum, Nesterov, weight decay."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from retrograd.grad_mode import no_grad
from retrograd.optim.optimizer import Optimizer, params_with_grad


class SGD(Optimizer):
    """Gradient descent, the update rule of classic backpropagation.

    With momentum (PyTorch's formulation)::

        g  = dL/dw + weight_decay * w
        v  = momentum * v + (1 - dampening) * g        (v = g on the first step)
        g' = g + momentum * v  if nesterov else  v
        w  = w - lr * g'

    Parameters
    ----------
    params : iterable
        Parameters or parameter groups.
    lr : float
        Learning rate (eta).
    momentum, dampening, weight_decay : float
    nesterov : bool

    Examples
    --------
    >>> import retrograd as rg
    >>> from retrograd import nn, optim
    >>> model = nn.Linear(2, 1)
    >>> opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 0.01,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        if lr < 0:
            raise ValueError(f"SGD: learning rate must be >= 0, got {lr}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("SGD: Nesterov momentum needs momentum > 0 and dampening = 0")
        super().__init__(
            params,
            dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                 nesterov=nesterov),
        )  # fmt: skip

    @no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; returns ``closure()`` if given."""
        loss = closure() if closure is not None else None
        for group in self.param_groups:
            lr, mom, damp = group["lr"], group["momentum"], group["dampening"]
            wd, nesterov = group["weight_decay"], group["nesterov"]
            for p in params_with_grad(group):
                g = p.grad
                if wd:
                    g = g + wd * p.data
                if mom:
                    st = self.state.setdefault(p, {})
                    buf = st.get("momentum_buffer")
                    if buf is None:
                        buf = st["momentum_buffer"] = g.copy()
                    else:
                        buf *= mom
                        buf += (1.0 - damp) * g
                    g = g + mom * buf if nesterov else buf
                p.data -= lr * g  # in place: the step itself
        return loss
