"""RMSprop and Adagrad: closed-form first steps, NumPy references, convergence."""

from __future__ import annotations

import numpy as np
import pytest

from retrograd import nn, optim

from .fixed_grads import run_with_grads


def rmsprop_reference(
    w, grads, lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False
):
    """RMSprop as the PyTorch docs write it, in plain NumPy."""
    w, s, c, b = w.copy(), np.zeros_like(w), np.zeros_like(w), np.zeros_like(w)
    for g in grads:
        g = g + weight_decay * w
        s = alpha * s + (1 - alpha) * g * g
        if centered:
            c = alpha * c + (1 - alpha) * g
            den = np.sqrt(s - c * c) + eps
        else:
            den = np.sqrt(s) + eps
        if momentum > 0:
            b = momentum * b + g / den
            w = w - lr * b
        else:
            w = w - lr * g / den
    return w


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


def test_rmsprop_first_step_in_closed_form() -> None:
    # s = (1 - alpha) g^2, so the step is lr * g / (sqrt(1 - alpha) |g|) = lr sign(g) / sqrt(0.01)
    g = np.array([0.3, -7.0])
    w = run_with_grads(lambda p: optim.RMSprop(p, lr=0.01, eps=0.0), np.zeros(2), [g])
    np.testing.assert_allclose(w, -0.01 * np.sign(g) / np.sqrt(0.01), rtol=1e-12)


def test_adagrad_first_step_in_closed_form() -> None:
    # s = g^2: the first step is lr * sign(g)
    g = np.array([0.3, -7.0])
    w = run_with_grads(lambda p: optim.Adagrad(p, lr=0.5, eps=0.0), np.zeros(2), [g])
    np.testing.assert_allclose(w, -0.5 * np.sign(g), rtol=1e-12)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(),
        dict(lr=0.001, alpha=0.9),
        dict(lr=0.001, momentum=0.9),
        dict(lr=0.001, centered=True),
        dict(lr=0.001, centered=True, momentum=0.5, weight_decay=0.1, eps=1e-4),
    ],
)
def test_rmsprop_matches_the_numpy_reference(grad_sequence, kwargs) -> None:
    w0, grads = grad_sequence
    ours = run_with_grads(lambda p: optim.RMSprop(p, **kwargs), w0, grads)
    ref = rmsprop_reference(w0, grads, **kwargs)
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-14)


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


@pytest.mark.parametrize(
    "make", [lambda p: optim.RMSprop(p, lr=0.01), lambda p: optim.Adagrad(p, lr=0.5)]
)
def test_minimises_a_quadratic(make) -> None:
    target = np.array([2.0, -1.0])
    w = nn.Parameter(np.zeros(2), dtype=np.float64)
    opt = make([w])
    for _ in range(600):
        opt.zero_grad()
        ((w - target) ** 2).sum().backward()
        opt.step()
    np.testing.assert_allclose(w.data, target, atol=1e-2)


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda p: optim.RMSprop(p, alpha=1.0), "alpha"),
        (lambda p: optim.RMSprop(p, momentum=-1), "momentum"),
        (lambda p: optim.Adagrad(p, lr_decay=-1), "lr_decay"),
        (lambda p: optim.Adagrad(p, eps=-1), "eps"),
    ],
)
def test_bad_settings(make, match) -> None:
    with pytest.raises(ValueError, match=match):
        make([nn.Parameter(np.zeros(1))])
