"""Activation functions and their derivatives.

Sigmoid and tanh save their *output* y and use dy/dx = y(1-y) and 1-y^2, the
forms the textbook derivations use (and the cheapest: no second exp).
"""

from __future__ import annotations

import math

import numpy as np

from retrograd.function import Function
from retrograd.ops.rowwise import SHORT_ROW_SOFTMAX, log_softmax_short_rows, row_max, row_sums
from retrograd.ops.special import erf


def stable_sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-x), the textbook formula, in four in-place array operations.

    For x below about -88 (float32) or -709 (float64), e^-x overflows to inf and
    1 / (1 + inf) = 0, which is the correctly rounded result: that overflow is expected,
    so it is silenced. Everywhere else the formula is accurate in relative terms, even for
    outputs near 0 (sigmoid(-80) = 1.8e-35, where the tanh form would give 0).
    """
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    z = np.negative(x, out=np.empty_like(x))  # out=: stays an array even for 0-d input
    if z.size <= 32 and (z.size == 0 or max(z.ravel().tolist()) < 80.0):
        # tiny arrays (the textbook nets): e^-x cannot overflow (e^80 < float32's max), and
        # this look is cheaper than entering np.errstate, which costs more than the exp
        np.exp(z, out=z)
    else:
        with np.errstate(over="ignore"):
            np.exp(z, out=z)
    z += 1
    return np.reciprocal(z, out=z)


class Sigmoid(Function):
    """y = 1 / (1 + e^-x)"""

    def forward(self, x):
        y = stable_sigmoid(x)
        self.save_for_backward(y)
        return y

    def backward(self, g):
        (y,) = self.saved
        slope = 1.0 - y  # dy/dx = y (1 - y), built in one fresh array
        slope *= y
        slope *= g
        return slope


class Tanh(Function):
    """y = tanh x"""

    def forward(self, x):
        y = np.tanh(x)
        self.save_for_backward(y)
        return y

    def backward(self, g):
        (y,) = self.saved
        return g * (1.0 - y * y)  # dy/dx = 1 - y^2


class ReLU(Function):
    """y = max(x, 0); gradient 0 at x = 0 (as in PyTorch)"""

    def forward(self, x):
        if x.dtype.kind == "f":  # clip runs ~2x faster than maximum on float arrays here
            y = x.clip(0, np.inf)  # (same values, NaN kept; the method skips np.clip's wrapper)
        else:
            y = np.maximum(x, 0)
        self.save_for_backward(y)
        return y

    def backward(self, g):
        (y,) = self.saved
        return g * (y > 0)  # dy/dx = 1 where x > 0, else 0


class LeakyReLU(Function):
    """y = x if x > 0 else slope * x"""

    def forward(self, x, negative_slope=0.01):
        self.slope = negative_slope
        self.save_for_backward(x)
        return np.where(x > 0, x, x * negative_slope)

    def backward(self, g):
        (x,) = self.saved
        return g * np.where(x > 0, 1.0, self.slope).astype(g.dtype)


class ELU(Function):
    """y = x if x > 0 else alpha (e^x - 1)"""

    def forward(self, x, alpha=1.0):
        self.alpha = alpha
        y = np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))
        self.save_for_backward(x, y)
        return y

    def backward(self, g):
        x, y = self.saved
        return g * np.where(x > 0, 1.0, y + self.alpha).astype(g.dtype)  # alpha e^x = y + alpha


_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


class GELU(Function):
    """y = x Phi(x), Phi the standard normal CDF.

    ``approximate="none"`` (default, as PyTorch): Phi(x) = (1 + erf(x / sqrt 2)) / 2.
    ``approximate="tanh"``: Phi(x) ~ (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) / 2.
    """

    def forward(self, x, approximate="none"):
        if approximate not in ("none", "tanh"):
            raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate
        if approximate == "tanh":
            t = np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x**3))
            self.save_for_backward(x, t)
            return 0.5 * x * (1.0 + t)
        cdf = 0.5 * (1.0 + erf(x * _INV_SQRT_2))
        self.save_for_backward(x, cdf)
        return x * cdf

    def backward(self, g):
        if self.approximate == "tanh":
            x, t = self.saved
            du = _SQRT_2_OVER_PI * (1.0 + 3 * 0.044715 * x * x)
            return g * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * du)
        x, cdf = self.saved
        pdf = _INV_SQRT_2PI * np.exp(-0.5 * x * x)
        return g * (cdf + x * pdf)  # dy/dx = Phi(x) + x phi(x)


class Softplus(Function):
    """y = ln(1 + e^x), computed as max(x, 0) + ln(1 + e^-|x|)"""

    def forward(self, x):
        self.save_for_backward(x)
        return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))

    def backward(self, g):
        (x,) = self.saved
        return g * stable_sigmoid(x)  # dy/dx = sigmoid(x)


def log_softmax_array(x: np.ndarray, axis: int) -> np.ndarray:
    """log softmax via log-sum-exp: x - max - log(sum(e^(x - max)))."""
    if x.ndim == 2 and axis in (1, -1):  # (N, classes): the row-wise fast paths
        if 0 < x.shape[1] <= SHORT_ROW_SOFTMAX and x.shape[0] > 1:
            return log_softmax_short_rows(x)
        shifted = x - row_max(x)
        shifted -= np.log(row_sums(np.exp(shifted)))
        return shifted
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


class Softmax(Function):
    """y_i = e^x_i / sum_j e^x_j along ``axis``"""

    def forward(self, x, axis=-1):
        self.axis = axis
        e = np.exp(x - x.max(axis=axis, keepdims=True))
        y = e / e.sum(axis=axis, keepdims=True)
        self.save_for_backward(y)
        return y

    def backward(self, g):
        (y,) = self.saved
        # dL/dx = y * (g - sum(g * y)): the softmax Jacobian diag(y) - y y^T applied to g
        return y * (g - (g * y).sum(axis=self.axis, keepdims=True))


class LogSoftmax(Function):
    """y_i = x_i - log sum_j e^x_j along ``axis``"""

    def forward(self, x, axis=-1):
        self.axis = axis
        y = log_softmax_array(x, axis)
        self.save_for_backward(y)
        return y

    def backward(self, g):
        (y,) = self.saved
        return g - np.exp(y) * g.sum(axis=self.axis, keepdims=True)
