"""Elementwise math: exp, log, log1p, sqrt, abs, clip, where, maximum, minimum, cast."""

from __future__ import annotations

import numpy as np

from retrograd.function import Function


class Exp(Function):
    """y = e^x"""

    def forward(self, x):
        y = np.exp(x)
        self.save_for_backward(y)
        return y

    def backward(self, g):
        (y,) = self.saved
        return g * y  # dy/dx = e^x = y


class Log(Function):
    """y = ln x"""

    def forward(self, x):
        self.save_for_backward(x)
        return np.log(x)

    def backward(self, g):
        (x,) = self.saved
        return g / x  # dy/dx = 1/x


class Log1p(Function):
    """y = ln(1 + x)"""

    def forward(self, x):
        self.save_for_backward(x)
        return np.log1p(x)

    def backward(self, g):
        (x,) = self.saved
        return g / (1.0 + x)


class Sqrt(Function):
    """y = sqrt(x)"""

    def forward(self, x):
        y = np.sqrt(x)
        self.save_for_backward(y)
        return y

    def backward(self, g):
        (y,) = self.saved
        return g / (2.0 * y)  # dy/dx = 1 / (2 sqrt x)


class Abs(Function):
    """y = |x| (gradient 0 at x = 0)"""

    def forward(self, x):
        self.save_for_backward(x)
        return np.abs(x)

    def backward(self, g):
        (x,) = self.saved
        return g * np.sign(x)


class Clip(Function):
    """y = clip(x, a_min, a_max); gradient passes only where x was inside the range"""

    def forward(self, x, a_min=None, a_max=None):
        inside = np.ones(x.shape, dtype=bool)
        if a_min is not None:
            inside &= x >= a_min
        if a_max is not None:
            inside &= x <= a_max
        self.save_for_backward(inside)
        return np.clip(x, a_min, a_max)

    def backward(self, g):
        (inside,) = self.saved
        return g * inside


class Where(Function):
    """y = where(cond, a, b); cond is a constant boolean array"""

    def forward(self, a, b, cond):
        self.save_for_backward(cond)
        return np.where(cond, a, b)

    def backward(self, g):
        (cond,) = self.saved
        zero = np.zeros((), dtype=g.dtype)
        ga = np.where(cond, g, zero) if self.needs_grad(0) else None
        gb = np.where(cond, zero, g) if self.needs_grad(1) else None
        return ga, gb


class Maximum(Function):
    """y = maximum(a, b); ties split the gradient equally"""

    def forward(self, a, b):
        self.save_for_backward(a, b)
        return np.maximum(a, b)

    def backward(self, g):
        a, b = self.saved
        wa = ((a > b) + 0.5 * (a == b)).astype(g.dtype)  # 1, 0, or 1/2 at a tie
        return g * wa, (g * (1 - wa) if self.needs_grad(1) else None)


class Minimum(Function):
    """y = minimum(a, b); ties split the gradient equally"""

    def forward(self, a, b):
        self.save_for_backward(a, b)
        return np.minimum(a, b)

    def backward(self, g):
        a, b = self.saved
        wa = ((a < b) + 0.5 * (a == b)).astype(g.dtype)  # 1, 0, or 1/2 at a tie
        return g * wa, (g * (1 - wa) if self.needs_grad(1) else None)


class Cast(Function):
    """y = x.astype(dtype); the gradient is cast back to x's dtype"""

    def forward(self, x, dtype):
        self.in_dtype = x.dtype
        return x.astype(dtype)

    def backward(self, g):
        return g.astype(self.in_dtype)
