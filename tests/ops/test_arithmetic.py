"""Arithmetic ops beyond the op table: error messages and matmul corner cases."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg


def test_matmul_shape_mismatch_names_both_shapes() -> None:
    a, b = rg.tensor(np.ones((3, 4))), rg.tensor(np.ones((5, 2)))
    with pytest.raises(ValueError, match=r"matmul.*\(3, 4\).*\(5, 2\)"):
        a @ b


def test_matmul_batch_mismatch_names_both_shapes() -> None:
    a, b = rg.tensor(np.ones((2, 3, 4))), rg.tensor(np.ones((3, 4, 2)))
    with pytest.raises(ValueError, match=r"matmul.*\(2, 3, 4\).*\(3, 4, 2\)"):
        a @ b


def test_matmul_with_scalar_is_rejected() -> None:
    with pytest.raises(ValueError, match="matmul"):
        rg.tensor(2.0) @ rg.tensor([1.0])


def test_broadcast_error_names_op_and_shapes() -> None:
    with pytest.raises(ValueError, match=r"Mul: input shapes \(2, 3\) and \(4,\)"):
        rg.tensor(np.ones((2, 3))) * rg.tensor(np.ones(4))


def test_vector_dot_gradients_by_hand() -> None:
    a = rg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = rg.tensor([4.0, 5.0, 6.0], requires_grad=True)
    (a @ b).backward()
    np.testing.assert_array_equal(a.grad, b.data)  # d(a.b)/da = b
    np.testing.assert_array_equal(b.grad, a.data)


def test_division_by_integer_tensor_is_float() -> None:
    x = rg.tensor([1.0, 2.0], requires_grad=True)
    y = x / rg.tensor([2, 4])
    np.testing.assert_allclose(y.data, [0.5, 0.5])
    y.sum().backward()
    np.testing.assert_allclose(x.grad, [0.5, 0.25])


def test_pow_gradient_for_negative_base_with_integer_exponent() -> None:
    x = rg.tensor([-2.0, 3.0], requires_grad=True, dtype=np.float64)
    (x**3).sum().backward()
    np.testing.assert_allclose(x.grad, 3 * x.data**2)


def test_pow_tensor_exponent_gradient_is_zero_where_base_not_positive() -> None:
    a = rg.tensor([-2.0, 0.0, 2.0], dtype=np.float64)
    b = rg.tensor([2.0, 2.0, 2.0], requires_grad=True, dtype=np.float64)
    (a**b).sum().backward()
    np.testing.assert_allclose(b.grad, [0.0, 0.0, 4.0 * np.log(2.0)])


def test_sub_and_neg_preserve_float32_gradients() -> None:
    x = rg.tensor(np.ones((2, 2)), requires_grad=True)
    (-(1.0 - x)).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, np.ones((2, 2)))
