"""FixedPointLayer (Almeida-Pineda recurrent backprop): gradcheck, agreement with long
unrolled BPTT, flat memory in the iteration count, convergence errors, training."""

from __future__ import annotations

import json
import tracemalloc

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn, optim
from retrograd.ops.fixed_point import FixedPointError

F64 = np.float64


def _layer(rng, **kw):
    kw.setdefault("tol", 1e-12)
    kw.setdefault("max_iter", 20000)
    return nn.FixedPointLayer(3, 5, rng=rng, dtype=F64, **kw)


@pytest.mark.parametrize(
    "opts",
    [{}, {"activation": "sigmoid"}, {"activation": "relu"}, {"step_size": 0.5}, {"bias": False}],
    ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "default",
)
def test_gradcheck(opts, rng):
    layer = _layer(rng, spectral_radius=0.7, **opts)
    x = rg.tensor(rng.normal(size=(4, 3)), dtype=F64, requires_grad=True)
    assert rg.gradcheck(lambda *_: layer(x), [x, *layer.parameters()], atol=1e-7, rtol=1e-5)


def _unrolled_bptt(layer, x, steps):
    """The same network unrolled for ``steps`` plain iterations, differentiated by BPTT."""
    s = rg.tensor(np.zeros((x.shape[0], layer.state_size)), dtype=F64)
    for _ in range(steps):
        s = rg.tanh(s @ layer.weight_hh.T + x @ layer.weight_ih.T + layer.bias)
    return s


def test_matches_long_unrolled_bptt(rng):
    layer = _layer(rng, spectral_radius=0.9)
    x = rg.tensor(rng.normal(size=(6, 3)), dtype=F64, requires_grad=True)
    target = rng.normal(size=(6, 5))

    def loss_of(s):
        return ((s - rg.tensor(target, dtype=F64)) ** 2).sum()

    loss_of(layer(x)).backward()
    rbp = {n: p.grad.copy() for n, p in layer.named_parameters()} | {"x": x.grad.copy()}
    assert layer.last_forward_iterations > 20 and layer.last_backward_iterations > 20
    layer.zero_grad()
    x.grad = None
    loss_of(_unrolled_bptt(layer, x, 400)).backward()
    bptt = {n: p.grad for n, p in layer.named_parameters()} | {"x": x.grad}
    for name in rbp:
        np.testing.assert_allclose(rbp[name], bptt[name], rtol=1e-7, atol=1e-9, err_msg=name)


def _peak_bytes(fn) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    fn()
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return peak


def test_memory_is_flat_in_the_number_of_iterations(rng):
    """Same network and fixed point, relaxed with ~10 vs ~1000+ iterations: recurrent
    backprop's peak memory stays the same, while BPTT through the iterations grows."""
    N, S = 64, 32
    x = rg.tensor(rng.normal(size=(N, 8)), dtype=F64)
    runs = {}
    for step in (1.0, 0.01):
        layer = nn.FixedPointLayer(
            8, S, tol=1e-9, max_iter=100_000, step_size=step, spectral_radius=0.3, dtype=F64,
            rng=np.random.default_rng(0),
        )  # fmt: skip

        def train_step(layer=layer):
            layer(x).sum().backward()

        runs[step] = (_peak_bytes(train_step), layer.last_forward_iterations)
    (few_mem, few_it), (many_mem, many_it) = runs[1.0], runs[0.01]
    assert few_it <= 25 and many_it >= 1000, (few_it, many_it)
    assert many_mem < 1.5 * few_mem + 50_000, (few_mem, many_mem)
    # the contrast that makes the test meaningful: BPTT through 10 vs 200 iterations
    layer = nn.FixedPointLayer(8, S, spectral_radius=0.3, dtype=F64, rng=np.random.default_rng(0))
    unrolled = [
        _peak_bytes(lambda k=k: _unrolled_bptt(layer, x, k).sum().backward()) for k in (10, 200)
    ]
    assert unrolled[1] > 5 * unrolled[0] and unrolled[1] > 5 * many_mem


def test_no_convergence_raises_a_clear_error(rng):
    layer = nn.FixedPointLayer(3, 5, max_iter=3, tol=1e-12, rng=rng, dtype=F64)
    with pytest.raises(FixedPointError, match=r"FixedPointLayer\(3, 5\) forward.*after 3 iter"):
        layer(rg.tensor(rng.normal(size=(2, 3)), dtype=F64))
    chaotic = nn.FixedPointLayer(
        3, 5, spectral_radius=8.0, max_spectral_norm=None, max_iter=200, rng=rng, dtype=F64
    )
    with pytest.raises(FixedPointError, match="residual"):
        chaotic(rg.tensor(rng.normal(size=(2, 3)), dtype=F64))


def test_adjoint_no_convergence_raises(rng):
    layer = nn.FixedPointLayer(3, 5, tol=1e-10, max_iter=500, rng=rng, dtype=F64)
    s = layer(rg.tensor(rng.normal(size=(2, 3)), dtype=F64))
    s._node.max_iter = 2  # the forward settled; now starve the adjoint solve
    with pytest.raises(FixedPointError, match=r"adjoint \(backward\) did not converge.*after 2"):
        s.sum().backward()


def test_max_spectral_norm_projects_the_recurrent_weight(rng):
    layer = nn.FixedPointLayer(3, 5, max_spectral_norm=0.9, rng=rng, dtype=F64)
    layer.weight_hh.data = layer.weight_hh.data * 10
    before = np.linalg.norm(layer.weight_hh.data, 2)
    layer(rg.tensor(rng.normal(size=(2, 3)), dtype=F64))
    assert before > 4 and np.isclose(np.linalg.norm(layer.weight_hh.data, 2), 0.9)


def test_zero_gradient_needs_no_iterations(rng):
    layer = _layer(rng)
    s = layer(rg.tensor(rng.normal(size=(2, 3)), dtype=F64))
    s.backward(np.zeros(s.shape))
    assert layer.last_backward_iterations == 0
    assert np.all(layer.weight_hh.grad == 0)


def test_float32_and_settled_state(rng):
    layer = nn.FixedPointLayer(3, 5, rng=rng)
    x = rg.tensor(rng.normal(size=(4, 3)))
    s = layer(x)
    assert s.dtype == np.float32
    again = np.tanh(
        s.data @ layer.weight_hh.data.T + x.data @ layer.weight_ih.data.T + layer.bias.data
    )
    np.testing.assert_allclose(again, s.data, atol=1e-4)  # s* = F(s*)


def test_config_and_input_errors(rng):
    layer = nn.FixedPointLayer(3, 5, activation="sigmoid", step_size=0.5, bias=False)
    clone = nn.FixedPointLayer(**json.loads(json.dumps(layer.get_config())))
    assert clone.get_config() == layer.get_config() and clone.bias is None
    with pytest.raises(ValueError, match=r"FixedPointLayer\(3, 5\).*\(2, 4\)"):
        layer(rg.tensor(np.zeros((2, 4))))
    with pytest.raises(ValueError, match="activation"):
        nn.FixedPointLayer(3, 5, activation="softmax")
    with pytest.raises(ValueError, match="step_size"):
        nn.FixedPointLayer(3, 5, step_size=1.5)


def test_recurrent_backprop_trains_a_classifier():
    """Two interleaved moons: fixed-point layer + linear readout, trained only with the
    adjoint gradient, separates them."""
    data_rng = np.random.default_rng(0)
    t = data_rng.uniform(0, np.pi, 200)
    label = data_rng.integers(0, 2, 200)
    X = np.where(
        label[:, None] == 0, np.c_[np.cos(t), np.sin(t)], np.c_[1 - np.cos(t), 0.5 - np.sin(t)]
    )
    X = (X + data_rng.normal(0, 0.1, X.shape)).astype(np.float32)
    fp = nn.FixedPointLayer(2, 16, spectral_radius=0.5, rng=np.random.default_rng(1))
    head = nn.Linear(16, 2, rng=np.random.default_rng(2))
    opt = optim.Adam(list(fp.parameters()) + list(head.parameters()), lr=0.02)
    xt = rg.tensor(X)
    for _ in range(150):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(head(fp(xt)), label)
        loss.backward()
        opt.step()
    acc = (head(fp(xt)).data.argmax(1) == label).mean()
    assert acc > 0.95, acc
