"""Normalisation: batch norm and layer norm as fused ops.

Both standardise ``x`` over some axes and then scale and shift it::

    mean = E[x],  var = E[(x - mean)^2]          over the normalised axes (m values)
    xhat = (x - mean) / sqrt(var + eps)
    y    = gamma * xhat + beta

Because ``mean`` and ``var`` depend on every ``x`` in the group, the gradient
of one ``x`` involves the whole group. Working the chain rule through the two
statistics gives the classic closed form (one pass, no graph of small ops)::

    dxhat = dL/dy * gamma
    dL/dx = (1 / sqrt(var + eps)) * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))

and ``dL/dgamma = sum(dL/dy * xhat)``, ``dL/dbeta = sum(dL/dy)`` over the
axes gamma is shared across.

* Batch norm normalises each *channel* over the batch (and spatial) axes.
* Layer norm normalises each *sample* over its last few axes.
"""

from __future__ import annotations

import numpy as np

from retrograd.function import Function


def _standardize(x, axes, eps):
    mean = x.mean(axis=axes, keepdims=True)
    centered = x - mean
    var = np.mean(centered * centered, axis=axes, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    return centered * inv_std, inv_std, mean, var


def _standardize_backward(dxhat, xhat, inv_std, axes):
    # dL/dx = inv_std * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))
    mean_d = dxhat.mean(axis=axes, keepdims=True)
    mean_dx = (dxhat * xhat).mean(axis=axes, keepdims=True)
    return inv_std * (dxhat - mean_d - xhat * mean_dx)


class BatchNorm(Function):
    """y = gamma * (x - batch_mean) / sqrt(batch_var + eps) + beta, per channel (axis 1)

    The training-mode op: statistics come from the batch itself. When
    ``running_mean``/``running_var`` arrays are given they are updated in
    place: ``r = (1 - momentum) * r + momentum * stat`` (the running variance
    uses the unbiased batch variance, as PyTorch does). Evaluation mode uses
    the running statistics and is plain elementwise arithmetic (see
    :func:`retrograd.nn.functional.batch_norm`).

    Shape
    -----
    x: ``(N, C)`` or ``(N, C, *)``; gamma, beta: ``(C,)``; y: like x.
    """

    def forward(
        self, x, weight=None, bias=None, eps=1e-5, running_mean=None, running_var=None, momentum=0.1
    ):
        if x.ndim < 2:
            raise ValueError(f"{self.name}: expected input (N, C, *), got shape {x.shape}")
        c = x.shape[1]
        if weight is not None and weight.shape != (c,):
            raise ValueError(
                f"{self.name}: weight of shape {weight.shape} does not match {c} channels "
                f"of input {x.shape}"
            )
        axes = (0,) + tuple(range(2, x.ndim))
        m = x.size // max(c, 1)
        if m < 2:
            raise ValueError(
                f"{self.name}: expected more than 1 value per channel in training mode, got "
                f"input of shape {x.shape} (use eval() or a larger batch)"
            )
        xhat, inv_std, mean, var = _standardize(x, axes, eps)
        if running_mean is not None:
            running_mean *= 1.0 - momentum
            running_mean += momentum * mean.reshape(c)
        if running_var is not None:
            running_var *= 1.0 - momentum
            running_var += momentum * (var.reshape(c) * (m / (m - 1)))
        self.axes, self.has_affine, self.has_bias = axes, weight is not None, bias is not None
        bshape = (1, c) + (1,) * (x.ndim - 2)
        self.save_for_backward(xhat, inv_std, None if weight is None else weight.reshape(bshape))
        if weight is None:
            return xhat
        y = xhat * weight.reshape(bshape)
        if bias is not None:
            y += bias.reshape(bshape)
        return y

    def backward(self, grad_out):
        xhat, inv_std, gamma = self.saved
        dxhat = grad_out if gamma is None else grad_out * gamma
        grad_x = _standardize_backward(dxhat, xhat, inv_std, self.axes)
        if not self.has_affine:
            return grad_x
        grad_gamma = (grad_out * xhat).sum(axis=self.axes)  # dL/dgamma = sum dL/dy * xhat
        grad_beta = grad_out.sum(axis=self.axes)  # dL/dbeta = sum dL/dy
        if self.has_bias:
            return grad_x, grad_gamma, grad_beta
        return grad_x, grad_gamma


class LayerNorm(Function):
    """y = gamma * (x - mean) / sqrt(var + eps) + beta over the last ``normalized_ndim`` axes

    Shape
    -----
    x: ``(*, *normalized_shape)``; gamma, beta: ``normalized_shape``; y: like x.
    """

    def forward(self, x, weight=None, bias=None, normalized_ndim=1, eps=1e-5):
        k = normalized_ndim
        if x.ndim < k or (weight is not None and x.shape[x.ndim - k :] != weight.shape):
            want = "" if weight is None else f" ending in {weight.shape}"
            raise ValueError(
                f"{self.name}: expected input with at least {k} axes{want}, got shape {x.shape}"
            )
        self.axes = tuple(range(x.ndim - k, x.ndim))
        self.lead = tuple(range(x.ndim - k))
        self.has_bias = bias is not None
        xhat, inv_std, _, _ = _standardize(x, self.axes, eps)
        self.save_for_backward(xhat, inv_std, weight)
        if weight is None:
            return xhat
        y = xhat * weight
        if bias is not None:
            y += bias
        return y

    def backward(self, grad_out):
        xhat, inv_std, gamma = self.saved
        dxhat = grad_out if gamma is None else grad_out * gamma
        grad_x = _standardize_backward(dxhat, xhat, inv_std, self.axes)
        if gamma is None:
            return grad_x
        grad_gamma = (grad_out * xhat).sum(axis=self.lead)  # dL/dgamma = sum dL/dy * xhat
        if self.has_bias:
            return grad_x, grad_gamma, grad_out.sum(axis=self.lead)  # dL/dbeta = sum dL/dy
        return grad_x, grad_gamma
