"""Reductions: sum, mean, var, max, min over any axes (NumPy ``axis``/``keepdims``)."""

from __future__ import annotations

import numpy as np

from retrograd.function import Function


def _normalize_axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int):
        axis = (axis,)
    return tuple(sorted(a % ndim for a in axis)) if ndim else ()


def _expand(g, in_shape, axes, keepdims):
    """Put reduced axes back (size 1) so ``g`` broadcasts against the input."""
    if not keepdims and axes:
        g = np.expand_dims(g, axes)
    return g


class Sum(Function):
    """z = sum(x, axis)"""

    def forward(self, x, axis=None, keepdims=False):
        self.in_shape, self.axes, self.keepdims = x.shape, _normalize_axes(axis, x.ndim), keepdims
        return np.sum(x, axis=axis, keepdims=keepdims)

    def backward(self, g):
        # every summed element gets the same gradient: broadcast g back
        g = _expand(g, self.in_shape, self.axes, self.keepdims)
        return np.broadcast_to(g, self.in_shape)


class Mean(Function):
    """z = mean(x, axis)"""

    def forward(self, x, axis=None, keepdims=False):
        self.in_shape, self.axes, self.keepdims = x.shape, _normalize_axes(axis, x.ndim), keepdims
        self.count = int(np.prod([x.shape[a] for a in self.axes])) if self.axes else 1
        return np.mean(x, axis=axis, keepdims=keepdims)

    def backward(self, g):
        g = _expand(g, self.in_shape, self.axes, self.keepdims)
        return np.broadcast_to(g / max(self.count, 1), self.in_shape)  # dz/dx_i = 1/n


class Var(Function):
    """z = var(x, axis, ddof)"""

    def forward(self, x, axis=None, keepdims=False, ddof=0):
        self.in_shape, self.axes, self.keepdims = x.shape, _normalize_axes(axis, x.ndim), keepdims
        n = int(np.prod([x.shape[a] for a in self.axes])) if self.axes else 1
        self.denom = max(n - ddof, 1)
        centered = x - x.mean(axis=self.axes, keepdims=True)
        self.save_for_backward(centered)
        return np.sum(centered * centered, axis=axis, keepdims=keepdims) / self.denom

    def backward(self, g):
        (centered,) = self.saved
        g = _expand(g, self.in_shape, self.axes, self.keepdims)
        return g * (2.0 / self.denom) * centered  # dz/dx_i = 2 (x_i - mean) / (n - ddof)


class _Extremum(Function):
    registered = False
    pick = staticmethod(np.max)

    def forward(self, x, axis=None, keepdims=False):
        if x.size == 0:
            raise ValueError(f"{self.name}: zero-size tensor of shape {x.shape} has no extremum")
        self.in_shape, self.axes, self.keepdims = x.shape, _normalize_axes(axis, x.ndim), keepdims
        z = self.pick(x, axis=axis, keepdims=True)
        # gradient goes to the arg-extremum; ties share it equally (as PyTorch's amax)
        mask = (x == z).astype(x.dtype)
        self.save_for_backward(mask / mask.sum(axis=self.axes, keepdims=True))
        return z if keepdims else np.squeeze(z, axis=self.axes) if self.axes else z.reshape(())

    def backward(self, g):
        (share,) = self.saved
        g = _expand(g, self.in_shape, self.axes, self.keepdims)
        return g * share


class Max(_Extremum):
    """z = max(x, axis); ties split the gradient equally"""

    registered = True
    pick = staticmethod(np.max)


class Min(_Extremum):
    """z = min(x, axis); ties split the gradient equally"""

    registered = True
    pick = staticmethod(np.min)
