"""The fused fully connected layer: y = x W^T + b (one matmul + bias, one node)."""

from __future__ import annotations

from retrograd.function import Function


class Linear(Function):
    """y = x @ W.T + b

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
        self.save_for_backward(x, weight)
        y = x @ weight.T  # the weighted sum net_j = sum_i w_ji x_i for every sample
        if bias is not None:
            y += bias
        return y

    def backward(self, g):
        x, weight = self.saved
        g2 = g.reshape(-1, g.shape[-1])  # all leading axes are samples
        # dL/dx = dL/dy W (skipped for a first layer, whose input needs no gradient)
        grad_x = g @ weight if self.needs_grad(0) else None
        grad_w = g2.T @ x.reshape(-1, x.shape[-1])  # dL/dW_ji = sum_n dL/dy_nj x_ni
        if self.has_bias:
            return grad_x, grad_w, g2.sum(axis=0)  # dL/db_j = sum_n dL/dy_nj
        return grad_x, grad_w
