"""Fixtures for the optimizer tests."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture
def grad_sequence() -> tuple[np.ndarray, list[np.ndarray]]:
    """A starting point and 6 gradients of mixed sign and size (float64)."""
    g = np.random.default_rng(42)
    return g.normal(size=(3, 4)), [g.normal(size=(3, 4)) * s for s in (1, 0.5, 2, 1, 0.1, 3)]
