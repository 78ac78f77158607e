"""IDX reader/writer: the real MNIST and Fashion-MNIST files, and small files the tests write."""

from __future__ import annotations

import gzip
import hashlib
import struct

import numpy as np
import pytest

from retrograd.io.idx import IDXError, read_idx, write_idx

SETS = ["mnist", "fashion-mnist"]


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_write_read_round_trip(tmp_path, rng, dtype, suffix):
    arr = (rng.normal(size=(3, 4, 5)) * 100).astype(dtype)
    path = tmp_path / f"x-idx3{suffix}"
    write_idx(path, arr)
    back = read_idx(path)
    assert back.dtype == np.dtype(dtype) and back.shape == arr.shape
    np.testing.assert_array_equal(back, arr)
    # the result is an ordinary writable array that owns its data (not a view of the file)
    assert back.flags.writeable and back.flags.c_contiguous
    back[0, 0, 0] = 1
    assert back[0, 0, 0] == 1 and read_idx(path)[0, 0, 0] == arr[0, 0, 0]


def test_header_layout_matches_the_format(tmp_path):
    path = tmp_path / "labels-idx1-ubyte"
    write_idx(path, np.array([7, 2, 1], dtype=np.uint8))
    assert path.read_bytes() == bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1])
    path = tmp_path / "w-idx2"
    write_idx(path, np.array([[1.5, -2.0]], dtype=np.float64))
    raw = path.read_bytes()
    assert raw[:4] == bytes([0, 0, 0x0E, 2]) and struct.unpack(">2I", raw[4:12]) == (1, 2)
    assert struct.unpack(">2d", raw[12:]) == (1.5, -2.0)  # big-endian values


def _write_raw(path, data: bytes, compress=False):
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gzip"])
def test_corrupt_files_get_clear_errors(tmp_path, compress):
    header = bytes([0, 0, 8, 3]) + struct.pack(">3I", 2, 3, 3)
    cases = {
        "too short for an IDX header": b"\x00\x00",
        "should start with two zero bytes": b"\x12\x34\x08\x01" + b"\x00" * 8,
        "unknown IDX dtype code 0x07": bytes([0, 0, 7, 1, 0, 0, 0, 1, 5]),
        "0 dimensions": bytes([0, 0, 8, 0]),
        "truncated header": bytes([0, 0, 8, 3, 0, 0, 0, 2]),
        r"truncated .*shape \(2, 3, 3\).*18 bytes.*10 bytes": header + bytes(10),
        "bytes after": header + bytes(19),
    }
    for message, data in cases.items():
        path = _write_raw(tmp_path / "bad", data, compress)
        with pytest.raises(IDXError, match=message):
            read_idx(path)


def test_truncated_gzip_stream(tmp_path):
    data = gzip.compress(bytes([0, 0, 8, 1, 0, 0, 0x10, 0]) + bytes(range(256)) * 16)
    path = _write_raw(tmp_path / "cut.gz", data[: len(data) // 2])
    with pytest.raises(IDXError, match="truncated|corrupted"):
        read_idx(path)


def test_lying_huge_dimensions_do_not_allocate(tmp_path):
    path = _write_raw(tmp_path / "huge", bytes([0, 0, 0x0E, 3]) + struct.pack(">3I", *[2**31] * 3))
    with pytest.raises(IDXError, match="truncated"):
        read_idx(path)


def test_write_rejects_unsupported_arrays(tmp_path):
    with pytest.raises(TypeError, match="int64"):
        write_idx(tmp_path / "x", np.arange(3))
    with pytest.raises(ValueError, match="dimensions"):
        write_idx(tmp_path / "x", np.array(3, dtype=np.uint8))


# -- the real files -------------------------------------------------------------------
def _sums(folder):
    out = {}
    for line in (folder / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        out[name] = digest
    return out


@pytest.mark.parametrize("name", SETS)
def test_shared_files_match_their_sha256sums(shared_datasets, name):
    folder = shared_datasets / name
    sums = _sums(folder)
    assert len(sums) == 4
    for fname, digest in sums.items():
        assert hashlib.sha256((folder / fname).read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("name", SETS)
def test_read_real_files(shared_datasets, name):
    folder = shared_datasets / name
    for split, n in (("train", 60000), ("t10k", 10000)):
        images = read_idx(folder / f"{split}-images-idx3-ubyte.gz")
        labels = read_idx(folder / f"{split}-labels-idx1-ubyte.gz")
        assert images.shape == (n, 28, 28) and images.dtype == np.uint8
        assert labels.shape == (n,) and labels.dtype == np.uint8
        assert labels.min() == 0 and labels.max() == 9
        assert images.min() == 0 and images.max() == 255
        # the decompressed payload is the published one (md5 in the folder's README)
        readme = (folder / "README.md").read_text()
        header = bytes([0, 0, 8, 3]) + struct.pack(">3I", n, 28, 28)
        assert hashlib.md5(header + images.tobytes()).hexdigest() in readme
        counts = np.bincount(labels, minlength=10)
        if name == "fashion-mnist":
            assert (counts == n // 10).all()  # perfectly balanced classes
        elif split == "t10k":
            assert counts.tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_mnist_known_statistics(shared_datasets):
    folder = shared_datasets / "mnist"
    train = read_idx(folder / "train-images-idx3-ubyte.gz")
    labels = read_idx(folder / "train-labels-idx1-ubyte.gz")
    # statistics everyone normalises MNIST with: mean 0.1307, std 0.3081 of pixels / 255
    n = train.size  # exact integer sums, without a 47M-element float copy
    total = int(train.sum(dtype=np.int64))
    squares = sum(int(np.square(c, dtype=np.uint32).sum(dtype=np.int64)) for c in train)
    mean = total / n / 255
    std = np.sqrt(squares / n / 255**2 - mean**2)
    assert abs(mean - 0.1307) < 5e-5 and abs(std - 0.3081) < 5e-5
    assert labels[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]  # the famous first digits


def test_uncompressed_copy_reads_the_same(shared_datasets, tmp_path):
    src = shared_datasets / "mnist" / "t10k-labels-idx1-ubyte.gz"
    raw = tmp_path / "t10k-labels-idx1-ubyte"
    raw.write_bytes(gzip.decompress(src.read_bytes()))
    np.testing.assert_array_equal(read_idx(raw), read_idx(src))
