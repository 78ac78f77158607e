"""Conv1d / Conv2d layers: direct-loop reference, gradchecks per option, errors, config."""

from __future__ import annotations

import json

import numpy as np
import pytest

import retrograd as rg
from op_db.conv import conv1d_reference, conv2d_reference
from retrograd import nn, optim
from retrograd.nn import functional as F

F64 = np.float64

CONV2D_OPTIONS = [
    dict(),
    dict(stride=2),
    dict(stride=(2, 1), padding=(1, 2)),
    dict(padding="same"),
    dict(padding="valid"),
    dict(dilation=2, padding=1),
    dict(groups=2),
    dict(groups=4),  # depthwise: one filter per input channel
    dict(bias=False),
    dict(stride=2, padding=1, dilation=(1, 2), groups=2, bias=False),
]


def _ids(options):
    return [",".join(f"{k}={v}" for k, v in o.items()) or "default" for o in options]


def _pads(layer):
    return tuple(layer._pads)


@pytest.mark.parametrize("options", CONV2D_OPTIONS, ids=_ids(CONV2D_OPTIONS))
def test_conv2d_matches_direct_loop_and_gradchecks(options, rng):
    layer = nn.Conv2d(4, 8, (3, 2), rng=rng, dtype=F64, **options)
    x = rg.tensor(rng.standard_normal((2, 4, 6, 5)), dtype=F64, requires_grad=True)
    y = layer(x)
    b = None if layer.bias is None else layer.bias.data
    expected = conv2d_reference(
        x.data, layer.weight.data, b, layer.stride, _pads(layer), layer.dilation, layer.groups
    )
    np.testing.assert_allclose(y.data, expected, rtol=1e-10, atol=1e-12)
    params = [p for p in (layer.weight, layer.bias) if p is not None]
    assert rg.gradcheck(lambda t, *_: layer(t), [x, *params])


CONV1D_OPTIONS = [
    dict(),
    dict(stride=2, padding=1),
    dict(padding="same", dilation=2),
    dict(groups=2, bias=False),
    dict(stride=3, padding=2, dilation=2, groups=4),
]


@pytest.mark.parametrize("options", CONV1D_OPTIONS, ids=_ids(CONV1D_OPTIONS))
def test_conv1d_matches_direct_loop_and_gradchecks(options, rng):
    layer = nn.Conv1d(4, 8, 3, rng=rng, dtype=F64, **options)
    x = rg.tensor(rng.standard_normal((3, 4, 10)), dtype=F64, requires_grad=True)
    y = layer(x)
    b = None if layer.bias is None else layer.bias.data
    expected = conv1d_reference(
        x.data, layer.weight.data, b, layer.stride[0], _pads(layer)[0], layer.dilation[0],
        layer.groups,
    )  # fmt: skip
    np.testing.assert_allclose(y.data, expected, rtol=1e-10, atol=1e-12)
    params = [p for p in (layer.weight, layer.bias) if p is not None]
    assert rg.gradcheck(lambda t, *_: layer(t), [x, *params])


def test_same_padding_keeps_size_and_valid_shrinks(rng):
    x = rg.tensor(rng.standard_normal((1, 2, 7, 8)))
    assert nn.Conv2d(2, 3, (4, 3), padding="same", dilation=2)(x).shape == (1, 3, 7, 8)
    assert nn.Conv2d(2, 3, (4, 3), padding="valid")(x).shape == (1, 3, 4, 6)
    assert nn.Conv1d(2, 3, 4, padding="same")(rg.tensor(np.zeros((1, 2, 9)))).shape == (1, 3, 9)
    with pytest.raises(ValueError, match="same"):
        nn.Conv2d(2, 3, 3, stride=2, padding="same")


def test_unbatched_input_gives_unbatched_output(rng):
    layer = nn.Conv2d(3, 5, 3, padding=1, rng=rng)
    x = rng.standard_normal((3, 6, 6)).astype(np.float32)
    y = layer(rg.tensor(x))
    assert y.shape == (5, 6, 6)
    np.testing.assert_allclose(y.data, layer(rg.tensor(x[None])).data[0], rtol=1e-6)
    assert nn.Conv1d(3, 2, 2)(rg.tensor(np.zeros((3, 5), np.float32))).shape == (2, 4)


def test_strided_conv_output_sizes_follow_formula():
    # Ho = floor((H + 2p - d(k-1) - 1) / s) + 1, checked over many settings
    for h in range(5, 12):
        for k, s, p, d in [(3, 2, 1, 1), (5, 3, 2, 1), (3, 1, 0, 3), (2, 2, 0, 1)]:
            layer = nn.Conv2d(1, 1, k, stride=s, padding=p, dilation=d)
            expected = (h + 2 * p - d * (k - 1) - 1) // s + 1
            if expected < 1:
                continue
            assert layer(rg.tensor(np.zeros((1, 1, h, h)))).shape[2:] == (expected, expected)


def test_channel_mismatch_names_layer_and_both_shapes():
    layer = nn.Conv2d(1, 6, kernel_size=5)
    with pytest.raises(ValueError) as err:
        layer(rg.tensor(np.zeros((2, 3, 28, 28))))
    msg = str(err.value)
    assert "Conv2d(1, 6, kernel_size=5)" in msg
    assert "(N, 1, H, W)" in msg and "(2, 3, 28, 28)" in msg
    with pytest.raises(ValueError, match=r"Conv1d\(2, 4, kernel_size=3\).*\(5, 2\)"):
        nn.Conv1d(2, 4, 3)(rg.tensor(np.zeros((5, 2))))
    with pytest.raises(ValueError, match="smaller than the dilated kernel"):
        nn.Conv2d(1, 1, 5)(rg.tensor(np.zeros((1, 1, 3, 3))))


def test_bad_groups_and_dtype_are_reported():
    with pytest.raises(ValueError, match="divisible by groups=2"):
        nn.Conv2d(3, 4, 3, groups=2)
    layer = nn.Conv2d(1, 1, 3)
    with pytest.raises(TypeError, match="float64.*float32"):
        layer(rg.tensor(np.zeros((1, 1, 4, 4)), dtype=F64))
    x = rg.tensor(np.zeros((1, 4, 5, 5)))
    w = rg.tensor(np.zeros((2, 3, 3, 3)))
    with pytest.raises(ValueError, match=r"4 channels.*\(2, 3, 3, 3\)"):
        F.conv2d(x, w)
    with pytest.raises(TypeError, match="conv2d: dtype mismatch"):
        F.conv2d(x, rg.tensor(np.zeros((2, 4, 3, 3)), dtype=F64))


def test_float32_in_float32_out_and_default_init_bounds(rng):
    layer = nn.Conv2d(3, 8, 5, rng=rng)
    assert layer.weight.dtype == np.float32 and layer.bias.dtype == np.float32
    bound = 1 / np.sqrt(3 * 25)
    assert np.abs(layer.weight.data).max() <= bound
    assert np.abs(layer.weight.data).max() > 0.8 * bound  # actually spread over the range
    x = rg.tensor(rng.standard_normal((2, 3, 9, 9)), requires_grad=True)
    y = layer(x)
    y.sum().backward()
    assert y.dtype == x.grad.dtype == layer.weight.grad.dtype == np.float32


def test_input_gradient_skipped_when_input_needs_none(rng):
    layer = nn.Conv2d(2, 3, 3, dtype=F64, rng=rng)
    x = rg.tensor(rng.standard_normal((2, 2, 5, 5)), dtype=F64)  # data: no gradient wanted
    layer(x).sum().backward()
    assert x.grad is None and layer.weight.grad is not None
    # the weight gradient is still right
    assert rg.gradcheck(lambda w: layer(x), [layer.weight])


@pytest.mark.parametrize("cls", [nn.Conv1d, nn.Conv2d])
def test_get_config_rebuilds_the_layer(cls):
    layer = cls(4, 6, 3, stride=2, padding=1, dilation=2, groups=2, bias=False)
    config = json.loads(json.dumps(layer.get_config()))
    clone = cls(**config)
    assert clone.get_config() == config
    assert clone.weight.shape == layer.weight.shape and clone.bias is None
    same = cls(2, 2, 3, padding="same")
    assert cls(**json.loads(json.dumps(same.get_config())))._pads == same._pads


def test_conv_net_learns_bar_orientation():
    # horizontal vs vertical bars on 8x8 images: trivial for a CNN, impossible by chance
    rng = np.random.default_rng(0)
    n = 64
    x = rng.normal(0, 0.1, (n, 1, 8, 8)).astype(np.float32)
    y = rng.integers(0, 2, n)
    pos = rng.integers(1, 7, n)
    for i in range(n):
        if y[i]:
            x[i, 0, :, pos[i]] += 1.0
        else:
            x[i, 0, pos[i], :] += 1.0
    nn.init.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 8, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        nn.Flatten(), nn.Linear(8, 2),
    )  # fmt: skip
    opt = optim.Adam(model.parameters(), lr=0.02)
    first = None
    for _ in range(60):
        opt.zero_grad()
        loss = F.cross_entropy(model(rg.tensor(x)), y)
        loss.backward()
        opt.step()
        first = first if first is not None else loss.item()
    with rg.no_grad():
        acc = (model(rg.tensor(x)).data.argmax(axis=1) == y).mean()
    assert loss.item() < 0.2 * first
    assert acc == 1.0


def test_matches_torch(rng):
    torch = pytest.importorskip("torch")
    layer = nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=2,
                      rng=rng, dtype=F64)  # fmt: skip
    ref = torch.nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2),
                          groups=2).double()  # fmt: skip
    with torch.no_grad():
        ref.weight.copy_(torch.from_numpy(layer.weight.data))
        ref.bias.copy_(torch.from_numpy(layer.bias.data))
    x_np = rng.standard_normal((3, 4, 7, 6))
    x = rg.tensor(x_np, dtype=F64, requires_grad=True)
    xt = torch.tensor(x_np, requires_grad=True)
    g = rng.standard_normal(layer(x).shape)
    layer(x).backward(g)
    ref(xt).backward(torch.from_numpy(g))
    np.testing.assert_allclose(layer(x).data, ref(xt).detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(x.grad, xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(layer.weight.grad, ref.weight.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(layer.bias.grad, ref.bias.grad.numpy(), rtol=1e-10, atol=1e-12)

    conv1 = nn.Conv1d(3, 4, 3, stride=2, padding=2, dilation=2, rng=rng, dtype=F64)
    ref1 = torch.nn.Conv1d(3, 4, 3, stride=2, padding=2, dilation=2).double()
    with torch.no_grad():
        ref1.weight.copy_(torch.from_numpy(conv1.weight.data))
        ref1.bias.copy_(torch.from_numpy(conv1.bias.data))
    s = rng.standard_normal((2, 3, 11))
    np.testing.assert_allclose(
        conv1(rg.tensor(s, dtype=F64)).data, ref1(torch.from_numpy(s)).detach().numpy(),
        rtol=1e-10, atol=1e-12,
    )  # fmt: skip


def test_cnn_round_trips_through_a_model_file(tmp_path, rng):
    # every layer here implements get_config, so rg.save/rg.load can rebuild the network
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding="same"), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 4, 3, stride=2, groups=2), nn.GroupNorm(2, 4),
        nn.AvgPool2d(1), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.LayerNorm(4), nn.Linear(4, 3),
    )  # fmt: skip
    x = rg.tensor(rng.standard_normal((5, 1, 8, 8)))
    model(x)  # one training step's worth of running statistics
    path = tmp_path / "cnn.npz"
    rg.save(model.eval(), path)
    clone = rg.load(path).eval()
    assert repr(clone) == repr(model)
    np.testing.assert_array_equal(clone(x).data, model(x).data)


def test_frozen_weights_get_no_gradient_but_input_does(rng):
    layer = nn.Conv1d(2, 3, 3, dtype=F64, rng=rng)
    layer.weight.requires_grad = False
    x = rg.tensor(rng.standard_normal((2, 2, 6)), dtype=F64, requires_grad=True)
    layer(x).sum().backward()
    assert layer.weight.grad is None and layer.bias.grad is not None
    assert rg.gradcheck(layer, [x])


def test_gradcheck_on_a_larger_layer_with_sampled_elements(rng):
    # LeNet-sized second layer: check 40 random elements of each input (random cotangent)
    layer = nn.Conv2d(6, 16, 5, padding=1, stride=(1, 2), rng=rng, dtype=F64)
    x = rg.tensor(rng.standard_normal((3, 6, 14, 14)), dtype=F64, requires_grad=True)
    assert rg.gradcheck(lambda t, *_: layer(t), [x, layer.weight, layer.bias], max_elements=40)


def test_non_contiguous_input_views_work(rng):
    # im2col reads the input's real strides: a transposed view gives the same result
    layer = nn.Conv2d(3, 4, 3, stride=2, rng=rng, dtype=F64)
    base = rng.standard_normal((2, 3, 9, 7))
    view = rg.tensor(base, dtype=F64).transpose(0, 1, 3, 2)  # (2, 3, 7, 9), not contiguous
    copy = rg.tensor(np.ascontiguousarray(base.transpose(0, 1, 3, 2)), dtype=F64)
    np.testing.assert_allclose(layer(view).data, layer(copy).data, rtol=1e-12)
    pooled = nn.MaxPool2d(2)(rg.tensor(base[:, :, ::2, ::-1], dtype=F64))
    expected = nn.MaxPool2d(2)(rg.tensor(np.ascontiguousarray(base[:, :, ::2, ::-1]), dtype=F64))
    np.testing.assert_array_equal(pooled.data, expected.data)
