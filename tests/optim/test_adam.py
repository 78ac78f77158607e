"""Adam and AdamW: closed-form first step, NumPy reference, decoupled decay, convergence."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn, optim

from .fixed_grads import run_with_grads


def adam_reference(
    w, grads, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False,
    decoupled=False,
):  # fmt: skip
    """Adam/AdamW as the PyTorch docs write them, in plain NumPy."""
    b1, b2 = betas
    w, m, v, vmax = w.copy(), np.zeros_like(w), np.zeros_like(w), np.zeros_like(w)
    for t, g in enumerate(grads, start=1):
        if decoupled:
            w = w * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * w
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat = m / (1 - b1**t)
        if amsgrad:
            vmax = np.maximum(vmax, v)
            v_hat = vmax / (1 - b2**t)
        else:
            v_hat = v / (1 - b2**t)
        w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w


def test_first_step_moves_every_weight_by_lr_against_its_gradient_sign() -> None:
    # bias correction: m_hat = g, v_hat = g^2, so the step is lr * g / |g| (up to eps)
    g = np.array([1e-3, -5.0, 200.0])
    w = run_with_grads(lambda p: optim.Adam(p, lr=0.01, eps=0.0), np.zeros(3), [g])
    np.testing.assert_allclose(w, -0.01 * np.sign(g), rtol=1e-12)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(),
        dict(lr=0.01, betas=(0.8, 0.99)),
        dict(lr=0.01, weight_decay=0.1),
        dict(lr=0.01, amsgrad=True),
        dict(lr=0.05, eps=1e-3, weight_decay=0.01, amsgrad=True),
    ],
)
def test_adam_matches_the_numpy_reference(grad_sequence, kwargs) -> None:
    w0, grads = grad_sequence
    ours = run_with_grads(lambda p: optim.Adam(p, **kwargs), w0, grads)
    np.testing.assert_allclose(ours, adam_reference(w0, grads, **kwargs), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("kwargs", [dict(), dict(lr=0.01, weight_decay=0.5, amsgrad=True)])
def test_adamw_matches_the_numpy_reference(grad_sequence, kwargs) -> None:
    w0, grads = grad_sequence
    kwargs.setdefault("weight_decay", 0.01)
    ours = run_with_grads(lambda p: optim.AdamW(p, **kwargs), w0, grads)
    ref = adam_reference(w0, grads, decoupled=True, **kwargs)
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-14)


def test_adamw_decay_shrinks_weights_without_gradient_signal() -> None:
    # zero gradient: Adam's step is 0, so only the decoupled decay acts: w *= (1 - lr wd) per step
    w = run_with_grads(
        lambda p: optim.AdamW(p, lr=0.1, weight_decay=0.5), np.ones(2), [np.zeros(2)] * 3
    )
    np.testing.assert_allclose(w, np.full(2, 0.95**3), rtol=1e-14)


def test_adam_l2_and_adamw_differ() -> None:
    g = [np.array([0.1, -0.1])] * 3
    a = run_with_grads(lambda p: optim.Adam(p, lr=0.1, weight_decay=0.5), np.ones(2), g)
    b = run_with_grads(lambda p: optim.AdamW(p, lr=0.1, weight_decay=0.5), np.ones(2), g)
    assert not np.allclose(a, b)


@pytest.mark.parametrize("cls", [optim.Adam, optim.AdamW])
def test_minimises_a_quadratic(cls) -> None:
    target = np.array([3.0, -1.0])
    w = nn.Parameter(np.zeros(2), dtype=np.float64)
    opt = cls([w], lr=0.1, weight_decay=0.0)
    for _ in range(500):
        opt.zero_grad()
        ((w - target) ** 2).sum().backward()
        opt.step()
    np.testing.assert_allclose(w.data, target, atol=1e-3)


def test_state_holds_step_and_moments_in_the_parameter_dtype() -> None:
    w = nn.Parameter(np.ones(3))
    opt = optim.Adam([w], amsgrad=True)
    w.grad = np.ones(3, dtype=np.float32)
    opt.step()
    st = opt.state[w]
    assert st["step"] == 1 and isinstance(st["step"], int)
    assert {k: v.dtype for k, v in st.items() if k != "step"} == {
        "exp_avg": np.float32,
        "exp_avg_sq": np.float32,
        "max_exp_avg_sq": np.float32,
    }
    assert w.dtype == np.float32


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(betas=(0.9, 1.0)), "betas"),
        (dict(betas=(-0.1, 0.9)), "betas"),
        (dict(eps=-1.0), "eps"),
        (dict(lr=-0.1), "learning rate"),
        (dict(weight_decay=-0.1), "weight_decay"),
    ],
)
def test_bad_settings(kwargs, match) -> None:
    with pytest.raises(ValueError, match=match):
        optim.Adam([nn.Parameter(np.zeros(1))], **kwargs)


def test_fused_group_update_is_bitwise_the_per_weight_update():
    """Adam's flat-buffer path (several weights in a group) equals one weight per group,
    bit for bit, also across a state_dict round trip in the middle of training."""
    rng = np.random.default_rng(3)
    shapes = [(5, 4), (4,), (3, 5), (3,)]
    init = [rng.normal(size=s).astype(np.float32) for s in shapes]
    grads = [[rng.normal(size=s).astype(np.float32) for s in shapes] for _ in range(6)]
    fused = [nn.Parameter(w.copy()) for w in init]
    single = [nn.Parameter(w.copy()) for w in init]
    opt_f = optim.Adam(fused, lr=0.01)
    opt_s = optim.Adam([{"params": [p]} for p in single], lr=0.01)
    for step, gs in enumerate(grads):
        for p, q, g in zip(fused, single, gs):
            p.grad, q.grad = g, g
        opt_f.step()
        opt_s.step()
        if step == 2:  # a fresh optimizer restored from the saved state continues the same
            saved = opt_f.state_dict()
            opt_f = optim.Adam(fused, lr=0.01)
            opt_f.load_state_dict(saved)
    for p, q in zip(fused, single):
        np.testing.assert_array_equal(p.data, q.data)
    st_f, st_s = opt_f.state_dict()["state"], opt_s.state_dict()["state"]
    for i in range(len(shapes)):
        assert st_f[i]["step"] == st_s[i]["step"] == 6
        np.testing.assert_array_equal(st_f[i]["exp_avg_sq"], st_s[i]["exp_avg_sq"])


def test_fused_update_follows_betas_and_lr_changed_between_steps():
    """Schedulers change ``betas``/``lr`` between steps (OneCycle cycles beta1): the
    flat-buffer path must pick the new values up, bit for bit with the per-weight loop."""
    rng = np.random.default_rng(4)
    init, fused, single, opt_f, opt_s = _twins(optim.Adam, [(6, 3), (6,), (2, 6)], rng, lr=0.01)
    for step in range(6):
        betas, lr = ((0.85, 0.99), 0.02) if step >= 3 else ((0.9, 0.999), 0.01)
        for group in [*opt_f.param_groups, *opt_s.param_groups]:
            group["betas"], group["lr"] = betas, lr
        _step_twins(fused, single, opt_f, opt_s, rng)
    for p, q in zip(fused, single):
        np.testing.assert_array_equal(p.data, q.data)
    assert not np.array_equal(fused[0].data, init[0])


def test_fused_update_survives_weights_replaced_by_load_state_dict():
    """A model's ``load_state_dict`` mid-training gives the weights new arrays: the
    update must land on the arrays the model now holds."""
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    opt = optim.Adam(model.parameters(), lr=0.1)
    x = rg.tensor(np.ones((5, 3)))
    for _ in range(2):
        opt.zero_grad()
        model(x).sum().backward()
        opt.step()
    model.load_state_dict({k: np.ones_like(v) for k, v in model.state_dict().items()})
    opt.zero_grad()
    model(x).sum().backward()
    opt.step()
    for p in model.parameters():  # every weight moved from 1, the value it was given
        assert np.all(np.abs(p.data - 1.0) > 1e-3)


def test_epsilon_hat_is_the_papers_faster_form():
    """epsilon_hat=True: w -= lr sqrt(1-b2^t)/(1-b1^t) m / (sqrt(v) + eps) (Keras, sklearn)."""
    rng = np.random.default_rng(5)
    w0 = rng.normal(size=(3, 4))
    grads = [rng.normal(size=(3, 4)) * 10.0 ** rng.integers(-9, 1) for _ in range(5)]
    p = nn.Parameter(w0.copy(), dtype=np.float64)
    opt = optim.Adam([p], lr=0.05, eps=1e-4, epsilon_hat=True)
    w, m, v = w0.copy(), np.zeros_like(w0), np.zeros_like(w0)
    for t, g in enumerate(grads, 1):
        p.grad = g
        opt.step()
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w = w - 0.05 * np.sqrt(1 - 0.999**t) / (1 - 0.9**t) * m / (np.sqrt(v) + 1e-4)
    np.testing.assert_allclose(p.data, w, rtol=1e-13, atol=1e-15)
    torch_form = nn.Parameter(w0.copy(), dtype=np.float64)
    opt_t = optim.Adam([torch_form], lr=0.05, eps=1e-4)
    for g in grads:
        torch_form.grad = g
        opt_t.step()
    assert np.abs(torch_form.data - p.data).max() > 1e-6  # eps placement matters here


@pytest.mark.parametrize("cls", [optim.Adam, optim.AdamW])
def test_epsilon_hat_flat_path_is_bitwise_the_per_weight_path(cls):
    rng = np.random.default_rng(6)
    _, fused, single, opt_f, opt_s = _twins(
        cls, [(4, 3), (4,), (2, 4)], rng, lr=0.01, epsilon_hat=True
    )
    for _ in range(4):
        _step_twins(fused, single, opt_f, opt_s, rng)
    for p, q in zip(fused, single):
        np.testing.assert_array_equal(p.data, q.data)
    assert opt_f.state_dict()["param_groups"][0]["epsilon_hat"] is True


def _twins(cls, shapes, rng, **kw):
    """The same weights twice: one optimizer over all of them (its flat-buffer path) and
    one with a group per weight (the per-weight loop)."""
    init = [rng.normal(size=s).astype(np.float32) for s in shapes]
    fused = [nn.Parameter(w.copy()) for w in init]
    single = [nn.Parameter(w.copy()) for w in init]
    return init, fused, single, cls(fused, **kw), cls([{"params": [p]} for p in single], **kw)


def _step_twins(fused, single, opt_f, opt_s, rng):
    for p, q in zip(fused, single):
        p.grad = q.grad = rng.normal(size=p.shape).astype(np.float32)
    opt_f.step()
    opt_s.step()
