"""nn.Parameter: a leaf that requires grad, with the dtype policy."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn


def test_requires_grad_and_is_a_leaf() -> None:
    p = nn.Parameter(np.zeros((2, 3)))
    assert p.requires_grad and p.is_leaf and p.grad is None
    assert isinstance(p, rg.Tensor)
    assert not nn.Parameter(np.zeros(2), requires_grad=False).requires_grad


def test_dtype_policy() -> None:
    assert nn.Parameter(np.zeros(2)).dtype == np.float32  # float64 data -> default dtype
    assert nn.Parameter(np.zeros(2), dtype=np.float64).dtype == np.float64
    assert nn.Parameter(rg.tensor([1.0], dtype=np.float64)).dtype == np.float64  # keeps it


def test_integer_parameters_are_refused() -> None:
    with pytest.raises(TypeError, match="floating"):
        nn.Parameter(np.array([1, 2]))


def test_repr() -> None:
    assert repr(nn.Parameter(np.zeros(2))).startswith("Parameter containing:\ntensor(")
