"""Nonlinear conjugate gradient for full-batch training, run by SciPy's ``method="CG"``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from retrograd.optim.scipy_minimize import ScipyMinimizer


class ConjugateGradient(ScipyMinimizer):
    """Nonlinear conjugate gradient (Polak-Ribiere) with a closure-style ``step``.

    Each new search direction is the negative gradient plus a multiple of the
    previous direction, ``d' = -g' + beta d`` with
    ``beta = g'.(g' - g) / g.g``, so successive steps do not undo each other's
    progress; a line search picks the step length. SciPy runs the iterations
    and the line search; retrograd supplies loss and gradient.

    Parameters
    ----------
    params : iterable
        Parameters (or groups with identical settings).
    max_iter : int
        Iterations per ``step`` call.
    tolerance_grad : float
        Stop when the largest gradient component is at most this (SciPy ``gtol``).

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> from retrograd import nn, optim
    >>> w = nn.Parameter(np.array([3.0, -2.0]), dtype=np.float64)
    >>> opt = optim.ConjugateGradient([w], max_iter=50)
    >>> def closure():
    ...     opt.zero_grad()
    ...     loss = ((w - 1.0) ** 2).sum()
    ...     loss.backward()
    ...     return loss
    >>> _ = opt.step(closure)
    >>> np.allclose(w.data, 1.0)
    True
    """

    method = "CG"

    def __init__(
        self, params: Iterable[Any], max_iter: int = 20, tolerance_grad: float = 1e-7
    ) -> None:
        defaults = dict(max_iter=int(max_iter), tolerance_grad=float(tolerance_grad))
        super().__init__(params, defaults)

    def _options(self, group: dict[str, Any]) -> dict[str, Any]:
        return {"maxiter": group["max_iter"], "gtol": group["tolerance_grad"]}
