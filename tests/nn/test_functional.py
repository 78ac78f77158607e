"""nn.functional: linear, dropout and the loss functions' argument handling."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd.nn import functional as F


def test_linear_with_and_without_bias(rng) -> None:
    x, w, b = rng.normal(size=(4, 3)), rng.normal(size=(2, 3)), rng.normal(size=2)
    xt = rg.tensor(x, requires_grad=True, dtype=np.float64)
    wt = rg.tensor(w, requires_grad=True, dtype=np.float64)
    bt = rg.tensor(b, requires_grad=True, dtype=np.float64)
    np.testing.assert_allclose(F.linear(xt, wt, bt).data, x @ w.T + b, rtol=1e-12)
    np.testing.assert_allclose(F.linear(xt, wt).data, x @ w.T, rtol=1e-12)
    assert rg.gradcheck(lambda a, c, d: F.linear(a, c, d), [xt, wt, bt])


def test_linear_shape_error_names_both_shapes() -> None:
    with pytest.raises(ValueError, match=r"\(4, 5\).*\(2, 3\)"):
        F.linear(rg.tensor(np.zeros((4, 5))), rg.tensor(np.zeros((2, 3))))


def test_dropout_arguments() -> None:
    x = rg.tensor(np.ones(10))
    assert F.dropout(x, 0.5, training=False) is x
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        F.dropout(x, 1.0)


def test_half_sse_is_half_the_sum_of_squares(rng) -> None:
    p, t = rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    pt = rg.tensor(p, requires_grad=True, dtype=np.float64)
    loss = F.half_sse_loss(pt, t)
    assert loss.item() == pytest.approx(0.5 * ((t - p) ** 2).sum(), rel=1e-12)
    loss.backward()
    np.testing.assert_allclose(pt.grad, p - t, rtol=1e-12)  # dE/do = o - t


def test_targets_may_be_lists_arrays_or_tensors() -> None:
    z = rg.tensor([[2.0, 0.0], [0.0, 2.0]])
    values = [
        F.cross_entropy(z, [0, 1]).item(),
        F.cross_entropy(z, np.array([0, 1])).item(),
        F.cross_entropy(z, rg.tensor([0, 1])).item(),
        F.cross_entropy(z, [[1.0, 0.0], [0.0, 1.0]]).item(),
    ]
    assert max(values) - min(values) < 1e-6


def test_label_smoothing_validation() -> None:
    z = rg.tensor(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="label_smoothing"):
        F.cross_entropy(z, [0, 1], label_smoothing=-0.1)
    with pytest.raises(ValueError, match=r"\[0, 2\]"):
        F.cross_entropy(z, [0, 3], label_smoothing=0.1)
    with pytest.raises(ValueError, match=r"\(2,\)"):
        F.cross_entropy(z, [0, 1, 2], label_smoothing=0.1)
    # smoothing 1 gives the uniform target: loss = log C for any logits
    assert F.cross_entropy(z, [0, 1], label_smoothing=1.0).item() == pytest.approx(np.log(3))


def test_reduction_is_validated() -> None:
    with pytest.raises(ValueError, match="reduction"):
        F.mse_loss(rg.tensor([1.0]), [1.0], reduction="avg")
    with pytest.raises(ValueError, match="delta"):
        F.huber_loss(rg.tensor([1.0]), [1.0], delta=-1.0)
