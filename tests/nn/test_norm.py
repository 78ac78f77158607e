"""BatchNorm1d/2d and LayerNorm: train vs eval, running statistics, gradchecks, config."""

from __future__ import annotations

import json

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn

F64 = np.float64


def _x(rng, shape, requires_grad=True):
    return rg.tensor(rng.normal(2.0, 3.0, shape), dtype=F64, requires_grad=requires_grad)


@pytest.mark.parametrize(
    ("cls", "shape"),
    [(nn.BatchNorm1d, (8, 3)), (nn.BatchNorm1d, (4, 3, 5)), (nn.BatchNorm2d, (3, 3, 4, 2))],
)
def test_training_mode_standardises_each_channel(cls, shape, rng):
    bn = cls(3, dtype=F64)
    y = bn(_x(rng, shape, requires_grad=False)).data
    axes = (0,) + tuple(range(2, len(shape)))
    np.testing.assert_allclose(y.mean(axis=axes), 0, atol=1e-12)
    np.testing.assert_allclose(y.var(axis=axes), 1, rtol=1e-4)  # eps=1e-5 shrinks it a hair


@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize(
    ("cls", "shape"),
    [(nn.BatchNorm1d, (6, 3)), (nn.BatchNorm1d, (3, 3, 4)), (nn.BatchNorm2d, (2, 3, 3, 2))],
)
def test_gradcheck_train_and_eval(cls, shape, affine, rng):
    bn = cls(3, affine=affine, dtype=F64)
    params = [bn.weight, bn.bias] if affine else []
    if affine:  # non-trivial gamma/beta so their gradients matter
        bn.weight.data = rng.normal(1.0, 0.5, 3)
        bn.bias.data = rng.normal(0.0, 0.5, 3)
    x = _x(rng, shape)
    assert rg.gradcheck(lambda t, *_: bn(t), [x, *params])
    bn.eval()
    bn.running_mean = rng.normal(0, 1, 3)
    bn.running_var = rng.uniform(0.5, 2.0, 3)
    assert rg.gradcheck(lambda t, *_: bn(t), [x, *params])


def test_running_statistics_update_and_eval_uses_them(rng):
    bn = nn.BatchNorm2d(2, momentum=0.1, dtype=F64)
    x = _x(rng, (4, 2, 3, 3), requires_grad=False)
    bn(x)
    m = 4 * 3 * 3
    mean = x.data.mean(axis=(0, 2, 3))
    unbiased = x.data.var(axis=(0, 2, 3)) * m / (m - 1)
    np.testing.assert_allclose(bn.running_mean, 0.9 * 0 + 0.1 * mean, rtol=1e-12)
    np.testing.assert_allclose(bn.running_var, 0.9 * 1 + 0.1 * unbiased, rtol=1e-12)
    assert int(bn.num_batches_tracked) == 1

    bn.weight.data = np.array([2.0, 0.5])
    bn.bias.data = np.array([-1.0, 1.0])
    bn.eval()
    z = _x(rng, (3, 2, 3, 3), requires_grad=False)
    y = bn(z).data
    shape = (1, 2, 1, 1)
    expected = (z.data - bn.running_mean.reshape(shape)) / np.sqrt(
        bn.running_var.reshape(shape) + bn.eps
    ) * bn.weight.data.reshape(shape) + bn.bias.data.reshape(shape)
    np.testing.assert_allclose(y, expected, rtol=1e-12)
    # eval: no update, and one sample's output does not depend on the rest of the batch
    before = bn.running_mean.copy()
    np.testing.assert_allclose(bn(z[:1]).data, y[:1], rtol=1e-12)
    np.testing.assert_array_equal(bn.running_mean, before)
    assert int(bn.num_batches_tracked) == 1


def test_momentum_none_is_a_cumulative_average(rng):
    bn = nn.BatchNorm1d(3, momentum=None, dtype=F64)
    batches = [_x(rng, (5, 3), requires_grad=False) for _ in range(4)]
    for b in batches:
        bn(b)
    np.testing.assert_allclose(
        bn.running_mean, np.mean([b.data.mean(axis=0) for b in batches], axis=0), rtol=1e-12
    )


def test_without_running_stats_eval_uses_batch_statistics(rng):
    bn = nn.BatchNorm1d(3, track_running_stats=False, dtype=F64)
    x = _x(rng, (6, 3), requires_grad=False)
    train_out = bn(x).data
    bn.eval()
    np.testing.assert_allclose(bn(x).data, train_out)
    assert bn.running_mean is None and "running_mean" not in bn.state_dict()


def test_state_dict_holds_buffers_and_restores_eval_behaviour(rng):
    bn = nn.BatchNorm2d(3)
    for _ in range(3):
        bn(rg.tensor(rng.normal(1.0, 2.0, (4, 3, 2, 2))))
    state = bn.state_dict()
    assert set(state) == {"weight", "bias", "running_mean", "running_var", "num_batches_tracked"}
    fresh = nn.BatchNorm2d(3)
    fresh.load_state_dict(state)
    x = rg.tensor(rng.normal(size=(2, 3, 2, 2)))
    np.testing.assert_array_equal(fresh.eval()(x).data, bn.eval()(x).data)
    model = nn.Sequential(nn.Conv2d(1, 3, 3), nn.BatchNorm2d(3))
    assert "1.running_var" in model.state_dict()


def test_float32_stays_float32(rng):
    bn = nn.BatchNorm2d(3)
    x = rg.tensor(rng.normal(size=(2, 3, 4, 4)), requires_grad=True)
    y = bn(x)
    y.sum().backward()
    assert y.dtype == x.grad.dtype == bn.weight.grad.dtype == bn.running_var.dtype == np.float32


def test_batch_norm_errors():
    with pytest.raises(ValueError, match=r"BatchNorm2d\(3\): expected input \(N, 3, H, W\)"):
        nn.BatchNorm2d(3)(rg.tensor(np.zeros((2, 4, 5, 5))))
    with pytest.raises(ValueError, match=r"BatchNorm1d\(4\).*got shape \(2, 4, 5, 5\)"):
        nn.BatchNorm1d(4)(rg.tensor(np.zeros((2, 4, 5, 5))))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nn.BatchNorm1d(4)(rg.tensor(np.zeros((1, 4))))
    bn = nn.BatchNorm1d(4).eval()  # fine in eval: running statistics need no batch
    assert bn(rg.tensor(np.zeros((1, 4)))).shape == (1, 4)


@pytest.mark.parametrize(
    ("shape", "normalized"), [((4, 5), 5), ((2, 3, 4), (4,)), ((2, 3, 4), (3, 4))]
)
@pytest.mark.parametrize("affine", [True, False])
def test_layer_norm(shape, normalized, affine, rng):
    ln = nn.LayerNorm(normalized, elementwise_affine=affine, dtype=F64)
    params = [ln.weight, ln.bias] if affine else []
    if affine:
        ln.weight.data = rng.normal(1.0, 0.5, ln.weight.shape)
        ln.bias.data = rng.normal(0.0, 0.5, ln.bias.shape)
    x = _x(rng, shape)
    k = len(ln.normalized_shape)
    axes = tuple(range(len(shape) - k, len(shape)))
    expected = (x.data - x.data.mean(axis=axes, keepdims=True)) / np.sqrt(
        x.data.var(axis=axes, keepdims=True) + 1e-5
    )
    if affine:
        expected = expected * ln.weight.data + ln.bias.data
    np.testing.assert_allclose(ln(x).data, expected, rtol=1e-10, atol=1e-12)
    assert rg.gradcheck(lambda t, *_: ln(t), [x, *params])
    ln.eval()  # no batch statistics: identical in eval mode
    np.testing.assert_allclose(ln(x).data, expected, rtol=1e-10, atol=1e-12)


def test_layer_norm_without_bias_and_errors(rng):
    ln = nn.LayerNorm(4, bias=False)
    assert ln.bias is None and [n for n, _ in ln.named_parameters()] == ["weight"]
    with pytest.raises(ValueError, match=r"LayerNorm\(\(4,\)\): expected input \(\*, 4\)"):
        ln(rg.tensor(np.zeros((2, 5))))


@pytest.mark.parametrize(
    "layer",
    [
        nn.BatchNorm1d(5, eps=1e-3, momentum=None, affine=False),
        nn.BatchNorm2d(4, momentum=0.3),
        nn.LayerNorm((3, 4), eps=1e-6, elementwise_affine=True, bias=False),
    ],  # fmt: skip
    ids=lambda m: type(m).__name__,
)
def test_get_config_rebuilds_the_layer(layer):
    config = json.loads(json.dumps(layer.get_config()))
    clone = type(layer)(**config)
    assert clone.get_config() == config
    assert sorted(clone.state_dict()) == sorted(layer.state_dict())


def test_matches_torch(rng):
    torch = pytest.importorskip("torch")
    x_np = rng.normal(1.0, 2.0, (4, 3, 5, 2))
    g_np = rng.standard_normal(x_np.shape)
    ours = nn.BatchNorm2d(3, momentum=0.2, dtype=F64)
    theirs = torch.nn.BatchNorm2d(3, momentum=0.2).double()
    for train in (True, False):
        ours.train(train)
        theirs.train(train)
        x = rg.tensor(x_np, dtype=F64, requires_grad=True)
        xt = torch.tensor(x_np, requires_grad=True)
        y, yt = ours(x), theirs(xt)
        np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-10, atol=1e-12)
        y.backward(g_np)
        yt.backward(torch.from_numpy(g_np))
        np.testing.assert_allclose(x.grad, xt.grad.numpy(), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(ours.running_var, theirs.running_var.numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours.weight.grad, theirs.weight.grad.numpy(), rtol=1e-10)

    ln, lnt = nn.LayerNorm((5, 2), dtype=F64), torch.nn.LayerNorm((5, 2)).double()
    x = rg.tensor(x_np, dtype=F64, requires_grad=True)
    xt = torch.tensor(x_np, requires_grad=True)
    ln(x).backward(g_np)
    lnt(xt).backward(torch.from_numpy(g_np))
    np.testing.assert_allclose(x.grad, xt.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ln.weight.grad, lnt.weight.grad.numpy(), rtol=1e-10)


def test_mixing_float32_and_float64_is_refused():
    with pytest.raises(TypeError, match="batch_norm: dtype mismatch"):
        nn.BatchNorm1d(3)(rg.tensor(np.zeros((4, 3)), dtype=F64))
    with pytest.raises(TypeError, match="layer_norm: dtype mismatch"):
        nn.LayerNorm(3)(rg.tensor(np.zeros((4, 3)), dtype=F64))


@pytest.mark.parametrize(("groups", "shape"), [(1, (3, 4, 5)), (2, (2, 4, 3, 3)), (4, (2, 4, 6))])
@pytest.mark.parametrize("affine", [True, False])
def test_group_norm(groups, shape, affine, rng):
    gn = nn.GroupNorm(groups, 4, affine=affine, dtype=F64)
    params = [gn.weight, gn.bias] if affine else []
    if affine:
        gn.weight.data = rng.normal(1.0, 0.5, 4)
        gn.bias.data = rng.normal(0.0, 0.5, 4)
    x = _x(rng, shape)
    # reference: statistics over each (sample, group of channels, all positions)
    xg = x.data.reshape(shape[0], groups, -1)
    expected = (xg - xg.mean(-1, keepdims=True)) / np.sqrt(xg.var(-1, keepdims=True) + 1e-5)
    expected = expected.reshape(shape)
    if affine:
        bshape = (1, 4) + (1,) * (len(shape) - 2)
        expected = expected * gn.weight.data.reshape(bshape) + gn.bias.data.reshape(bshape)
    np.testing.assert_allclose(gn(x).data, expected, rtol=1e-10, atol=1e-12)
    assert rg.gradcheck(lambda t, *_: gn(t), [x, *params])


def test_group_norm_errors_and_config():
    with pytest.raises(ValueError, match="divisible by num_groups=3"):
        nn.GroupNorm(3, 4)
    with pytest.raises(ValueError, match=r"GroupNorm\(2, 4\): expected input \(N, 4, \*\)"):
        nn.GroupNorm(2, 4)(rg.tensor(np.zeros((2, 6, 3))))
    gn = nn.GroupNorm(2, 6, eps=1e-3, affine=False)
    config = json.loads(json.dumps(gn.get_config()))
    assert nn.GroupNorm(**config).get_config() == config


def test_group_norm_matches_torch(rng):
    torch = pytest.importorskip("torch")
    x_np = rng.normal(1.0, 2.0, (3, 6, 4, 2))
    g_np = rng.standard_normal(x_np.shape)
    ours, theirs = nn.GroupNorm(3, 6, dtype=F64), torch.nn.GroupNorm(3, 6).double()
    x = rg.tensor(x_np, dtype=F64, requires_grad=True)
    xt = torch.tensor(x_np, requires_grad=True)
    ours(x).backward(g_np)
    theirs(xt).backward(torch.from_numpy(g_np))
    np.testing.assert_allclose(x.grad, xt.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.weight.grad, theirs.weight.grad.numpy(), rtol=1e-10)
