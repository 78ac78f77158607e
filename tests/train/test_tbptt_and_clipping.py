"""fit(..., tbptt=k) and fit(..., max_grad_norm=c): truncated BPTT and clipping in the loop."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn, optim
from retrograd.nn.truncated_bptt import truncated_bptt
from retrograd.train import NonFiniteLossError, fit, tbptt_step

F64 = np.float64


class SeqClassifier(nn.Module):
    """GRU over ``(N, T, 1)`` sequences, a readout of the last step: ``(x, state) -> (out, h)``."""

    def __init__(self, seed: int = 0) -> None:
        super().__init__()
        self.rnn = nn.GRU(1, 6, batch_first=True, rng=np.random.default_rng(seed), dtype=F64)
        self.head = nn.Linear(6, 2, rng=np.random.default_rng(seed + 1), dtype=F64)

    def forward(self, x, state=None):
        out, h = self.rnn(x, state)
        return self.head(out[:, -1]), h


class SeqRegressor(nn.Module):
    """An RNN with a per-step readout: ``(N, T, 1) -> (N, T, 1)``."""

    def __init__(self, seed: int = 0) -> None:
        super().__init__()
        self.rnn = nn.RNN(1, 5, batch_first=True, rng=np.random.default_rng(seed), dtype=F64)
        self.head = nn.Linear(5, 1, rng=np.random.default_rng(seed + 1), dtype=F64)

    def forward(self, x, state=None):
        out, h = self.rnn(x, state)
        return self.head(out), h


def _data(n=16, T=12, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, T, 1))
    y = (X[:, -3:, 0].sum(1) > 0).astype(np.int64)  # decided by the last steps
    return X, y


def _weights(model):
    return {k: v.copy() for k, v in model.state_dict().items()}


@pytest.mark.parametrize("k", [3, 5, 12])
def test_fit_tbptt_equals_the_truncated_bptt_helper_chunk_for_chunk(k):
    X, y = _data()
    a, b = SeqClassifier(), SeqClassifier()
    fit(a, "cross_entropy", optim.SGD(a.parameters(), lr=0.3), (X, y), epochs=2,
        batch_size=None, shuffle=False, tbptt=k, verbose=0)  # fmt: skip
    opt_b = optim.SGD(b.parameters(), lr=0.3)
    for _ in range(2):
        truncated_bptt(b, X, y, nn.CrossEntropyLoss(), opt_b, k, batch_first=True)
    for name, v in _weights(a).items():
        np.testing.assert_allclose(v, b.state_dict()[name], rtol=1e-12, atol=1e-14, err_msg=name)


def test_tbptt_updates_once_per_chunk_and_cuts_the_gradient_at_chunk_boundaries():
    X, y = _data(n=4, T=10)
    model = SeqClassifier()
    opt = optim.SGD(model.parameters(), lr=0.1)
    calls = []
    original = opt.step
    opt.step = lambda *a: calls.append(1) or original(*a)
    result = tbptt_step(model, nn.CrossEntropyLoss(), opt, X, y, 4, batch_first=True)
    assert len(calls) == 3  # chunks of 4, 4 and 2 steps
    assert result.output.shape == (4, 2)  # one target per sequence: the last chunk's output
    # with k = T the step is ordinary full BPTT: the same update as train_step would make
    full, ref = SeqClassifier(), SeqClassifier()
    tbptt_step(full, nn.CrossEntropyLoss(), optim.SGD(full.parameters(), lr=0.1), X, y, 10,
               batch_first=True)  # fmt: skip
    opt_ref = optim.SGD(ref.parameters(), lr=0.1)
    loss = nn.CrossEntropyLoss()(ref(rg.tensor(X, dtype=F64))[0], y)
    loss.backward()
    opt_ref.step()
    for name, v in _weights(full).items():
        np.testing.assert_allclose(v, ref.state_dict()[name], rtol=1e-12, atol=1e-14)
    # and with k < T the update differs: the gradient no longer reaches the early steps
    assert not np.allclose(_weights(model)["rnn.weight_hh_l0"], _weights(full)["rnn.weight_hh_l0"])


def test_per_step_targets_are_chunked_and_outputs_joined_for_the_metrics():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(8, 9, 1))
    y = np.cumsum(X, axis=1) * 0.3  # a per-step target (N, T, 1)
    model = SeqRegressor()
    opt = optim.Adam(model.parameters(), lr=0.02)
    r = tbptt_step(model, nn.MSELoss(), opt, X, y, 4, batch_first=True)
    assert r.output.shape == (8, 9, 1)
    h = fit(model, "mse", opt, (X, y), epochs=60, batch_size=4, tbptt=3, metrics=["mse"],
            verbose=0)  # fmt: skip
    assert h.history["loss"][-1] < 0.5 * h.history["loss"][0]  # it learns to integrate
    assert h.history["mse"][-1] == pytest.approx(h.history["loss"][-1], rel=0.5)


def test_fit_max_grad_norm_bounds_each_update():
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(32, 3)) * 100, rng.normal(size=(32, 1)) * 100  # huge gradients
    model = nn.Linear(3, 1, rng=np.random.default_rng(0), dtype=F64)
    before = np.concatenate([p.data.ravel() for p in model.parameters()])
    fit(model, "mse", optim.SGD(model.parameters(), lr=1.0), (X, y), epochs=1,
        batch_size=None, max_grad_norm=0.25, metrics=(), verbose=0)  # fmt: skip
    after = np.concatenate([p.data.ravel() for p in model.parameters()])
    assert np.linalg.norm(after - before) == pytest.approx(0.25, rel=1e-6)  # lr * clipped norm
    unclipped = nn.Linear(3, 1, rng=np.random.default_rng(0), dtype=F64)
    fit(unclipped, "mse", optim.SGD(unclipped.parameters(), lr=1.0), (X, y), epochs=1,
        batch_size=None, metrics=(), verbose=0)  # fmt: skip
    moved = np.concatenate([p.data.ravel() for p in unclipped.parameters()]) - before
    assert np.linalg.norm(moved) > 100


def test_tbptt_nan_names_the_chunk_and_keeps_the_weights():
    X, y = _data(n=4, T=8)
    X[1, 6, 0] = np.nan  # in the second chunk of 4 steps
    model = SeqClassifier()
    opt = optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(NonFiniteLossError, match="time steps 5-8") as info:
        fit(model, "cross_entropy", opt, (X, y), epochs=1, batch_size=None, tbptt=4, verbose=0)
    assert "input batch has 1 NaN" in str(info.value)


def test_bad_tbptt_settings_are_refused():
    X, y = _data(n=4, T=6)
    model = SeqClassifier()
    with pytest.raises(ValueError, match="tbptt"):
        fit(model, "cross_entropy", optim.SGD(model.parameters(), lr=0.1), (X, y), tbptt=0)
    with pytest.raises(ValueError, match="max_grad_norm"):
        fit(model, "cross_entropy", optim.SGD(model.parameters(), lr=0.1), (X, y),
            max_grad_norm=-1.0)  # fmt: skip
    pytest.importorskip("scipy")  # L-BFGS runs on scipy.optimize
    with pytest.raises(ValueError, match="L-BFGS"):
        fit(model, "cross_entropy", optim.LBFGS(model.parameters()), (X, y), epochs=1, tbptt=3,
            verbose=0)  # fmt: skip
