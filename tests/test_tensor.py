"""Tensor: construction, the dtype policy, properties, operators and methods."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd.tensor import Tensor

F32, F64 = np.dtype(np.float32), np.dtype(np.float64)


# -- construction and the dtype policy ------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "dtype"),
    [
        (1.5, F32),
        ([1.0, 2.0], F32),
        (np.array([1.0, 2.0]), F32),  # float64 arrays become float32 by default
        (np.array([1.0], dtype=np.float32), F32),
        ([1, 2], np.dtype(np.int64)),
        ([True, False], np.dtype(bool)),
    ],
)
def test_default_dtypes(data, dtype) -> None:
    assert rg.tensor(data).dtype == dtype


def test_float64_on_request_and_default_dtype_switch() -> None:
    assert rg.tensor([1.0], dtype=np.float64).dtype == F64
    try:
        rg.set_default_dtype(np.float64)
        assert rg.tensor([1.0]).dtype == F64
        assert rg.tensor([1, 2]).dtype == np.int64
    finally:
        rg.set_default_dtype(np.float32)
    assert rg.get_default_dtype() == F32
    with pytest.raises(TypeError, match="float32 or float64"):
        rg.set_default_dtype(np.int32)


def test_tensor_copies_its_input() -> None:
    a = np.array([1.0, 2.0], dtype=np.float32)
    t = rg.tensor(a)
    a[0] = 99.0
    assert t.data[0] == 1.0
    u = rg.tensor(t)
    t.data[1] = 42.0
    assert u.data[1] == 2.0


def test_mixing_float32_and_float64_tensors_raises() -> None:
    a = rg.tensor([1.0], dtype=np.float32)
    b = rg.tensor([1.0], dtype=np.float64)
    for op in (
        lambda: a + b,
        lambda: b * a,
        lambda: a @ b,
        lambda: rg.maximum(a, b),
        lambda: rg.concatenate([a, b]),
    ):
        with pytest.raises(TypeError, match="float32 and float64|float64 and float32"):
            op()


def test_scalars_and_arrays_take_the_tensor_dtype() -> None:
    a = rg.tensor([1.0, 2.0])
    assert (a * 2.5).dtype == F32
    assert (2.5 - a).dtype == F32
    assert (a + np.array([1.0, 2.0])).dtype == F32  # raw float64 array: a constant, cast
    assert (np.array([1.0, 2.0]) + a).dtype == F32
    assert (a**2).dtype == F32 and (2.0**a).dtype == F32


def test_integer_tensors_meeting_floats_become_floating() -> None:
    a = rg.tensor([1.0, 2.0], requires_grad=True)
    i = rg.tensor([3, 4])
    for out in (a * i, i * a, a + i, i - a, i / a, a / i):
        assert out.dtype == F32
    assert (rg.tensor([1, 2]) * 0.5).dtype == F32
    assert (rg.tensor([1, 2]) * 2).dtype == np.int64
    assert (rg.tensor([1, 2]) / 2).dtype == F32
    (a * i).sum().backward()
    np.testing.assert_array_equal(a.grad, [3.0, 4.0])


def test_astype_is_differentiable_between_floats_and_constant_to_int() -> None:
    x = rg.tensor([1.5, 2.5], requires_grad=True)
    y = x.astype(np.float64)
    assert y.dtype == F64 and y.requires_grad
    (y * y).sum().backward()
    assert x.grad.dtype == F32
    np.testing.assert_allclose(x.grad, 2 * x.data)
    k = x.astype(np.int64)
    assert k.dtype == np.int64 and not k.requires_grad
    assert x.double().dtype == F64 and y.float().dtype == F32


# -- properties ----------------------------------------------------------------------------
def test_properties_item_numpy_detach() -> None:
    x = rg.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    assert x.shape == (1, 3) and x.ndim == 2 and x.size == 3 and len(x) == 1
    assert x.numpy() is x.data
    assert x.is_leaf and not (x * 2).is_leaf
    d = (x * 2).detach()
    assert d.is_leaf and not d.requires_grad
    assert rg.tensor([[4.0]]).item() == 4.0
    assert float(rg.tensor(2.5)) == 2.5 and int(rg.tensor(3)) == 3
    with pytest.raises(ValueError, match=r"one element.*\(1, 3\)"):
        x.item()
    assert x.tolist() == [[1.0, 2.0, 3.0]]


def test_repr_shows_grad_fn_and_dtype() -> None:
    x = rg.tensor([1.0], requires_grad=True)
    assert "requires_grad=True" in repr(x)
    assert "grad_fn=<Mul>" in repr(x * 2)
    assert "float64" in repr(rg.tensor([1.0], dtype=np.float64))


def test_numpy_interop() -> None:
    x = rg.tensor([1.0, 2.0])
    assert np.asarray(x).dtype == F32
    assert isinstance(np.ones(2) * x, Tensor)  # __array_priority__ routes to Tensor


# -- operators -----------------------------------------------------------------------------
def test_reflected_operators_compute_the_right_thing() -> None:
    x = rg.tensor([1.0, 2.0, 4.0], dtype=np.float64)
    v = x.data
    np.testing.assert_allclose((3 - x).data, 3 - v)
    np.testing.assert_allclose((3 / x).data, 3 / v)
    np.testing.assert_allclose((2**x).data, 2**v)
    np.testing.assert_allclose((-x).data, -v)
    np.testing.assert_allclose(abs(-x).data, v)
    np.testing.assert_allclose((+x).data, v)
    np.testing.assert_allclose((np.eye(3) @ x).data, v)


def test_comparisons_give_boolean_constants() -> None:
    x = rg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    assert (x > 1.5).dtype == bool and not (x > 1.5).requires_grad
    np.testing.assert_array_equal((x <= 2).data, [True, True, False])
    np.testing.assert_array_equal(x.eq(2.0).data, [False, True, False])
    assert x.argmax().item() == 2 and x.argmin().item() == 0


def test_methods_match_functional_api() -> None:
    rng = np.random.default_rng(0)
    x = rg.tensor(rng.standard_normal((3, 4)), dtype=np.float64)
    pairs = [
        (x.sigmoid(), rg.sigmoid(x)),
        (x.tanh(), rg.tanh(x)),
        (x.relu(), rg.relu(x)),
        (x.leaky_relu(0.2), rg.leaky_relu(x, 0.2)),
        (x.elu(0.5), rg.elu(x, 0.5)),
        (x.gelu(), rg.gelu(x)),
        (x.gelu("tanh"), rg.gelu(x, approximate="tanh")),
        (x.softplus(), rg.softplus(x)),
        (x.softmax(0), rg.softmax(x, axis=0)),
        (x.log_softmax(), rg.log_softmax(x)),
        (x.maximum(0.1), rg.maximum(x, 0.1)),
        (x.minimum(0.1), rg.minimum(x, 0.1)),
        (x.where(x > 0, -1.0), rg.where(x > 0, x, -1.0)),
        (x.pad(1), rg.pad(x, 1)),
        (x.broadcast_to((2, 3, 4)), rg.broadcast_to(x, (2, 3, 4))),
        (x.abs().sqrt(), rg.sqrt(rg.abs(x))),
        (x.exp().log(), rg.log(rg.exp(x))),
        (x.abs().log1p(), rg.log1p(rg.abs(x))),
        (x.clip(-0.5, 0.5), rg.clip(x, -0.5, 0.5)),
        (x.matmul(x.T), rg.matmul(x, rg.transpose(x))),
        (x.pow(3), rg.power(x, 3)),
        (x.neg(), rg.negative(x)),
        (x.var(axis=1, ddof=1), rg.var(x, axis=1, ddof=1)),
        (x.swapaxes(0, 1), rg.swapaxes(x, 0, 1)),
        (x.reshape(2, 6), rg.reshape(x, (2, 6))),
        (x.reshape((2, 6)), x.view(2, 6)),
        (x.unsqueeze(0).squeeze(0), x),
        (x.flatten(), rg.flatten(x)),
        (x.permute(1, 0), rg.permute(x, (1, 0))),
        (x.T, rg.transpose(x)),
    ]
    for a, b in pairs:
        np.testing.assert_array_equal(a.data, b.data)


def test_indexing_with_tensors_and_lists() -> None:
    x = rg.tensor(np.arange(6.0).reshape(3, 2), requires_grad=True)
    idx = rg.tensor([2, 0, 2])
    y = x[idx]
    np.testing.assert_array_equal(y.data, x.data[[2, 0, 2]])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [[1, 1], [0, 0], [2, 2]])
    x.grad = None
    x[[0, 0]].sum().backward()  # a plain list of repeated indices
    np.testing.assert_array_equal(x.grad, [[2, 2], [0, 0], [0, 0]])


def test_boolean_mask_tensor_index() -> None:
    x = rg.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = x[x > 0]
    np.testing.assert_array_equal(y.data, [1.0, 3.0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 0.0, 1.0])


def test_iterating_a_tensor_yields_rows() -> None:
    x = rg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    rows = list(x)
    assert len(rows) == 2 and rows[1].shape == (2,)
    sum(r.sum() for r in rows).backward()
    np.testing.assert_array_equal(x.grad, np.ones((2, 2)))


def test_zero_grad_clears() -> None:
    x = rg.tensor([1.0], requires_grad=True)
    (x * 2).sum().backward()
    x.zero_grad()
    assert x.grad is None


def test_setitem_on_constants_and_refusal_inside_the_graph() -> None:
    c = rg.tensor(np.zeros(3))
    c[1] = 5.0
    np.testing.assert_array_equal(c.data, [0.0, 5.0, 0.0])
    w = rg.tensor(np.zeros(3), requires_grad=True)
    with pytest.raises(RuntimeError, match="in-place assignment"):
        w[0] = 1.0
    with rg.no_grad():
        w[0] = 1.0  # allowed on a leaf outside recording, as for initialising weights
    assert w.data[0] == 1.0
    with pytest.raises(RuntimeError, match="in-place assignment"):
        (w * 2)[0] = 1.0
