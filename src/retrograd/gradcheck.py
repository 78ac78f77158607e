"""Check backward against central finite differences, in float64.

``gradcheck(fn, inputs)`` perturbs every element of every input that requires
grad by +-eps, estimates d(sum(fn * v))/d(input) with central differences
(error O(eps^2)) for a fixed random cotangent v, and compares with what
``backward`` computed. Use it on your own ops and layers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from retrograd.tensor import Tensor


class GradcheckError(AssertionError):
    """Raised by ``gradcheck`` when analytical and numerical gradients disagree."""


def _as_tensors(out: Any) -> list[Tensor]:
    if isinstance(out, Tensor):
        return [out]
    return [o for o in out if isinstance(o, Tensor)]


def gradcheck(
    fn: Callable[..., Any],
    inputs: Sequence[Tensor],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    seed: int = 0,
    max_elements: int | None = None,
) -> bool:
    """Compare ``backward`` of ``fn(*inputs)`` with central finite differences.

    Parameters
    ----------
    fn : callable
        Takes the tensors in ``inputs`` and returns a Tensor (or a tuple of them).
    inputs : sequence of Tensor
        Float64 tensors; those with ``requires_grad=True`` are checked.
    eps, atol, rtol : float
        Step, and the tolerance ``|analytic - numeric| <= atol + rtol * |numeric|``.
    raise_exception : bool
        Raise :class:`GradcheckError` with the worst element on failure
        (otherwise return False).
    seed : int
        Seed of the random cotangent v the outputs are projected on.
    max_elements : int, optional
        Check at most this many randomly chosen elements per input (for big layers).

    Returns
    -------
    bool
        True when every checked element agrees.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> x = rg.tensor(np.random.rand(3, 2), dtype=np.float64, requires_grad=True)
    >>> rg.gradcheck(lambda t: (t * t).sum(), [x])
    True
    """
    for i, t in enumerate(inputs):
        if isinstance(t, Tensor) and t.requires_grad and t.dtype != np.float64:
            raise TypeError(
                f"gradcheck: input {i} has dtype {t.dtype}; finite differences need float64 "
                "(create it with dtype=numpy.float64)"
            )
    rng = np.random.default_rng(seed)
    outs = _as_tensors(fn(*inputs))
    cotangents = [rng.standard_normal(o.shape) for o in outs]

    def scalar_value() -> float:
        return float(sum(np.sum(o.data * v) for o, v in zip(_as_tensors(fn(*inputs)), cotangents)))

    # analytic: backward of sum(out * v)
    for t in inputs:
        if isinstance(t, Tensor):
            t.grad = None
    for o, v in zip(outs, cotangents):
        if o.requires_grad:
            o.backward(v, retain_graph=True)

    for i, t in enumerate(inputs):
        if not (isinstance(t, Tensor) and t.requires_grad):
            continue
        analytic = t.grad if t.grad is not None else np.zeros_like(t.data)
        flat = t.data.reshape(-1)  # a view: perturbing it perturbs t
        idx = np.arange(flat.size)
        if max_elements is not None and flat.size > max_elements:
            idx = rng.choice(flat.size, size=max_elements, replace=False)
        numeric = np.empty(idx.size)
        for k, j in enumerate(idx):
            orig = flat[j]
            flat[j] = orig + eps
            plus = scalar_value()
            flat[j] = orig - eps
            minus = scalar_value()
            flat[j] = orig
            numeric[k] = (plus - minus) / (2 * eps)
        a = analytic.reshape(-1)[idx]
        err = np.abs(a - numeric)
        bad = err > atol + rtol * np.abs(numeric)
        if bad.any():
            j = int(np.argmax(err - rtol * np.abs(numeric)))
            msg = (
                f"gradcheck failed for input {i} (shape {t.shape}) at flat index {idx[j]}: "
                f"backward gave {a[j]:.10g}, finite differences {numeric[j]:.10g} "
                f"({int(bad.sum())} of {idx.size} elements off)"
            )
            if raise_exception:
                raise GradcheckError(msg)
            return False
    return True
