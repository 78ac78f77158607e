"""Callbacks: code that runs at fixed points of :func:`retrograd.train.fit` (Keras's design).

A callback overrides any of ``on_train_begin/end(logs)``,
``on_epoch_begin/end(epoch, logs)`` and ``on_batch_begin/end(batch, logs)``.
Epochs and batches are numbered from 0, as in Keras. Inside a hook,
``self.state`` is the :class:`FitState` of the run (model, optimizer, epoch,
step...) and ``self.state.stop_training = True`` ends training after the
current epoch.

Built in: :class:`EarlyStopping`, :class:`ModelCheckpoint`, :class:`TerminateOnNaN`,
:class:`LambdaCallback`; ``History`` and the progress display are callbacks too.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

Logs = dict[str, Any]


@dataclass
class FitState:
    """The live state of one ``fit`` run, shared with every callback as ``callback.state``.

    ``epoch`` is the 0-based epoch in progress; ``step`` the number of
    optimizer updates done so far (over all epochs); ``stop_training`` ends the
    run after the current epoch with ``stop_reason`` recorded in the History.
    """

    model: Any
    optimizer: Any = None
    loss_fn: Any = None
    scheduler: Any = None
    loader: Any = None
    history: Any = None
    epochs: int = 0
    steps_per_epoch: int = 0
    epoch: int = 0
    step: int = 0
    stop_training: bool = False
    stop_reason: str | None = None
    callbacks: list[Any] = field(default_factory=list)

    def stop(self, reason: str) -> None:
        """End training after this epoch, remembering why (first reason wins)."""
        self.stop_training = True
        if self.stop_reason is None:
            self.stop_reason = reason

    def rng_states(self) -> dict[str, Any]:
        """Every random generator training uses: the loader's, the modules' and the shared one.

        Keys: ``"loader"``, ``"module:<dotted name>.<attribute>"`` and
        ``"global:nn.init"`` (the shared generator of :func:`retrograd.nn.init.default_rng`,
        which ``nn.Dropout`` / ``F.dropout`` draw from when built without ``rng=``);
        values are ``bit_generator.state`` dicts (plain data).
        """
        states: dict[str, Any] = {}
        rng = getattr(self.loader, "rng", None)
        if isinstance(rng, np.random.Generator):
            states["loader"] = rng.bit_generator.state
        for name, gen in module_generators(self.model).items():
            states[f"module:{name}"] = gen.bit_generator.state
        states[GLOBAL_RNG_KEY] = _shared_generator().bit_generator.state
        return states

    def set_rng_states(self, states: dict[str, Any]) -> None:
        """Restore what :meth:`rng_states` returned."""
        gens = {f"module:{k}": v for k, v in module_generators(self.model).items()}
        rng = getattr(self.loader, "rng", None)
        if isinstance(rng, np.random.Generator):
            gens["loader"] = rng
        gens[GLOBAL_RNG_KEY] = _shared_generator()
        for key, st in (states or {}).items():
            if key in gens:
                gens[key].bit_generator.state = _plain_rng_state(st)


GLOBAL_RNG_KEY = "global:nn.init"
"""Key of the shared generator (``nn.init.default_rng()``) in a checkpoint's ``rng_states``."""


def _shared_generator() -> np.random.Generator:
    """The generator dropout and initialisers fall back to when given no ``rng``."""
    from retrograd.nn import init

    return init.default_rng()


def _plain_rng_state(state: Any) -> dict[str, Any]:
    """A bit_generator state as Python ints (files may hand numbers back as numpy scalars)."""
    if isinstance(state, dict):
        return {k: _plain_rng_state(v) for k, v in state.items()}
    if isinstance(state, np.ndarray) and state.ndim == 0:
        state = state.item()
    if isinstance(state, np.integer):
        return int(state)  # type: ignore[return-value]
    if isinstance(state, str) and state.lstrip("-").isdigit():
        return int(state)  # type: ignore[return-value]
    return state  # type: ignore[return-value]


def module_generators(model: Any) -> dict[str, np.random.Generator]:
    """``{"<module>.<attr>": Generator}`` for every numpy Generator a module holds (dropout)."""
    out: dict[str, np.random.Generator] = {}
    if not hasattr(model, "named_modules"):
        return out
    for mod_name, m in model.named_modules():
        for attr, value in vars(m).items():
            if isinstance(value, np.random.Generator):
                out[f"{mod_name}.{attr}" if mod_name else attr] = value
    return out


def callback_key(callbacks: list[Any], cb: Any) -> str:
    """A stable name for a callback's saved state: ``"EarlyStopping#0"``."""
    same = [c for c in callbacks if type(c) is type(cb)]
    return f"{type(cb).__name__}#{same.index(cb)}"


class Callback:
    """Base class: override the hooks you need. ``self.state`` is set by ``fit``.

    Examples
    --------
    >>> class PrintLoss(Callback):
    ...     def on_epoch_end(self, epoch, logs):
    ...         print(f"epoch {epoch + 1}: loss {logs['loss']:.3f}")
    """

    state: FitState

    def set_state(self, state: FitState) -> None:
        self.state = state

    def on_train_begin(self, logs: Logs | None = None) -> None: ...
    def on_train_end(self, logs: Logs | None = None) -> None: ...
    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None: ...
    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None: ...
    def on_batch_begin(self, batch: int, logs: Logs | None = None) -> None: ...
    def on_batch_end(self, batch: int, logs: Logs | None = None) -> None: ...

    # Resume support: state that must survive a checkpoint (plain data only).
    def state_dict(self) -> dict[str, Any]:
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        return None


class CallbackList(Callback):
    """Calls each hook on a list of callbacks in order."""

    def __init__(self, callbacks: list[Callback]) -> None:
        self.callbacks = list(callbacks)

    def set_state(self, state: FitState) -> None:
        self.state = state
        for cb in self.callbacks:
            cb.set_state(state)

    def on_train_begin(self, logs: Logs | None = None) -> None:
        for cb in self.callbacks:
            cb.on_train_begin(logs)

    def on_train_end(self, logs: Logs | None = None) -> None:
        for cb in self.callbacks:
            cb.on_train_end(logs)

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        for cb in self.callbacks:
            cb.on_epoch_begin(epoch, logs)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        for cb in self.callbacks:
            cb.on_epoch_end(epoch, logs)

    def on_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        for cb in self.callbacks:
            cb.on_batch_begin(batch, logs)

    def on_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        for cb in self.callbacks:
            cb.on_batch_end(batch, logs)


class LambdaCallback(Callback):
    """A callback from plain functions: ``LambdaCallback(on_epoch_end=lambda e, logs: ...)``."""

    def __init__(self, **hooks: Callable[..., None]) -> None:
        allowed = {f"on_{a}_{b}" for a in ("train", "epoch", "batch") for b in ("begin", "end")}
        unknown = set(hooks) - allowed
        if unknown:
            raise ValueError(
                f"LambdaCallback: unknown hooks {sorted(unknown)}; use {sorted(allowed)}"
            )
        for name, fn in hooks.items():
            setattr(self, name, fn)


def _resolve_mode(monitor: str, mode: str) -> str:
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"mode must be 'auto', 'min' or 'max', got {mode!r}")
    if mode != "auto":
        return mode
    return "max" if "acc" in monitor else "min"


def _monitored(logs: Logs | None, monitor: str, who: str) -> float:
    if not logs or monitor not in logs:
        raise ValueError(
            f"{who}: monitored value {monitor!r} is not in the logs {sorted(logs or {})}; "
            "pass validation_data / validation_split for 'val_*' values, or monitor='loss'"
        )
    return float(logs[monitor])


class EarlyStopping(Callback):
    """Stop when a monitored value has not improved for ``patience`` epochs.

    Parameters
    ----------
    monitor : str
        Log key to watch, e.g. ``"val_loss"`` (default) or ``"val_accuracy"``.
    patience : int
        Epochs without improvement before stopping.
    min_delta : float
        Smallest change that counts as an improvement.
    mode : {"auto", "min", "max"}
        Whether lower or higher is better (``auto``: higher for accuracies).
    restore_best_weights : bool
        At the end of training, put back the weights of the best epoch.
    start_from_epoch : int
        Epochs to wait before watching (warm-up).

    Examples
    --------
    >>> stopper = EarlyStopping(monitor="val_loss", patience=5)
    >>> # fit(model, "cross_entropy", opt, (X, y), validation_split=0.2, callbacks=[stopper])
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        patience: int = 5,
        min_delta: float = 0.0,
        mode: str = "auto",
        restore_best_weights: bool = True,
        start_from_epoch: int = 0,
    ) -> None:
        if patience < 0:
            raise ValueError(f"EarlyStopping: patience must be >= 0, got {patience}")
        self.monitor, self.patience, self.min_delta = monitor, patience, abs(min_delta)
        self.mode = _resolve_mode(monitor, mode)
        self.restore_best_weights, self.start_from_epoch = restore_best_weights, start_from_epoch
        self.best: float = math.inf if self.mode == "min" else -math.inf
        self.best_epoch: int | None = None
        self.wait = 0
        self.best_weights: dict[str, np.ndarray] | None = None
        self.stopped_epoch: int | None = None

    def _improved(self, value: float) -> bool:
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if epoch < self.start_from_epoch:
            return
        value = _monitored(logs, self.monitor, "EarlyStopping")
        if self._improved(value):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                self.best_weights = self.state.model.state_dict()
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            self.state.stop(
                f"early stopping: {self.monitor} did not improve for {self.patience} epochs "
                f"(best {self.best:.6g} at epoch {(self.best_epoch or 0) + 1})"
            )

    def on_train_end(self, logs: Logs | None = None) -> None:
        if (
            self.restore_best_weights
            and self.best_weights is not None
            and self.best_epoch != self.state.epoch
        ):
            self.state.model.load_state_dict(self.best_weights)

    def state_dict(self) -> dict[str, Any]:
        st: dict[str, Any] = {"best": self.best, "wait": self.wait, "best_epoch": self.best_epoch}
        if self.best_weights is not None:
            st["best_weights"] = dict(self.best_weights)
        return st

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.best = float(state.get("best", self.best))
        self.wait = int(state.get("wait", 0))
        be = state.get("best_epoch")
        self.best_epoch = None if be is None else int(be)
        bw = state.get("best_weights")
        self.best_weights = {k: np.asarray(v) for k, v in bw.items()} if bw else None


def nonfinite_parameters(model: Any) -> list[str]:
    """Names of parameters holding NaN or Inf."""
    return [n for n, p in model.named_parameters() if not np.isfinite(p.data).all()]


class ModelCheckpoint(Callback):
    """Save a full training checkpoint (model, optimizer, scheduler, epoch, RNG states).

    Written with :func:`retrograd.io.checkpoint.save_checkpoint` (atomic:
    temp file + fsync + rename) so ``fit(..., resume=True)`` can continue the
    run bit for bit. A checkpoint is never written while a weight is NaN/Inf.

    Parameters
    ----------
    filepath : str or Path
        Where to write. ``{epoch}`` in the name is replaced by the 1-based epoch.
    monitor : str
        Log key compared when ``save_best_only`` (default ``"val_loss"``).
    mode : {"auto", "min", "max"}
    save_best_only : bool
        Only overwrite when ``monitor`` improved (the file then holds the best
        epoch, not the latest: resuming from it rewinds to that epoch).
    every_n_epochs : int
        Save every n-th epoch (and always after the last one).
    verbose : int
        1 prints a line per save.

    Examples
    --------
    >>> ckpt = ModelCheckpoint("runs/ckpt.npz")
    >>> # fit(model, loss, opt, (X, y), epochs=10, checkpoint=ckpt, resume=True)
    """

    def __init__(
        self,
        filepath: str | os.PathLike[str],
        monitor: str = "val_loss",
        mode: str = "auto",
        save_best_only: bool = False,
        every_n_epochs: int = 1,
        verbose: int = 0,
    ) -> None:
        if every_n_epochs < 1:
            raise ValueError(f"ModelCheckpoint: every_n_epochs must be >= 1, got {every_n_epochs}")
        self.filepath = str(filepath)
        self.monitor, self.save_best_only = monitor, save_best_only
        self.mode = _resolve_mode(monitor, mode)
        self.every_n_epochs, self.verbose = every_n_epochs, verbose
        self.best: float = math.inf if self.mode == "min" else -math.inf
        self.last_saved: Path | None = None

    def path_for(self, epoch: int) -> Path:
        """The file for 0-based ``epoch`` (``{epoch}`` filled in 1-based)."""
        return Path(self.filepath.replace("{epoch}", str(epoch + 1)))

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        last = epoch + 1 >= self.state.epochs or self.state.stop_training
        if (epoch + 1) % self.every_n_epochs and not last:
            return
        if self.save_best_only:
            value = _monitored(logs, self.monitor, "ModelCheckpoint")
            better = value < self.best if self.mode == "min" else value > self.best
            if not better:
                return
            self.best = value
        self.save(epoch)

    def save(self, epoch: int) -> Path:
        """Write the checkpoint for the just-finished 0-based ``epoch``."""
        from retrograd.io.checkpoint import save_checkpoint

        st = self.state
        bad = nonfinite_parameters(st.model)
        if bad:
            raise FloatingPointError(
                f"ModelCheckpoint: refusing to write {self.path_for(epoch)} after epoch "
                f"{epoch + 1}: parameters {bad[:5]} contain NaN/Inf"
            )
        extra = {
            "callbacks": {
                callback_key(st.callbacks, cb): cb.state_dict()
                for cb in st.callbacks
                if cb.state_dict()
            },
            "checkpoint_best": self.best,
            "stop_reason": st.stop_reason,
        }
        path = self.path_for(epoch)
        path.parent.mkdir(parents=True, exist_ok=True)
        save_checkpoint(
            path,
            st.model,
            optimizer=st.optimizer,
            scheduler=st.scheduler,
            epoch=epoch + 1,
            step=st.step,
            rng_states=st.rng_states(),
            history=st.history.to_dict() if st.history is not None else None,
            extra=extra,
        )
        self.last_saved = path
        if self.verbose:
            print(f"saved checkpoint {path} (epoch {epoch + 1})")
        return path


class TerminateOnNaN(Callback):
    """Stop training when a batch loss is NaN/Inf (Keras's callback).

    ``fit`` already does better by default (``terminate_on_nan=True``): it
    stops *before* the bad update with an error naming the op that produced
    the NaN. This callback is for runs with ``terminate_on_nan=False`` that
    should still end (without an error) on a non-finite loss.

    Examples
    --------
    >>> cb = TerminateOnNaN()
    >>> cb.set_state(FitState(model=None))      # fit() does this
    >>> cb.on_batch_end(0, {"loss": 0.5})
    >>> cb.state.stop_training
    False
    >>> cb.on_batch_end(3, {"loss": float("nan")})
    >>> cb.state.stop_reason
    'TerminateOnNaN: loss nan at epoch 1, batch 4'
    >>> # fit(model, loss, opt, (X, y), terminate_on_nan=False, callbacks=[TerminateOnNaN()])
    """

    def on_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(loss):
            self.state.stop(
                f"TerminateOnNaN: loss {loss} at epoch {self.state.epoch + 1}, batch {batch + 1}"
            )
