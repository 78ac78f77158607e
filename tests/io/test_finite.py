"""The non-finite weight guard used by save() and save_checkpoint()."""

from __future__ import annotations

import numpy as np
import pytest

from retrograd.io.finite import NonFiniteWeightsError, check_finite_weights


def test_finite_weights_pass_and_integers_are_ignored():
    check_finite_weights({"w": np.ones(3), "count": np.array(5)}, "save")


def test_every_bad_array_is_named_with_counts():
    weights = {"a": np.array([np.nan, 1.0]), "b": np.array([np.inf, -np.inf, 0.0]), "c": np.ones(2)}
    with pytest.raises(NonFiniteWeightsError) as info:
        check_finite_weights(weights, "checkpoint x.npz")
    msg = str(info.value)
    assert "a (1 NaN, 0 Inf of 2 values)" in msg and "b (0 NaN, 2 Inf of 3 values)" in msg
    assert "c (" not in msg and msg.startswith("checkpoint x.npz")
    assert isinstance(info.value, ValueError)
