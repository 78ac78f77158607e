"""Activation modules: same values as the functional ops, gradchecks, configs."""

from __future__ import annotations

import math

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn

REFERENCE = {
    "Sigmoid": (nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
    "Tanh": (nn.Tanh(), np.tanh),
    "ReLU": (nn.ReLU(), lambda x: np.maximum(x, 0)),
    "LeakyReLU": (nn.LeakyReLU(0.2), lambda x: np.where(x > 0, x, 0.2 * x)),
    "ELU": (nn.ELU(0.5), lambda x: np.where(x > 0, x, 0.5 * np.expm1(x))),
    "Softplus": (nn.Softplus(), lambda x: np.log1p(np.exp(x))),
    "GELU": (nn.GELU(), lambda x: x * 0.5 * (1 + np.vectorize(math.erf)(x / np.sqrt(2)))),
    "GELU_tanh": (
        nn.GELU("tanh"),
        lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3))),
    ),
    "Softmax": (nn.Softmax(axis=0), lambda x: np.exp(x) / np.exp(x).sum(axis=0)),
    "LogSoftmax": (nn.LogSoftmax(), lambda x: x - np.log(np.exp(x).sum(axis=-1, keepdims=True))),
    "Identity": (nn.Identity(), lambda x: x),
}


def _away_from_zero(rng, shape):
    x = rng.normal(size=shape)
    return np.where(np.abs(x) < 0.05, 0.1, x)  # no sample on the ReLU-family kink


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_values_match_numpy(rng, name) -> None:
    module, ref = REFERENCE[name]
    x = _away_from_zero(rng, (4, 3))
    out = module(rg.tensor(x, dtype=np.float64))
    np.testing.assert_allclose(out.data, ref(x), rtol=1e-10, atol=1e-12)
    assert out.shape == x.shape


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_gradcheck_float64(rng, name) -> None:
    module, _ = REFERENCE[name]
    x = rg.tensor(_away_from_zero(rng, (3, 4)), requires_grad=True, dtype=np.float64)
    if name == "Identity":
        return  # no op, no graph: nothing to differentiate
    assert rg.gradcheck(module, [x])


@pytest.mark.parametrize("name", sorted(nn.ACTIVATIONS))
def test_named_activations_rebuild_from_config(name) -> None:
    cls = nn.ACTIVATIONS[name]
    config = cls().get_config()
    assert cls(**config).get_config() == config


def test_configs_keep_settings() -> None:
    assert nn.LeakyReLU(0.3).get_config() == {"negative_slope": 0.3}
    assert nn.ELU(2).get_config() == {"alpha": 2.0}
    assert nn.Softmax(axis=0).get_config() == {"axis": 0}
    assert nn.LogSoftmax(1).get_config() == {"axis": 1}
    assert nn.Sigmoid().get_config() == {}
    assert nn.GELU("tanh").get_config() == {"approximate": "tanh"}


def test_sigmoid_saturates_without_overflow() -> None:
    x = rg.tensor([-1000.0, 1000.0], requires_grad=True)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y = nn.Sigmoid()(x)
        y.sum().backward()
    np.testing.assert_allclose(y.data, [0.0, 1.0], atol=1e-30)
    assert np.isfinite(x.grad).all()


def test_float32_is_kept() -> None:
    for module, _ in REFERENCE.values():
        assert module(rg.tensor([[0.5, -0.5]])).dtype == np.float32
