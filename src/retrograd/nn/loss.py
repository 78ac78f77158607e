"""Loss modules: thin wrappers over :mod:`retrograd.nn.functional`.

Call them as ``loss_fn(prediction, target)`` (PyTorch's argument order). Each
stores its settings, so ``get_config()`` can describe it and ``LOSSES`` can
build one from a name.

Examples
--------
>>> import retrograd as rg
>>> from retrograd import nn
>>> loss_fn = nn.MSELoss()
>>> loss_fn(rg.tensor([1.0, 2.0]), [1.0, 0.0])
tensor(2.)
"""

from __future__ import annotations

from typing import Any

from retrograd.nn import functional as F
from retrograd.nn.module import Module
from retrograd.tensor import Tensor

_REDUCTIONS = ("mean", "sum", "none")


class _Loss(Module):
    """Base of losses with a ``reduction``: ``'mean'`` (default), ``'sum'`` or ``'none'``."""

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        if reduction not in _REDUCTIONS:
            raise ValueError(
                f"{type(self).__name__}: reduction must be one of {_REDUCTIONS}, got {reduction!r}"
            )
        self.reduction = reduction

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    """Mean squared error ``reduce((pred - target)^2)``.

    Parameters
    ----------
    reduction : {'mean', 'sum', 'none'}

    Shape
    -----
    pred ``(*)``, target ``(*)`` (equal) -> scalar, or ``(*)`` with ``'none'``.

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.nn.MSELoss(reduction="sum")(rg.tensor([1.0, 2.0]), [0.0, 0.0])
    tensor(5.)
    """

    def forward(self, pred: Tensor, target: Any) -> Tensor:
        return F.mse_loss(pred, target, self.reduction)


class HalfSSELoss(Module):
    """The textbook error ``E = 1/2 sum (t - o)^2`` (summed over outputs and samples).

    This is the error of the classic backpropagation derivations: its
    derivative is simply ``dE/do = o - t``.

    Shape
    -----
    pred ``(*)``, target ``(*)`` (equal) -> scalar.

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.nn.HalfSSELoss()(rg.tensor([0.75, 0.77]), [0.01, 0.99])
    tensor(0.298...)
    """

    def forward(self, pred: Tensor, target: Any) -> Tensor:
        return F.half_sse_loss(pred, target)


class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy from logits, with integer labels or probability targets.

    Fused with the softmax (log-sum-exp), so feed raw scores, not probabilities.

    Parameters
    ----------
    reduction : {'mean', 'sum', 'none'}
    label_smoothing : float
        In [0, 1]: targets become ``(1 - eps) * onehot + eps / C``.

    Shape
    -----
    logits ``(N, C)``; target ``(N,)`` integers in ``[0, C)`` or ``(N, C)``
    probabilities -> scalar, or ``(N,)`` with ``'none'``.

    Examples
    --------
    >>> import retrograd as rg
    >>> loss = rg.nn.CrossEntropyLoss()(rg.tensor([[0.0, 0.0]]), [1])
    >>> round(loss.item(), 4)       # log 2
    0.6931
    """

    def __init__(self, reduction: str = "mean", label_smoothing: float = 0.0) -> None:
        super().__init__(reduction)
        if not 0.0 <= label_smoothing <= 1.0:
            raise ValueError(
                f"CrossEntropyLoss: label_smoothing must be in [0, 1], got {label_smoothing}"
            )
        self.label_smoothing = float(label_smoothing)

    def forward(self, logits: Tensor, target: Any) -> Tensor:
        return F.cross_entropy(logits, target, self.reduction, self.label_smoothing)

    def extra_repr(self) -> str:
        extra = f", label_smoothing={self.label_smoothing}" if self.label_smoothing else ""
        return super().extra_repr() + extra


class NLLLoss(_Loss):
    """Negative log-likelihood of log-probabilities (use after ``LogSoftmax``).

    Shape
    -----
    logp ``(N, C)``, target ``(N,)`` integers -> scalar, or ``(N,)`` with ``'none'``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> round(rg.nn.NLLLoss()(rg.tensor(np.log([[0.25, 0.75]])), [1]).item(), 4)
    0.2877
    """

    def forward(self, logp: Tensor, target: Any) -> Tensor:
        return F.nll_loss(logp, target, self.reduction)


class BCELoss(_Loss):
    """Binary cross-entropy from probabilities (use after ``Sigmoid``).

    Prefer :class:`BCEWithLogitsLoss` on raw scores: it stays exact where the
    sigmoid saturates.

    Shape
    -----
    p ``(*)`` in [0, 1], target ``(*)`` (equal) -> scalar, or ``(*)`` with ``'none'``.

    Examples
    --------
    >>> import retrograd as rg
    >>> round(rg.nn.BCELoss()(rg.tensor([0.5]), [0.0]).item(), 4)
    0.6931
    """

    def forward(self, p: Tensor, target: Any) -> Tensor:
        return F.binary_cross_entropy(p, target, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy from logits: sigmoid and BCE fused, finite for any logit.

    Shape
    -----
    z ``(*)``, target ``(*)`` (equal) -> scalar, or ``(*)`` with ``'none'``.

    Examples
    --------
    >>> import retrograd as rg
    >>> round(rg.nn.BCEWithLogitsLoss()(rg.tensor([0.0]), [1.0]).item(), 4)
    0.6931
    """

    def forward(self, z: Tensor, target: Any) -> Tensor:
        return F.binary_cross_entropy_with_logits(z, target, self.reduction)


class HuberLoss(_Loss):
    """Huber loss: quadratic for ``|pred - target| <= delta``, linear beyond.

    Parameters
    ----------
    reduction : {'mean', 'sum', 'none'}
    delta : float
        Where the loss switches from quadratic to linear (> 0).

    Shape
    -----
    pred ``(*)``, target ``(*)`` (equal) -> scalar, or ``(*)`` with ``'none'``.

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.nn.HuberLoss(delta=1.0)(rg.tensor([3.0]), [0.0])
    tensor(2.5)
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        if delta <= 0:
            raise ValueError(f"HuberLoss: delta must be > 0, got {delta}")
        self.delta = float(delta)

    def forward(self, pred: Tensor, target: Any) -> Tensor:
        return F.huber_loss(pred, target, self.reduction, self.delta)

    def extra_repr(self) -> str:
        return super().extra_repr() + f", delta={self.delta}"


#: loss name -> module class (CLI, explain, estimators)
LOSSES: dict[str, type[Module]] = {
    "mse": MSELoss, "half_sse": HalfSSELoss, "sse": HalfSSELoss,
    "cross_entropy": CrossEntropyLoss, "nll": NLLLoss, "bce": BCELoss,
    "bce_with_logits": BCEWithLogitsLoss, "huber": HuberLoss,
}  # fmt: skip
