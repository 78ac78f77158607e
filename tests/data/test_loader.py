"""DataLoader: batching, shuffling with a seed, dtypes, and bit-exact resume."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from retrograd.data import DataLoader, Dataset, TensorDataset


def _data(n=10):
    return np.arange(n * 2, dtype=np.float64).reshape(n, 2), np.arange(n)


def _order(loader):
    return [int(v) for _, yb in loader for v in yb.data]


def test_batches_cover_every_example_once():
    X, y = _data(10)
    loader = DataLoader((X, y), batch_size=3)
    batches = list(loader)
    assert [b[0].shape for b in batches] == [(3, 2), (3, 2), (3, 2), (1, 2)] and len(loader) == 4
    assert _order(loader) == list(range(10))  # no shuffle: original order


def test_dtypes_follow_the_policy():
    X, y = _data(4)
    xb, yb = next(iter(DataLoader((X, y.astype(np.int32)), batch_size=4)))
    assert xb.dtype == np.float32 and yb.dtype == np.int64 and not xb.requires_grad
    xb, _ = next(iter(DataLoader((X, y), batch_size=4, dtype=np.float64)))
    assert xb.dtype == np.float64


def test_online_minibatch_and_full_batch():
    X, y = _data(10)
    assert len(DataLoader((X, y), batch_size=1)) == 10
    full = list(DataLoader((X, y), batch_size=None))
    assert len(full) == 1 and full[0][0].shape == (10, 2)
    dropped = DataLoader((X, y), batch_size=4, drop_last=True)
    assert len(dropped) == 2 and [b[0].shape[0] for b in dropped] == [4, 4]


def test_shuffle_is_seeded_and_differs_between_epochs():
    X, y = _data(20)
    a = DataLoader((X, y), batch_size=4, shuffle=True, seed=5)
    b = DataLoader((X, y), batch_size=4, shuffle=True, seed=5)
    e1, e2 = _order(a), _order(a)
    assert e1 == _order(b) and e2 == _order(b)
    assert sorted(e1) == list(range(20)) and e1 != e2 and e1 != list(range(20))
    xb, yb = next(iter(DataLoader((X, y), batch_size=20, shuffle=True, seed=1)))
    np.testing.assert_array_equal(xb.data[:, 0], 2 * yb.data)  # rows stay paired with labels


def test_rng_state_save_and_restore_replays_the_order():
    X, y = _data(16)
    loader = DataLoader((X, y), batch_size=4, shuffle=True, seed=0)
    _order(loader)
    saved = loader.rng.bit_generator.state
    expected = _order(loader)
    loader.rng.bit_generator.state = saved
    assert _order(loader) == expected


def test_state_dict_resumes_mid_epoch():
    X, y = _data(16)
    loader = DataLoader((X, y), batch_size=3, shuffle=True, seed=2)
    _order(loader)
    full_epoch = _order(loader)  # what epoch 2 delivers
    loader = DataLoader((X, y), batch_size=3, shuffle=True, seed=2)
    _order(loader)
    first = [int(v) for _, yb in itertools.islice(loader, 2) for v in yb.data]
    state = loader.state_dict()
    fresh = DataLoader((X, y), batch_size=3, shuffle=True, seed=999)
    fresh.load_state_dict(state)
    rest = _order(fresh)
    assert first + rest == full_epoch
    assert _order(fresh) == _order(_twin_after_epochs(X, y, 3))  # and later epochs match too


def _twin_after_epochs(X, y, epochs):
    twin = DataLoader((X, y), batch_size=3, shuffle=True, seed=2)
    for _ in range(epochs - 1):
        _order(twin)
    return twin


class Squares(Dataset):
    def __len__(self):
        return 5

    def __getitem__(self, i):
        return np.array([float(i)]), i * i


def test_generic_dataset_is_collated():
    xb, yb = next(iter(DataLoader(Squares(), batch_size=5)))
    assert xb.shape == (5, 1) and yb.data.tolist() == [0, 1, 4, 9, 16]


def test_bad_arguments():
    X, y = _data(4)
    with pytest.raises(ValueError, match=">= 1"):
        DataLoader((X, y), batch_size=0)
    with pytest.raises(TypeError, match="int or None"):
        DataLoader((X, y), batch_size=2.5)
    with pytest.raises(TypeError, match="needs a Dataset"):
        DataLoader(42)
    assert "batch_size=2" in repr(DataLoader(TensorDataset(X, y), batch_size=2))
