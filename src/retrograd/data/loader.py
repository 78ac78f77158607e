"""``DataLoader``: cut a dataset into (shuffled) mini-batches of Tensors.

Batch size picks the flavour of gradient descent:

* ``batch_size=1`` -- *online* (stochastic) learning, one example per update,
* ``batch_size=32`` -- mini-batch learning (the usual choice),
* ``batch_size=None`` -- *full-batch* learning, the whole set per update.

Shuffling draws one permutation per epoch from the loader's own
``numpy.random.Generator`` (``loader.rng``), so a seed makes the order
reproducible, and saving ``loader.state_dict()`` in a checkpoint lets training
resume with exactly the batches it would have seen -- even mid-epoch.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import numpy as np

from retrograd.backend import get_default_dtype
from retrograd.data.dataset import TensorDataset
from retrograd.tensor import Tensor


def _to_tensor(arr: Any, float_dtype: np.dtype) -> Tensor:
    a = np.asarray(arr)
    kind = a.dtype.kind
    if kind == "f" and a.dtype != float_dtype:
        a = a.astype(float_dtype)
    elif kind in "iu" and a.dtype != np.int64:
        a = a.astype(np.int64)
    if kind in "fiu":  # an array of the final dtype: wrap it without Tensor()'s checks
        return Tensor._make(a, None, False)
    return Tensor(a, dtype=a.dtype)


class DataLoader:
    """Iterate over a dataset in mini-batches of Tensors.

    Parameters
    ----------
    dataset : Dataset or tuple of arrays
        Anything with ``__len__`` and ``__getitem__`` returning a tuple of
        arrays; a tuple ``(X, y)`` of arrays is wrapped in a ``TensorDataset``.
    batch_size : int or None
        Examples per batch; ``None`` gives one batch with the whole dataset.
    shuffle : bool
        Draw a new random order every epoch (every ``iter(loader)``).
    drop_last : bool
        Skip the final batch when it is smaller than ``batch_size``.
    seed : int, optional
        Seed of ``self.rng`` (``None``: fresh randomness).
    dtype : numpy dtype, optional
        Floating arrays become this dtype (default: retrograd's default
        float dtype, float32); integer arrays become int64 (class labels).

    Shape
    -----
    each batch is a tuple with one Tensor per array of the dataset, of shape
    ``(B, ...)`` where ``B = batch_size`` (the last batch may be smaller).

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.arange(10.0).reshape(5, 2), np.array([0, 1, 0, 1, 1])
    >>> loader = DataLoader((X, y), batch_size=2, shuffle=True, seed=0)
    >>> [xb.shape for xb, yb in loader]
    [(2, 2), (2, 2), (1, 2)]
    >>> len(loader)
    3
    """

    def __init__(
        self,
        dataset: Any,
        batch_size: int | None = 32,
        shuffle: bool = False,
        drop_last: bool = False,
        seed: int | None = None,
        dtype: Any = None,
    ) -> None:
        if isinstance(dataset, (tuple, list)):
            dataset = TensorDataset(*dataset)
        if not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
            raise TypeError(
                f"DataLoader needs a Dataset (with __len__ and __getitem__) or a tuple of "
                f"arrays, got {type(dataset).__name__}"
            )
        if batch_size is not None and (
            isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer))
        ):
            raise TypeError(f"DataLoader: batch_size must be an int or None, got {batch_size!r}")
        if batch_size is not None and batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be >= 1, got {batch_size}")
        self.dataset = dataset
        self.batch_size = None if batch_size is None else int(batch_size)
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.dtype = np.dtype(dtype) if dtype is not None else None
        #: the generator that draws each epoch's order; its state can be saved/restored
        self.rng = np.random.default_rng(seed)
        self._epoch_start_state: dict[str, Any] | None = None
        self._batches_done = 0
        self._resume_skip = 0

    # -- sizes -------------------------------------------------------------------------
    def _effective_batch(self) -> int:
        n = len(self.dataset)
        return max(n, 1) if self.batch_size is None else self.batch_size

    def __len__(self) -> int:
        """Number of batches per epoch."""
        n, bs = len(self.dataset), self._effective_batch()
        return n // bs if self.drop_last else -(-n // bs)

    # -- iteration ---------------------------------------------------------------------
    def __iter__(self) -> Iterator[tuple[Tensor, ...]]:
        n, bs = len(self.dataset), self._effective_batch()
        start_state = self.rng.bit_generator.state  # a fresh dict of plain values
        order = self._epoch_order(n)
        skip, self._resume_skip = self._resume_skip, 0
        self._epoch_start_state, self._batches_done = start_state, skip
        float_dtype = self.dtype or get_default_dtype()
        ready = self._batches_ready(float_dtype)
        for b in range(skip, len(self)):
            lo, hi = b * bs, min((b + 1) * bs, n)
            batch = self._fetch(slice(lo, hi) if order is None else order[lo:hi])
            self._batches_done = b + 1
            if ready:  # already in their batch dtypes: wrapped with no per-batch checks
                yield tuple([Tensor._make(a, None, False) for a in batch])
            else:
                yield tuple([_to_tensor(a, float_dtype) for a in batch])
        self._epoch_start_state, self._batches_done = None, 0

    def _batches_ready(self, float_dtype: np.dtype) -> bool:
        """Whether the batches come out in their final dtypes: a plain ``TensorDataset``
        whose floats are ``float_dtype`` and whose integers are int64."""
        ds = self.dataset
        return type(ds) is TensorDataset and all(
            a.dtype == float_dtype if a.dtype.kind == "f" else a.dtype == np.int64
            for a in ds.arrays
        )

    def _epoch_order(self, n: int) -> np.ndarray | None:
        """This epoch's order of the ``n`` examples (``None``: as stored). A subclass may
        override it, e.g. to reproduce another library's batch order."""
        return self.rng.permutation(n) if self.shuffle else None

    def _fetch(self, index: Any) -> tuple[np.ndarray, ...]:
        ds = self.dataset
        if isinstance(ds, TensorDataset) or getattr(ds, "supports_batch_indexing", False):
            return tuple(ds[index])
        ids = range(index.start, index.stop) if isinstance(index, slice) else index
        rows = [ds[int(i)] for i in ids]
        rows = [r if isinstance(r, tuple) else (r,) for r in rows]
        return tuple(np.stack([np.asarray(v) for v in col]) for col in zip(*rows))

    # -- resuming ----------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """Plain-data state for a checkpoint: the generator state and the position.

        Mid-epoch it is the state *before* this epoch's shuffle plus the number
        of batches already served, so :meth:`load_state_dict` replays the same
        order and continues with the next batch.
        """
        if self._epoch_start_state is not None:
            return {
                "rng_state": copy.deepcopy(self._epoch_start_state),
                "batches_done": self._batches_done,
            }
        return {"rng_state": copy.deepcopy(self.rng.bit_generator.state), "batches_done": 0}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore :meth:`state_dict`; the next ``iter()`` continues where it stopped."""
        self.rng.bit_generator.state = state["rng_state"]
        self._resume_skip = int(state.get("batches_done", 0))
        self._epoch_start_state, self._batches_done = None, 0

    def __repr__(self) -> str:
        return (
            f"DataLoader({type(self.dataset).__name__} of {len(self.dataset)}, "
            f"batch_size={self.batch_size}, shuffle={self.shuffle}, drop_last={self.drop_last})"
        )
