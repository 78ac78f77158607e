"""Op table: reshape, transpose, broadcast_to, concatenate, stack, pad (and the reshapes
behind squeeze, expand_dims, flatten)."""

from __future__ import annotations

import numpy as np

import retrograd as rg
from op_db import OpEntry

ENTRIES = [
    OpEntry(
        "reshape",
        ("Reshape",),
        lambda x: x.reshape(4, -1),
        lambda x: x.reshape(4, -1),
        [((2, 3, 4),), ((8,),), ((0, 4),)],
    ),
    OpEntry(
        "reshape/scalar",
        ("Reshape",),
        lambda x: x.reshape(1, 1),
        lambda x: x.reshape(1, 1),
        [((),)],
    ),
    OpEntry(
        "squeeze",
        ("Reshape",),
        lambda x: x.squeeze(1),
        lambda x: np.squeeze(x, 1),
        [((2, 1, 3),), ((0, 1),)],
    ),
    OpEntry(
        "squeeze/all",
        ("Reshape",),
        lambda x: x.squeeze(),
        np.squeeze,
        [((1, 3, 1),), ((1,),)],
    ),
    OpEntry(
        "expand_dims",
        ("Reshape",),
        lambda x: x.expand_dims(-1),
        lambda x: np.expand_dims(x, -1),
        [((2, 3),), ((),)],
    ),
    OpEntry(
        "flatten",
        ("Reshape",),
        lambda x: x.flatten(1),
        lambda x: x.reshape(x.shape[0], int(np.prod(x.shape[1:]))),
        [((2, 3, 4),), ((0, 3, 2),)],
    ),
    OpEntry(
        "transpose/reverse",
        ("Transpose",),
        lambda x: x.T,
        np.transpose,
        [((2, 3),), ((2, 3, 4),), ((),), ((0, 3),)],
    ),
    OpEntry(
        "transpose/axes",
        ("Transpose",),
        lambda x: x.permute(1, 2, 0),
        lambda x: np.transpose(x, (1, 2, 0)),
        [((2, 3, 4),)],
    ),
    OpEntry(
        "transpose/negative-axes",
        ("Transpose",),
        lambda x: x.transpose((-1, 0, 1)),
        lambda x: np.transpose(x, (2, 0, 1)),
        [((2, 3, 4),)],
    ),
    OpEntry(
        "swapaxes",
        ("Transpose",),
        lambda x: x.swapaxes(0, -1),
        lambda x: np.swapaxes(x, 0, -1),
        [((2, 3, 4),)],
    ),
    OpEntry(
        "broadcast_to",
        ("BroadcastTo",),
        lambda x: rg.broadcast_to(x, (2, 3, 4)),
        lambda x: np.broadcast_to(x, (2, 3, 4)),
        [((3, 1),), ((4,),), ((),), ((2, 3, 4),)],
    ),
    OpEntry(
        "concatenate",
        ("Concatenate",),
        lambda a, b, c: rg.concatenate([a, b, c], axis=1),
        lambda a, b, c: np.concatenate([a, b, c], axis=1),
        [((2, 1), (2, 3), (2, 2)), ((2, 0), (2, 3), (2, 1))],
    ),
    OpEntry(
        "concatenate/negative-axis",
        ("Concatenate",),
        lambda a, b: rg.concatenate([a, b], axis=-1),
        lambda a, b: np.concatenate([a, b], axis=-1),
        [((2, 2, 1), (2, 2, 3))],
    ),
    OpEntry(
        "stack",
        ("Stack",),
        lambda a, b: rg.stack([a, b], axis=1),
        lambda a, b: np.stack([a, b], axis=1),
        [((2, 3), (2, 3)), ((0, 2), (0, 2))],
    ),
    OpEntry(
        "stack/scalars",
        ("Stack",),
        lambda a, b: rg.stack([a, b]),
        lambda a, b: np.stack([a, b]),
        [((), ())],
    ),
    OpEntry(
        "stack/negative-axis",
        ("Stack",),
        lambda a, b, c: rg.stack([a, b, c], axis=-1),
        lambda a, b, c: np.stack([a, b, c], axis=-1),
        [((2, 3), (2, 3), (2, 3))],
    ),
    OpEntry(
        "pad",
        ("Pad",),
        lambda x: rg.pad(x, ((1, 2), (0, 1))),
        lambda x: np.pad(x, ((1, 2), (0, 1))),
        [((2, 3),), ((0, 3),)],
    ),
    OpEntry(
        "pad/value",
        ("Pad",),
        lambda x: rg.pad(x, 1, value=0.5),
        lambda x: np.pad(x, 1, constant_values=0.5),
        [((2, 3, 2),), ((3,),)],
    ),
]
