"""L-BFGS: a quasi-Newton method for full-batch training, run by SciPy's L-BFGS-B."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from retrograd.optim.scipy_minimize import ScipyMinimizer


class LBFGS(ScipyMinimizer):
    """Limited-memory BFGS with ``torch.optim.LBFGS``'s closure-style interface.

    L-BFGS builds an estimate of the inverse Hessian from the last
    ``history_size`` pairs (step ``s = x' - x``, gradient change ``y = g' - g``)
    and moves along ``-H g`` with a line search; on small, full-batch problems
    it usually needs far fewer passes over the data than gradient descent.
    The iterations and the line search are SciPy's (``method="L-BFGS-B"``); the
    gradients are retrograd's.

    Parameters
    ----------
    params : iterable
        Parameters (or groups with identical settings).
    max_iter : int
        Iterations per ``step`` call (PyTorch: 20).
    max_eval : int, optional
        Function evaluations per ``step`` (default ``max_iter * 5 // 4``, as PyTorch).
    tolerance_grad : float
        Stop when the largest gradient component is at most this (SciPy ``gtol``).
    tolerance_change : float
        Stop when the relative loss decrease of an iteration is at most this
        (SciPy ``ftol``).
    history_size : int
        Correction pairs kept (SciPy ``maxcor``).

    Notes
    -----
    Each ``step`` starts a fresh SciPy run, so the curvature history does not
    carry over from one ``step`` call to the next; use one ``step`` with a
    large ``max_iter`` for a full optimization.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> from retrograd import nn, optim
    >>> w = nn.Parameter(np.array([3.0, -2.0]), dtype=np.float64)
    >>> opt = optim.LBFGS([w], max_iter=50)
    >>> def closure():
    ...     opt.zero_grad()
    ...     loss = ((w - 1.0) ** 2).sum()
    ...     loss.backward()
    ...     return loss
    >>> _ = opt.step(closure)
    >>> np.allclose(w.data, 1.0)
    True
    """

    method = "L-BFGS-B"

    def __init__(
        self,
        params: Iterable[Any],
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
    ) -> None:
        if max_eval is None:
            max_eval = max(int(max_iter) * 5 // 4, 1)
        defaults = dict(
            max_iter=int(max_iter),
            max_eval=int(max_eval),
            tolerance_grad=float(tolerance_grad),
            tolerance_change=float(tolerance_change),
            history_size=int(history_size),
        )
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        if group["history_size"] < 1 or group["max_eval"] < 1:
            raise ValueError(
                f"LBFGS: history_size and max_eval must be >= 1, got {group['history_size']} "
                f"and {group['max_eval']}"
            )

    def _options(self, group: dict[str, Any]) -> dict[str, Any]:
        return {
            "maxiter": group["max_iter"],
            "maxfun": group["max_eval"],
            "gtol": group["tolerance_grad"],
            "ftol": group["tolerance_change"],
            "maxcor": group["history_size"],
        }
