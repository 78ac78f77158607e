"""Shape ops: reshape, transpose, broadcast_to, concatenate, stack, pad.

``squeeze``, ``expand_dims`` and ``flatten`` are reshapes (see
:mod:`retrograd.functional`). Each rule here only moves gradient values back
to where the forward pass took them from.
"""

from __future__ import annotations

import numpy as np

from retrograd.function import Function


class Reshape(Function):
    """z = x.reshape(shape)"""

    def forward(self, x, shape):
        self.in_shape = x.shape
        try:
            return x.reshape(shape)
        except ValueError:
            raise ValueError(
                f"reshape: cannot reshape a tensor of shape {x.shape} ({x.size} elements) "
                f"into shape {tuple(shape)}"
            ) from None

    def backward(self, g):
        return g.reshape(self.in_shape)


class Transpose(Function):
    """z = x.transpose(axes) (reverse all axes when ``axes`` is None)"""

    def forward(self, x, axes=None):
        z = np.transpose(x, axes)  # raises for invalid axes
        self.axes = None if axes is None else tuple(a % x.ndim for a in axes)
        return z

    def backward(self, g):
        if self.axes is None:
            return np.transpose(g)
        return np.transpose(g, np.argsort(self.axes))  # the inverse permutation


class BroadcastTo(Function):
    """z = broadcast_to(x, shape) (the engine sums the gradient back)"""

    def forward(self, x, shape):
        return np.broadcast_to(x, shape)

    def backward(self, g):
        return g  # sum_to_shape in the engine undoes the broadcast


class Concatenate(Function):
    """z = concatenate(xs, axis)"""

    def forward(self, *xs, axis=0):
        self.axis = axis
        self.splits = np.cumsum([x.shape[axis] for x in xs])[:-1]
        return np.concatenate(xs, axis=axis)

    def backward(self, g):
        return tuple(np.split(g, self.splits, axis=self.axis))


class Stack(Function):
    """z = stack(xs, axis)"""

    def forward(self, *xs, axis=0):
        self.axis = axis
        return np.stack(xs, axis=axis)

    def backward(self, g):
        return tuple(np.moveaxis(g, self.axis, 0))


class Pad(Function):
    """z = pad(x, pad_width, constant value)"""

    def forward(self, x, pad_width, value=0.0):
        pw = np.broadcast_to(np.asarray(pad_width, dtype=int), (x.ndim, 2))
        self.slices = tuple(slice(int(lo), int(lo) + n) for (lo, _), n in zip(pw, x.shape))
        return np.pad(x, pw, mode="constant", constant_values=value)

    def backward(self, g):
        return g[self.slices]  # the padding received no input, so it passes nothing back
