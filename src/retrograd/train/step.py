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

from retrograd.optim.clip import clip_grad_norm_
from retrograd.tensor import Tensor
from retrograd.train.nonfinite import raise_nonfinite


class StepResult(NamedTuple):
    """What :func:`train_step` returns: the batch loss and the network's output."""

    loss: float
    output: np.ndarray


def as_tensor(x: Any, like: Tensor | None = None) -> Tensor:
    """``x`` as a Tensor: floating arrays get the default float dtype (or ``like``'s dtype)."""
    if isinstance(x, Tensor):
        dt = x.data.dtype
        if like is not None and dt.kind == "f" and dt != like.data.dtype and not x.requires_grad:
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
    max_grad_norm: float | None = None,
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
    max_grad_norm : float, optional
        Clip the gradients' joint L2 norm to this value between backward and the
        update (``optim.clip_grad_norm_``), against exploding gradients.

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
    if parameters is None:
        parameters = list(model.parameters()) if hasattr(model, "parameters") else []
    like = parameters[0] if parameters else None
    if isinstance(xb, (tuple, list)):
        inputs = tuple([as_tensor(x, like) for x in xb])
    else:
        inputs = (as_tensor(xb, like),)
    optimizer.zero_grad()
    output = model(*inputs)  # 1. forward
    target = match_target(output, as_tensor(yb, like))
    value = _loss_backward(  # 2. backward
        loss_fn(output, target), model, model, loss_fn, inputs, target, parameters,
        check_finite, epoch, step, where,
    )  # fmt: skip
    if max_grad_norm is not None:
        clip_grad_norm_(parameters, max_grad_norm)
    if getattr(optimizer, "needs_closure", False):  # L-BFGS, CG: re-evaluate during line search

        def closure() -> Tensor:
            optimizer.zero_grad()
            again = loss_fn(model(*inputs), target)
            again.backward()
            if max_grad_norm is not None:
                clip_grad_norm_(parameters, max_grad_norm)
            return again

        optimizer.step(closure)
    else:
        optimizer.step()  # 3. update
    return StepResult(value, output.data)


def _loss_backward(
    loss: Any,
    model: Any,
    diag_model: Any,
    loss_fn: Callable[[Tensor, Tensor], Tensor],
    inputs: tuple[Tensor, ...],
    target: Tensor,
    parameters: list[Tensor],
    check_finite: bool,
    epoch: int | None,
    step: int | None,
    where: str,
) -> float:
    """Check the loss, run ``loss.backward()``, check the gradients; returns the loss value.

    ``diag_model(*inputs)`` re-runs the forward pass when a NaN/Inf has to be traced
    to the op that produced it (``model`` itself, or a chunk of a truncated-BPTT step).
    """
    if not isinstance(loss, Tensor) or loss.data.size != 1:
        shape = getattr(loss, "shape", None)
        raise ValueError(
            f"the loss must be a scalar Tensor, got {type(loss).__name__} of shape {shape} "
            "(use reduction='mean' or 'sum')"
        )
    value = float(loss.data)
    if check_finite and not math.isfinite(value):
        raise_nonfinite(
            f"loss is {value}", diag_model, loss_fn, inputs, target, "forward", epoch, step, where
        )
    loss.backward()
    if check_finite:
        for p in parameters:
            # one BLAS dot product, g.g, is NaN/Inf when an element is, and costs less than
            # isfinite() on every element; it may also overflow, so confirm before raising
            if p.grad is not None and not math.isfinite(np.vdot(p.grad, p.grad)):
                if np.isfinite(p.grad).all():
                    continue
                raise_nonfinite(
                    f"the gradient of {_param_name(model, p)} is not finite (loss {value:.6g})",
                    diag_model,
                    loss_fn,
                    inputs,
                    target,
                    "backward",
                    epoch,
                    step,
                    where,
                )
    return value


class _Chunk:
    """``model(x_chunk, state)[0]`` as a one-input model, for re-running a chunk to find
    the op behind a NaN/Inf (its parameters are the model's)."""

    def __init__(self, model: Any, state: Any) -> None:
        self.model, self.state = model, state

    def __call__(self, x: Tensor) -> Tensor:
        return self.model(x, self.state)[0]

    def parameters(self) -> Any:
        return self.model.parameters()

    def named_parameters(self) -> Any:
        return self.model.named_parameters()


def tbptt_step(
    model: Any,
    loss_fn: Callable[[Tensor, Tensor], Tensor],
    optimizer: Any,
    xb: Any,
    yb: Any,
    k: int,
    *,
    batch_first: bool = False,
    max_grad_norm: float | None = None,
    check_finite: bool = True,
    epoch: int | None = None,
    step: int | None = None,
    where: str = "",
    parameters: list[Tensor] | None = None,
) -> StepResult:
    """Train on one batch of long sequences by truncated backpropagation through time.

    The batch is cut into chunks of ``k`` time steps. Each chunk is one
    :func:`train_step`-like update (forward, loss, NaN/Inf checks, backward, optional
    clipping, ``optimizer.step()``); the recurrent state is carried from chunk to chunk
    but detached at each boundary, so gradients flow back at most ``k`` steps and the
    graph never holds more than one chunk (``nn.truncated_bptt`` explains the idea).

    Parameters
    ----------
    model : Module
        ``model(x_chunk, state) -> (output, new_state)``; ``state`` is None for the
        first chunk of every batch (each batch holds independent sequences). ``nn.RNN``,
        ``nn.LSTM`` and ``nn.GRU`` have this signature; wrap one with a readout for
        classification.
    xb, yb : Tensor or ndarray
        Inputs ``(T, N, ...)`` (``(N, T, ...)`` with ``batch_first``) and targets: with a
        time axis (per-step targets, chunked like the inputs) or without (one target per
        sequence, used for every chunk).
    k : int
        Truncation length.
    max_grad_norm : float, optional
        Clip the gradients' joint norm before every update.
    check_finite, epoch, step, where, parameters
        As in :func:`train_step`.

    Returns
    -------
    StepResult
        The mean of the chunk losses, and the output: the chunks' outputs joined along
        the time axis for per-step targets, the last chunk's output otherwise.
    """
    if parameters is None:
        parameters = list(model.parameters())
    x_all = xb[0] if isinstance(xb, (tuple, list)) and len(xb) == 1 else xb
    y_all = yb.data if isinstance(yb, Tensor) else np.asarray(yb)
    losses, outputs, _ = run_tbptt_chunks(
        model, loss_fn, optimizer, x_all, y_all, k, parameters, batch_first=batch_first,
        max_grad_norm=max_grad_norm, check_finite=check_finite, epoch=epoch, step=step,
        where=where,
    )  # fmt: skip
    if not outputs:
        raise ValueError(f"tbptt_step: the input batch has no time steps (shape {x_all.shape})")
    timed = len(outputs) > 1 and y_all.ndim > int(batch_first) and y_all.ndim >= 2
    timed = timed and y_all.shape[int(batch_first)] == np.shape(x_all)[int(batch_first)]
    out = np.concatenate(outputs, axis=int(batch_first)) if timed else outputs[-1]
    return StepResult(float(np.mean(losses)), out)


def run_tbptt_chunks(
    model: Any,
    loss_fn: Callable[[Tensor, Tensor], Tensor],
    optimizer: Any,
    x_all: Any,
    y_all: Any,
    k: int,
    parameters: list[Tensor],
    *,
    state: Any = None,
    batch_first: bool = False,
    max_grad_norm: float | None = None,
    check_finite: bool = True,
    epoch: int | None = None,
    step: int | None = None,
    where: str = "",
) -> tuple[list[float], list[np.ndarray], Any]:
    """The truncated-BPTT loop itself: one update per chunk of ``k`` time steps.

    Shared by :func:`tbptt_step` (``fit(..., tbptt=k)``) and
    :func:`retrograd.nn.truncated_bptt`. Returns the chunk losses, the chunk outputs and
    the final recurrent state (detached).
    """
    from retrograd.nn.truncated_bptt import detach_state, time_chunks

    if getattr(optimizer, "needs_closure", False):
        raise ValueError(
            "truncated BPTT updates once per chunk; full-batch optimizers that re-evaluate "
            "the loss (L-BFGS, CG) need the whole sequence: use tbptt=None"
        )
    like = parameters[0] if parameters else None
    losses, outputs = [], []
    for c, (x_chunk, y_chunk) in enumerate(time_chunks(x_all, y_all, k, batch_first)):
        x = as_tensor(x_chunk, like)
        optimizer.zero_grad()
        output, new_state = model(x, state)
        target = None if y_chunk is None else match_target(output, as_tensor(y_chunk, like))
        chunk_where = f"{where}, time steps {c * k + 1}-{c * k + x_chunk.shape[batch_first]}"
        losses.append(
            _loss_backward(
                loss_fn(output, target), model, _Chunk(model, state), loss_fn, (x,), target,
                parameters, check_finite, epoch, step, chunk_where.lstrip(", "),
            )
        )  # fmt: skip
        if max_grad_norm is not None:
            clip_grad_norm_(parameters, max_grad_norm)
        optimizer.step()
        outputs.append(output.data)
        state = detach_state(new_state)  # the truncation: no gradient past this boundary
    return losses, outputs, state
