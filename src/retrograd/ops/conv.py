"""Convolution as matrix multiplication: im2col, one batched GEMM, and col2im.

A 2-d convolution slides a ``(C, kh, kw)`` filter over the input and takes a
dot product at every output position. Written out, that is one matrix product
once every receptive field has been unrolled into a column ("im2col"):

* ``cols[n, (c, i, j), (y, x)] = x_padded[n, c, y*s + i*d, x*s + j*d]`` -- a
  *view* built with ``as_strided`` (no Python loop over pixels), copied once
  into a contiguous buffer of shape ``(N, C*kh*kw, Ho*Wo)``;
* ``out[n] = W.reshape(O, C*kh*kw) @ cols[n]`` -- a GEMM per sample (NumPy's
  batched ``matmul`` hands each to BLAS).

The backward pass is two more GEMMs and the adjoint of im2col:

* ``dL/dW = sum_n dL/dout[n] @ cols[n].T`` (every output position that used a
  weight contributes input-value x output-gradient);
* ``dL/dcols[n] = W.T @ dL/dout[n]``;
* ``dL/dx = col2im(dL/dcols)``: each column entry came from one input pixel,
  so its gradient is *added* back there. Overlapping windows send several
  entries to the same pixel; the scatter-add loops over the ``kh*kw`` kernel
  offsets (each a strided slice of the whole batch), never over pixels.

Groups split the channels into ``groups`` independent convolutions: the
matrices gain a group axis, ``(G, O/G, C/G*kh*kw) @ (N, G, C/G*kh*kw, L)``.
``Conv1d`` is ``Conv2d`` with a height of 1. See ``docs/conv.md``.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from retrograd.function import Function

Pair = tuple[int, int]
Pads = tuple[Pair, Pair]


def conv_output_size(size: int, kernel: int, stride: int, pad: Pair, dilation: int) -> int:
    """Output length along one axis: floor((size + pads - d*(k-1) - 1) / s) + 1."""
    return (size + pad[0] + pad[1] - dilation * (kernel - 1) - 1) // stride + 1


def pad2d(x: np.ndarray, pads: Pads, value: float = 0.0) -> np.ndarray:
    """Pad the last two axes of ``(N, C, H, W)`` by ``((top, bottom), (left, right))``."""
    (pt, pb), (pl, pr) = pads
    if not (pt or pb or pl or pr):
        return x
    n, c, h, w = x.shape
    out = np.full((n, c, h + pt + pb, w + pl + pr), value, dtype=x.dtype)
    out[:, :, pt : pt + h, pl : pl + w] = x
    return out


def unpad2d(x: np.ndarray, pads: Pads) -> np.ndarray:
    """The inverse of :func:`pad2d`: crop the padding off again (a view)."""
    (pt, pb), (pl, pr) = pads
    return x[:, :, pt : x.shape[2] - pb, pl : x.shape[3] - pr]


def im2col(xp: np.ndarray, kernel: Pair, stride: Pair, dilation: Pair, out_hw: Pair) -> np.ndarray:
    """Every receptive field of a padded ``(N, C, H, W)`` array, as a read-only view.

    Returns shape ``(N, C, kh, kw, Ho, Wo)`` with
    ``view[n, c, i, j, y, x] = xp[n, c, y*sh + i*dh, x*sw + j*dw]``.
    No data is copied: the view reuses ``xp``'s memory with new strides.
    """
    n, c = xp.shape[:2]
    s_n, s_c, s_h, s_w = xp.strides
    return as_strided(
        xp,
        shape=(n, c, kernel[0], kernel[1], out_hw[0], out_hw[1]),
        strides=(s_n, s_c, s_h * dilation[0], s_w * dilation[1], s_h * stride[0], s_w * stride[1]),
        writeable=False,
    )


def col2im(cols: np.ndarray, padded_hw: Pair, stride: Pair, dilation: Pair) -> np.ndarray:
    """Adjoint of :func:`im2col`: add each window entry back onto its pixel.

    Works in a *batch-last* layout: ``cols`` has shape ``(C, kh, kw, Ho, Wo, N)``
    and the result ``(C, Hp, Wp, N)``. One vectorised slice-add per kernel
    offset ``(i, j)``: the offset-(i, j) entries of all windows land on a
    strided grid of pixels, disjoint within one offset, so a plain ``+=`` on
    the slice is exact. With the batch innermost, each slice-add runs over long
    contiguous rows of ``Wo * N`` numbers (at stride 1), several times faster
    than with ``(N, C, H, W)`` rows of only ``Wo``.
    """
    c, kh, kw, ho, wo, n = cols.shape
    (sh, sw), (dh, dw) = stride, dilation
    out = np.zeros((c,) + tuple(padded_hw) + (n,), dtype=cols.dtype)
    for i in range(kh):
        rows = slice(i * dh, i * dh + sh * (ho - 1) + 1, sh)
        for j in range(kw):
            out[:, rows, j * dw : j * dw + sw * (wo - 1) + 1 : sw] += cols[:, i, j]
    return out


class _ConvNd(Function):
    """Shared forward/backward of Conv1d and Conv2d, written for 4-d arrays."""

    registered = False

    def _check(self, x: np.ndarray, weight: np.ndarray, bias, groups: int, ndim: int) -> None:
        name = self.name
        if weight.ndim != ndim + 2:
            raise ValueError(
                f"{name}: weight must have {ndim + 2} axes (out, in/groups, *kernel), "
                f"got shape {weight.shape}"
            )
        if x.ndim != ndim + 2:
            spatial = "L" if ndim == 1 else "H, W"
            raise ValueError(
                f"{name}: expected input (N, C, {spatial}) with {ndim + 2} axes, "
                f"got shape {x.shape}"
            )
        if groups < 1 or weight.shape[0] % groups:
            raise ValueError(
                f"{name}: out_channels={weight.shape[0]} must be divisible by groups={groups}"
            )
        if x.shape[1] != weight.shape[1] * groups:
            raise ValueError(
                f"{name}: input has {x.shape[1]} channels (shape {x.shape}) but the weight of "
                f"shape {weight.shape} with groups={groups} expects {weight.shape[1] * groups}"
            )
        if bias is not None and bias.shape != (weight.shape[0],):
            raise ValueError(
                f"{name}: bias of shape {bias.shape} does not match {weight.shape[0]} output "
                "channels"
            )

    def _forward2d(self, x, weight, bias, stride, padding, dilation, groups):
        n, c, h, w = x.shape
        o, cg, kh, kw = weight.shape
        ho = conv_output_size(h, kh, stride[0], padding[0], dilation[0])
        wo = conv_output_size(w, kw, stride[1], padding[1], dilation[1])
        if ho < 1 or wo < 1:
            span = (dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1)
            raise ValueError(
                f"{self.name}: input of spatial size {(h, w)} (padding {padding}) is smaller "
                f"than the dilated kernel {span}"
            )
        g = groups
        xp = pad2d(x, padding)
        # im2col: one contiguous copy of all receptive fields, (N, G, Cg*kh*kw, Ho*Wo)
        cols = np.ascontiguousarray(im2col(xp, (kh, kw), stride, dilation, (ho, wo)))
        cols = cols.reshape(n, g, cg * kh * kw, ho * wo)
        w_mat = weight.reshape(g, o // g, cg * kh * kw)
        y = np.matmul(w_mat, cols).reshape(n, o, ho, wo)  # out[n] = W @ cols[n]
        if bias is not None:
            y += bias.reshape(1, o, 1, 1)
        self.geometry = (xp.shape[2:], stride, padding, dilation, (kh, kw), (ho, wo))
        self.has_bias = bias is not None
        self.save_for_backward(cols, w_mat)
        return y

    def _backward2d(self, grad_out):
        cols, w_mat = self.saved
        padded_hw, stride, padding, dilation, (kh, kw), (ho, wo) = self.geometry
        n = grad_out.shape[0]
        g, og, kg = w_mat.shape
        g_mat = grad_out.reshape(n, g, og, ho * wo)
        grad_w = None
        if self.inputs[1].requires_grad:
            # dL/dW = sum_n dL/dout[n] @ cols[n]^T
            grad_w = np.matmul(g_mat, cols.transpose(0, 1, 3, 2)).sum(axis=0)
            grad_w = grad_w.reshape(g * og, kg // (kh * kw), kh, kw)
        grad_b = grad_out.sum(axis=(0, 2, 3)) if self.has_bias else None
        grad_x = None
        if self.inputs[0].requires_grad:
            # dL/dcols = W^T @ dL/dout, computed batch-last: (G, Kg, Ho*Wo*N)
            g_last = np.ascontiguousarray(grad_out.transpose(1, 2, 3, 0)).reshape(g, og, -1)
            dcols = np.matmul(w_mat.transpose(0, 2, 1), g_last)
            dcols = dcols.reshape(g * kg // (kh * kw), kh, kw, ho, wo, n)
            # col2im scatters every window entry back onto its pixel, then back to (N, C, H, W)
            grad_xp = col2im(dcols, padded_hw, stride, dilation)
            (pt, pb), (pl, pr) = padding
            grad_xp = grad_xp[:, pt : grad_xp.shape[1] - pb, pl : grad_xp.shape[2] - pr]
            grad_x = np.ascontiguousarray(grad_xp.transpose(3, 0, 1, 2))
        return grad_x, grad_w, grad_b


class Conv2d(_ConvNd):
    """y[n, o] = b[o] + sum_{c, i, j} W[o, c, i, j] x_pad[n, g(o)*C/G + c, y*s + i*d, x*s + j*d]

    Parameters (keyword)
    --------------------
    stride, dilation : (int, int)
    padding : ((top, bottom), (left, right))
    groups : int

    Shape
    -----
    x: ``(N, C, H, W)``; weight: ``(O, C/groups, kh, kw)``; bias: ``(O,)``;
    y: ``(N, O, Ho, Wo)`` with ``Ho = (H + pads - d*(kh-1) - 1) // s + 1``.
    """

    def forward(
        self,
        x,
        weight,
        bias=None,
        stride=(1, 1),
        padding=((0, 0), (0, 0)),
        dilation=(1, 1),
        groups=1,
    ):
        self._check(x, weight, bias, groups, 2)
        return self._forward2d(x, weight, bias, stride, padding, dilation, groups)

    def backward(self, grad_out):
        gx, gw, gb = self._backward2d(grad_out)
        return (gx, gw) if gb is None else (gx, gw, gb)


class Conv1d(_ConvNd):
    """y[n, o, t] = b[o] + sum_{c, k} W[o, c, k] x_pad[n, g(o)*C/G + c, t*s + k*d]

    Runs as a 2-d convolution of height 1.

    Parameters (keyword)
    --------------------
    stride, dilation : int
    padding : (left, right)
    groups : int

    Shape
    -----
    x: ``(N, C, L)``; weight: ``(O, C/groups, k)``; bias: ``(O,)``;
    y: ``(N, O, Lo)`` with ``Lo = (L + pads - d*(k-1) - 1) // s + 1``.
    """

    def forward(self, x, weight, bias=None, stride=1, padding=(0, 0), dilation=1, groups=1):
        self._check(x, weight, bias, groups, 1)
        y = self._forward2d(
            x[:, :, None, :],
            weight[:, :, None, :],
            bias,
            (1, stride),
            ((0, 0), tuple(padding)),
            (1, dilation),
            groups,
        )
        return y[:, :, 0, :]

    def backward(self, grad_out):
        gx, gw, gb = self._backward2d(grad_out[:, :, None, :])
        gx = None if gx is None else gx[:, :, 0, :]
        gw = None if gw is None else gw[:, :, 0, :]
        return (gx, gw) if gb is None else (gx, gw, gb)
