"""Gradient clipping: ``clip_grad_norm_`` and ``clip_grad_value_``.

Both act on the ``.grad`` arrays of parameters *after* ``backward()`` and
*before* ``optimizer.step()``. Gradient arrays are treated as immutable
(the engine may hand the same array to two parameters), so clipping replaces
``p.grad`` with a new array rather than scaling it in place.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from retrograd.tensor import Tensor


class NonFiniteGradientError(FloatingPointError, RuntimeError):
    """The gradient norm is NaN or Inf (catch it as ``FloatingPointError`` or ``RuntimeError``)."""


def _with_grad(parameters: Tensor | Iterable[Tensor]) -> list[Tensor]:
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p for p in parameters if p.grad is not None]


def _norm(a: np.ndarray, norm_type: float) -> float:
    if a.size == 0:
        return 0.0
    if norm_type == math.inf:
        return float(np.max(np.abs(a)))
    if norm_type == 2.0:
        flat = a.reshape(-1)
        return math.sqrt(float(np.dot(flat, flat)))  # one pass, no temporary for a * a
    return float(np.sum(np.abs(a) ** norm_type) ** (1.0 / norm_type))


def clip_grad_norm_(
    parameters: Tensor | Iterable[Tensor],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = True,
) -> float:
    """Rescale gradients so that their joint norm is at most ``max_norm``.

    The norm is taken over all gradients together, as if they were one long
    vector: ``total = (sum_p ||g_p||^q)^(1/q)``. When ``total > max_norm``
    every gradient is multiplied by ``max_norm / (total + 1e-6)``, which keeps
    the update's *direction* and shortens its length.

    Parameters
    ----------
    parameters : Tensor or iterable of Tensor
        Parameters whose ``.grad`` to clip (those without a gradient are skipped).
    max_norm : float
        Largest allowed norm.
    norm_type : float
        The ``q`` of the q-norm; ``math.inf`` for the largest absolute value.
    error_if_nonfinite : bool
        Raise when the total norm is NaN or Inf (the default): clipping a NaN
        gradient would silently spread the NaN into every weight.

    Returns
    -------
    float
        The total norm *before* clipping (log it: it is a good health signal).

    Raises
    ------
    NonFiniteGradientError
        The total norm is not finite; the message names the parameters whose
        gradients contain NaN or Inf (by position and shape).

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> w = rg.nn.Parameter(np.zeros(2))
    >>> w.grad = np.array([3.0, 4.0], dtype=np.float32)
    >>> rg.optim.clip_grad_norm_([w], max_norm=1.0)
    5.0
    >>> np.round(w.grad, 3)
    array([0.6, 0.8], dtype=float32)
    """
    if max_norm < 0:
        raise ValueError(f"clip_grad_norm_: max_norm must be >= 0, got {max_norm}")
    norm_type = float(norm_type)
    if norm_type <= 0:
        raise ValueError(f"clip_grad_norm_: norm_type must be > 0, got {norm_type}")
    params = _with_grad(parameters)
    if not params:
        return 0.0
    norms = [_norm(p.grad, norm_type) for p in params]
    if norm_type == math.inf:
        total = max(norms)
    else:
        total = float(np.sum(np.asarray(norms) ** norm_type) ** (1.0 / norm_type))
    if not math.isfinite(total):
        if error_if_nonfinite:
            bad = [
                f"#{i} {tuple(p.shape)}"
                for i, p in enumerate(params)
                if not np.isfinite(p.grad).all()
            ]
            raise NonFiniteGradientError(
                f"clip_grad_norm_: the total gradient norm is {total}; non-finite gradients "
                f"in parameter(s) {', '.join(bad) or '(overflow in the norm)'}. "
                "Pass error_if_nonfinite=False to clip anyway."
            )
        return total
    coef = max_norm / (total + 1e-6)
    if coef < 1.0:
        for p in params:
            p.grad = p.grad * np.asarray(coef, dtype=p.grad.dtype)  # a new array, never in place
    return total


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float) -> None:
    """Clamp every gradient element into ``[-clip_value, clip_value]``.

    Parameters
    ----------
    parameters : Tensor or iterable of Tensor
        Parameters whose ``.grad`` to clip (those without a gradient are skipped).
    clip_value : float
        Largest allowed absolute value of a gradient element (> 0).

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> w = rg.nn.Parameter(np.zeros(3))
    >>> w.grad = np.array([-5.0, 0.5, 2.0], dtype=np.float32)
    >>> rg.optim.clip_grad_value_(w, 1.0)
    >>> w.grad
    array([-1. ,  0.5,  1. ], dtype=float32)
    """
    if clip_value <= 0:
        raise ValueError(f"clip_grad_value_: clip_value must be > 0, got {clip_value}")
    for p in _with_grad(parameters):
        p.grad = np.clip(p.grad, -clip_value, clip_value)
