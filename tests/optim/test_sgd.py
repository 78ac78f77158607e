"""SGD: closed-form steps, a NumPy reference of PyTorch's rule, convergence, errors."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn, optim

from .fixed_grads import run_with_grads


def sgd_reference(w, grads, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    """SGD as the PyTorch docs write it, in plain NumPy."""
    w, buf = w.copy(), None
    for g in grads:
        g = g + weight_decay * w
        if momentum:
            buf = g.copy() if buf is None else momentum * buf + (1 - dampening) * g
            g = g + momentum * buf if nesterov else buf
        w = w - lr * g
    return w


def test_plain_step_is_w_minus_lr_grad() -> None:
    w = nn.Parameter(np.array([1.0, -2.0]), dtype=np.float64)
    w.grad = np.array([0.5, 4.0])
    optim.SGD([w], lr=0.1).step()
    np.testing.assert_allclose(w.data, [0.95, -2.4], rtol=1e-15)


def test_momentum_two_steps_in_closed_form() -> None:
    # constant g: v1 = g, v2 = m g + g, so w2 = w0 - lr g - lr (1 + m) g
    g, lr, m = np.array([1.0, -2.0]), 0.1, 0.9
    w = run_with_grads(lambda p: optim.SGD(p, lr=lr, momentum=m), np.zeros(2), [g, g])
    np.testing.assert_allclose(w, -lr * g - lr * (1 + m) * g, rtol=1e-14)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(lr=0.1),
        dict(lr=0.05, momentum=0.9),
        dict(lr=0.05, momentum=0.9, dampening=0.3),
        dict(lr=0.05, momentum=0.8, nesterov=True),
        dict(lr=0.1, weight_decay=0.01),
        dict(lr=0.02, momentum=0.5, weight_decay=0.1, nesterov=True),
    ],
)
def test_matches_the_numpy_reference(grad_sequence, kwargs) -> None:
    w0, grads = grad_sequence
    ours = run_with_grads(lambda p: optim.SGD(p, **kwargs), w0, grads)
    np.testing.assert_allclose(ours, sgd_reference(w0, grads, **kwargs), rtol=1e-12, atol=1e-14)


def test_does_not_modify_the_gradient_arrays(grad_sequence) -> None:
    w0, grads = grad_sequence
    copies = [g.copy() for g in grads]
    run_with_grads(lambda p: optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.1), w0, grads)
    for g, c in zip(grads, copies):
        np.testing.assert_array_equal(g, c)


@pytest.mark.parametrize("kwargs", [dict(momentum=0.0), dict(momentum=0.9, nesterov=True)])
def test_minimises_a_quadratic_through_backward(kwargs) -> None:
    target = np.array([3.0, -1.0, 0.5])
    w = nn.Parameter(np.zeros(3), dtype=np.float64)
    opt = optim.SGD([w], lr=0.05, **kwargs)
    for _ in range(300):
        opt.zero_grad()
        loss = ((w - target) ** 2).sum()
        loss.backward()
        opt.step()
    np.testing.assert_allclose(w.data, target, atol=1e-6)


def test_keeps_float32() -> None:
    w = nn.Parameter(np.ones(3))
    w.grad = np.ones(3, dtype=np.float32)
    opt = optim.SGD([w], lr=0.1, momentum=0.9, weight_decay=0.01)
    opt.step()
    opt.step()
    assert w.dtype == np.float32
    assert opt.state[w]["momentum_buffer"].dtype == np.float32


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(lr=-1.0), "learning rate"),
        (dict(lr=0.1, momentum=-0.5), "momentum"),
        (dict(lr=0.1, nesterov=True), "Nesterov"),
        (dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "Nesterov"),
        (dict(lr=0.1, weight_decay=-1.0), "weight_decay"),
    ],
)
def test_bad_settings(kwargs, match) -> None:
    with pytest.raises(ValueError, match=match):
        optim.SGD([nn.Parameter(np.zeros(1))], **kwargs)


def test_closure_is_evaluated_with_gradients_on() -> None:
    w = nn.Parameter(np.array([2.0]), dtype=np.float64)
    opt = optim.SGD([w], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert loss.item() == 4.0
    np.testing.assert_allclose(w.data, [1.0])  # 2 - 0.25 * 4
    assert rg.is_grad_enabled()
