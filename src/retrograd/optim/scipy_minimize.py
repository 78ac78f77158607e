"""Full-batch optimizers that hand retrograd's gradients to ``scipy.optimize.minimize``.

Quasi-Newton methods such as L-BFGS need a line search: at every iteration
they try a step, evaluate the loss and gradient there, and shrink or grow the
step until the Wolfe conditions hold. Writing a robust line search is hard,
so retrograd does not: it flattens every parameter into one float64 vector
``x``, gives SciPy a function ``x -> (loss, gradient)`` that writes ``x`` back
into the parameters and runs the model's forward and backward pass, and lets
SciPy's well-tested implementations do the rest.

SciPy is the optional ``scipy`` extra (``pip install "retrograd[scipy]"``);
it is imported only when ``step`` runs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from retrograd.grad_mode import enable_grad
from retrograd.optim.optimizer import Optimizer
from retrograd.tensor import Tensor


def _minimize() -> Callable[..., Any]:
    """``scipy.optimize.minimize``, or an ImportError naming the extra to install."""
    try:
        from scipy.optimize import minimize
    except ImportError as exc:  # pragma: no cover - scipy is in the test extra
        raise ImportError(
            'L-BFGS and conjugate gradient use SciPy: pip install "retrograd[scipy]"'
        ) from exc
    return minimize


def flatten_params(params: list[Tensor]) -> np.ndarray:
    """All parameters as one float64 vector (in order, each flattened C-style)."""
    if not params:
        return np.zeros(0)
    return np.concatenate([np.asarray(p.data, dtype=np.float64).ravel() for p in params])


def flatten_grads(params: list[Tensor]) -> np.ndarray:
    """All gradients as one float64 vector; a parameter without ``.grad`` contributes zeros."""
    parts = [
        np.zeros(p.size) if p.grad is None else np.asarray(p.grad, dtype=np.float64).ravel()
        for p in params
    ]
    return np.concatenate(parts) if parts else np.zeros(0)


def unflatten_into(x: np.ndarray, params: list[Tensor]) -> None:
    """Write the vector ``x`` back into the parameters (cast to each one's dtype)."""
    total = sum(p.size for p in params)
    if total != len(x):
        raise ValueError(f"vector of length {len(x)} does not match {total} parameter values")
    offset = 0
    for p in params:
        n = p.size
        p.data = x[offset : offset + n].reshape(p.shape).astype(p.dtype)
        offset += n


class ScipyMinimizer(Optimizer):
    """Base of :class:`~retrograd.optim.LBFGS` and :class:`~retrograd.optim.ConjugateGradient`.

    A subclass sets ``method`` (the ``scipy.optimize.minimize`` method name)
    and ``_options(group)`` (the SciPy options built from the hyper-parameters).
    All parameters, across all groups, are optimized jointly as one vector, so
    every group must have the same hyper-parameters.

    Attributes
    ----------
    result : scipy.optimize.OptimizeResult or None
        What SciPy returned for the last ``step`` (``nit``, ``nfev``, ``message``...).
    loss_history : list of float
        The loss after every iteration, over all steps so far.
    n_iter : int
        Iterations done over all steps.
    """

    #: this optimizer must be given a closure (``fit``/``train_step`` check this)
    needs_closure = True
    method = ""

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        super().__init__(params, defaults)
        self.result: Any = None
        self.loss_history: list[float] = []
        self.n_iter = 0

    def _check_group(self, group: dict[str, Any]) -> None:
        name = type(self).__name__
        if self.param_groups and any(
            group[k] != self.param_groups[0][k] for k in self.defaults if k in group
        ):
            raise ValueError(
                f"{name}: every parameter group must use the same settings (SciPy optimizes "
                "all parameters as one vector)"
            )
        if int(group["max_iter"]) < 1:
            raise ValueError(f"{name}: max_iter must be >= 1, got {group['max_iter']}")

    def _options(self, group: dict[str, Any]) -> dict[str, Any]:  # pragma: no cover
        raise NotImplementedError

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Run up to ``max_iter`` iterations of the SciPy method; returns the first loss.

        Parameters
        ----------
        closure : callable
            Clears the gradients, re-evaluates the model, calls ``backward()``
            and returns the loss (as for ``torch.optim.LBFGS``). SciPy calls it
            once per function evaluation -- several times per iteration during
            the line search.

        Returns
        -------
        Tensor or float
            The loss at the starting point (what the first closure call returned).

        Raises
        ------
        FloatingPointError
            The loss or gradient at the starting point is NaN or Inf.
        """
        name = type(self).__name__
        if closure is None:
            raise TypeError(
                f"{name}.step needs a closure that re-evaluates the model and returns the loss: "
                "def closure(): opt.zero_grad(); loss = loss_fn(model(x), y); loss.backward(); "
                "return loss"
            )
        minimize = _minimize()
        params = self._all_params()
        x0 = flatten_params(params)
        first: list[Any] = []
        evals = [0]
        best: list[Any] = [math.inf, x0]  # lowest loss evaluated, and where

        def fun(x: np.ndarray) -> tuple[float, np.ndarray]:
            unflatten_into(x, params)
            self.zero_grad()
            with enable_grad():
                loss = closure()
            if not first:
                first.append(loss)
            evals[0] += 1
            value = float(loss.data if isinstance(loss, Tensor) else loss)
            grad = flatten_grads(params)
            if evals[0] == 1 and not (math.isfinite(value) and np.isfinite(grad).all()):
                raise FloatingPointError(
                    f"{name}: the loss ({value}) or its gradient is not finite at the start"
                )
            if value < best[0]:
                best[0], best[1] = value, x.copy()
            return value, grad

        losses: list[float] = []

        def record(intermediate_result: Any) -> None:
            losses.append(float(intermediate_result.fun))

        res = minimize(
            fun,
            x0,
            jac=True,
            method=self.method,
            options=self._options(self.param_groups[0]),
            callback=record,
        )
        x = np.asarray(res.x, dtype=np.float64)
        if best[0] <= res.fun:
            # end exactly at the best point evaluated: SciPy's ``res.x`` can differ from it in
            # the last bits, so ``res.fun`` would not quite be the loss of the final weights
            x, res.x, res.fun = best[1], best[1], best[0]
        unflatten_into(x, params)
        self.result = res
        self.loss_history.extend(losses)
        self.n_iter += int(getattr(res, "nit", len(losses)))
        return first[0] if first else None

    def __repr__(self) -> str:
        opts = ", ".join(f"{k}={self.param_groups[0][k]!r}" for k in self.defaults)
        return f"{type(self).__name__}({opts})"
