"""The array namespace and the dtype policy.

retrograd computes on NumPy arrays. ``xp`` is the array module every op uses;
it is NumPy unless :func:`use_cupy` switches it (the optional GPU path).

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

xp: Any = numpy
_default_dtype: numpy.dtype = numpy.dtype(numpy.float32)


def get_default_dtype() -> numpy.dtype:
    """The floating dtype new tensors get when none is given (float32 unless changed)."""
    return _default_dtype


def set_default_dtype(dtype: Any) -> None:
    """Set the floating dtype for new tensors: ``numpy.float32`` or ``numpy.float64``."""
    global _default_dtype
    d = numpy.dtype(dtype)
    if d not in (numpy.dtype(numpy.float32), numpy.dtype(numpy.float64)):
        raise TypeError(f"default dtype must be float32 or float64, got {d}")
    _default_dtype = d


def use_cupy() -> None:
    """Switch the array namespace to CuPy (requires the ``cupy`` package and a GPU)."""
    global xp
    try:
        import cupy  # noqa: PLC0415
    except ImportError as exc:  # pragma: no cover - depends on the machine
        raise ImportError("use_cupy() needs CuPy: pip install cupy-cuda12x") from exc
    xp = cupy


def use_numpy() -> None:
    """Switch the array namespace back to NumPy."""
    global xp
    xp = numpy
