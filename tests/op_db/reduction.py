"""Op table: sum, mean, var, max, min over any axes, with and without keepdims."""

from __future__ import annotations

import numpy as np

from op_db import OpEntry, distinct

AXES = [None, 0, -1, (0, 2), (-1, 0)]


def _sweep(name, op, method, ref, make=None, zero_size=True, **kw):
    entries = []
    for axis in AXES:
        for keepdims in (False, True):
            shapes = [((2, 3, 4),)]
            if axis is None or axis in (0, -1):
                shapes.append(((5,),))
            entries.append(
                OpEntry(
                    f"{name}/axis={axis}/keepdims={keepdims}",
                    (op,),
                    lambda x, a=axis, k=keepdims: getattr(x, method)(axis=a, keepdims=k, **kw),
                    lambda x, a=axis, k=keepdims: ref(x, axis=a, keepdims=k, **kw),
                    shapes,
                    make=make,
                )
            )
    entries.append(
        OpEntry(
            f"{name}/scalar",
            (op,),
            lambda x: getattr(x, method)(**kw),
            lambda x: ref(x, **kw),
            [((),)],
            make=make,
        )
    )
    if zero_size:
        entries.append(
            OpEntry(
                f"{name}/zero-size",
                (op,),
                lambda x: getattr(x, method)(axis=1, **kw),
                lambda x: ref(x, axis=1, **kw),
                [((0, 3),), ((2, 0, 3),)],
            )
        )
    return entries


ENTRIES = [
    *_sweep("sum", "Sum", "sum", np.sum),
    *_sweep("mean", "Mean", "mean", np.mean),
    *_sweep("var", "Var", "var", np.var),
    *_sweep("var_ddof1", "Var", "var", np.var, ddof=1, zero_size=False),
    *_sweep("max", "Max", "max", np.max, make=distinct, zero_size=False),
    *_sweep("min", "Min", "min", np.min, make=distinct, zero_size=False),
    OpEntry(
        "sum/zero-size-all",
        ("Sum",),
        lambda x: x.sum(),
        np.sum,
        [((0, 3),)],
    ),
    OpEntry(
        "max/ties",  # ties share the gradient equally; a constant input has all-tied values
        ("Max",),
        lambda x: x.max(axis=1),
        lambda x: np.max(x, axis=1),
        [((2, 3),)],
        make=lambda rng, shape, i: np.repeat(rng.uniform(-1, 1, (shape[0], 1)), shape[1], 1),
        gradcheck=False,
    ),
]
