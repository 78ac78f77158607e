"""evaluate and predict: batch-size independent, eval mode, clear errors."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn
from retrograd.data import DataLoader, TensorDataset
from retrograd.train import evaluate, predict


def test_predict_equals_one_forward_pass(blobs, mlp):
    X, _ = blobs
    model = mlp()
    full = model(rg.tensor(X)).data
    for bs in (1, 7, None):
        np.testing.assert_allclose(predict(model, X, batch_size=bs), full, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(predict(model, TensorDataset(X)), full, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        predict(model, DataLoader((X,), batch_size=9)), full, rtol=1e-5, atol=1e-6
    )


def test_evaluate_loss_is_exact_mean_for_any_batch_size(blobs, mlp):
    X, y = blobs
    model = mlp()
    whole = float(nn.functional.cross_entropy(model(rg.tensor(X)), y).data)
    for bs in (1, 13, None):
        r = evaluate(model, (X, y), loss="cross_entropy", batch_size=bs)
        assert r["loss"] == pytest.approx(whole, rel=1e-5)


def test_evaluate_sum_loss_reports_per_example_mean(blobs, mlp):
    X, y = blobs
    t = np.eye(2, dtype=np.float32)[y]
    model = mlp()
    out = model(rg.tensor(X)).data
    expected = 0.5 * ((out - t) ** 2).sum() / len(X)
    r = evaluate(model, (X, t), loss="half_sse", batch_size=7, metrics=("mse",))
    assert r["loss"] == pytest.approx(expected, rel=1e-5)
    assert r["mse"] == pytest.approx(((out - t) ** 2).mean(), rel=1e-5)


def test_eval_mode_restored(blobs, mlp):
    X, y = blobs
    model = mlp(dropout=0.5)
    model.train()
    predict(model, X)
    assert model.training
    model.eval()
    evaluate(model, (X, y))
    assert not model.training


def test_errors(mlp):
    with pytest.raises(ValueError, match="first"):
        predict(mlp(), np.float32(1.0))
    with pytest.raises(TypeError, match="expected"):
        evaluate(mlp(), 42)
