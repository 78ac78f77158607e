"""`retrograd evaluate`: reproduces the test split and scaling stored in the model file."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from retrograd.cli import main


@pytest.fixture(scope="module")
def moons_model(tmp_path_factory):
    out = tmp_path_factory.mktemp("moons")
    rc = main(
        [
            "train",
            "--dataset",
            "moons",
            "--n-samples",
            "300",
            "--layers",
            "16,16",
            "--epochs",
            "30",
            "--quiet",
            "--no-plots",
            "--out",
            str(out),
        ]
    )
    assert rc == 0
    return out / "model.npz"


def test_evaluate_matches_train_report(moons_model, capsys):
    hist_acc = None
    from retrograd.io.model_file import load_metadata

    hist_acc = load_metadata(moons_model)["metadata"]["retrograd_train"]["test_accuracy"]
    assert main(["evaluate", str(moons_model), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["accuracy"] == pytest.approx(hist_acc)
    assert result["examples"] == 60 and result["split"] == "test"
    assert sum(map(sum, result["confusion_matrix"])) == 60


def test_evaluate_other_split_and_plot(moons_model, tmp_path, capsys):
    png = tmp_path / "cm.png"
    assert main(["evaluate", str(moons_model), "--split", "train", "--plot", str(png)]) == 0
    out = capsys.readouterr().out
    assert "train, 240 examples" in out and "accuracy:" in out
    pytest.importorskip("matplotlib")
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_evaluate_errors_are_one_line(moons_model, tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "retrograd", "evaluate", str(tmp_path / "x.npz")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2 and r.stderr.strip() == (
        f"retrograd evaluate: error: model file not found: {tmp_path / 'x.npz'}"
    )
    r = subprocess.run(
        [sys.executable, "-m", "retrograd", "evaluate", str(moons_model), "--dataset", "digits"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "the model takes 2 features, the data has 64" in r.stderr


def test_evaluate_help_has_examples():
    r = subprocess.run(
        [sys.executable, "-m", "retrograd", "evaluate", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0 and "examples:" in r.stdout and "--split" in r.stdout
