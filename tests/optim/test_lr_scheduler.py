"""Learning-rate schedulers: closed forms, ReduceLROnPlateau rules, state_dict resume."""

from __future__ import annotations

import math

import numpy as np
import pytest

from retrograd import nn, optim
from retrograd.optim import lr_scheduler as S


def _opt(lr=1.0, groups=1):
    ps = [{"params": [nn.Parameter(np.zeros(1))], "lr": lr * (i + 1)} for i in range(groups)]
    return optim.SGD(ps, lr=lr)


def _lrs(sched, epochs):
    out = []
    for _ in range(epochs):
        out.append(sched.optimizer.param_groups[0]["lr"])
        sched.step()
    return out


def test_step_lr() -> None:
    sched = S.StepLR(_opt(), step_size=3, gamma=0.5)
    expected = [0.5 ** (e // 3) for e in range(10)]
    np.testing.assert_allclose(_lrs(sched, 10), expected, rtol=1e-15)


def test_multistep_lr() -> None:
    sched = S.MultiStepLR(_opt(), milestones=[4, 2], gamma=0.1)
    np.testing.assert_allclose(_lrs(sched, 6), [1, 1, 0.1, 0.1, 0.01, 0.01], rtol=1e-12)


def test_exponential_lr() -> None:
    np.testing.assert_allclose(
        _lrs(S.ExponentialLR(_opt(2.0), gamma=0.9), 6), [2.0 * 0.9**e for e in range(6)]
    )


def test_cosine_annealing_reaches_eta_min_at_t_max() -> None:
    sched = S.CosineAnnealingLR(_opt(1.0), T_max=8, eta_min=0.1)
    lrs = _lrs(sched, 9)
    expected = [0.1 + 0.9 * (1 + math.cos(math.pi * e / 8)) / 2 for e in range(9)]
    np.testing.assert_allclose(lrs, expected, rtol=1e-12)
    assert lrs[0] == 1.0 and lrs[8] == pytest.approx(0.1)
    assert all(a > b for a, b in zip(lrs, lrs[1:]))


def test_linear_warmup() -> None:
    sched = S.LinearLR(_opt(2.0), start_factor=0.1, end_factor=1.0, total_iters=4)
    expected = [2.0 * (0.1 + 0.9 * min(e, 4) / 4) for e in range(7)]
    np.testing.assert_allclose(_lrs(sched, 7), expected, rtol=1e-12)


def test_lambda_lr_per_group_and_state_without_functions() -> None:
    opt = _opt(1.0, groups=2)
    sched = S.LambdaLR(opt, [lambda e: 0.5**e, lambda e: 1.0 / (e + 1)])
    sched.step()
    sched.step()
    assert sched.get_last_lr() == [0.25, 2.0 / 3]
    state = sched.state_dict()
    assert "lr_lambdas" not in state and state["last_epoch"] == 2
    with pytest.raises(ValueError, match="callables"):
        S.LambdaLR(opt, [lambda e: 1.0])


def test_each_group_follows_its_own_base_rate() -> None:
    sched = S.StepLR(_opt(1.0, groups=2), step_size=1, gamma=0.5)
    sched.step()
    assert sched.get_last_lr() == [0.5, 1.0]
    assert [g["initial_lr"] for g in sched.optimizer.param_groups] == [1.0, 2.0]


def test_plateau_cuts_after_patience_and_respects_cooldown_and_min_lr() -> None:
    opt = _opt(1.0)
    sched = S.ReduceLROnPlateau(opt, factor=0.5, patience=2, cooldown=1, min_lr=0.2)
    history = []
    for metric in [1.0, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]:
        sched.step(metric)
        history.append(opt.param_groups[0]["lr"])
    # best 0.5 at call 2; calls 3-5 are bad (3 > patience 2): cut at call 5, one call of
    # cooldown, three more bad calls: cut at call 9; the next would go below min_lr (0.2).
    assert history == [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.2]


def test_plateau_mode_max_and_threshold() -> None:
    opt = _opt(1.0)
    sched = S.ReduceLROnPlateau(opt, mode="max", patience=0, threshold=0.1, threshold_mode="abs")
    sched.step(0.5)
    sched.step(0.55)  # not better by more than 0.1: bad, patience 0 -> cut
    assert sched.get_last_lr() == [0.1]
    sched.step(0.7)  # better
    assert sched.get_last_lr() == [0.1] and sched.best == 0.7


def test_plateau_counts_nan_as_bad() -> None:
    sched = S.ReduceLROnPlateau(_opt(1.0), patience=0)
    sched.step(1.0)
    sched.step(float("nan"))
    assert sched.get_last_lr() == [pytest.approx(0.1)]


def test_plateau_needs_the_metric() -> None:
    with pytest.raises(TypeError, match="monitored value"):
        S.ReduceLROnPlateau(_opt()).step()


SCHEDULERS = {
    "step": lambda o: S.StepLR(o, step_size=2, gamma=0.7),
    "multistep": lambda o: S.MultiStepLR(o, [1, 3], gamma=0.5),
    "exp": lambda o: S.ExponentialLR(o, gamma=0.8),
    "cosine": lambda o: S.CosineAnnealingLR(o, T_max=5, eta_min=0.01),
    "linear": lambda o: S.LinearLR(o, start_factor=0.2, total_iters=4),
    "lambda": lambda o: S.LambdaLR(o, lambda e: 0.9**e),
}


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_state_dict_resume(name) -> None:
    make = SCHEDULERS[name]
    straight = make(_opt())
    expected = _lrs(straight, 8)
    first = make(_opt())
    _lrs(first, 3)
    state = first.state_dict()
    assert "optimizer" not in state
    opt = _opt()
    resumed = make(opt)
    resumed.load_state_dict(state)
    opt.param_groups[0]["lr"] = resumed.get_last_lr()[0]  # the optimizer's state carries it
    assert expected[3:] == _lrs(resumed, 5)


def test_plateau_state_dict_resume() -> None:
    metrics = [1.0, 0.9, 0.9, 0.9, 0.9, 0.8, 0.8, 0.8, 0.8]
    a = S.ReduceLROnPlateau(_opt(), patience=1, factor=0.5)
    for m in metrics:
        a.step(m)
    b1 = S.ReduceLROnPlateau(_opt(), patience=1, factor=0.5)
    for m in metrics[:4]:
        b1.step(m)
    opt = _opt()
    opt.param_groups[0]["lr"] = b1.optimizer.param_groups[0]["lr"]
    b2 = S.ReduceLROnPlateau(opt, patience=1, factor=0.5)
    b2.load_state_dict(b1.state_dict())
    for m in metrics[4:]:
        b2.step(m)
    assert b2.get_last_lr() == a.get_last_lr() and b2.state_dict() == a.state_dict()


def test_bad_settings() -> None:
    with pytest.raises(ValueError, match="step_size"):
        S.StepLR(_opt(), step_size=0)
    with pytest.raises(ValueError, match="T_max"):
        S.CosineAnnealingLR(_opt(), T_max=0)
    with pytest.raises(ValueError, match="factor"):
        S.ReduceLROnPlateau(_opt(), factor=1.0)
    with pytest.raises(ValueError, match="mode"):
        S.ReduceLROnPlateau(_opt(), mode="lowest")
    with pytest.raises(TypeError, match="Optimizer"):
        S.StepLR("sgd", step_size=1)
    with pytest.raises(KeyError, match="initial_lr"):
        S.StepLR(_opt(), step_size=1, last_epoch=4)
    with pytest.raises(KeyError, match="unknown keys"):
        S.StepLR(_opt(), step_size=1).load_state_dict({"bogus": 1})
