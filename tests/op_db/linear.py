"""Op table: the fused fully connected layer y = x W^T + b."""

from __future__ import annotations

from op_db import OpEntry
from retrograd.nn import functional as F

ENTRIES = [
    OpEntry(
        "linear",
        ("Linear",),
        F.linear,
        lambda x, w, b: x @ w.T + b,
        [
            ((4, 3), (2, 3), (2,)),
            ((2, 5, 3), (2, 3), (2,)),
            ((3,), (2, 3), (2,)),
            ((0, 3), (2, 3), (2,)),
        ],
    ),
    OpEntry(
        "linear/no-bias",
        ("Linear",),
        F.linear,
        lambda x, w: x @ w.T,
        [((4, 3), (2, 3)), ((3,), (2, 3))],
    ),
]
