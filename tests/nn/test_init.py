"""nn.init: statistics of every scheme on big tensors, determinism given a seed."""

from __future__ import annotations

import math

import numpy as np
import pytest

from retrograd import nn
from retrograd.nn import init

SHAPE = (400, 600)  # fan_in 600, fan_out 400: 240,000 draws
FAN_IN, FAN_OUT = 600, 400


def _param(shape=SHAPE, dtype=np.float64):
    return nn.Parameter(np.zeros(shape), dtype=dtype)


def _rng(seed=0):
    return np.random.default_rng(seed)


# expected variance of each scheme for SHAPE (derived from the papers' formulas)
VARIANCE_CASES = [
    ("uniform", lambda p, r: init.uniform_(p, -2.0, 2.0, r), 16 / 12),
    ("normal", lambda p, r: init.normal_(p, 0.0, 0.3, r), 0.09),
    ("xavier_uniform", lambda p, r: init.xavier_uniform_(p, rng=r), 2 / (FAN_IN + FAN_OUT)),
    ("xavier_normal", lambda p, r: init.xavier_normal_(p, rng=r), 2 / (FAN_IN + FAN_OUT)),
    ("xavier_gain", lambda p, r: init.xavier_normal_(p, gain=2.0, rng=r), 8 / (FAN_IN + FAN_OUT)),
    ("kaiming_uniform_relu", lambda p, r: init.kaiming_uniform_(p, nonlinearity="relu", rng=r),
     2 / FAN_IN),
    ("kaiming_normal_relu", lambda p, r: init.kaiming_normal_(p, nonlinearity="relu", rng=r),
     2 / FAN_IN),
    ("kaiming_normal_fan_out",
     lambda p, r: init.kaiming_normal_(p, mode="fan_out", nonlinearity="relu", rng=r), 2 / FAN_OUT),
    ("kaiming_leaky", lambda p, r: init.kaiming_uniform_(p, a=math.sqrt(5), rng=r),
     (2 / (1 + 5)) / FAN_IN),
    ("trunc_normal", lambda p, r: init.trunc_normal_(p, 0.0, 1.0, -2.0, 2.0, r), 0.7737413),
    ("orthogonal", lambda p, r: init.orthogonal_(p, rng=r), 1 / FAN_IN),
]  # fmt: skip


@pytest.mark.parametrize("name, fill, variance", VARIANCE_CASES, ids=[c[0] for c in VARIANCE_CASES])
def test_variance_matches_the_formula(name, fill, variance) -> None:
    p = fill(_param(), _rng())
    assert abs(p.data.mean()) < 4 * math.sqrt(variance / p.size) + 1e-12
    assert p.data.var() == pytest.approx(variance, rel=0.02)


def test_uniform_bounds_follow_the_formulas() -> None:
    p = init.xavier_uniform_(_param(), rng=_rng())
    bound = math.sqrt(6 / (FAN_IN + FAN_OUT))
    assert np.abs(p.data).max() <= bound and np.abs(p.data).max() > 0.99 * bound
    p = init.kaiming_uniform_(_param(), nonlinearity="relu", rng=_rng())
    bound = math.sqrt(2) * math.sqrt(3 / FAN_IN)
    assert np.abs(p.data).max() <= bound and np.abs(p.data).max() > 0.99 * bound


def test_trunc_normal_stays_inside_its_bounds() -> None:
    p = init.trunc_normal_(_param((1000,)), 0.0, 1.0, -0.5, 0.5, _rng())
    assert p.data.min() >= -0.5 and p.data.max() <= 0.5


def test_orthogonal_rows_are_orthonormal() -> None:
    wide = init.orthogonal_(_param((3, 7)), rng=_rng()).data
    np.testing.assert_allclose(wide @ wide.T, np.eye(3), atol=1e-12)
    tall = init.orthogonal_(_param((7, 3)), gain=2.0, rng=_rng()).data
    np.testing.assert_allclose(tall.T @ tall, 4 * np.eye(3), atol=1e-12)


@pytest.mark.parametrize("name, fill, variance", VARIANCE_CASES, ids=[c[0] for c in VARIANCE_CASES])
def test_same_seed_same_weights(name, fill, variance) -> None:
    a = fill(_param((20, 30)), _rng(7)).data
    b = fill(_param((20, 30)), _rng(7)).data
    c = fill(_param((20, 30)), _rng(8)).data
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_manual_seed_makes_the_default_generator_reproducible() -> None:
    init.manual_seed(123)
    a = nn.Linear(5, 4).weight.data.copy()
    init.manual_seed(123)
    b = nn.Linear(5, 4).weight.data.copy()
    np.testing.assert_array_equal(a, b)


def test_constant_fills_keep_dtype_and_array() -> None:
    p = _param((3, 2), dtype=np.float32)
    before = p.data
    init.constant_(p, 0.25)
    assert p.data is before and p.dtype == np.float32
    np.testing.assert_array_equal(p.data, np.full((3, 2), 0.25, np.float32))
    np.testing.assert_array_equal(init.zeros_(p).data, 0)
    np.testing.assert_array_equal(init.ones_(p).data, 1)


def test_fans_of_linear_and_conv_weights() -> None:
    assert init.calculate_fans((4, 3)) == (3, 4)
    assert init.calculate_fans((16, 8, 3, 3)) == (72, 144)
    with pytest.raises(ValueError, match="at least 2 axes"):
        init.xavier_uniform_(_param((5,)))


def test_gains() -> None:
    assert init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    with pytest.raises(ValueError, match="unknown nonlinearity 'swish'"):
        init.calculate_gain("swish")


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="mode"):
        init.kaiming_normal_(_param(), mode="fan_avg")
    with pytest.raises(ValueError, match="fan_in = 0"):
        init.kaiming_normal_(_param((3, 0)))
    with pytest.raises(ValueError, match="a <= b"):
        init.uniform_(_param(), 1.0, -1.0)
    with pytest.raises(TypeError, match="Tensor"):
        init.zeros_(np.zeros(3))


def test_registry_names() -> None:
    assert init.INITIALIZERS["he_normal"] is init.kaiming_normal_
    assert init.INITIALIZERS["glorot_uniform"] is init.xavier_uniform_
