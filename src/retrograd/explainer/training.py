"""Keep training after the narrated step and log the error falling (``--steps N``).

Plain full-batch gradient descent, the textbook's: forward over every sample, the
loss, ``backward()``, ``optimizer.step()`` with the library's ``SGD`` -- the same
optimizer that applied the narrated update.
"""

from __future__ import annotations

import math

import numpy as np

from retrograd.explainer.network import ExplainedNetwork
from retrograd.explainer.records import TrainingLog
from retrograd.grad_mode import no_grad
from retrograd.optim import Optimizer


def default_every(steps: int) -> int:
    """About ten rows in the table: 10000 steps -> every 1000."""
    return max(1, steps // 10)


def train_steps(
    net: ExplainedNetwork,
    optimizer: Optimizer,
    inputs: np.ndarray,
    targets: np.ndarray,
    steps: int,
    every: int | None,
    first: tuple[float, float],
) -> TrainingLog:
    """Run steps 2..``steps`` (step 1 was the narrated one) and log the error.

    Parameters
    ----------
    net, optimizer
        The network after step 1 and the optimizer that made it.
    inputs, targets : ndarray
        The whole batch, ``(N, in)`` and ``(N, out)``.
    steps : int
        Total number of steps, the narrated one included.
    every : int or None
        Log every ``every`` steps (and always the first and last).
    first : (float, float)
        The error before and after step 1.

    Returns
    -------
    TrainingLog
        ``steps[i]`` updates have been applied when the error was ``losses[i]``.
    """
    every = default_every(steps) if every is None else int(every)
    if every < 1:
        raise ValueError(f"every: expected a whole number >= 1, got {every}")
    log_steps, losses = [0, 1], [first[0], first[1]]
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported below
        _run(net, optimizer, inputs, targets, steps, every, log_steps, losses)
    stopped = None
    if not math.isfinite(losses[-1]):
        stopped = f"the error became {losses[-1]} after {log_steps[-1]} steps; try a smaller lr"
    with no_grad(), np.errstate(over="ignore", invalid="ignore"):
        layers, loss = net.forward(inputs, targets)
        out = layers[-1].out
        if net.spec.activations[-1] == "softmax":
            from retrograd import ops

            out = ops.Softmax.apply(out, axis=-1)
    done = log_steps[-1] if stopped else steps
    if not stopped and log_steps[-1] != steps:
        log_steps.append(steps)
        losses.append(loss.item())
    names = net.spec.neuron_names[-1]
    final_spec = net.spec.with_parameters(*net.parameter_arrays())
    return TrainingLog(
        steps=log_steps,
        losses=losses,
        outputs=[dict(zip(names, map(float, row))) for row in out.data],
        targets=[dict(zip(names, map(float, row))) for row in targets],
        parameters=final_spec.parameter_values(),
        total_steps=done,
        stopped=stopped,
    )


def _run(
    net: ExplainedNetwork,
    optimizer: Optimizer,
    inputs: np.ndarray,
    targets: np.ndarray,
    steps: int,
    every: int,
    log_steps: list[int],
    losses: list[float],
) -> None:
    """Steps 2..steps; log (step, error) every ``every`` steps, or once it is not finite."""
    for step in range(2, steps + 1):
        net.zero_grad()
        _, loss = net.forward(inputs, targets)  # the error after step - 1 updates
        value = loss.item()
        if not math.isfinite(value):
            log_steps.append(step - 1)
            losses.append(value)
            return
        loss.backward()
        optimizer.step()
        if step % every == 0 and step != steps:
            with no_grad():
                _, after = net.forward(inputs, targets)
            log_steps.append(step)
            losses.append(after.item())
