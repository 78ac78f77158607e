"""Embedding lookup: rows of a weight table picked by integer indices."""

from __future__ import annotations

import numpy as np

from retrograd.function import Function


class Embedding(Function):
    """y[..., :] = W[indices[...], :]

    A lookup is a matrix product with one-hot rows, so ``dL/dW[v]`` is the sum
    of the output gradients of every position that looked up row ``v``. The
    backward pass scatter-adds with ``np.add.at``, which (unlike ``+=`` on a
    fancy index) accumulates repeated indices instead of keeping only the last.
    Rows never looked up get zero gradient; so does ``padding_idx``.

    Parameters (keyword)
    --------------------
    indices : integer ndarray
        Not differentiable.
    padding_idx : int, optional

    Shape
    -----
    W: ``(V, D)``; indices: ``(*)``; y: ``(*, D)``.
    """

    def forward(self, weight, indices=None, padding_idx=None):
        idx = np.asarray(indices)
        if idx.dtype.kind not in "iu":
            raise TypeError(f"{self.name}: indices must be integers, got dtype {idx.dtype}")
        if weight.ndim != 2:
            raise ValueError(f"{self.name}: weight must be (V, D), got shape {weight.shape}")
        v = weight.shape[0]
        if idx.size and (idx.min() < -v or idx.max() >= v):
            raise IndexError(
                f"{self.name}: index out of range for a table of {v} rows: indices span "
                f"[{idx.min()}, {idx.max()}] (shape {idx.shape})"
            )
        self.idx, self.weight_shape, self.padding_idx = idx, weight.shape, padding_idx
        return weight[idx]

    def backward(self, grad_out):
        grad = np.zeros(self.weight_shape, dtype=grad_out.dtype)
        # dL/dW[v] = sum over positions p with indices[p] == v of dL/dy[p]
        np.add.at(grad, self.idx.reshape(-1), grad_out.reshape(-1, self.weight_shape[1]))
        if self.padding_idx is not None:
            grad[self.padding_idx] = 0
        return grad
