"""Op table: Conv1d and Conv2d (stride, padding, dilation, groups, with and without bias).

The reference is a direct loop over output positions -- the textbook definition
of a convolution, written without im2col -- so a bug in the strided view, the
GEMM layout or the padding shows up as a forward mismatch.
"""

from __future__ import annotations

import numpy as np

from op_db import OpEntry
from retrograd.nn import functional as F


def conv2d_reference(x, w, b=None, stride=(1, 1), padding=((0, 0), (0, 0)), dilation=(1, 1),
                     groups=1):  # fmt: skip
    """y[n, o, r, c] = b[o] + sum_{ci,i,j} w[o, ci, i, j] x_pad[n, g*Cg + ci, r*s + i*d, c*s + j*d]

    (g = o // (O / groups): the group of output channel o)
    """
    n, _, _, _ = x.shape
    o, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), padding[0], padding[1]))
    ho = (xp.shape[2] - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    wo = (xp.shape[3] - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    og = o // groups
    y = np.zeros((n, o, ho, wo))
    for oc in range(o):
        g = oc // og
        for r in range(ho):
            for c in range(wo):
                acc = np.zeros(n) if b is None else np.full(n, b[oc])
                for ci in range(cg):
                    for i in range(kh):
                        for j in range(kw):
                            pix = xp[:, g * cg + ci, r * stride[0] + i * dilation[0],
                                     c * stride[1] + j * dilation[1]]  # fmt: skip
                            acc = acc + w[oc, ci, i, j] * pix
                y[:, oc, r, c] = acc
    return y


def conv1d_reference(x, w, b=None, stride=1, padding=(0, 0), dilation=1, groups=1):
    """The 2-d reference on a height-1 image."""
    y = conv2d_reference(x[:, :, None], w[:, :, None], b, (1, stride), ((0, 0), padding),
                         (1, dilation), groups)  # fmt: skip
    return y[:, :, 0]


def _conv2d(name, shapes, bias=True, stride=1, padding=0, dilation=1, groups=1):
    def pair(v):
        return (v, v) if isinstance(v, int) else tuple(v)

    s, d = pair(stride), pair(dilation)
    if isinstance(padding, str):  # 'same' in the tests below has odd totals only
        pads = tuple(((dd * (k - 1)) // 2, dd * (k - 1) - (dd * (k - 1)) // 2)
                     for dd, k in zip(d, shapes[0][1][2:]))  # fmt: skip
    else:
        pads = tuple((p, p) for p in pair(padding))

    def fn(x, w, b=None):
        return F.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups)

    def ref(x, w, b=None):
        return conv2d_reference(x, w, b, s, pads, d, groups)

    if not bias:
        shapes = [sample[:2] for sample in shapes]
    return OpEntry(f"conv2d/{name}", ("Conv2d",), fn, ref, shapes)


def _conv1d(name, shapes, bias=True, stride=1, padding=0, dilation=1, groups=1):
    def fn(x, w, b=None):
        return F.conv1d(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups)

    def ref(x, w, b=None):
        return conv1d_reference(x, w, b, stride, (padding, padding), dilation, groups)

    if not bias:
        shapes = [sample[:2] for sample in shapes]
    return OpEntry(f"conv1d/{name}", ("Conv1d",), fn, ref, shapes)


ENTRIES = [
    _conv2d("basic", [((2, 3, 5, 5), (4, 3, 3, 3), (4,)), ((1, 1, 3, 4), (2, 1, 3, 4), (2,))]),
    _conv2d("no-bias", [((2, 2, 4, 5), (3, 2, 2, 3))], bias=False),
    _conv2d("stride", [((2, 2, 7, 6), (3, 2, 3, 2), (3,))], stride=(2, 3)),
    _conv2d("padding", [((1, 2, 4, 4), (3, 2, 3, 3), (3,))], padding=(1, 2)),
    _conv2d("same", [((1, 2, 5, 4), (2, 2, 3, 2), (2,))], padding="same"),
    _conv2d("dilation", [((1, 2, 7, 7), (2, 2, 3, 2), (2,))], dilation=(2, 3)),
    _conv2d("groups", [((2, 4, 5, 5), (6, 2, 3, 3), (6,))], groups=2),
    _conv2d("depthwise", [((1, 3, 5, 5), (3, 1, 3, 3), (3,))], groups=3, padding=1),
    _conv2d(
        "all", [((2, 4, 8, 7), (4, 2, 3, 2), (4,))], stride=2, padding=1, dilation=2, groups=2
    ),  # fmt: skip
    _conv2d("1x1", [((2, 3, 3, 3), (5, 3, 1, 1), (5,))]),
    _conv2d("empty-batch", [((0, 2, 4, 4), (3, 2, 3, 3), (3,))]),
    _conv1d("basic", [((2, 3, 7), (4, 3, 3), (4,))]),
    _conv1d("no-bias", [((2, 2, 6), (3, 2, 2))], bias=False),
    _conv1d(
        "stride-padding-dilation", [((2, 2, 9), (4, 2, 3), (4,))], stride=2, padding=2, dilation=2
    ),  # fmt: skip
    _conv1d("groups", [((2, 4, 6), (2, 2, 3), (2,))], groups=2),
]
