"""Op table: indexing with slices, integers, integer arrays (repeated too) and masks."""

from __future__ import annotations

import numpy as np

from op_db import OpEntry


def _index(name, index, shapes):
    return OpEntry(
        f"getitem/{name}",
        ("GetItem",),
        lambda x: x[index],
        lambda x: x[index],
        shapes,
    )


REPEATED = np.array([0, 2, 2, 1, 0, 2])
MASK = np.array([[True, False, True], [False, False, True]])

ENTRIES = [
    _index("int", 1, [((3, 4),)]),
    _index("negative-int", -1, [((3, 4),)]),
    _index("slice", (slice(1, None), slice(None, None, 2)), [((3, 4),), ((0, 4),)]),
    _index("negative-step", slice(None, None, -1), [((4, 2),)]),
    _index("ellipsis-newaxis", (Ellipsis, None, 0), [((2, 3, 4),)]),
    _index("int-array-repeated", REPEATED, [((3, 2),)]),
    _index("int-array-2d", (REPEATED, np.array([1, 0, 1, 1, 0, 1])), [((3, 2),)]),
    _index("int-array-mixed-slice", (slice(None), REPEATED), [((2, 3),)]),
    _index("bool-mask", MASK, [((2, 3),)]),
    _index("bool-mask-rows", np.array([True, False, True]), [((3, 2),)]),
    _index("empty-int-array", np.array([], dtype=np.int64), [((3, 2),)]),
    OpEntry(
        "getitem/tensor-index",
        ("GetItem",),
        lambda x, i: x[__import__("retrograd").tensor(i)],
        lambda x, i: x[i],
        [((4, 2), (5,))],
        const={1: lambda rng, shapes: rng.integers(0, 4, size=5)},
    ),
]
