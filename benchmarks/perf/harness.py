"""Interleaved timing of several implementations of one benchmark case."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Runner:
    """One implementation of a case: ``step()`` does one unit of work (a training step).

    ``scale`` converts seconds per step into the case's unit (e.g. steps per epoch for
    "seconds per epoch", 1e6 for "microseconds per step").
    """

    step: Callable[[], Any]
    steps: int
    scale: float
    warmup: int = 3


@dataclass
class Timings:
    """Per-repetition figures of one implementation, in the case's unit."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)

    def as_dict(self) -> dict[str, Any]:
        return {"wall": self.wall, "cpu": self.cpu, "median": self.median,
                "cpu_median": self.cpu_median}  # fmt: skip


def measure(runner: Runner) -> tuple[float, float]:
    """Wall and CPU time of ``runner.steps`` steps, converted to the case's unit."""
    w0, c0 = time.perf_counter(), time.process_time()
    for _ in range(runner.steps):
        runner.step()
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    return wall / runner.steps * runner.scale, cpu / runner.steps * runner.scale


def interleave(runners: dict[str, Runner], reps: int) -> dict[str, Timings]:
    """Warm every runner up, then time them in turn, rotating the order each repetition."""
    for r in runners.values():
        for _ in range(r.warmup):
            r.step()
    names = list(runners)
    out = {n: Timings() for n in names}
    for rep in range(reps):
        k = rep % len(names)
        for name in names[k:] + names[:k]:
            wall, cpu = measure(runners[name])
            out[name].wall.append(wall)
            out[name].cpu.append(cpu)
    return out
