"""Reductions beyond the op table: ties, bad axes, empty inputs."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg


def test_max_ties_share_the_gradient_equally() -> None:
    x = rg.tensor([[1.0, 3.0, 3.0], [2.0, 0.0, 2.0]], requires_grad=True)
    x.max(axis=1).sum().backward()
    np.testing.assert_array_equal(x.grad, [[0.0, 0.5, 0.5], [0.5, 0.0, 0.5]])


def test_min_over_all_axes_picks_one_element() -> None:
    x = rg.tensor([[4.0, -1.0], [2.0, 7.0]], requires_grad=True)
    m = x.min()
    assert m.shape == () and m.item() == -1.0
    m.backward()
    np.testing.assert_array_equal(x.grad, [[0.0, 1.0], [0.0, 0.0]])


@pytest.mark.parametrize("op", ["sum", "mean", "var", "max", "min"])
def test_axis_out_of_range_names_the_op(op: str) -> None:
    x = rg.tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match=rf"{op}: axis 2 is out of range"):
        getattr(x, op)(axis=2)


def test_axis_given_as_list() -> None:
    x = rg.tensor(np.arange(24.0).reshape(2, 3, 4), requires_grad=True)
    y = x.sum(axis=[0, 2])
    np.testing.assert_array_equal(y.data, x.data.sum(axis=(0, 2)))


def test_max_of_empty_raises() -> None:
    with pytest.raises(ValueError, match=r"zero-size.*\(0, 3\)"):
        rg.tensor(np.ones((0, 3))).max()


def test_sum_of_empty_is_zero_with_empty_gradient() -> None:
    x = rg.tensor(np.ones((0, 3)), requires_grad=True)
    s = x.sum()
    assert s.item() == 0.0
    s.backward()
    assert x.grad.shape == (0, 3)


def test_mean_gradient_is_one_over_n() -> None:
    x = rg.tensor(np.ones((4, 5)), requires_grad=True)
    x.mean(axis=0).sum().backward()
    np.testing.assert_allclose(x.grad, np.full((4, 5), 0.25))
    assert x.grad.dtype == np.float32


def test_var_with_too_few_samples_is_nan_like_numpy() -> None:
    with np.errstate(invalid="ignore", divide="ignore"):
        v = rg.tensor([1.0]).var(ddof=1)
    assert np.isnan(v.item())
