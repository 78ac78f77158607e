"""Embedding: lookups, gradient accumulation over repeated ids, padding_idx, errors, config."""

from __future__ import annotations

import json

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn, optim

F64 = np.float64


def test_lookup_returns_rows(rng):
    emb = nn.Embedding(6, 3, rng=rng)
    ids = np.array([[5, 0], [2, 2]])
    y = emb(ids)
    assert y.shape == (2, 2, 3) and y.dtype == np.float32
    np.testing.assert_array_equal(y.data, emb.weight.data[ids])
    np.testing.assert_array_equal(emb(rg.tensor(ids)).data, y.data)  # Tensor ids work too


def test_repeated_ids_accumulate_gradients(rng):
    emb = nn.Embedding(5, 2, dtype=F64, rng=rng)
    ids = np.array([1, 3, 1, 1, 0])
    g = rng.standard_normal((5, 2))
    emb(ids).backward(g)
    expected = np.zeros((5, 2))
    expected[1] = g[0] + g[2] + g[3]  # three lookups of row 1: their gradients add up
    expected[3] = g[1]
    expected[0] = g[4]
    np.testing.assert_allclose(emb.weight.grad, expected, rtol=1e-12)
    assert rg.gradcheck(lambda w: emb(ids), [emb.weight])


def test_padding_idx_row_is_zero_and_gets_no_gradient(rng):
    emb = nn.Embedding(4, 3, padding_idx=0, dtype=F64, rng=rng)
    np.testing.assert_array_equal(emb.weight.data[0], 0)
    ids = np.array([[0, 2, 0], [1, 0, 2]])
    emb(ids).sum().backward()
    np.testing.assert_array_equal(emb.weight.grad[0], 0)
    np.testing.assert_array_equal(emb.weight.grad[2], 2)
    assert nn.Embedding(4, 3, padding_idx=-1).padding_idx == 3


def test_training_moves_only_looked_up_rows(rng):
    emb = nn.Embedding(10, 4, rng=rng)
    before = emb.weight.data.copy()
    opt = optim.SGD(emb.parameters(), lr=0.5)
    loss = (emb(np.array([2, 7, 7])) ** 2).sum()
    loss.backward()
    opt.step()
    changed = np.flatnonzero(np.any(emb.weight.data != before, axis=1))
    np.testing.assert_array_equal(changed, [2, 7])


def test_errors_name_the_layer():
    emb = nn.Embedding(5, 2)
    with pytest.raises(IndexError, match=r"Embedding\(5, 2\): ids must be in \[0, 5\).*\[0, 5\]"):
        emb(np.array([0, 5]))
    with pytest.raises(IndexError, match="ids must be in"):
        emb(np.array([-1]))
    with pytest.raises(TypeError, match=r"Embedding\(5, 2\): expected integer ids.*float"):
        emb(np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="padding_idx=7"):
        nn.Embedding(5, 2, padding_idx=7)


def test_from_pretrained_freezes_by_default():
    table = np.arange(6.0).reshape(3, 2)
    emb = nn.Embedding.from_pretrained(table)
    assert not emb.weight.requires_grad
    np.testing.assert_array_equal(emb(np.array([2])).data, [[4.0, 5.0]])
    assert nn.Embedding.from_pretrained(table, freeze=False).weight.requires_grad


def test_get_config_rebuilds_the_layer():
    emb = nn.Embedding(7, 3, padding_idx=2)
    config = json.loads(json.dumps(emb.get_config()))
    assert config == {"num_embeddings": 7, "embedding_dim": 3, "padding_idx": 2}
    assert nn.Embedding(**config).weight.shape == (7, 3)


def test_matches_torch(rng):
    torch = pytest.importorskip("torch")
    ids = rng.integers(0, 6, (4, 5))
    g = rng.standard_normal((4, 5, 3))
    ours = nn.Embedding(6, 3, padding_idx=1, dtype=F64, rng=rng)
    theirs = torch.nn.Embedding(6, 3, padding_idx=1).double()
    with torch.no_grad():
        theirs.weight.copy_(torch.from_numpy(ours.weight.data))
    ours(ids).backward(g)
    theirs(torch.from_numpy(ids)).backward(torch.from_numpy(g))
    np.testing.assert_allclose(ours.weight.grad, theirs.weight.grad.numpy(), rtol=1e-12)
