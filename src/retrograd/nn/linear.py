"""Fully connected layer."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from retrograd.backend import get_default_dtype
from retrograd.nn import init
from retrograd.nn.module import Module
from retrograd.nn.parameter import Parameter
from retrograd.ops import Linear as LinearOp
from retrograd.tensor import Tensor


class Linear(Module):
    """y = x W^T + b -- every output neuron's weighted sum of every input.

    Parameters
    ----------
    in_features, out_features : int
        Sizes of each input and output sample.
    bias : bool
        Learn an additive bias ``b``.
    rng : numpy.random.Generator, optional
        Generator for the initial weights (PyTorch's default scheme:
        U(-1/sqrt(in), 1/sqrt(in)) for both W and b).
    dtype : optional
        Parameter dtype (float32 by default).

    Shape
    -----
    input ``(*, in_features)`` -> output ``(*, out_features)``;
    ``weight``: ``(out_features, in_features)``; ``bias``: ``(out_features,)``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> layer = rg.nn.Linear(3, 2, rng=np.random.default_rng(0))
    >>> layer(rg.tensor(np.ones((5, 3)))).shape
    (5, 2)
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        rng: np.random.Generator | None = None,
        dtype: object = None,
    ) -> None:
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        if in_features < 0 or out_features < 0:
            raise ValueError(
                f"Linear: in_features and out_features must be >= 0, got {in_features} and "
                f"{out_features}"
            )
        dt = get_default_dtype() if dtype is None else np.dtype(dtype)
        self.weight = Parameter(np.zeros((out_features, in_features)), dtype=dt)
        self.bias = Parameter(np.zeros(out_features), dtype=dt) if bias else None
        self.reset_parameters(rng)

    def reset_parameters(self, rng: np.random.Generator | None = None) -> None:
        """Draw fresh weights: U(-1/sqrt(in), 1/sqrt(in)) for W and b (PyTorch's default)."""
        bound = 1.0 / math.sqrt(self.in_features) if self.in_features else 0.0
        init.uniform_(self.weight, -bound, bound, rng)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound, rng)

    def forward(self, x: Tensor) -> Tensor:
        if not isinstance(x, Tensor):
            x = Tensor(x, dtype=self.weight.dtype)
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ValueError(
                f"{type(self).__name__}(in_features={self.in_features}, out_features="
                f"{self.out_features}): input of shape {x.shape} does not fit weight of shape "
                f"{self.weight.shape}; expected input (..., {self.in_features})"
            )
        dt, wdt = x.data.dtype, self.weight.data.dtype  # (plain attributes: this is hot)
        if dt.kind in "biu":  # integer/boolean features: compute in the weights' dtype
            x = Tensor._make(x.data.astype(wdt), None, False)
        elif dt != wdt and dt.kind == "f":
            raise TypeError(
                f"{type(self).__name__}: input dtype {x.dtype} differs from the weights' "
                f"{self.weight.dtype}; cast with .astype() or model.astype()"
            )
        if self.bias is None:
            return LinearOp.apply(x, self.weight)
        return LinearOp.apply(x, self.weight, self.bias)

    def get_config(self) -> dict[str, Any]:
        """``{"in_features": ..., "out_features": ..., "bias": bool}``."""
        return {
            "in_features": self.in_features,
            "out_features": self.out_features,
            "bias": self.bias is not None,
        }

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )
