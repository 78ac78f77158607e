"""``fit``: THE training loop (online, mini-batch or full-batch gradient descent).

One epoch = one pass over the training data in batches; each batch is one
:func:`retrograd.train.train_step` (forward, loss, backward, update). Around
that, ``fit`` adds what a real training run needs: validation, metrics,
callbacks, a learning-rate schedule, the classic stopping rules, NaN/Inf
protection, progress display, and checkpoints you can resume from bit for bit.
"""

from __future__ import annotations

import glob
import math
import os
import re
from collections.abc import Iterable
from contextlib import nullcontext
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from retrograd.train.callbacks import (
    Callback,
    CallbackList,
    FitState,
    ModelCheckpoint,
    callback_key,
)
from retrograd.train.evaluate import (
    LossLike,
    is_sum_reduced,
    make_loader,
    make_metrics,
    model_float_dtype,
    resolve_loss,
    run_evaluation,
)
from retrograd.train.history import History
from retrograd.train.metrics import Accuracy, Metric
from retrograd.train.progress import ProgressDisplay
from retrograd.train.step import split_batch, tbptt_step, train_step


def _split_validation(
    train_data: Any, validation_split: float, seed: int | None
) -> tuple[Any, Any]:
    """Hold out a seeded random ``validation_split`` fraction of ``(X, y)`` arrays."""
    if not 0.0 < validation_split < 1.0:
        raise ValueError(f"validation_split must be in (0, 1), got {validation_split}")
    if not isinstance(train_data, (tuple, list)):
        raise ValueError(
            "validation_split needs train_data as (X, y) arrays; for a Dataset or "
            "DataLoader pass validation_data instead"
        )
    arrays = [np.asarray(getattr(a, "data", a)) for a in train_data]
    n = len(arrays[0])
    n_val = int(round(n * validation_split))
    if n_val < 1 or n_val >= n:
        raise ValueError(
            f"validation_split={validation_split} of {n} examples leaves "
            f"{n - n_val} for training and {n_val} for validation"
        )
    perm = np.random.default_rng(seed).permutation(n)
    val_idx, train_idx = np.sort(perm[:n_val]), np.sort(perm[n_val:])
    return tuple(a[train_idx] for a in arrays), tuple(a[val_idx] for a in arrays)


def _wants_batches(callback: Callback) -> bool:
    """Whether a callback does anything per batch (``fit`` skips the calls otherwise)."""
    for name in ("on_batch_begin", "on_batch_end"):
        if getattr(getattr(callback, name), "__func__", None) is not getattr(Callback, name):
            return True
    return False


def _step_scheduler(scheduler: Any, logs: dict[str, Any]) -> None:
    """One scheduler step per epoch; ReduceLROnPlateau gets val_loss (or loss)."""
    needs_metric = type(scheduler).__name__ == "ReduceLROnPlateau"
    if needs_metric:
        scheduler.step(logs.get("val_loss", logs["loss"]))
    else:
        scheduler.step()


def _latest_checkpoint(cb: ModelCheckpoint) -> Path | None:
    """The file to resume from: the path itself, or the highest ``{epoch}`` match."""
    if "{epoch}" not in cb.filepath:
        p = Path(cb.filepath)
        return p if p.exists() else None
    pattern = glob.escape(cb.filepath).replace(glob.escape("{epoch}"), "*")
    rx = re.compile(re.escape(cb.filepath).replace(re.escape("{epoch}"), r"(\d+)") + "$")
    found = []
    for name in glob.glob(pattern):
        m = rx.match(name)
        if m:
            found.append((int(m.group(1)), name))
    return Path(max(found)[1]) if found else None


def _all_correct(model: Any, loader: Any, metric: Accuracy, batch_size: int) -> bool:
    """Whether the current weights classify every training example correctly."""
    from retrograd.data import DataLoader

    dataset = getattr(loader, "dataset", None)
    eval_loader = (
        DataLoader(dataset, batch_size=batch_size) if dataset is not None else loader
    )  # a separate loader: checking must not consume the shuffling generator
    check = Accuracy(metric.threshold)
    return run_evaluation(model, eval_loader, None, [check])["accuracy"] == 1.0


def fit(
    model: Any,
    loss: LossLike,
    optimizer: Any,
    train_data: Any,
    *,
    epochs: int = 10,
    batch_size: int | None = 32,
    shuffle: bool = True,
    seed: int | None = 0,
    validation_data: Any = None,
    validation_split: float = 0.0,
    metrics: Iterable[str | Metric] | None = ("accuracy",),
    callbacks: Iterable[Callback] = (),
    scheduler: Any = None,
    verbose: int = 1,
    stop_at_loss: float | None = None,
    stop_when_all_correct: bool = False,
    terminate_on_nan: bool = True,
    checkpoint: str | os.PathLike[str] | ModelCheckpoint | None = None,
    resume: bool = False,
    drop_last: bool = False,
    progress_stream: Any = None,
    max_grad_norm: float | None = None,
    tbptt: int | None = None,
) -> History:
    """Train ``model`` by backpropagation and gradient descent.

    Parameters
    ----------
    model : Module
        The network; ``model(x)`` gives the outputs.
    loss : loss module, callable or str
        ``nn.CrossEntropyLoss()``, a function ``loss(output, target)``, or a
        name from ``nn.LOSSES`` such as ``"cross_entropy"``, ``"mse"``, ``"half_sse"``.
    optimizer : Optimizer
        E.g. ``optim.SGD(model.parameters(), lr=0.1)``.
    train_data : (X, y) arrays, Dataset or DataLoader
        Training examples. A DataLoader is used as it is (its batch size and
        shuffling win over ``batch_size``/``shuffle``).
    epochs : int
        Passes over the training data.
    batch_size : int or None
        Examples per update: ``1`` is online learning, ``None`` (or ``len(X)``)
        full-batch gradient descent, anything between mini-batch.
    shuffle : bool
        New random order every epoch (seeded by ``seed``).
    seed : int or None
        Seeds the shuffling and the ``validation_split`` (weights are seeded
        when the model is built).
    validation_data : (X, y) arrays, Dataset or DataLoader, optional
        Evaluated after every epoch; logged as ``val_loss``, ``val_accuracy``...
    validation_split : float
        Hold out this random fraction of ``(X, y)`` arrays for validation.
    metrics : iterable of str or Metric
        ``"accuracy"``, ``"mse"``, ``"mae"`` or :class:`Metric` objects. Training
        metrics are accumulated over the epoch's batches (as in Keras).
    callbacks : iterable of Callback
        Hooks ``on_{train,epoch,batch}_{begin,end}``: :class:`EarlyStopping`,
        :class:`ModelCheckpoint`, your own.
    scheduler : LR scheduler, optional
        Stepped once after every epoch (``ReduceLROnPlateau`` gets ``val_loss``,
        or ``loss`` without validation).
    verbose : {0, 1, 2}
        0 silent; 1 a tqdm bar per epoch on a terminal, else one line per
        epoch; 2 one line per epoch.
    stop_at_loss : float, optional
        Stop once the epoch's training loss is at or below this target.
    stop_when_all_correct : bool
        Stop once every training example is classified correctly (checked with
        the weights at the end of each epoch).
    terminate_on_nan : bool
        On a NaN/Inf loss or gradient, stop before the bad update with a
        :class:`NonFiniteLossError` naming the epoch, step and op.
    checkpoint : str, Path or ModelCheckpoint, optional
        Write a resumable checkpoint after every epoch (a path gets
        ``ModelCheckpoint(path)``).
    resume : bool
        If the checkpoint file exists, restore model, optimizer, scheduler,
        RNG states, history and callback state from it and continue with the
        next epoch. The final weights equal those of an uninterrupted run, bit
        for bit. A run that had already finished (all epochs, or stopped early)
        is not trained further.
    drop_last : bool
        Skip a last batch smaller than ``batch_size``.
    progress_stream : file-like, optional
        Where progress goes (default stderr).
    max_grad_norm : float, optional
        Clip the gradients' joint L2 norm to this value before every update
        (``optim.clip_grad_norm_``), against exploding gradients (recurrent nets).
    tbptt : int, optional
        Truncated backpropagation through time: cut each batch of sequences into
        chunks of ``tbptt`` time steps and update after each chunk, carrying the
        recurrent state (detached) from chunk to chunk (:func:`~retrograd.train.step.tbptt_step`).
        ``X`` is ``(N, T, ...)`` (batch first, as the loader cuts batches along the
        first axis) and the model is called as ``model(x_chunk, state) -> (output,
        state)``; ``y`` is ``(N,)``/``(N, ...)`` per sequence or ``(N, T, ...)`` per step.

    Returns
    -------
    History
        ``history.history["loss"]``, ``["val_loss"]``, ``["accuracy"]``, ``["lr"]``...
        and ``history.stop_reason``.

    Shape
    -----
    ``X``: ``(N, *)`` as the model expects; ``y``: ``(N,)`` integer labels or
    ``(N, *)`` targets matching the output (``(N,)`` fits an ``(N, 1)`` output).

    Examples
    --------
    >>> import numpy as np
    >>> from retrograd import nn, optim
    >>> from retrograd.data import load_xor
    >>> X, y = load_xor()
    >>> model = nn.Sequential(nn.Linear(2, 8, rng=np.random.default_rng(0)), nn.Tanh(),
    ...                       nn.Linear(8, 2, rng=np.random.default_rng(1)))
    >>> opt = optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    >>> h = fit(model, "cross_entropy", opt, (X, y), epochs=200, batch_size=None,
    ...         verbose=0, stop_when_all_correct=True)
    >>> h.stop_reason.startswith("every training example")
    True
    """
    if not isinstance(epochs, (int, np.integer)) or epochs < 0:
        raise ValueError(f"fit: epochs must be a non-negative int, got {epochs!r}")
    loss_fn = resolve_loss(loss)
    if tbptt is not None and (not isinstance(tbptt, (int, np.integer)) or tbptt < 1):
        raise ValueError(f"fit: tbptt (the truncation length) must be an int >= 1, got {tbptt!r}")
    if max_grad_norm is not None and not max_grad_norm > 0:
        raise ValueError(f"fit: max_grad_norm must be > 0, got {max_grad_norm!r}")
    if isinstance(optimizer, str):
        raise TypeError(
            f"fit: optimizer must be an Optimizer instance, e.g. optim.SGD(model.parameters(), "
            f"lr=0.1); got the string {optimizer!r}"
        )
    if validation_split and validation_data is not None:
        raise ValueError("fit: pass validation_data or validation_split, not both")
    if validation_split:
        train_data, validation_data = _split_validation(train_data, validation_split, seed)
    dtype = model_float_dtype(model)  # batches in the model's precision (no float32 rounding)
    loader = make_loader(
        train_data, batch_size, shuffle, seed, drop_last, "fit: train_data", dtype=dtype
    )
    val_loader = None
    if validation_data is not None:
        val_bs = None if batch_size is None else max(batch_size, 256)
        val_loader = make_loader(
            validation_data, val_bs, False, None, False, "fit: validation_data", dtype=dtype
        )
    train_metrics = make_metrics(metrics, loss_fn)
    val_metrics = make_metrics(metrics, loss_fn)
    summed = is_sum_reduced(loss_fn)

    callbacks = list(callbacks)
    ckpt = None
    if checkpoint is not None:
        ckpt = (
            checkpoint if isinstance(checkpoint, ModelCheckpoint) else ModelCheckpoint(checkpoint)
        )
        if ckpt not in callbacks:
            callbacks.append(ckpt)
    else:
        ckpt = next((c for c in callbacks if isinstance(c, ModelCheckpoint)), None)
    if resume and ckpt is None:
        raise ValueError("fit: resume=True needs checkpoint=PATH (or a ModelCheckpoint callback)")
    progress = ProgressDisplay(verbose, progress_stream)
    callbacks.append(progress)

    history = History()
    state = FitState(
        model=model,
        optimizer=optimizer,
        loss_fn=loss_fn,
        scheduler=scheduler,
        loader=loader,
        history=history,
        epochs=int(epochs),
        steps_per_epoch=len(loader),
        callbacks=callbacks,
    )
    cb = CallbackList(callbacks)
    cb.set_state(state)

    start_epoch = 0
    if resume:
        path = _latest_checkpoint(ckpt)
        if path is not None:
            start_epoch = _restore(path, state, callbacks)
            state.epoch = max(start_epoch - 1, 0)
            if state.stop_reason:  # that run had stopped early: it is finished
                start_epoch = int(epochs)
    history.params = {
        "epochs": int(epochs), "batch_size": loader.batch_size, "steps_per_epoch": len(loader),
        "samples": len(loader.dataset) if hasattr(loader, "dataset") else None,
    }  # fmt: skip
    accuracy = next((m for m in train_metrics if isinstance(m, Accuracy)), None)
    # the lean path: no per-batch hook calls when nothing listens (a silent progress display)
    batch_hooks = any(_wants_batches(c) for c in callbacks if not (c is progress and not verbose))

    # one update per batch, or (truncated BPTT) one per chunk of tbptt time steps
    step_fn = train_step if tbptt is None else partial(tbptt_step, k=int(tbptt), batch_first=True)
    cb.on_train_begin({})
    # the weights train_step checks for NaN/Inf (listed once, as the optimizer holds them)
    params = list(model.parameters()) if hasattr(model, "parameters") else []
    # a diverging run overflows somewhere; the NaN/Inf check below stops it with an error
    # that names the step and the op, so NumPy's own overflow warnings would only be noise
    quiet = np.errstate(over="ignore", invalid="ignore", divide="ignore")
    with quiet if terminate_on_nan else nullcontext():
        try:
            for epoch in range(start_epoch, int(epochs)):
                state.epoch = epoch
                if hasattr(model, "train"):
                    model.train()
                cb.on_epoch_begin(epoch, {})
                for m in train_metrics:
                    m.reset()
                total, seen = 0.0, 0
                for b, batch in enumerate(loader):
                    inputs, target = split_batch(batch)
                    n = len(target)
                    if batch_hooks:
                        cb.on_batch_begin(b, {"batch": b, "size": n})
                    where = f"epoch {epoch + 1}/{epochs}, step {state.step + 1} (batch {b + 1})"
                    result = step_fn(
                        model,
                        loss_fn,
                        optimizer,
                        inputs,
                        target,
                        check_finite=terminate_on_nan,
                        epoch=epoch + 1,
                        step=state.step + 1,
                        where=where,
                        parameters=params,
                        max_grad_norm=max_grad_norm,
                    )
                    state.step += 1
                    total += result.loss if summed else result.loss * n
                    seen += n
                    for m in train_metrics:
                        m.update(result.output, target.data)
                    if batch_hooks:
                        cb.on_batch_end(b, {"batch": b, "size": n, "loss": result.loss})
                    if state.stop_training:
                        break
                logs: dict[str, Any] = {"loss": total / seen if seen else math.nan}
                logs.update({m.name: m.result() for m in train_metrics})
                if val_loader is not None:
                    val = run_evaluation(model, val_loader, loss_fn, val_metrics)
                    logs.update({f"val_{k}": v for k, v in val.items()})
                if hasattr(optimizer, "param_groups") and "lr" in optimizer.param_groups[0]:
                    logs["lr"] = float(optimizer.param_groups[0]["lr"])
                if stop_at_loss is not None and logs["loss"] <= stop_at_loss:
                    state.stop(
                        f"training loss {logs['loss']:.6g} reached the target {stop_at_loss} "
                        f"at epoch {epoch + 1}"
                    )
                if stop_when_all_correct and _all_correct(
                    model, loader, accuracy or Accuracy(), batch_size or 256
                ):
                    state.stop(f"every training example classified correctly at epoch {epoch + 1}")
                if scheduler is not None:
                    _step_scheduler(scheduler, logs)
                history.record(epoch, logs)
                history.stop_reason = state.stop_reason
                cb.on_epoch_end(epoch, logs)
                history.stop_reason = state.stop_reason
                if state.stop_training:
                    break
        finally:
            progress.close()
    cb.on_train_end({"history": history})
    history.stop_reason = state.stop_reason
    return history


def _restore(path: Path, state: FitState, callbacks: list[Callback]) -> int:
    """Load a checkpoint into the run; returns the number of epochs already done."""
    from retrograd.io.checkpoint import restore_checkpoint

    info = restore_checkpoint(path, state.model, state.optimizer, state.scheduler)
    state.step = int(info.get("step", 0))
    state.set_rng_states(info.get("rng_states") or {})
    if info.get("history"):
        restored = History.from_dict(info["history"])
        state.history.history, state.history.epoch = restored.history, restored.epoch
    extra = info.get("extra") or {}
    if extra.get("stop_reason"):
        state.stop_reason = str(extra["stop_reason"])
        state.history.stop_reason = state.stop_reason
    saved = extra.get("callbacks") or {}
    for c in callbacks:
        key = callback_key(callbacks, c)
        if key in saved:
            c.load_state_dict(saved[key])
        if isinstance(c, ModelCheckpoint) and "checkpoint_best" in extra:
            c.best = float(extra["checkpoint_best"])
    return int(info.get("epoch", 0))
