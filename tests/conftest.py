"""Shared test fixtures."""

from __future__ import annotations

import os
from pathlib import Path

# scikit-learn's estimator checks include array-API input checks, which run only when
# SciPy is imported with its array-API mode on; set it before anything imports SciPy, so
# that `parametrize_with_checks` runs every check (tests/test_sklearn.py).
os.environ.setdefault("SCIPY_ARRAY_API", "1")

import numpy as np
import pytest

#: ../shared/datasets beside the repository (absent in a user's fresh clone)
SHARED_DATASETS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"


@pytest.fixture
def shared_datasets() -> Path:
    """Path to ../shared/datasets; skips the test cleanly when it is absent."""
    if not (SHARED_DATASETS / "mnist").is_dir():
        pytest.skip("../shared/datasets not present (only on developer/CI machines)")
    return SHARED_DATASETS


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)
