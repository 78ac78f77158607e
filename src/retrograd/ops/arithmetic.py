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
        return g, -g


class Mul(Function):
    """z = a * b"""

    def forward(self, a, b):
        self.save_for_backward(a, b)
        return a * b

    def backward(self, g):
        a, b = self.saved
        return g * b, g * a  # dz/da = b, dz/db = a


class Div(Function):
    """z = a / b"""

    def forward(self, a, b):
        self.save_for_backward(a, b)
        return a / b

    def backward(self, g):
        a, b = self.saved
        ga = g / b  # dz/da = 1/b
        return ga, -ga * a / b  # dz/db = -a/b^2


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
        ga = g * b * a ** (b - 1)  # dz/da = b a^(b-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            gb = g * z * np.log(np.where(a > 0, a, 1))  # dz/db = a^b ln a (0 where a <= 0)
        return ga, gb


class MatMul(Function):
    """z = a @ b (NumPy matmul semantics: vectors, matrices, batched stacks).

    Shape
    -----
    a: ``(..., n, k)`` or ``(k,)``; b: ``(..., k, m)`` or ``(k,)``.
    """

    def forward(self, a, b):
        if a.ndim == 0 or b.ndim == 0 or a.shape[-1] != b.shape[-2 if b.ndim > 1 else 0]:
            raise ValueError(
                f"matmul (@): shapes {a.shape} and {b.shape} do not fit: the last axis of the "
                f"left ({a.shape[-1] if a.ndim else '-'}) must equal the "
                f"{'second-to-last' if b.ndim > 1 else 'only'} axis of the right"
            )
        self.save_for_backward(a, b)
        return a @ b

    def backward(self, g):
        a, b = self.saved
        # dL/da = g @ b^T and dL/db = a^T @ g, with 1-D inputs promoted to matrices
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        g2 = g
        if a.ndim == 1:
            g2 = np.expand_dims(g2, -2)
        if b.ndim == 1:
            g2 = np.expand_dims(g2, -1)
        ga = g2 @ np.swapaxes(b2, -1, -2)
        gb = np.swapaxes(a2, -1, -2) @ g2
        if a.ndim == 1:
            ga = ga.reshape(ga.shape[:-2] + ga.shape[-1:])
            if ga.ndim > 1:
                ga = ga.reshape(-1, a.shape[0]).sum(axis=0)
        if b.ndim == 1:
            gb = gb[..., 0]
            if gb.ndim > 1:
                gb = gb.reshape(-1, b.shape[0]).sum(axis=0)
        return ga, gb
