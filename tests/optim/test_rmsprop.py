"""RMSprop: closed-form first step, NumPy reference of PyTorch's rule, convergence."""

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


def test_rmsprop_first_step_in_closed_form() -> None:
    # s = (1 - alpha) g^2, so the step is lr * g / (sqrt(1 - alpha) |g|) = lr sign(g) / sqrt(0.01)
    g = np.array([0.3, -7.0])
    w = run_with_grads(lambda p: optim.RMSprop(p, lr=0.01, eps=0.0), np.zeros(2), [g])
    np.testing.assert_allclose(w, -0.01 * np.sign(g) / np.sqrt(0.01), rtol=1e-12)


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


def test_minimises_a_quadratic() -> None:
    target = np.array([2.0, -1.0])
    w = nn.Parameter(np.zeros(2), dtype=np.float64)
    opt = optim.RMSprop([w], lr=0.01)
    for _ in range(600):
        opt.zero_grad()
        ((w - target) ** 2).sum().backward()
        opt.step()
    np.testing.assert_allclose(w.data, target, atol=0.01)


@pytest.mark.parametrize(
    "kwargs, match", [(dict(alpha=1.0), "alpha"), (dict(momentum=-1), "momentum")]
)
def test_bad_settings(kwargs, match) -> None:
    with pytest.raises(ValueError, match=match):
        optim.RMSprop([nn.Parameter(np.zeros(1))], **kwargs)
