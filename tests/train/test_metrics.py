"""Metrics: accuracy rules, streaming versions, confusion matrix."""

from __future__ import annotations

import numpy as np
import pytest

from retrograd.train import metrics as M


def test_accuracy_multiclass_labels_and_onehot():
    out = np.array([[2.0, 1.0, 0.0], [0.0, 3.0, 1.0], [0.0, 0.0, 1.0], [5.0, 0.0, 0.0]])
    labels = np.array([0, 1, 0, 0])
    assert M.accuracy(out, labels) == 0.75
    assert M.accuracy(out, np.eye(3)[labels]) == 0.75


def test_accuracy_binary_thresholds():
    probs = np.array([[0.2], [0.7], [0.6]])
    assert M.accuracy(probs, np.array([0, 1, 0])) == pytest.approx(2 / 3)
    # the textbook's 0.01/0.99 targets count as 0/1
    assert M.accuracy(probs, np.array([0.01, 0.99, 0.01])) == pytest.approx(2 / 3)
    logits = np.array([-0.1, 0.3, 0.2])
    assert M.accuracy(logits, np.array([0, 1, 1]), threshold=0.0) == 1.0
    assert M.accuracy(logits, np.array([0, 1, 1]), threshold=0.5) == pytest.approx(1 / 3)


def test_accuracy_length_mismatch_names_shapes():
    with pytest.raises(ValueError, match=r"3 predictions but 2 targets"):
        M.accuracy(np.zeros((3, 2)), np.zeros(2))


def test_streaming_equals_whole_array(rng):
    out = rng.normal(size=(50, 4))
    y = rng.integers(0, 4, 50)
    acc, mse = M.Accuracy(), M.MeanSquaredError()
    for lo in range(0, 50, 7):
        acc.update(out[lo : lo + 7], y[lo : lo + 7])
        mse.update(out[lo : lo + 7], y[lo : lo + 7])
    assert acc.result() == pytest.approx(M.accuracy(out, y))
    assert mse.result() == pytest.approx(M.mean_squared_error(out, np.eye(4)[y]))
    acc.reset()
    assert np.isnan(acc.result())


def test_mse_mae_against_numpy(rng):
    a, b = rng.normal(size=(10, 1)), rng.normal(size=10)
    assert M.mean_squared_error(a, b) == pytest.approx(np.mean((a.ravel() - b) ** 2))
    assert M.mean_absolute_error(a, b) == pytest.approx(np.mean(np.abs(a.ravel() - b)))


def test_confusion_matrix_counts_and_text():
    cm = M.confusion_matrix([0, 1, 2, 2, 1], [0, 2, 2, 2, 1], num_classes=3)
    assert cm.tolist() == [[1, 0, 0], [0, 1, 1], [0, 0, 2]]
    text = M.format_confusion_matrix(cm, ["a", "b", "c"])
    assert "predicted" in text and text.splitlines()[-1].split() == ["c", "0", "0", "2"]
    with pytest.raises(ValueError, match="num_classes"):
        M.confusion_matrix([0, 3], [0, 1], num_classes=3)


def test_get_metric_names():
    assert isinstance(M.get_metric("acc"), M.Accuracy)
    assert M.get_metric("accuracy", logits_threshold=True).threshold == 0.0
    with pytest.raises(ValueError, match="unknown metric"):
        M.get_metric("f1-ish")
