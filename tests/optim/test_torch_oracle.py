"""Oracle tests: the first steps of every optimizer and schedule equal PyTorch's (if installed)."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn, optim
from retrograd.optim import lr_scheduler as S

from .fixed_grads import run_with_grads

torch = pytest.importorskip("torch")

CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.2, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.95), weight_decay=0.1, amsgrad=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.02, weight_decay=0.3, amsgrad=True, eps=1e-6)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.8, centered=True, weight_decay=0.05)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.3)),
]


@pytest.mark.parametrize(
    "name, kwargs", CONFIGS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CONFIGS)]
)
def test_ten_steps_match_torch(name, kwargs) -> None:
    rng = np.random.default_rng(7)
    w0 = rng.normal(size=(4, 3))
    grads = [rng.normal(size=(4, 3)) * rng.uniform(0.1, 3) for _ in range(10)]
    ours = run_with_grads(lambda p: getattr(optim, name)(p, **kwargs), w0, grads)
    w = torch.tensor(w0.copy(), requires_grad=True)
    opt = getattr(torch.optim, name)([w], **kwargs)
    for g in grads:
        w.grad = torch.tensor(g)
        opt.step()
    np.testing.assert_allclose(ours, w.detach().numpy(), rtol=1e-10, atol=1e-12)


SCHEDULES = [
    (lambda o: S.StepLR(o, 3, 0.5), lambda o: torch.optim.lr_scheduler.StepLR(o, 3, 0.5)),
    (
        lambda o: S.MultiStepLR(o, [2, 5], 0.3),
        lambda o: torch.optim.lr_scheduler.MultiStepLR(o, [2, 5], 0.3),
    ),
    (lambda o: S.ExponentialLR(o, 0.9), lambda o: torch.optim.lr_scheduler.ExponentialLR(o, 0.9)),
    (
        lambda o: S.CosineAnnealingLR(o, 6, 0.01),
        lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, 6, 0.01),
    ),
    (
        lambda o: S.LinearLR(o, 0.2, 0.9, 4),
        lambda o: torch.optim.lr_scheduler.LinearLR(o, 0.2, 0.9, 4),
    ),
    (
        lambda o: S.LambdaLR(o, lambda e: 1 / (1 + e) ** 0.5),
        lambda o: torch.optim.lr_scheduler.LambdaLR(o, lambda e: 1 / (1 + e) ** 0.5),
    ),
]


@pytest.mark.parametrize(
    "ours, theirs", SCHEDULES, ids=["step", "multistep", "exp", "cosine", "linear", "lambda"]
)
def test_schedules_match_torch(ours, theirs) -> None:
    o1 = optim.SGD([nn.Parameter(np.zeros(1))], lr=0.5)
    o2 = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.5)
    s1, s2 = ours(o1), theirs(o2)
    for _ in range(12):
        assert o1.param_groups[0]["lr"] == pytest.approx(o2.param_groups[0]["lr"], rel=1e-12)
        o2.step()
        s1.step()
        s2.step()


def test_plateau_matches_torch() -> None:
    rng = np.random.default_rng(0)
    metrics = np.cumsum(rng.normal(size=40) * 0.1) + 5
    kwargs = dict(factor=0.5, patience=2, cooldown=1, threshold=0.01, min_lr=0.01)
    o1 = optim.SGD([nn.Parameter(np.zeros(1))], lr=1.0)
    o2 = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    s1 = S.ReduceLROnPlateau(o1, **kwargs)
    s2 = torch.optim.lr_scheduler.ReduceLROnPlateau(o2, **kwargs)
    for m in metrics:
        s1.step(float(m))
        s2.step(float(m))
        assert o1.param_groups[0]["lr"] == pytest.approx(o2.param_groups[0]["lr"], rel=1e-12)


@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf")])
def test_clip_grad_norm_matches_torch(norm_type) -> None:
    rng = np.random.default_rng(3)
    grads = [rng.normal(size=s) * 3 for s in [(3, 4), (4,), (2, 2)]]
    ours = [nn.Parameter(np.zeros(g.shape), dtype=np.float64) for g in grads]
    theirs = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for p, q, g in zip(ours, theirs, grads):
        p.grad, q.grad = g, torch.tensor(g)
    n1 = optim.clip_grad_norm_(ours, 1.5, norm_type=norm_type)
    n2 = torch.nn.utils.clip_grad_norm_(theirs, 1.5, norm_type=norm_type)
    assert n1 == pytest.approx(float(n2), rel=1e-12)
    for p, q in zip(ours, theirs):
        np.testing.assert_allclose(p.grad, q.grad.numpy(), rtol=1e-12)


def test_mlp_training_steps_match_torch_with_the_same_state_dict() -> None:
    """Same weights (state dicts map key for key), same data: 5 AdamW steps agree."""
    rng = np.random.default_rng(11)
    X, y = rng.normal(size=(16, 4)), rng.integers(0, 3, size=16)
    ours = nn.Sequential(
        nn.Linear(4, 8, dtype=np.float64), nn.Tanh(), nn.Linear(8, 3, dtype=np.float64)
    )
    theirs = torch.nn.Sequential(
        torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3)
    ).double()
    theirs.load_state_dict({k: torch.tensor(v) for k, v in ours.state_dict().items()})
    opt1 = optim.AdamW(ours.parameters(), lr=0.01)
    opt2 = torch.optim.AdamW(theirs.parameters(), lr=0.01)
    for _ in range(5):
        opt1.zero_grad()
        nn.CrossEntropyLoss()(ours(rg.tensor(X, dtype=np.float64)), y).backward()
        opt1.step()
        opt2.zero_grad()
        torch.nn.functional.cross_entropy(theirs(torch.tensor(X)), torch.tensor(y)).backward()
        opt2.step()
    for name, value in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[name], value.numpy(), rtol=1e-9, atol=1e-12)
