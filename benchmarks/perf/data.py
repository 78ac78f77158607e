"""Synthetic MNIST-shaped batches (speed does not depend on the pixel values)."""

from __future__ import annotations

import numpy as np

EPOCH = 60_000  # samples per MNIST training epoch


def batches(
    batch: int, shape: tuple[int, ...], classes: int = 10, count: int = 8, seed: int = 0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """``count`` distinct (inputs, labels) batches: float32 in [0, 1), int64 labels."""
    rng = np.random.default_rng(seed)
    return [
        (
            rng.random((batch, *shape), dtype=np.float32),
            rng.integers(0, classes, size=batch, dtype=np.int64),
        )
        for _ in range(count)
    ]


class Cycle:
    """Hand out the batches round-robin."""

    def __init__(self, items: list) -> None:
        self.items, self.i = items, 0

    def next(self):
        item = self.items[self.i]
        self.i = (self.i + 1) % len(self.items)
        return item
