"""The fast row/column reductions behind Linear's bias gradient and log-softmax."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd.nn import functional as F
from retrograd.ops.rowwise import (
    MIN_SIZE,
    SHORT_ROW_SOFTMAX,
    column_sums,
    label_positions,
    log_softmax_short_rows,
    row_max,
    row_sums,
)

SHAPES = [(1, 5), (3, 4), (1437, 10), (200, 100), (4096, 1), (0, 10), (MIN_SIZE, 2)]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_match_numpy(shape, dtype, rng):
    a = rng.normal(size=shape).astype(dtype)
    tol = dict(rtol=1e-5, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(column_sums(a), a.sum(axis=0), **tol)
    np.testing.assert_allclose(row_sums(a), a.sum(axis=1, keepdims=True), **tol)
    if shape[1]:
        np.testing.assert_array_equal(row_max(a), a.max(axis=1, keepdims=True))  # exact
    assert column_sums(a).dtype == dtype and row_sums(a).dtype == dtype


def test_non_contiguous_inputs_and_nan_inf_propagate(rng):
    a = rng.normal(size=(40, 300))[:, ::3].T  # (100, 40), strided
    assert not a.flags.c_contiguous and a.size >= MIN_SIZE
    np.testing.assert_allclose(column_sums(a), a.sum(axis=0), rtol=1e-12)
    np.testing.assert_array_equal(row_max(a), a.max(axis=1, keepdims=True))
    b = rng.normal(size=(500, 10))
    b[3, 4], b[7, 1] = np.nan, np.inf
    assert np.isnan(column_sums(b)[4]) and np.isinf(column_sums(b)[1])
    assert np.isnan(row_max(b)[3, 0]) and row_max(b)[7, 0] == np.inf
    assert np.isnan(row_sums(b)[3, 0]) and row_sums(b)[7, 0] == np.inf


def test_big_batch_linear_and_cross_entropy_pass_gradcheck(rng):
    """Shapes large enough to take the fast paths, checked in float64 by central differences."""
    x = rg.tensor(rng.normal(size=(300, 12)), dtype=np.float64)
    w = rg.tensor(rng.normal(size=(10, 12)) * 0.3, dtype=np.float64, requires_grad=True)
    b = rg.tensor(rng.normal(size=10), dtype=np.float64, requires_grad=True)
    labels = rng.integers(0, 10, 300)
    assert 300 * 10 >= MIN_SIZE
    assert rg.gradcheck(lambda w, b: F.cross_entropy(F.linear(x, w, b), labels), [w, b])
    z = rg.tensor(rng.normal(size=(300, 10)) * 5, dtype=np.float64, requires_grad=True)
    assert rg.gradcheck(lambda z: rg.log_softmax(z, axis=1).sum(), [z], max_elements=200)
    ref = z.data - np.log(np.exp(z.data).sum(axis=1, keepdims=True))
    np.testing.assert_allclose(rg.log_softmax(z, axis=-1).data, ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("shape", [(2, 1), (200, 10), (1437, 2), (7, SHORT_ROW_SOFTMAX), (3, 33)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_softmax_short_rows_matches_the_textbook_formula(shape, dtype, rng):
    z = (rng.normal(size=shape) * 30).astype(dtype)
    ref = z.astype(np.float64) - z.max(axis=1, keepdims=True)
    ref -= np.log(np.exp(ref).sum(axis=1, keepdims=True))
    got = log_softmax_short_rows(z)
    assert got.shape == shape and got.dtype == dtype
    tol = 2e-6 if dtype == np.float32 else 1e-13
    np.testing.assert_allclose(got, ref, rtol=tol, atol=tol * 30)
    # the op that uses it (any row length) gives the same values
    op = rg.log_softmax(rg.tensor(z, dtype=dtype), axis=1).data
    np.testing.assert_allclose(op, ref, rtol=tol, atol=tol * 30)


def test_log_softmax_short_rows_nan_inf_and_huge_logits(rng):
    z = rng.normal(size=(50, 10))
    z[3, 4], z[7, 1], z[9] = np.nan, np.inf, 1e4  # a NaN row, an Inf, a row of huge logits
    with np.errstate(invalid="ignore"):  # inf - inf in row 7, as in NumPy's own formula
        got = log_softmax_short_rows(z)
    assert np.isnan(got[3]).all()  # NaN spreads over its own row only
    assert np.isnan(got[7, 1]) or got[7, 1] == 0  # inf - inf: as NumPy's own formula
    np.testing.assert_allclose(got[9], np.full(10, -np.log(10)))
    others = [i for i in range(50) if i not in (3, 7)]
    assert np.isfinite(got[others]).all()


def test_cross_entropy_on_the_short_row_path_keeps_its_gradient(rng):
    """The Fortran-ordered log-probabilities flow into CE's backward and the Linear below."""
    x = rg.tensor(rng.normal(size=(64, 5)), dtype=np.float64)
    w = rg.tensor(rng.normal(size=(10, 5)), dtype=np.float64, requires_grad=True)
    labels = rng.integers(0, 10, 64)
    assert rg.gradcheck(lambda w: F.cross_entropy(F.linear(x, w), labels, reduction="sum"), [w])
    assert rg.gradcheck(lambda w: F.cross_entropy(F.linear(x, w), labels) * 3.0, [w])


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("shape", [(7, 3), (1, 4), (5, 1), (0, 3)])
def test_label_positions_read_and_write_the_labelled_entries(order, shape, rng):
    a = np.asarray(rng.normal(size=shape), order=order)
    labels = rng.integers(0, shape[1], shape[0])
    flat, pos = label_positions(a, labels)
    rows = np.arange(shape[0])
    np.testing.assert_array_equal(flat.take(pos), a[rows, labels])
    expected = a.copy()
    expected[rows, labels] -= 1.0
    flat[pos] -= 1.0  # writes through to ``a``: flat is a view
    np.testing.assert_array_equal(a, expected)


def test_label_positions_refuse_other_layouts(rng):
    a = rng.normal(size=(6, 8))[:, ::2]
    assert label_positions(a, np.zeros(6, dtype=np.int64)) is None


@pytest.mark.parametrize("classes", [3, SHORT_ROW_SOFTMAX + 8])  # F- and C-ordered logp
def test_cross_entropy_gradient_on_both_layouts(classes, rng):
    x = rg.tensor(rng.normal(size=(20, 4)), dtype=np.float64)
    w = rg.tensor(rng.normal(size=(classes, 4)), dtype=np.float64, requires_grad=True)
    labels = rng.integers(0, classes, 20)
    assert rg.gradcheck(lambda w: F.cross_entropy(F.linear(x, w), labels), [w])
    assert rg.gradcheck(lambda w: F.cross_entropy(F.linear(x, w), labels, reduction="none"), [w])
