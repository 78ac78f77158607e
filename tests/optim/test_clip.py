"""clip_grad_norm_ and clip_grad_value_."""

from __future__ import annotations

import math

import numpy as np
import pytest

from retrograd import nn, optim


def _params(*grads):
    ps = []
    for g in grads:
        p = nn.Parameter(np.zeros(np.shape(g)), dtype=np.float64)
        p.grad = None if g is None else np.asarray(g, dtype=np.float64)
        ps.append(p)
    return ps


def test_returns_the_norm_before_clipping_and_rescales_jointly() -> None:
    a, b = _params([3.0, 0.0], [[0.0], [4.0]])
    total = optim.clip_grad_norm_([a, b], max_norm=1.0)
    assert total == pytest.approx(5.0)
    np.testing.assert_allclose(a.grad, [0.6, 0.0], rtol=1e-5)
    np.testing.assert_allclose(b.grad, [[0.0], [0.8]], rtol=1e-5)
    joint = math.sqrt(np.sum(a.grad**2) + np.sum(b.grad**2))
    assert joint == pytest.approx(1.0, rel=1e-5)


def test_small_gradients_are_untouched() -> None:
    (a,) = _params([0.3, 0.4])
    g = a.grad
    assert optim.clip_grad_norm_(a, max_norm=1.0) == pytest.approx(0.5)
    assert a.grad is g


def test_other_norms() -> None:
    a, b = _params([3.0, -4.0], [1.0])
    assert optim.clip_grad_norm_([a, b], 100.0, norm_type=1) == pytest.approx(8.0)
    assert optim.clip_grad_norm_([a, b], 2.0, norm_type=math.inf) == pytest.approx(4.0)
    np.testing.assert_allclose(a.grad, [1.5, -2.0], rtol=1e-5)


def test_clipping_never_writes_into_a_shared_gradient_array() -> None:
    a, b = _params([3.0, 4.0], [3.0, 4.0])
    shared = np.array([3.0, 4.0])
    a.grad = b.grad = shared  # the engine may hand two leaves one array
    optim.clip_grad_norm_([a, b], max_norm=1.0)
    np.testing.assert_array_equal(shared, [3.0, 4.0])
    assert np.linalg.norm(np.concatenate([a.grad, b.grad])) == pytest.approx(1.0, rel=1e-5)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_norm_is_refused_naming_the_parameter(bad) -> None:
    a, b = _params([1.0, 1.0], [1.0, bad])
    with pytest.raises(optim.NonFiniteGradientError, match=r"#1 \(2,\)") as info:
        optim.clip_grad_norm_([a, b], max_norm=1.0)
    assert isinstance(info.value, FloatingPointError) and isinstance(info.value, RuntimeError)
    np.testing.assert_array_equal(a.grad, [1.0, 1.0])  # nothing clipped
    assert math.isnan(optim.clip_grad_norm_([a, b], 1.0, error_if_nonfinite=False)) or bad == np.inf


def test_parameters_without_gradients_are_skipped() -> None:
    a, b = _params([3.0, 4.0], None)
    assert optim.clip_grad_norm_([a, b], 10.0) == pytest.approx(5.0)
    assert optim.clip_grad_norm_([b], 1.0) == 0.0


def test_clip_grad_value() -> None:
    a, b = _params([-3.0, 0.5, 2.0], [[7.0]])
    optim.clip_grad_value_([a, b], 1.0)
    np.testing.assert_array_equal(a.grad, [-1.0, 0.5, 1.0])
    np.testing.assert_array_equal(b.grad, [[1.0]])
    with pytest.raises(ValueError, match="clip_value"):
        optim.clip_grad_value_([a], 0.0)


def test_bad_arguments() -> None:
    (a,) = _params([1.0])
    with pytest.raises(ValueError, match="max_norm"):
        optim.clip_grad_norm_([a], -1.0)
    with pytest.raises(ValueError, match="norm_type"):
        optim.clip_grad_norm_([a], 1.0, norm_type=0)


def test_clipped_training_step_keeps_float32() -> None:
    layer = nn.Linear(3, 2)
    layer.weight.grad = np.full((2, 3), 10.0, dtype=np.float32)
    layer.bias.grad = np.full(2, 10.0, dtype=np.float32)
    optim.clip_grad_norm_(layer.parameters(), 1.0)
    assert layer.weight.grad.dtype == np.float32
