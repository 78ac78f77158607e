"""The fused fully connected layer: y = x W^T + b (one matmul + bias, one node)."""

from __future__ import annotations

import numpy as np

from retrograd.function import Function
from retrograd.ops.rowwise import column_sums


class Linear(Function):
    """y = x @ W.T + b

    Inputs with several leading axes are flattened to one batch axis, so the layer
    is always a single matrix product (one BLAS GEMM call) forward and backward.

    Shape
    -----
    x: ``(N, in)`` or ``(*, in)``; W: ``(out, in)``; b: ``(out,)``; y: ``(*, out)``.
    """

    def forward(self, x, weight, bias=None):
        if x.ndim == 0 or x.shape[-1] != weight.shape[1]:
            raise ValueError(
                f"linear: input of shape {x.shape} does not fit weight of shape {weight.shape} "
                f"(expected input (..., {weight.shape[1]}))"
            )
        self.has_bias = bias is not None
        x2 = x if x.ndim == 2 else x.reshape(-1, x.shape[-1])  # all leading axes are samples
        self.save_for_backward(x2, weight)
        self.x_shape = x.shape
        y = np.dot(x2, weight.T)  # the weighted sums net_j = sum_i w_ji x_i, every sample
        if bias is not None:
            y += bias
        return y if x.ndim == 2 else y.reshape(x.shape[:-1] + (weight.shape[0],))

    def backward(self, g):
        x2, weight = self.saved
        g2 = g if g.ndim == 2 else g.reshape(-1, g.shape[-1])
        grad_x = None
        if self.needs_grad(0):  # skipped for a first layer, whose input needs no gradient
            grad_x = np.dot(g2, weight).reshape(self.x_shape)  # dL/dx = dL/dy W
        grad_w = np.dot(g2.T, x2)  # dL/dW_ji = sum_n dL/dy_nj x_ni
        if self.has_bias:
            return grad_x, grad_w, column_sums(g2)  # dL/db_j = sum_n dL/dy_nj
        return grad_x, grad_w
