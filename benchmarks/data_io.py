"""Timings of the data and file paths: built-in data, MNIST, DataLoader, model files, checkpoints.

Run from the repository root::

    .venv/bin/python benchmarks/data_io.py [--mnist ../shared/datasets/mnist]

Prints a Markdown table (median of ``--repeat`` runs).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from retrograd import nn, optim
from retrograd.data import DataLoader, load_digits, load_mnist
from retrograd.io import load, load_checkpoint, save, save_checkpoint


def timed(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mnist", default="../shared/datasets/mnist")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows: list[tuple[str, str]] = []

    rows.append(("load_digits() (1,797 x 64, shipped gzip CSV)",
                 f"{timed(load_digits, args.repeat) * 1e3:.0f} ms"))  # fmt: skip
    if Path(args.mnist).is_dir():
        t = timed(lambda: load_mnist(args.mnist, train=True, flatten=True), args.repeat)
        rows.append(("load_mnist(train=True): read + check 2 IDX gz files, scale to float32",
                     f"{t:.2f} s"))  # fmt: skip
        X, y = load_mnist(args.mnist, train=True, flatten=True)
        loader = DataLoader((X, y), batch_size=128, shuffle=True, seed=0)
        t = timed(lambda: sum(1 for _ in loader), args.repeat)
        rows.append(("DataLoader epoch over MNIST train (batch 128, shuffled)",
                     f"{t:.2f} s ({len(X) / t / 1e6:.1f} M examples/s)"))  # fmt: skip

    rng = np.random.default_rng(0)
    model = nn.Sequential(nn.Linear(784, 800, rng=rng), nn.ReLU(), nn.Linear(800, 10, rng=rng))
    opt = optim.Adam(model.parameters(), lr=1e-3)
    for p in model.parameters():  # give Adam some state to save
        p.grad = np.ones_like(p.data)
    opt.step()
    with tempfile.TemporaryDirectory() as d:
        mpath, cpath = os.path.join(d, "m.npz"), os.path.join(d, "c.npz")
        ts = timed(lambda: save(model, mpath), args.repeat)
        tl = timed(lambda: load(mpath), args.repeat)
        size = os.path.getsize(mpath) / 2**20
        rows.append(("save() 784-800-10 MLP (636,010 float32 weights, atomic + fsync)",
                     f"{ts * 1e3:.0f} ms, {size:.2f} MiB"))  # fmt: skip
        rows.append(("load() of that file (validated, rebuilt)", f"{tl * 1e3:.0f} ms"))
        ts = timed(lambda: save_checkpoint(cpath, model, opt, epoch=1, step=469), args.repeat)
        tl = timed(lambda: load_checkpoint(cpath), args.repeat)
        size = os.path.getsize(cpath) / 2**20
        rows.append(("save_checkpoint() same MLP + Adam moments",
                     f"{ts * 1e3:.0f} ms, {size:.2f} MiB"))  # fmt: skip
        rows.append(("load_checkpoint() of that file", f"{tl * 1e3:.0f} ms"))

    print("| what | time |\n|---|---|")
    for what, value in rows:
        print(f"| {what} | {value} |")


if __name__ == "__main__":
    main()
