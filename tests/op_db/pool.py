"""Op table: MaxPool2d, AvgPool2d and AdaptiveAvgPool2d.

References loop over output positions and take ``max``/``mean`` of each window
directly. Max pooling samples use distinct values, so no window has a tie (a
tie is a kink where finite differences are meaningless; ties are tested in
tests/nn/test_pool.py).
"""

from __future__ import annotations

import numpy as np

from op_db import OpEntry, distinct
from retrograd.nn import functional as F


def _out_size(size, k, s, p, d, ceil_mode):
    # PyTorch's rule: round down (or up with ceil_mode, dropping a last window that
    # would start inside the right padding)
    span = size + 2 * p - d * (k - 1) - 1
    n = int(np.ceil(span / s)) + 1 if ceil_mode else span // s + 1
    return n - 1 if ceil_mode and (n - 1) * s >= size + p else n


def pool2d_reference(x, kernel, stride, padding, reduce, dilation=(1, 1), count_include_pad=True,
                     ceil_mode=False):  # fmt: skip
    """Apply ``reduce`` ('max' or 'avg') to every window, looping over output positions.

    Windows are clipped to the padded input; the average divides by the window's
    number of padded-input positions (or of real pixels without ``count_include_pad``).
    """
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel, stride, padding, dilation
    fill = -np.inf if reduce == "max" else 0.0
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=fill)
    real = np.pad(np.ones(x.shape[2:]), ((ph, ph), (pw, pw)))
    ho = _out_size(x.shape[2], kh, sh, ph, dh, ceil_mode)
    wo = _out_size(x.shape[3], kw, sw, pw, dw, ceil_mode)
    y = np.zeros(x.shape[:2] + (ho, wo))
    for r in range(ho):
        for c in range(wo):
            rows = slice(r * sh, min(r * sh + dh * (kh - 1) + 1, xp.shape[2]), dh)
            cols = slice(c * sw, min(c * sw + dw * (kw - 1) + 1, xp.shape[3]), dw)
            window = xp[:, :, rows, cols]
            if reduce == "max":
                y[:, :, r, c] = window.max(axis=(2, 3))
            else:
                count = window[0, 0].size if count_include_pad else real[rows, cols].sum()
                y[:, :, r, c] = window.sum(axis=(2, 3)) / count
    return y


def adaptive_avg_reference(x, out):
    """Bin (a, b) covers rows floor(a*H/oh) .. ceil((a+1)*H/oh) (and likewise columns)."""
    h, w = x.shape[2:]
    y = np.zeros(x.shape[:2] + tuple(out))
    for a in range(out[0]):
        for b in range(out[1]):
            h0, h1 = int(np.floor(a * h / out[0])), int(np.ceil((a + 1) * h / out[0]))
            w0, w1 = int(np.floor(b * w / out[1])), int(np.ceil((b + 1) * w / out[1]))
            y[:, :, a, b] = x[:, :, h0:h1, w0:w1].mean(axis=(2, 3))
    return y


def _max(name, shapes, kernel, stride=None, padding=0, dilation=1, ceil_mode=False):
    def two(v):
        return (v, v) if isinstance(v, int) else tuple(v)

    k = two(kernel)
    s, p, d = (k if stride is None else two(stride)), two(padding), two(dilation)
    return OpEntry(
        f"max_pool2d/{name}",
        ("MaxPool2d",),
        lambda x: F.max_pool2d(x, kernel, stride, padding, dilation, ceil_mode),
        lambda x: pool2d_reference(x, k, s, p, "max", d, ceil_mode=ceil_mode),
        shapes,
        make=distinct,
    )


def _avg(name, shapes, kernel, stride=None, padding=0, count_include_pad=True, ceil_mode=False):
    def two(v):
        return (v, v) if isinstance(v, int) else tuple(v)

    k = two(kernel)
    s, p = (k if stride is None else two(stride)), two(padding)
    return OpEntry(
        f"avg_pool2d/{name}",
        ("AvgPool2d",),
        lambda x: F.avg_pool2d(x, kernel, stride, padding, count_include_pad, ceil_mode),
        lambda x: pool2d_reference(
            x, k, s, p, "avg", count_include_pad=count_include_pad, ceil_mode=ceil_mode
        ),
        shapes,
    )


def _adaptive(name, shapes, out):
    return OpEntry(
        f"adaptive_avg_pool2d/{name}",
        ("AdaptiveAvgPool2d",),
        lambda x: F.adaptive_avg_pool2d(x, out),
        lambda x: adaptive_avg_reference(x, out),
        shapes,
    )


ENTRIES = [
    _max("2x2", [((2, 3, 4, 6),), ((1, 2, 5, 5),)], 2),
    _max("overlap", [((2, 2, 5, 6),)], 3, stride=1),
    _max("stride-padding", [((1, 2, 6, 7),)], (3, 2), stride=(2, 1), padding=1),
    _max("dilation", [((1, 2, 7, 7),)], 2, stride=2, dilation=2),
    _max("empty-batch", [((0, 2, 4, 4),)], 2),
    _max("ceil-mode", [((2, 2, 7, 6),)], 3, stride=2, ceil_mode=True),
    _max("ceil-mode-padding", [((1, 2, 6, 5),)], 3, stride=2, padding=1, ceil_mode=True),
    _avg("2x2", [((2, 3, 4, 6),), ((1, 2, 5, 5),)], 2),
    _avg("overlap", [((2, 2, 5, 6),)], 3, stride=1),
    _avg("padding", [((1, 2, 6, 7),)], (3, 2), stride=(2, 1), padding=1),
    _avg("padding-exclude", [((1, 2, 6, 7),)], 3, stride=2, padding=1, count_include_pad=False),
    _avg("ceil-mode", [((2, 2, 7, 6),)], 3, stride=2, ceil_mode=True),
    _avg("ceil-mode-padding", [((1, 2, 6, 5),)], 3, stride=2, padding=1, ceil_mode=True),
    _avg("ceil-mode-exclude", [((1, 2, 6, 5),)], 3, 2, 1, count_include_pad=False, ceil_mode=True),
    _adaptive("global", [((2, 3, 5, 4),)], (1, 1)),
    _adaptive("even", [((2, 2, 6, 4),)], (3, 2)),
    _adaptive("uneven", [((2, 2, 7, 5),)], (3, 4)),
    _adaptive("upsample", [((1, 2, 2, 3),)], (3, 5)),
]
