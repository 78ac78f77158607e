"""One training step: forward, loss, backward, update -- the heart of backpropagation.

:func:`train_step` is the single place where a batch turns into a weight
update. :func:`retrograd.train.fit`, the playground and the scikit-learn
estimators all call it, so they all get the same NaN/Inf protection.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from retrograd.tensor import Tensor
from retrograd.train.nonfinite import raise_nonfinite


class StepResult(NamedTuple):
    """What :func:`train_step` returns: the batch loss and the network's output."""

    loss: float
    output: np.ndarray


def as_tensor(x: Any, like: Tensor | None = None) -> Tensor:
    """``x`` as a Tensor: floating arrays get the default float dtype (or ``like``'s dtype)."""
    if isinstance(x, Tensor):
        if (
            like is not None
            and x.dtype.kind == "f"
            and x.dtype != like.dtype
            and not x.requires_grad
        ):
            return Tensor(x.data, dtype=like.dtype)  # data batches follow the model's dtype
        return x
    arr = np.asarray(x)
    if arr.dtype.kind == "f" and like is not None:
        return Tensor(arr, dtype=like.dtype)
    return Tensor(arr)


def match_target(output: Tensor, target: Tensor) -> Tensor:
    """Reshape a ``(N,)`` target to ``(N, 1)`` when the network has one output column.

    Keras does the same: ``y`` of shape ``(N,)`` trains a ``Linear(k, 1)`` head.
    Integer class labels for a ``(N, C)`` output are left untouched.
    """
    if (
        output.ndim == 2
        and output.shape[1] == 1
        and target.ndim == 1
        and target.shape[0] == output.shape[0]
    ):
        return target.reshape(output.shape[0], 1)
    return target


def _param_name(model: Any, param: Tensor) -> str:
    """The dotted name of ``param`` in ``model`` (only looked up for an error message)."""
    named = model.named_parameters() if hasattr(model, "named_parameters") else ()
    return next((name for name, p in named if p is param), "a parameter")


def split_batch(batch: Any) -> tuple[tuple[Tensor, ...], Tensor]:
    """``(x, y)`` or ``(x1, x2, ..., y)`` -> (inputs, target); the last element is the target."""
    if not isinstance(batch, (tuple, list)) or len(batch) < 2:
        raise ValueError(
            "a training batch must be a tuple (inputs..., target); got "
            f"{type(batch).__name__} -- does your Dataset return (x, y) pairs?"
        )
    return tuple(batch[:-1]), batch[-1]


def train_step(
    model: Any,
    loss_fn: Callable[[Tensor, Tensor], Tensor],
    optimizer: Any,
    xb: Any,
    yb: Any,
    *,
    check_finite: bool = True,
    epoch: int | None = None,
    step: int | None = None,
    where: str = "",
    parameters: list[Tensor] | None = None,
) -> StepResult:
    """Run one step of gradient descent on one batch.

    1. forward: ``output = model(xb)``, ``loss = loss_fn(output, yb)``;
    2. backward: ``loss.backward()`` fills every parameter's ``.grad``;
    3. update: ``optimizer.step()``.

    Parameters
    ----------
    model : Module or callable
        The network (its mode, ``train()``/``eval()``, is left as it is).
    loss_fn : callable
        ``loss_fn(output, target) -> scalar Tensor``, e.g. ``nn.CrossEntropyLoss()``.
    optimizer : Optimizer
        Updates the parameters from their gradients.
    xb : Tensor, ndarray, or tuple of them
        The input batch (a tuple for models with several inputs).
    yb : Tensor or ndarray
        The target batch.
    check_finite : bool
        Stop with :class:`~retrograd.train.NonFiniteLossError` -- before the
        update, so the weights stay finite -- when the loss or a gradient is NaN
        or Inf. The error names the op that produced it (found by re-running the
        batch under :class:`retrograd.detect_anomaly`) and reports NaN/Inf in the
        batch itself.
    epoch, step : int, optional
        Used in error messages (``fit`` passes them).
    where : str
        Prefix for error messages, e.g. ``"epoch 3/10, step 120"``.
    parameters : list of Tensor, optional
        ``list(model.parameters())`` when the caller already has it (``fit``
        passes it): saves walking the module tree twice every step.

    Returns
    -------
    StepResult
        ``loss`` (float) and ``output`` (the network's output array).

    Shape
    -----
    ``xb``: ``(N, *)`` as the model expects; ``yb``: ``(N,)`` labels or ``(N, *)``
    targets (a ``(N,)`` target for an ``(N, 1)`` output is reshaped to fit).

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> from retrograd import nn, optim
    >>> from retrograd.train import train_step
    >>> model = nn.Linear(2, 1, rng=np.random.default_rng(0))
    >>> opt = optim.SGD(model.parameters(), lr=0.1)
    >>> x, y = np.ones((4, 2)), np.zeros((4, 1))
    >>> first = train_step(model, nn.MSELoss(), opt, x, y).loss
    >>> train_step(model, nn.MSELoss(), opt, x, y).loss < first
    True
    """
    inputs = tuple(xb) if isinstance(xb, (tuple, list)) else (xb,)
    if parameters is None:
        parameters = list(model.parameters()) if hasattr(model, "parameters") else []
    like = parameters[0] if parameters else None
    inputs = tuple(as_tensor(x, like) for x in inputs)
    optimizer.zero_grad()
    output = model(*inputs)
    target = match_target(output, as_tensor(yb, like))
    loss = loss_fn(output, target)
    if not isinstance(loss, Tensor) or loss.size != 1:
        shape = getattr(loss, "shape", None)
        raise ValueError(
            f"the loss must be a scalar Tensor, got {type(loss).__name__} of shape {shape} "
            "(use reduction='mean' or 'sum')"
        )
    value = float(loss.data)
    if check_finite and not math.isfinite(value):
        raise_nonfinite(
            f"loss is {value}", model, loss_fn, inputs, target, "forward", epoch, step, where
        )
    loss.backward()
    if check_finite:
        for p in parameters:
            # a sum is cheaper than isfinite() on every element; confirm before raising
            if p.grad is not None and not math.isfinite(float(p.grad.sum())):
                if np.isfinite(p.grad).all():
                    continue
                raise_nonfinite(
                    f"the gradient of {_param_name(model, p)} is not finite (loss {value:.6g})",
                    model,
                    loss_fn,
                    inputs,
                    target,
                    "backward",
                    epoch,
                    step,
                    where,
                )
    if getattr(optimizer, "needs_closure", False):  # L-BFGS, CG: re-evaluate during line search

        def closure() -> Tensor:
            optimizer.zero_grad()
            again = loss_fn(model(*inputs), target)
            again.backward()
            return again

        optimizer.step(closure)
    else:
        optimizer.step()
    return StepResult(value, output.data)
