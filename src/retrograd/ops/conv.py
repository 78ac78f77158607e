"""Convolution as matrix multiplication: im2col, one GEMM, and col2im.

A 2-d convolution slides a ``(C, kh, kw)`` filter over the input and takes a
dot product at every output position. Written out, that is one matrix product
once every receptive field has been unrolled into a column ("im2col"):

* ``cols[(c, i, j), (y, x, n)] = x_padded[n, c, y*s + i*d, x*s + j*d]`` -- a
  *view* built with ``as_strided`` (no Python loop over pixels);
* ``out = W.reshape(O, C*kh*kw) @ cols`` -- one GEMM for the whole batch, with
  ``N*Ho*Wo`` columns.

The backward pass is two more GEMMs and the adjoint of im2col:

* ``dL/dW = dL/dout @ cols.T`` (every output position that used a weight
  contributes input-value x output-gradient);
* ``dL/dcols = W.T @ dL/dout``;
* ``dL/dx = col2im(dL/dcols)``: each column entry came from one input pixel,
  so its gradient is *added* back there. Overlapping windows send several
  entries to the same pixel; the scatter-add loops over the ``kh*kw`` kernel
  offsets (each a strided slice of the whole batch), never over pixels.

Speed notes (measured in ``benchmarks/results/performance.md``):

* **Batch-last layout.** The matrices work on a ``(C, H, W, N)`` copy of the
  input, where every window row is a long contiguous run of ``Wo*N`` numbers.
  The output is returned as a transposed *view* of the ``(O, Ho, Wo, N)`` GEMM
  result: its shape is the usual ``(N, O, Ho, Wo)``, only its strides differ
  (PyTorch calls this a memory format). Element-wise ops (ReLU, ...) keep the
  layout, so the next conv or pooling layer reads it without a copy.
* **Blocks that fit in cache.** ``cols`` is built a block of output rows at a
  time (:data:`CHUNK_BYTES`) and each block's GEMM runs while it is still in
  L2 cache; backward rebuilds the blocks instead of keeping every receptive
  field alive between forward and backward (the graph holds only the padded
  input).

Groups split the channels into ``groups`` independent convolutions: the
matrices gain a group axis, ``(G, O/G, C/G*kh*kw) @ (G, C/G*kh*kw, L)``.
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
    """Pad the last two axes of ``(N, C, H, W)`` by ``((top, bottom), (left, right))``.

    The result keeps ``x``'s memory layout: a batch-last ``x`` (see
    :func:`is_batch_last`) gives a batch-last result.
    """
    (pt, pb), (pl, pr) = pads
    if not (pt or pb or pl or pr):
        return x
    n, c, h, w = x.shape
    shape = (n, c, h + pt + pb, w + pl + pr)
    if is_batch_last(x):
        out = np.full((c, shape[2], shape[3], n), value, dtype=x.dtype).transpose(3, 0, 1, 2)
    else:
        out = np.full(shape, value, dtype=x.dtype)
    out[:, :, pt : pt + h, pl : pl + w] = x
    return out


def unpad2d(x: np.ndarray, pads: Pads) -> np.ndarray:
    """The inverse of :func:`pad2d`: crop the padding off again (a view)."""
    (pt, pb), (pl, pr) = pads
    return x[:, :, pt : x.shape[2] - pb, pl : x.shape[3] - pr]


def is_batch_last(x: np.ndarray) -> bool:
    """Whether an ``(N, C, H, W)`` array is stored batch-last, as a contiguous ``(C, H, W, N)``.

    Convolutions return their output in this layout (a transposed view, see the module
    docstring); element-wise ops such as ReLU keep it, and the next convolution or pooling
    layer then reads it without a copy.
    """
    return x.ndim == 4 and x.shape[0] > 1 and x.transpose(1, 2, 3, 0).flags.c_contiguous


def batch_last_padded(x: np.ndarray, pads: Pads) -> np.ndarray:
    """``x`` of shape ``(N, C, H, W)`` as a contiguous, zero-padded ``(C, Hp, Wp, N)`` array.

    Free (a view) when ``x`` is already batch-last and needs no padding; otherwise one copy.
    """
    (pt, pb), (pl, pr) = pads
    xt = x.transpose(1, 2, 3, 0)
    if not (pt or pb or pl or pr):
        return np.ascontiguousarray(xt)
    c, h, w, n = xt.shape
    out = np.zeros((c, h + pt + pb, w + pl + pr, n), dtype=x.dtype)
    out[:, pt : pt + h, pl : pl + w] = xt
    return out


def im2col(xp: np.ndarray, kernel: Pair, stride: Pair, dilation: Pair, out_hw: Pair) -> np.ndarray:
    """Every receptive field of a padded batch-last ``(C, H, W, N)`` array, as a read-only view.

    Returns shape ``(C, kh, kw, Ho, Wo, N)`` with
    ``view[c, i, j, y, x, n] = xp[c, y*sh + i*dh, x*sw + j*dw, n]``.
    No data is copied: the view reuses ``xp``'s memory with new strides.
    """
    c, n = xp.shape[0], xp.shape[3]
    s_c, s_h, s_w, s_n = xp.strides
    return as_strided(
        xp,
        shape=(c, kernel[0], kernel[1], out_hw[0], out_hw[1], n),
        strides=(s_c, s_h * dilation[0], s_w * dilation[1], s_h * stride[0], s_w * stride[1], s_n),
        writeable=False,
    )


def col2im(cols: np.ndarray, padded_hw: Pair, stride: Pair, dilation: Pair) -> np.ndarray:
    """Adjoint of :func:`im2col`: add each window entry back onto its pixel.

    ``cols`` has shape ``(C, kh, kw, Ho, Wo, N)`` and the result ``(C, Hp, Wp, N)``.
    One vectorised slice-add per kernel offset ``(i, j)``: the offset-(i, j) entries
    of all windows land on a strided grid of pixels, disjoint within one offset, so a
    plain ``+=`` on the slice is exact. With the batch innermost, each slice-add runs
    over long contiguous rows of ``Wo * N`` numbers (at stride 1).
    """
    c, kh, kw, ho, wo, n = cols.shape
    (sh, sw), (dh, dw) = stride, dilation
    out = np.zeros((c,) + tuple(padded_hw) + (n,), dtype=cols.dtype)
    for i in range(kh):
        rows = slice(i * dh, i * dh + sh * (ho - 1) + 1, sh)
        for j in range(kw):
            out[:, rows, j * dw : j * dw + sw * (wo - 1) + 1 : sw] += cols[:, i, j]
    return out


#: Size of one im2col block. Building ``cols`` a block of output rows at a time, each
#: block small enough to stay in a core's L2 cache while its GEMM reads it, made LeNet's
#: first convolution's GEMMs 2.5-4x faster than one 10 MB ``cols`` (benchmarks/results/
#: performance.md); it also never holds all receptive fields in memory at once.
CHUNK_BYTES = 384 * 1024


def _col_chunks(windows: np.ndarray, groups: int):
    """Yield ``(column slice, cols block)`` over blocks of output rows of an im2col view.

    ``windows`` is :func:`im2col`'s ``(C, kh, kw, Ho, Wo, N)`` view; each block is a
    contiguous ``(G, C/G*kh*kw, rows*Wo*N)`` copy, and the slice says which columns of
    the full ``(G, C/G*kh*kw, Ho*Wo*N)`` matrix it holds.
    """
    c, kh, kw, ho, wo, n = windows.shape
    per_row = c * kh * kw * wo * n * windows.itemsize
    step = max(1, CHUNK_BYTES // max(per_row, 1))
    width = wo * n
    for r0 in range(0, ho, step):
        r1 = min(ho, r0 + step)
        block = np.ascontiguousarray(windows[:, :, :, r0:r1])
        yield slice(r0 * width, r1 * width), block.reshape(groups, c * kh * kw // groups, -1)


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
        xp = batch_last_padded(x, padding)  # (C, Hp, Wp, N)
        w_mat = weight.reshape(g, o // g, cg * kh * kw)
        y = np.empty((g, o // g, ho * wo * n), dtype=np.result_type(x, weight))
        windows = im2col(xp, (kh, kw), stride, dilation, (ho, wo))
        for rows, cols in _col_chunks(windows, g):
            np.matmul(w_mat, cols, out=y[:, :, rows])  # out = W @ cols, one GEMM per group
        y = y.reshape(o, ho, wo, n)
        if bias is not None:
            y += bias.reshape(o, 1, 1, 1)
        self.geometry = (xp.shape[1:3], stride, padding, dilation, (kh, kw), (ho, wo))
        self.has_bias = bias is not None
        # keep the (small) padded input, not cols: backward rebuilds cols if dL/dW is needed
        self.save_for_backward(xp, w_mat)
        return y.transpose(3, 0, 1, 2)  # (N, O, Ho, Wo), stored batch-last

    def _backward2d(self, grad_out):
        xp, w_mat = self.saved
        padded_hw, stride, padding, dilation, (kh, kw), (ho, wo) = self.geometry
        n = grad_out.shape[0]
        g, og, kg = w_mat.shape
        # dL/dout batch-last, (G, O/G, Ho*Wo*N): free when it arrives in that layout
        g_mat = np.ascontiguousarray(grad_out.transpose(1, 2, 3, 0)).reshape(g, og, -1)
        grad_w = None
        if self.inputs[1].requires_grad:
            # dL/dW = dL/dout @ cols^T, summed over every output position and sample
            windows = im2col(xp, (kh, kw), stride, dilation, (ho, wo))
            grad_wt = np.zeros((g, kg, og), dtype=g_mat.dtype)  # (dL/dW)^T, per group
            for rows, cols in _col_chunks(windows, g):
                grad_wt += np.matmul(cols, g_mat[:, :, rows].transpose(0, 2, 1))
            grad_w = grad_wt.transpose(0, 2, 1).reshape(g * og, kg // (kh * kw), kh, kw)
        grad_b = g_mat.sum(axis=2).reshape(-1) if self.has_bias else None
        grad_x = None
        if self.inputs[0].requires_grad:
            # dL/dcols = W^T @ dL/dout, (G, Kg, Ho*Wo*N)
            dcols = np.matmul(w_mat.transpose(0, 2, 1), g_mat)
            dcols = dcols.reshape(g * kg // (kh * kw), kh, kw, ho, wo, n)
            # col2im scatters every window entry back onto its pixel: (C, Hp, Wp, N)
            grad_xp = col2im(dcols, padded_hw, stride, dilation)
            (pt, pb), (pl, pr) = padding
            grad_xp = grad_xp[:, pt : grad_xp.shape[1] - pb, pl : grad_xp.shape[2] - pr]
            grad_x = grad_xp.transpose(3, 0, 1, 2)  # (N, C, H, W), stored batch-last
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
