"""Two classic networks train with retrograd: XOR (2-2-1) and the textbook 2-2-2 example.

The textbook network is the worked example of Matt Mazur's "A Step by Step
Backpropagation Example": inputs 0.05 and 0.10, hand-picked weights, sigmoid
units, targets 0.01 and 0.99, error E = 1/2 sum (t - o)^2, learning rate 0.5.
Its first-step gradients are derived below by hand with the chain rule and
compared with what ``backward()`` computes.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn, optim

F64 = np.float64


# -- XOR: a 2-2-1 sigmoid network -------------------------------------------------------
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_2_2_1_sigmoid_network_learns_xor(seed) -> None:
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=F64)
    Y = np.array([[0], [1], [1], [0]], dtype=F64)
    rng = np.random.default_rng(seed)
    model = nn.Sequential(
        nn.Linear(2, 2, rng=rng, dtype=F64),
        nn.Sigmoid(),
        nn.Linear(2, 1, rng=rng, dtype=F64),
        nn.Sigmoid(),
    )
    opt = optim.SGD(model.parameters(), lr=2.0, momentum=0.9)
    loss_fn = nn.MSELoss()
    x = rg.tensor(X, dtype=F64)
    first = None
    for _ in range(2000):
        opt.zero_grad()
        loss = loss_fn(model(x), Y)
        loss.backward()
        opt.step()
        first = loss.item() if first is None else first
    with rg.no_grad():
        out = model(x).data
    assert ((out > 0.5) == (Y > 0.5)).all(), out.ravel()
    assert loss.item() < 1e-3 < first


# -- the textbook 2-2-2 network -------------------------------------------------------------
def _textbook_net() -> nn.Sequential:
    model = nn.Sequential(
        nn.Linear(2, 2, dtype=F64), nn.Sigmoid(), nn.Linear(2, 2, dtype=F64), nn.Sigmoid()
    )
    hidden, output = model[0], model[2]
    # weight rows are the receiving neurons: row j holds the weights into neuron j
    hidden.weight.data[...] = [[0.15, 0.20], [0.25, 0.30]]  # w1 w2 / w3 w4
    nn.init.constant_(hidden.bias, 0.35)  # b1
    output.weight.data[...] = [[0.40, 0.45], [0.50, 0.55]]  # w5 w6 / w7 w8
    nn.init.constant_(output.bias, 0.60)  # b2
    return model


X_TEXTBOOK = np.array([[0.05, 0.10]])
T_TEXTBOOK = np.array([[0.01, 0.99]])


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def test_textbook_first_step_gradients_equal_the_hand_derived_chain_rule() -> None:
    i1, i2 = 0.05, 0.10
    t1, t2 = 0.01, 0.99
    w1, w2, w3, w4, b1 = 0.15, 0.20, 0.25, 0.30, 0.35
    w5, w6, w7, w8, b2 = 0.40, 0.45, 0.50, 0.55, 0.60

    # forward pass, neuron by neuron
    out_h1 = _sigmoid(w1 * i1 + w2 * i2 + b1)  # net_h1 = 0.3775
    out_h2 = _sigmoid(w3 * i1 + w4 * i2 + b1)
    out_o1 = _sigmoid(w5 * out_h1 + w6 * out_h2 + b2)
    out_o2 = _sigmoid(w7 * out_h1 + w8 * out_h2 + b2)
    E = 0.5 * (t1 - out_o1) ** 2 + 0.5 * (t2 - out_o2) ** 2

    # output layer: dE/dw5 = dE/dout_o1 * dout_o1/dnet_o1 * dnet_o1/dw5
    dE_dout_o1 = out_o1 - t1  # from E = 1/2 (t1 - out_o1)^2
    dE_dout_o2 = out_o2 - t2
    dout_dnet_o1 = out_o1 * (1 - out_o1)  # sigmoid' = y (1 - y)
    dout_dnet_o2 = out_o2 * (1 - out_o2)
    delta_o1 = dE_dout_o1 * dout_dnet_o1  # dE/dnet_o1
    delta_o2 = dE_dout_o2 * dout_dnet_o2
    dE_dw5, dE_dw6 = delta_o1 * out_h1, delta_o1 * out_h2  # dnet_o1/dw5 = out_h1
    dE_dw7, dE_dw8 = delta_o2 * out_h1, delta_o2 * out_h2
    dE_db2 = delta_o1 + delta_o2  # one shared bias feeds both output neurons

    # hidden layer: out_h1 reaches E through both outputs (sum over paths)
    dE_dout_h1 = delta_o1 * w5 + delta_o2 * w7
    dE_dout_h2 = delta_o1 * w6 + delta_o2 * w8
    delta_h1 = dE_dout_h1 * out_h1 * (1 - out_h1)
    delta_h2 = dE_dout_h2 * out_h2 * (1 - out_h2)
    dE_dw1, dE_dw2 = delta_h1 * i1, delta_h1 * i2
    dE_dw3, dE_dw4 = delta_h2 * i1, delta_h2 * i2
    dE_db1 = delta_h1 + delta_h2

    # the published numbers of the worked example
    assert E == pytest.approx(0.298371109, abs=1e-9)
    assert dE_dw5 == pytest.approx(0.082167041, abs=1e-9)
    assert dE_dw1 == pytest.approx(0.000438568, abs=1e-9)

    model = _textbook_net()
    loss = nn.HalfSSELoss()(model(rg.tensor(X_TEXTBOOK, dtype=F64)), T_TEXTBOOK)
    assert loss.item() == pytest.approx(E, rel=1e-14)
    loss.backward()
    hidden, output = model[0], model[2]
    np.testing.assert_allclose(output.weight.grad, [[dE_dw5, dE_dw6], [dE_dw7, dE_dw8]], rtol=1e-12)
    np.testing.assert_allclose(hidden.weight.grad, [[dE_dw1, dE_dw2], [dE_dw3, dE_dw4]], rtol=1e-12)
    # the textbook shares one bias per layer; Linear has one per neuron, whose sum it is
    assert output.bias.grad.sum() == pytest.approx(dE_db2, rel=1e-12)
    assert hidden.bias.grad.sum() == pytest.approx(dE_db1, rel=1e-12)

    # one gradient-descent step with lr 0.5: w5+ = w5 - 0.5 * dE/dw5 = 0.35891648
    optim.SGD([hidden.weight, output.weight], lr=0.5).step()
    assert output.weight.data[0, 0] == pytest.approx(0.35891648, abs=1e-8)
    assert hidden.weight.data[0, 0] == pytest.approx(0.149780716, abs=1e-9)


@pytest.mark.parametrize("train_biases", [False, True])
def test_textbook_network_drives_its_error_down_over_10000_steps(train_biases) -> None:
    model = _textbook_net()
    hidden, output = model[0], model[2]
    params = list(model.parameters()) if train_biases else [hidden.weight, output.weight]
    opt = optim.SGD(params, lr=0.5)
    loss_fn = nn.HalfSSELoss()
    x = rg.tensor(X_TEXTBOOK, dtype=F64)
    errors = []
    for _ in range(10_000):
        opt.zero_grad()
        E = loss_fn(model(x), T_TEXTBOOK)
        E.backward()
        opt.step()
        errors.append(E.item())
    assert errors[0] == pytest.approx(0.298371109, abs=1e-9)
    assert all(b < a for a, b in zip(errors, errors[1:]))  # plain GD: down at every step
    if train_biases:
        assert errors[-1] < 1e-5
    else:
        # the worked example (biases held fixed) reports E = 0.0000351085 after 10,000 rounds
        assert errors[-1] == pytest.approx(0.0000351085, rel=1e-5)
    with rg.no_grad():
        out = model(x).data
    np.testing.assert_allclose(out, T_TEXTBOOK, atol=0.01)
