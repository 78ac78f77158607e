"""Dropout layer."""

from __future__ import annotations

import numpy as np

from retrograd.nn import functional as F
from retrograd.nn.module import Module
from retrograd.tensor import Tensor


class Dropout(Module):
    """Inverted dropout: in training, zero each element with probability ``p`` and scale
    the survivors by 1/(1-p); in ``eval()`` mode, the identity.

    Shape: any; output has the input's shape.
    """

    def __init__(self, p: float = 0.5, rng: np.random.Generator | None = None) -> None:
        super().__init__()
        if not 0.0 <= p < 1.0:
            raise ValueError(f"Dropout: p must be in [0, 1), got {p}")
        self.p = p
        self.rng = rng or np.random.default_rng()

    def forward(self, x: Tensor) -> Tensor:
        return F.dropout(x, self.p, self.training, self.rng)

    def extra_repr(self) -> str:
        return f"p={self.p}"
