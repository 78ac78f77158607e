"""Fast sums and maxima along one axis of a 2-D array (array helpers, not ops).

NumPy reduces a C-ordered ``(N, K)`` array along axis 0, or along a short axis 1,
several times slower than its memory bandwidth allows: it walks the array in strides
and pays a per-row overhead. Training hits exactly these cases on every step -- a
bias gradient is the column sums of ``dL/dy`` (``(N, out)`` -> ``(out,)``), and a
softmax over 10 classes takes the maximum and the sum of every short row. Measured on
``(1437, 100)`` / ``(1437, 10)`` float32 arrays, one thread (``benchmarks``,
docs/performance.md): column sums 43 -> 9 µs, row maxima 64 -> 9 µs, row sums 31 -> 6 µs.

* column sums = ``ones(N) @ a``: one BLAS matrix-vector product;
* row sums of short rows = ``a @ ones(K)``, likewise;
* row maxima of short rows = ``maximum.reduce`` over axis 0 of the transposed copy,
  which NumPy runs as K vectorised passes over N contiguous numbers;
* one entry per row, ``a[n, labels[n]]`` (cross-entropy's picked log-probabilities and
  its ``softmax - onehot``) = positions in the flat array: ``take`` and a 1-D index
  instead of NumPy's two-array fancy indexing (2x faster at 200 x 10).

They give the same values as ``a.sum(axis)`` / ``a.max(axis)`` up to the rounding of
the summation order (BLAS accumulates in blocks, NumPy in rows), and the same NaN/Inf
propagation.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

#: rows up to this length count as short: the GEMV row sums win there ...
SHORT_ROW = 64
#: ... and the transposed-copy row maxima up to this length (measured crossover ~20-30)
SHORT_ROW_MAX = 16
#: rows up to this length go through :func:`log_softmax_short_rows` (measured crossover ~40)
SHORT_ROW_SOFTMAX = 32
#: below this many elements NumPy's own reduction is as fast (the call overhead dominates)
MIN_SIZE = 512


@lru_cache(maxsize=64)
def _ones(n: int, dtype: np.dtype) -> np.ndarray:
    ones = np.ones(n, dtype=dtype)
    ones.flags.writeable = False  # shared between calls
    return ones


def _gemv_ok(a: np.ndarray) -> bool:
    return a.ndim == 2 and a.dtype.kind == "f" and a.size >= MIN_SIZE


def column_sums(a: np.ndarray) -> np.ndarray:
    """``a.sum(axis=0)`` of a 2-D float array, as one matrix-vector product.

    Shape: ``(N, K) -> (K,)``.
    """
    if a.ndim == 2 and a.shape[0] == 1:  # one sample (online learning): the row itself
        return a[0]  # a view; gradients are never written in place (docs/engine.md)
    if not _gemv_ok(a):
        return np.add.reduce(a, axis=0)
    return np.dot(_ones(a.shape[0], a.dtype), a)


def row_sums(a: np.ndarray) -> np.ndarray:
    """``a.sum(axis=1, keepdims=True)`` of a 2-D float array. Shape: ``(N, K) -> (N, 1)``."""
    if not _gemv_ok(a) or a.shape[1] > SHORT_ROW:
        return a.sum(axis=1, keepdims=True)
    return (a @ _ones(a.shape[1], a.dtype))[:, None]


def row_max(a: np.ndarray) -> np.ndarray:
    """``a.max(axis=1, keepdims=True)`` of a 2-D array. Shape: ``(N, K) -> (N, 1)``."""
    if a.ndim != 2 or a.shape[1] > SHORT_ROW_MAX or a.shape[1] == 0 or a.size < MIN_SIZE:
        return a.max(axis=1, keepdims=True)
    return np.maximum.reduce(np.ascontiguousarray(a.T), axis=0)[:, None]


def log_softmax_short_rows(a: np.ndarray) -> np.ndarray:
    """Log-softmax of every row of a 2-D float array with few columns (classes).

    The work runs on a transposed copy ``(K, N)``: each of the K passes (max, subtract,
    exp, sum, log) is then one vectorised sweep over N contiguous numbers instead of N
    short rows -- 1.2-2x faster than row by row for K <= 32 (200 x 10: 10 -> 8 µs).
    The result is the ``(N, K)`` transpose of that copy (Fortran-ordered), with the
    same values up to summation order. Shape: ``(N, K) -> (N, K)``.
    """
    at = a.T.copy()  # (K, N), C-contiguous
    at -= np.maximum.reduce(at, axis=0)  # shift by each row's max: exp never overflows
    at -= np.log(np.add.reduce(np.exp(at), axis=0))
    return at.T


def flat_view(a: np.ndarray) -> np.ndarray | None:
    """The elements of a C- or Fortran-contiguous array as a 1-D view, in memory order
    (writing it writes ``a``); None for other layouts. Shape: ``(N, K) -> (N*K,)``."""
    if a.flags.c_contiguous:
        return a.reshape(-1)
    if a.flags.f_contiguous:
        return a.T.reshape(-1)
    return None


def label_positions(a: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """:func:`flat_view` of a contiguous ``(N, K)`` array and where ``a[n, labels[n]]`` lies in it.

    ``flat[pos]`` is ``a[np.arange(N), labels]`` (and writing ``flat[pos]`` writes those
    entries of ``a``), for C- or Fortran-ordered ``a``; None for other layouts. The same
    positions index :func:`flat_view` of any array laid out as ``a``.
    Shape: ``(N, K)``, ``(N,)`` -> ``(N*K,)``, ``(N,)``.
    """
    flat = flat_view(a)
    if flat is None:
        return None
    n, k = a.shape
    if a.flags.c_contiguous:  # row n starts at n*K
        return flat, np.arange(0, n * k, k) + labels
    return flat, labels * n + np.arange(n)  # Fortran order: column c starts at c*N
