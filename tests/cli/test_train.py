"""`retrograd train`: help with examples, outputs, one-line errors (subprocess and main())."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from retrograd.cli import main


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "retrograd", *args], capture_output=True, text=True, timeout=120
    )


def test_help_shows_examples():
    r = _cli("train", "--help")
    assert r.returncode == 0
    assert "examples:" in r.stdout and "retrograd train --dataset moons" in r.stdout
    for flag in (
        "--layers",
        "--activation",
        "--loss",
        "--optimizer",
        "--lr",
        "--batch-size",
        "--epochs",
        "--seed",
        "--out",
        "--csv",
        "--dataset",
    ):
        assert flag in r.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--epochs", "ten"], "--epochs: expected an integer"),
        (["--dataset", "imagenet"], "invalid choice: 'imagenet'"),
        (["--lr", "-1"], "--lr: expected a positive number"),
        (["--layers", "64,abc"], "--layers must be comma-separated"),
        (["--patience", "3"], "--patience needs --validation-split"),
        (["--csv", "/no/such/file.csv"], "no/such/file.csv"),
    ],
)
def test_invalid_arguments_one_line_exit_2(args, message, tmp_path):
    r = _cli("train", "--out", str(tmp_path), "--epochs", "1", *args)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("retrograd train: error:")
    assert message in lines[0]


def test_train_xor_writes_everything(tmp_path, capsys):
    out = tmp_path / "xor"
    rc = main(
        [
            "train",
            "--dataset",
            "xor",
            "--layers",
            "8",
            "--activation",
            "tanh",
            "--batch-size",
            "full",
            "--epochs",
            "500",
            "--lr",
            "0.5",
            "--stop-when-all-correct",
            "--quiet",
            "--out",
            str(out),
        ]
    )
    assert rc == 0
    stdout = capsys.readouterr().out
    assert "test accuracy: 100.00% (4/4)" in stdout
    assert "stopped: every training example classified correctly" in stdout
    assert "confusion matrix" in stdout
    names = {p.name for p in out.iterdir()}
    assert {"model.npz", "history.json"} <= names
    hist = json.loads((out / "history.json").read_text())
    assert len(hist["history"]["loss"]) < 500
    try:
        import matplotlib  # noqa: F401
    except ImportError:  # the plot extra is optional: no PNGs then
        return
    assert {"loss.png", "confusion_matrix.png", "decision_boundary.png"} <= names


def test_train_moons_progress_lines_on_stderr(tmp_path):
    r = _cli(
        "train",
        "--dataset",
        "moons",
        "--n-samples",
        "200",
        "--layers",
        "16,16",
        "--epochs",
        "3",
        "--no-plots",
        "--out",
        str(tmp_path),
    )
    assert r.returncode == 0, r.stderr
    assert [line[:9] for line in r.stderr.splitlines()] == ["Epoch 1/3", "Epoch 2/3", "Epoch 3/3"]
    assert "160 train / 40 test" in r.stdout and "test accuracy:" in r.stdout


def test_mse_loss_with_one_hot_targets_and_adam(tmp_path, capsys):
    rc = main(
        [
            "train",
            "--dataset",
            "blobs",
            "--n-samples",
            "150",
            "--loss",
            "mse",
            "--optimizer",
            "adam",
            "--epochs",
            "20",
            "--quiet",
            "--no-plots",
            "--out",
            str(tmp_path),
        ]
    )
    assert rc == 0
    acc = float(capsys.readouterr().out.split("test accuracy: ")[1].split("%")[0])
    assert acc > 90.0  # three well separated blobs


def test_divergence_is_a_one_line_error(tmp_path, capsys):
    with np.errstate(all="ignore"):
        rc = main(
            [
                "train",
                "--dataset",
                "moons",
                "--n-samples",
                "100",
                "--lr",
                "1e30",
                "--schedule",
                "none",
                "--epochs",
                "5",
                "--quiet",
                "--out",
                str(tmp_path),
            ]
        )
    err = capsys.readouterr().err
    assert rc == 2 and err.startswith("retrograd train: error: epoch ")
    assert "not finite" in err or "loss is" in err
    assert not (tmp_path / "model.npz").exists()


def test_checkpoint_and_resume(tmp_path, capsys):
    ck = tmp_path / "ck.npz"
    common = [
        "train",
        "--dataset",
        "moons",
        "--n-samples",
        "120",
        "--layers",
        "8",
        "--quiet",
        "--no-plots",
        "--checkpoint",
        str(ck),
        "--schedule",
        "none",
    ]
    assert main([*common, "--epochs", "2", "--out", str(tmp_path / "a")]) == 0
    assert main([*common, "--epochs", "4", "--resume", "--out", str(tmp_path / "b")]) == 0
    hist = json.loads((tmp_path / "b" / "history.json").read_text())
    assert hist["epoch"] == [0, 1, 2, 3]


def test_csv_dataset(tmp_path, capsys):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 3))
    y = np.where(X[:, 0] + X[:, 1] > 0, "up", "down")
    lines = ["f1,f2,f3,direction"] + [f"{a:.4f},{b:.4f},{c:.4f},{t}" for (a, b, c), t in zip(X, y)]
    path = tmp_path / "d.csv"
    path.write_text("\n".join(lines) + "\n")
    rc = main(
        [
            "train",
            "--csv",
            str(path),
            "--label-column",
            "direction",
            "--layers",
            "8",
            "--epochs",
            "30",
            "--quiet",
            "--no-plots",
            "--out",
            str(tmp_path / "o"),
        ]
    )
    assert rc == 0
    out = capsys.readouterr().out
    assert "3 features, 2 classes" in out and "down" in out and "up" in out


def test_mnist_from_the_real_files(shared_datasets, tmp_path, capsys):
    out = tmp_path / "mnist"
    rc = main(
        ["train", "--dataset", "mnist", "--data-dir", str(shared_datasets / "mnist"),
         "--layers", "", "--epochs", "1", "--batch-size", "256", "--quiet", "--no-plots",
         "--out", str(out)]
    )  # fmt: skip
    assert rc == 0
    stdout = capsys.readouterr().out
    assert "60000 train / 10000 test, 784 features, 10 classes" in stdout
    acc = float(stdout.split("test accuracy: ")[1].split("%")[0])
    assert acc > 85.0  # one epoch of softmax regression on real MNIST
    assert main(["evaluate", str(out / "model.npz"), "--json"]) == 0
    assert f'"accuracy": {acc / 100:.4f}'[:16] in capsys.readouterr().out
