"""The functional API: one lowercase function per op, taking and returning Tensors.

``retrograd.exp(x)``, ``retrograd.concatenate([a, b])``, ... Each function lifts
its arguments to tensors (lists, scalars and arrays become constants of the
other operands' dtype) and calls the op's ``apply``; the math, forward and
derivative side by side, lives in :mod:`retrograd.ops`. Every function here is
also a ``Tensor`` method (``x.exp()``) or operator (``a + b``).

Reductions take NumPy's ``axis`` (None for all axes, an int, or a tuple;
negatives count from the end) and ``keepdims``.

Examples
--------
>>> import retrograd as rg
>>> x = rg.tensor([[1.0, -2.0], [3.0, 0.5]], requires_grad=True)
>>> y = rg.sum(rg.relu(x) * 2, axis=1)
>>> y.shape
(2,)
>>> y.sum().backward()
>>> x.grad
array([[2., 0.],
       [2., 2.]], dtype=float32)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from retrograd import ops
from retrograd.ops.reduction import normalize_axes
from retrograd.tensor import Tensor, tensor

TensorLike = Any


def _t(x: TensorLike) -> Tensor:
    return x if isinstance(x, Tensor) else tensor(x)


def _same_dtype(xs: Sequence[TensorLike]) -> list[Tensor]:
    """Lift every operand to a Tensor; floating ones share one dtype (the dtype policy).

    The first floating *tensor* sets the dtype (plain data and integer tensors are cast to
    it); two floating tensors of different dtypes raise ``TypeError``.
    """
    ref = next((x for x in xs if isinstance(x, Tensor) and x.dtype.kind == "f"), None)
    if ref is not None:
        return [ref._lift(x) for x in xs]
    ts = [_t(x) for x in xs]  # no floating tensor: plain float data (default dtype) may set it
    ref = next((t for t in ts if t.dtype.kind == "f"), None)
    return ts if ref is None else [ref._lift(t) for t in ts]


def _binary(op: type, a: TensorLike, b: TensorLike) -> Tensor:
    a, b = _same_dtype([a, b])
    return op.apply(a, b)


# -- arithmetic ---------------------------------------------------------------
def add(a: TensorLike, b: TensorLike) -> Tensor:
    """a + b with NumPy broadcasting. Shape: ``broadcast(a.shape, b.shape)``.

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.add(rg.tensor([[1.0], [2.0]]), [10.0, 20.0])    # (2, 1) + (2,) -> (2, 2)
    tensor([[11., 21.],
            [12., 22.]])
    """
    return _binary(ops.Add, a, b)


def subtract(a: TensorLike, b: TensorLike) -> Tensor:
    """a - b with NumPy broadcasting. Shape: ``broadcast(a.shape, b.shape)``.

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.subtract(rg.tensor([5.0, 7.0]), 1.0)
    tensor([4., 6.])
    """
    return _binary(ops.Sub, a, b)


def multiply(a: TensorLike, b: TensorLike) -> Tensor:
    """a * b (elementwise) with NumPy broadcasting. Shape: ``broadcast(a.shape, b.shape)``.

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.multiply(rg.tensor([1.0, 2.0]), rg.tensor([3.0, 4.0]))
    tensor([3., 8.])
    """
    return _binary(ops.Mul, a, b)


def divide(a: TensorLike, b: TensorLike) -> Tensor:
    """a / b (true division) with NumPy broadcasting. Shape: ``broadcast(a.shape, b.shape)``.

    Integer operands give a floating result.

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.divide(rg.tensor([1.0, 3.0]), 2.0)
    tensor([0.5, 1.5])
    """
    a, b = _same_dtype([a, b])
    return a / b


def power(a: TensorLike, b: TensorLike) -> Tensor:
    """a ** b. A Python-number exponent is a constant (one cheaper op, any sign of ``a``);
    a tensor exponent is differentiated too (needs ``a > 0`` there).

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.power(rg.tensor([2.0, 3.0]), 2)
    tensor([4., 9.])
    """
    if not isinstance(b, Tensor) and np.ndim(b) == 0:
        return ops.PowScalar.apply(_t(a), exponent=float(b))
    return _binary(ops.Pow, a, b)


def negative(a: TensorLike) -> Tensor:
    """-a. Shape: same as ``a``.

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.negative(rg.tensor([1.0, -2.0]))
    tensor([-1.,  2.])
    """
    return ops.Neg.apply(_t(a))


def matmul(a: TensorLike, b: TensorLike) -> Tensor:
    """Matrix product with ``numpy.matmul`` semantics (``a @ b``).

    Shape
    -----
    ``(..., n, k) @ (..., k, m) -> (..., n, m)``; batch axes broadcast; a 1-D left operand
    ``(k,)`` acts as a row, a 1-D right operand as a column (that axis is then dropped).

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> rg.matmul(rg.tensor(np.ones((2, 3))), rg.tensor(np.ones(3)))
    tensor([3., 3.])
    """
    return _binary(ops.MatMul, a, b)


# -- reductions -----------------------------------------------------------------
def sum(x: TensorLike, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Sum over ``axis`` (all axes when None).

    Shape
    -----
    ``x.shape`` without the reduced axes (kept as length 1 with ``keepdims=True``).

    Examples
    --------
    >>> import retrograd as rg
    >>> x = rg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> rg.sum(x)
    tensor(10.)
    >>> rg.sum(x, axis=0)
    tensor([4., 6.])
    >>> rg.sum(x, axis=1, keepdims=True).shape
    (2, 1)
    """
    return ops.Sum.apply(_t(x), axis=axis, keepdims=keepdims)


def mean(x: TensorLike, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Arithmetic mean over ``axis`` (NaN over zero elements, as NumPy).

    Shape: ``x.shape`` without the reduced axes (length 1 with ``keepdims=True``).

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.mean(rg.tensor([[1.0, 2.0], [3.0, 4.0]]), axis=1)
    tensor([1.5, 3.5])
    """
    return ops.Mean.apply(_t(x), axis=axis, keepdims=keepdims)


def var(x: TensorLike, axis: Any = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
    """Variance ``sum((x - mean)^2) / (n - ddof)`` over ``axis`` (``ddof=1``: unbiased).

    Shape: ``x.shape`` without the reduced axes (length 1 with ``keepdims=True``).

    Examples
    --------
    >>> import retrograd as rg
    >>> x = rg.tensor([1.0, 3.0])
    >>> rg.var(x), rg.var(x, ddof=1)
    (tensor(1.), tensor(2.))
    """
    return ops.Var.apply(_t(x), axis=axis, keepdims=keepdims, ddof=ddof)


def max(x: TensorLike, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Maximum over ``axis``; tied maxima share the gradient equally.

    Shape: ``x.shape`` without the reduced axes (length 1 with ``keepdims=True``).

    Examples
    --------
    >>> import retrograd as rg
    >>> x = rg.tensor([3.0, 1.0, 3.0], requires_grad=True)
    >>> m = rg.max(x)
    >>> m.backward()
    >>> m, x.grad
    (tensor(3., grad_fn=<Max>), array([0.5, 0. , 0.5], dtype=float32))
    """
    return ops.Max.apply(_t(x), axis=axis, keepdims=keepdims)


def min(x: TensorLike, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Minimum over ``axis``; tied minima share the gradient equally.

    Shape: ``x.shape`` without the reduced axes (length 1 with ``keepdims=True``).

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.min(rg.tensor([[1.0, 5.0], [4.0, 2.0]]), axis=1)
    tensor([1., 2.])
    """
    return ops.Min.apply(_t(x), axis=axis, keepdims=keepdims)


# -- shape ------------------------------------------------------------------------
def reshape(x: TensorLike, shape: Sequence[int]) -> Tensor:
    """Same elements, new shape (one entry may be -1). Shape: ``shape``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> rg.reshape(rg.tensor(np.arange(6.0)), (2, -1))
    tensor([[0., 1., 2.],
            [3., 4., 5.]])
    """
    return ops.Reshape.apply(_t(x), shape=tuple(shape))


def transpose(x: TensorLike, axes: Sequence[int] | None = None) -> Tensor:
    """Permute axes (reverse them when ``axes`` is None).

    Shape
    -----
    ``tuple(x.shape[a] for a in axes)``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> x = rg.tensor(np.zeros((2, 3, 4)))
    >>> rg.transpose(x).shape, rg.transpose(x, (0, 2, 1)).shape
    ((4, 3, 2), (2, 4, 3))
    """
    return ops.Transpose.apply(_t(x), axes=None if axes is None else tuple(axes))


def permute(x: TensorLike, axes: Sequence[int]) -> Tensor:
    """PyTorch's name for :func:`transpose` with explicit axes.

    Shape: ``tuple(x.shape[a] for a in axes)``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> rg.permute(rg.tensor(np.zeros((2, 3, 4))), (2, 0, 1)).shape
    (4, 2, 3)
    """
    return transpose(x, axes)


def swapaxes(x: TensorLike, axis1: int, axis2: int) -> Tensor:
    """Exchange two axes. Shape: ``x.shape`` with entries ``axis1`` and ``axis2`` swapped.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> rg.swapaxes(rg.tensor(np.zeros((2, 3, 4))), 0, 2).shape
    (4, 3, 2)
    """
    return _t(x).swapaxes(axis1, axis2)


def squeeze(x: TensorLike, axis: int | Sequence[int] | None = None) -> Tensor:
    """Drop axes of length 1 (all of them, or those in ``axis``).

    Naming an axis whose length is not 1 raises ``ValueError``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> x = rg.tensor(np.zeros((1, 3, 1)))
    >>> rg.squeeze(x).shape, rg.squeeze(x, 0).shape
    ((3,), (3, 1))
    """
    x = _t(x)
    if axis is None:
        shape = tuple(n for n in x.shape if n != 1)
    else:
        axes = normalize_axes(axis, x.ndim, "squeeze")
        for a in axes:
            if x.shape[a] != 1:
                raise ValueError(
                    f"squeeze: axis {a} of a tensor of shape {x.shape} has length "
                    f"{x.shape[a]}, not 1"
                )
        shape = tuple(n for i, n in enumerate(x.shape) if i not in axes)
    return ops.Reshape.apply(x, shape=shape)


def expand_dims(x: TensorLike, axis: int | Sequence[int]) -> Tensor:
    """Insert axes of length 1 at positions ``axis`` of the result (as ``numpy.expand_dims``).

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> x = rg.tensor(np.zeros((2, 3)))
    >>> rg.expand_dims(x, 0).shape, rg.expand_dims(x, -1).shape, rg.expand_dims(x, (0, 2)).shape
    ((1, 2, 3), (2, 3, 1), (1, 2, 1, 3))
    """
    x = _t(x)
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    ndim = x.ndim + len(axes)
    positions = normalize_axes(axes, ndim, "expand_dims")
    it = iter(x.shape)
    shape = tuple(1 if i in positions else next(it) for i in range(ndim))
    return ops.Reshape.apply(x, shape=shape)


def flatten(x: TensorLike, start_axis: int = 0, end_axis: int = -1) -> Tensor:
    """Merge axes ``start_axis..end_axis`` into one.

    Shape
    -----
    ``flatten(x, 1)``: ``(N, d1, d2, ...) -> (N, d1 * d2 * ...)``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> x = rg.tensor(np.zeros((8, 3, 4, 4)))
    >>> rg.flatten(x).shape, rg.flatten(x, 1).shape, rg.flatten(x, 1, 2).shape
    ((384,), (8, 48), (8, 12, 4))
    """
    x = _t(x)
    if x.ndim == 0:
        return ops.Reshape.apply(x, shape=(1,))
    s, e = start_axis % x.ndim, end_axis % x.ndim
    merged = int(np.prod(x.shape[s : e + 1], dtype=np.int64))
    return ops.Reshape.apply(x, shape=x.shape[:s] + (merged,) + x.shape[e + 1 :])


def broadcast_to(x: TensorLike, shape: Sequence[int]) -> Tensor:
    """Repeat ``x`` along broadcast axes (a read-only view); its gradient sums them back.

    Shape: ``shape`` (``x.shape`` must broadcast to it).

    Examples
    --------
    >>> import retrograd as rg
    >>> x = rg.tensor([1.0, 2.0], requires_grad=True)
    >>> y = rg.broadcast_to(x, (3, 2))
    >>> y.sum().backward()
    >>> y.shape, x.grad
    ((3, 2), array([3., 3.], dtype=float32))
    """
    return ops.BroadcastTo.apply(_t(x), shape=tuple(shape))


def concatenate(xs: Sequence[TensorLike], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis.

    Shape
    -----
    All shapes equal except along ``axis``, where the result has the sum of their lengths.
    Anything else raises ``ValueError`` naming the op, every input shape and ``axis``.

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.concatenate([rg.tensor([1.0]), rg.tensor([2.0, 3.0])])
    tensor([1., 2., 3.])
    >>> rg.concatenate([rg.tensor([[1.0, 2.0]]), rg.tensor([[3.0]])])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: concatenate: input shapes must match except along axis 0; ... (1, 2), (1, 1)
    """
    return ops.Concatenate.apply(*_same_dtype(xs), axis=axis)


def stack(xs: Sequence[TensorLike], axis: int = 0) -> Tensor:
    """Join equally shaped tensors along a new axis.

    Shape
    -----
    ``x.shape`` with ``len(xs)`` inserted at ``axis``; a shape mismatch raises
    ``ValueError`` naming the op, every input shape and ``axis``.

    Examples
    --------
    >>> import retrograd as rg
    >>> a, b = rg.tensor([1.0, 2.0]), rg.tensor([3.0, 4.0])
    >>> rg.stack([a, b])
    tensor([[1., 2.],
            [3., 4.]])
    >>> rg.stack([a, b], axis=1).shape
    (2, 2)
    """
    return ops.Stack.apply(*_same_dtype(xs), axis=axis)


def pad(x: TensorLike, pad_width: Any, value: float = 0.0) -> Tensor:
    """Constant padding; ``pad_width`` as in ``numpy.pad`` (int, ``(lo, hi)`` or one per axis).

    Shape: each axis grows by its ``lo + hi``.

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.pad(rg.tensor([1.0, 2.0]), (1, 2))
    tensor([0., 1., 2., 0., 0.])
    >>> rg.pad(rg.tensor([[1.0]]), 1, value=-1.0)
    tensor([[-1., -1., -1.],
            [-1.,  1., -1.],
            [-1., -1., -1.]])
    """
    return ops.Pad.apply(_t(x), pad_width=pad_width, value=value)


# -- elementwise --------------------------------------------------------------------
def exp(x: TensorLike) -> Tensor:
    """e^x, elementwise. Shape: same as ``x``.

    Examples
    --------
    >>> import retrograd as rg
    >>> y = rg.exp(rg.tensor([0.0, 1.0]))
    >>> [round(v, 4) for v in y.tolist()]
    [1.0, 2.7183]
    """
    return ops.Exp.apply(_t(x))


def log(x: TensorLike) -> Tensor:
    """Natural logarithm (x > 0), elementwise. Shape: same as ``x``.

    Examples
    --------
    >>> import retrograd as rg
    >>> y = rg.log(rg.tensor([1.0, 100.0]))
    >>> [round(v, 4) for v in y.tolist()]
    [0.0, 4.6052]
    """
    return ops.Log.apply(_t(x))


def log1p(x: TensorLike) -> Tensor:
    """ln(1 + x), accurate for small x (x > -1), elementwise. Shape: same as ``x``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> rg.log1p(rg.tensor([1e-10], dtype=np.float64))
    tensor([1.e-10], dtype=float64)
    """
    return ops.Log1p.apply(_t(x))


def sqrt(x: TensorLike) -> Tensor:
    """Square root (x >= 0; the gradient is infinite at 0), elementwise. Shape: same as ``x``.

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.sqrt(rg.tensor([4.0, 9.0]))
    tensor([2., 3.])
    """
    return ops.Sqrt.apply(_t(x))


def abs(x: TensorLike) -> Tensor:  # noqa: A001
    """|x| (gradient sign(x), 0 at x = 0), elementwise. Shape: same as ``x``.

    Examples
    --------
    >>> import retrograd as rg
    >>> x = rg.tensor([-2.0, 0.0, 3.0], requires_grad=True)
    >>> rg.abs(x).sum().backward()
    >>> x.grad
    array([-1.,  0.,  1.], dtype=float32)
    """
    return ops.Abs.apply(_t(x))


def clip(x: TensorLike, a_min: float | None = None, a_max: float | None = None) -> Tensor:
    """Limit values to ``[a_min, a_max]``; the gradient is 0 where a bound was applied.

    Either bound may be None (no limit on that side). Shape: same as ``x``.

    Examples
    --------
    >>> import retrograd as rg
    >>> x = rg.tensor([-2.0, 0.5, 3.0], requires_grad=True)
    >>> y = rg.clip(x, 0.0, 1.0)
    >>> y.sum().backward()
    >>> y.detach(), x.grad
    (tensor([0. , 0.5, 1. ]), array([0., 1., 0.], dtype=float32))
    """
    return ops.Clip.apply(_t(x), a_min=a_min, a_max=a_max)


def where(cond: TensorLike, a: TensorLike, b: TensorLike) -> Tensor:
    """Pick ``a`` where ``cond`` is true, else ``b`` (``cond`` is not differentiated).

    Shape
    -----
    ``broadcast(cond.shape, a.shape, b.shape)``.

    Examples
    --------
    >>> import retrograd as rg
    >>> x = rg.tensor([-1.0, 2.0])
    >>> rg.where(x > 0, x, 0.0)
    tensor([0., 2.])
    """
    c = np.asarray(cond.data if isinstance(cond, Tensor) else cond, dtype=bool)
    a, b = _same_dtype([a, b])
    return ops.Where.apply(a, b, Tensor._make(c, None, False))


def maximum(a: TensorLike, b: TensorLike) -> Tensor:
    """Elementwise max of two tensors (broadcasting); ties split the gradient equally.

    Shape: ``broadcast(a.shape, b.shape)``.

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.maximum(rg.tensor([1.0, 5.0]), rg.tensor([3.0, 2.0]))
    tensor([3., 5.])
    """
    return _binary(ops.Maximum, a, b)


def minimum(a: TensorLike, b: TensorLike) -> Tensor:
    """Elementwise min of two tensors (broadcasting); ties split the gradient equally.

    Shape: ``broadcast(a.shape, b.shape)``.

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.minimum(rg.tensor([1.0, 5.0]), 2.0)
    tensor([1., 2.])
    """
    return _binary(ops.Minimum, a, b)


# -- activations ------------------------------------------------------------------
def sigmoid(x: TensorLike) -> Tensor:
    """1 / (1 + e^-x), overflow-free for any x; backward reuses the output: y (1 - y).

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.sigmoid(rg.tensor([-1000.0, 0.0, 1000.0]))
    tensor([0. , 0.5, 1. ])
    """
    return ops.Sigmoid.apply(_t(x))


def tanh(x: TensorLike) -> Tensor:
    """Hyperbolic tangent; backward reuses the output: 1 - y^2. Shape: same as ``x``.

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.tanh(rg.tensor([-100.0, 0.0, 100.0]))
    tensor([-1.,  0.,  1.])
    """
    return ops.Tanh.apply(_t(x))


def relu(x: TensorLike) -> Tensor:
    """max(x, 0); the gradient at 0 is 0 (as PyTorch). Shape: same as ``x``.

    Examples
    --------
    >>> import retrograd as rg
    >>> x = rg.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    >>> y = rg.relu(x)
    >>> y.sum().backward()
    >>> y.detach(), x.grad
    (tensor([0., 0., 2.]), array([0., 0., 1.], dtype=float32))
    """
    return ops.ReLU.apply(_t(x))


def leaky_relu(x: TensorLike, negative_slope: float = 0.01) -> Tensor:
    """x for x > 0, ``negative_slope * x`` otherwise. Shape: same as ``x``.

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.leaky_relu(rg.tensor([-2.0, 3.0]), negative_slope=0.1)
    tensor([-0.2,  3. ])
    """
    return ops.LeakyReLU.apply(_t(x), negative_slope=negative_slope)


def elu(x: TensorLike, alpha: float = 1.0) -> Tensor:
    """x for x > 0, ``alpha (e^x - 1)`` otherwise. Shape: same as ``x``.

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.elu(rg.tensor([-100.0, 0.0, 2.0]))
    tensor([-1.,  0.,  2.])
    """
    return ops.ELU.apply(_t(x), alpha=alpha)


def gelu(x: TensorLike, approximate: str = "none") -> Tensor:
    """GELU y = x Phi(x), Phi the standard normal CDF.

    Parameters
    ----------
    approximate : {"none", "tanh"}
        ``"none"`` (default, as PyTorch): exact, through erf. ``"tanh"``: the tanh
        approximation ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``, cheaper.

    Shape
    -----
    Same as ``x``.

    Examples
    --------
    >>> import retrograd as rg
    >>> [round(v, 4) for v in rg.gelu(rg.tensor([-3.0, 0.0, 1.0])).tolist()]
    [-0.004, 0.0, 0.8413]
    >>> round(rg.gelu(rg.tensor(1.0), approximate="tanh").item(), 4)
    0.8412
    """
    return ops.GELU.apply(_t(x), approximate=approximate)


def softplus(x: TensorLike) -> Tensor:
    """ln(1 + e^x), computed without overflow; its derivative is sigmoid(x).

    Shape: same as ``x``.

    Examples
    --------
    >>> import retrograd as rg
    >>> [round(v, 4) for v in rg.softplus(rg.tensor([-1000.0, 0.0, 1000.0])).tolist()]
    [0.0, 0.6931, 1000.0]
    """
    return ops.Softplus.apply(_t(x))


def softmax(x: TensorLike, axis: int = -1) -> Tensor:
    """e^x_i / sum_j e^x_j along ``axis`` (shifted by the max, so it never overflows).

    Shape
    -----
    Same as ``x``; entries along ``axis`` sum to 1.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> rg.softmax(rg.tensor([[0.0, np.log(3.0)], [1000.0, 1000.0]]))
    tensor([[0.25, 0.75],
            [0.5 , 0.5 ]])
    """
    return ops.Softmax.apply(_t(x), axis=axis)


def log_softmax(x: TensorLike, axis: int = -1) -> Tensor:
    """log(softmax(x)) through log-sum-exp (finite for logits of any size).

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.log_softmax(rg.tensor([1e4, 0.0]))
    tensor([     0., -10000.])
    """
    return ops.LogSoftmax.apply(_t(x), axis=axis)
