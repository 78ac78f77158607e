"""Pooling layers (max, average, adaptive average) and their functional forms.

The ops are in :mod:`retrograd.ops.pool`. The 1-d layers run the 2-d ops on a
height-1 image.
"""

from __future__ import annotations

from typing import Any

from retrograd import ops
from retrograd.nn.conv import IntOrSeq, ntuple
from retrograd.nn.module import Module
from retrograd.tensor import Tensor


def _lift(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def _pool_args(kernel_size, stride, padding, n):
    k = ntuple(kernel_size, n, "kernel_size")
    s = k if stride is None else ntuple(stride, n, "stride")
    p = ntuple(padding, n, "padding")
    return k, s, tuple((v, v) for v in p)


def _batched(x: Tensor, name: str, n_spatial: int) -> tuple[Tensor, bool]:
    x = _lift(x)
    if x.ndim not in (n_spatial + 1, n_spatial + 2):
        spatial = "L" if n_spatial == 1 else "H, W"
        raise ValueError(f"{name}: expected input (N, C, {spatial}), got shape {x.shape}")
    unbatched = x.ndim == n_spatial + 1
    return (x.unsqueeze(0) if unbatched else x), unbatched


def max_pool2d(
    x: Tensor,
    kernel_size: IntOrSeq,
    stride: IntOrSeq | None = None,
    padding: IntOrSeq = 0,
    dilation: IntOrSeq = 1,
    ceil_mode: bool = False,
) -> Tensor:
    """Max over each window; the gradient goes to the (first) maximum.

    ``ceil_mode=True`` rounds the output size up, so windows that run past the
    bottom/right edge still produce an output (PyTorch's ``ceil_mode``).

    Shape
    -----
    ``(N, C, H, W) -> (N, C, Ho, Wo)``; ``stride`` defaults to ``kernel_size``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> from retrograd.nn.functional import max_pool2d
    >>> max_pool2d(rg.tensor(np.arange(16.0).reshape(1, 1, 4, 4)), 2).data[0, 0]
    array([[ 5.,  7.],
           [13., 15.]], dtype=float32)
    """
    k, s, p = _pool_args(kernel_size, stride, padding, 2)
    d = ntuple(dilation, 2, "dilation")
    return ops.MaxPool2d.apply(
        _lift(x), kernel_size=k, stride=s, padding=p, dilation=d, ceil_mode=bool(ceil_mode)
    )


def avg_pool2d(
    x: Tensor,
    kernel_size: IntOrSeq,
    stride: IntOrSeq | None = None,
    padding: IntOrSeq = 0,
    count_include_pad: bool = True,
    ceil_mode: bool = False,
) -> Tensor:
    """Mean over each window (``ceil_mode``: round the output size up, as in PyTorch).

    Shape
    -----
    ``(N, C, H, W) -> (N, C, Ho, Wo)``; ``stride`` defaults to ``kernel_size``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> from retrograd.nn.functional import avg_pool2d
    >>> avg_pool2d(rg.tensor(np.ones((1, 1, 4, 4))), 2).shape
    (1, 1, 2, 2)
    """
    k, s, p = _pool_args(kernel_size, stride, padding, 2)
    return ops.AvgPool2d.apply(
        _lift(x),
        kernel_size=k,
        stride=s,
        padding=p,
        count_include_pad=count_include_pad,
        ceil_mode=bool(ceil_mode),
    )


def adaptive_avg_pool2d(x: Tensor, output_size: int | tuple[int | None, int | None]) -> Tensor:
    """Average over ``output_size`` bins that tile the image (``1``: global average pooling).

    Shape
    -----
    ``(N, C, H, W) -> (N, C, oh, ow)``; a ``None`` size keeps that input size.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> from retrograd.nn.functional import adaptive_avg_pool2d
    >>> adaptive_avg_pool2d(rg.tensor(np.ones((2, 3, 7, 7))), 1).shape
    (2, 3, 1, 1)
    """
    x = _lift(x)
    if isinstance(output_size, int):
        output_size = (output_size, output_size)
    if x.ndim != 4:
        raise ValueError(f"adaptive_avg_pool2d: expected input (N, C, H, W), got shape {x.shape}")
    oh, ow = (x.shape[2 + i] if v is None else int(v) for i, v in enumerate(output_size))
    if oh < 1 or ow < 1:
        raise ValueError(f"adaptive_avg_pool2d: output_size must be positive, got {output_size}")
    return ops.AdaptiveAvgPool2d.apply(x, output_size=(oh, ow))


class _Pool2d(Module):
    def __init__(
        self,
        kernel_size: IntOrSeq,
        stride: IntOrSeq | None = None,
        padding: IntOrSeq = 0,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__()
        self.ceil_mode = bool(ceil_mode)
        self.kernel_size = ntuple(kernel_size, 2, "kernel_size")
        self.stride = self.kernel_size if stride is None else ntuple(stride, 2, "stride")
        self.padding = ntuple(padding, 2, "padding")
        if any(p > k // 2 for p, k in zip(self.padding, self.kernel_size)):
            raise ValueError(
                f"{type(self).__name__}: padding {self.padding} must be at most half the "
                f"kernel size {self.kernel_size}"
            )

    def get_config(self) -> dict[str, Any]:
        """JSON-safe constructor arguments."""
        return {
            "kernel_size": list(self.kernel_size),
            "stride": list(self.stride),
            "padding": list(self.padding),
            "ceil_mode": self.ceil_mode,
        }

    def extra_repr(self) -> str:
        ceil = ", ceil_mode=True" if self.ceil_mode else ""
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}{ceil}"


class MaxPool2d(_Pool2d):
    """Keep the largest value of each ``kernel_size`` window.

    Parameters
    ----------
    kernel_size : int or (int, int)
    stride : int or (int, int), optional
        Defaults to ``kernel_size`` (non-overlapping windows).
    padding : int or (int, int)
        Implicit -inf padding on each side (at most half the kernel).
    dilation : int or (int, int)
    ceil_mode : bool
        Round the output size up instead of down.

    Shape
    -----
    ``(N, C, H, W)`` or ``(C, H, W)`` -> ``(N, C, Ho, Wo)``,
    ``Ho = (H + 2*pad - dilation*(k-1) - 1) // stride + 1`` (rounded up with ``ceil_mode``).

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> rg.nn.MaxPool2d(2)(rg.tensor(np.zeros((8, 6, 28, 28)))).shape
    (8, 6, 14, 14)
    """

    def __init__(
        self,
        kernel_size: IntOrSeq,
        stride: IntOrSeq | None = None,
        padding: IntOrSeq = 0,
        dilation: IntOrSeq = 1,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__(kernel_size, stride, padding, ceil_mode)
        self.dilation = ntuple(dilation, 2, "dilation")

    def forward(self, x: Tensor) -> Tensor:
        x, unbatched = _batched(x, type(self).__name__, 2)
        y = max_pool2d(
            x, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode
        )
        return y.squeeze(0) if unbatched else y

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "dilation": list(self.dilation)}


class AvgPool2d(_Pool2d):
    """Average each ``kernel_size`` window.

    Parameters
    ----------
    kernel_size : int or (int, int)
    stride : int or (int, int), optional
        Defaults to ``kernel_size``.
    padding : int or (int, int)
        Zero padding on each side (at most half the kernel).
    count_include_pad : bool
        Count padded zeros in the divisor (PyTorch's default).
    ceil_mode : bool
        Round the output size up instead of down.

    Shape
    -----
    ``(N, C, H, W)`` or ``(C, H, W)`` -> ``(N, C, Ho, Wo)``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> rg.nn.AvgPool2d(2)(rg.tensor(np.zeros((8, 6, 28, 28)))).shape
    (8, 6, 14, 14)
    """

    def __init__(
        self,
        kernel_size: IntOrSeq,
        stride: IntOrSeq | None = None,
        padding: IntOrSeq = 0,
        count_include_pad: bool = True,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__(kernel_size, stride, padding, ceil_mode)
        self.count_include_pad = bool(count_include_pad)

    def forward(self, x: Tensor) -> Tensor:
        x, unbatched = _batched(x, type(self).__name__, 2)
        y = avg_pool2d(
            x, self.kernel_size, self.stride, self.padding, self.count_include_pad, self.ceil_mode
        )
        return y.squeeze(0) if unbatched else y

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "count_include_pad": self.count_include_pad}


class MaxPool1d(MaxPool2d):
    """Max pooling over sequences: ``(N, C, L) -> (N, C, Lo)`` (a height-1 ``MaxPool2d``).

    Parameters
    ----------
    kernel_size : int
    stride : int, optional
        Defaults to ``kernel_size``.
    padding, dilation : int

    Shape
    -----
    ``(N, C, L)`` or ``(C, L)`` -> ``(N, C, Lo)``, ``Lo = (L + 2*pad - d*(k-1) - 1) // s + 1``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> rg.nn.MaxPool1d(2)(rg.tensor(np.zeros((4, 3, 10)))).shape
    (4, 3, 5)
    """

    def __init__(
        self,
        kernel_size: int,
        stride: int | None = None,
        padding: int = 0,
        dilation: int = 1,
        ceil_mode: bool = False,
    ) -> None:
        (k,) = ntuple(kernel_size, 1, "kernel_size")
        (s,) = (k,) if stride is None else ntuple(stride, 1, "stride")
        (p,), (d,) = ntuple(padding, 1, "padding"), ntuple(dilation, 1, "dilation")
        super().__init__((1, k), (1, s), (0, p), (1, d), ceil_mode)

    def forward(self, x: Tensor) -> Tensor:
        x, unbatched = _batched(x, type(self).__name__, 1)
        y = max_pool2d(
            x.unsqueeze(2),
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
            self.ceil_mode,
        )
        y = y.squeeze(2)
        return y.squeeze(0) if unbatched else y

    def get_config(self) -> dict[str, Any]:
        return {
            "kernel_size": self.kernel_size[1],
            "stride": self.stride[1],
            "padding": self.padding[1],
            "dilation": self.dilation[1],
            "ceil_mode": self.ceil_mode,
        }


class AvgPool1d(AvgPool2d):
    """Average pooling over sequences: ``(N, C, L) -> (N, C, Lo)`` (a height-1 ``AvgPool2d``).

    Parameters
    ----------
    kernel_size : int
    stride : int, optional
        Defaults to ``kernel_size``.
    padding : int
    count_include_pad : bool

    Shape
    -----
    ``(N, C, L)`` or ``(C, L)`` -> ``(N, C, Lo)``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> rg.nn.AvgPool1d(2)(rg.tensor(np.zeros((4, 3, 10)))).shape
    (4, 3, 5)
    """

    def __init__(
        self,
        kernel_size: int,
        stride: int | None = None,
        padding: int = 0,
        count_include_pad: bool = True,
        ceil_mode: bool = False,
    ) -> None:
        (k,) = ntuple(kernel_size, 1, "kernel_size")
        (s,) = (k,) if stride is None else ntuple(stride, 1, "stride")
        (p,) = ntuple(padding, 1, "padding")
        super().__init__((1, k), (1, s), (0, p), count_include_pad, ceil_mode)

    def forward(self, x: Tensor) -> Tensor:
        x, unbatched = _batched(x, type(self).__name__, 1)
        y = avg_pool2d(
            x.unsqueeze(2),
            self.kernel_size,
            self.stride,
            self.padding,
            self.count_include_pad,
            self.ceil_mode,
        ).squeeze(2)
        return y.squeeze(0) if unbatched else y

    def get_config(self) -> dict[str, Any]:
        return {
            "kernel_size": self.kernel_size[1],
            "stride": self.stride[1],
            "padding": self.padding[1],
            "count_include_pad": self.count_include_pad,
            "ceil_mode": self.ceil_mode,
        }


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed output size, whatever the input size.

    ``AdaptiveAvgPool2d(1)`` is global average pooling (one value per channel).

    Parameters
    ----------
    output_size : int or (int or None, int or None)
        Target ``(oh, ow)``; ``None`` keeps that input dimension.

    Shape
    -----
    ``(N, C, H, W)`` or ``(C, H, W)`` -> ``(N, C, oh, ow)``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> rg.nn.AdaptiveAvgPool2d((2, 3))(rg.tensor(np.zeros((4, 8, 9, 10)))).shape
    (4, 8, 2, 3)
    """

    def __init__(self, output_size: int | tuple[int | None, int | None]) -> None:
        super().__init__()
        if isinstance(output_size, int):
            output_size = (output_size, output_size)
        if len(output_size) != 2:
            raise ValueError(
                f"AdaptiveAvgPool2d: output_size must have 2 entries, got {output_size}"
            )
        self.output_size = tuple(None if v is None else int(v) for v in output_size)

    def forward(self, x: Tensor) -> Tensor:
        x, unbatched = _batched(x, type(self).__name__, 2)
        y = adaptive_avg_pool2d(x, self.output_size)
        return y.squeeze(0) if unbatched else y

    def get_config(self) -> dict[str, Any]:
        """JSON-safe constructor arguments."""
        return {"output_size": list(self.output_size)}

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"
