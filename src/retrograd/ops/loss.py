"""Fused losses: each computes a loss and its gradient in one numerically stable node.

``reduction``: ``'mean'`` (default), ``'sum'`` or ``'none'`` (per-sample values).
"""

from __future__ import annotations

import numpy as np

from retrograd.function import Function
from retrograd.ops.activation import log_softmax_array, stable_sigmoid
from retrograd.ops.rowwise import flat_view, label_positions

_REDUCTIONS = ("mean", "sum", "none")


def _check_reduction(name: str, reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{name}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def _reduce(values: np.ndarray, reduction: str, scale: float = 1.0) -> np.ndarray:
    """``scale * reduction(values)`` as a 0-d array of ``values``' dtype (or ``values``).

    (``np.add.reduce`` rather than ``.sum()``/``.mean()``: the same sum without their
    Python-level wrappers, which cost more than the sum itself for small losses.)
    """
    if reduction == "none":
        return values if scale == 1.0 else values * values.dtype.type(scale)
    total = np.add.reduce(values, axis=None)
    if reduction == "mean":
        total = total / values.size if values.size else np.nan
    return np.asarray(total * scale if scale != 1.0 else total, dtype=values.dtype)


def _scale(reduction: str, count: int) -> float:
    return 1.0 / max(count, 1) if reduction == "mean" else 1.0


class MSELoss(Function):
    """L = scale * reduce((pred - target)^2)

    ``scale=0.5`` with ``reduction="sum"`` is the textbook error E = 1/2 sum (t - o)^2,
    as one node whose gradient is simply o - t.

    Shape
    -----
    pred and target: the same shape ``(*)``.
    """

    def forward(self, pred, target, reduction="mean", scale=1.0):
        _check_reduction("mse_loss", reduction)
        if pred.shape != target.shape:
            raise ValueError(
                f"mse_loss: prediction shape {pred.shape} and target shape {target.shape} differ"
            )
        diff = pred - target
        self.reduction, self.scale = reduction, scale
        self.save_for_backward(diff)
        return _reduce(diff * diff, reduction, scale)

    def backward(self, g):
        (diff,) = self.saved
        # dL/dpred = 2 scale (pred - t) (/ n for the mean)
        factor = 2.0 * self.scale * _scale(self.reduction, diff.size)
        if g.ndim == 0:  # a scalar loss: one multiplication by a Python float
            grad = diff * diff.dtype.type(float(g) * factor)
        else:
            grad = diff * (g * factor)
        return grad, (-grad if self.needs_grad(1) else None)


class CrossEntropyLoss(Function):
    """Softmax cross-entropy from logits, through log-sum-exp.

    L_n = -log softmax(z_n)[y_n] for integer labels, or -sum_c p_nc log softmax(z_n)_c for
    probability targets. Backward is the classic (softmax(z) - onehot(y)) / N.

    Shape
    -----
    logits: ``(N, C)``; target: ``(N,)`` integer class indices or ``(N, C)`` probabilities.
    """

    def forward(self, logits, target, reduction="mean"):
        _check_reduction("cross_entropy", reduction)
        if logits.ndim != 2:
            raise ValueError(f"cross_entropy: logits must be (N, C), got shape {logits.shape}")
        n, c = logits.shape
        logp = log_softmax_array(logits, axis=1)
        self.reduction = reduction
        if target.dtype.kind in "iu":
            if target.shape != (n,):
                raise ValueError(
                    f"cross_entropy: logits of shape {logits.shape} need integer targets of "
                    f"shape ({n},), got {target.shape}"
                )
            # one pass: seen as unsigned, a negative label is huge, so max >= c catches both
            if n and np.maximum.reduce(target.view(f"u{target.itemsize}"), axis=None) >= c:
                raise ValueError(
                    f"cross_entropy: class labels must lie in [0, {c - 1}], got "
                    f"[{target.min()}, {target.max()}]"
                )
            self.labels = True
            found = label_positions(logp, target)
            if found is None:  # (logp is normally a fresh C- or F-ordered array)
                logp = np.ascontiguousarray(logp)
                found = label_positions(logp, target)
            flat, index = found  # index: each label entry's place, kept for backward
            picked = flat.take(index)  # log softmax(z_n)[y_n]
        else:
            if target.shape != logits.shape:
                raise ValueError(
                    f"cross_entropy: probability targets must have the logits' shape "
                    f"{logits.shape}, got {target.shape}"
                )
            self.labels = False
            index = None
            picked = (target * logp).sum(axis=1)  # sum_c p_nc log softmax(z_n)_c
        self.save_for_backward(logp, target, index)
        return _reduce(picked, reduction, -1.0)  # the losses -picked, reduced

    def backward(self, g):
        logp, target, index = self.saved
        n = logp.shape[0]
        grad = np.exp(logp)  # softmax(z), laid out as logp
        if self.labels:  # softmax - onehot, at the flat positions found in forward
            flat_view(grad)[index] -= 1.0
        else:
            grad -= target * 1.0  # softmax * sum(p) - p, with sum(p) = 1
            grad += np.exp(logp) * (target.sum(axis=1, keepdims=True) - 1.0)
        scale = _scale(self.reduction, n)
        rows = None  # dL/dloss per example, for reduction='none'
        if g.ndim == 0:  # a scalar loss: dL/dloss joins the one scaling pass
            scale *= float(g)
            grad *= scale
        else:
            rows = g[:, None]
            grad *= scale
            grad = grad * rows
        if self.labels or not self.needs_grad(1):
            return grad, None
        dtarget = -(logp * scale)
        return grad, dtarget if rows is None else dtarget * rows


class NLLLoss(Function):
    """L_n = -logp[n, y_n] given log-probabilities.

    Shape
    -----
    logp: ``(N, C)``; target: ``(N,)`` integer labels.
    """

    def forward(self, logp, target, reduction="mean"):
        _check_reduction("nll_loss", reduction)
        if logp.ndim != 2 or target.shape != (logp.shape[0],):
            raise ValueError(
                f"nll_loss: expected log-probabilities (N, C) and targets (N,), got "
                f"{logp.shape} and {target.shape}"
            )
        n, c = logp.shape
        if n and (target.min() < 0 or target.max() >= c):  # a -1 would silently wrap around
            raise ValueError(
                f"nll_loss: class labels must lie in [0, {c - 1}], got "
                f"[{target.min()}, {target.max()}]"
            )
        self.reduction, self.shape = reduction, logp.shape
        self.save_for_backward(target)
        return _reduce(-logp[np.arange(logp.shape[0]), target], reduction)

    def backward(self, g):
        (target,) = self.saved
        n = self.shape[0]
        grad = np.zeros(self.shape, dtype=g.dtype)
        g = np.broadcast_to(g, (n,)) if self.reduction == "none" else np.full(n, g)
        grad[np.arange(n), target] = -g * _scale(self.reduction, n)
        return grad, None


class BCEWithLogitsLoss(Function):
    """L = -[t log sigmoid(z) + (1 - t) log(1 - sigmoid(z))], from logits z.

    Computed as max(z, 0) - z t + log(1 + e^-|z|), finite for any z; its
    gradient is sigmoid(z) - t.

    Shape
    -----
    logits and target: the same shape ``(*)``.
    """

    def forward(self, z, target, reduction="mean"):
        _check_reduction("binary_cross_entropy_with_logits", reduction)
        if z.shape != target.shape:
            raise ValueError(
                f"binary_cross_entropy_with_logits: logits shape {z.shape} and target shape "
                f"{target.shape} differ"
            )
        self.reduction = reduction
        self.save_for_backward(z, target)
        losses = np.maximum(z, 0) - z * target + np.log1p(np.exp(-np.abs(z)))
        return _reduce(losses, reduction)

    def backward(self, g):
        z, target = self.saved
        s = _scale(self.reduction, z.size) * g
        # dL/dz = sigmoid(z) - t; dL/dt = -z
        return (stable_sigmoid(z) - target) * s, (-z * s if self.needs_grad(1) else None)


class BCELoss(Function):
    """L = -[t log p + (1 - t) log(1 - p)] from probabilities p (log clamped at -100 as PyTorch)"""

    def forward(self, p, target, reduction="mean"):
        _check_reduction("binary_cross_entropy", reduction)
        if p.shape != target.shape:
            raise ValueError(
                f"binary_cross_entropy: input shape {p.shape} and target shape {target.shape} "
                "differ"
            )
        if p.size and (p.min() < 0 or p.max() > 1):
            raise ValueError("binary_cross_entropy: inputs must be probabilities in [0, 1]")
        self.reduction = reduction
        self.save_for_backward(p, target)
        with np.errstate(divide="ignore"):
            logp = np.maximum(np.log(p), -100.0)
            log1mp = np.maximum(np.log1p(-p), -100.0)
        return _reduce(-(target * logp + (1 - target) * log1mp), reduction)

    def backward(self, g):
        p, target = self.saved
        s = _scale(self.reduction, p.size) * g
        eps = 1e-12
        dp = (p - target) / np.maximum(p * (1 - p), eps)  # dL/dp = (p - t) / (p (1 - p))
        if not self.needs_grad(1):
            return dp * s, None
        with np.errstate(divide="ignore"):
            dt = np.maximum(np.log1p(-p), -100.0) - np.maximum(np.log(p), -100.0)
        return dp * s, dt * s


class HuberLoss(Function):
    """L = 0.5 d^2 if |d| <= delta else delta (|d| - 0.5 delta), d = pred - target"""

    def forward(self, pred, target, reduction="mean", delta=1.0):
        _check_reduction("huber_loss", reduction)
        if pred.shape != target.shape:
            raise ValueError(
                f"huber_loss: prediction shape {pred.shape} and target shape {target.shape} differ"
            )
        d = pred - target
        self.reduction, self.delta = reduction, delta
        self.save_for_backward(d)
        ad = np.abs(d)
        return _reduce(np.where(ad <= delta, 0.5 * d * d, delta * (ad - 0.5 * delta)), reduction)

    def backward(self, g):
        (d,) = self.saved
        grad = np.clip(d, -self.delta, self.delta) * (_scale(self.reduction, d.size) * g)
        return grad, (-grad if self.needs_grad(1) else None)
