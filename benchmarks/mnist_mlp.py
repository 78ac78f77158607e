"""MNIST with a plain MLP trained by retrograd's ``fit`` (784-800-10 and 784-500-300-10).

Targets from the literature (no distortions, no convolutions):

* 784-800-10, cross-entropy: 1.6% test error (Simard, Steinkraus & Platt, 2003);
* 784-500-300-10: 1.53% (LeCun et al.'s MNIST table).

The test set is used only to report the error after each epoch (nothing is
selected on it); the number recorded is the error after the last epoch.

Usage::

    nice -n 10 .venv/bin/python benchmarks/mnist_mlp.py --layers 800 --epochs 30
    nice -n 10 .venv/bin/python benchmarks/mnist_mlp.py --layers 500,300 --epochs 30

It needs the four MNIST IDX files in ``--data-dir`` (default ``../shared/datasets/mnist``,
or pass ``--download`` to fetch them into the cache).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from retrograd import optim
from retrograd.data import load_mnist
from retrograd.train import evaluate, fit
from retrograd.train.recipe import build_mlp, build_optimizer, parse_layers

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--layers", default="800", help="hidden sizes, e.g. 800 or 500,300")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--optimizer", default="sgd")
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--weight-decay", type=float, default=0.0)
    p.add_argument("--dropout", type=float, default=0.0)
    p.add_argument("--schedule", choices=["cosine", "none"], default="cosine")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--data-dir", default=str(ROOT.parent / "shared" / "datasets" / "mnist"))
    p.add_argument("--download", action="store_true")
    p.add_argument("--json", help="write the results here as JSON")
    args = p.parse_args()

    X_train, y_train = load_mnist(args.data_dir, train=True, flatten=True, download=args.download)
    X_test, y_test = load_mnist(args.data_dir, train=False, flatten=True, download=args.download)
    hidden = parse_layers(args.layers)
    model = build_mlp(784, hidden, 10, "relu", seed=args.seed, dropout=args.dropout)
    momentum = args.momentum if args.optimizer == "sgd" else 0.0
    opt = build_optimizer(args.optimizer, model.parameters(), args.lr, momentum, args.weight_decay)
    sched = (
        optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs)
        if args.schedule == "cosine"
        else None
    )
    arch = "-".join(str(s) for s in [784, *hidden, 10])
    print(f"MNIST {arch} MLP (relu), {model.num_parameters():,} parameters; {vars(args)}")
    t0 = time.perf_counter()
    history = fit(
        model,
        "cross_entropy",
        opt,
        (X_train, y_train),
        epochs=args.epochs,
        batch_size=args.batch_size,
        seed=args.seed,
        validation_data=(X_test, y_test),
        scheduler=sched,
        verbose=2,
    )
    wall = time.perf_counter() - t0
    final = evaluate(model, (X_test, y_test), loss="cross_entropy")
    error = 1.0 - final["accuracy"]
    best = 1.0 - max(history.history["val_accuracy"])
    print(
        f"{arch}: test error {error:.2%} after {len(history)} epochs "
        f"(lowest over epochs {best:.2%}), {wall:.0f} s wall, {wall / len(history):.1f} s/epoch"
    )
    if args.json:
        result = {
            "arch": arch, "args": vars(args), "epochs": len(history), "wall_s": wall,
            "test_error": error, "test_loss": final["loss"], "lowest_epoch_error": best,
            "val_accuracy": history.history["val_accuracy"], "machine": platform.platform(),
            "cpus": os.cpu_count(), "numpy": np.__version__,
        }  # fmt: skip
        Path(args.json).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
