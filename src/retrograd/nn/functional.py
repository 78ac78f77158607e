"""``retrograd.nn.functional``: activations, losses, linear and dropout as functions.

Losses take ``reduction`` = ``'mean'`` | ``'sum'`` | ``'none'`` as in PyTorch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from retrograd import ops
from retrograd.functional import (  # noqa: F401  (re-exported)
    elu,
    gelu,
    leaky_relu,
    log_softmax,
    relu,
    sigmoid,
    softmax,
    softplus,
    tanh,
)
from retrograd.tensor import Tensor


def _pair(pred: Tensor, target: Any, name: str) -> tuple[Tensor, Tensor]:
    if not isinstance(pred, Tensor):
        pred = Tensor(pred)
    if isinstance(target, Tensor):
        if target.dtype.kind == "f" and target.dtype != pred.dtype:
            raise TypeError(f"{name}: prediction dtype {pred.dtype} and target dtype {target.dtype} differ")
        return pred, target
    arr = np.asarray(target)
    if arr.dtype.kind == "f" or (arr.dtype.kind in "iub" and name not in _LABEL_LOSSES):
        arr = arr.astype(pred.dtype)
    return pred, Tensor._make(arr, None, False)


_LABEL_LOSSES = ("cross_entropy", "nll_loss")


def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = x W^T + b. Shape: x ``(*, in)``, W ``(out, in)``, b ``(out,)`` -> ``(*, out)``."""
    return ops.Linear.apply(x, weight) if bias is None else ops.Linear.apply(x, weight, bias)


def dropout(
    x: Tensor, p: float = 0.5, training: bool = True, rng: np.random.Generator | None = None
) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by 1/(1-p) (inverted dropout)."""
    if not 0.0 <= p < 1.0:
        raise ValueError(f"dropout probability must be in [0, 1), got {p}")
    if not training or p == 0.0:
        return x
    rng = rng or np.random.default_rng()
    mask = (rng.random(x.shape) >= p).astype(x.dtype) * np.asarray(1.0 / (1.0 - p), x.dtype)
    return ops.Mul.apply(x, Tensor._make(mask, None, False))


def mse_loss(pred: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Mean squared error: reduce((pred - target)^2). Shape: both ``(*)``, equal."""
    pred, target = _pair(pred, target, "mse_loss")
    return ops.MSELoss.apply(pred, target, reduction=reduction)


def half_sse_loss(pred: Tensor, target: Any) -> Tensor:
    """The textbook error E = 1/2 * sum (t - o)^2 (summed over outputs and samples)."""
    return mse_loss(pred, target, reduction="sum") * 0.5


def cross_entropy(logits: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Softmax cross-entropy from logits (fused, via log-sum-exp).

    Shape: logits ``(N, C)``; target ``(N,)`` integer labels or ``(N, C)`` probabilities.
    """
    logits, target = _pair(logits, target, "cross_entropy")
    return ops.CrossEntropyLoss.apply(logits, target, reduction=reduction)


def nll_loss(logp: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of log-probabilities. Shape: ``(N, C)`` and ``(N,)`` labels."""
    logp, target = _pair(logp, target, "nll_loss")
    return ops.NLLLoss.apply(logp, target, reduction=reduction)


def binary_cross_entropy(p: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """BCE from probabilities in [0, 1]. Prefer the ``_with_logits`` form for stability."""
    p, target = _pair(p, target, "binary_cross_entropy")
    return ops.BCELoss.apply(p, target, reduction=reduction)


def binary_cross_entropy_with_logits(z: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """BCE of sigmoid(z), fused and finite for any logit z."""
    z, target = _pair(z, target, "binary_cross_entropy_with_logits")
    return ops.BCEWithLogitsLoss.apply(z, target, reduction=reduction)


def huber_loss(pred: Tensor, target: Any, reduction: str = "mean", delta: float = 1.0) -> Tensor:
    """Quadratic for |pred - target| <= delta, linear beyond."""
    pred, target = _pair(pred, target, "huber_loss")
    return ops.HuberLoss.apply(pred, target, reduction=reduction, delta=delta)
