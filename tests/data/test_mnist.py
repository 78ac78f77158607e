"""load_mnist / load_fashion_mnist from directories (the real files from ../shared/datasets)."""

from __future__ import annotations

import gzip
import shutil

import numpy as np
import pytest

from retrograd.data import load_fashion_mnist, load_mnist
from retrograd.io.idx import write_idx


def test_mnist_test_split_from_shared_root(shared_datasets):
    X, y = load_mnist(shared_datasets / "mnist", train=False, flatten=True)
    assert X.shape == (10000, 784) and X.dtype == np.float32 and y.dtype == np.int64
    assert X.min() == 0 and X.max() == 1
    assert np.bincount(y).sum() == 10000 and y.max() == 9


def test_train_split_and_subfolder_lookup(shared_datasets):
    X, y = load_fashion_mnist(shared_datasets, train=True)  # finds fashion-mnist/ inside
    assert X.shape == (60000, 28, 28) and (np.bincount(y) == 6000).all()


def test_uncompressed_files_work(shared_datasets, tmp_path):
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        data = gzip.decompress((shared_datasets / "mnist" / name).read_bytes())
        (tmp_path / name[:-3]).write_bytes(data)
    X, y = load_mnist(tmp_path, train=False)
    X_ref, y_ref = load_mnist(shared_datasets / "mnist", train=False)
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(y, y_ref)


def test_missing_files_explain_how_to_get_them(tmp_path):
    with pytest.raises(FileNotFoundError, match="download=True"):
        load_mnist(tmp_path)


def test_mismatched_files_are_refused(tmp_path, shared_datasets):
    shutil.copy(shared_datasets / "mnist" / "t10k-images-idx3-ubyte.gz", tmp_path)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.zeros(5, dtype=np.uint8))
    with pytest.raises(ValueError, match="expected 10000 uint8 labels"):
        load_mnist(tmp_path, train=False)


def test_wrong_image_shape_is_refused(tmp_path):
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", np.zeros((2, 8, 8), dtype=np.uint8))
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.zeros(2, dtype=np.uint8))
    with pytest.raises(ValueError, match=r"shape \(N, 28, 28\)"):
        load_mnist(tmp_path, train=False)
