"""Shape ops beyond the op table: errors and view/copy behaviour."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg


def test_reshape_error_names_both_shapes() -> None:
    with pytest.raises(ValueError, match=r"reshape.*\(2, 3\).*\(4, 2\)"):
        rg.tensor(np.ones((2, 3))).reshape(4, 2)


def test_squeeze_of_non_unit_axis_raises() -> None:
    with pytest.raises(ValueError, match=r"squeeze: axis 1.*\(2, 3\)"):
        rg.tensor(np.ones((2, 3))).squeeze(1)


def test_expand_dims_several_axes() -> None:
    x = rg.tensor(np.ones((2, 3)))
    assert rg.expand_dims(x, (0, -1)).shape == np.expand_dims(x.data, (0, -1)).shape


def test_concatenate_gradient_splits_back() -> None:
    a = rg.tensor([1.0, 2.0], requires_grad=True)
    b = rg.tensor([3.0], requires_grad=True)
    y = rg.concatenate([a, b])
    (y * rg.tensor([1.0, 2.0, 3.0])).sum().backward()
    np.testing.assert_array_equal(a.grad, [1.0, 2.0])
    np.testing.assert_array_equal(b.grad, [3.0])


def test_concatenate_with_constant_arrays() -> None:
    a = rg.tensor([1.0], requires_grad=True)
    y = rg.concatenate([a, np.array([5.0])])
    assert y.dtype == np.float32
    y.sum().backward()
    np.testing.assert_array_equal(a.grad, [1.0])


def test_flatten_range_of_axes() -> None:
    x = rg.tensor(np.ones((2, 3, 4, 5)))
    assert x.flatten(1, 2).shape == (2, 12, 5)
    assert rg.flatten(rg.tensor(3.0)).shape == (1,)


def test_pad_gradient_drops_the_padding() -> None:
    x = rg.tensor(np.ones((2, 2)), requires_grad=True)
    y = rg.pad(x, ((1, 0), (2, 1)), value=9.0)
    assert y.shape == (3, 5) and y.data[0, 0] == 9.0
    (y * y).sum().backward()
    np.testing.assert_array_equal(x.grad, 2 * np.ones((2, 2)))
