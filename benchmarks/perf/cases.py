"""The seven cases of issue 6: what each measures, its unit and its target."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

from perf import footprint, lenet, lstm, mlp, tiny
from perf.harness import interleave


@dataclass(frozen=True)
class Case:
    key: str
    title: str
    unit: str
    target: str  # human-readable target of the ratio retrograd / PyTorch


CASES = {
    "1": Case("1", "MLP 784-800-10, batch 128", "s/epoch", "<= 0.75"),
    "2": Case("2", "MLP 784-500-300-10, batch 128", "s/epoch", "<= 0.75"),
    "3": Case("3", "LeNet-5 CNN, 28x28, batch 128", "s/epoch", "<= 1.5"),
    "4": Case("4", "LSTM 32-128, seq 50, batch 32: fwd+bwd+SGD", "ms/step", "<= 1.5"),
    "5": Case("5", "tiny 2-2-2 sigmoid net: one SGD step", "us/step", "<= 0.2"),
    "6": Case("6", "GEMM efficiency of case 1's step", "GFLOP/s", ">= 80% of NumPy GEMM"),
    "7": Case("7", "peak RSS training case 1; import time", "MiB; s", "<= 0.6; <= 0.15"),
}

TARGETS = {"1": 0.75, "2": 0.75, "3": 1.5, "4": 1.5, "5": 0.2}


def _with_torch(runners: dict, make_torch, torch_ok: bool) -> dict:
    if torch_ok:
        runners["torch"] = make_torch()
    return runners


def run_case(key: str, reps: int, quick: bool, torch_ok: bool) -> dict[str, Any]:
    """Run one case; returns plain data for the report."""
    if key in ("1", "2"):
        hidden = (800,) if key == "1" else (500, 300)
        steps = 10 if quick else 40
        runners = {
            "retrograd": mlp.retrograd_runner(hidden, 128, steps),
            "numpy": mlp.numpy_runner(hidden, 128, steps),
        }
        _with_torch(runners, lambda: mlp.torch_runner(hidden, 128, steps), torch_ok)
        return {"timings": _plain(interleave(runners, reps)), "steps": steps}
    if key == "3":
        why = lenet.available()
        if why:
            return {"skipped": why}
        steps = 3 if quick else 10
        runners = {"retrograd": lenet.retrograd_runner(128, steps)}
        _with_torch(runners, lambda: lenet.torch_runner(128, steps), torch_ok)
        return {"timings": _plain(interleave(runners, reps)), "steps": steps}
    if key == "4":
        why = lstm.available()
        if why:
            return {"skipped": why}
        steps = 2 if quick else 5
        runners = {"retrograd": lstm.retrograd_runner(steps)}
        _with_torch(runners, lambda: lstm.torch_runner(steps), torch_ok)
        return {"timings": _plain(interleave(runners, reps)), "steps": steps}
    if key == "5":
        steps = 500 if quick else 3000
        runners = {"retrograd": tiny.retrograd_runner(steps), "numpy": tiny.numpy_runner(steps)}
        _with_torch(runners, lambda: tiny.torch_runner(steps), torch_ok)
        return {"timings": _plain(interleave(runners, reps)), "steps": steps}
    if key == "6":
        steps = 10 if quick else 40
        # seconds per step (scale 1), the bare GEMMs interleaved with the full steps
        runners = {
            "retrograd": mlp.retrograd_runner((800,), 128, steps),
            "numpy-gemm": mlp.gemm_runner((800,), 128, steps),
            "numpy": mlp.numpy_runner((800,), 128, steps),
        }
        for r in runners.values():
            r.scale = 1.0
        _with_torch(runners, lambda: mlp.torch_runner((800,), 128, steps), torch_ok)
        for r in runners.values():
            r.scale = 1.0
        timings = _plain(interleave(runners, reps))
        flops = mlp.gemm_flops((800,), 128)
        gflops = {k: flops / v["median"] / 1e9 for k, v in timings.items()}
        return {"timings": timings, "flops_per_step": flops, "gflops": gflops, "steps": steps}
    if key == "7":
        fws = ["numpy", "retrograd"] + (["torch"] if torch_ok else [])
        mods = ["numpy", "retrograd"] + (["torch"] if torch_ok else [])
        return {
            "rss": footprint.peak_rss(fws),
            "imports": footprint.import_times(mods, max(reps, 5)),
        }
    raise ValueError(f"unknown case {key!r}")


def _plain(timings) -> dict[str, dict]:
    return {k: v.as_dict() for k, v in timings.items()}


def ratio(result: dict, field: str = "median") -> float | None:
    t = result.get("timings", {})
    if "retrograd" not in t or "torch" not in t:
        return None
    return t["retrograd"][field] / t["torch"][field]


def median(xs: list[float]) -> float:
    return statistics.median(xs)
