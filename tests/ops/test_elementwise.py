"""Elementwise ops beyond the op table: where/maximum/clip corner cases."""

from __future__ import annotations

import numpy as np

import retrograd as rg


def test_where_routes_gradients_by_condition() -> None:
    a = rg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = rg.tensor([4.0, 5.0, 6.0], requires_grad=True)
    rg.where([True, False, True], a, b).sum().backward()
    np.testing.assert_array_equal(a.grad, [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(b.grad, [0.0, 1.0, 0.0])


def test_maximum_ties_split_gradient() -> None:
    a = rg.tensor([1.0, 2.0], requires_grad=True)
    b = rg.tensor([1.0, 0.0], requires_grad=True)
    rg.maximum(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad, [0.5, 1.0])
    np.testing.assert_array_equal(b.grad, [0.5, 0.0])


def test_clip_passes_gradient_inside_the_range_only() -> None:
    x = rg.tensor([-2.0, 0.0, 2.0], requires_grad=True)
    x.clip(-1.0, 1.0).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 1.0, 0.0])


def test_abs_gradient_is_zero_at_zero() -> None:
    x = rg.tensor([-1.0, 0.0, 1.0], requires_grad=True)
    x.abs().sum().backward()
    np.testing.assert_array_equal(x.grad, [-1.0, 0.0, 1.0])


def test_float32_elementwise_outputs_stay_float32() -> None:
    x = rg.tensor([0.5, 1.5], requires_grad=True)
    for y in (x.exp(), x.log(), x.log1p(), x.sqrt(), x.abs(), x.clip(0, 1)):
        assert y.dtype == np.float32
