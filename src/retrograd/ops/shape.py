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


def _check_join(op, xs, axis, new_axis):
    """Raise a ``ValueError`` naming ``op``, every input shape and ``axis`` when ``xs``
    cannot be joined (NumPy's own message names neither the op nor the shapes).

    ``concatenate`` needs equal shapes except along ``axis``; ``stack`` needs equal
    shapes, and ``axis`` may also be ``ndim`` (a new last axis).
    """
    if not xs:
        raise ValueError(f"{op}: needs at least one tensor, got none")
    shapes = ", ".join(str(x.shape) for x in xs)
    ndim = xs[0].ndim
    if not new_axis and any(x.ndim == 0 for x in xs):
        raise ValueError(
            f"{op}: cannot join 0-d tensors along axis {axis} (input shapes {shapes}); "
            "use stack to make a new axis"
        )
    if any(x.ndim != ndim for x in xs):
        raise ValueError(
            f"{op}: all inputs need the same number of axes; got input shapes {shapes} "
            f"(axis={axis})"
        )
    limit = ndim + 1 if new_axis else ndim  # stack inserts an axis: ndim + 1 positions
    if not isinstance(axis, (int, np.integer)) or not -limit <= axis < limit:
        raise ValueError(
            f"{op}: axis {axis} is out of range for inputs with {ndim} axes (input shapes {shapes})"
        )
    if new_axis:
        if any(x.shape != xs[0].shape for x in xs):
            raise ValueError(
                f"{op}: all inputs need the same shape; got input shapes {shapes} (axis={axis})"
            )
        return
    a = int(axis) % ndim
    rest = [x.shape[:a] + x.shape[a + 1 :] for x in xs]
    if any(r != rest[0] for r in rest):
        raise ValueError(
            f"{op}: input shapes must match except along axis {axis}; got input shapes {shapes}"
        )


class Concatenate(Function):
    """z = concatenate(xs, axis)"""

    def forward(self, *xs, axis=0):
        _check_join("concatenate", xs, axis, new_axis=False)
        self.axis = axis
        self.splits = np.cumsum([x.shape[axis] for x in xs])[:-1]
        return np.concatenate(xs, axis=axis)

    def backward(self, g):
        return tuple(np.split(g, self.splits, axis=self.axis))


class Stack(Function):
    """z = stack(xs, axis)"""

    def forward(self, *xs, axis=0):
        _check_join("stack", xs, axis, new_axis=True)
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
