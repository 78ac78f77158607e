"""Stochastic gradient descent: w <- w - lr * dL/dw, with momentum, Nesterov, weight decay."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from retrograd.grad_mode import no_grad
from retrograd.optim.optimizer import Optimizer, params_with_grad


class SGD(Optimizer):
    """Gradient descent, the update rule of classic backpropagation.

    Plain SGD is ``w <- w - lr * dL/dw``. With momentum and weight decay
    (PyTorch's formulation, so results match it step for step)::

        g  = dL/dw + weight_decay * w
        v  = momentum * v + (1 - dampening) * g        (v = g on the first step)
        g' = g + momentum * v  if nesterov else  v
        w  = w - lr * g'

    Parameters
    ----------
    params : iterable
        Parameters or parameter groups (dicts with ``"params"``).
    lr : float
        Learning rate (eta), >= 0.
    momentum : float
        Momentum factor in [0, 1): how much of the previous step is kept.
    dampening : float
        Scales the new gradient's share of the momentum buffer by ``1 - dampening``.
    weight_decay : float
        L2 penalty coefficient (adds ``weight_decay * w`` to the gradient).
    nesterov : bool
        Nesterov momentum: look ahead along the momentum before stepping.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> from retrograd import nn, optim
    >>> w = nn.Parameter(np.array([1.0, -2.0]))
    >>> opt = optim.SGD([w], lr=0.1)
    >>> loss = (w * w).sum()          # dL/dw = 2w
    >>> loss.backward()
    >>> opt.step()                    # w - 0.1 * 2w = 0.8 w
    >>> w.data
    array([ 0.8, -1.6], dtype=float32)
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
        super().__init__(
            params,
            dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                 nesterov=nesterov),
        )  # fmt: skip

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        if group["momentum"] < 0:
            raise ValueError(f"SGD: momentum must be >= 0, got {group['momentum']}")
        if group["weight_decay"] < 0:
            raise ValueError(f"SGD: weight_decay must be >= 0, got {group['weight_decay']}")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("SGD: Nesterov momentum needs momentum > 0 and dampening = 0")

    @no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient.

        Parameters
        ----------
        closure : callable, optional
            Re-evaluates the model and returns the loss (called with gradients on).

        Returns
        -------
        The closure's loss, or None.
        """
        loss = self.evaluate_closure(closure)
        for group in self.param_groups:
            lr, mom, damp = group["lr"], group["momentum"], group["dampening"]
            wd, nesterov = group["weight_decay"], group["nesterov"]
            for p in params_with_grad(group):
                g = p.grad  # never modified in place: it may be shared
                if wd:
                    g = g + wd * p.data
                if mom:
                    st = self.state.setdefault(p, {})
                    buf = st.get("momentum_buffer")
                    if buf is None:
                        buf = st["momentum_buffer"] = np.array(g, copy=True)
                    else:
                        buf *= mom
                        if damp:
                            buf += (1.0 - damp) * g
                        else:
                            buf += g
                    if nesterov:
                        p.data -= lr * g
                        p.data -= (lr * mom) * buf
                        continue
                    g = buf
                p.data -= lr * g  # the step itself, in place
        return loss
