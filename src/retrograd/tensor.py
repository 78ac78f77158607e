"""``Tensor``: an ndarray plus the bookkeeping reverse-mode autodiff needs.

A tensor holds

* ``data`` -- the NumPy array of values,
* ``requires_grad`` -- whether gradients should flow to it,
* ``grad`` -- after ``backward()``, dL/d(this tensor) as an array (leaves, or
  non-leaves that called ``retain_grad()``),
* ``_node`` -- the op instance (:class:`retrograd.function.Function`) that
  produced it, or ``None`` for a leaf (input data, weights).

Arithmetic operators and methods call the ops in :mod:`retrograd.ops`; the
backward walk lives in :mod:`retrograd.engine`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from retrograd import backend, function
from retrograd.engine import run_backward
from retrograd.grad_mode import state

ArrayLike = Any


def _to_array(data: ArrayLike, dtype: Any = None) -> np.ndarray:
    """Convert input data to an ndarray following the dtype policy (see ``backend``)."""
    if isinstance(data, Tensor):
        return data.data if dtype is None else data.data.astype(dtype)
    if dtype is not None:
        return np.asarray(data, dtype=dtype)
    arr = np.asarray(data)
    if arr.dtype.kind == "f" and arr.dtype != backend.get_default_dtype():
        arr = arr.astype(backend.get_default_dtype())
    return arr


class Tensor:
    """An n-dimensional array that records the ops applied to it.

    Parameters
    ----------
    data : array_like
        Values. Floating data becomes ``float32`` unless ``dtype`` says
        otherwise (see :func:`retrograd.set_default_dtype`); integer and
        boolean data keep their dtype.
    requires_grad : bool
        Record ops on this tensor so ``backward()`` can compute ``.grad``.
        Only floating tensors can require gradients.
    dtype : numpy dtype, optional
        Force a dtype, e.g. ``numpy.float64`` for gradient checks.

    Examples
    --------
    >>> import retrograd as rg
    >>> x = rg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> y = (x * x).sum()          # y = x1^2 + x2^2 + x3^2
    >>> y.backward()
    >>> x.grad                      # dy/dx = 2x
    array([2., 4., 6.], dtype=float32)
    """

    __slots__ = ("data", "grad", "requires_grad", "_node", "name", "__weakref__")
    __array_priority__ = 1000  # make ``ndarray + Tensor`` call Tensor.__radd__

    def __init__(self, data: ArrayLike, requires_grad: bool = False, dtype: Any = None) -> None:
        self.data: np.ndarray = _to_array(data, dtype)
        self.grad: np.ndarray | None = None
        self._node: function.Function | None = None
        self.name: str | None = None
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _make(cls, data: np.ndarray, node: function.Function | None, requires_grad: bool) -> Tensor:
        """Fast constructor used by ops: no conversion, no checks."""
        t = cls.__new__(cls)
        t.data = data
        t.grad = None
        t._node = node
        t.name = None
        t.requires_grad = requires_grad
        return t

    # -- basic properties ---------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    @property
    def is_leaf(self) -> bool:
        """True for tensors not produced by a recorded op (inputs, weights)."""
        return self._node is None

    @property
    def T(self) -> Tensor:
        return self.transpose()

    def __len__(self) -> int:
        return len(self.data)

    def numpy(self) -> np.ndarray:
        """The underlying array (shared, not copied)."""
        return self.data

    def item(self) -> Any:
        """The value of a one-element tensor as a Python number."""
        if self.data.size != 1:
            raise ValueError(f"item() needs a tensor with one element, got shape {self.shape}")
        return self.data.item()

    def tolist(self) -> Any:
        return self.data.tolist()

    def detach(self) -> Tensor:
        """A new leaf sharing this tensor's data, cut off from the graph."""
        return Tensor._make(self.data, None, False)

    def astype(self, dtype: Any) -> Tensor:
        """A copy with another dtype (differentiable between floating dtypes).

        Casting to an integer or boolean dtype gives a constant (no gradient).
        """
        dtype = np.dtype(dtype)
        if dtype.kind not in "fc":
            return Tensor._make(self.data.astype(dtype), None, False)
        return _ops.Cast.apply(self, dtype=dtype)

    def float(self) -> Tensor:
        """This tensor in the default floating dtype (float32 unless changed)."""
        return self.astype(backend.get_default_dtype())

    def double(self) -> Tensor:
        """This tensor as float64."""
        return self.astype(np.float64)

    def requires_grad_(self, flag: bool = True) -> Tensor:
        """Set ``requires_grad`` in place (only floating tensors can require grad)."""
        if flag and self.data.dtype.kind not in "fc":
            raise TypeError(
                f"only floating-point tensors can require gradients; this tensor has dtype "
                f"{self.data.dtype} (convert it with .astype(numpy.float32))"
            )
        self.requires_grad = flag
        return self

    def retain_grad(self) -> Tensor:
        """Keep ``.grad`` on this non-leaf tensor after ``backward()`` (leaves always do)."""
        if self._node is not None:
            self._node.retained_output = self
        return self

    def zero_grad(self) -> None:
        self.grad = None

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="tensor(")
        extra = ""
        if self.data.dtype != backend.get_default_dtype() or self.data.dtype.kind != "f":
            extra += f", dtype={self.data.dtype}"
        if self._node is not None:
            extra += f", grad_fn=<{self._node.name}>"
        elif self.requires_grad:
            extra += ", requires_grad=True"
        return f"tensor({body}{extra})"

    def __bool__(self) -> bool:
        return bool(self.data)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __hash__(self) -> int:
        return id(self)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.data if dtype is None else self.data.astype(dtype)

    # -- backward ------------------------------------------------------------
    def backward(self, grad: ArrayLike | None = None, retain_graph: bool = False) -> None:
        """Compute d(self)/d(leaf) for every leaf that requires grad.

        Parameters
        ----------
        grad : array_like, optional
            dL/d(self), the gradient flowing in from further up. Needed unless
            ``self`` has exactly one element (then it is 1).
        retain_graph : bool
            Keep the saved arrays so backward can run through this graph again.

        Gradients *accumulate* into ``.grad`` (as in PyTorch): zero them between
        steps (``optimizer.zero_grad()``).
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward() called on a tensor that does not require grad: no input of the "
                "computation had requires_grad=True (or it ran under no_grad())"
            )
        if grad is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"backward() without a gradient needs a scalar (one-element) tensor, got "
                    f"shape {self.shape}; pass the gradient of the loss w.r.t. this tensor: "
                    "t.backward(grad)"
                )
            g = np.array(1, dtype=self.data.dtype).reshape(self.data.shape)  # dL/dL = 1
        else:
            g = np.asarray(grad.data if isinstance(grad, Tensor) else grad, dtype=self.dtype)
            if g.shape != self.shape:
                raise ValueError(
                    f"backward(): gradient shape {g.shape} does not match tensor shape {self.shape}"
                )
        run_backward(self, g, retain_graph=retain_graph)

    # -- lifting constants into tensors -------------------------------------
    def _lift(self, other: ArrayLike) -> Tensor:
        """Turn an operand into a tensor that can meet this one in an op (dtype policy).

        * two floating tensors must have the same dtype (``TypeError`` otherwise);
        * Python scalars, raw arrays and integer/boolean tensors take this tensor's
          floating dtype (they are constants: no gradient flows to them).
        """
        if isinstance(other, Tensor):
            a, b = self.data.dtype, other.data.dtype
            if a == b:
                return other
            if a.kind == "f":
                if b.kind == "f":
                    raise TypeError(
                        f"dtype mismatch: {a} and {b} tensors in one op; retrograd never mixes "
                        f"floating dtypes silently -- cast one with .astype()"
                    )
                return Tensor._make(other.data.astype(a), None, False)
            return other
        if self.data.dtype.kind == "f":
            return Tensor._make(np.asarray(other, dtype=self.data.dtype), None, False)
        arr = np.asarray(other)
        if arr.dtype.kind == "f":  # an integer tensor meets a float: both become floating
            arr = arr.astype(backend.get_default_dtype())
        return Tensor._make(arr, None, False)

    def _pair(self, other: ArrayLike) -> tuple[Tensor, Tensor]:
        """``(self, other)`` ready for a binary op: same floating dtype, or both non-floating."""
        b = self._lift(other)
        if self.data.dtype.kind != "f" and b.data.dtype.kind == "f":
            return b._lift(self), b
        return self, b

    # -- operators (each is one op in retrograd.ops) -------------------------
    def __add__(self, other: ArrayLike) -> Tensor:
        return _ops.Add.apply(*self._pair(other))

    def __radd__(self, other: ArrayLike) -> Tensor:
        a, b = self._pair(other)
        return _ops.Add.apply(b, a)

    def __sub__(self, other: ArrayLike) -> Tensor:
        return _ops.Sub.apply(*self._pair(other))

    def __rsub__(self, other: ArrayLike) -> Tensor:
        a, b = self._pair(other)
        return _ops.Sub.apply(b, a)

    def __mul__(self, other: ArrayLike) -> Tensor:
        return _ops.Mul.apply(*self._pair(other))

    def __rmul__(self, other: ArrayLike) -> Tensor:
        a, b = self._pair(other)
        return _ops.Mul.apply(b, a)

    def __truediv__(self, other: ArrayLike) -> Tensor:
        a, b = self._pair(other)
        if a.data.dtype.kind != "f":  # true division of integers gives floats
            a, b = a.astype(backend.get_default_dtype()), b.astype(backend.get_default_dtype())
        return _ops.Div.apply(a, b)

    def __rtruediv__(self, other: ArrayLike) -> Tensor:
        a, b = self._pair(other)
        if a.data.dtype.kind != "f":
            a, b = a.astype(backend.get_default_dtype()), b.astype(backend.get_default_dtype())
        return _ops.Div.apply(b, a)

    def __pow__(self, other: ArrayLike) -> Tensor:
        if isinstance(other, Tensor) or np.ndim(other) != 0:
            return _ops.Pow.apply(*self._pair(other))
        return _ops.PowScalar.apply(self, exponent=float(other))

    def __rpow__(self, other: ArrayLike) -> Tensor:
        a, b = self._pair(other)
        return _ops.Pow.apply(b, a)

    def __matmul__(self, other: ArrayLike) -> Tensor:
        return _ops.MatMul.apply(*self._pair(other))

    def __rmatmul__(self, other: ArrayLike) -> Tensor:
        a, b = self._pair(other)
        return _ops.MatMul.apply(b, a)

    def __neg__(self) -> Tensor:
        return _ops.Neg.apply(self)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return _ops.Abs.apply(self)

    def __getitem__(self, index: Any) -> Tensor:
        return _ops.GetItem.apply(self, index=_index_arrays(index))

    def __setitem__(self, index: Any, value: ArrayLike) -> None:
        """In-place assignment, allowed only outside the graph (see docs/ops.md)."""
        if self._node is not None or (self.requires_grad and state.grad_enabled):
            raise RuntimeError(
                "in-place assignment into a tensor that requires grad is not supported (it "
                "would silently change values saved for backward); build the result with "
                "retrograd.where, concatenate or pad, or, for a weight, assign under "
                "retrograd.no_grad()"
            )
        self.data[_index_arrays(index)] = _data(value)

    # comparisons give boolean tensors (not differentiable)
    def __lt__(self, other: ArrayLike) -> Tensor:
        return Tensor(self.data < _data(other))

    def __le__(self, other: ArrayLike) -> Tensor:
        return Tensor(self.data <= _data(other))

    def __gt__(self, other: ArrayLike) -> Tensor:
        return Tensor(self.data > _data(other))

    def __ge__(self, other: ArrayLike) -> Tensor:
        return Tensor(self.data >= _data(other))

    def eq(self, other: ArrayLike) -> Tensor:
        """Elementwise equality as a boolean tensor (``==`` keeps identity semantics)."""
        return Tensor(self.data == _data(other))

    # -- methods mirroring the functional API --------------------------------
    def sum(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        return _ops.Sum.apply(self, axis=axis, keepdims=keepdims)

    def mean(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        return _ops.Mean.apply(self, axis=axis, keepdims=keepdims)

    def var(self, axis: Any = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
        return _ops.Var.apply(self, axis=axis, keepdims=keepdims, ddof=ddof)

    def max(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        return _ops.Max.apply(self, axis=axis, keepdims=keepdims)

    def min(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        return _ops.Min.apply(self, axis=axis, keepdims=keepdims)

    def argmax(self, axis: Any = None) -> Tensor:
        return Tensor(self.data.argmax(axis=axis))

    def argmin(self, axis: Any = None) -> Tensor:
        return Tensor(self.data.argmin(axis=axis))

    def reshape(self, *shape: Any) -> Tensor:
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return _ops.Reshape.apply(self, shape=shape)

    def view(self, *shape: Any) -> Tensor:
        return self.reshape(*shape)

    def flatten(self, start_axis: int = 0, end_axis: int = -1) -> Tensor:
        from retrograd.functional import flatten

        return flatten(self, start_axis, end_axis)

    def transpose(self, *axes: Any) -> Tensor:
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        return _ops.Transpose.apply(self, axes=axes or None)

    def permute(self, *axes: Any) -> Tensor:
        return self.transpose(*axes)

    def swapaxes(self, axis1: int, axis2: int) -> Tensor:
        axes = list(range(self.ndim))
        axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
        return _ops.Transpose.apply(self, axes=tuple(axes))

    def squeeze(self, axis: Any = None) -> Tensor:
        from retrograd.functional import squeeze

        return squeeze(self, axis)

    def expand_dims(self, axis: Any) -> Tensor:
        from retrograd.functional import expand_dims

        return expand_dims(self, axis)

    def unsqueeze(self, axis: int) -> Tensor:
        return self.expand_dims(axis)

    def exp(self) -> Tensor:
        return _ops.Exp.apply(self)

    def log(self) -> Tensor:
        return _ops.Log.apply(self)

    def log1p(self) -> Tensor:
        return _ops.Log1p.apply(self)

    def sqrt(self) -> Tensor:
        return _ops.Sqrt.apply(self)

    def abs(self) -> Tensor:
        return _ops.Abs.apply(self)

    def clip(self, a_min: Any = None, a_max: Any = None) -> Tensor:
        return _ops.Clip.apply(self, a_min=a_min, a_max=a_max)

    def sigmoid(self) -> Tensor:
        return _ops.Sigmoid.apply(self)

    def tanh(self) -> Tensor:
        return _ops.Tanh.apply(self)

    def relu(self) -> Tensor:
        return _ops.ReLU.apply(self)

    def leaky_relu(self, negative_slope: float = 0.01) -> Tensor:
        return _ops.LeakyReLU.apply(self, negative_slope=negative_slope)

    def elu(self, alpha: float = 1.0) -> Tensor:
        return _ops.ELU.apply(self, alpha=alpha)

    def gelu(self, approximate: str = "none") -> Tensor:
        return _ops.GELU.apply(self, approximate=approximate)

    def softplus(self) -> Tensor:
        return _ops.Softplus.apply(self)

    def softmax(self, axis: int = -1) -> Tensor:
        return _ops.Softmax.apply(self, axis=axis)

    def log_softmax(self, axis: int = -1) -> Tensor:
        return _ops.LogSoftmax.apply(self, axis=axis)

    def maximum(self, other: ArrayLike) -> Tensor:
        return _ops.Maximum.apply(*self._pair(other))

    def minimum(self, other: ArrayLike) -> Tensor:
        return _ops.Minimum.apply(*self._pair(other))

    def where(self, condition: ArrayLike, other: ArrayLike) -> Tensor:
        """``self`` where ``condition`` holds, else ``other`` (as ``torch.Tensor.where``)."""
        from retrograd.functional import where

        return where(condition, self, other)

    def matmul(self, other: ArrayLike) -> Tensor:
        return self @ other

    def pow(self, exponent: ArrayLike) -> Tensor:
        return self**exponent

    def neg(self) -> Tensor:
        return -self

    def pad(self, pad_width: Any, value: float = 0.0) -> Tensor:
        return _ops.Pad.apply(self, pad_width=pad_width, value=value)

    def broadcast_to(self, shape: Any) -> Tensor:
        return _ops.BroadcastTo.apply(self, shape=tuple(shape))


def _data(x: ArrayLike) -> Any:
    return x.data if isinstance(x, Tensor) else x


def _index_arrays(index: Any) -> Any:
    """Replace Tensors inside an index by their arrays (indices are not differentiable)."""
    if isinstance(index, Tensor):
        return index.data
    if isinstance(index, tuple):
        return tuple(i.data if isinstance(i, Tensor) else i for i in index)
    return index


def tensor(data: ArrayLike, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """Create a :class:`Tensor` (a copy of ``data``).

    Parameters
    ----------
    data : array_like
        Nested lists, scalars, ndarrays or a Tensor.
    requires_grad : bool
        Track operations for ``backward()``.
    dtype : numpy dtype, optional
        Defaults to ``float32`` for floating data (see the dtype policy in
        :mod:`retrograd.backend`); integers and booleans keep their type.

    Examples
    --------
    >>> import retrograd as rg, numpy as np
    >>> rg.tensor([[1, 2], [3, 4]]).dtype
    dtype('int64')
    >>> rg.tensor([0.5], dtype=np.float64).dtype
    dtype('float64')
    """
    arr = _to_array(data, dtype)
    if arr is data or (isinstance(data, Tensor) and arr is data.data):
        arr = arr.copy()
    t = Tensor._make(arr, None, False)
    return t.requires_grad_(True) if requires_grad else t


function.Tensor = Tensor  # type: ignore[attr-defined]  # let Function.apply build tensors

from retrograd import ops as _ops  # noqa: E402  (ops need Tensor defined first)
