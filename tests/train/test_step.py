"""train_step: one update, and the NaN/Inf protection that names the op."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn, optim
from retrograd.train import NonFiniteLossError, train_step


def test_one_step_matches_manual_gradient_descent(mlp):
    model, ref = mlp(seed=3), mlp(seed=3)
    x = np.random.default_rng(0).normal(size=(5, 2)).astype(np.float32)
    y = np.array([0, 1, 1, 0, 1])
    opt = optim.SGD(model.parameters(), lr=0.1)
    result = train_step(model, nn.CrossEntropyLoss(), opt, x, y)
    # the same step by hand: forward, backward, w <- w - lr * grad
    loss = nn.CrossEntropyLoss()(ref(rg.tensor(x)), y)
    loss.backward()
    assert result.loss == pytest.approx(float(loss.data))
    for (name, p), q in zip(model.named_parameters(), ref.parameters()):
        np.testing.assert_allclose(p.data, q.data - 0.1 * q.grad, rtol=1e-6, err_msg=name)
    assert result.output.shape == (5, 2)


def test_target_of_shape_n_fits_single_output():
    model = nn.Linear(3, 1, rng=np.random.default_rng(0))
    opt = optim.SGD(model.parameters(), lr=0.01)
    out = train_step(model, nn.MSELoss(), opt, np.ones((4, 3)), np.zeros(4))
    assert np.isfinite(out.loss)


def test_nan_in_input_batch_is_reported_and_weights_unchanged(mlp):
    model = mlp()
    before = model.state_dict()
    x = np.ones((4, 2), dtype=np.float32)
    x[2, 1] = np.nan
    opt = optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(NonFiniteLossError) as info:
        train_step(
            model,
            nn.CrossEntropyLoss(),
            opt,
            x,
            np.zeros(4, dtype=np.int64),
            epoch=3,
            step=17,
            where="epoch 3/5, step 17",
        )
    msg = str(info.value)
    assert "epoch 3/5, step 17" in msg
    assert "input batch has 1 NaN" in msg and "index (2, 1)" in msg
    assert info.value.op == "Linear" and info.value.epoch == 3 and info.value.step == 17
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v, before[k])


class LogNet(nn.Module):
    """log(x W^T): NaN as soon as an activation is negative."""

    def __init__(self) -> None:
        super().__init__()
        self.lin = nn.Linear(2, 1, rng=np.random.default_rng(0))

    def forward(self, x):
        return rg.log(self.lin(x))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_op_that_makes_the_nan_is_named():
    model = LogNet()
    model.lin.weight.data[...] = -1.0
    model.lin.bias.data[...] = 0.0
    opt = optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(NonFiniteLossError, match="produced by op Log") as info:
        train_step(model, nn.MSELoss(), opt, np.ones((2, 2)), np.zeros((2, 1)))
    assert info.value.op == "Log"
    assert "input batch" not in str(info.value)  # the data is fine


class SqrtNet(nn.Module):
    """sqrt(x^2 w): finite forward at x = 0, infinite derivative there."""

    def __init__(self) -> None:
        super().__init__()
        self.w = nn.Parameter(np.ones(2))

    def forward(self, x):
        return rg.sqrt(x * x * self.w).sum(axis=1, keepdims=True)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_non_finite_gradient_stops_before_the_update():
    model = SqrtNet()
    opt = optim.SGD(model.parameters(), lr=0.1)
    x = np.array([[0.0, 1.0]], dtype=np.float32)
    with pytest.raises(NonFiniteLossError, match="gradient of w is not finite") as info:
        train_step(model, nn.MSELoss(), opt, x, np.zeros((1, 1)))
    assert info.value.op == "Sqrt"
    np.testing.assert_array_equal(model.w.data, np.ones(2, dtype=np.float32))


def test_check_finite_off_lets_nan_through(mlp):
    model = mlp()
    x = np.full((2, 2), np.nan, dtype=np.float32)
    res = train_step(
        model,
        nn.CrossEntropyLoss(),
        optim.SGD(model.parameters(), lr=0.1),
        x,
        np.zeros(2, dtype=np.int64),
        check_finite=False,
    )
    assert np.isnan(res.loss)


def test_non_scalar_loss_is_refused(mlp):
    model = mlp()
    with pytest.raises(ValueError, match="scalar"):
        train_step(
            model,
            nn.CrossEntropyLoss(reduction="none"),
            optim.SGD(model.parameters(), lr=0.1),
            np.ones((3, 2)),
            np.zeros(3, dtype=int),
        )
