"""retrograd: backpropagation from scratch on NumPy.

>>> import retrograd as rg
>>> x = rg.tensor(2.0, requires_grad=True)
>>> y = x * x + 3 * x
>>> y.backward()
>>> float(x.grad)          # dy/dx = 2x + 3
7.0
"""

from __future__ import annotations

import importlib
from typing import Any

from retrograd.backend import get_default_dtype, set_default_dtype
from retrograd.function import Function
from retrograd.functional import (
    abs,
    add,
    broadcast_to,
    clip,
    concatenate,
    divide,
    elu,
    exp,
    expand_dims,
    flatten,
    gelu,
    leaky_relu,
    log,
    log1p,
    log_softmax,
    matmul,
    max,
    maximum,
    mean,
    min,
    minimum,
    multiply,
    negative,
    pad,
    permute,
    power,
    relu,
    reshape,
    sigmoid,
    softmax,
    softplus,
    sqrt,
    squeeze,
    stack,
    subtract,
    sum,
    swapaxes,
    tanh,
    transpose,
    var,
    where,
)
from retrograd.grad_mode import detect_anomaly, enable_grad, is_grad_enabled, no_grad
from retrograd.gradcheck import gradcheck
from retrograd.tensor import Tensor, tensor

__version__ = "0.1.0"

# Heavier subpackages load on first use, so `import retrograd` stays fast.
_LAZY_SUBMODULES = {
    "nn", "optim", "data", "io", "train", "explainer", "playground", "sklearn", "cli",
    "distributed", "backend", "ops", "engine", "functional",
}  # fmt: skip
_LAZY_ATTRS = {
    "save": ("retrograd.io.model_file", "save"),
    "load": ("retrograd.io.model_file", "load"),
    "explain": ("retrograd.explainer", "explain"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY_SUBMODULES:
        return importlib.import_module(f"retrograd.{name}")
    if name in _LAZY_ATTRS:
        module, attr = _LAZY_ATTRS[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'retrograd' has no attribute {name!r}")


__all__ = [
    "Tensor", "tensor", "Function", "no_grad", "enable_grad", "is_grad_enabled",
    "detect_anomaly", "gradcheck", "get_default_dtype", "set_default_dtype",
    "abs", "add", "broadcast_to", "clip", "concatenate", "divide", "elu", "exp",
    "expand_dims", "flatten", "gelu", "leaky_relu", "log", "log1p", "log_softmax", "matmul",
    "max", "maximum", "mean", "min", "minimum", "multiply", "negative", "pad", "permute",
    "power", "relu", "reshape", "sigmoid", "softmax", "softplus", "sqrt", "squeeze", "stack",
    "subtract", "sum", "swapaxes", "tanh", "transpose", "var", "where",
]  # fmt: skip
