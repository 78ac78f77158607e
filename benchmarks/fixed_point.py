"""Fixed-point network trained by recurrent backprop (Almeida-Pineda) vs the same network
trained by BPTT through the unrolled relaxation, on the built-in 8x8 digits.

    nice -n 10 .venv/bin/python benchmarks/fixed_point.py --epochs 40

Both models: s* = tanh(s* W^T + x U^T + b) with 64 state units, then a linear readout
to 10 classes; Adam, batch 64. The BPTT model runs a fixed number of plain iterations
(``--unroll``) and backpropagates through all of them. Reported: test accuracy, time per
epoch, and the tracemalloc peak of one training step (forward + backward).
"""

from __future__ import annotations

import argparse
import platform
import time
import tracemalloc

import numpy as np

import retrograd as rg
from retrograd import nn, optim


class RBPNet(nn.Module):
    def __init__(self, state: int, rng: np.random.Generator, tol: float) -> None:
        super().__init__()
        self.fp = nn.FixedPointLayer(64, state, tol=tol, max_iter=1000, rng=rng)
        self.head = nn.Linear(state, 10, rng=rng)

    def forward(self, x: rg.Tensor) -> rg.Tensor:
        return self.head(self.fp(x))


class BPTTNet(RBPNet):
    """The same parameters, but the relaxation is unrolled into the graph."""

    def __init__(self, state: int, rng: np.random.Generator, unroll: int) -> None:
        super().__init__(state, rng, tol=1e-5)
        self.unroll = unroll

    def forward(self, x: rg.Tensor) -> rg.Tensor:
        fp = self.fp
        fp.project_()  # the same spectral-norm constraint as the fixed-point layer
        drive = x @ fp.weight_ih.T + fp.bias
        s = rg.tensor(np.zeros((x.shape[0], fp.state_size), dtype=np.float32))
        for _ in range(self.unroll):
            s = rg.tanh(s @ fp.weight_hh.T + drive)
        return self.head(s)


def peak_step_bytes(model: nn.Module, xb: rg.Tensor, yb: np.ndarray) -> int:
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    nn.functional.cross_entropy(model(xb), yb).backward()
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    model.zero_grad()
    return peak


def train(model: nn.Module, X, y, Xt, yt, epochs: int, lr: float, seed: int) -> dict:
    opt = optim.Adam(model.parameters(), lr=lr)
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for i in range(0, len(X), 64):
            idx = order[i : i + 64]
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(rg.tensor(X[idx])), y[idx])
            loss.backward()
            opt.step()
    secs = (time.perf_counter() - t0) / epochs
    with rg.no_grad():
        acc = float((model(rg.tensor(Xt)).data.argmax(1) == yt).mean())
    mem = peak_step_bytes(model, rg.tensor(X[:64]), y[:64])
    return {"test_accuracy": acc, "s_per_epoch": secs, "peak_step_KiB": mem / 1024}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--epochs", type=int, default=40)
    p.add_argument("--state", type=int, default=64)
    p.add_argument("--unroll", type=int, default=30)
    p.add_argument("--lr", type=float, default=0.005)
    p.add_argument("--tol", type=float, default=1e-5)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    from retrograd.data import load_digits, train_test_split

    X, y = load_digits()
    X, Xt, y, yt = train_test_split(X, y, test_size=0.2, seed=args.seed)
    print(f"# {platform.platform()}, numpy {np.__version__}, {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(f"# digits: {len(X)} train / {len(Xt)} test, state {args.state}, epochs {args.epochs}")
    rbp = RBPNet(args.state, np.random.default_rng(args.seed), args.tol)
    r = train(rbp, X, y, Xt, yt, args.epochs, args.lr, args.seed)
    r["forward_iterations_last_batch"] = rbp.fp.last_forward_iterations
    r["adjoint_iterations_last_batch"] = rbp.fp.last_backward_iterations
    print("RESULT recurrent-backprop", {k: round(v, 4) for k, v in r.items()})
    bptt = BPTTNet(args.state, np.random.default_rng(args.seed), args.unroll)
    b = train(bptt, X, y, Xt, yt, args.epochs, args.lr, args.seed)
    print(f"RESULT bptt-unroll-{args.unroll}", {k: round(v, 4) for k, v in b.items()})
    for k in (10, 100, 300):
        bptt.unroll = k
        kib = peak_step_bytes(bptt, rg.tensor(X[:64]), y[:64]) / 1024
        print(f"memory: BPTT through {k} iterations: {kib:.0f} KiB per step")
    for tol in (1e-3, 1e-5, 1e-7):
        rbp.fp.tol = tol
        kib = peak_step_bytes(rbp, rg.tensor(X[:64]), y[:64]) / 1024
        print(
            f"memory: recurrent backprop, tol {tol:g} ({rbp.fp.last_forward_iterations} forward "
            f"/ {rbp.fp.last_backward_iterations} adjoint iterations): {kib:.0f} KiB per step"
        )


if __name__ == "__main__":
    main()
