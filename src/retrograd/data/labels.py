"""Class labels as vectors: ``one_hot``."""

from __future__ import annotations

from typing import Any

import numpy as np

from retrograd.backend import get_default_dtype


def one_hot(y: Any, num_classes: int | None = None, dtype: Any = None) -> np.ndarray:
    """Turn integer class labels into one-hot rows (targets for MSE / half-SSE losses).

    Parameters
    ----------
    y : array_like of int, shape (N,)
    num_classes : int, optional
        Default: ``max(y) + 1``.
    dtype : numpy dtype, optional
        Default: the default float dtype.

    Shape
    -----
    ``(N,)`` -> ``(N, num_classes)``.

    Examples
    --------
    >>> one_hot([0, 2, 1]).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    """
    labels = np.asarray(getattr(y, "data", y))
    if labels.dtype.kind not in "iu" and not (
        labels.dtype.kind == "f" and np.all(labels == np.round(labels))
    ):
        raise TypeError(f"one_hot: labels must be integers, got dtype {labels.dtype}")
    labels = labels.astype(np.int64)
    if labels.ndim != 1:
        raise ValueError(f"one_hot: labels must be 1-D, got shape {labels.shape}")
    n = int(labels.max()) + 1 if num_classes is None and labels.size else int(num_classes or 0)
    if labels.size and (labels.min() < 0 or labels.max() >= n):
        raise ValueError(
            f"one_hot: labels must be in 0..{n - 1}, got range {labels.min()}..{labels.max()}"
        )
    out = np.zeros((labels.size, n), dtype=dtype or get_default_dtype())
    out[np.arange(labels.size), labels] = 1
    return out
