"""Arithmetic ops: + - * / ** @ and negation, with NumPy broadcasting.

Broadcast inputs get gradients of the output's shape here; the engine sums
them back to each input's shape (``sum_to_shape``), so no rule below has to.
"""

from __future__ import annotations

import numpy as np

from retrograd.function import Function


class Add(Function):
    """z = a + b"""

    def forward(self, a, b):
        return a + b

    def backward(self, g):
        return g, g  # dz/da = dz/db = 1


class Sub(Function):
    """z = a - b"""

    def forward(self, a, b):
        return a - b

    def backward(self, g):
        return g, (-g if self.needs_grad(1) else None)  # dz/da = 1, dz/db = -1


class Mul(Function):
    """z = a * b"""

    def forward(self, a, b):
        self.save_for_backward(a, b)
        return a * b

    def backward(self, g):
        a, b = self.saved
        ga = g * b if self.needs_grad(0) else None  # dz/da = b
        gb = g * a if self.needs_grad(1) else None  # dz/db = a
        return ga, gb


class Div(Function):
    """z = a / b"""

    def forward(self, a, b):
        self.save_for_backward(a, b)
        return a / b

    def backward(self, g):
        a, b = self.saved
        ga = g / b  # dz/da = 1/b
        return ga, (-ga * a / b if self.needs_grad(1) else None)  # dz/db = -a/b^2


class Neg(Function):
    """z = -a"""

    def forward(self, a):
        return -a

    def backward(self, g):
        return -g


class PowScalar(Function):
    """z = a ** p for a constant exponent p"""

    def forward(self, a, exponent):
        self.exponent = exponent
        self.save_for_backward(a)
        return a**exponent

    def backward(self, g):
        (a,) = self.saved
        p = self.exponent
        if p == 2.0:
            return g * (2.0 * a)
        return g * (p * a ** (p - 1.0))  # dz/da = p a^(p-1)


class Pow(Function):
    """z = a ** b, both tensors (a > 0 where b's gradient is needed)"""

    def forward(self, a, b):
        z = a**b
        self.save_for_backward(a, b, z)
        return z

    def backward(self, g):
        a, b, z = self.saved
        ga = gb = None
        if self.needs_grad(0):
            ga = g * b * a ** (b - 1)  # dz/da = b a^(b-1)
        if self.needs_grad(1):
            gb = g * z * np.log(np.where(a > 0, a, 1))  # dz/db = a^b ln a (0 where a <= 0)
        return ga, gb


class MatMul(Function):
    """z = a @ b (NumPy matmul semantics: vectors, matrices, batched stacks).

    Shape
    -----
    a: ``(..., n, k)`` or ``(k,)``; b: ``(..., k, m)`` or ``(k,)``; the batch axes ``...``
    broadcast.
    """

    def forward(self, a, b):
        if a.ndim == 0 or b.ndim == 0 or a.shape[-1] != b.shape[-2 if b.ndim > 1 else 0]:
            raise ValueError(
                f"matmul (@): shapes {a.shape} and {b.shape} do not fit: the last axis of the "
                f"left ({a.shape[-1] if a.ndim else '-'}) must equal the "
                f"{'second-to-last' if b.ndim > 1 else 'only'} axis of the right"
            )
        try:
            z = a @ b
        except ValueError:
            raise ValueError(
                f"matmul (@): shapes {a.shape} and {b.shape} do not fit: their batch axes "
                f"{a.shape[:-2]} and {b.shape[:-2]} do not broadcast"
            ) from None
        self.save_for_backward(a, b)
        return z

    def backward(self, g):
        a, b = self.saved
        # NumPy treats a vector as a 1-row matrix on the left, a 1-column matrix on the right
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        if a.ndim == 1 or b.ndim == 1:  # give g the promoted product's shape back
            batch = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
            g = g.reshape(batch + (a2.shape[-2], b2.shape[-1]))
        ga = gb = None
        # drop a promoted axis again; the engine sums any broadcast batch axes away
        if self.needs_grad(0):
            ga = g @ np.swapaxes(b2, -1, -2)  # dL/da = g b^T
            if a.ndim == 1:
                ga = ga[..., 0, :]
        if self.needs_grad(1):
            gb = np.swapaxes(a2, -1, -2) @ g  # dL/db = a^T g
            if b.ndim == 1:
                gb = gb[..., 0]
        return ga, gb
