"""The built-in 8x8 digits shipped in the package."""

from __future__ import annotations

import gzip
import importlib.util
import io
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from retrograd.data import load_digits


def test_shape_range_and_labels():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float32 and y.dtype == np.int64
    assert X.min() == 0 and X.max() == 1
    assert np.allclose(X * 16, np.round(X * 16))  # 17 grey levels, 0..16
    counts = np.bincount(y)
    assert len(counts) == 10 and counts.min() >= 170
    images, _ = load_digits(flatten=False)
    assert images.shape == (1797, 8, 8)
    np.testing.assert_array_equal(images.reshape(1797, 64), X)


def test_shipped_file_is_scikit_learns_copy_of_the_uci_data():
    spec = importlib.util.find_spec("sklearn")  # located, not imported (that is slow)
    if spec is None or spec.origin is None:
        pytest.skip("scikit-learn not installed")
    ref = Path(spec.origin).parent / "datasets" / "data" / "digits.csv.gz"
    ours = resources.files("retrograd.data").joinpath("files").joinpath("optdigits.csv.gz")
    assert ours.read_bytes() == ref.read_bytes()
    table = np.loadtxt(io.BytesIO(gzip.decompress(ref.read_bytes())), delimiter=",")
    X, y = load_digits()
    np.testing.assert_array_equal(X * 16, table[:, :64])
    np.testing.assert_array_equal(y, table[:, 64])


def test_digits_are_learnable_by_a_linear_classifier():
    """A ridge-regression linear classifier on a held-out split: the labels match the pixels."""
    X, y = load_digits()
    X = np.hstack([X.astype(np.float64), np.ones((len(X), 1))])
    onehot = np.eye(10)[y]
    A = X[:1400]
    W = np.linalg.solve(A.T @ A + 1e-3 * np.eye(65), A.T @ onehot[:1400])  # ridge regression
    accuracy = (np.argmax(X[1400:] @ W, axis=1) == y[1400:]).mean()
    assert accuracy > 0.85
