"""Run an optimizer on a fixed sequence of gradients (so references can replay the same inputs)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from retrograd import nn


def run_with_grads(make_opt: Callable, w0: np.ndarray, grads: Sequence[np.ndarray]) -> np.ndarray:
    """Apply ``len(grads)`` steps of ``make_opt([w])`` feeding the given gradients."""
    w = nn.Parameter(w0.copy(), dtype=np.float64)
    opt = make_opt([w])
    for g in grads:
        w.grad = g
        opt.step()
    return w.data
