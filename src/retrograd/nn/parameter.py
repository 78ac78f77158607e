"""``Parameter``: a leaf tensor that a Module owns and an optimizer updates."""

from __future__ import annotations

from typing import Any

from retrograd.tensor import Tensor, _to_array


class Parameter(Tensor):
    """A trainable tensor (``requires_grad=True`` by default).

    Assigning one as an attribute of a :class:`~retrograd.nn.Module` registers
    it, so it shows up in ``parameters()`` and ``state_dict()``.

    Parameters
    ----------
    data : array_like or Tensor
        Initial values. A Tensor keeps its dtype; other floating data becomes
        the default dtype (float32) unless ``dtype`` is given.
    requires_grad : bool
        Whether the optimizer should train it (``False`` freezes it).
    dtype : numpy dtype, optional
        Force a dtype, e.g. ``numpy.float64``.

    Examples
    --------
    >>> import numpy as np
    >>> from retrograd import nn
    >>> w = nn.Parameter(np.zeros((2, 3)), dtype=np.float64)
    >>> w.shape, w.dtype, w.requires_grad
    ((2, 3), dtype('float64'), True)
    """

    __slots__ = ()

    def __init__(self, data: Any, requires_grad: bool = True, dtype: Any = None) -> None:
        if isinstance(data, Tensor) and dtype is None:
            dtype = data.dtype
        arr = _to_array(data, dtype)
        super().__init__(arr, requires_grad=requires_grad, dtype=arr.dtype)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
