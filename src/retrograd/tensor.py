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
        """The size of each axis, a tuple of ints (as ``ndarray.shape``).

        Examples
        --------
        >>> import numpy as np, retrograd as rg
        >>> rg.tensor(np.zeros((2, 3))).shape
        (2, 3)
        """
        return self.data.shape

    @property
    def dtype(self) -> np.dtype:
        """The NumPy dtype of ``data`` (``float32`` for floating data unless changed).

        Examples
        --------
        >>> import retrograd as rg
        >>> rg.tensor([1.0]).dtype, rg.tensor([1]).dtype
        (dtype('float32'), dtype('int64'))
        """
        return self.data.dtype

    @property
    def ndim(self) -> int:
        """The number of axes, ``len(self.shape)``."""
        return self.data.ndim

    @property
    def size(self) -> int:
        """The number of elements, the product of ``self.shape``."""
        return self.data.size

    @property
    def is_leaf(self) -> bool:
        """True for tensors not produced by a recorded op (inputs, weights)."""
        return self._node is None

    @property
    def T(self) -> Tensor:
        """All axes reversed (the transpose of a matrix); same as ``self.transpose()``.

        Examples
        --------
        >>> import numpy as np, retrograd as rg
        >>> rg.tensor(np.zeros((2, 3))).T.shape
        (3, 2)
        """
        return self.transpose()

    def __len__(self) -> int:
        return len(self.data)

    def numpy(self) -> np.ndarray:
        """The underlying array (shared, not copied).

        Examples
        --------
        >>> import retrograd as rg
        >>> rg.tensor([1.0, 2.0]).numpy()
        array([1., 2.], dtype=float32)
        """
        return self.data

    def item(self) -> Any:
        """The value of a one-element tensor as a Python number.

        Any other size raises ``ValueError``.

        Examples
        --------
        >>> import retrograd as rg
        >>> rg.tensor([[2.5]]).item()
        2.5
        """
        if self.data.size != 1:
            raise ValueError(f"item() needs a tensor with one element, got shape {self.shape}")
        return self.data.item()

    def tolist(self) -> Any:
        """The values as (nested) Python lists of numbers, as ``ndarray.tolist``.

        Examples
        --------
        >>> import retrograd as rg
        >>> rg.tensor([[1.0, 2.0]]).tolist()
        [[1.0, 2.0]]
        """
        return self.data.tolist()

    def detach(self) -> Tensor:
        """A new leaf sharing this tensor's data, cut off from the graph.

        Examples
        --------
        >>> import retrograd as rg
        >>> y = rg.tensor([1.0], requires_grad=True) * 2
        >>> y.detach().requires_grad, y.detach().is_leaf
        (False, True)
        """
        return Tensor._make(self.data, None, False)

    def astype(self, dtype: Any) -> Tensor:
        """A copy with another dtype (differentiable between floating dtypes).

        Casting to an integer or boolean dtype gives a constant (no gradient).

        Examples
        --------
        >>> import numpy as np, retrograd as rg
        >>> rg.tensor([1.5, 2.5]).astype(np.float64)
        tensor([1.5, 2.5], dtype=float64)
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
        """Keep ``.grad`` on this non-leaf tensor after ``backward()`` (leaves always do).

        Examples
        --------
        >>> import retrograd as rg
        >>> x = rg.tensor([1.0, 2.0], requires_grad=True)
        >>> h = (x * 2).retain_grad()
        >>> (h * h).sum().backward()
        >>> h.grad                          # d(sum h^2)/dh = 2h
        array([4., 8.], dtype=float32)
        """
        if self._node is not None:
            self._node.retained_output = self
        return self

    def zero_grad(self) -> None:
        """Forget the accumulated gradient (``.grad`` becomes None)."""
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

    # by identity, as object's (``__eq__`` is elementwise, so Python would drop it); the
    # C-level slot keeps optimizer-state lookups (``state[p]``) cheap
    __hash__ = object.__hash__

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

        Examples
        --------
        >>> import retrograd as rg
        >>> x = rg.tensor([1.0, 2.0], requires_grad=True)
        >>> (x * x).sum().backward()
        >>> x.grad
        array([2., 4.], dtype=float32)
        >>> y = x * 3                       # not a scalar: pass dL/dy
        >>> y.backward([1.0, 0.0])
        >>> x.grad                          # accumulated: [2 + 3, 4 + 0]
        array([5., 4.], dtype=float32)
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
        """Elementwise equality as a boolean tensor (``==`` keeps identity semantics).

        Examples
        --------
        >>> import retrograd as rg
        >>> rg.tensor([1, 2, 3]).eq(2)
        tensor([False,  True, False], dtype=bool)
        """
        return Tensor(self.data == _data(other))

    # -- methods mirroring the functional API --------------------------------
    def sum(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Sum over ``axis`` (all axes when None). Same as :func:`retrograd.sum`.

        Examples
        --------
        >>> import retrograd as rg
        >>> rg.tensor([[1.0, 2.0], [3.0, 4.0]]).sum(axis=0)
        tensor([4., 6.])
        """
        return _ops.Sum.apply(self, axis=axis, keepdims=keepdims)

    def mean(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Mean over ``axis`` (all axes when None). Same as :func:`retrograd.mean`."""
        return _ops.Mean.apply(self, axis=axis, keepdims=keepdims)

    def var(self, axis: Any = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
        """Variance over ``axis`` (``ddof=1``: unbiased). Same as :func:`retrograd.var`."""
        return _ops.Var.apply(self, axis=axis, keepdims=keepdims, ddof=ddof)

    def max(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Maximum over ``axis`` (all axes when None). Same as :func:`retrograd.max`."""
        return _ops.Max.apply(self, axis=axis, keepdims=keepdims)

    def min(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Minimum over ``axis`` (all axes when None). Same as :func:`retrograd.min`."""
        return _ops.Min.apply(self, axis=axis, keepdims=keepdims)

    def argmax(self, axis: Any = None) -> Tensor:
        """Index of the largest value over ``axis`` (of the flattened tensor when None).

        Gives an integer tensor (not differentiable). Shape: ``x.shape`` without ``axis``.

        Examples
        --------
        >>> import retrograd as rg
        >>> rg.tensor([[1.0, 3.0], [4.0, 2.0]]).argmax(axis=1)
        tensor([1, 0], dtype=int64)
        """
        return Tensor(self.data.argmax(axis=axis))

    def argmin(self, axis: Any = None) -> Tensor:
        """Index of the smallest value over ``axis``; integer tensor, as :meth:`argmax`."""
        return Tensor(self.data.argmin(axis=axis))

    def reshape(self, *shape: Any) -> Tensor:
        """Same elements, new shape: ``x.reshape(2, -1)`` or ``x.reshape((2, -1))``.

        Same as :func:`retrograd.reshape`.

        Examples
        --------
        >>> import numpy as np, retrograd as rg
        >>> rg.tensor(np.arange(6.0)).reshape(3, -1).shape
        (3, 2)
        """
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return _ops.Reshape.apply(self, shape=shape)

    def view(self, *shape: Any) -> Tensor:
        """PyTorch's name for :meth:`reshape`."""
        return self.reshape(*shape)

    def flatten(self, start_axis: int = 0, end_axis: int = -1) -> Tensor:
        """Merge axes ``start_axis..end_axis`` into one. Same as :func:`retrograd.flatten`."""
        from retrograd.functional import flatten

        return flatten(self, start_axis, end_axis)

    def transpose(self, *axes: Any) -> Tensor:
        """Permute axes (``x.transpose(1, 0)`` or a tuple; reverse them all when none given).

        Same as :func:`retrograd.transpose`.
        """
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        return _ops.Transpose.apply(self, axes=axes or None)

    def permute(self, *axes: Any) -> Tensor:
        """PyTorch's name for :meth:`transpose` with explicit axes."""
        return self.transpose(*axes)

    def swapaxes(self, axis1: int, axis2: int) -> Tensor:
        """Exchange two axes. Same as :func:`retrograd.swapaxes`."""
        axes = list(range(self.ndim))
        axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
        return _ops.Transpose.apply(self, axes=tuple(axes))

    def squeeze(self, axis: Any = None) -> Tensor:
        """Drop axes of length 1 (all, or those in ``axis``). Same as :func:`retrograd.squeeze`."""
        from retrograd.functional import squeeze

        return squeeze(self, axis)

    def expand_dims(self, axis: Any) -> Tensor:
        """Insert axes of length 1 at ``axis``. Same as :func:`retrograd.expand_dims`."""
        from retrograd.functional import expand_dims

        return expand_dims(self, axis)

    def unsqueeze(self, axis: int) -> Tensor:
        """PyTorch's name for :meth:`expand_dims` (one axis)."""
        return self.expand_dims(axis)

    def exp(self) -> Tensor:
        """e^x elementwise, same shape. Same as :func:`retrograd.exp`."""
        return _ops.Exp.apply(self)

    def log(self) -> Tensor:
        """Natural logarithm elementwise, same shape. Same as :func:`retrograd.log`."""
        return _ops.Log.apply(self)

    def log1p(self) -> Tensor:
        """ln(1 + x) elementwise, same shape. Same as :func:`retrograd.log1p`."""
        return _ops.Log1p.apply(self)

    def sqrt(self) -> Tensor:
        """Square root elementwise, same shape. Same as :func:`retrograd.sqrt`."""
        return _ops.Sqrt.apply(self)

    def abs(self) -> Tensor:
        """|x| elementwise, same shape (also ``abs(x)``). Same as :func:`retrograd.abs`."""
        return _ops.Abs.apply(self)

    def clip(self, a_min: Any = None, a_max: Any = None) -> Tensor:
        """Limit values to ``[a_min, a_max]``, same shape. Same as :func:`retrograd.clip`."""
        return _ops.Clip.apply(self, a_min=a_min, a_max=a_max)

    def sigmoid(self) -> Tensor:
        """1 / (1 + e^-x) elementwise, same shape. Same as :func:`retrograd.sigmoid`."""
        return _ops.Sigmoid.apply(self)

    def tanh(self) -> Tensor:
        """Hyperbolic tangent elementwise, same shape. Same as :func:`retrograd.tanh`."""
        return _ops.Tanh.apply(self)

    def relu(self) -> Tensor:
        """max(x, 0) elementwise, same shape. Same as :func:`retrograd.relu`.

        Examples
        --------
        >>> import retrograd as rg
        >>> rg.tensor([-1.0, 2.0]).relu()
        tensor([0., 2.])
        """
        return _ops.ReLU.apply(self)

    def leaky_relu(self, negative_slope: float = 0.01) -> Tensor:
        """Leaky ReLU elementwise, same shape. Same as :func:`retrograd.leaky_relu`."""
        return _ops.LeakyReLU.apply(self, negative_slope=negative_slope)

    def elu(self, alpha: float = 1.0) -> Tensor:
        """ELU elementwise, same shape. Same as :func:`retrograd.elu`."""
        return _ops.ELU.apply(self, alpha=alpha)

    def gelu(self, approximate: str = "none") -> Tensor:
        """GELU elementwise, same shape. Same as :func:`retrograd.gelu`."""
        return _ops.GELU.apply(self, approximate=approximate)

    def softplus(self) -> Tensor:
        """ln(1 + e^x) elementwise, same shape. Same as :func:`retrograd.softplus`."""
        return _ops.Softplus.apply(self)

    def softmax(self, axis: int = -1) -> Tensor:
        """Softmax along ``axis``, same shape. Same as :func:`retrograd.softmax`."""
        return _ops.Softmax.apply(self, axis=axis)

    def log_softmax(self, axis: int = -1) -> Tensor:
        """log(softmax) along ``axis``, same shape. Same as :func:`retrograd.log_softmax`."""
        return _ops.LogSoftmax.apply(self, axis=axis)

    def maximum(self, other: ArrayLike) -> Tensor:
        """Elementwise max with ``other`` (broadcasting). Same as :func:`retrograd.maximum`."""
        return _ops.Maximum.apply(*self._pair(other))

    def minimum(self, other: ArrayLike) -> Tensor:
        """Elementwise min with ``other`` (broadcasting). Same as :func:`retrograd.minimum`."""
        return _ops.Minimum.apply(*self._pair(other))

    def where(self, condition: ArrayLike, other: ArrayLike) -> Tensor:
        """``self`` where ``condition`` holds, else ``other`` (as ``torch.Tensor.where``).

        Same as ``retrograd.where(condition, self, other)`` (:func:`retrograd.where`).
        """
        from retrograd.functional import where

        return where(condition, self, other)

    def matmul(self, other: ArrayLike) -> Tensor:
        """Matrix product ``self @ other``. Same as :func:`retrograd.matmul`.

        Examples
        --------
        >>> import numpy as np, retrograd as rg
        >>> rg.tensor(np.ones((2, 3))).matmul(rg.tensor(np.ones((3, 4)))).shape
        (2, 4)
        """
        return self @ other

    def pow(self, exponent: ArrayLike) -> Tensor:
        """``self ** exponent`` (broadcasting). Same as :func:`retrograd.power`."""
        return self**exponent

    def neg(self) -> Tensor:
        """``-self``. Same as :func:`retrograd.negative`."""
        return -self

    def pad(self, pad_width: Any, value: float = 0.0) -> Tensor:
        """Constant padding, ``pad_width`` as in ``numpy.pad``. Same as :func:`retrograd.pad`."""
        return _ops.Pad.apply(self, pad_width=pad_width, value=value)

    def broadcast_to(self, shape: Any) -> Tensor:
        """Repeat along broadcast axes to ``shape``. Same as :func:`retrograd.broadcast_to`."""
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
