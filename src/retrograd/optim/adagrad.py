"""Adagrad: step sizes that shrink with each weight's accumulated squared gradients."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from retrograd.grad_mode import no_grad
from retrograd.optim.optimizer import Optimizer, params_with_grad


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011), as PyTorch computes it::

        g   = dL/dw + weight_decay * w
        lr' = lr / (1 + (t - 1) * lr_decay)
        s   = s + g^2                         (s starts at initial_accumulator_value)
        w   = w - lr' * g / (sqrt(s) + eps)

    Weights that have seen large gradients take small steps; rarely-updated
    weights keep larger ones.

    Parameters
    ----------
    params : iterable
        Parameters or parameter groups.
    lr : float
        Learning rate (default 0.01).
    lr_decay : float
        Per-step decay of the learning rate.
    weight_decay : float
        L2 penalty added to the gradient.
    initial_accumulator_value : float
        Starting value of ``s``.
    eps : float
        Added to the denominator (default 1e-10).

    Examples
    --------
    >>> from retrograd import nn, optim
    >>> opt = optim.Adagrad(nn.Linear(3, 1).parameters(), lr=0.1)
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 0.01,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
    ) -> None:
        super().__init__(
            params,
            dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                 initial_accumulator_value=initial_accumulator_value, eps=eps),
        )  # fmt: skip

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        for key in ("lr_decay", "weight_decay", "initial_accumulator_value", "eps"):
            if group[key] < 0:
                raise ValueError(f"Adagrad: {key} must be >= 0, got {group[key]}")

    @no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; returns ``closure()`` if given."""
        loss = self.evaluate_closure(closure)
        for group in self.param_groups:
            lr, lr_decay = group["lr"], group["lr_decay"]
            eps, wd = group["eps"], group["weight_decay"]
            for p in params_with_grad(group):
                g = p.grad  # never modified in place: it may be shared
                if wd:
                    g = g + wd * p.data
                st = self.state.get(p)
                if not st:
                    init = group["initial_accumulator_value"]
                    st = self.state[p] = {"step": 0, "sum": np.full_like(p.data, init)}
                st["step"] += 1
                clr = lr / (1.0 + (st["step"] - 1) * lr_decay)
                tmp = np.multiply(g, g)  # the one scratch array of this update
                s = st["sum"]
                s += tmp
                np.sqrt(s, out=tmp)
                tmp += eps
                np.divide(g, tmp, out=tmp)
                tmp *= clr
                p.data -= tmp
        return loss
