"""Cases 1, 2 and 6: MLPs on MNIST-shaped data (ReLU, softmax cross-entropy, SGD, batch
128), and the GEMM efficiency of case 1's training step."""

from __future__ import annotations

import numpy as np

from perf.data import EPOCH, Cycle, batches
from perf.harness import Runner

LR = 0.01


def layer_sizes(hidden: tuple[int, ...]) -> list[int]:
    return [784, *hidden, 10]


def retrograd_runner(hidden, batch, steps) -> Runner:
    import retrograd as rg
    from retrograd import nn, optim
    from retrograd.nn import functional as F

    sizes = layer_sizes(hidden)
    rng = np.random.default_rng(0)
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b, rng=rng))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    model = nn.Sequential(*layers)
    opt = optim.SGD(model.parameters(), lr=LR)
    data = Cycle(batches(batch, (784,)))

    def step():
        x, y = data.next()
        opt.zero_grad()
        loss = F.cross_entropy(model(rg.Tensor(x)), y)
        loss.backward()
        opt.step()

    return Runner(step, steps, EPOCH / batch)


def torch_runner(hidden, batch, steps) -> Runner:
    import torch

    sizes = layer_sizes(hidden)
    torch.manual_seed(0)
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(torch.nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    data = Cycle([(torch.from_numpy(x), torch.from_numpy(y)) for x, y in batches(batch, (784,))])

    def step():
        x, y = data.next()
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    return Runner(step, steps, EPOCH / batch)


class NumpyMLP:
    """The same network written by hand in NumPy: the floor a framework adds to."""

    def __init__(self, sizes: list[int], seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        self.W, self.b = [], []
        for a, b in zip(sizes[:-1], sizes[1:]):
            bound = 1.0 / np.sqrt(a)
            self.W.append(rng.uniform(-bound, bound, (b, a)).astype(np.float32))
            self.b.append(rng.uniform(-bound, bound, b).astype(np.float32))

    def step(self, x: np.ndarray, y: np.ndarray, lr: float) -> None:
        acts = [x]
        for i, (W, b) in enumerate(zip(self.W, self.b)):
            z = acts[-1] @ W.T
            z += b
            if i < len(self.W) - 1:
                np.maximum(z, 0, out=z)
            acts.append(z)
        p = acts.pop()  # logits -> softmax - onehot, divided by N
        p -= p.max(axis=1, keepdims=True)
        np.exp(p, out=p)
        p /= p.sum(axis=1, keepdims=True)
        n = len(y)
        p[np.arange(n), y] -= 1.0
        g = p / np.float32(n)
        for i in reversed(range(len(self.W))):
            gW, gb = g.T @ acts[i], g.sum(axis=0)
            if i > 0:
                g = g @ self.W[i]
                g *= acts[i] > 0
            self.W[i] -= lr * gW
            self.b[i] -= lr * gb


def numpy_runner(hidden, batch, steps) -> Runner:
    net = NumpyMLP(layer_sizes(hidden))
    data = Cycle(batches(batch, (784,)))

    def step():
        x, y = data.next()
        net.step(x, y, LR)

    return Runner(step, steps, EPOCH / batch)


def gemm_runner(hidden, batch, steps) -> Runner:
    """Only the matrix products of one training step of the MLP, in bare NumPy.

    Forward: x W1^T, h W2^T, ...; backward: g^T a (every layer) and g W (every layer
    but the first, whose input needs no gradient) -- the GEMMs retrograd, PyTorch and
    the hand NumPy version all perform.
    """
    sizes = layer_sizes(hidden)
    rng = np.random.default_rng(0)
    Ws = [rng.random((b, a), dtype=np.float32) for a, b in zip(sizes[:-1], sizes[1:])]
    acts = [rng.random((batch, a), dtype=np.float32) for a in sizes[:-1]]
    grads = [rng.random((batch, b), dtype=np.float32) for b in sizes[1:]]

    def step():
        for a, W in zip(acts, Ws):
            np.dot(a, W.T)
        for i, (a, g, W) in enumerate(zip(acts, grads, Ws)):
            np.dot(g.T, a)
            if i > 0:
                np.dot(g, W)

    return Runner(step, steps, 1.0)


def gemm_flops(hidden, batch) -> float:
    """Floating-point operations in ``gemm_runner``'s step (2 per multiply-add)."""
    sizes = layer_sizes(hidden)
    flops = 0.0
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        flops += 2 * batch * a * b * (3 if i > 0 else 2)
    return flops
