"""``Flatten``: merge axes into one, typically between conv layers and a classifier."""

from __future__ import annotations

from typing import Any

from retrograd.functional import flatten
from retrograd.nn.module import Module
from retrograd.tensor import Tensor


class Flatten(Module):
    """Merge axes ``start_dim..end_dim`` into one (by default: all but the batch axis).

    Parameters
    ----------
    start_dim, end_dim : int
        First and last axis to merge (negative counts from the end).

    Shape
    -----
    ``(N, *dims) -> (N, prod(dims))`` with the defaults.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> rg.nn.Flatten()(rg.tensor(np.zeros((8, 16, 5, 5)))).shape
    (8, 400)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = int(start_dim), int(end_dim)

    def forward(self, x: Tensor) -> Tensor:
        if not isinstance(x, Tensor):
            x = Tensor(x)
        if x.ndim and not (-x.ndim <= self.start_dim < x.ndim and -x.ndim <= self.end_dim < x.ndim):
            raise ValueError(
                f"Flatten(start_dim={self.start_dim}, end_dim={self.end_dim}): input of shape "
                f"{x.shape} has only {x.ndim} axes"
            )
        return flatten(x, self.start_dim, self.end_dim)

    def get_config(self) -> dict[str, Any]:
        """JSON-safe constructor arguments."""
        return {"start_dim": self.start_dim, "end_dim": self.end_dim}

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
