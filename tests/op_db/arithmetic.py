"""Op table: + - * / ** @ and negation (with NumPy broadcasting)."""

from __future__ import annotations

import numpy as np

from op_db import OpEntry

#: Shape pairs every binary elementwise op is run on: equal, broadcast both ways,
#: scalars, and zero-size arrays.
BINARY_SHAPES = [
    ((3, 2), (3, 2)),
    ((1, 2), (3, 2)),
    ((3, 2), (2,)),
    ((4, 1, 3), (2, 1)),
    ((), (2, 3)),
    ((2, 3), ()),
    ((), ()),
    ((0, 3), (0, 3)),
    ((0, 3), (3,)),
]

ENTRIES = [
    OpEntry("add", ("Add",), lambda a, b: a + b, np.add, BINARY_SHAPES),
    OpEntry("sub", ("Sub",), lambda a, b: a - b, np.subtract, BINARY_SHAPES),
    OpEntry("mul", ("Mul",), lambda a, b: a * b, np.multiply, BINARY_SHAPES),
    OpEntry(
        "div",
        ("Div",),
        lambda a, b: a / b,
        np.divide,
        BINARY_SHAPES,
        avoid=(0.0,),
        margin=0.3,
    ),
    OpEntry("neg", ("Neg",), lambda a: -a, np.negative, [((3, 2),), ((),), ((0,),)]),
    OpEntry(
        "pow_scalar/square",
        ("PowScalar",),
        lambda a: a**2,
        lambda a: a * a,
        [((3, 2),), ((),), ((0, 2),)],
    ),
    OpEntry(
        "pow_scalar/cube",
        ("PowScalar",),
        lambda a: a**3,
        lambda a: a * a * a,
        [((3, 2),), ((),)],
    ),
    OpEntry(
        "pow_scalar/sqrt",
        ("PowScalar",),
        lambda a: a**0.5,
        np.sqrt,
        [((3, 2),), ((),)],
        domain=(0.2, 3.0),
    ),
    OpEntry(
        "pow_scalar/reciprocal",
        ("PowScalar",),
        lambda a: a**-1,
        lambda a: 1.0 / a,
        [((3, 2),)],
        avoid=(0.0,),
        margin=0.3,
    ),
    OpEntry(
        "pow_scalar/zero",
        ("PowScalar",),
        lambda a: a**0,
        np.ones_like,
        [((3, 2),)],
    ),
    OpEntry(
        "pow/tensor",
        ("Pow",),
        lambda a, b: a**b,
        np.power,
        [((3, 2), (3, 2)), ((1, 2), (3, 2)), ((), (2,)), ((0, 2), (2,))],
        domain=((0.3, 2.0), (-1.5, 1.5)),
    ),
    OpEntry(
        "pow/rpow",
        ("Pow",),
        lambda b: 2.0**b,
        lambda b: np.power(2.0, b),
        [((3, 2),), ((),)],
    ),
    OpEntry(
        "matmul",
        ("MatMul",),
        lambda a, b: a @ b,
        np.matmul,
        [
            ((3, 4), (4, 2)),
            ((4,), (4,)),
            ((4,), (4, 2)),
            ((3, 4), (4,)),
            ((2, 3, 4), (4, 2)),
            ((4,), (2, 4, 3)),
            ((2, 3, 4), (4,)),
            ((2, 1, 3, 4), (3, 4, 2)),
            ((0, 4), (4, 2)),
            ((3, 0), (0, 2)),
        ],
    ),
]
