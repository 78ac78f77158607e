"""train_test_split: sizes, reproducibility, stratification."""

from __future__ import annotations

import numpy as np
import pytest

from retrograd.data import train_test_split


def test_sizes_disjoint_and_complete():
    X, y = np.arange(100).reshape(50, 2), np.arange(50)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, seed=0)
    assert len(X_tr) == 40 and len(X_te) == 10
    assert sorted(np.concatenate([y_tr, y_te]).tolist()) == list(range(50))
    np.testing.assert_array_equal(X_tr[:, 0], 2 * y_tr)  # rows stay paired
    assert len(train_test_split(X, y, test_size=7)[1]) == 7


def test_seed_reproduces_and_changes_the_split():
    y = np.arange(30)
    a = train_test_split(y, test_size=0.3, seed=1)[1]
    assert a.tolist() == train_test_split(y, test_size=0.3, seed=1)[1].tolist()
    assert a.tolist() != train_test_split(y, test_size=0.3, seed=2)[1].tolist()


def test_no_shuffle_takes_the_tail():
    tr, te = train_test_split(np.arange(10), test_size=0.3, shuffle=False)
    assert tr.tolist() == list(range(7)) and te.tolist() == [7, 8, 9]


def test_stratify_keeps_class_proportions():
    y = np.array([0] * 80 + [1] * 15 + [2] * 5)
    _, y_te = train_test_split(y, test_size=0.2, seed=0, stratify=y)
    assert np.bincount(y_te).tolist() == [16, 3, 1]


def test_errors():
    with pytest.raises(ValueError, match="same first axis"):
        train_test_split(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match=r"in \(0, 1\)"):
        train_test_split(np.zeros(3), test_size=1.5)
    with pytest.raises(ValueError, match="both parts"):
        train_test_split(np.zeros(3), test_size=3)
