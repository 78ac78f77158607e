"""Op table: Embedding lookups, with repeated indices (their gradients must add up)."""

from __future__ import annotations

import numpy as np

from op_db import OpEntry
from retrograd.nn import functional as F


def _ids(rng, shapes):
    # a small table and many ids: repeats are guaranteed
    return rng.integers(0, shapes[0][0], size=shapes[1])


ENTRIES = [
    OpEntry(
        "embedding/repeated",
        ("Embedding",),
        lambda w, idx: F.embedding(idx, w),
        lambda w, idx: w[idx],
        [((4, 3), (10,)), ((5, 2), (3, 4)), ((3, 2), (0,))],
        const={1: _ids},
    ),
    OpEntry(
        "embedding/fixed-repeats",
        ("Embedding",),
        lambda w, idx: F.embedding(idx, w),
        lambda w, idx: w[idx],
        [((4, 2), (6,))],
        const={1: lambda rng, shapes: np.array([1, 1, 3, 1, 0, 3])},
    ),
]
