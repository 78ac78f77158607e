"""LeNet-5 on MNIST: test error and time per epoch, retrograd vs PyTorch CPU.

The network is LeNet-5 as usually re-implemented today (LeCun et al. 1998 with
ReLU and max pooling instead of scaled tanh and trainable subsampling)::

    conv 6@5x5 (pad 2) - ReLU - maxpool 2 - conv 16@5x5 - ReLU - maxpool 2
    - flatten - fc 120 - ReLU - fc 84 - ReLU - fc 10

trained with Adam (lr 1e-3, cosine decay to 0) on the 60,000 training images
(mini-batches of 64, reshuffled every epoch) and scored on the 10,000 test
images after every epoch. One JSON line per epoch goes to ``--log``.

Usage (the recorded runs, see benchmarks/results/conv.md)::

    OPENBLAS_NUM_THREADS=1 python benchmarks/lenet_mnist.py --epochs 15 --trainer fit \
        --log benchmarks/results/lenet_mnist_fit.jsonl
    OPENBLAS_NUM_THREADS=1 python benchmarks/lenet_mnist.py --epochs 1 --trainer loop
    OPENBLAS_NUM_THREADS=1 python benchmarks/lenet_mnist.py --epochs 1 --framework torch --threads 1
    python benchmarks/lenet_mnist.py --limit 6400 --epochs 1           # quick check

``OPENBLAS_NUM_THREADS`` sets NumPy's BLAS threads (``--threads`` PyTorch's).
Every epoch logs wall and CPU seconds (``time.process_time``); on a shared
machine the CPU seconds are the fairer comparison.

``--keep-freed-memory`` (on by default) asks glibc's malloc to keep freed
memory instead of handing it back to the OS after every step: NumPy allocates
fresh multi-megabyte arrays for every im2col buffer and gradient, and without
it much of the step time goes to page faults (see benchmarks/results/conv.md).
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "datasets" / "mnist"
MEAN, STD = 0.1307, 0.3081  # MNIST pixel statistics, the usual normalisation


def keep_freed_memory() -> bool:
    """glibc only: raise the mmap/trim thresholds so big freed blocks are reused, not unmapped."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    m_trim_threshold, m_top_pad, m_mmap_threshold = -1, -2, -3
    ok = libc.mallopt(m_mmap_threshold, 32 * 1024 * 1024)
    ok &= libc.mallopt(m_trim_threshold, 1024 * 1024 * 1024)
    ok &= libc.mallopt(m_top_pad, 64 * 1024 * 1024)
    return bool(ok)


def load_data(root: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from retrograd.data import load_mnist

    x_train, y_train = load_mnist(root, train=True)
    x_test, y_test = load_mnist(root, train=False)
    prep = [((x - MEAN) / STD).astype(np.float32)[:, None] for x in (x_train, x_test)]
    return prep[0], y_train, prep[1], y_test


def lenet5(seed: int):
    """LeNet-5 (ReLU, max pooling) in retrograd."""
    from retrograd import nn

    nn.init.manual_seed(seed)
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10),
    )  # fmt: skip


def run_retrograd_fit(args, data, log):
    """Train with ``retrograd.train.fit``; the test set is its validation data."""
    from retrograd import optim
    from retrograd.train import Callback, fit

    x_train, y_train, x_test, y_test = data
    model = lenet5(args.seed)
    opt = optim.Adam(model.parameters(), lr=args.lr)
    sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs)

    class EpochLog(Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.t0 = self.t_train = time.perf_counter()
            self.c0 = self.c_train = time.process_time()

        def on_batch_end(self, batch, logs=None):
            self.t_train = time.perf_counter()
            self.c_train = time.process_time()

        def on_epoch_end(self, epoch, logs=None):
            now = time.perf_counter()
            log(epoch + 1, logs["loss"], logs["accuracy"], 1.0 - logs["val_accuracy"],
                self.t_train - self.t0, now - self.t_train, self.c_train - self.c0)  # fmt: skip

    fit(
        model, "cross_entropy", opt, (x_train, y_train), epochs=args.epochs,
        batch_size=args.batch_size, seed=args.seed, validation_data=(x_test, y_test),
        scheduler=sched, callbacks=[EpochLog()], verbose=0,
    )  # fmt: skip


def run_retrograd(args, data, log):
    """A plain training loop (the same steps as the PyTorch loop below)."""
    import retrograd as rg
    from retrograd import nn, optim

    x_train, y_train, x_test, y_test = data
    model = lenet5(args.seed)
    opt = optim.Adam(model.parameters(), lr=args.lr)
    sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs)
    rng = np.random.default_rng(args.seed)

    def test_error() -> float:
        model.eval()
        wrong = 0
        with rg.no_grad():
            for i in range(0, len(x_test), 1000):
                logits = model(rg.tensor(x_test[i : i + 1000]))
                wrong += int((logits.data.argmax(axis=1) != y_test[i : i + 1000]).sum())
        model.train()
        return wrong / len(x_test)

    for epoch in range(1, args.epochs + 1):
        t0, c0 = time.perf_counter(), time.process_time()
        order = rng.permutation(len(x_train))
        total, correct, seen = 0.0, 0, 0
        for i in range(0, len(order), args.batch_size):
            idx = order[i : i + args.batch_size]
            xb, yb = rg.tensor(x_train[idx]), y_train[idx]
            opt.zero_grad()
            logits = model(xb)
            loss = nn.functional.cross_entropy(logits, yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
            correct += int((logits.data.argmax(axis=1) == yb).sum())
            seen += len(idx)
        train_s, train_cpu = time.perf_counter() - t0, time.process_time() - c0
        sched.step()
        t1 = time.perf_counter()
        err = test_error()
        log(epoch, total / seen, correct / seen, err, train_s, time.perf_counter() - t1, train_cpu)


def run_torch(args, data, log):
    import torch

    x_train, y_train, x_test, y_test = (torch.from_numpy(a) for a in data)
    torch.manual_seed(args.seed)
    tn = torch.nn
    model = tn.Sequential(
        tn.Conv2d(1, 6, 5, padding=2), tn.ReLU(), tn.MaxPool2d(2),
        tn.Conv2d(6, 16, 5), tn.ReLU(), tn.MaxPool2d(2),
        tn.Flatten(),
        tn.Linear(16 * 5 * 5, 120), tn.ReLU(),
        tn.Linear(120, 84), tn.ReLU(),
        tn.Linear(84, 10),
    )  # fmt: skip
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs)
    gen = torch.Generator().manual_seed(args.seed)
    for epoch in range(1, args.epochs + 1):
        t0, c0 = time.perf_counter(), time.process_time()
        order = torch.randperm(len(x_train), generator=gen)
        total, correct, seen = 0.0, 0, 0
        for i in range(0, len(order), args.batch_size):
            idx = order[i : i + args.batch_size]
            xb, yb = x_train[idx], y_train[idx]
            opt.zero_grad()
            logits = model(xb)
            loss = tn.functional.cross_entropy(logits, yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
            correct += int((logits.argmax(1) == yb).sum())
            seen += len(idx)
        train_s, train_cpu = time.perf_counter() - t0, time.process_time() - c0
        sched.step()
        t1 = time.perf_counter()
        model.eval()
        with torch.no_grad():
            wrong = sum(
                int((model(x_test[i : i + 1000]).argmax(1) != y_test[i : i + 1000]).sum())
                for i in range(0, len(x_test), 1000)
            )
        model.train()
        log(epoch, total / seen, correct / seen, wrong / len(x_test), train_s,
            time.perf_counter() - t1, train_cpu)  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--framework", choices=("retrograd", "torch"), default="retrograd")
    p.add_argument(
        "--trainer", choices=("fit", "loop"), default="fit",
        help="retrograd only: retrograd.train.fit, or a plain loop like the PyTorch one",
    )  # fmt: skip
    p.add_argument("--epochs", type=int, default=15)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--limit", type=int, default=None, help="train on the first N images only")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with the IDX files")
    p.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (torch only)")
    p.add_argument("--log", type=Path, default=None, help="append one JSON line per epoch")
    p.add_argument("--no-keep-freed-memory", dest="keep_freed", action="store_false")
    args = p.parse_args(argv)

    tuned = keep_freed_memory() if args.keep_freed else False
    if args.framework == "torch" and args.threads:
        import torch

        torch.set_num_threads(args.threads)
    data = load_data(args.data)
    if args.limit:
        data = (data[0][: args.limit], data[1][: args.limit], data[2], data[3])
    meta = {
        "framework": args.framework,
        "trainer": args.trainer if args.framework == "retrograd" else "loop",
        "batch_size": args.batch_size, "lr": args.lr,
        "seed": args.seed, "train_images": len(data[0]), "keep_freed_memory": tuned,
        "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
        "cpus": os.cpu_count(), "started": time.strftime("%Y-%m-%d %H:%M:%S"),
    }  # fmt: skip
    print(json.dumps(meta), flush=True)

    def log(epoch, loss, acc, err, train_s, eval_s, train_cpu):
        row = {"epoch": epoch, "train_loss": round(loss, 5), "train_acc": round(acc, 5),
               "test_error": round(err, 5), "train_seconds": round(train_s, 2),
               "train_cpu_seconds": round(train_cpu, 2),
               "eval_seconds": round(eval_s, 2), **meta}  # fmt: skip
        line = json.dumps(row)
        print(
            f"epoch {epoch:2d}  loss {loss:.4f}  train acc {acc:.4f}  test error "
            f"{100 * err:.2f}%  train {train_s:.1f}s (cpu {train_cpu:.1f}s)  eval {eval_s:.1f}s",
            flush=True,
        )
        if args.log:
            args.log.parent.mkdir(parents=True, exist_ok=True)
            with open(args.log, "a") as f:
                f.write(line + "\n")

    if args.framework == "torch":
        run_torch(args, data, log)
    elif args.trainer == "fit":
        run_retrograd_fit(args, data, log)
    else:
        run_retrograd(args, data, log)


if __name__ == "__main__":
    sys.exit(main())
