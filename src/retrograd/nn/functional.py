"""``retrograd.nn.functional``: activations, losses, linear and dropout as functions.

Losses take ``reduction`` = ``'mean'`` (default) | ``'sum'`` | ``'none'`` as in
PyTorch, and compare prediction and target shapes strictly (no silent
broadcasting of ``(N, 1)`` against ``(N,)``): a mismatch raises ``ValueError``
naming both shapes and the loss. Each loss is one fused, numerically stable op
in :mod:`retrograd.ops.loss`.

Targets may be Tensors or arrays; floating targets take the prediction's dtype
(a float64 *Tensor* against float32 predictions is refused, as everywhere).
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
from retrograd.nn.conv import conv1d, conv2d  # noqa: F401  (re-exported)
from retrograd.nn.embedding import embedding  # noqa: F401
from retrograd.nn.norm import batch_norm, group_norm, layer_norm  # noqa: F401
from retrograd.nn.pool import adaptive_avg_pool2d, avg_pool2d, max_pool2d  # noqa: F401
from retrograd.tensor import Tensor

_LABEL_LOSSES = ("cross_entropy", "nll_loss")


def _pair(pred: Any, target: Any, name: str) -> tuple[Tensor, Tensor]:
    """Lift ``pred``/``target`` to tensors; cast non-label targets to the prediction's dtype."""
    if not isinstance(pred, Tensor):
        pred = Tensor(pred)
    if pred.dtype.kind != "f":
        raise TypeError(
            f"{name}: the prediction must be floating point, got dtype {pred.dtype} "
            f"(shape {pred.shape})"
        )
    if isinstance(target, Tensor):
        if target.dtype.kind == "f" and target.dtype != pred.dtype:
            raise TypeError(
                f"{name}: prediction dtype {pred.dtype} and target dtype {target.dtype} differ; "
                "cast one with .astype()"
            )
        if target.dtype.kind in "iub" and name not in _LABEL_LOSSES:
            target = Tensor._make(target.data.astype(pred.dtype), None, False)
        return pred, target
    arr = np.asarray(target)
    if arr.dtype.kind == "f" or (arr.dtype.kind in "iub" and name not in _LABEL_LOSSES):
        arr = arr.astype(pred.dtype, copy=False)
    return pred, Tensor._make(arr, None, False)


def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """Fully connected map ``y = x W^T + b`` (one fused op).

    Shape
    -----
    x ``(*, in)``, weight ``(out, in)``, bias ``(out,)`` -> ``(*, out)``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> x, w = rg.tensor(np.ones((4, 3))), rg.tensor(np.ones((2, 3)))
    >>> rg.nn.functional.linear(x, w).shape
    (4, 2)
    """
    return ops.Linear.apply(x, weight) if bias is None else ops.Linear.apply(x, weight, bias)


def dropout(
    x: Tensor, p: float = 0.5, training: bool = True, rng: np.random.Generator | None = None
) -> Tensor:
    """Inverted dropout: zero each element with probability ``p``, scale the rest by 1/(1-p).

    Parameters
    ----------
    x : Tensor
    p : float
        Drop probability in [0, 1).
    training : bool
        When False, return ``x`` unchanged.
    rng : numpy.random.Generator, optional
        Defaults to the generator of :func:`retrograd.nn.init.manual_seed`.

    Shape
    -----
    ``(*)`` -> ``(*)``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> rg.nn.functional.dropout(rg.tensor(np.ones(3)), 0.5, training=False)
    tensor([1., 1., 1.])
    """
    if not 0.0 <= p < 1.0:
        raise ValueError(f"dropout probability must be in [0, 1), got {p}")
    if not training or p == 0.0:
        return x
    if rng is None:
        from retrograd.nn.init import default_rng

        rng = default_rng()
    mask = (rng.random(x.shape) >= p).astype(x.dtype)
    mask *= np.asarray(1.0 / (1.0 - p), x.dtype)
    return ops.Mul.apply(x, Tensor._make(mask, None, False))


def mse_loss(pred: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Mean squared error ``reduce((pred - target)^2)``.

    Parameters
    ----------
    pred : Tensor
        Predictions.
    target : Tensor or array_like
        Targets, the same shape as ``pred``.
    reduction : {'mean', 'sum', 'none'}

    Shape
    -----
    pred ``(*)``, target ``(*)`` (equal) -> scalar, or ``(*)`` with ``'none'``.

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.nn.functional.mse_loss(rg.tensor([1.0, 2.0]), [0.0, 0.0])
    tensor(2.5)
    """
    pred, target = _pair(pred, target, "mse_loss")
    return ops.MSELoss.apply(pred, target, reduction=reduction)


def half_sse_loss(pred: Tensor, target: Any) -> Tensor:
    """The textbook error ``E = 1/2 * sum (t - o)^2``, summed over outputs and samples.

    The 1/2 cancels the 2 of the derivative: ``dE/do = o - t``.

    Shape
    -----
    pred ``(*)``, target ``(*)`` (equal) -> scalar.

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.nn.functional.half_sse_loss(rg.tensor([1.0, 2.0]), [0.0, 0.0])
    tensor(2.5)
    """
    pred, target = _pair(pred, target, "half_sse_loss")
    return ops.MSELoss.apply(pred, target, reduction="sum", scale=0.5)  # one node


def cross_entropy(
    logits: Tensor, target: Any, reduction: str = "mean", label_smoothing: float = 0.0
) -> Tensor:
    """Softmax cross-entropy from raw scores (fused, via log-sum-exp).

    ``L_n = -log softmax(z_n)[y_n]`` for integer labels, or
    ``-sum_c p_nc log softmax(z_n)_c`` for probability targets. The gradient
    with respect to the logits is ``softmax(z) - onehot(y)`` (divided by N
    for ``'mean'``).

    Parameters
    ----------
    logits : Tensor
        Unnormalised scores -- do *not* apply softmax first.
    target : Tensor or array_like
        Integer class labels in ``[0, C)``, or class probabilities (rows summing to 1).
    reduction : {'mean', 'sum', 'none'}
    label_smoothing : float
        In [0, 1]: mix the targets with the uniform distribution,
        ``(1 - eps) * onehot + eps / C``.

    Shape
    -----
    logits ``(N, C)``; target ``(N,)`` integers or ``(N, C)`` probabilities ->
    scalar, or ``(N,)`` with ``'none'``.

    Examples
    --------
    >>> import retrograd as rg
    >>> z = rg.tensor([[2.0, 0.0, 0.0]], requires_grad=True)
    >>> loss = rg.nn.functional.cross_entropy(z, [0])
    >>> round(loss.item(), 4)
    0.2395
    """
    logits, target = _pair(logits, target, "cross_entropy")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    if label_smoothing:
        if logits.ndim != 2:
            raise ValueError(f"cross_entropy: logits must be (N, C), got shape {logits.shape}")
        n, c = logits.shape
        if target.dtype.kind in "iu":
            if target.shape != (n,):
                raise ValueError(
                    f"cross_entropy: logits of shape {logits.shape} need integer targets of "
                    f"shape ({n},), got {target.shape}"
                )
            if n and (target.data.min() < 0 or target.data.max() >= c):
                raise ValueError(f"cross_entropy: class labels must lie in [0, {c - 1}]")
            probs = np.zeros((n, c), dtype=logits.dtype)
            probs[np.arange(n), target.data] = 1.0
        else:
            probs = target.data
        probs = probs * (1.0 - label_smoothing) + label_smoothing / c
        target = Tensor._make(probs.astype(logits.dtype), None, False)
    return ops.CrossEntropyLoss.apply(logits, target, reduction=reduction)


def nll_loss(logp: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood ``L_n = -logp[n, y_n]`` of log-probabilities.

    ``nll_loss(log_softmax(z), y)`` equals ``cross_entropy(z, y)``.

    Parameters
    ----------
    logp : Tensor
        Log-probabilities, e.g. from :func:`log_softmax`.
    target : Tensor or array_like
        Integer class labels in ``[0, C)``.
    reduction : {'mean', 'sum', 'none'}

    Shape
    -----
    logp ``(N, C)``, target ``(N,)`` -> scalar, or ``(N,)`` with ``'none'``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> logp = rg.tensor(np.log([[0.5, 0.5]]))
    >>> round(rg.nn.functional.nll_loss(logp, [1]).item(), 4)
    0.6931
    """
    logp, target = _pair(logp, target, "nll_loss")
    if target.dtype.kind not in "iu":
        raise TypeError(
            f"nll_loss: targets must be integer class labels, got dtype {target.dtype} "
            f"(shape {target.shape})"
        )
    return ops.NLLLoss.apply(logp, target, reduction=reduction)


def binary_cross_entropy(p: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Binary cross-entropy ``-[t log p + (1 - t) log(1 - p)]`` from probabilities.

    Logs are clamped at -100 as in PyTorch. Prefer
    :func:`binary_cross_entropy_with_logits` on raw scores: it is exact where
    the sigmoid saturates.

    Shape
    -----
    p ``(*)`` in [0, 1], target ``(*)`` (equal) -> scalar, or ``(*)`` with ``'none'``.

    Examples
    --------
    >>> import retrograd as rg
    >>> round(rg.nn.functional.binary_cross_entropy(rg.tensor([0.5]), [1.0]).item(), 4)
    0.6931
    """
    p, target = _pair(p, target, "binary_cross_entropy")
    return ops.BCELoss.apply(p, target, reduction=reduction)


def binary_cross_entropy_with_logits(z: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Binary cross-entropy of ``sigmoid(z)``, fused and finite for any logit ``z``.

    Computed as ``max(z, 0) - z t + log(1 + e^-|z|)``; gradient ``sigmoid(z) - t``.

    Shape
    -----
    z ``(*)``, target ``(*)`` (equal) -> scalar, or ``(*)`` with ``'none'``.

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.nn.functional.binary_cross_entropy_with_logits(rg.tensor([1e4]), [0.0])
    tensor(10000.)
    """
    z, target = _pair(z, target, "binary_cross_entropy_with_logits")
    return ops.BCEWithLogitsLoss.apply(z, target, reduction=reduction)


def huber_loss(pred: Tensor, target: Any, reduction: str = "mean", delta: float = 1.0) -> Tensor:
    """Huber loss: ``0.5 d^2`` for ``|d| <= delta``, else ``delta (|d| - 0.5 delta)``.

    Quadratic near the target, linear beyond ``delta``: robust to outliers.

    Shape
    -----
    pred ``(*)``, target ``(*)`` (equal) -> scalar, or ``(*)`` with ``'none'``.

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.nn.functional.huber_loss(rg.tensor([0.5, 3.0]), [0.0, 0.0], reduction="none")
    tensor([0.125, 2.5  ])
    """
    if delta <= 0:
        raise ValueError(f"huber_loss: delta must be > 0, got {delta}")
    pred, target = _pair(pred, target, "huber_loss")
    return ops.HuberLoss.apply(pred, target, reduction=reduction, delta=delta)
