"""nn.Linear: forward vs NumPy, gradcheck in float64, shapes, dtypes, errors, config."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn


def test_forward_is_x_wt_plus_b(rng) -> None:
    layer = nn.Linear(3, 2, rng=rng)
    x = rng.normal(size=(5, 3)).astype(np.float32)
    out = layer(rg.tensor(x))
    expected = x @ layer.weight.data.T + layer.bias.data
    np.testing.assert_allclose(out.data, expected, rtol=1e-6)
    assert out.dtype == np.float32 and out.shape == (5, 2)


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("in_shape", [(4, 3), (2, 5, 3), (3,)])
def test_gradcheck_in_float64(rng, bias, in_shape) -> None:
    layer = nn.Linear(3, 2, bias=bias, rng=rng, dtype=np.float64)
    x = rg.tensor(rng.normal(size=in_shape), requires_grad=True, dtype=np.float64)
    inputs = [x, layer.weight] + ([layer.bias] if bias else [])
    assert rg.gradcheck(lambda *_: layer(x), inputs)


def test_default_init_is_pytorch_uniform(rng) -> None:
    layer = nn.Linear(100, 50, rng=rng)
    bound = 1 / np.sqrt(100)
    assert np.abs(layer.weight.data).max() <= bound
    assert layer.weight.data.std() == pytest.approx(bound / np.sqrt(3), rel=0.05)
    assert layer.weight.shape == (50, 100) and layer.bias.shape == (50,)


def test_seeded_layers_are_identical() -> None:
    a = nn.Linear(4, 3, rng=np.random.default_rng(5))
    b = nn.Linear(4, 3, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(a.weight.data, b.weight.data)
    np.testing.assert_array_equal(a.bias.data, b.bias.data)


def test_dtype_argument_is_honoured() -> None:
    for dt in (np.float64, np.dtype("float64"), "float64"):
        layer = nn.Linear(2, 2, dtype=dt)
        assert layer.weight.dtype == np.float64 and layer.bias.dtype == np.float64
    assert nn.Linear(2, 2).weight.dtype == np.float32


def test_shape_error_names_layer_and_both_shapes() -> None:
    layer = nn.Linear(3, 2)
    with pytest.raises(ValueError) as info:
        layer(rg.tensor(np.zeros((4, 5))))
    msg = str(info.value)
    assert "Linear(in_features=3, out_features=2)" in msg
    assert "(4, 5)" in msg and "(2, 3)" in msg


def test_dtype_mismatch_is_refused_and_integers_are_converted() -> None:
    layer = nn.Linear(2, 1)
    with pytest.raises(TypeError, match="float64.*float32"):
        layer(rg.tensor(np.zeros((1, 2)), dtype=np.float64))
    out = layer(rg.tensor([[1, 2]]))  # integer features
    assert out.dtype == np.float32
    out = layer(np.ones((3, 2)))  # a raw array
    assert out.shape == (3, 1)


def test_config_rebuilds_the_layer() -> None:
    layer = nn.Linear(2, 3, bias=False)
    config = layer.get_config()
    assert config == {"in_features": 2, "out_features": 3, "bias": False}
    rebuilt = nn.Linear(**config)
    assert rebuilt.bias is None and rebuilt.weight.shape == (3, 2)
    assert repr(rebuilt) == "Linear(in_features=2, out_features=3, bias=False)"


def test_bias_free_layer_has_one_parameter() -> None:
    layer = nn.Linear(2, 3, bias=False)
    assert [n for n, _ in layer.named_parameters()] == ["weight"]
