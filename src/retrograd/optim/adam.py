"""Adam and AdamW: per-weight step sizes from running moments of the gradient."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from retrograd.grad_mode import no_grad
from retrograd.optim.optimizer import Optimizer, params_with_grad


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015), as PyTorch computes it.

    For each weight, with gradient ``g`` at step ``t``::

        g  = dL/dw + weight_decay * w              (L2 penalty, coupled)
        m  = beta1 * m + (1 - beta1) * g           first moment (mean)
        v  = beta2 * v + (1 - beta2) * g^2         second moment (uncentered variance)
        v' = max(v', v) if amsgrad else v
        w  = w - lr / (1 - beta1^t) * m / (sqrt(v') / sqrt(1 - beta2^t) + eps)

    The ``1 - beta^t`` factors undo the bias of moments that start at zero.

    Parameters
    ----------
    params : iterable
        Parameters or parameter groups.
    lr : float
        Learning rate (default 1e-3).
    betas : tuple of float
        Decay rates of the two moments, each in [0, 1).
    eps : float
        Added to the denominator for numerical safety.
    weight_decay : float
        L2 penalty added to the gradient (see :class:`AdamW` for the decoupled form).
    amsgrad : bool
        Use the running maximum of ``v`` (Reddi et al., 2018).

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> from retrograd import nn, optim
    >>> w = nn.Parameter(np.array([1.0, -2.0]))
    >>> opt = optim.Adam([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()                     # the first Adam step moves each weight by ~lr
    >>> np.round(w.data, 4)
    array([ 0.9, -1.9], dtype=float32)
    """

    _decoupled = False

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad
        )
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        name = type(self).__name__
        betas = group["betas"]
        if len(betas) != 2 or not all(0.0 <= b < 1.0 for b in betas):
            raise ValueError(f"{name}: betas must be two numbers in [0, 1), got {betas}")
        if group["eps"] < 0:
            raise ValueError(f"{name}: eps must be >= 0, got {group['eps']}")
        if group["weight_decay"] < 0:
            raise ValueError(f"{name}: weight_decay must be >= 0, got {group['weight_decay']}")

    @no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; returns ``closure()`` if given."""
        loss = self.evaluate_closure(closure)
        for group in self.param_groups:
            lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
            amsgrad = group["amsgrad"]
            beta1, beta2 = group["betas"]
            for p in params_with_grad(group):
                g = p.grad  # never modified in place: it may be shared
                if wd and self._decoupled:
                    p.data *= 1.0 - lr * wd  # AdamW: shrink the weight itself
                elif wd:
                    g = g + wd * p.data
                st = self.state.get(p)
                if not st:
                    st = self.state[p] = {
                        "step": 0,
                        "exp_avg": np.zeros_like(p.data),
                        "exp_avg_sq": np.zeros_like(p.data),
                    }
                    if amsgrad:
                        st["max_exp_avg_sq"] = np.zeros_like(p.data)
                st["step"] += 1
                t = st["step"]
                m, v = st["exp_avg"], st["exp_avg_sq"]
                m *= beta1
                m += (1.0 - beta1) * g
                tmp = np.multiply(g, g)  # the one scratch array of this update
                tmp *= 1.0 - beta2
                v *= beta2
                v += tmp
                if amsgrad:
                    vmax = st.setdefault("max_exp_avg_sq", np.zeros_like(p.data))
                    np.maximum(vmax, v, out=vmax)
                    v = vmax
                np.sqrt(v, out=tmp)
                tmp /= math.sqrt(1.0 - beta2**t)
                tmp += eps  # tmp = denominator
                np.divide(m, tmp, out=tmp)
                tmp *= lr / (1.0 - beta1**t)
                p.data -= tmp
        return loss


class AdamW(Adam):
    """Adam with *decoupled* weight decay (Loshchilov & Hutter, 2019).

    Instead of adding ``weight_decay * w`` to the gradient (where Adam's
    scaling would weaken it), each step first shrinks the weight directly:
    ``w <- w * (1 - lr * weight_decay)``, then applies the Adam update.

    Parameters
    ----------
    params, lr, betas, eps, amsgrad
        As in :class:`Adam`.
    weight_decay : float
        Decoupled decay coefficient (default 0.01, as PyTorch).

    Examples
    --------
    >>> from retrograd import nn, optim
    >>> model = nn.Linear(4, 2)
    >>> opt = optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    """

    _decoupled = True

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.01,
        amsgrad: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)
