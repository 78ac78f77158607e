"""Pooling: max, average and adaptive average over 2-d windows.

Both the forward and the backward pass loop over the ``kh*kw`` *kernel
offsets*, never over pixels: offset ``(i, j)`` of every window in the batch is
one strided slice of the (padded) input, so each step is a single vectorised
NumPy operation on the whole batch.

* Max pooling keeps, per window, the largest value and *which* offset held it;
  the backward pass sends each output gradient to that one input (the first
  maximum in scan order when several tie, as PyTorch does).
* Average pooling sends ``g / window_size`` to every input of the window.
"""

from __future__ import annotations

import numpy as np

from retrograd.function import Function
from retrograd.ops.conv import is_batch_last, pad2d, unpad2d


def _offset_slices(i: int, j: int, stride, dilation, out_hw):
    """The slice of the padded input that offset (i, j) of every window reads."""
    (sh, sw), (dh, dw), (ho, wo) = stride, dilation, out_hw
    return (
        slice(None),
        slice(None),
        slice(i * dh, i * dh + sh * (ho - 1) + 1, sh),
        slice(j * dw, j * dw + sw * (wo - 1) + 1, sw),
    )


def pool_output_size(size, kernel, stride, pads, dilation, ceil_mode):
    """Output length along one axis, rounding down -- or up with ``ceil_mode`` (as PyTorch:
    a last window that would start in the right padding is dropped)."""
    span = size + pads[0] + pads[1] - dilation * (kernel - 1) - 1
    if not ceil_mode:
        return span // stride + 1
    out = -(-span // stride) + 1
    if (out - 1) * stride >= size + pads[0]:
        out -= 1
    return out


def _geometry(name, x, kernel, stride, padding, dilation, ceil_mode=False):
    """Output size and the full padding ``((top, bottom), (left, right))``.

    With ``ceil_mode`` the last windows may run past the bottom/right padding;
    the full padding then includes that overhang.
    """
    if x.ndim != 4:
        raise ValueError(f"{name}: expected input (N, C, H, W) with 4 axes, got shape {x.shape}")
    for k, (lo, hi) in zip(kernel, padding):
        if lo > k // 2 or hi > k // 2:
            raise ValueError(
                f"{name}: padding {padding} must be at most half the kernel size {kernel}"
            )
    out, full = [], []
    for axis in range(2):
        size, k, s, d = x.shape[2 + axis], kernel[axis], stride[axis], dilation[axis]
        lo, hi = padding[axis]
        n = pool_output_size(size, k, s, (lo, hi), d, ceil_mode)
        if n < 1:
            raise ValueError(
                f"{name}: input of shape {x.shape} is smaller than the kernel {kernel} "
                f"(padding {padding}, dilation {dilation})"
            )
        overhang = max(0, (n - 1) * s + d * (k - 1) + 1 - (size + lo + hi))
        out.append(n)
        full.append((lo, hi + overhang))
    return tuple(out), tuple(full)


def _zeros(shape, dtype, batch_last: bool, empty: bool = False) -> np.ndarray:
    """A new ``(N, C, H, W)`` array, stored batch-last when asked (see ``is_batch_last``)."""
    make = np.empty if empty else np.zeros
    if not batch_last:
        return make(shape, dtype=dtype)
    n, c, h, w = shape
    return make((c, h, w, n), dtype=dtype).transpose(3, 0, 1, 2)


def _in_layout(a: np.ndarray, batch_last: bool) -> np.ndarray:
    """``a`` stored batch-last (a copy only when it is not) if asked, else as it is."""
    if batch_last and not is_batch_last(a):
        return np.ascontiguousarray(a.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2)
    return a


class MaxPool2d(Function):
    """y[n, c, y, x] = max over the window at (y*s, x*s) of x_pad (padding counts as -inf)

    The forward pass also records *which* offset of each window held the maximum (the
    first one in scan order on a tie, as PyTorch; the last NaN if the window has NaNs),
    so the backward pass is one masked copy per kernel offset.

    Parameters (keyword)
    --------------------
    kernel_size, stride, dilation : (int, int)
    padding : ((top, bottom), (left, right))

    Shape
    -----
    x: ``(N, C, H, W)`` -> y: ``(N, C, Ho, Wo)``, ``Ho = (H + pads - d*(kh-1) - 1) // s + 1``.
    """

    def forward(
        self,
        x,
        kernel_size=(2, 2),
        stride=(2, 2),
        padding=((0, 0), (0, 0)),
        dilation=(1, 1),
        ceil_mode=False,
    ):
        geometry = _geometry(self.name, x, kernel_size, stride, padding, dilation, ceil_mode)
        (ho, wo), padding = geometry
        xp = pad2d(x, padding, value=-np.inf)
        kh, kw = kernel_size
        views = [
            xp[_offset_slices(k // kw, k % kw, stride, dilation, (ho, wo))] for k in range(kh * kw)
        ]
        best = views[0].copy(order="K")  # keeps the input's memory layout
        index = np.min_scalar_type(kh * kw - 1)
        arg = np.zeros_like(best, dtype=index)
        for k, v in enumerate(views[1:], start=1):
            # arg = k where v > best (strictly: the first maximum wins). Branch-free: every
            # earlier offset is < k, so max(arg, k * [v > best]) does it.
            np.maximum(arg, np.multiply(v > best, index.type(k), dtype=index), out=arg)
            np.maximum(best, v, out=best)  # NaN propagates, as in PyTorch
        if best.dtype.kind == "f" and np.isnan(best).any():  # PyTorch's rule: the last NaN
            for k, v in enumerate(views):
                np.copyto(arg, k, where=np.isnan(v))
        self.args = (xp.shape, padding, kernel_size, stride, dilation, (ho, wo))
        self.save_for_backward(arg)
        return best

    def backward(self, grad_out):
        (arg,) = self.saved
        padded_shape, padding, (kh, kw), stride, dilation, out_hw = self.args
        batch_last = is_batch_last(arg)
        grad_out = _in_layout(grad_out, batch_last)
        # non-overlapping windows that tile the input: every pixel is written exactly once
        tiles = (
            tuple(stride) == (kh, kw)
            and tuple(dilation) == (1, 1)
            and padded_shape[2:] == (out_hw[0] * kh, out_hw[1] * kw)
        )
        grad = _zeros(padded_shape, grad_out.dtype, batch_last, empty=tiles)
        # g * mask is exact (and branch-free, so fast) unless g holds Inf/NaN: 0 * Inf = NaN
        finite = np.isfinite(grad_out).all()
        zero = np.zeros((), dtype=grad_out.dtype)
        for k in range(kh * kw):
            where = _offset_slices(k // kw, k % kw, stride, dilation, out_hw)
            # dy/dx = 1 for the input that held the window's maximum, else 0
            hit = arg == k
            if tiles and finite:
                np.multiply(grad_out, hit, out=grad[where])
                continue
            share = grad_out * hit if finite else np.where(hit, grad_out, zero)
            if tiles:
                grad[where] = share
            else:  # overlapping windows add up on a shared maximum
                grad[where] += share
        return unpad2d(grad, padding)


class AvgPool2d(Function):
    """y[n, c, y, x] = mean over the window at (y*s, x*s) of x_pad

    With ``count_include_pad=True`` (PyTorch's default) padded zeros count in
    the divisor; with ``False`` only real input pixels do.

    Shape
    -----
    x: ``(N, C, H, W)`` -> y: ``(N, C, Ho, Wo)``.
    """

    def forward(
        self,
        x,
        kernel_size=(2, 2),
        stride=(2, 2),
        padding=((0, 0), (0, 0)),
        count_include_pad=True,
        ceil_mode=False,
    ):
        dilation = (1, 1)
        geometry = _geometry(self.name, x, kernel_size, stride, padding, dilation, ceil_mode)
        (ho, wo), full = geometry
        xp = pad2d(x, full)
        kh, kw = kernel_size
        batch_last = is_batch_last(xp)  # keep the input's memory layout (faster adds)
        total = _zeros(x.shape[:2] + (ho, wo), x.dtype, batch_last)
        for i in range(kh):
            for j in range(kw):
                total += xp[_offset_slices(i, j, stride, dilation, (ho, wo))]
        no_padding = not any(p for pair in padding for p in pair)
        if full == padding and (count_include_pad or no_padding):
            divisor = np.asarray(kh * kw, dtype=x.dtype)
        else:  # count each window's pixels: the real ones, and the padding if asked
            counted = np.ones((1, 1) + x.shape[2:], dtype=x.dtype)
            counted = pad2d(counted, padding, value=1.0 if count_include_pad else 0.0)
            overhang = tuple((0, f[1] - p[1]) for f, p in zip(full, padding))
            counted = pad2d(counted, overhang)  # past the padding (ceil_mode): never counted
            divisor = np.zeros((1, 1, ho, wo), dtype=x.dtype)
            for i in range(kh):
                for j in range(kw):
                    divisor += counted[_offset_slices(i, j, stride, dilation, (ho, wo))]
        self.args = (xp.shape, full, kernel_size, stride, (ho, wo), batch_last)
        self.divisor = divisor
        return total / divisor

    def backward(self, grad_out):
        padded_shape, padding, (kh, kw), stride, out_hw, batch_last = self.args
        share = grad_out / self.divisor  # dy/dx = 1 / window size for each input in the window
        grad = _zeros(padded_shape, grad_out.dtype, batch_last)
        for i in range(kh):
            for j in range(kw):
                grad[_offset_slices(i, j, stride, (1, 1), out_hw)] += share
        return unpad2d(grad, padding)


def adaptive_bins(size: int, out: int) -> list[tuple[int, int]]:
    """PyTorch's adaptive bins: bin k covers [floor(k*size/out), ceil((k+1)*size/out))."""
    return [((k * size) // out, -((-(k + 1) * size) // out)) for k in range(out)]


class AdaptiveAvgPool2d(Function):
    """y[n, c, a, b] = mean of x over bin (a, b); the bins tile H x W into ``output_size``

    Shape
    -----
    x: ``(N, C, H, W)`` -> y: ``(N, C, oh, ow)``. ``output_size=(1, 1)`` is
    global average pooling.
    """

    def forward(self, x, output_size=(1, 1)):
        if x.ndim != 4:
            raise ValueError(
                f"{self.name}: expected input (N, C, H, W) with 4 axes, got shape {x.shape}"
            )
        (h, w), (oh, ow) = x.shape[2:], output_size
        if h < 1 or w < 1:
            raise ValueError(f"{self.name}: empty spatial size in input of shape {x.shape}")
        self.in_shape, self.out_hw = x.shape, (oh, ow)
        self.even = h % oh == 0 and w % ow == 0
        if self.even:  # equal bins: one reshape and a mean
            return x.reshape(x.shape[:2] + (oh, h // oh, ow, w // ow)).mean(axis=(3, 5))
        y = np.empty(x.shape[:2] + (oh, ow), dtype=x.dtype)
        for a, (h0, h1) in enumerate(adaptive_bins(h, oh)):  # loops over bins, not pixels
            for b, (w0, w1) in enumerate(adaptive_bins(w, ow)):
                y[:, :, a, b] = x[:, :, h0:h1, w0:w1].mean(axis=(2, 3))
        return y

    def backward(self, grad_out):
        n, c, h, w = self.in_shape
        oh, ow = self.out_hw
        if self.even:  # dy/dx = 1 / bin size, spread evenly over each bin
            kh, kw = h // oh, w // ow
            g = grad_out[:, :, :, None, :, None] / (kh * kw)
            return np.broadcast_to(g, (n, c, oh, kh, ow, kw)).reshape(self.in_shape)
        grad = np.zeros(self.in_shape, dtype=grad_out.dtype)
        for a, (h0, h1) in enumerate(adaptive_bins(h, oh)):
            for b, (w0, w1) in enumerate(adaptive_bins(w, ow)):
                area = (h1 - h0) * (w1 - w0)
                grad[:, :, h0:h1, w0:w1] += grad_out[:, :, a, b, None, None] / area
        return grad
