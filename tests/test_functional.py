"""The functional API: lifting of non-tensor arguments and agreement with NumPy."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg


def test_functions_accept_plain_arrays_and_lists() -> None:
    assert rg.exp([0.0, 1.0]).dtype == np.float32
    np.testing.assert_allclose(rg.add([1.0, 2.0], 3.0).data, [4.0, 5.0])
    np.testing.assert_allclose(rg.maximum(rg.tensor([1.0, 5.0]), [3.0, 3.0]).data, [3.0, 5.0])
    np.testing.assert_allclose(rg.where([True, False], 1.0, rg.tensor([7.0, 8.0])).data, [1, 8])


def test_functional_binary_ops_follow_the_dtype_policy() -> None:
    a = rg.tensor([1.0], dtype=np.float64)
    assert rg.multiply(a, 2.0).dtype == np.float64
    assert rg.multiply(2.0, a).dtype == np.float64
    with pytest.raises(TypeError):
        rg.subtract(a, rg.tensor([1.0]))


def test_power_with_scalar_and_tensor_exponents() -> None:
    x = rg.tensor([2.0, 3.0], requires_grad=True, dtype=np.float64)
    y = rg.power(x, 2) + rg.power(x, rg.tensor([1.0, 2.0], dtype=np.float64))
    np.testing.assert_allclose(y.data, [4 + 2, 9 + 9])
    y.sum().backward()
    np.testing.assert_allclose(x.grad, [2 * 2 + 1, 2 * 3 + 2 * 3])


def test_stack_concatenate_mixed_with_constants() -> None:
    a = rg.tensor([1.0, 2.0], requires_grad=True)
    y = rg.stack([a, [3.0, 4.0]], axis=1)
    assert y.shape == (2, 2) and y.dtype == np.float32
    y.sum().backward()
    np.testing.assert_array_equal(a.grad, [1.0, 1.0])


def test_squeeze_expand_dims_flatten_shapes() -> None:
    x = rg.tensor(np.ones((1, 3, 1, 2)))
    assert rg.squeeze(x).shape == (3, 2)
    assert rg.squeeze(x, (0, 2)).shape == (3, 2)
    assert rg.expand_dims(rg.tensor(np.ones(3)), 0).shape == (1, 3)
    assert rg.flatten(x, 1).shape == (1, 6)


def test_every_public_function_is_exported() -> None:
    for name in rg.__all__:
        assert hasattr(rg, name), name


def test_integer_tensors_meet_float_data_as_floats() -> None:
    i = rg.tensor([1, 2])
    assert rg.add(i, [0.5, 0.5]).dtype == np.float32
    assert rg.add(i, rg.tensor([0.5, 0.5], dtype=np.float64)).dtype == np.float64
    assert rg.add(i, i).dtype == np.int64
    assert rg.divide(i, 2).dtype == np.float32
