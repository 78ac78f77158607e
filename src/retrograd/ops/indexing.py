"""Indexing: slices, integer arrays, boolean masks -- and the scatter-add backward."""

from __future__ import annotations

import numpy as np

from retrograd.function import Function


class GetItem(Function):
    """z = x[index]

    Backward scatters the gradient into a zero array of x's shape with
    ``np.add.at``, so an element picked several times (repeated integer
    indices) receives the sum of all its gradients.
    """

    def forward(self, x, index):
        self.in_shape, self.dtype, self.index = x.shape, x.dtype, index
        return x[index]

    def backward(self, g):
        grad = np.zeros(self.in_shape, dtype=self.dtype)
        if _is_basic(self.index):
            grad[self.index] = g  # slices/ints: no element is picked twice
        else:
            np.add.at(grad, self.index, g)
        return grad


def _is_basic(index) -> bool:
    items = index if isinstance(index, tuple) else (index,)
    return all(isinstance(i, (slice, int, np.integer)) or i is None or i is Ellipsis for i in items)
