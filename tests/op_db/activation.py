"""Op table: sigmoid, tanh, relu, leaky_relu, elu, gelu (exact and tanh), softplus,
softmax, log_softmax."""

from __future__ import annotations

import math

import numpy as np

import retrograd as rg
from op_db import OpEntry

SHAPES = [((3, 4),), ((),), ((0, 3),), ((2, 3, 2),)]

_erf = np.vectorize(math.erf, otypes=[np.float64])


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _log_softmax(x, axis):
    m = np.max(x, axis=axis, keepdims=True) if x.size else 0.0
    return x - m - np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))


ENTRIES = [
    OpEntry("sigmoid", ("Sigmoid",), rg.sigmoid, _sigmoid, SHAPES, domain=(-6, 6)),
    OpEntry("tanh", ("Tanh",), rg.tanh, np.tanh, SHAPES),
    OpEntry("relu", ("ReLU",), rg.relu, lambda x: np.maximum(x, 0.0), SHAPES, avoid=(0.0,)),
    OpEntry(
        "leaky_relu",
        ("LeakyReLU",),
        lambda x: rg.leaky_relu(x, 0.1),
        lambda x: np.where(x > 0, x, 0.1 * x),
        SHAPES,
        avoid=(0.0,),
    ),
    OpEntry(
        "elu",
        ("ELU",),
        lambda x: rg.elu(x, alpha=0.7),
        lambda x: np.where(x > 0, x, 0.7 * (np.exp(x) - 1.0)),
        SHAPES,
        avoid=(0.0,),
        fwd_rtol=1e-9,
    ),
    OpEntry(
        "gelu/exact",
        ("GELU",),
        rg.gelu,
        lambda x: 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0))),
        SHAPES,
        domain=(-5, 5),
        fwd_rtol=1e-9,
        fwd_atol=1e-12,
    ),
    OpEntry(
        "gelu/tanh",
        ("GELU",),
        lambda x: rg.gelu(x, approximate="tanh"),
        lambda x: 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3))),
        SHAPES,
        domain=(-5, 5),
    ),
    OpEntry(
        "softplus",
        ("Softplus",),
        rg.softplus,
        lambda x: np.log(1.0 + np.exp(x)),
        SHAPES,
        domain=(-8, 8),
    ),
    OpEntry(
        "softmax",
        ("Softmax",),
        rg.softmax,
        lambda x: np.exp(_log_softmax(x, -1)),
        [((3, 4),), ((5,),), ((0, 3),), ((2, 3, 2),)],
        domain=(-4, 4),
    ),
    OpEntry(
        "softmax/axis0",
        ("Softmax",),
        lambda x: rg.softmax(x, axis=0),
        lambda x: np.exp(_log_softmax(x, 0)),
        [((3, 4),)],
    ),
    OpEntry(
        "log_softmax",
        ("LogSoftmax",),
        rg.log_softmax,
        lambda x: _log_softmax(x, -1),
        [((3, 4),), ((5,),), ((0, 3),), ((2, 3, 2),)],
        domain=(-4, 4),
    ),
    OpEntry(
        "log_softmax/axis1",
        ("LogSoftmax",),
        lambda x: rg.log_softmax(x, axis=1),
        lambda x: _log_softmax(x, 1),
        [((2, 3, 2),)],
    ),
]
