"""RMSprop: divide each gradient by a running root-mean-square of its recent values."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from retrograd.grad_mode import no_grad
from retrograd.optim.optimizer import Optimizer, params_with_grad


class RMSprop(Optimizer):
    """RMSprop (Hinton's lecture 6e), as PyTorch computes it::

        g   = dL/dw + weight_decay * w
        s   = alpha * s + (1 - alpha) * g^2            running mean of squares
        c   = alpha * c + (1 - alpha) * g              (centered only)
        den = sqrt(s - c^2) + eps  if centered  else  sqrt(s) + eps
        b   = momentum * b + g / den                   (momentum > 0)
        w   = w - lr * b        or, without momentum,  w - lr * g / den

    Parameters
    ----------
    params : iterable
        Parameters or parameter groups.
    lr : float
        Learning rate (default 0.01).
    alpha : float
        Smoothing constant of the running mean of squares, in [0, 1).
    eps : float
        Added to the denominator.
    weight_decay : float
        L2 penalty added to the gradient.
    momentum : float
        Momentum on the normalised step.
    centered : bool
        Normalise by an estimate of the gradient's variance instead of its raw second moment.

    Examples
    --------
    >>> from retrograd import nn, optim
    >>> opt = optim.RMSprop(nn.Linear(3, 1).parameters(), lr=0.01, momentum=0.9)
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 0.01,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ) -> None:
        super().__init__(
            params,
            dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                 centered=centered),
        )  # fmt: skip

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        if not 0.0 <= group["alpha"] < 1.0:
            raise ValueError(f"RMSprop: alpha must be in [0, 1), got {group['alpha']}")
        for key in ("eps", "weight_decay", "momentum"):
            if group[key] < 0:
                raise ValueError(f"RMSprop: {key} must be >= 0, got {group[key]}")

    @no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; returns ``closure()`` if given."""
        loss = self.evaluate_closure(closure)
        for group in self.param_groups:
            lr, alpha, eps = group["lr"], group["alpha"], group["eps"]
            wd, mom, centered = group["weight_decay"], group["momentum"], group["centered"]
            for p in params_with_grad(group):
                g = p.grad  # never modified in place: it may be shared
                if wd:
                    g = g + wd * p.data
                st = self.state.get(p)
                if not st:
                    st = self.state[p] = {"step": 0, "square_avg": np.zeros_like(p.data)}
                st["step"] += 1
                s = st["square_avg"]
                tmp = np.multiply(g, g)  # the one scratch array of this update
                tmp *= 1.0 - alpha
                s *= alpha
                s += tmp
                if centered:
                    c = st.setdefault("grad_avg", np.zeros_like(p.data))
                    c *= alpha
                    c += (1.0 - alpha) * g
                    np.multiply(c, c, out=tmp)
                    np.subtract(s, tmp, out=tmp)
                    np.sqrt(tmp, out=tmp)
                else:
                    np.sqrt(s, out=tmp)
                tmp += eps  # tmp = denominator
                np.divide(g, tmp, out=tmp)
                if mom > 0:
                    buf = st.setdefault("momentum_buffer", np.zeros_like(p.data))
                    buf *= mom
                    buf += tmp
                    np.multiply(buf, lr, out=tmp)
                else:
                    tmp *= lr
                p.data -= tmp
        return loss
