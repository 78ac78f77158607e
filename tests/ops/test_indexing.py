"""Indexing gradients: repeated integer indices accumulate, masks route, slices scatter."""

from __future__ import annotations

import numpy as np

import retrograd as rg


def test_repeated_indices_accumulate() -> None:
    x = rg.tensor([10.0, 20.0, 30.0], requires_grad=True)
    y = x[np.array([0, 2, 0, 0])]
    (y * rg.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0 + 3.0 + 4.0, 0.0, 2.0])


def test_two_dimensional_fancy_index_with_repeats() -> None:
    x = rg.tensor(np.zeros((2, 2)), requires_grad=True)
    x[np.array([0, 0, 1]), np.array([1, 1, 0])].sum().backward()
    np.testing.assert_array_equal(x.grad, [[0.0, 2.0], [1.0, 0.0]])


def test_boolean_mask_gradient() -> None:
    x = rg.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    mask = x.data % 2 == 0
    (x[mask] * 2).sum().backward()
    np.testing.assert_array_equal(x.grad, 2.0 * mask)


def test_slice_gradient_and_dtype() -> None:
    x = rg.tensor(np.ones((4, 3)), requires_grad=True)
    x[1:3, ::2].sum().backward()
    expected = np.zeros((4, 3))
    expected[1:3, ::2] = 1.0
    np.testing.assert_array_equal(x.grad, expected)
    assert x.grad.dtype == np.float32


def test_index_picks_through_several_getitems_accumulate() -> None:
    x = rg.tensor([1.0, 2.0], requires_grad=True)
    (x[0] + x[0] + x[1]).backward()
    np.testing.assert_array_equal(x.grad, [2.0, 1.0])
