"""Case 7: peak resident memory of a process training case 1, and import time.

Both run in fresh subprocesses (``python -m perf.footprint <framework>`` for memory),
so one framework's allocations never count against another.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
STEPS = 100
BATCH = 128


def _peak_rss_mib() -> float:
    """This process's own peak resident set (VmHWM).

    Not ``getrusage().ru_maxrss``: on Linux that survives ``exec`` and so includes the
    parent's resident memory at the time it spawned this process.
    """
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _current_rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def train_case1(framework: str) -> dict:
    """Import ``framework``, hold an MNIST-sized training set, train case 1 for STEPS steps."""
    t0 = time.perf_counter()
    if framework == "retrograd":
        import retrograd  # noqa: F401
    elif framework == "torch":
        import torch

        torch.set_num_threads(2)
    after_import = _current_rss_mib()
    rng = np.random.default_rng(0)
    X = rng.random((60_000, 784), dtype=np.float32)  # same data in every framework
    y = rng.integers(0, 10, size=60_000)
    from perf import mlp

    sizes = mlp.layer_sizes((800,))
    if framework == "retrograd":
        import retrograd as rg
        from retrograd import nn, optim
        from retrograd.nn import functional as F

        model = nn.Sequential(nn.Linear(784, 800), nn.ReLU(), nn.Linear(800, 10))
        opt = optim.SGD(model.parameters(), lr=mlp.LR)

        def step(xb, yb):
            opt.zero_grad()
            F.cross_entropy(model(rg.Tensor(xb)), yb).backward()
            opt.step()

    elif framework == "torch":
        model = torch.nn.Sequential(
            torch.nn.Linear(784, 800), torch.nn.ReLU(), torch.nn.Linear(800, 10)
        )
        opt = torch.optim.SGD(model.parameters(), lr=mlp.LR)

        def step(xb, yb):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(
                model(torch.from_numpy(xb)), torch.from_numpy(yb)
            ).backward()
            opt.step()

    else:
        net = mlp.NumpyMLP(sizes)

        def step(xb, yb):
            net.step(xb, yb, mlp.LR)

    for _ in range(STEPS):
        idx = rng.integers(0, len(X), size=BATCH)
        step(X[idx], y[idx])
    return {
        "framework": framework,
        "peak_rss_mib": _peak_rss_mib(),
        "rss_after_import_mib": after_import,
        "data_mib": (X.nbytes + y.nbytes) / 2**20,
        "seconds": time.perf_counter() - t0,
    }


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(HERE.parent), env.get("PYTHONPATH", "")])
    return env


def peak_rss(frameworks: list[str], reps: int = 3) -> dict[str, dict]:
    """Run ``train_case1`` for each framework in its own process, ``reps`` rounds
    interleaved; the run with the median peak RSS is reported (all peaks are kept)."""
    runs: dict[str, list[dict]] = {fw: [] for fw in frameworks}
    for _ in range(reps):
        for fw in frameworks:
            proc = subprocess.run(
                [sys.executable, "-m", "perf.footprint", fw],
                capture_output=True, text=True, env=_env(), cwd=HERE.parent, check=True,
            )  # fmt: skip
            runs[fw].append(json.loads(proc.stdout.strip().splitlines()[-1]))
    out = {}
    for fw, rs in runs.items():
        rs.sort(key=lambda r: r["peak_rss_mib"])
        out[fw] = {**rs[len(rs) // 2], "all_peaks_mib": [r["peak_rss_mib"] for r in rs]}
    return out


def import_times(modules: list[str], reps: int) -> dict[str, dict]:
    """Seconds to ``import <module>`` in a fresh interpreter, minus an empty interpreter.

    The interpreters are started interleaved (empty, numpy, retrograd, torch, ...), and
    each figure is the median over ``reps`` rounds.
    """
    runs: dict[str, list[float]] = {m: [] for m in ["", *modules]}
    env = _env()
    for _ in range(reps):
        for m in runs:
            code = f"import {m}" if m else "pass"
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], env=env, check=True)
            runs[m].append(time.perf_counter() - t0)
    base = statistics.median(runs.pop(""))
    return {
        m: {"seconds": statistics.median(v) - base, "raw": v, "interpreter_start": base}
        for m, v in runs.items()
    }


if __name__ == "__main__":
    print(json.dumps(train_case1(sys.argv[1])))
