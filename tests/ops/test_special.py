"""The NumPy-only erf used by the exact GELU."""

from __future__ import annotations

import math

import numpy as np

from retrograd.ops.special import erf


def test_erf_matches_math_erf_to_double_precision() -> None:
    xs = np.concatenate([np.linspace(-7, 7, 20001), [-40.0, -2.0, 2.0, 40.0, 0.0]])
    expected = np.array([math.erf(v) for v in xs])
    np.testing.assert_allclose(erf(xs), expected, rtol=0, atol=4e-15)


def test_erf_keeps_float32_and_handles_specials() -> None:
    assert erf(np.array([0.5], dtype=np.float32)).dtype == np.float32
    out = erf(np.array([np.inf, -np.inf, np.nan]))
    assert out[0] == 1.0 and out[1] == -1.0 and np.isnan(out[2])
    assert erf(np.zeros((0, 3))).shape == (0, 3)
