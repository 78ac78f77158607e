"""Case 5: the textbook 2-2-2 sigmoid network, one full gradient step (framework overhead)."""

from __future__ import annotations

import numpy as np

from perf.harness import Runner

X = [[0.05, 0.10]]
T = [[0.01, 0.99]]
W1 = [[0.15, 0.20], [0.25, 0.30]]
W2 = [[0.40, 0.45], [0.50, 0.55]]
LR = 0.5


def retrograd_runner(steps: int) -> Runner:
    import retrograd as rg
    from retrograd import nn, optim
    from retrograd.nn import functional as F

    model = nn.Sequential(nn.Linear(2, 2), nn.Sigmoid(), nn.Linear(2, 2), nn.Sigmoid())
    with rg.no_grad():
        model[0].weight.data[...] = W1
        model[0].bias.data[...] = 0.35
        model[2].weight.data[...] = W2
        model[2].bias.data[...] = 0.60
    opt = optim.SGD(model.parameters(), lr=LR)
    x = rg.tensor(X)
    t = rg.tensor(T)

    def step():
        opt.zero_grad()
        loss = F.half_sse_loss(model(x), t)
        loss.backward()
        opt.step()

    return Runner(step, steps, 1e6, warmup=200)


def torch_runner(steps: int) -> Runner:
    import torch

    model = torch.nn.Sequential(
        torch.nn.Linear(2, 2), torch.nn.Sigmoid(), torch.nn.Linear(2, 2), torch.nn.Sigmoid()
    )
    with torch.no_grad():
        model[0].weight.copy_(torch.tensor(W1))
        model[0].bias.fill_(0.35)
        model[2].weight.copy_(torch.tensor(W2))
        model[2].bias.fill_(0.60)
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    x = torch.tensor(X)
    t = torch.tensor(T)

    def step():
        opt.zero_grad()
        loss = 0.5 * ((model(x) - t) ** 2).sum()
        loss.backward()
        opt.step()

    return Runner(step, steps, 1e6, warmup=200)


def numpy_runner(steps: int) -> Runner:
    f = np.float32
    x, t = np.array(X, f), np.array(T, f)
    p = {"W1": np.array(W1, f), "b1": np.full(2, 0.35, f),
         "W2": np.array(W2, f), "b2": np.full(2, 0.60, f)}  # fmt: skip

    def step():
        h = 1.0 / (1.0 + np.exp(-(x @ p["W1"].T + p["b1"])))
        o = 1.0 / (1.0 + np.exp(-(h @ p["W2"].T + p["b2"])))
        d2 = (o - t) * o * (1.0 - o)  # dE/dnet_o
        d1 = (d2 @ p["W2"]) * h * (1.0 - h)  # dE/dnet_h
        p["W2"] -= LR * (d2.T @ h)
        p["b2"] -= LR * d2.sum(axis=0)
        p["W1"] -= LR * (d1.T @ x)
        p["b1"] -= LR * d1.sum(axis=0)

    return Runner(step, steps, 1e6, warmup=200)
