"""The functional API: one lowercase function per op, taking and returning Tensors.

``retrograd.exp(x)``, ``retrograd.concatenate([a, b])``, ... Each function lifts
its arguments to tensors and calls the op's ``apply``; the math lives in
:mod:`retrograd.ops`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from retrograd import ops
from retrograd.tensor import Tensor, tensor

TensorLike = Any


def _t(x: TensorLike, like: Tensor | None = None) -> Tensor:
    if isinstance(x, Tensor):
        return x if like is None else like._lift(x)
    if like is not None:
        return like._lift(x)
    return tensor(x)


def _same_dtype(xs: Sequence[TensorLike]) -> list[Tensor]:
    first = next((x for x in xs if isinstance(x, Tensor)), None)
    if first is None:
        return [tensor(x) for x in xs]
    return [_t(x, first) for x in xs]


# -- arithmetic ---------------------------------------------------------------
def add(a: TensorLike, b: TensorLike) -> Tensor:
    a, b = _same_dtype([a, b])
    return ops.Add.apply(a, b)


def subtract(a: TensorLike, b: TensorLike) -> Tensor:
    a, b = _same_dtype([a, b])
    return ops.Sub.apply(a, b)


def multiply(a: TensorLike, b: TensorLike) -> Tensor:
    a, b = _same_dtype([a, b])
    return ops.Mul.apply(a, b)


def divide(a: TensorLike, b: TensorLike) -> Tensor:
    a, b = _same_dtype([a, b])
    return ops.Div.apply(a, b)


def power(a: TensorLike, b: TensorLike) -> Tensor:
    if not isinstance(b, Tensor) and np.ndim(b) == 0:
        return ops.PowScalar.apply(_t(a), exponent=float(b))
    a, b = _same_dtype([a, b])
    return ops.Pow.apply(a, b)


def negative(a: TensorLike) -> Tensor:
    return ops.Neg.apply(_t(a))


def matmul(a: TensorLike, b: TensorLike) -> Tensor:
    """a @ b. Shape: ``(..., n, k) @ (..., k, m) -> (..., n, m)``."""
    a, b = _same_dtype([a, b])
    return ops.MatMul.apply(a, b)


# -- reductions -----------------------------------------------------------------
def sum(x: TensorLike, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    return ops.Sum.apply(_t(x), axis=axis, keepdims=keepdims)


def mean(x: TensorLike, axis: Any = None, keepdims: bool = False) -> Tensor:
    return ops.Mean.apply(_t(x), axis=axis, keepdims=keepdims)


def var(x: TensorLike, axis: Any = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
    return ops.Var.apply(_t(x), axis=axis, keepdims=keepdims, ddof=ddof)


def max(x: TensorLike, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    return ops.Max.apply(_t(x), axis=axis, keepdims=keepdims)


def min(x: TensorLike, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    return ops.Min.apply(_t(x), axis=axis, keepdims=keepdims)


# -- shape ------------------------------------------------------------------------
def reshape(x: TensorLike, shape: Sequence[int]) -> Tensor:
    return ops.Reshape.apply(_t(x), shape=tuple(shape))


def transpose(x: TensorLike, axes: Sequence[int] | None = None) -> Tensor:
    return ops.Transpose.apply(_t(x), axes=None if axes is None else tuple(axes))


def permute(x: TensorLike, axes: Sequence[int]) -> Tensor:
    return transpose(x, axes)


def swapaxes(x: TensorLike, axis1: int, axis2: int) -> Tensor:
    return _t(x).swapaxes(axis1, axis2)


def squeeze(x: TensorLike, axis: int | Sequence[int] | None = None) -> Tensor:
    x = _t(x)
    return ops.Reshape.apply(x, shape=np.squeeze(np.empty(x.shape, dtype=bool), axis).shape)


def expand_dims(x: TensorLike, axis: int | Sequence[int]) -> Tensor:
    x = _t(x)
    return ops.Reshape.apply(x, shape=np.expand_dims(np.empty(x.shape, dtype=bool), axis).shape)


def flatten(x: TensorLike, start_axis: int = 0, end_axis: int = -1) -> Tensor:
    """Merge axes ``start_axis..end_axis`` into one (``flatten(x, 1)``: ``(N, ...) -> (N, -1)``)."""
    x = _t(x)
    if x.ndim == 0:
        return ops.Reshape.apply(x, shape=(1,))
    s, e = start_axis % x.ndim, end_axis % x.ndim
    merged = int(np.prod(x.shape[s : e + 1]))
    return ops.Reshape.apply(x, shape=x.shape[:s] + (merged,) + x.shape[e + 1 :])


def broadcast_to(x: TensorLike, shape: Sequence[int]) -> Tensor:
    return ops.BroadcastTo.apply(_t(x), shape=tuple(shape))


def concatenate(xs: Sequence[TensorLike], axis: int = 0) -> Tensor:
    return ops.Concatenate.apply(*_same_dtype(xs), axis=axis)


def stack(xs: Sequence[TensorLike], axis: int = 0) -> Tensor:
    return ops.Stack.apply(*_same_dtype(xs), axis=axis)


def pad(x: TensorLike, pad_width: Any, value: float = 0.0) -> Tensor:
    """Constant padding, ``pad_width`` as in ``numpy.pad``."""
    return ops.Pad.apply(_t(x), pad_width=pad_width, value=value)


# -- elementwise --------------------------------------------------------------------
def exp(x: TensorLike) -> Tensor:
    return ops.Exp.apply(_t(x))


def log(x: TensorLike) -> Tensor:
    return ops.Log.apply(_t(x))


def log1p(x: TensorLike) -> Tensor:
    return ops.Log1p.apply(_t(x))


def sqrt(x: TensorLike) -> Tensor:
    return ops.Sqrt.apply(_t(x))


def abs(x: TensorLike) -> Tensor:  # noqa: A001
    return ops.Abs.apply(_t(x))


def clip(x: TensorLike, a_min: float | None = None, a_max: float | None = None) -> Tensor:
    return ops.Clip.apply(_t(x), a_min=a_min, a_max=a_max)


def where(cond: TensorLike, a: TensorLike, b: TensorLike) -> Tensor:
    """Pick ``a`` where ``cond`` is true, else ``b`` (``cond`` is not differentiated)."""
    c = np.asarray(cond.data if isinstance(cond, Tensor) else cond, dtype=bool)
    a, b = _same_dtype([a, b])
    return ops.Where.apply(a, b, Tensor._make(c, None, False))


def maximum(a: TensorLike, b: TensorLike) -> Tensor:
    a, b = _same_dtype([a, b])
    return ops.Maximum.apply(a, b)


def minimum(a: TensorLike, b: TensorLike) -> Tensor:
    a, b = _same_dtype([a, b])
    return ops.Minimum.apply(a, b)


# -- activations ------------------------------------------------------------------
def sigmoid(x: TensorLike) -> Tensor:
    """1 / (1 + e^-x), overflow-free for any x."""
    return ops.Sigmoid.apply(_t(x))


def tanh(x: TensorLike) -> Tensor:
    return ops.Tanh.apply(_t(x))


def relu(x: TensorLike) -> Tensor:
    return ops.ReLU.apply(_t(x))


def leaky_relu(x: TensorLike, negative_slope: float = 0.01) -> Tensor:
    return ops.LeakyReLU.apply(_t(x), negative_slope=negative_slope)


def elu(x: TensorLike, alpha: float = 1.0) -> Tensor:
    return ops.ELU.apply(_t(x), alpha=alpha)


def gelu(x: TensorLike) -> Tensor:
    """GELU, tanh approximation (PyTorch's ``approximate='tanh'``)."""
    return ops.GELU.apply(_t(x))


def softplus(x: TensorLike) -> Tensor:
    return ops.Softplus.apply(_t(x))


def softmax(x: TensorLike, axis: int = -1) -> Tensor:
    return ops.Softmax.apply(_t(x), axis=axis)


def log_softmax(x: TensorLike, axis: int = -1) -> Tensor:
    """log(softmax(x)) through log-sum-exp (finite for logits of any size)."""
    return ops.LogSoftmax.apply(_t(x), axis=axis)
