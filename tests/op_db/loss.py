"""Op table: the fused losses (MSE, cross-entropy, NLL, BCE, BCE-with-logits, Huber)."""

from __future__ import annotations

import numpy as np

from op_db import OpEntry
from retrograd.nn import functional as F

REDUCTIONS = ("mean", "sum", "none")
_REDUCE = {"mean": np.mean, "sum": np.sum, "none": lambda v: v}


def _log_softmax(z):
    m = z.max(axis=1, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))


def _labels(rng, shapes):
    n, c = shapes[0]
    return rng.integers(0, c, size=n)


def _probs(rng, shapes):
    p = rng.uniform(0.1, 1.0, size=shapes[1])
    return p / p.sum(axis=-1, keepdims=True)


def _targets01(rng, shapes):
    return rng.uniform(0, 1, size=shapes[1])


def _pred_target(rng, shape, i):
    return rng.uniform(-2, 2, size=shape)


ENTRIES = []
for r in REDUCTIONS:
    red = _REDUCE[r]
    ENTRIES += [
        OpEntry(
            f"mse_loss/{r}",
            ("MSELoss",),
            lambda p, t, r=r: F.mse_loss(p, t, reduction=r),
            lambda p, t, red=red: red((p - t) ** 2),
            [((4, 3), (4, 3)), ((), ()), ((0, 2), (0, 2))] if r != "mean" else [((4, 3), (4, 3))],
        ),
        OpEntry(
            f"cross_entropy/labels/{r}",
            ("CrossEntropyLoss",),
            lambda z, y, r=r: F.cross_entropy(z, y, reduction=r),
            lambda z, y, red=red: red(-_log_softmax(z)[np.arange(len(y)), y]),
            [((5, 4), (5,))] + ([((0, 4), (0,))] if r != "mean" else []),
            domain=(-4, 4),
            const={1: _labels},
        ),
        OpEntry(
            f"cross_entropy/probabilities/{r}",
            ("CrossEntropyLoss",),
            lambda z, p, r=r: F.cross_entropy(z, p, reduction=r),
            lambda z, p, red=red: red(-(p * _log_softmax(z)).sum(axis=1)),
            [((5, 4), (5, 4))],
            domain=(-4, 4),
        ),
        OpEntry(
            f"nll_loss/{r}",
            ("NLLLoss",),
            lambda lp, y, r=r: F.nll_loss(lp, y, reduction=r),
            lambda lp, y, red=red: red(-lp[np.arange(len(y)), y]),
            [((5, 4), (5,))],
            domain=(-4, 0),
            const={1: _labels},
        ),
        OpEntry(
            f"bce_with_logits/{r}",
            ("BCEWithLogitsLoss",),
            lambda z, t, r=r: F.binary_cross_entropy_with_logits(z, t, reduction=r),
            lambda z, t, red=red: red(
                -(t * np.log(1 / (1 + np.exp(-z))) + (1 - t) * np.log(1 - 1 / (1 + np.exp(-z))))
            ),
            [((4, 3), (4, 3)), ((), ())],
            domain=((-5, 5), (0, 1)),
            fwd_rtol=1e-9,
        ),
        OpEntry(
            f"bce/{r}",
            ("BCELoss",),
            lambda p, t, r=r: F.binary_cross_entropy(p, t, reduction=r),
            lambda p, t, red=red: red(-(t * np.log(p) + (1 - t) * np.log(1 - p))),
            [((4, 3), (4, 3)), ((), ())],
            domain=((0.05, 0.95), (0, 1)),
        ),
        OpEntry(
            f"huber_loss/{r}",
            ("HuberLoss",),
            lambda p, t, r=r: F.huber_loss(p, t, reduction=r, delta=0.8),
            lambda p, t, red=red: red(
                np.where(np.abs(p - t) <= 0.8, 0.5 * (p - t) ** 2, 0.8 * (np.abs(p - t) - 0.4))
            ),
            [((4, 3), (4, 3)), ((), ())],
            # keep |p - t| away from the kink at delta: t is fixed at 0, p avoids +-delta
            domain=((-2, 2), (0, 0)),
            avoid=(-0.8, 0.8),
        ),
    ]
ENTRIES += [
    OpEntry(
        "half_sse_loss",  # MSELoss with scale=0.5, reduction="sum": E = 1/2 sum (t - o)^2
        ("MSELoss",),
        F.half_sse_loss,
        lambda o, t: 0.5 * np.sum((t - o) ** 2),
        [((4, 3), (4, 3)), ((), ()), ((0, 2), (0, 2))],
    ),
    OpEntry(
        "mse_loss/scale-none",
        ("MSELoss",),
        lambda p, t: __import__("retrograd").ops.MSELoss.apply(p, t, reduction="none", scale=3.0),
        lambda p, t: 3.0 * (p - t) ** 2,
        [((4, 3), (4, 3))],
    ),
    OpEntry(
        "cross_entropy/labels-constant",  # target passed as a constant array
        ("CrossEntropyLoss",),
        lambda z, y: F.cross_entropy(z, y),
        lambda z, y: np.mean(-_log_softmax(z)[np.arange(len(y)), y]),
        [((3, 5), (3,))],
        const={1: _labels},
    ),
]
