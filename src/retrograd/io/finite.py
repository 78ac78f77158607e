"""Refuse to save NaN/Inf weights: a diverged model must never overwrite a good file."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


class NonFiniteWeightsError(ValueError):
    """A weight to be saved holds NaN or infinity."""


def check_finite_weights(weights: Mapping[str, np.ndarray], what: str) -> None:
    """Raise :class:`NonFiniteWeightsError` naming every array with a NaN or Inf.

    Examples
    --------
    >>> import numpy as np
    >>> try:
    ...     check_finite_weights({"w": np.array([1.0, np.nan])}, "checkpoint")
    ... except NonFiniteWeightsError as exc:
    ...     print(str(exc)[:67])
    checkpoint: refusing to save non-finite weights: w (1 NaN, 0 Inf of
    """
    bad = []
    for name, arr in weights.items():
        a = np.asarray(arr)
        if a.dtype.kind in "fc" and not np.isfinite(a).all():
            nans, infs = int(np.isnan(a).sum()), int(np.isinf(a).sum())
            bad.append(f"{name} ({nans} NaN, {infs} Inf of {a.size} values)")
    if bad:
        raise NonFiniteWeightsError(
            f"{what}: refusing to save non-finite weights: {', '.join(bad)}; training has "
            "diverged -- lower the learning rate or check the data"
        )
