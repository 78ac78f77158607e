"""Case 3: a LeNet-5-style CNN on 28x28 inputs, batch 128, seconds per epoch.

conv 5x5 (6, padding 2) - ReLU - max-pool 2 - conv 5x5 (16) - ReLU - max-pool 2 -
linear 400-120 - ReLU - linear 120-84 - ReLU - linear 84-10, softmax cross-entropy, SGD.
"""

from __future__ import annotations

import numpy as np

from perf.data import EPOCH, Cycle, batches
from perf.harness import Runner

LR = 0.01


def available() -> str | None:
    """None when retrograd has the layers this case needs, else why not."""
    from retrograd import nn

    missing = [n for n in ("Conv2d", "MaxPool2d", "Flatten") if not hasattr(nn, n)]
    return f"retrograd.nn lacks {', '.join(missing)}" if missing else None


def retrograd_runner(batch: int, steps: int) -> Runner:
    import retrograd as rg
    from retrograd import nn, optim
    from retrograd.nn import functional as F

    rng = np.random.default_rng(0)
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2, rng=rng), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5, rng=rng), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120, rng=rng), nn.ReLU(), nn.Linear(120, 84, rng=rng), nn.ReLU(),
        nn.Linear(84, 10, rng=rng),
    )  # fmt: skip
    opt = optim.SGD(model.parameters(), lr=LR)
    data = Cycle(batches(batch, (1, 28, 28)))

    def step():
        x, y = data.next()
        opt.zero_grad()
        loss = F.cross_entropy(model(rg.Tensor(x)), y)
        loss.backward()
        opt.step()

    return Runner(step, steps, EPOCH / batch, warmup=2)


def torch_runner(batch: int, steps: int) -> Runner:
    import torch
    from torch import nn

    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )  # fmt: skip
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    data = Cycle(
        [(torch.from_numpy(x), torch.from_numpy(y)) for x, y in batches(batch, (1, 28, 28))]
    )

    def step():
        x, y = data.next()
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    return Runner(step, steps, EPOCH / batch, warmup=2)
