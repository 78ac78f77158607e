"""Run the performance suite of issue 6 and write ``benchmarks/results/performance.md``.

Usage::

    .venv/bin/python benchmarks/run.py                      # all cases, 5 repetitions
    .venv/bin/python benchmarks/run.py --cases 1,5 --reps 7
    .venv/bin/python benchmarks/run.py --quick              # fewer steps, for a smoke test
    .venv/bin/python benchmarks/run.py --coretype Haswell   # force OpenBLAS's AVX2 kernels
    .venv/bin/python benchmarks/run.py --threads 1          # one thread everywhere

Each case times retrograd, PyTorch 2.13.0 CPU (when installed) and, where it helps, a
hand-written NumPy version, interleaved, with 2 BLAS/torch threads; the table is printed
and the raw figures are kept in ``benchmarks/results/performance-<coretype>-<n>threads.json``,
from which ``performance.md`` is regenerated (so runs with different ``--coretype`` or
``--threads`` sit side by side). ``OPENBLAS_CORETYPE`` is only ever changed for this
benchmark's own process.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--cases", default="1,2,3,4,5,6,7", help="comma-separated case numbers")
    p.add_argument("--reps", type=int, default=5, help="repetitions (median reported)")
    p.add_argument("--quick", action="store_true", help="fewer steps per repetition")
    p.add_argument("--threads", type=int, default=2, help="BLAS and torch threads")
    p.add_argument("--coretype", default=None, help="run with this OPENBLAS_CORETYPE")
    p.add_argument("--no-torch", action="store_true", help="skip PyTorch even if installed")
    p.add_argument("--no-write", action="store_true", help="print only; write no results")
    return p.parse_args()


def _reexec_if_needed(args: argparse.Namespace) -> None:
    """Thread counts and the OpenBLAS core type must be set before NumPy loads."""
    env = dict(os.environ)
    changed = False
    for var in THREAD_VARS:
        if env.get(var) != str(args.threads):
            env[var], changed = str(args.threads), True
    if args.coretype and env.get("OPENBLAS_CORETYPE") != args.coretype:
        env["OPENBLAS_CORETYPE"], changed = args.coretype, True
    if changed and "numpy" not in sys.modules:
        os.execve(sys.executable, [sys.executable, *sys.argv], env)


def _machine(torch_version: str | None) -> dict:
    import numpy as np

    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info = {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "env": {k: os.environ.get(k, "") for k in (*THREAD_VARS, "OPENBLAS_CORETYPE")},
        "load_before": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }
    try:  # the kernels OpenBLAS actually picked (it auto-detects when the variable is unset)
        import threadpoolctl

        blas = [i for i in threadpoolctl.threadpool_info() if i.get("user_api") == "blas"]
        info["blas"] = ", ".join(f"{i['internal_api']} {i['version']} {i['architecture']}"
                                 for i in blas)  # fmt: skip
    except ImportError:
        info["blas"] = "unknown (pip install threadpoolctl to record it)"
    if torch_version:
        info["torch"] = torch_version
    return info


def main() -> None:
    args = _parse()
    _reexec_if_needed(args)
    sys.path.insert(0, str(HERE))
    from perf.cases import CASES, run_case
    from perf.report import load_runs, render, table

    torch_version = None
    if not args.no_torch:
        try:
            import torch

            torch.set_num_threads(args.threads)
            torch_version = torch.__version__
        except ImportError:
            print("PyTorch not installed: timing retrograd and NumPy only", file=sys.stderr)
    run = {
        "command": " ".join(shlex.quote(a) for a in [".venv/bin/python", *sys.argv]),
        "date": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "reps": args.reps,
        "quick": args.quick,
        "machine": _machine(torch_version),
        "results": {},
    }
    for key in args.cases.split(","):
        key = key.strip()
        print(f"case {key}: {CASES[key].title} ...", file=sys.stderr, flush=True)
        run["results"][key] = run_case(key, args.reps, args.quick, torch_version is not None)
        run["results"][key]["date"] = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
        run["results"][key]["load"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    run["machine"]["load_after"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(table(run))
    if args.no_write:
        return
    RESULTS.mkdir(exist_ok=True)
    label = f"{os.environ.get('OPENBLAS_CORETYPE') or 'auto'}-{args.threads}threads"
    path = RESULTS / f"performance-{label}.json"
    previous = json.loads(path.read_text())["results"] if path.exists() else {}
    if set(run["results"]) != set(CASES):  # a partial run updates its cases only
        run["results"] = {**previous, **run["results"]}
    path.write_text(json.dumps(run, indent=1))
    (RESULTS / "performance.md").write_text(render(load_runs(RESULTS)))
    print(f"wrote {path.relative_to(HERE.parent)} and results/performance.md", file=sys.stderr)


if __name__ == "__main__":
    main()
