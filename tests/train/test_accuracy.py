"""Accuracy of real training runs: the main job (default suite) and MNIST MLPs (slow)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _train(args: list[str], tmp_path: Path, timeout: int) -> str:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")  # as scripts/demo.sh
    r = subprocess.run(
        [sys.executable, "-m", "retrograd", "train", "--quiet", "--out", str(tmp_path), *args],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=timeout,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    return r.stdout


def _accuracy(stdout: str) -> float:
    return float(re.search(r"test accuracy: ([\d.]+)%", stdout).group(1))


def test_main_job_reaches_97_percent_on_digits(tmp_path):
    """`retrograd train` with its defaults: >= 97% on the 360 held-out digits."""
    out = _train(["--no-plots"], tmp_path, timeout=600)
    assert _accuracy(out) >= 97.0
    assert (tmp_path / "model.npz").is_file()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("layers", "epochs", "target"), [("800", "30", 1.6), ("500,300", "25", 1.53)]
)
def test_mnist_mlp_error(shared_datasets, tmp_path, layers, epochs, target):
    """The literature's MLP figures (see benchmarks/results/training.md)."""
    out = _train(
        ["--dataset", "mnist", "--data-dir", str(shared_datasets / "mnist"), "--layers", layers,
         "--epochs", epochs, "--batch-size", "128", "--dropout", "0.2", "--no-standardize",
         "--no-plots"],
        tmp_path, timeout=3600,
    )  # fmt: skip
    assert 100.0 - _accuracy(out) <= target
