"""ops/pool.py max-pool paths: recorded argmax, tiling windows, layouts, non-finite values.

Semantics per option (references, gradchecks, ties) are in tests/nn/test_pool.py; here the
fast paths are checked against the general one and against PyTorch's rules.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from op_db import distinct
from retrograd import nn

F64 = np.float64


def _batch_last_copy(a):
    return np.ascontiguousarray(a.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2)


def _pool_grad(x_np, g_np, **options):
    x = rg.tensor(x_np, dtype=F64, requires_grad=True)
    y = nn.MaxPool2d(**options)(x)
    y.backward(g_np)
    return y.data, x.grad


@pytest.mark.parametrize(
    "options",
    [
        dict(kernel_size=2),
        dict(kernel_size=3),
        dict(kernel_size=2, stride=1),
        dict(kernel_size=3, stride=2, padding=1),
    ],  # fmt: skip
    ids=str,
)
def test_batch_last_input_gives_identical_values_and_gradients(options, rng):
    # ReLU-style zeros make ties: the first maximum must win in both layouts
    x_np = np.maximum(np.round(rng.standard_normal((3, 2, 9, 8)), 1), 0)
    shape = nn.MaxPool2d(**options)(rg.tensor(x_np)).shape
    g_np = rng.standard_normal(shape)
    y0, gx0 = _pool_grad(x_np, g_np, **options)
    y1, gx1 = _pool_grad(_batch_last_copy(x_np), _batch_last_copy(g_np), **options)
    np.testing.assert_array_equal(y1, y0)
    np.testing.assert_array_equal(gx1, gx0)


def test_tiling_windows_with_a_cropped_edge_gradcheck(rng):
    # 7x9 input, 2x2 windows: the last row and column are in no window (gradient 0)
    x = rg.tensor(distinct(rng, (2, 3, 7, 9)), dtype=F64, requires_grad=True)
    assert rg.gradcheck(nn.MaxPool2d(2), [x])
    x = rg.tensor(x.data, dtype=F64, requires_grad=True)
    nn.MaxPool2d(2)(x).sum().backward()
    assert (x.grad[:, :, 6] == 0).all() and (x.grad[:, :, :, 8] == 0).all()
    assert x.grad.sum() == 2 * 3 * 3 * 4


def test_non_finite_upstream_gradient_stays_in_its_window_position():
    # g * mask would turn 0 * inf into NaN at the other positions; the exact path must not
    x = rg.tensor([[[[1.0, 5.0, 2.0, 0.0], [3.0, 4.0, 0.0, 9.0]]]], dtype=F64, requires_grad=True)
    nn.MaxPool2d(2)(x).backward(np.array([[[[np.inf, np.nan]]]]))
    expected = np.array([[0.0, np.inf, 0.0, 0.0], [0.0, 0.0, 0.0, np.nan]])
    np.testing.assert_array_equal(x.grad[0, 0], expected)


def test_nan_window_routes_the_gradient_like_pytorch(rng):
    torch = pytest.importorskip("torch")
    x_np = rng.standard_normal((2, 2, 6, 6))
    x_np[0, 0, 0, 1] = np.nan
    x_np[0, 0, 1, 0] = np.nan  # two NaNs in one window: PyTorch picks the last one
    x_np[1, 1, 3, 3] = np.nan
    for options in (dict(kernel_size=2), dict(kernel_size=3, stride=1, padding=1)):
        x = rg.tensor(x_np, dtype=F64, requires_grad=True)
        y = nn.MaxPool2d(**options)(x)
        xt = torch.tensor(x_np, requires_grad=True)
        yt = torch.nn.MaxPool2d(**options)(xt)
        np.testing.assert_array_equal(np.isnan(y.data), np.isnan(yt.detach().numpy()))
        g = rng.standard_normal(y.shape)
        y.backward(g)
        yt.backward(torch.from_numpy(g))
        np.testing.assert_allclose(x.grad, xt.grad.numpy(), rtol=1e-12)


def test_ties_match_pytorch_with_tiling_windows(rng):
    torch = pytest.importorskip("torch")
    x_np = np.maximum(np.round(rng.standard_normal((4, 3, 8, 10)), 1), 0)
    for options in (dict(kernel_size=2), dict(kernel_size=(2, 5))):
        x = rg.tensor(x_np, dtype=F64, requires_grad=True)
        xt = torch.tensor(x_np, requires_grad=True)
        y, yt = nn.MaxPool2d(**options)(x), torch.nn.MaxPool2d(**options)(xt)
        g = rng.standard_normal(y.shape)
        y.backward(g)
        yt.backward(torch.from_numpy(g))
        np.testing.assert_array_equal(y.data, yt.detach().numpy())
        np.testing.assert_array_equal(x.grad, xt.grad.numpy())
