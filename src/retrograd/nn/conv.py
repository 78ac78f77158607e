"""Convolution layers ``Conv1d``/``Conv2d`` and their functional forms ``conv1d``/``conv2d``.

The math (im2col + GEMM forward, GEMM + col2im backward) lives in
:mod:`retrograd.ops.conv`; see ``docs/conv.md`` for a walk-through.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from retrograd import ops
from retrograd.backend import get_default_dtype
from retrograd.nn import init
from retrograd.nn.module import Module
from retrograd.nn.parameter import Parameter
from retrograd.tensor import Tensor

IntOrSeq = int | Sequence[int]
Padding = int | Sequence[int] | str


def ntuple(value: IntOrSeq, n: int, what: str) -> tuple[int, ...]:
    """``3 -> (3, 3)``; a sequence of length ``n`` passes through (as ints)."""
    if isinstance(value, (int, np.integer)):
        return (int(value),) * n
    out = tuple(int(v) for v in value)
    if len(out) != n:
        raise ValueError(f"{what} must be an int or a sequence of {n} ints, got {value!r}")
    return out


def resolve_padding(
    padding: Padding, kernel: tuple[int, ...], stride: tuple[int, ...], dilation: tuple[int, ...]
) -> tuple[tuple[int, int], ...]:
    """Per-axis ``(before, after)`` padding from an int, a tuple, ``'valid'`` or ``'same'``.

    ``'same'`` (stride 1 only) pads ``d*(k-1)`` in total per axis, the odd
    pixel going after, as PyTorch does, so the output keeps the input's size.
    """
    n = len(kernel)
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * n
        if padding == "same":
            if any(s != 1 for s in stride):
                raise ValueError("padding='same' is only supported with stride 1")
            totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
            return tuple((t // 2, t - t // 2) for t in totals)
        raise ValueError(f"padding must be an int, a tuple, 'valid' or 'same'; got {padding!r}")
    pads = ntuple(padding, n, "padding")
    if any(p < 0 for p in pads):
        raise ValueError(f"padding must be >= 0, got {padding!r}")
    return tuple((p, p) for p in pads)


def _as_input(x: Any, like: Tensor) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x, dtype=like.dtype)


def check_same_dtype(name: str, *tensors: Tensor | None) -> None:
    """Refuse to mix float32 and float64 tensors in one op (the dtype policy)."""
    dtypes = {t.dtype for t in tensors if t is not None and t.dtype.kind == "f"}
    if len(dtypes) > 1:
        raise TypeError(
            f"{name}: dtype mismatch {sorted(str(d) for d in dtypes)}; retrograd never mixes "
            "floating dtypes silently -- cast with .astype()"
        )


def conv2d(
    x: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: IntOrSeq = 1,
    padding: Padding = 0,
    dilation: IntOrSeq = 1,
    groups: int = 1,
) -> Tensor:
    """2-d convolution (cross-correlation, as in every deep-learning library).

    Shape
    -----
    x: ``(N, C, H, W)``; weight: ``(O, C/groups, kh, kw)``; bias: ``(O,)``;
    output ``(N, O, Ho, Wo)``, ``Ho = (H + 2*pad - dilation*(kh-1) - 1) // stride + 1``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> from retrograd.nn.functional import conv2d
    >>> x, w = rg.tensor(np.ones((1, 1, 4, 4))), rg.tensor(np.ones((1, 1, 3, 3)))
    >>> conv2d(x, w, padding=1).shape
    (1, 1, 4, 4)
    """
    x = _as_input(x, weight)
    check_same_dtype("conv2d", x, weight, bias)
    s, d = ntuple(stride, 2, "stride"), ntuple(dilation, 2, "dilation")
    pads = resolve_padding(padding, tuple(weight.shape[2:]), s, d)
    params = dict(stride=s, padding=pads, dilation=d, groups=int(groups))
    if bias is None:
        return ops.Conv2d.apply(x, weight, **params)
    return ops.Conv2d.apply(x, weight, bias, **params)


def conv1d(
    x: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: int = 1,
    padding: Padding = 0,
    dilation: int = 1,
    groups: int = 1,
) -> Tensor:
    """1-d convolution over sequences.

    Shape
    -----
    x: ``(N, C, L)``; weight: ``(O, C/groups, k)``; bias: ``(O,)``; output ``(N, O, Lo)``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> from retrograd.nn.functional import conv1d
    >>> conv1d(rg.tensor(np.ones((2, 3, 10))), rg.tensor(np.ones((4, 3, 3)))).shape
    (2, 4, 8)
    """
    x = _as_input(x, weight)
    check_same_dtype("conv1d", x, weight, bias)
    (s,), (d,) = ntuple(stride, 1, "stride"), ntuple(dilation, 1, "dilation")
    (pads,) = resolve_padding(padding, tuple(weight.shape[2:]), (s,), (d,))
    params = dict(stride=s, padding=pads, dilation=d, groups=int(groups))
    if bias is None:
        return ops.Conv1d.apply(x, weight, **params)
    return ops.Conv1d.apply(x, weight, bias, **params)


class _ConvNd(Module):
    """Shared constructor, initialisation, checks and config of Conv1d/Conv2d."""

    n_spatial = 2

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: IntOrSeq,
        stride: IntOrSeq = 1,
        padding: Padding = 0,
        dilation: IntOrSeq = 1,
        groups: int = 1,
        bias: bool = True,
        rng: np.random.Generator | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        n = self.n_spatial
        name = type(self).__name__
        if groups < 1 or in_channels % groups or out_channels % groups:
            raise ValueError(
                f"{name}: in_channels={in_channels} and out_channels={out_channels} must both "
                f"be divisible by groups={groups}"
            )
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = ntuple(kernel_size, n, "kernel_size")
        self.stride = ntuple(stride, n, "stride")
        self.dilation = ntuple(dilation, n, "dilation")
        self.padding = padding if isinstance(padding, str) else ntuple(padding, n, "padding")
        self._pads = resolve_padding(padding, self.kernel_size, self.stride, self.dilation)
        dt = dtype or get_default_dtype()
        shape = (out_channels, in_channels // groups) + self.kernel_size
        self.weight = Parameter(np.zeros(shape), dtype=dt)
        self.bias = Parameter(np.zeros(out_channels), dtype=dt) if bias else None
        self.reset_parameters(rng)

    def reset_parameters(self, rng: np.random.Generator | None = None) -> None:
        """PyTorch's default: W, b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = C/g * k."""
        fan_in = (self.in_channels // self.groups) * math.prod(self.kernel_size)
        bound = 1.0 / math.sqrt(fan_in) if fan_in else 0.0
        init.uniform_(self.weight, -bound, bound, rng)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound, rng)

    def _describe(self) -> str:
        k = self.kernel_size
        ks = k[0] if len(set(k)) == 1 else k
        return f"{type(self).__name__}({self.in_channels}, {self.out_channels}, kernel_size={ks})"

    def _check_input(self, x: Any) -> tuple[Tensor, bool]:
        """Lift, check channels/dtype, and add a batch axis to an unbatched input."""
        x = _as_input(x, self.weight)
        n = self.n_spatial
        spatial = "L" if n == 1 else "H, W"
        unbatched = x.ndim == n + 1
        if x.ndim not in (n + 1, n + 2) or x.shape[-n - 1] != self.in_channels:
            raise ValueError(
                f"{self._describe()}: expected input (N, {self.in_channels}, {spatial}), "
                f"got shape {x.shape}"
            )
        if x.dtype != self.weight.dtype:
            raise TypeError(
                f"{self._describe()}: input dtype {x.dtype} differs from the weights' "
                f"{self.weight.dtype}; cast with .astype() or model.astype()"
            )
        return (x.unsqueeze(0) if unbatched else x), unbatched

    def get_config(self) -> dict[str, Any]:
        """JSON-safe constructor arguments: ``type(self)(**layer.get_config())`` rebuilds it."""
        padding = self.padding if isinstance(self.padding, str) else list(self.padding)
        return {
            "in_channels": self.in_channels,
            "out_channels": self.out_channels,
            "kernel_size": list(self.kernel_size),
            "stride": list(self.stride),
            "padding": padding,
            "dilation": list(self.dilation),
            "groups": self.groups,
            "bias": self.bias is not None,
        }

    def extra_repr(self) -> str:
        parts = [f"{self.in_channels}, {self.out_channels}", f"kernel_size={self.kernel_size}"]
        if any(s != 1 for s in self.stride):
            parts.append(f"stride={self.stride}")
        if isinstance(self.padding, str) or any(self.padding):
            parts.append(f"padding={self.padding!r}")
        if any(d != 1 for d in self.dilation):
            parts.append(f"dilation={self.dilation}")
        if self.groups != 1:
            parts.append(f"groups={self.groups}")
        if self.bias is None:
            parts.append("bias=False")
        return ", ".join(parts)


class Conv2d(_ConvNd):
    """2-d convolution layer: learnable filters slid over an image.

    Parameters
    ----------
    in_channels, out_channels : int
        Channels of the input and of the output (= number of filters).
    kernel_size : int or (int, int)
        Filter height and width.
    stride : int or (int, int)
        Step between neighbouring windows.
    padding : int, (int, int), 'valid' or 'same'
        Zeros added on each side ('same' keeps H and W at stride 1).
    dilation : int or (int, int)
        Spacing between filter taps.
    groups : int
        Split channels into independent groups (``groups=in_channels``: depthwise).
    bias : bool
        Learn one additive bias per output channel.
    rng : numpy.random.Generator, optional
        Generator for the initial weights.
    dtype : optional
        Parameter dtype (float32 by default).

    Shape
    -----
    input ``(N, C_in, H, W)`` (or unbatched ``(C_in, H, W)``) -> output
    ``(N, C_out, Ho, Wo)``, ``Ho = (H + 2*pad - dilation*(kh-1) - 1) // stride + 1``;
    ``weight``: ``(C_out, C_in/groups, kh, kw)``; ``bias``: ``(C_out,)``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> conv = rg.nn.Conv2d(1, 6, kernel_size=5, padding=2, rng=np.random.default_rng(0))
    >>> conv(rg.tensor(np.zeros((8, 1, 28, 28)))).shape
    (8, 6, 28, 28)
    """

    n_spatial = 2

    def forward(self, x: Tensor) -> Tensor:
        x, unbatched = self._check_input(x)
        params = dict(
            stride=self.stride, padding=self._pads, dilation=self.dilation, groups=self.groups
        )
        if self.bias is None:
            y = ops.Conv2d.apply(x, self.weight, **params)
        else:
            y = ops.Conv2d.apply(x, self.weight, self.bias, **params)
        return y.squeeze(0) if unbatched else y


class Conv1d(_ConvNd):
    """1-d convolution layer over sequences (signals, text embeddings, time series).

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int
    stride, dilation : int
    padding : int, 'valid' or 'same'
    groups : int
    bias : bool
    rng : numpy.random.Generator, optional
    dtype : optional
        See :class:`Conv2d`.

    Shape
    -----
    input ``(N, C_in, L)`` (or unbatched ``(C_in, L)``) -> output ``(N, C_out, Lo)``,
    ``Lo = (L + 2*pad - dilation*(k-1) - 1) // stride + 1``;
    ``weight``: ``(C_out, C_in/groups, k)``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> conv = rg.nn.Conv1d(3, 8, kernel_size=3, padding="same")
    >>> conv(rg.tensor(np.zeros((2, 3, 50)))).shape
    (2, 8, 50)
    """

    n_spatial = 1

    def forward(self, x: Tensor) -> Tensor:
        x, unbatched = self._check_input(x)
        params = dict(
            stride=self.stride[0],
            padding=self._pads[0],
            dilation=self.dilation[0],
            groups=self.groups,
        )
        if self.bias is None:
            y = ops.Conv1d.apply(x, self.weight, **params)
        else:
            y = ops.Conv1d.apply(x, self.weight, self.bias, **params)
        return y.squeeze(0) if unbatched else y
