"""Small models and data shared by the training tests."""

from __future__ import annotations

import numpy as np
import pytest

from retrograd import nn


def make_mlp(n_in: int = 2, hidden: int = 8, n_out: int = 2, seed: int = 0, dropout: float = 0.0):
    rng = np.random.default_rng(seed)
    layers = [nn.Linear(n_in, hidden, rng=rng), nn.Tanh()]
    if dropout:
        layers.append(nn.Dropout(dropout, rng=np.random.default_rng(seed + 100)))
    layers.append(nn.Linear(hidden, n_out, rng=rng))
    return nn.Sequential(*layers)


@pytest.fixture
def blobs() -> tuple[np.ndarray, np.ndarray]:
    """Two well separated Gaussian blobs: 60 points, labels 0/1."""
    rng = np.random.default_rng(7)
    X = np.concatenate([rng.normal(-2, 0.5, (30, 2)), rng.normal(2, 0.5, (30, 2))])
    y = np.array([0] * 30 + [1] * 30, dtype=np.int64)
    return X.astype(np.float32), y


@pytest.fixture
def mlp():
    """Factory: ``mlp(n_in=2, hidden=8, n_out=2, seed=0, dropout=0.0)`` -> Sequential."""
    return make_mlp
