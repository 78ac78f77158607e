"""Dropout layer."""

from __future__ import annotations

import numpy as np

from retrograd.nn import functional as F
from retrograd.nn.module import Module
from retrograd.tensor import Tensor


class Dropout(Module):
    """Inverted dropout: a regulariser that randomly silences units while training.

    In training mode each element is zeroed with probability ``p`` and the
    survivors are scaled by ``1 / (1 - p)``, so the expected value of every
    unit is unchanged; in ``eval()`` mode the layer is the identity.

    Parameters
    ----------
    p : float
        Probability of zeroing an element, in [0, 1).
    rng : numpy.random.Generator, optional
        Source of the random masks. Without one, the generator of
        :func:`retrograd.nn.init.manual_seed` is used (seed it for
        reproducible runs).

    Shape
    -----
    input ``(*)`` -> output ``(*)`` (same shape).

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> drop = rg.nn.Dropout(0.5, rng=np.random.default_rng(0))
    >>> y = drop(rg.tensor(np.ones(8)))
    >>> sorted(set(y.data.tolist()))            # zeros and survivors scaled by 2
    [0.0, 2.0]
    >>> drop.eval()(rg.tensor(np.ones(3)))      # identity at evaluation time
    tensor([1., 1., 1.])
    """

    def __init__(self, p: float = 0.5, rng: np.random.Generator | None = None) -> None:
        super().__init__()
        if not 0.0 <= p < 1.0:
            raise ValueError(f"Dropout: p must be in [0, 1), got {p}")
        self.p = float(p)
        self.rng = rng

    def forward(self, x: Tensor) -> Tensor:
        return F.dropout(x, self.p, self.training, self.rng)

    def extra_repr(self) -> str:
        return f"p={self.p}"
