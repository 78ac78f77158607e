"""Reductions: sum, mean, var, max, min over any axes (NumPy ``axis``/``keepdims``)."""

from __future__ import annotations

import numpy as np

from retrograd.function import Function


def normalize_axes(axis, ndim, op="reduction"):
    """``axis`` (None, an int or a sequence, negatives allowed) as a sorted tuple of
    non-negative axes; raises ``ValueError`` naming ``op`` for an axis out of range."""
    if axis is None:
        return tuple(range(ndim))
    items = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    for a in items:
        if not (a in (0, -1) if ndim == 0 else -ndim <= a < ndim):
            raise ValueError(f"{op}: axis {a} is out of range for a tensor with {ndim} axes")
    axes = tuple(sorted(int(a) % ndim for a in items)) if ndim else ()
    if len(set(axes)) != len(axes):
        raise ValueError(f"{op}: repeated axis in {axis}")
    return axes


def _expand(g, axes, keepdims):
    """Put reduced axes back (size 1) so ``g`` broadcasts against the input."""
    if not keepdims and axes:
        g = np.expand_dims(g, axes)
    return g


class Sum(Function):
    """z = sum(x, axis)"""

    def forward(self, x, axis=None, keepdims=False):
        self.in_shape, self.keepdims = x.shape, keepdims
        self.axes = normalize_axes(axis, x.ndim, "sum")
        return np.sum(x, axis=self.axes, keepdims=keepdims)

    def backward(self, g):
        # every summed element gets the same gradient: broadcast g back
        return np.broadcast_to(_expand(g, self.axes, self.keepdims), self.in_shape)


class Mean(Function):
    """z = mean(x, axis)"""

    def forward(self, x, axis=None, keepdims=False):
        self.in_shape, self.keepdims = x.shape, keepdims
        self.axes = normalize_axes(axis, x.ndim, "mean")
        self.count = int(np.prod([x.shape[a] for a in self.axes], dtype=np.int64))
        return np.mean(x, axis=self.axes, keepdims=keepdims)

    def backward(self, g):
        g = _expand(g, self.axes, self.keepdims)
        return np.broadcast_to(g / max(self.count, 1), self.in_shape)  # dz/dx_i = 1/n


class Var(Function):
    """z = var(x, axis, ddof) = sum((x - mean)^2) / (n - ddof)"""

    def forward(self, x, axis=None, keepdims=False, ddof=0):
        self.in_shape, self.keepdims = x.shape, keepdims
        self.axes = normalize_axes(axis, x.ndim, "var")
        n = int(np.prod([x.shape[a] for a in self.axes], dtype=np.int64))
        # n - ddof <= 0 gives NaN/Inf, as in NumPy and PyTorch (no samples to spread over)
        self.denom = x.dtype.type(max(n - ddof, 0))
        with np.errstate(invalid="ignore", divide="ignore"):
            centered = x - x.mean(axis=self.axes, keepdims=True)
            self.save_for_backward(centered)
            return np.sum(centered * centered, axis=self.axes, keepdims=keepdims) / self.denom

    def backward(self, g):
        (centered,) = self.saved
        g = _expand(g, self.axes, self.keepdims)
        with np.errstate(invalid="ignore", divide="ignore"):
            scale = 2.0 / self.denom
        return g * scale * centered  # dz/dx_i = 2 (x_i - mean) / (n - ddof)


class _Extremum(Function):
    registered = False
    pick = staticmethod(np.max)

    def forward(self, x, axis=None, keepdims=False):
        self.axes = normalize_axes(axis, x.ndim, self.name.lower())
        if x.size == 0:
            raise ValueError(f"{self.name}: zero-size tensor of shape {x.shape} has no extremum")
        self.keepdims = keepdims
        z = self.pick(x, axis=self.axes, keepdims=True)
        self.save_for_backward(x, z)
        return (
            z if keepdims else z.reshape([n for i, n in enumerate(x.shape) if i not in self.axes])
        )

    def backward(self, g):
        x, z = self.saved
        # the gradient goes to the arg-extremum; ties share it equally (as PyTorch's amax)
        mask = x == z
        share = mask / mask.sum(axis=self.axes, keepdims=True, dtype=x.dtype)
        return _expand(g, self.axes, self.keepdims) * share


class Max(_Extremum):
    """z = max(x, axis); ties split the gradient equally"""

    registered = True
    pick = staticmethod(np.max)


class Min(_Extremum):
    """z = min(x, axis); ties split the gradient equally"""

    registered = True
    pick = staticmethod(np.min)
