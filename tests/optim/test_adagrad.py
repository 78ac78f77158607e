"""Adagrad: closed-form first step, NumPy reference of PyTorch's rule, convergence."""

from __future__ import annotations

import numpy as np
import pytest

from retrograd import nn, optim

from .fixed_grads import run_with_grads


def adagrad_reference(
    w, grads, lr=0.01, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10
):
    """Adagrad as the PyTorch docs write it, in plain NumPy."""
    w, s = w.copy(), np.full_like(w, initial_accumulator_value)
    for t, g in enumerate(grads, start=1):
        g = g + weight_decay * w
        clr = lr / (1 + (t - 1) * lr_decay)
        s = s + g * g
        w = w - clr * g / (np.sqrt(s) + eps)
    return w


def test_adagrad_first_step_in_closed_form() -> None:
    # s = g^2: the first step is lr * sign(g)
    g = np.array([0.3, -7.0])
    w = run_with_grads(lambda p: optim.Adagrad(p, lr=0.5, eps=0.0), np.zeros(2), [g])
    np.testing.assert_allclose(w, -0.5 * np.sign(g), rtol=1e-12)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(),
        dict(lr=0.1, lr_decay=0.5),
        dict(lr=0.1, weight_decay=0.2, initial_accumulator_value=0.5),
    ],
)
def test_adagrad_matches_the_numpy_reference(grad_sequence, kwargs) -> None:
    w0, grads = grad_sequence
    ours = run_with_grads(lambda p: optim.Adagrad(p, **kwargs), w0, grads)
    ref = adagrad_reference(w0, grads, **kwargs)
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-14)


def test_minimises_a_quadratic() -> None:
    target = np.array([2.0, -1.0])
    w = nn.Parameter(np.zeros(2), dtype=np.float64)
    opt = optim.Adagrad([w], lr=0.5)
    for _ in range(600):
        opt.zero_grad()
        ((w - target) ** 2).sum().backward()
        opt.step()
    np.testing.assert_allclose(w.data, target, atol=0.01)


@pytest.mark.parametrize("kwargs, match", [(dict(lr_decay=-1), "lr_decay"), (dict(eps=-1), "eps")])
def test_bad_settings(kwargs, match) -> None:
    with pytest.raises(ValueError, match=match):
        optim.Adagrad([nn.Parameter(np.zeros(1))], **kwargs)
