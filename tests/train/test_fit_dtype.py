"""fit / evaluate feed a model batches in the model's own float dtype."""

from __future__ import annotations

import numpy as np
import pytest

from retrograd import nn, optim
from retrograd.train import evaluate, fit


def _float64_model() -> nn.Sequential:
    rng = np.random.default_rng(0)
    return nn.Sequential(
        nn.Linear(3, 4, rng=rng, dtype="float64"),
        nn.Tanh(),
        nn.Linear(4, 2, rng=rng, dtype="float64"),
    )


def _data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    # 1 + 1e-10 is not a float32 number: a float32 round trip would change every input
    X = 1.0 + rng.normal(size=(20, 3)) * 1e-10 + rng.normal(size=(20, 3))
    y = rng.integers(0, 2, size=20)
    return X, y


def _record_inputs(model: nn.Module) -> list[np.ndarray]:
    seen: list[np.ndarray] = []
    model[0].register_forward_hook(lambda mod, args, out: seen.append(args[0].data.copy()))
    return seen


@pytest.mark.parametrize("shuffle", [False, True])
def test_fit_gives_a_float64_model_float64_batches(shuffle):
    X, y = _data()
    model = _float64_model()
    seen = _record_inputs(model)
    opt = optim.SGD(model.parameters(), lr=0.0)  # lr 0: the inputs are all we look at
    fit(model, "cross_entropy", opt, (X, y), epochs=1, batch_size=8, shuffle=shuffle,
        validation_data=(X, y), metrics=(), verbose=0)  # fmt: skip
    train_batches, val_batches = seen[:3], seen[3:]
    assert [b.dtype for b in seen] == [np.float64] * len(seen)
    got = np.concatenate(train_batches)
    if shuffle:  # same rows, some order: compare sorted by the first column
        got, want = got[np.argsort(got[:, 0])], X[np.argsort(X[:, 0])]
    else:
        want = X
    np.testing.assert_array_equal(got, want)  # exact: no float32 rounding on the way
    np.testing.assert_array_equal(np.concatenate(val_batches), X)


def test_evaluate_gives_a_float64_model_float64_batches():
    X, y = _data()
    model = _float64_model()
    seen = _record_inputs(model)
    evaluate(model, (X, y), loss="cross_entropy", batch_size=7)
    assert [b.dtype for b in seen] == [np.float64] * 3
    np.testing.assert_array_equal(np.concatenate(seen), X)


def test_float32_model_still_gets_float32_batches():
    X, y = _data()
    rng = np.random.default_rng(0)
    model = nn.Sequential(nn.Linear(3, 2, rng=rng))
    seen = _record_inputs(model)
    fit(model, "cross_entropy", optim.SGD(model.parameters(), lr=0.1), (X, y), epochs=1,
        batch_size=10, metrics=(), verbose=0)  # fmt: skip
    assert [b.dtype for b in seen] == [np.float32, np.float32]
