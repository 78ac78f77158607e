"""`retrograd export`: ONNX files (checked in onnxruntime) and PyTorch code + weights."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn
from retrograd.cli import main


@pytest.fixture(scope="module")
def blobs_model(tmp_path_factory):
    out = tmp_path_factory.mktemp("blobs")
    rc = main(["train", "--dataset", "blobs", "--n-samples", "150", "--layers", "8",
               "--epochs", "5", "--quiet", "--no-plots", "--out", str(out)])  # fmt: skip
    assert rc == 0
    return out / "model.npz"


def test_onnx_export_with_check(blobs_model, tmp_path, capsys):
    ort = pytest.importorskip("onnxruntime")
    out = tmp_path / "blobs.onnx"
    assert main(["export", "--format", "onnx", str(blobs_model), str(out), "--check"]) == 0
    text = capsys.readouterr().out
    assert "input standardisation built in" in text and "onnxruntime matches" in text
    # the exported graph takes raw features: it equals the model on standardised inputs
    settings = rg.io.model_file.load_metadata(blobs_model)["metadata"]["retrograd_train"]
    mean, std = np.asarray(settings["mean"]), np.asarray(settings["std"])
    raw = np.random.default_rng(0).normal(size=(6, len(mean))).astype(np.float32) * 3
    session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    got = session.run(None, {"input": raw})[0]
    want = rg.train.predict(rg.load(blobs_model), ((raw - mean) / std).astype(np.float32))
    np.testing.assert_allclose(got, want, atol=1e-5)


def test_cnn_needs_input_shape(tmp_path, capsys):
    pytest.importorskip("onnxruntime")
    rng = np.random.default_rng(0)
    model = nn.Sequential(nn.Conv2d(1, 2, 3, rng=rng), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(2 * 3 * 3, 3, rng=rng))  # fmt: skip
    path = tmp_path / "cnn.npz"
    rg.save(model, path)
    assert main(["export", str(path), str(tmp_path / "cnn.onnx")]) == 2
    assert "input_shape" in capsys.readouterr().err
    args = ["export", str(path), str(tmp_path / "cnn.onnx"), "--input-shape", "1,8,8", "--check"]
    assert main(args) == 0
    assert "input (N, 1, 8, 8)" in capsys.readouterr().out


def test_torch_export_builds_an_equivalent_model(blobs_model, tmp_path, capsys):
    torch = pytest.importorskip("torch")
    out = tmp_path / "blobs_torch.py"
    assert main(["export", str(blobs_model), str(out), "--format", "torch"]) == 0
    assert (tmp_path / "blobs_torch.npz").is_file()
    spec = importlib.util.spec_from_file_location("blobs_torch", out)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    tmodel = module.build()
    x = np.random.default_rng(1).normal(size=(5, 2)).astype(np.float32)
    with torch.no_grad():
        got = tmodel(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(got, rg.train.predict(rg.load(blobs_model), x), atol=1e-5)


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing.npz", "out.onnx"], "model file not found"),
        (["{model}", "no/such/dir/out.onnx"], "output directory does not exist"),
        (["{model}", "out.onnx", "--input-shape", "a,b"], "--input-shape must be integers"),
        (["{model}", "out.txt", "--format", "torch"], "must end in .py"),
    ],
)
def test_errors_are_one_line(blobs_model, tmp_path, capsys, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    argv = ["export"] + [a.format(model=blobs_model) for a in args]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_unsupported_layer_is_named(tmp_path, capsys):
    pytest.importorskip("onnx")
    path = tmp_path / "rnn.npz"
    rg.save(nn.Sequential(nn.Linear(3, 4), nn.GRU(4, 4)), path)
    assert main(["export", str(path), str(tmp_path / "rnn.onnx")]) == 2
    assert "layer '1' (GRU) has no ONNX export" in capsys.readouterr().err


def test_help_has_examples(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    assert "retrograd export --format onnx" in capsys.readouterr().out
