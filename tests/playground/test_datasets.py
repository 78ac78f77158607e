"""Datasets: the built-in sets and CSV parsing."""

from __future__ import annotations

import numpy as np
import pytest

from retrograd.playground.datasets import (
    CLASSIFICATION_SETS,
    MAX_CSV_BYTES,
    MAX_CSV_ROWS,
    REGRESSION_SETS,
    DataError,
    make_dataset,
    parse_csv,
)


@pytest.mark.parametrize("name", CLASSIFICATION_SETS)
def test_classification_sets(name):
    d = make_dataset(name, 200, 0.1, 0.3, seed=0)
    assert d.task == "classification"
    assert len(d.x_train) == 140 and len(d.x_test) == 60
    x = np.concatenate([d.x_train, d.x_test])
    assert x.shape[1] == 2 and np.abs(x).max() == pytest.approx(1.0)
    y = np.concatenate([d.y_train, d.y_test])
    assert set(np.unique(y).tolist()) == {0, 1}
    # the same seed gives the same points; another seed other points
    again = make_dataset(name, 200, 0.1, 0.3, seed=0)
    np.testing.assert_array_equal(again.x_train, d.x_train)
    assert not np.array_equal(make_dataset(name, 200, 0.1, 0.3, seed=1).x_train, d.x_train)


def test_xor_labels_follow_the_quadrants_without_noise():
    d = make_dataset("xor", 300, 0.0, 0.5, seed=3)
    x, y = d.x_train, d.y_train
    np.testing.assert_array_equal(y, ((x[:, 0] > 0) != (x[:, 1] > 0)).astype(np.int64))


@pytest.mark.parametrize("name", REGRESSION_SETS)
def test_regression_sets(name):
    d = make_dataset(name, 100, 0.0, 0.5, seed=0)
    assert d.task == "regression" and d.y_train.dtype == np.float64
    assert len(np.unique(d.y_train)) > 10


def test_unknown_dataset():
    with pytest.raises(DataError, match="unknown dataset"):
        make_dataset("mnist", 100, 0.0, 0.5, seed=0)


def test_csv_classification_with_header_and_string_labels_mapped():
    raw = b"x1,x2,label\n" + b"".join(f"{i},{i % 3},{i % 2 * 5}\n".encode() for i in range(10))
    x, y, task = parse_csv(raw)
    assert task == "classification" and x.shape == (10, 2)
    np.testing.assert_array_equal(y, np.arange(10) % 2)
    assert np.abs(x).max() == pytest.approx(1.0)


def test_csv_regression():
    raw = "\n".join(f"{i},{-i},{i * 0.5}" for i in range(8)).encode()
    assert parse_csv(raw)[2] == "regression"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"1,2\n3,4\n", "line 1: expected 3 columns"),
        (b"1,2,0\n1,2,1\n1,x,0\n2,2,1\n", "line 3: not a number"),
        (b"1,2,0\n1,2,nan\n", "NaN"),
        (b"1,2,0\n3,4,1\n", "at least 4"),
        (b"1,2,0\n3,4,0\n5,6,0\n7,8,0\n", "single value"),
        (b"\xff\xfe1,2,3", "UTF-8"),
        (b"0,0,0\n" * (MAX_CSV_BYTES // 6 + 1), "at most"),
        (b"0,0,0\n" * (MAX_CSV_ROWS + 1), "rows"),
    ],
)
def test_csv_errors_are_clear(raw, message):
    with pytest.raises(DataError, match=message):
        parse_csv(raw)
