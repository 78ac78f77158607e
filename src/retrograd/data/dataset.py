"""Datasets: indexable collections of examples (PyTorch's ``Dataset`` shape).

A dataset has a length and returns one example as a tuple of arrays, e.g.
``(x, y)``. :class:`TensorDataset` wraps arrays that share their first axis;
:class:`Subset` and :func:`random_split` select parts of another dataset.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


class Dataset:
    """Base class: define ``__len__`` and ``__getitem__(i) -> tuple of arrays``.

    Examples
    --------
    >>> import numpy as np
    >>> class Squares(Dataset):
    ...     def __len__(self):
    ...         return 5
    ...     def __getitem__(self, i):
    ...         return np.array([i], dtype=np.float32), np.array(i * i)
    >>> Squares()[3]
    (array([3.], dtype=float32), array(9))
    """

    def __len__(self) -> int:  # pragma: no cover - abstract
        raise NotImplementedError(f"{type(self).__name__} must define __len__")

    def __getitem__(self, index: int) -> tuple[np.ndarray, ...]:  # pragma: no cover
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")


def _as_array(a: Any) -> np.ndarray:
    data = getattr(a, "data", a)  # a retrograd Tensor holds its array in .data
    return np.asarray(data)


class TensorDataset(Dataset):
    """Examples made of rows of arrays that share their first axis.

    Parameters
    ----------
    *arrays : array_like or Tensor
        E.g. ``X`` of shape ``(N, features)`` and ``y`` of shape ``(N,)``.

    Shape
    -----
    every array ``(N, ...)``; ``dataset[i]`` is ``(X[i], y[i])``; an index
    array or slice gives a batch ``(X[idx], y[idx])``.

    Examples
    --------
    >>> import numpy as np
    >>> ds = TensorDataset(np.zeros((4, 2)), np.array([0, 1, 1, 0]))
    >>> len(ds), ds[1][1]
    (4, np.int64(1))
    """

    def __init__(self, *arrays: Any) -> None:
        if not arrays:
            raise ValueError("TensorDataset needs at least one array")
        self.arrays: tuple[np.ndarray, ...] = tuple(_as_array(a) for a in arrays)
        for a in self.arrays:
            if a.ndim == 0:
                raise ValueError("TensorDataset: arrays need a first (example) axis, got a scalar")
        n = len(self.arrays[0])
        if any(len(a) != n for a in self.arrays):
            shapes = ", ".join(str(a.shape) for a in self.arrays)
            raise ValueError(
                f"TensorDataset: arrays must have the same number of examples (first axis); "
                f"got shapes {shapes}"
            )

    def __len__(self) -> int:
        return len(self.arrays[0])

    def __getitem__(self, index: Any) -> tuple[np.ndarray, ...]:
        if isinstance(index, np.ndarray) and index.dtype.kind in "iu" and index.ndim == 1:
            # a shuffled batch: ``take`` gathers rows 2-3x faster than fancy indexing
            return tuple([a.take(index, axis=0) for a in self.arrays])
        return tuple([a[index] for a in self.arrays])

    def __repr__(self) -> str:
        shapes = ", ".join(f"{a.shape} {a.dtype}" for a in self.arrays)
        return f"TensorDataset({shapes})"


class Subset(Dataset):
    """The examples of ``dataset`` at ``indices``, in that order.

    Examples
    --------
    >>> import numpy as np
    >>> part = Subset(TensorDataset(np.arange(10)), [7, 2])
    >>> [int(part[i][0]) for i in range(len(part))]
    [7, 2]
    """

    def __init__(self, dataset: Any, indices: Sequence[int] | np.ndarray) -> None:
        self.dataset = dataset
        self.indices = np.asarray(indices, dtype=np.int64)
        n = len(dataset)
        if self.indices.ndim != 1:
            raise ValueError(f"Subset: indices must be 1-D, got shape {self.indices.shape}")
        if self.indices.size and (self.indices.min() < -n or self.indices.max() >= n):
            raise IndexError(f"Subset: an index is out of range for a dataset of {n} examples")

    def __len__(self) -> int:
        return len(self.indices)

    @property
    def supports_batch_indexing(self) -> bool:
        """True when an index array fetches a whole batch at once (the DataLoader's fast path)."""
        return isinstance(self.dataset, TensorDataset)

    def __getitem__(self, index: Any) -> tuple[np.ndarray, ...]:
        picked = self.indices[index]
        if isinstance(picked, np.ndarray) and isinstance(self.dataset, TensorDataset):
            return self.dataset[picked]
        if isinstance(picked, np.ndarray):
            rows = [self.dataset[int(i)] for i in picked]
            return tuple(np.stack(col) for col in zip(*rows))
        return self.dataset[int(picked)]


def random_split(
    dataset: Any, lengths: Sequence[int | float], seed: int | None = 0
) -> list[Subset]:
    """Split a dataset into non-overlapping random subsets.

    Parameters
    ----------
    dataset : Dataset
    lengths : sequence of int or float
        Sizes that add up to ``len(dataset)``, or fractions that add up to 1
        (remainders go to the first subsets, as in PyTorch).
    seed : int or None
        Seed of the shuffle (``None``: fresh randomness).

    Examples
    --------
    >>> import numpy as np
    >>> train, val = random_split(TensorDataset(np.arange(10)), [0.8, 0.2])
    >>> len(train), len(val)
    (8, 2)
    """
    n = len(dataset)
    if all(isinstance(x, float) for x in lengths) and abs(sum(lengths) - 1.0) < 1e-9:
        sizes = [int(np.floor(n * f)) for f in lengths]
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
    else:
        sizes = [int(x) for x in lengths]
    if sum(sizes) != n or any(s < 0 for s in sizes):
        raise ValueError(
            f"random_split: lengths {list(lengths)} do not add up to the dataset size {n} "
            "(or to 1.0 as fractions)"
        )
    perm = np.random.default_rng(seed).permutation(n)
    out, start = [], 0
    for s in sizes:
        out.append(Subset(dataset, perm[start : start + s]))
        start += s
    return out
