"""Loss modules (thin wrappers over :mod:`retrograd.nn.functional`)."""

from __future__ import annotations

from typing import Any

from retrograd.nn import functional as F
from retrograd.nn.module import Module
from retrograd.tensor import Tensor


class _Loss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = reduction

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    """Mean squared error."""

    def forward(self, pred: Tensor, target: Any) -> Tensor:
        return F.mse_loss(pred, target, self.reduction)


class HalfSSELoss(Module):
    """The textbook error E = 1/2 sum (t - o)^2."""

    def forward(self, pred: Tensor, target: Any) -> Tensor:
        return F.half_sse_loss(pred, target)


class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy from logits; integer labels or probability targets."""

    def forward(self, logits: Tensor, target: Any) -> Tensor:
        return F.cross_entropy(logits, target, self.reduction)


class NLLLoss(_Loss):
    """Negative log-likelihood of log-probabilities."""

    def forward(self, logp: Tensor, target: Any) -> Tensor:
        return F.nll_loss(logp, target, self.reduction)


class BCELoss(_Loss):
    """Binary cross-entropy from probabilities."""

    def forward(self, p: Tensor, target: Any) -> Tensor:
        return F.binary_cross_entropy(p, target, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy from logits (fused, stable)."""

    def forward(self, z: Tensor, target: Any) -> Tensor:
        return F.binary_cross_entropy_with_logits(z, target, self.reduction)


class HuberLoss(_Loss):
    """Huber loss with threshold ``delta``."""

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        self.delta = delta

    def forward(self, pred: Tensor, target: Any) -> Tensor:
        return F.huber_loss(pred, target, self.reduction, self.delta)


#: loss name -> module class (CLI, explain, estimators)
LOSSES: dict[str, type[Module]] = {
    "mse": MSELoss, "half_sse": HalfSSELoss, "sse": HalfSSELoss,
    "cross_entropy": CrossEntropyLoss, "nll": NLLLoss, "bce": BCELoss,
    "bce_with_logits": BCEWithLogitsLoss, "huber": HuberLoss,
}  # fmt: skip
