"""Activations beyond the op table: numerical stability at extreme inputs."""

from __future__ import annotations

import math

import numpy as np
import pytest

import retrograd as rg


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_is_finite_at_plus_minus_1000(dtype) -> None:
    x = rg.tensor([-1000.0, 0.0, 1000.0], requires_grad=True, dtype=dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # no overflow either
        y = x.sigmoid()
        y.sum().backward()
    np.testing.assert_array_equal(y.data, [0.0, 0.5, 1.0])  # exact limits, no NaN
    assert np.isfinite(x.grad).all()
    np.testing.assert_allclose(x.grad, [0.0, 0.25, 0.0], rtol=0, atol=1e-30)


def test_sigmoid_keeps_relative_accuracy_for_small_outputs() -> None:
    x = rg.tensor([-30.0, -80.0], dtype=np.float32)
    np.testing.assert_allclose(x.sigmoid().data, np.exp([-30.0, -80.0]), rtol=1e-5)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_softmax_and_softmax_with_huge_logits(dtype) -> None:
    z = rg.tensor([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4]], requires_grad=True, dtype=dtype)
    lp = z.log_softmax()
    assert np.isfinite(lp.data).all()
    np.testing.assert_allclose(lp.data[0], [0.0, -2e4, -1e4], rtol=1e-6)
    np.testing.assert_allclose(np.exp(lp.data[1]), [1 / 3] * 3, rtol=1e-6)
    lp[:, 0].sum().backward()
    assert np.isfinite(z.grad).all()
    s = z.softmax()
    assert np.isfinite(s.data).all()
    np.testing.assert_allclose(s.data.sum(axis=1), [1.0, 1.0], rtol=1e-6)


def test_softplus_is_finite_for_large_inputs() -> None:
    x = rg.tensor([-1e4, 0.0, 1e4], requires_grad=True)
    y = x.softplus()
    np.testing.assert_allclose(y.data, [0.0, math.log(2.0), 1e4], rtol=1e-6)
    y.sum().backward()
    np.testing.assert_allclose(x.grad, [0.0, 0.5, 1.0], atol=1e-30)


def test_gelu_exact_and_tanh_forms_are_close_but_distinct() -> None:
    x = rg.tensor(np.linspace(-4, 4, 101), dtype=np.float64)
    exact, approx = rg.gelu(x).data, rg.gelu(x, approximate="tanh").data
    assert np.abs(exact - approx).max() < 1e-3
    assert np.abs(exact - approx).max() > 1e-6


def test_gelu_rejects_unknown_approximation() -> None:
    with pytest.raises(ValueError, match="approximate"):
        rg.gelu(rg.tensor([1.0]), approximate="erf")


def test_relu_gradient_at_zero_is_zero() -> None:
    x = rg.tensor([-1.0, 0.0, 1.0], requires_grad=True)
    x.relu().sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 1.0])


def test_elu_and_leaky_relu_at_large_negative_inputs() -> None:
    x = rg.tensor([-1e4, 2.0], requires_grad=True)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y = rg.elu(x) + rg.leaky_relu(x, 0.1)
        y.sum().backward()
    np.testing.assert_allclose(y.data, [-1.0 - 1e3, 4.0])
    np.testing.assert_allclose(x.grad, [0.1, 2.0])
