"""Check backward against central finite differences, in float64.

``gradcheck(fn, inputs)`` perturbs every element of every input that requires
grad by +-eps, estimates d(sum(fn * v))/d(input) with central differences
(error O(eps^2)) for a fixed random cotangent v, and compares with what
``backward`` computed. Use it on your own ops and layers.

For big layers, ``directions=k`` checks k random *directions* per input instead of
every element: the central difference of ``sum(fn * v)`` along a random direction d
must equal ``<grad, d>``. One direction involves every element at once, so a wrong
gradient anywhere shows up (with probability 1), at the cost of two evaluations.
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
    directions: int | None = None,
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
    directions : int, optional
        Instead of element by element, check this many random directions per input:
        the directional derivative from central differences against ``<grad, d>``
        (for big layers: two evaluations per direction, every element involved).

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
    >>> rg.gradcheck(lambda t: (t * t).sum(), [x], directions=4)
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
        if directions is not None:
            ok = _check_directions(i, t, analytic, scalar_value, directions, eps, atol, rtol, rng)
            if ok is not True:
                if raise_exception:
                    raise GradcheckError(ok)
                return False
            continue
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


def _check_directions(
    i: int,
    t: Tensor,
    analytic: np.ndarray,
    scalar_value: Callable[[], float],
    directions: int,
    eps: float,
    atol: float,
    rtol: float,
    rng: np.random.Generator,
) -> bool | str:
    """``directions`` random directional derivatives of input ``i``; True or a message."""
    data = t.data
    orig = data.copy()
    for k in range(directions):
        d = rng.standard_normal(data.shape)
        np.add(orig, eps * d, out=data)  # in place: t keeps its array
        plus = scalar_value()
        np.subtract(orig, eps * d, out=data)
        minus = scalar_value()
        data[...] = orig
        numeric = (plus - minus) / (2 * eps)
        expected = float(np.sum(analytic * d))
        if abs(expected - numeric) > atol + rtol * max(abs(numeric), abs(expected)):
            return (
                f"gradcheck failed for input {i} (shape {t.shape}) along random direction "
                f"{k}: backward gives <grad, d> = {expected:.10g}, finite differences "
                f"{numeric:.10g}"
            )
    return True
