"""Datasets by name."""

from __future__ import annotations

import pytest

from retrograd.data import DATASETS, load_dataset


def test_names_load():
    assert load_dataset("xor")[0].shape == (4, 2)
    assert load_dataset("moons", n_samples=30, noise=0.1)[0].shape == (30, 2)
    assert load_dataset("digits")[0].shape == (1797, 64)
    assert "fashion-mnist" in DATASETS and "mnist" in DATASETS


def test_fashion_alias_and_unknown(shared_datasets):
    X, _ = load_dataset("fashion_mnist", root=shared_datasets, train=False)
    assert X.shape == (10000, 28, 28)
    with pytest.raises(ValueError, match="unknown dataset 'imagenet'.*digits"):
        load_dataset("imagenet")
