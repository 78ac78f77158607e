"""Normalisation layers: ``BatchNorm1d/2d``, ``LayerNorm``, ``GroupNorm``, and functional forms.

The fused ops and their backward derivation are in :mod:`retrograd.ops.norm`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from retrograd import ops
from retrograd.backend import get_default_dtype
from retrograd.nn.conv import check_same_dtype
from retrograd.nn.module import Module
from retrograd.nn.parameter import Parameter
from retrograd.tensor import Tensor


def batch_norm(
    x: Tensor,
    running_mean: np.ndarray | None,
    running_var: np.ndarray | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Batch normalisation over axis 1 (channels), as ``torch.nn.functional.batch_norm``.

    In training (or without running statistics) each channel is standardised
    with the batch's own mean and variance, and the running arrays, if given,
    are updated in place. Otherwise the running statistics are used:
    ``y = (x - running_mean) / sqrt(running_var + eps) * weight + bias``.

    Shape
    -----
    x: ``(N, C)`` or ``(N, C, *)``; running stats, weight, bias: ``(C,)``; output like x.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> from retrograd.nn.functional import batch_norm
    >>> x = rg.tensor(np.random.default_rng(0).normal(3.0, 2.0, (64, 4)))
    >>> y = batch_norm(x, None, None, training=True)
    >>> bool(np.allclose(y.data.mean(axis=0), 0, atol=1e-5))
    True
    """
    if not isinstance(x, Tensor):
        x = Tensor(x)
    check_same_dtype("batch_norm", x, weight, bias)
    affine = [] if weight is None else [weight] if bias is None else [weight, bias]
    if training or running_mean is None or running_var is None:
        return ops.BatchNorm.apply(
            x,
            *affine,
            eps=eps,
            running_mean=running_mean if training else None,
            running_var=running_var if training else None,
            momentum=momentum,
        )
    if x.ndim < 2 or x.shape[1] != running_mean.shape[0]:
        raise ValueError(
            f"batch_norm: input of shape {x.shape} does not have {running_mean.shape[0]} "
            "channels on axis 1"
        )
    # evaluation: a fixed per-channel affine map built from the running statistics
    bshape = (1, -1) + (1,) * (x.ndim - 2)
    inv_std = (1.0 / np.sqrt(running_var + eps)).astype(x.dtype).reshape(bshape)
    y = (x - running_mean.astype(x.dtype).reshape(bshape)) * inv_std
    if weight is not None:
        y = y * weight.reshape(bshape)
    if bias is not None:
        y = y + bias.reshape(bshape)
    return y


def layer_norm(
    x: Tensor,
    normalized_shape: int | Sequence[int],
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Standardise each sample over its last ``len(normalized_shape)`` axes.

    Shape
    -----
    x: ``(*, *normalized_shape)``; weight, bias: ``normalized_shape``; output like x.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> from retrograd.nn.functional import layer_norm
    >>> y = layer_norm(rg.tensor(np.arange(6.0).reshape(2, 3)), 3)
    >>> bool(np.allclose(y.data.std(axis=1), 1, atol=1e-3))
    True
    """
    if not isinstance(x, Tensor):
        x = Tensor(x)
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if tuple(x.shape[x.ndim - len(shape) :]) != shape or x.ndim < len(shape):
        raise ValueError(
            f"layer_norm: input of shape {x.shape} does not end in normalized_shape {shape}"
        )
    check_same_dtype("layer_norm", x, weight, bias)
    affine = [] if weight is None else [weight] if bias is None else [weight, bias]
    return ops.LayerNorm.apply(x, *affine, normalized_ndim=len(shape), eps=eps)


class _BatchNorm(Module):
    """Shared state and forward of BatchNorm1d/BatchNorm2d."""

    #: allowed input ranks, and how they are written in errors
    ranks: tuple[int, ...] = ()
    layout = ""

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.num_features, self.eps, self.momentum = int(num_features), float(eps), momentum
        self.affine, self.track_running_stats = bool(affine), bool(track_running_stats)
        dt = np.dtype(dtype or get_default_dtype())
        self.weight = Parameter(np.ones(num_features), dtype=dt) if affine else None
        self.bias = Parameter(np.zeros(num_features), dtype=dt) if affine else None
        if track_running_stats:
            self.register_buffer("running_mean", np.zeros(num_features, dtype=dt))
            self.register_buffer("running_var", np.ones(num_features, dtype=dt))
            self.register_buffer("num_batches_tracked", np.zeros((), dtype=np.int64))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        """Running mean 0, running variance 1, counter 0."""
        if self.track_running_stats:
            self.running_mean = np.zeros_like(self.running_mean)
            self.running_var = np.ones_like(self.running_var)
            self.num_batches_tracked = np.zeros((), dtype=np.int64)

    def forward(self, x: Tensor) -> Tensor:
        if not isinstance(x, Tensor):
            x = Tensor(x, dtype=self.weight.dtype if self.affine else None)
        name = f"{type(self).__name__}({self.num_features})"
        if x.ndim not in self.ranks or x.shape[1] != self.num_features:
            raise ValueError(
                f"{name}: expected input {self.layout.format(C=self.num_features)}, "
                f"got shape {x.shape}"
            )
        use_batch_stats = self.training or not self.track_running_stats
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked = self.num_batches_tracked + 1
            if self.momentum is None:  # cumulative moving average
                momentum = 1.0 / float(self.num_batches_tracked)
        return batch_norm(
            x,
            self.running_mean,
            self.running_var,
            self.weight,
            self.bias,
            training=use_batch_stats,
            momentum=momentum,
            eps=self.eps,
        )

    def get_config(self) -> dict[str, Any]:
        """JSON-safe constructor arguments."""
        return {
            "num_features": self.num_features,
            "eps": self.eps,
            "momentum": self.momentum,
            "affine": self.affine,
            "track_running_stats": self.track_running_stats,
        }

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of features (Ioffe & Szegedy, 2015).

    In ``train()`` mode each feature is standardised with the mean and
    variance of the current batch, then scaled by ``weight`` (gamma) and
    shifted by ``bias`` (beta); running estimates of the mean and (unbiased)
    variance are updated as ``r = (1 - momentum) r + momentum * batch_stat``
    (``momentum=None``: a plain cumulative average). In ``eval()`` mode the
    running estimates are used instead, so the output no longer depends on the
    rest of the batch.

    Parameters
    ----------
    num_features : int
        C, the number of features/channels.
    eps : float
        Added to the variance for numerical stability.
    momentum : float or None
        Weight of the newest batch in the running statistics.
    affine : bool
        Learn gamma and beta.
    track_running_stats : bool
        Keep running statistics (otherwise batch statistics are used in eval too).
    dtype : optional
        Parameter dtype (float32 by default).

    Shape
    -----
    ``(N, C)`` or ``(N, C, L)`` -> same shape. Buffers ``running_mean``,
    ``running_var``: ``(C,)``; ``num_batches_tracked``: ``()``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> bn = rg.nn.BatchNorm1d(4)
    >>> y = bn(rg.tensor(np.random.default_rng(0).normal(5.0, 3.0, (32, 4))))
    >>> bool(np.allclose(y.data.mean(axis=0), 0, atol=1e-5)), bn.running_mean.shape
    (True, (4,))
    """

    ranks = (2, 3)
    layout = "(N, {C}) or (N, {C}, L)"


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of image channels: statistics over batch, height and width.

    Parameters
    ----------
    num_features : int
        C, the number of channels.
    eps, momentum, affine, track_running_stats, dtype
        As in :class:`BatchNorm1d`.

    Shape
    -----
    ``(N, C, H, W)`` -> same shape.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> bn = rg.nn.BatchNorm2d(6)
    >>> bn(rg.tensor(np.zeros((8, 6, 14, 14)))).shape
    (8, 6, 14, 14)
    """

    ranks = (4,)
    layout = "(N, {C}, H, W)"


class LayerNorm(Module):
    """Layer normalisation (Ba et al., 2016): standardise each sample over its last axes.

    Unlike batch norm it uses no batch statistics, so it behaves the same in
    training and evaluation and works for any batch size.

    Parameters
    ----------
    normalized_shape : int or sequence of int
        The trailing shape to normalise over (e.g. the feature size).
    eps : float
        Added to the variance for numerical stability.
    elementwise_affine : bool
        Learn a per-element ``weight`` (ones) and ``bias`` (zeros).
    bias : bool
        Learn the bias (when ``elementwise_affine``).
    dtype : optional
        Parameter dtype (float32 by default).

    Shape
    -----
    ``(*, *normalized_shape)`` -> same shape; ``weight``, ``bias``: ``normalized_shape``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> ln = rg.nn.LayerNorm(8)
    >>> ln(rg.tensor(np.zeros((2, 5, 8)))).shape
    (2, 5, 8)
    """

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        if isinstance(normalized_shape, (int, np.integer)):
            normalized_shape = (int(normalized_shape),)
        self.normalized_shape = tuple(int(n) for n in normalized_shape)
        self.eps, self.elementwise_affine = float(eps), bool(elementwise_affine)
        dt = np.dtype(dtype or get_default_dtype())
        affine = self.elementwise_affine
        self.weight = Parameter(np.ones(self.normalized_shape), dtype=dt) if affine else None
        has_bias = affine and bias
        self.bias = Parameter(np.zeros(self.normalized_shape), dtype=dt) if has_bias else None

    def forward(self, x: Tensor) -> Tensor:
        if not isinstance(x, Tensor):
            x = Tensor(x, dtype=None if self.weight is None else self.weight.dtype)
        k = len(self.normalized_shape)
        if x.ndim < k or tuple(x.shape[x.ndim - k :]) != self.normalized_shape:
            raise ValueError(
                f"LayerNorm({self.normalized_shape}): expected input (*, "
                f"{', '.join(map(str, self.normalized_shape))}), got shape {x.shape}"
            )
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def get_config(self) -> dict[str, Any]:
        """JSON-safe constructor arguments."""
        return {
            "normalized_shape": list(self.normalized_shape),
            "eps": self.eps,
            "elementwise_affine": self.elementwise_affine,
            "bias": self.bias is not None,
        }

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
        )


def group_norm(
    x: Tensor,
    num_groups: int,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Standardise each sample over groups of channels (and all spatial positions).

    Runs as a layer norm over the last axis of ``x`` reshaped to
    ``(N, G, C/G * prod(spatial))``, then a per-channel scale and shift.

    Shape
    -----
    x: ``(N, C, *)``; weight, bias: ``(C,)``; output like x.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> from retrograd.nn.functional import group_norm
    >>> group_norm(rg.tensor(np.random.default_rng(0).normal(size=(2, 4, 3, 3))), 2).shape
    (2, 4, 3, 3)
    """
    if not isinstance(x, Tensor):
        x = Tensor(x)
    check_same_dtype("group_norm", x, weight, bias)
    if x.ndim < 2 or num_groups < 1 or x.shape[1] % num_groups:
        raise ValueError(
            f"group_norm: input of shape {x.shape} needs (N, C, *) with C divisible by "
            f"num_groups={num_groups}"
        )
    grouped = x.reshape(x.shape[0], num_groups, -1)
    y = ops.LayerNorm.apply(grouped, normalized_ndim=1, eps=eps).reshape(x.shape)
    bshape = (1, -1) + (1,) * (x.ndim - 2)
    if weight is not None:
        y = y * weight.reshape(bshape)
    if bias is not None:
        y = y + bias.reshape(bshape)
    return y


class GroupNorm(Module):
    """Group normalisation (Wu & He, 2018): statistics per sample over channel groups.

    Like layer norm it uses no batch statistics (same in train and eval, any
    batch size); ``num_groups=1`` normalises over all channels,
    ``num_groups=C`` is instance normalisation.

    Parameters
    ----------
    num_groups : int
        G; must divide ``num_channels``.
    num_channels : int
        C.
    eps : float
        Added to the variance for numerical stability.
    affine : bool
        Learn a per-channel ``weight`` (ones) and ``bias`` (zeros).
    dtype : optional
        Parameter dtype (float32 by default).

    Shape
    -----
    ``(N, C, *)`` -> same shape; ``weight``, ``bias``: ``(C,)``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> gn = rg.nn.GroupNorm(2, 6)
    >>> gn(rg.tensor(np.zeros((4, 6, 5, 5)))).shape
    (4, 6, 5, 5)
    """

    def __init__(
        self,
        num_groups: int,
        num_channels: int,
        eps: float = 1e-5,
        affine: bool = True,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        if num_groups < 1 or num_channels % num_groups:
            raise ValueError(
                f"GroupNorm: num_channels={num_channels} must be divisible by "
                f"num_groups={num_groups}"
            )
        self.num_groups, self.num_channels = int(num_groups), int(num_channels)
        self.eps, self.affine = float(eps), bool(affine)
        dt = np.dtype(dtype or get_default_dtype())
        self.weight = Parameter(np.ones(num_channels), dtype=dt) if affine else None
        self.bias = Parameter(np.zeros(num_channels), dtype=dt) if affine else None

    def forward(self, x: Tensor) -> Tensor:
        if not isinstance(x, Tensor):
            x = Tensor(x, dtype=None if self.weight is None else self.weight.dtype)
        if x.ndim < 2 or x.shape[1] != self.num_channels:
            raise ValueError(
                f"GroupNorm({self.num_groups}, {self.num_channels}): expected input "
                f"(N, {self.num_channels}, *), got shape {x.shape}"
            )
        return group_norm(x, self.num_groups, self.weight, self.bias, self.eps)

    def get_config(self) -> dict[str, Any]:
        """JSON-safe constructor arguments."""
        return {
            "num_groups": self.num_groups,
            "num_channels": self.num_channels,
            "eps": self.eps,
            "affine": self.affine,
        }

    def extra_repr(self) -> str:
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}"
