"""The main job (``bash scripts/demo.sh`` = ``retrograd train``): accuracy and wall time.

Target: >= 97% test accuracy on the built-in 8x8 digits in under 30 s on 2 cores.

Runs the real command in a subprocess, exactly as a user does (process start,
imports, data loading, training, evaluation, model file and PNGs included), for
several seeds, and reports each run's test accuracy and wall time.

Usage::

    .venv/bin/python benchmarks/default_job.py                # seeds 0..4
    .venv/bin/python benchmarks/default_job.py --seeds 0 --extra --epochs 20
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_once(seed: int, extra: list[str], threads: int | None = 1) -> tuple[float, float]:
    """(test accuracy in %, wall seconds) of one ``retrograd train`` run."""
    with tempfile.TemporaryDirectory() as out:
        cmd = [
            sys.executable,
            "-m",
            "retrograd",
            "train",
            "--seed",
            str(seed),
            "--out",
            out,
            *extra,
        ]
        env = dict(os.environ)
        if threads is not None:  # scripts/demo.sh runs with one BLAS thread
            env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = str(threads)
        t0 = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
        wall = time.perf_counter() - t0
    if r.returncode != 0:
        raise SystemExit(f"run failed ({' '.join(cmd)}):\n{r.stderr}")
    m = re.search(r"test accuracy: ([\d.]+)%", r.stdout)
    if not m:
        raise SystemExit(f"no accuracy in the output:\n{r.stdout}")
    return float(m.group(1)), wall


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    p.add_argument(
        "--blas-threads",
        type=int,
        default=1,
        help="OPENBLAS_NUM_THREADS for the runs (default 1, as scripts/demo.sh; 0: leave unset)",
    )
    p.add_argument("--extra", nargs=argparse.REMAINDER, default=[], help="more train arguments")
    args = p.parse_args()
    threads = args.blas_threads or "unset"
    print(
        f"retrograd train {' '.join(args.extra)}  (cpus: {os.cpu_count()}, BLAS threads: {threads})"
    )
    accs, walls = [], []
    for seed in args.seeds:
        acc, wall = run_once(seed, args.extra, args.blas_threads or None)
        accs.append(acc)
        walls.append(wall)
        print(f"seed {seed}: test accuracy {acc:.2f}%  wall {wall:.1f} s", flush=True)
    print(
        f"accuracy min {min(accs):.2f}% / mean {statistics.mean(accs):.2f}% / max {max(accs):.2f}%;"
        f" wall min {min(walls):.1f} s / median {statistics.median(walls):.1f} s / "
        f"max {max(walls):.1f} s"
    )


if __name__ == "__main__":
    main()
