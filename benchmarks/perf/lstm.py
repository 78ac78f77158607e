"""Case 4: an LSTM (input 32, hidden 128, sequence 50, batch 32), one forward + backward
+ SGD step, in milliseconds. A linear head on the last hidden state and a softmax
cross-entropy against random labels make the loss."""

from __future__ import annotations

import numpy as np

from perf.data import Cycle
from perf.harness import Runner

T, N, I, H, C = 50, 32, 32, 128, 10
LR = 0.01


def available() -> str | None:
    from retrograd import nn

    return None if hasattr(nn, "LSTM") else "retrograd.nn lacks LSTM"


def _batches(count: int = 4, seed: int = 0):
    rng = np.random.default_rng(seed)
    return [
        (rng.standard_normal((T, N, I)).astype(np.float32), rng.integers(0, C, N))
        for _ in range(count)
    ]


def retrograd_runner(steps: int) -> Runner:
    import retrograd as rg
    from retrograd import nn, optim
    from retrograd.nn import functional as F

    rng = np.random.default_rng(0)
    lstm, head = nn.LSTM(I, H, rng=rng), nn.Linear(H, C, rng=rng)
    opt = optim.SGD([*lstm.parameters(), *head.parameters()], lr=LR)
    data = Cycle(_batches())

    def step():
        x, y = data.next()
        opt.zero_grad()
        out, _ = lstm(rg.Tensor(x))
        loss = F.cross_entropy(head(out[-1]), y)
        loss.backward()
        opt.step()

    return Runner(step, steps, 1e3, warmup=2)


def torch_runner(steps: int) -> Runner:
    import torch

    torch.manual_seed(0)
    lstm, head = torch.nn.LSTM(I, H), torch.nn.Linear(H, C)
    opt = torch.optim.SGD([*lstm.parameters(), *head.parameters()], lr=LR)
    data = Cycle([(torch.from_numpy(x), torch.from_numpy(y)) for x, y in _batches()])

    def step():
        x, y = data.next()
        opt.zero_grad()
        out, _ = lstm(x)
        loss = torch.nn.functional.cross_entropy(head(out[-1]), y)
        loss.backward()
        opt.step()

    return Runner(step, steps, 1e3, warmup=2)
