"""Activation functions and their derivatives.

Sigmoid and tanh save their *output* y and use dy/dx = y(1-y) and 1-y^2, the
forms the textbook derivations use (and the cheapest: no second exp).
"""

from __future__ import annotations

import math

import numpy as np

from retrograd.function import Function


def stable_sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-x) without overflow: only e^-|x| (<= 1) is ever computed."""
    e = np.exp(-np.abs(x))
    inv = 1.0 / (1.0 + e)
    return np.where(x >= 0, inv, e * inv)


class Sigmoid(Function):
    """y = 1 / (1 + e^-x)"""

    def forward(self, x):
        y = stable_sigmoid(x)
        self.save_for_backward(y)
        return y

    def backward(self, g):
        (y,) = self.saved
        return g * y * (1.0 - y)  # dy/dx = y (1 - y)


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


class GELU(Function):
    """y = x Phi(x), tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi)(x + 0.044715 x^3)))"""

    def forward(self, x):
        u = _SQRT_2_OVER_PI * (x + 0.044715 * x**3)
        t = np.tanh(u)
        self.save_for_backward(x, t)
        return 0.5 * x * (1.0 + t)

    def backward(self, g):
        x, t = self.saved
        du = _SQRT_2_OVER_PI * (1.0 + 3 * 0.044715 * x * x)
        return g * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * du)


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
