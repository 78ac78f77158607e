"""Dropout: inverted scaling in training, identity in eval, seeded masks, gradients."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn
from retrograd.nn import functional as F


def test_training_zeroes_about_p_and_scales_survivors() -> None:
    drop = nn.Dropout(0.3, rng=np.random.default_rng(0))
    y = drop(rg.tensor(np.ones(100_000))).data
    assert (y == 0).mean() == pytest.approx(0.3, abs=0.01)
    np.testing.assert_allclose(y[y != 0], 1 / 0.7, rtol=1e-6)
    assert y.mean() == pytest.approx(1.0, abs=0.02)  # expectation preserved


def test_eval_mode_is_the_identity() -> None:
    drop = nn.Dropout(0.5).eval()
    x = rg.tensor(np.arange(6.0))
    assert drop(x) is x


def test_gradient_flows_only_through_kept_units() -> None:
    drop = nn.Dropout(0.5, rng=np.random.default_rng(3))
    x = rg.tensor(np.ones((4, 5)), requires_grad=True)
    y = drop(x)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, y.data)  # d(sum(mask * x))/dx = mask


def test_gradcheck_with_a_fixed_mask() -> None:
    x = rg.tensor(
        np.random.default_rng(0).normal(size=(3, 4)), requires_grad=True, dtype=np.float64
    )
    assert rg.gradcheck(lambda t: F.dropout(t, 0.4, True, np.random.default_rng(9)), [x])


def test_seeded_masks_repeat() -> None:
    a = nn.Dropout(0.5, rng=np.random.default_rng(1))(rg.tensor(np.ones(50))).data
    b = nn.Dropout(0.5, rng=np.random.default_rng(1))(rg.tensor(np.ones(50))).data
    np.testing.assert_array_equal(a, b)
    nn.init.manual_seed(4)
    c = nn.Dropout(0.5)(rg.tensor(np.ones(50))).data
    nn.init.manual_seed(4)
    d = nn.Dropout(0.5)(rg.tensor(np.ones(50))).data
    np.testing.assert_array_equal(c, d)


def test_p_zero_is_identity_and_bad_p_is_refused() -> None:
    x = rg.tensor([1.0, 2.0])
    assert nn.Dropout(0.0)(x) is x
    for p in (-0.1, 1.0, 1.5):
        with pytest.raises(ValueError, match=r"\[0, 1\)"):
            nn.Dropout(p)


def test_config_and_repr() -> None:
    drop = nn.Dropout(0.25)
    assert drop.get_config() == {"p": 0.25}
    assert repr(nn.Dropout(**drop.get_config())) == "Dropout(p=0.25)"
