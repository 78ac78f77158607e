"""Dataset, TensorDataset, Subset, random_split."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd.data import Subset, TensorDataset, random_split


def test_tensor_dataset_rows_and_batches():
    X, y = np.arange(12.0).reshape(6, 2), np.arange(6)
    ds = TensorDataset(X, rg.tensor(y))
    assert len(ds) == 6
    x1, y1 = ds[1]
    np.testing.assert_array_equal(x1, [2.0, 3.0])
    assert int(y1) == 1
    xb, yb = ds[np.array([4, 0])]
    assert xb.shape == (2, 2) and yb.tolist() == [4, 0]


def test_tensor_dataset_errors_name_shapes():
    with pytest.raises(ValueError, match=r"\(3, 2\), \(4,\)"):
        TensorDataset(np.zeros((3, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="at least one"):
        TensorDataset()
    with pytest.raises(ValueError, match="scalar"):
        TensorDataset(np.float32(1.0))


def test_subset_and_random_split_partition_the_data():
    ds = TensorDataset(np.arange(10))
    parts = random_split(ds, [6, 3, 1], seed=3)
    seen = [int(p[i][0]) for p in parts for i in range(len(p))]
    assert sorted(seen) == list(range(10)) and [len(p) for p in parts] == [6, 3, 1]
    again = random_split(ds, [6, 3, 1], seed=3)
    assert [p.indices.tolist() for p in parts] == [p.indices.tolist() for p in again]
    fractions = random_split(ds, [0.75, 0.25], seed=0)
    assert [len(p) for p in fractions] == [8, 2]  # remainder goes to the first part
    batch = parts[0][np.array([0, 1])]
    assert batch[0].shape == (2,) and parts[0].supports_batch_indexing


def test_random_split_and_subset_errors():
    ds = TensorDataset(np.arange(10))
    with pytest.raises(ValueError, match="do not add up"):
        random_split(ds, [5, 4])
    with pytest.raises(IndexError, match="out of range"):
        Subset(ds, [10])
