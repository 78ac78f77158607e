"""Op table: the fused BatchNorm (training mode) and LayerNorm ops.

References standardise with NumPy's ``mean``/``var`` directly.
"""

from __future__ import annotations

import numpy as np

from op_db import OpEntry
from retrograd.nn import functional as F

EPS = 1e-5


def batch_norm_reference(x, w=None, b=None):
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    y = (x - x.mean(axis=axes, keepdims=True)) / np.sqrt(x.var(axis=axes, keepdims=True) + EPS)
    if w is not None:
        y = y * w.reshape(shape)
    if b is not None:
        y = y + b.reshape(shape)
    return y


def layer_norm_reference(x, k, w=None, b=None):
    axes = tuple(range(x.ndim - k, x.ndim))
    y = (x - x.mean(axis=axes, keepdims=True)) / np.sqrt(x.var(axis=axes, keepdims=True) + EPS)
    if w is not None:
        y = y * w
    if b is not None:
        y = y + b
    return y


def _bn(name, shapes):
    return OpEntry(
        f"batch_norm/{name}",
        ("BatchNorm",),
        lambda x, w=None, b=None: F.batch_norm(x, None, None, w, b, training=True, eps=EPS),
        batch_norm_reference,
        shapes,
        fwd_rtol=1e-9,
        fwd_atol=1e-10,
    )


def _ln(name, shapes, k):
    return OpEntry(
        f"layer_norm/{name}",
        ("LayerNorm",),
        lambda x, w=None, b=None: F.layer_norm(x, x.shape[x.ndim - k :], w, b, eps=EPS),
        lambda x, w=None, b=None: layer_norm_reference(x, k, w, b),
        shapes,
        fwd_rtol=1e-9,
        fwd_atol=1e-10,
    )


ENTRIES = [
    _bn("features", [((6, 3), (3,), (3,))]),
    _bn("sequence", [((3, 2, 4), (2,), (2,))]),
    _bn("image", [((2, 3, 3, 2), (3,), (3,))]),
    _bn("no-affine", [((4, 3, 2),)]),
    _bn("weight-only", [((5, 2), (2,))]),
    _ln("last-axis", [((4, 5), (5,), (5,)), ((2, 3, 4), (4,), (4,))], 1),
    _ln("two-axes", [((2, 3, 4), (3, 4), (3, 4))], 2),
    _ln("no-affine", [((3, 6),)], 1),
    _ln("no-bias", [((3, 4), (4,))], 1),
]
