"""Fused losses beyond the op table: stability at logits of +-1e4, shape errors."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd.nn import functional as F


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_with_huge_logits_is_finite(dtype) -> None:
    z = rg.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4]], requires_grad=True, dtype=dtype)
    loss = F.cross_entropy(z, np.array([1, 0]))
    assert np.isfinite(loss.item())
    np.testing.assert_allclose(loss.item(), (2e4 + 2e4 + np.log(2.0)) / 2, rtol=1e-6)
    loss.backward()
    assert np.isfinite(z.grad).all()
    # dL/dz = (softmax(z) - onehot(y)) / N
    expected = np.array([[1.0, -1.0, 0.0], [-1.0, 0.5, 0.5]]) / 2
    np.testing.assert_allclose(z.grad, expected, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_with_logits_with_huge_logits_is_finite(dtype) -> None:
    z = rg.tensor([1e4, -1e4, 1e4, -1e4], requires_grad=True, dtype=dtype)
    t = np.array([1.0, 0.0, 0.0, 1.0])
    loss = F.binary_cross_entropy_with_logits(z, t, reduction="none")
    np.testing.assert_allclose(loss.data, [0.0, 0.0, 1e4, 1e4], rtol=1e-6)
    loss.sum().backward()
    np.testing.assert_allclose(z.grad, [0.0, 0.0, 1.0, -1.0], atol=1e-30)  # sigmoid(z) - t


def test_nll_of_log_softmax_equals_cross_entropy() -> None:
    rng = np.random.default_rng(0)
    z1 = rg.tensor(rng.standard_normal((6, 4)), requires_grad=True, dtype=np.float64)
    z2 = rg.tensor(z1.data, requires_grad=True, dtype=np.float64)
    y = rng.integers(0, 4, size=6)
    a = F.cross_entropy(z1, y)
    b = F.nll_loss(z2.log_softmax(), y)
    np.testing.assert_allclose(a.item(), b.item())
    a.backward()
    b.backward()
    np.testing.assert_allclose(z1.grad, z2.grad)


def test_cross_entropy_probability_targets_equal_one_hot_labels() -> None:
    z = rg.tensor([[0.5, 1.5, -1.0]], requires_grad=True, dtype=np.float64)
    a = F.cross_entropy(z, np.array([1]))
    b = F.cross_entropy(z, np.array([[0.0, 1.0, 0.0]]))
    np.testing.assert_allclose(a.item(), b.item())


@pytest.mark.parametrize(
    ("fn", "pred", "target", "pattern"),
    [
        (F.mse_loss, (4, 3), (4, 2), r"mse_loss.*\(4, 3\).*\(4, 2\)"),
        (F.huber_loss, (4,), (3,), r"huber_loss.*\(4,\).*\(3,\)"),
        (F.binary_cross_entropy_with_logits, (2, 2), (4,), r"with_logits.*\(2, 2\).*\(4,\)"),
        (F.binary_cross_entropy, (2,), (3,), r"binary_cross_entropy.*\(2,\).*\(3,\)"),
    ],
)
def test_loss_shape_mismatch_names_both_shapes(fn, pred, target, pattern) -> None:
    p = rg.tensor(np.full(pred, 0.5))
    with pytest.raises(ValueError, match=pattern):
        fn(p, np.full(target, 0.5))


def test_cross_entropy_bad_labels() -> None:
    z = rg.tensor(np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"\(3, 4\).*\(2,\)"):
        F.cross_entropy(z, np.array([0, 1]))
    with pytest.raises(ValueError, match=r"\[0, 3\]"):
        F.cross_entropy(z, np.array([0, 1, 4]))
    for dtype in (np.int64, np.int32, np.int8):  # a negative label is refused, never wrapped
        with pytest.raises(ValueError, match=r"\[0, 3\].*\[-1, 2\]"):
            F.cross_entropy(z, np.array([2, -1, 0], dtype=dtype))
    with pytest.raises(ValueError, match=r"\[0, 3\]"):
        F.cross_entropy(z, np.array([0, 1, 200], dtype=np.uint8))
    assert np.isfinite(F.cross_entropy(z, np.array([3, 0, 1], dtype=np.uint8)).item())
    with pytest.raises(ValueError, match="reduction"):
        F.cross_entropy(z, np.array([0, 1, 2]), reduction="avg")


def test_bce_rejects_non_probabilities() -> None:
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        F.binary_cross_entropy(rg.tensor([1.5]), np.array([1.0]))


def test_half_sse_is_half_the_summed_squared_error() -> None:
    o = rg.tensor([[0.75, 0.77]], requires_grad=True, dtype=np.float64)
    e = F.half_sse_loss(o, np.array([[0.01, 0.99]]))
    np.testing.assert_allclose(e.item(), 0.5 * ((0.01 - 0.75) ** 2 + (0.99 - 0.77) ** 2))
    e.backward()
    np.testing.assert_allclose(o.grad, [[0.75 - 0.01, 0.77 - 0.99]])  # dE/do = o - t
