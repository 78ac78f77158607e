"""One-line errors (exit 2, no traceback) for corrupted model files, NaN inputs,
missing MNIST files and offline downloads."""

from __future__ import annotations

import socket
import struct
import time

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn
from retrograd.cli import main
from retrograd.data import mnist


@pytest.fixture
def model_file(tmp_path):
    path = tmp_path / "model.npz"
    rg.save(nn.Sequential(nn.Linear(2, 3, rng=np.random.default_rng(0))), path)
    return path


def _closed_port_base() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there any more


def _one_line_error(capsys, command: str) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"retrograd {command}: error: ") and "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize("command", ["evaluate", "predict"])
def test_corrupted_model_file_is_a_one_line_error(model_file, tmp_path, capsys, command):
    data = bytearray(model_file.read_bytes())
    entry = data.index(b"PK\x01\x02")  # central-directory entry of the first member
    while not data[entry + 46 :].startswith(b"header.json"):
        entry = data.index(b"PK\x01\x02", entry + 4)
    data[entry + 8] |= 0x01  # "encrypted": zipfile would raise RuntimeError
    bad = tmp_path / "bad.npz"
    bad.write_bytes(bytes(data))
    np.save(tmp_path / "x.npy", np.zeros((2, 2), dtype=np.float32))
    extra = ["--input", str(tmp_path / "x.npy")] if command == "predict" else ["--dataset", "moons"]
    assert main([command, str(bad), *extra]) == 2
    line = _one_line_error(capsys, command)
    assert str(bad) in line and "encrypted" in line


def test_version_needed_6_5_is_a_one_line_error(model_file, tmp_path, capsys):
    data = bytearray(model_file.read_bytes())
    entry = data.index(b"PK\x01\x02")
    struct.pack_into("<H", data, entry + 6, 65)  # "version needed to extract": 6.5
    bad = tmp_path / "v65.npz"
    bad.write_bytes(bytes(data))
    assert main(["evaluate", str(bad), "--dataset", "moons"]) == 2
    assert "zip file version 6.5" in _one_line_error(capsys, "evaluate")


@pytest.mark.parametrize("bad_value", [np.nan, np.inf])
def test_predict_refuses_non_finite_inputs(model_file, tmp_path, capsys, bad_value):
    X = np.zeros((5, 2), dtype=np.float32)
    X[3, 1] = bad_value
    X[4, 0] = bad_value
    path = tmp_path / "x.npy"
    np.save(path, X)
    assert main(["predict", str(model_file), "--input", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # no predictions at all, not class 0 for the bad rows
    line = captured.err.strip()
    assert "\n" not in line and str(path) in line
    assert "2 NaN/Inf values" in line and "row 3, column 1" in line


def test_predict_refuses_nan_in_csv_inputs(model_file, tmp_path, capsys):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\nnan,3\n")
    assert main(["predict", str(model_file), "--input", str(path)]) == 2
    line = _one_line_error(capsys, "predict")
    assert (
        str(path) in line and "1 NaN/Inf value in the input" in line and "row 1, column 0" in line
    )


def test_missing_mnist_files_point_to_the_download_flag(tmp_path, capsys):
    rc = main(["train", "--dataset", "mnist", "--data-dir", str(tmp_path), "--quiet", "--no-plots",
               "--out", str(tmp_path / "run")])  # fmt: skip
    assert rc == 2
    line = _one_line_error(capsys, "train")
    assert "--download" in line and "download=True" not in line
    assert str(tmp_path) in line and "--data-dir" in line


def test_offline_download_error_lists_each_mirror_once(tmp_path, capsys, monkeypatch):
    base = _closed_port_base()
    mirrors = [f"{base}/one/", f"{base}/two/", f"{base}/three/"]
    files, _, title = mnist._SETS["mnist"]
    monkeypatch.setitem(mnist._SETS, "mnist", (files, mirrors, title))
    start = time.monotonic()
    rc = main(["train", "--dataset", "mnist", "--data-dir", str(tmp_path), "--download",
               "--quiet", "--no-plots", "--out", str(tmp_path / "run")])  # fmt: skip
    assert time.monotonic() - start < 30  # refused connections: no hanging
    assert rc == 2
    err = capsys.readouterr().err
    line = [ln for ln in err.splitlines() if ln.startswith("retrograd train: error:")]
    assert len(line) == 1 and "Traceback" not in err
    msg = line[0]
    for m in mirrors:
        assert msg.count(m + "train-images-idx3-ubyte.gz") == 1, msg
    assert msg.count("are you offline") == 1
    assert msg.count("Copy the file to") == 1 and msg.count("RETROGRAD_DATA") == 1
    assert str(tmp_path / "train-images-idx3-ubyte.gz") in msg
