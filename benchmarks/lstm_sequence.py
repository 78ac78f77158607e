"""LSTM benchmarks: sequential MNIST (row by row) accuracy, and time per training step
beside PyTorch CPU.

    # accuracy: MNIST read as 28 rows of 28 pixels, an LSTM(28, 128) + Linear(128, 10)
    nice -n 10 .venv/bin/python benchmarks/lstm_sequence.py mnist --epochs 6

    # speed: input 32, hidden 128, seq 50, batch 32, forward + backward + SGD step
    nice -n 10 .venv/bin/python benchmarks/lstm_sequence.py timing

The MNIST files are read from ``../shared/datasets/mnist`` (or ``--root``).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

import retrograd as rg
from retrograd import nn, optim

ROOT = Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "mnist"


class RowLSTM(nn.Module):
    """Read an image one row per time step; classify from the last hidden state."""

    def __init__(self, hidden: int = 128, rng: np.random.Generator | None = None) -> None:
        super().__init__()
        self.lstm = nn.LSTM(28, hidden, batch_first=True, rng=rng)
        self.head = nn.Linear(hidden, 10, rng=rng)

    def forward(self, x: rg.Tensor) -> rg.Tensor:
        x = x.reshape(x.shape[0], 28, 28)  # (N, 784) or (N, 28, 28) -> 28 steps of 28 pixels
        out, (h_n, c_n) = self.lstm(x)
        return self.head(h_n[-1])


def run_mnist(args: argparse.Namespace) -> None:
    from retrograd.data import load_mnist
    from retrograd.train import evaluate, fit

    X, y = load_mnist(root=args.root, train=True)
    Xt, yt = load_mnist(root=args.root, train=False)
    if args.limit:
        X, y = X[: args.limit], y[: args.limit]
    rng = np.random.default_rng(args.seed)
    model = RowLSTM(args.hidden, rng=rng)
    opt = optim.Adam(model.parameters(), lr=args.lr)
    sched = optim.lr_scheduler.StepLR(opt, step_size=args.decay_every, gamma=0.3)
    print(f"# sequential MNIST: {len(X)} train / {len(Xt)} test, {model.num_parameters()} params")
    t0 = time.perf_counter()
    hist = fit(
        model,
        "cross_entropy",
        opt,
        (X, y),
        epochs=args.epochs,
        batch_size=args.batch_size,
        seed=args.seed,
        validation_data=(Xt, yt),
        scheduler=sched,
        verbose=2,
    )
    total = time.perf_counter() - t0
    res = evaluate(model, (Xt, yt), loss="cross_entropy")
    print(f"history: {hist.history}")
    print(
        f"RESULT test_accuracy={res['accuracy']:.4f} test_loss={res['loss']:.4f} "
        f"epochs={len(hist.history['loss'])} total_s={total:.0f} "
        f"s_per_epoch={total / len(hist.history['loss']):.0f}"
    )


def _interleaved(fns: dict, repeats: int, rounds: int) -> dict:
    """Median seconds per call of each function, measured in alternating rounds so that
    both see the same load on a shared machine."""
    for fn in fns.values():
        for _ in range(3):
            fn()
    samples: dict = {k: [] for k in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            t = time.perf_counter()
            for _ in range(repeats):
                fn()
            samples[name].append((time.perf_counter() - t) / repeats)
    return {k: float(np.median(v)) for k, v in samples.items()}


def run_timing(args: argparse.Namespace) -> None:
    T, N, I, H = args.seq, args.batch, args.input, args.hidden
    rng = np.random.default_rng(0)
    x = rng.normal(size=(T, N, I)).astype(np.float32)
    target = rng.normal(size=(T, N, H)).astype(np.float32)
    lstm = nn.LSTM(I, H, rng=rng)
    opt = optim.SGD(lstm.parameters(), lr=0.01)
    xt_, tt_ = rg.tensor(x), rg.tensor(target)

    def ours() -> None:
        opt.zero_grad()
        out, _ = lstm(xt_)
        loss = ((out - tt_) ** 2).mean()
        loss.backward()
        opt.step()

    fns = {"retrograd": ours}
    try:
        import torch
    except ImportError:
        torch = None
        print("torch not installed: pip install torch==2.13.0 for the comparison")
    if torch is not None:
        torch.set_num_threads(args.threads)
        tl = torch.nn.LSTM(I, H)
        topt = torch.optim.SGD(tl.parameters(), lr=0.01)
        xt, tt = torch.tensor(x), torch.tensor(target)

        def theirs() -> None:
            topt.zero_grad()
            out, _ = tl(xt)
            loss = ((out - tt) ** 2).mean()
            loss.backward()
            topt.step()

        fns[f"torch {torch.__version__} ({args.threads} threads)"] = theirs
    res = _interleaved(fns, args.repeats, args.rounds)
    print(f"LSTM(input={I}, hidden={H}), seq {T}, batch {N}: forward + backward + SGD step")
    for name, t in res.items():
        print(f"  {name}: {t * 1e3:.2f} ms per step ({t / T * 1e6:.0f} us per time step)")
    if len(res) == 2:
        a, b = res.values()
        print(f"RESULT ratio retrograd/torch = {a / b:.2f}")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="what", required=True)
    m = sub.add_parser("mnist", help="sequential MNIST accuracy")
    m.add_argument("--root", default=str(ROOT))
    m.add_argument("--epochs", type=int, default=6)
    m.add_argument("--batch-size", type=int, default=128)
    m.add_argument("--hidden", type=int, default=128)
    m.add_argument("--lr", type=float, default=2e-3)
    m.add_argument("--decay-every", type=int, default=4)
    m.add_argument("--limit", type=int, default=0, help="use only the first N training images")
    m.add_argument("--seed", type=int, default=0)
    t = sub.add_parser("timing", help="time per training step beside PyTorch")
    t.add_argument("--seq", type=int, default=50)
    t.add_argument("--batch", type=int, default=32)
    t.add_argument("--input", type=int, default=32)
    t.add_argument("--hidden", type=int, default=128)
    t.add_argument("--repeats", type=int, default=10)
    t.add_argument("--rounds", type=int, default=7)
    t.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)
    print(
        f"# {platform.platform()}, {os.cpu_count()} cpus, numpy {np.__version__}, "
        f"python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d %H:%M %Z')}"
    )
    run_mnist(args) if args.what == "mnist" else run_timing(args)


if __name__ == "__main__":
    main()
