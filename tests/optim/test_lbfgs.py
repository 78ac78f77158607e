"""LBFGS and ConjugateGradient: SciPy's optimizers driven by retrograd's gradients."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("scipy")

import retrograd as rg  # noqa: E402
from retrograd import nn, optim  # noqa: E402
from retrograd.data import load_xor  # noqa: E402
from retrograd.optim.scipy_minimize import (  # noqa: E402
    flatten_grads,
    flatten_params,
    unflatten_into,
)
from retrograd.train import fit  # noqa: E402

SOLVERS = [optim.LBFGS, optim.ConjugateGradient]


def _rosenbrock_closure(opt, w):
    def closure():
        opt.zero_grad()
        x, y = w[0], w[1]
        loss = (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2
        loss.backward()
        return loss

    return closure


@pytest.mark.parametrize("cls", SOLVERS)
def test_minimises_rosenbrock(cls):
    w = nn.Parameter(np.array([-1.2, 1.0]), dtype=np.float64)
    opt = cls([w], max_iter=500)
    first = opt.step(_rosenbrock_closure(opt, w))
    assert float(first.data) == pytest.approx(24.2)  # the loss at the start, as torch returns
    np.testing.assert_allclose(w.data, [1.0, 1.0], atol=1e-4)
    assert opt.result.success and opt.n_iter == opt.result.nit > 5
    assert len(opt.loss_history) == opt.n_iter
    assert opt.loss_history[-1] == pytest.approx(opt.result.fun)
    assert all(b <= a + 1e-12 for a, b in zip(opt.loss_history, opt.loss_history[1:]))


def test_lbfgs_matches_scipy_on_the_same_function():
    from scipy.optimize import minimize, rosen, rosen_der

    w = nn.Parameter(np.array([-1.2, 1.0]), dtype=np.float64)
    opt = optim.LBFGS([w], max_iter=30, tolerance_grad=1e-9, tolerance_change=1e-12)
    opt.step(_rosenbrock_closure(opt, w))
    ref = minimize(lambda x: (rosen(x), rosen_der(x)), [-1.2, 1.0], jac=True, method="L-BFGS-B",
                   options={"maxiter": 30, "gtol": 1e-9, "ftol": 1e-12, "maxcor": 100,
                            "maxfun": 37})  # fmt: skip
    np.testing.assert_allclose(w.data, ref.x, rtol=1e-8)
    assert opt.result.nit == ref.nit


def test_flatten_and_unflatten_round_trip():
    a = nn.Parameter(np.arange(6.0).reshape(2, 3))
    b = nn.Parameter(np.array([7.0]))
    x = flatten_params([a, b])
    assert x.dtype == np.float64 and x.tolist() == [0, 1, 2, 3, 4, 5, 7]
    unflatten_into(x * 2, [a, b])
    assert a.dtype == np.float32 and a.data.tolist() == [[0, 2, 4], [6, 8, 10]]
    b.grad = np.array([3.0], dtype=np.float32)
    assert flatten_grads([a, b]).tolist() == [0, 0, 0, 0, 0, 0, 3]  # no grad -> zeros
    with pytest.raises(ValueError, match="length 3"):
        unflatten_into(np.zeros(3), [a, b])


@pytest.mark.parametrize("cls", SOLVERS)
def test_fit_trains_xor_full_batch(cls):
    X, y = load_xor()
    rng = np.random.default_rng(0)
    model = nn.Sequential(nn.Linear(2, 4, rng=rng), nn.Tanh(), nn.Linear(4, 2, rng=rng))
    opt = cls(model.parameters(), max_iter=200)
    history = fit(model, "cross_entropy", opt, (X, y), epochs=1, batch_size=None, verbose=0)
    assert history.history["loss"][0] > 0.5  # the loss before the step
    assert opt.loss_history[-1] < 1e-3
    assert (rg.train.predict(model, X).argmax(axis=1) == y).all()
    assert model[0].weight.dtype == np.float32  # parameters keep their dtype


def test_step_needs_a_closure():
    opt = optim.LBFGS([nn.Parameter(np.zeros(2))])
    with pytest.raises(TypeError, match="closure"):
        opt.step()


def test_non_finite_start_is_reported():
    w = nn.Parameter(np.array([0.0]), dtype=np.float64)
    opt = optim.ConjugateGradient([w])

    def closure():
        opt.zero_grad()
        loss = (w.log()).sum()  # log 0 = -inf
        loss.backward()
        return loss

    with (
        np.errstate(divide="ignore"),
        pytest.raises(FloatingPointError, match="ConjugateGradient.*not finite"),
    ):
        opt.step(closure)


def test_settings_are_validated_and_saved():
    a, b = nn.Parameter(np.zeros(2)), nn.Parameter(np.zeros(3))
    with pytest.raises(ValueError, match="max_iter"):
        optim.LBFGS([a], max_iter=0)
    with pytest.raises(ValueError, match="same settings"):
        optim.LBFGS([{"params": [a]}, {"params": [b], "max_iter": 5}])
    opt = optim.LBFGS([a, b], max_iter=7, history_size=3)
    state = opt.state_dict()
    assert state["param_groups"][0]["max_iter"] == 7
    assert state["param_groups"][0]["max_eval"] == 8  # max_iter * 5 // 4, as torch
    other = optim.LBFGS([a, b])
    other.load_state_dict(state)
    assert other.param_groups[0]["history_size"] == 3
    assert "max_iter=7" in repr(opt)


@pytest.mark.parametrize("module", ["lbfgs", "cg"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"retrograd.optim.{module}"))
    assert result.attempted > 0 and result.failed == 0
