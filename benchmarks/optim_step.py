"""Time one optimizer step on a 784-256-10 MLP's parameters (203,530 float32 weights).

Compares retrograd's in-place updates with a straightforward NumPy version that
allocates new arrays for every intermediate, and with torch.optim (if installed).

    .venv/bin/python benchmarks/optim_step.py
"""

from __future__ import annotations

import time

import numpy as np

from retrograd import nn, optim

REPEATS = 300


def _model_with_grads() -> nn.Sequential:
    rng = np.random.default_rng(0)
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    for p in model.parameters():
        p.grad = rng.normal(size=p.shape).astype(np.float32)
    return model


def _time(step) -> float:
    step()
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        for _ in range(REPEATS):
            step()
        best = min(best, (time.perf_counter() - t) / REPEATS)
    return best * 1e6


def naive_adam(params, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8):
    """Adam written the obvious way: every line allocates a new array."""
    state = {id(p): [np.zeros_like(p.data), np.zeros_like(p.data), 0] for p in params}

    def step():
        for p in params:
            s = state[id(p)]
            s[2] += 1
            s[0] = b1 * s[0] + (1 - b1) * p.grad
            s[1] = b2 * s[1] + (1 - b2) * p.grad * p.grad
            m_hat = s[0] / (1 - b1 ** s[2])
            v_hat = s[1] / (1 - b2 ** s[2])
            p.data = p.data - lr * m_hat / (np.sqrt(v_hat) + eps)

    return step


def main() -> None:
    model = _model_with_grads()
    params = list(model.parameters())
    rows = []
    for name, make in [
        ("SGD", lambda: optim.SGD(params, lr=0.01)),
        ("SGD momentum", lambda: optim.SGD(params, lr=0.01, momentum=0.9)),
        ("Adam", lambda: optim.Adam(params)),
        ("AdamW", lambda: optim.AdamW(params)),
        ("RMSprop", lambda: optim.RMSprop(params)),
        ("Adagrad", lambda: optim.Adagrad(params)),
    ]:
        rows.append((f"retrograd {name}", _time(make().step)))
    rows.append(("naive NumPy Adam (allocating)", _time(naive_adam(params))))
    try:
        import torch

        tparams = [torch.zeros(p.shape, requires_grad=True) for p in params]
        for tp, p in zip(tparams, params):
            tp.grad = torch.from_numpy(p.grad.copy())
        rows.append(
            ("torch Adam (foreach=False)", _time(torch.optim.Adam(tparams, foreach=False).step))
        )
        rows.append(("torch Adam (default)", _time(torch.optim.Adam(tparams).step)))
    except ImportError:
        pass
    print(f"{'optimizer':34s} us/step")
    for name, us in rows:
        print(f"{name:34s} {us:8.1f}")


if __name__ == "__main__":
    main()
