"""The dtype policy.

retrograd computes on NumPy arrays (a GPU path through CuPy is not built yet: see
docs/design.md).

Dtype policy
------------
* Floating data defaults to ``float32`` (``get_default_dtype()``); pass
  ``dtype=numpy.float64`` (or call ``set_default_dtype``) for float64.
* Python scalars and raw ndarrays mixed into an op take the tensor's dtype.
* Two *tensors* of different floating dtypes are never mixed silently: the op
  raises ``TypeError`` naming both dtypes (cast one with ``.astype``).
"""

from __future__ import annotations

from typing import Any

import numpy

_default_dtype: numpy.dtype = numpy.dtype(numpy.float32)


def get_default_dtype() -> numpy.dtype:
    """The floating dtype new tensors get when none is given (float32 unless changed).

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.get_default_dtype()
    dtype('float32')
    """
    return _default_dtype


def set_default_dtype(dtype: Any) -> None:
    """Set the floating dtype for new tensors: ``numpy.float32`` or ``numpy.float64``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> rg.set_default_dtype(np.float64)
    >>> rg.tensor([1.0]).dtype
    dtype('float64')
    >>> rg.set_default_dtype(np.float32)  # back to the default
    """
    global _default_dtype
    d = numpy.dtype(dtype)
    if d not in (numpy.dtype(numpy.float32), numpy.dtype(numpy.float64)):
        raise TypeError(f"default dtype must be float32 or float64, got {d}")
    _default_dtype = d
