"""Optimizer base: param groups, per-parameter state, state_dict round trips, errors."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn, optim

OPTIMIZERS = {
    "sgd": lambda p: optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3),
    "adam": lambda p: optim.Adam(p, lr=0.01, amsgrad=True),
    "adamw": lambda p: optim.AdamW(p, lr=0.01),
    "rmsprop": lambda p: optim.RMSprop(p, lr=0.01, momentum=0.5, centered=True),
    "adagrad": lambda p: optim.Adagrad(p, lr=0.1, lr_decay=0.01),
}


def _model(seed=0):
    rng = np.random.default_rng(seed)
    return nn.Sequential(nn.Linear(3, 4, rng=rng), nn.Tanh(), nn.Linear(4, 2, rng=rng))


def _train(model, opt, steps, seed=1):
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        x, y = rng.normal(size=(8, 3)), rng.normal(size=(8, 2))
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(rg.tensor(x)), y)
        loss.backward()
        opt.step()


def _is_plain(value) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, (str, int)) and _is_plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_is_plain(v) for v in value)
    return isinstance(value, (int, float, str, bool, type(None), np.ndarray))


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_state_dict_resume_continues_bit_exactly(name) -> None:
    make = OPTIMIZERS[name]
    straight = _model()
    opt = make(straight.parameters())
    _train(straight, opt, 5, seed=1)
    _train(straight, opt, 5, seed=2)

    first = _model()
    opt1 = make(first.parameters())
    _train(first, opt1, 5, seed=1)
    saved_model, saved_opt = first.state_dict(), opt1.state_dict()
    assert _is_plain(saved_opt)

    resumed = _model(seed=99)  # different weights, then restored
    resumed.load_state_dict(saved_model)
    opt2 = make(resumed.parameters())
    opt2.load_state_dict(saved_opt)
    _train(resumed, opt2, 5, seed=2)
    for a, b in zip(straight.parameters(), resumed.parameters()):
        np.testing.assert_array_equal(a.data, b.data)


def test_state_dict_is_a_copy_and_survives_a_plain_round_trip() -> None:
    model = _model()
    opt = optim.Adam(model.parameters(), lr=0.01)
    _train(model, opt, 2)
    sd = opt.state_dict()
    sd["state"][0]["exp_avg"][...] = 123.0
    assert not np.any(opt.state[next(model.parameters())]["exp_avg"] == 123.0)
    # as a serializer without pickle could hand it back: str keys, lists, 0-d arrays
    sd = opt.state_dict()
    mangled = {
        "state": {str(k): {n: np.asarray(v) for n, v in s.items()} for k, s in sd["state"].items()},
        "param_groups": [dict(g, betas=list(g["betas"])) for g in sd["param_groups"]],
    }
    opt2 = optim.Adam(_model().parameters(), lr=0.5)
    opt2.load_state_dict(mangled)
    assert opt2.param_groups[0]["betas"] == (0.9, 0.999) and opt2.param_groups[0]["lr"] == 0.01
    steps = [s["step"] for s in opt2.state.values()]
    assert steps == [2] * 4 and all(type(s) is int for s in steps)


def test_load_state_dict_rejects_mismatches_without_changing_anything() -> None:
    model = _model()
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    _train(model, opt, 1)
    other = optim.SGD(nn.Linear(3, 4).parameters(), lr=0.1)
    with pytest.raises(ValueError, match="group 0 has 4 parameters in the state but 2"):
        other.load_state_dict(opt.state_dict())
    groups = [{"params": [nn.Parameter(np.zeros(1))]}, {"params": [nn.Parameter(np.zeros(1))]}]
    two_groups = optim.SGD(groups, lr=0.1)
    with pytest.raises(ValueError, match="2 parameter groups"):
        optim.SGD([nn.Parameter(np.zeros(1))], lr=0.1).load_state_dict(two_groups.state_dict())
    sd = opt.state_dict()
    sd["state"][0]["momentum_buffer"] = np.zeros((9, 9))
    target = optim.SGD(_model().parameters(), lr=0.7, momentum=0.9)
    with pytest.raises(ValueError, match=r"shape \(9, 9\)"):
        target.load_state_dict(sd)
    assert target.param_groups[0]["lr"] == 0.7 and target.state == {}


def test_param_groups_get_their_own_settings_and_defaults() -> None:
    model = _model()
    opt = optim.SGD(
        [{"params": model[0].parameters()}, {"params": model[2].parameters(), "lr": 0.0}],
        lr=0.1,
        momentum=0.9,
    )
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.0]
    assert all(g["momentum"] == 0.9 for g in opt.param_groups)
    frozen = [p.data.copy() for p in model[2].parameters()]
    _train(model, opt, 2)
    for before, p in zip(frozen, model[2].parameters()):
        np.testing.assert_array_equal(before, p.data)  # lr 0: untouched
    opt.add_param_group({"params": [nn.Parameter(np.zeros(2))], "lr": 0.5})
    assert opt.param_groups[-1]["momentum"] == 0.9 and opt.param_groups[-1]["lr"] == 0.5


def test_parameters_without_gradients_are_left_alone() -> None:
    a, b = nn.Parameter(np.ones(2)), nn.Parameter(np.ones(2), requires_grad=False)
    opt = optim.Adam([a, b], lr=0.1)
    a.grad = np.ones(2, dtype=np.float32)
    opt.step()
    np.testing.assert_array_equal(b.data, 1.0)
    assert b not in opt.state and a in opt.state


def test_zero_grad_modes() -> None:
    p = nn.Parameter(np.ones(2))
    opt = optim.SGD([p], lr=0.1)
    p.grad = np.ones(2, dtype=np.float32)
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(p.grad, 0.0)
    opt.zero_grad()
    assert p.grad is None


def test_bad_parameter_lists() -> None:
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="single Tensor"):
        optim.SGD(nn.Parameter(np.zeros(2)), lr=0.1)
    with pytest.raises(TypeError, match="ndarray"):
        optim.SGD([np.zeros(2)], lr=0.1)
    w = nn.Parameter(np.zeros(2))
    with pytest.raises(ValueError, match="more than once"):
        optim.SGD([w, w], lr=0.1)
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([w * 2], lr=0.1)


def test_repr_lists_groups() -> None:
    text = repr(optim.SGD([nn.Parameter(np.zeros(1))], lr=0.1))
    assert text.startswith("SGD (") and "lr: 0.1" in text


def test_optimizer_registry() -> None:
    assert optim.OPTIMIZERS["adamw"] is optim.AdamW
