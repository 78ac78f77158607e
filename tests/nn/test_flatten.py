"""Flatten: merging axes, its gradient, errors and config."""

from __future__ import annotations

import json

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn


def test_flatten_default_keeps_batch_axis(rng):
    x = rg.tensor(rng.standard_normal((4, 3, 2, 5)), dtype=np.float64, requires_grad=True)
    y = nn.Flatten()(x)
    assert y.shape == (4, 30)
    np.testing.assert_array_equal(y.data, x.data.reshape(4, 30))
    assert rg.gradcheck(nn.Flatten(), [x])


def test_flatten_range_of_axes():
    x = rg.tensor(np.zeros((2, 3, 4, 5)))
    assert nn.Flatten(1, 2)(x).shape == (2, 12, 5)
    assert nn.Flatten(0, -1)(x).shape == (120,)
    assert nn.Flatten(-2)(x).shape == (2, 3, 20)


def test_flatten_errors_and_config():
    with pytest.raises(ValueError, match=r"Flatten\(start_dim=3, end_dim=-1\).*\(2, 3\)"):
        nn.Flatten(3)(rg.tensor(np.zeros((2, 3))))
    layer = nn.Flatten(2, 3)
    config = json.loads(json.dumps(layer.get_config()))
    assert nn.Flatten(**config).get_config() == config == {"start_dim": 2, "end_dim": 3}
