"""Op table: exp, log, log1p, sqrt, abs, clip, where, maximum, minimum, cast."""

from __future__ import annotations

import numpy as np

import retrograd as rg
from op_db import OpEntry
from op_db.arithmetic import BINARY_SHAPES

UNARY_SHAPES = [((3, 4),), ((),), ((0, 3),)]

ENTRIES = [
    OpEntry("exp", ("Exp",), lambda x: x.exp(), np.exp, UNARY_SHAPES),
    OpEntry("log", ("Log",), lambda x: x.log(), np.log, UNARY_SHAPES, domain=(0.1, 3.0)),
    OpEntry("log1p", ("Log1p",), lambda x: x.log1p(), np.log1p, UNARY_SHAPES, domain=(-0.8, 3.0)),
    OpEntry("sqrt", ("Sqrt",), lambda x: x.sqrt(), np.sqrt, UNARY_SHAPES, domain=(0.1, 3.0)),
    OpEntry("abs", ("Abs",), lambda x: x.abs(), np.abs, UNARY_SHAPES, avoid=(0.0,)),
    OpEntry(
        "clip",
        ("Clip",),
        lambda x: x.clip(-0.5, 1.0),
        lambda x: np.clip(x, -0.5, 1.0),
        UNARY_SHAPES,
        avoid=(-0.5, 1.0),
    ),
    OpEntry(
        "clip/one-sided",
        ("Clip",),
        lambda x: rg.clip(x, a_min=0.2),
        lambda x: np.maximum(x, 0.2),
        UNARY_SHAPES,
        avoid=(0.2,),
    ),
    OpEntry(
        "where",
        ("Where",),
        lambda c, a, b: rg.where(c, a, b),
        np.where,
        [((3, 2), (3, 2), (3, 2)), ((3, 2), (1, 2), ()), ((0, 2), (0, 2), (2,))],
        const={0: lambda rng, shapes: rng.random(shapes[0]) < 0.5},
    ),
    OpEntry(
        "where/broadcast-condition",
        ("Where",),
        lambda c, a, b: rg.where(c, a, b),
        np.where,
        [((1, 3), (2, 3), (2, 1))],
        const={0: lambda rng, shapes: np.array([[True, False, True]])},
    ),
    OpEntry("maximum", ("Maximum",), rg.maximum, np.maximum, BINARY_SHAPES),
    OpEntry("minimum", ("Minimum",), rg.minimum, np.minimum, BINARY_SHAPES),
    OpEntry(
        "cast/float64",  # gradcheck needs float64 on both sides
        ("Cast",),
        lambda x: x.astype(np.float64) * 1.0,
        lambda x: x.astype(np.float64),
        UNARY_SHAPES,
        float32=False,
    ),
]
