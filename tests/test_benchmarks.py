"""The documented benchmark command keeps working (a smoke run; no timing is asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_benchmark_suite_smoke_run() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--reps", "1",
         "--cases", "5", "--no-torch", "--no-write", "--threads", "1"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    table = proc.stdout
    assert "| 5. tiny 2-2-2 sigmoid net" in table
    row = next(line for line in table.splitlines() if line.startswith("| 5."))
    cells = [c.strip() for c in row.split("|")]
    assert float(cells[3]) > 0 and float(cells[5]) > 0  # retrograd and NumPy both timed


def test_sklearn_comparison_smoke_run_with_paired_seeds() -> None:
    """benchmarks/sklearn_compare.py runs both libraries and prints the per-seed summary."""
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "sklearn_compare.py"), "--repeats", "1",
         "--seeds", "0,1", "--max-iter-adam", "3", "--max-iter-lbfgs", "5"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for solver in ("adam", "lbfgs"):
        assert f"| {solver}, seed 1 | scikit-learn |" in out
        assert f"| {solver}, seed 1 | retrograd |" in out
        assert f"| {solver}, 2 seeds | retrograd | mean 0." in out
    assert out.count("paired by seed | mean ") == 2


def test_sklearn_comparison_adds_a_pytorch_loop_when_asked() -> None:
    """``--with-torch`` times the same network in a hand-written PyTorch loop (adam only)."""
    pytest.importorskip("torch")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "sklearn_compare.py"), "--repeats", "1",
         "--solvers", "adam", "--max-iter-adam", "3", "--with-torch"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    row = next(line for line in proc.stdout.splitlines() if "| PyTorch loop |" in line)
    cells = [c.strip() for c in row.split("|")]
    assert 0.0 < float(cells[3]) <= 1.0  # a test accuracy
    assert cells[5] == "3"  # the epochs it ran
