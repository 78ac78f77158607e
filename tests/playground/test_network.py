"""The playground's network: gradient checks in float64 and the engine's activation slopes."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd.playground.config import Config
from retrograd.playground.network import PlaygroundNet, activation_derivative, feature_map
from retrograd.playground.run import Run


def test_feature_map():
    x = np.array([[0.5, -0.25]])
    f = feature_map(x, ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"])
    np.testing.assert_allclose(
        f[0], [0.5, -0.25, 0.25, 0.0625, -0.125, np.sin(np.pi * 0.5), np.sin(-np.pi * 0.25)]
    )


def test_trace_keeps_every_layer():
    net = PlaygroundNet(3, [4, 2], 1, "relu", "sigmoid", seed=0)
    x = rg.tensor(np.random.default_rng(0).normal(size=(5, 3)), dtype=np.float64)
    t = net.trace(x)
    assert [z.shape for z in t.zs] == [(5, 4), (5, 2), (5, 1)]
    np.testing.assert_allclose(t.output.data, 1 / (1 + np.exp(-t.logits.data)))
    np.testing.assert_allclose(net(x).data, t.output.data)


@pytest.mark.parametrize(
    ("config", "reg"),
    [
        ({"dataset": "moons", "hidden": [3, 2], "activation": "tanh", "loss": "bce"}, "none"),
        ({"dataset": "xor", "hidden": [3], "activation": "sigmoid", "loss": "mse"}, "l2"),
        ({"dataset": "gauss", "hidden": [4], "activation": "elu", "loss": "huber"}, "l1"),
        ({"dataset": "plane", "hidden": [], "activation": "tanh", "loss": "mse"}, "l2"),
    ],
)
def test_playground_loss_gradients_match_finite_differences(config, reg):
    run = Run(Config(n_samples=40, regularization=reg, reg_rate=0.01, **config))
    x, y = run.data.x_train[:8], run.data.y_train[:8]
    params = list(run.net.parameters())

    def loss(*_params):
        trace = run.net.trace(run.inputs(x), keep_grads=False)
        total = run.data_loss(trace, y)
        pen = run.penalty()
        return total if pen is None else total + pen

    assert rg.gradcheck(loss, params)


def test_textbook_loss_gradients_match_finite_differences():
    run = Run(Config(preset="textbook"))
    x, y = run.data.x_train, run.data.y_train
    assert rg.gradcheck(
        lambda *p: run.data_loss(run.net.trace(run.inputs(x)), y), list(run.net.parameters())
    )


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "relu", "leaky_relu", "elu", "identity"])
def test_activation_derivative_matches_finite_differences(name):
    z = np.array([[-1.3, -0.2, 0.4, 2.1]])
    f = rg.nn.ACTIVATIONS[name]()
    eps = 1e-6
    numeric = (
        f(rg.tensor(z + eps, dtype=np.float64)).data - f(rg.tensor(z - eps, dtype=np.float64)).data
    ) / (2 * eps)
    np.testing.assert_allclose(activation_derivative(name, z), numeric, rtol=1e-6, atol=1e-9)
