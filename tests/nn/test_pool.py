"""Pooling layers: gradchecks per option, tie handling, padding, adaptive bins, config."""

from __future__ import annotations

import json

import numpy as np
import pytest

import retrograd as rg
from op_db import distinct
from op_db.pool import adaptive_avg_reference, pool2d_reference
from retrograd import nn

F64 = np.float64


def _distinct_input(rng, shape):
    return rg.tensor(distinct(rng, shape), dtype=F64, requires_grad=True)


MAX_OPTIONS = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=1),
    dict(kernel_size=(3, 2), stride=(2, 1), padding=1),
    dict(kernel_size=2, stride=1, dilation=2),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
]


@pytest.mark.parametrize("options", MAX_OPTIONS, ids=[str(o) for o in MAX_OPTIONS])
def test_max_pool_matches_reference_and_gradchecks(options, rng):
    layer = nn.MaxPool2d(**options)
    x = _distinct_input(rng, (2, 3, 7, 6))
    y = layer(x)
    k = layer.kernel_size
    expected = pool2d_reference(
        x.data, k, layer.stride, layer.padding, "max", layer.dilation, ceil_mode=layer.ceil_mode
    )
    np.testing.assert_array_equal(y.data, expected)
    assert rg.gradcheck(layer, [x])


AVG_OPTIONS = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=1),
    dict(kernel_size=(3, 2), stride=(2, 1), padding=1),
    dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
    dict(kernel_size=3, stride=2, ceil_mode=True),
    dict(kernel_size=3, stride=2, padding=1, count_include_pad=False, ceil_mode=True),
]


@pytest.mark.parametrize("options", AVG_OPTIONS, ids=[str(o) for o in AVG_OPTIONS])
def test_avg_pool_matches_reference_and_gradchecks(options, rng):
    layer = nn.AvgPool2d(**options)
    x = rg.tensor(rng.standard_normal((2, 3, 7, 6)), dtype=F64, requires_grad=True)
    expected = pool2d_reference(
        x.data, layer.kernel_size, layer.stride, layer.padding, "avg",
        count_include_pad=layer.count_include_pad, ceil_mode=layer.ceil_mode,
    )  # fmt: skip
    np.testing.assert_allclose(layer(x).data, expected, rtol=1e-12)
    assert rg.gradcheck(layer, [x])


def test_max_pool_tie_sends_gradient_to_first_maximum_only():
    # a window of equal values (as after a ReLU zeroes a patch): PyTorch's rule,
    # the first maximum in scan order takes the whole gradient
    x = rg.tensor(np.zeros((1, 1, 2, 4)), dtype=F64, requires_grad=True)
    nn.MaxPool2d(2)(x).backward(np.array([[[[3.0, 5.0]]]]))
    np.testing.assert_array_equal(x.grad[0, 0], [[3.0, 0.0, 5.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    # a tie between the 2nd and 4th positions of a window: the 2nd wins
    x = rg.tensor([[[[1.0, 7.0], [2.0, 7.0]]]], dtype=F64, requires_grad=True)
    nn.MaxPool2d(2)(x).backward(np.ones((1, 1, 1, 1)))
    np.testing.assert_array_equal(x.grad[0, 0], [[0.0, 1.0], [0.0, 0.0]])


def test_overlapping_windows_accumulate_on_a_shared_maximum():
    # stride 1: the 9 is the maximum of all four 2x2 windows, so it collects 4 gradients
    x = rg.tensor(np.array([[1, 2, 3], [4, 9, 5], [6, 7, 8]], dtype=F64)[None, None],
                  requires_grad=True)  # fmt: skip
    nn.MaxPool2d(2, stride=1)(x).sum().backward()
    expected = np.zeros((3, 3))
    expected[1, 1] = 4.0
    np.testing.assert_array_equal(x.grad[0, 0], expected)


def test_max_pool_padding_is_minus_infinity_and_nan_propagates():
    x = rg.tensor(-np.ones((1, 1, 2, 2)) * np.arange(1, 5).reshape(1, 1, 2, 2))
    y = nn.MaxPool2d(3, stride=1, padding=1)(x)
    assert (y.data < 0).all()  # zero padding would have given 0 everywhere
    z = nn.MaxPool2d(2)(rg.tensor([[[[1.0, np.nan], [2.0, 3.0]]]]))
    assert np.isnan(z.data).all()


def test_ceil_mode_rounds_the_output_size_up():
    x = rg.tensor(np.zeros((1, 1, 6, 6)))
    assert nn.MaxPool2d(3, 2)(x).shape == (1, 1, 2, 2)
    assert nn.MaxPool2d(3, 2, ceil_mode=True)(x).shape == (1, 1, 3, 3)
    # a last window that would start inside the right padding is dropped (PyTorch's rule)
    assert nn.MaxPool2d(2, 2, padding=1, ceil_mode=True)(rg.tensor(np.zeros((1, 1, 4, 4)))).shape[
        2:
    ] == (3, 3)


def test_avg_pool_count_include_pad():
    x = rg.tensor(np.ones((1, 1, 2, 2)))
    include = nn.AvgPool2d(3, stride=1, padding=1)(x).data[0, 0]
    exclude = nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)(x).data[0, 0]
    np.testing.assert_allclose(include, np.full((2, 2), 4 / 9), rtol=1e-6)
    np.testing.assert_allclose(exclude, np.ones((2, 2)), rtol=1e-6)


@pytest.mark.parametrize("out", [1, (2, 3), (3, 4), (5, 6), (None, 2)])
def test_adaptive_avg_pool(out, rng):
    x = rg.tensor(rng.standard_normal((2, 3, 5, 6)), dtype=F64, requires_grad=True)
    layer = nn.AdaptiveAvgPool2d(out)
    target = (1, 1) if out == 1 else (5 if out[0] is None else out[0], out[1])
    np.testing.assert_allclose(layer(x).data, adaptive_avg_reference(x.data, target), rtol=1e-12)
    assert rg.gradcheck(layer, [x])


def test_global_average_pooling_is_the_spatial_mean(rng):
    x = rng.standard_normal((4, 3, 7, 5)).astype(np.float32)
    y = nn.AdaptiveAvgPool2d(1)(rg.tensor(x))
    np.testing.assert_allclose(y.data[:, :, 0, 0], x.mean(axis=(2, 3)), rtol=1e-5)


def test_1d_pools_equal_height_one_2d_pools(rng):
    x = rg.tensor(distinct(rng, (2, 3, 11)), dtype=F64, requires_grad=True)
    y = nn.MaxPool1d(3, stride=2, padding=1)(x)
    ref = pool2d_reference(x.data[:, :, None], (1, 3), (1, 2), (0, 1), "max")[:, :, 0]
    np.testing.assert_array_equal(y.data, ref)
    assert rg.gradcheck(nn.MaxPool1d(3, stride=2, padding=1), [x])
    avg = nn.AvgPool1d(2)(x)
    np.testing.assert_allclose(avg.data, x.data[:, :, :10].reshape(2, 3, 5, 2).mean(-1))
    assert nn.MaxPool1d(2)(rg.tensor(np.zeros((3, 8)))).shape == (3, 4)  # unbatched


def test_unbatched_and_shape_errors():
    assert nn.MaxPool2d(2)(rg.tensor(np.zeros((3, 8, 8)))).shape == (3, 4, 4)
    with pytest.raises(ValueError, match=r"MaxPool2d: expected input \(N, C, H, W\).*\(8,\)"):
        nn.MaxPool2d(2)(rg.tensor(np.zeros(8)))
    with pytest.raises(ValueError, match="smaller than the kernel"):
        nn.AvgPool2d(5)(rg.tensor(np.zeros((1, 1, 3, 3))))
    with pytest.raises(ValueError, match="at most half the kernel"):
        nn.MaxPool2d(2, padding=2)


@pytest.mark.parametrize(
    "layer",
    [
        nn.MaxPool2d(3, 2, 1, 2),
        nn.AvgPool2d((2, 3), 1, (1, 1), False),
        nn.MaxPool1d(4, 2, 1),
        nn.AvgPool1d(3, 1, 1, False),
        nn.AdaptiveAvgPool2d((None, 3)),
    ],  # fmt: skip
    ids=lambda m: type(m).__name__,
)
def test_get_config_rebuilds_the_layer(layer):
    config = json.loads(json.dumps(layer.get_config()))
    clone = type(layer)(**config)
    assert clone.get_config() == config
    x = rg.tensor(np.arange(2 * 3 * 9 * 9, dtype=np.float32).reshape(2, 3, 9, 9))
    if isinstance(layer, (nn.MaxPool1d, nn.AvgPool1d)):
        x = x[:, :, 0]
    np.testing.assert_array_equal(clone(x).data, layer(x).data)


def test_matches_torch(rng):
    torch = pytest.importorskip("torch")
    x_np = rng.standard_normal((2, 3, 8, 7))
    # ties on purpose: ReLU zeros plus repeated values
    x_np = np.maximum(np.round(x_np, 1), 0)
    for ours, theirs in [
        (nn.MaxPool2d(3, 2, 1), torch.nn.MaxPool2d(3, 2, 1)),
        (nn.AvgPool2d(3, 2, 1), torch.nn.AvgPool2d(3, 2, 1)),
        (nn.AvgPool2d(3, 2, 1, False), torch.nn.AvgPool2d(3, 2, 1, count_include_pad=False)),
        (nn.AdaptiveAvgPool2d(4), torch.nn.AdaptiveAvgPool2d(4)),
        (nn.MaxPool2d(3, 2, 0, ceil_mode=True), torch.nn.MaxPool2d(3, 2, 0, ceil_mode=True)),
        (nn.AvgPool2d(3, 2, 1, ceil_mode=True), torch.nn.AvgPool2d(3, 2, 1, ceil_mode=True)),
        (
            nn.AvgPool2d(3, 2, 0, ceil_mode=True),
            torch.nn.AvgPool2d(3, 2, 0, ceil_mode=True),
        ),
    ]:
        x = rg.tensor(x_np, dtype=F64, requires_grad=True)
        xt = torch.tensor(x_np, requires_grad=True)
        y, yt = ours(x), theirs(xt)
        np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-12)
        g_np = rng.standard_normal(y.shape)
        y.backward(g_np)
        yt.backward(torch.from_numpy(g_np))
        np.testing.assert_allclose(x.grad, xt.grad.numpy(), rtol=1e-12, atol=1e-14)
