"""The documented benchmark command keeps working (a smoke run; no timing is asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
