"""Sessions: one :class:`~retrograd.playground.run.Run` per browser tab, trained on a thread.

Each session owns its run, a lock and (while playing) a background thread
that runs training steps. Controls take the same lock, so a click waits at
most one batch; the page is told about changes through :attr:`Session.version`
(the event stream sends a new snapshot whenever it moves).

Sessions are isolated: each has its own data, network, optimizer and random
generators, and is reached only through its unguessable id.
"""

from __future__ import annotations

import secrets
import threading
import time
from typing import Any

import numpy as np

from retrograd.playground.config import Config, ConfigError
from retrograd.playground.run import Run, available_optimizers

#: at most this many live sessions per server; idle ones are dropped after IDLE_SECONDS
MAX_SESSIONS = 64
IDLE_SECONDS = 30 * 60
#: while playing, the thread trains for this long, then lets others in
SLICE_SECONDS = 0.05
#: a playing session nobody watches (tab closed) and nobody clicks pauses after this long
ORPHAN_SECONDS = 60.0


class SessionLimitError(RuntimeError):
    """The server already holds :data:`MAX_SESSIONS` sessions."""


class Session:
    """One user's run plus the machinery to train it in the background.

    Parameters
    ----------
    config : Config
        The validated settings.
    """

    def __init__(self, config: Config) -> None:
        self.id = secrets.token_urlsafe(18)
        self.lock = threading.RLock()
        self.csv_data: tuple[np.ndarray, np.ndarray, str] | None = None
        self.run = Run(config)
        self.data_version = 0  # moves whenever the points change
        self.version = 0
        self.playing = False
        self.error: str | None = None
        self.last_used = time.monotonic()
        self.viewers = 0  # open event streams
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._snapshot_cache: tuple[int, dict[str, Any]] | None = None

    # -- changes ----------------------------------------------------------------------
    def touch(self) -> None:
        self.last_used = time.monotonic()

    def _changed(self) -> None:
        self.version += 1

    def configure(self, changes: dict[str, Any]) -> None:
        """Apply new settings. The learning rate alone changes in place; anything else rebuilds.

        Raises :class:`ConfigError` (and keeps the old run) when a value is invalid.
        """
        with self.lock:
            new = Config.from_query(changes, base=self.run.config)
            if set(changes) <= {"lr"} and new.preset == self.run.config.preset:
                self.run.set_learning_rate(new.lr)
            else:
                self.run = Run(new, self.csv_data)
                self.data_version += 1
            self.error = None
            self._changed()

    def upload_csv(self, data: tuple[np.ndarray, np.ndarray, str]) -> None:
        """Use an uploaded 2-D set (switches the dataset to ``csv`` and the loss to suit it)."""
        with self.lock:
            self.csv_data = data
            task = data[2]
            loss = self.run.config.loss
            if task == "classification" and loss not in ("bce", "mse"):
                loss = "bce"
            if task == "regression" and loss not in ("mse", "huber"):
                loss = "mse"
            new = Config.from_query(
                {"dataset": "csv", "loss": loss, "preset": ""}, base=self.run.config
            )
            self.run = Run(new, self.csv_data)
            self.data_version += 1
            self._changed()

    def reset(self, new_seed: bool = False) -> int:
        """Reinitialise the weights with the same seed (same network) or a new random seed."""
        with self.lock:
            seed = int(secrets.randbelow(2**31 - 1)) if new_seed else self.run.config.seed
            self.run.reset_weights(seed)
            self.error = None
            self._changed()
            return seed

    def _guarded(self, fn: Any) -> Any:
        try:
            return fn()
        except FloatingPointError as exc:
            self.playing = False
            self.error = str(exc)
            self._changed()
            return None

    def step(self, n: int = 1) -> None:
        with self.lock:
            self._guarded(lambda: [self.run.step() for _ in range(n)])
            self._changed()

    def phase(self) -> dict[str, Any] | None:
        with self.lock:
            view = self._guarded(self.run.advance_phase)
            self._changed()
            return view

    def next_term(self) -> dict[str, Any] | None:
        with self.lock:
            term = self._guarded(self.run.next_term)
            self._changed()
            return term

    # -- playing ------------------------------------------------------------------------
    def play(self) -> None:
        """Start training in the background (no-op when already playing)."""
        with self.lock:
            if self.playing:
                return
            self.playing = True
            # a fresh stop flag per thread: a thread paused a moment ago still sees its own
            # flag set and ends, even if Play was pressed again before it looked
            self._stop = stop = threading.Event()
            self._thread = threading.Thread(
                target=self._loop, args=(stop,), name=f"playground-{self.id[:6]}", daemon=True
            )
            self._thread.start()
            self._changed()

    def pause(self) -> None:
        with self.lock:
            self.playing = False
            self._stop.set()
            self._changed()

    def _loop(self, stop: threading.Event) -> None:
        try:
            self._train_until_paused(stop)
        except Exception as exc:  # noqa: BLE001 - reported on the page, not lost in a thread
            with self.lock:
                self.playing = False
                self.error = f"training stopped: {type(exc).__name__}: {exc}"
                self._changed()

    def _train_until_paused(self, stop: threading.Event) -> None:
        while not stop.is_set():
            with self.lock:
                if not self.playing or stop.is_set():
                    break
                if self.viewers == 0 and time.monotonic() - self.last_used > ORPHAN_SECONDS:
                    self.playing = False  # the page was closed: stop using the CPU
                    self._changed()
                    break
                end = time.monotonic() + SLICE_SECONDS
                while time.monotonic() < end and self.playing:
                    if self._guarded(self.run.step) is None and self.error:
                        break
                self._changed()
            stop.wait(0.01)  # let controls and the event stream take the lock

    def close(self) -> None:
        self.pause()
        if self._thread is not None:
            self._thread.join(timeout=2)

    # -- what the page shows -----------------------------------------------------------------
    def snapshot(self, with_points: bool = False) -> dict[str, Any]:
        """Everything the page draws, as JSON-safe data (cached per version)."""
        with self.lock:
            cached = self._snapshot_cache
            if cached is not None and cached[0] == self.version and not with_points:
                return cached[1]
            run = self.run
            h = run.history
            snap: dict[str, Any] = {
                "version": self.version,
                "config": run.config.to_dict(),
                "query": run.config.to_query(),
                "task": run.task,
                "features": run.features,
                "sizes": run.net.sizes,
                "activation": run.net.activation_name,
                "playing": self.playing,
                "error": self.error,
                "steps": run.steps,
                "epochs": run.epochs,
                "batch_size": run.batch_size,
                "n_train": len(run.data.x_train),
                "n_test": len(run.data.x_test),
                "data_version": self.data_version,
                "weights": _clean(run.weights()),
                "history": {k: [_finite(v) for v in vals] for k, vals in h.items()},
                "heatmaps": run.heatmaps(),
                "phase": run.last_phase,
                "pending_phase": None if run.pending is None else run.pending.phase,
                "derivation": run.derivation[: run.derivation_shown],
                "derivation_total": len(run.derivation),
            }
            snap["phase"] = _clean(snap["phase"])
            self._snapshot_cache = (self.version, snap)
            if with_points:
                snap = dict(snap, points=run.points())
            return snap


def _finite(v: float) -> float | None:
    return None if v is None or not np.isfinite(v) else float(v)


def _clean(obj: Any) -> Any:
    """Replace NaN/Inf by None so the JSON is strict."""
    if isinstance(obj, float):
        return _finite(obj)
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_clean(v) for v in obj]
    return obj


class SessionManager:
    """All sessions of one server, by id (thread-safe)."""

    def __init__(self, max_sessions: int = MAX_SESSIONS, idle_seconds: float = IDLE_SECONDS):
        self.max_sessions = max_sessions
        self.idle_seconds = idle_seconds
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()
        #: set when the server is stopping: event streams end so shutdown is quick and clean
        self.closing = threading.Event()

    def create(self, config: Config) -> Session:
        self._drop_idle()
        with self._lock:
            if len(self._sessions) >= self.max_sessions:
                raise SessionLimitError(
                    f"the server already runs {self.max_sessions} sessions; close a tab or "
                    "try again later"
                )
        session = Session(config)
        with self._lock:
            self._sessions[session.id] = session
        return session

    def get(self, session_id: str) -> Session | None:
        with self._lock:
            s = self._sessions.get(session_id)
        if s is not None:
            s.touch()
        return s

    def delete(self, session_id: str) -> bool:
        with self._lock:
            s = self._sessions.pop(session_id, None)
        if s is not None:
            s.close()
        return s is not None

    def __len__(self) -> int:
        return len(self._sessions)

    def _drop_idle(self) -> None:
        now = time.monotonic()
        with self._lock:
            idle = [k for k, s in self._sessions.items() if now - s.last_used > self.idle_seconds]
        for k in idle:
            self.delete(k)

    def close_all(self) -> None:
        self.closing.set()
        with self._lock:
            sessions = list(self._sessions.values())
            self._sessions.clear()
        for s in sessions:
            s.close()


def meta() -> dict[str, Any]:
    """The choices the page offers (optimizers depend on what this build has)."""
    from retrograd.playground import config as c
    from retrograd.playground.datasets import CLASSIFICATION_SETS, MAX_CSV_BYTES, REGRESSION_SETS

    return {
        "classification_sets": list(CLASSIFICATION_SETS),
        "regression_sets": list(REGRESSION_SETS),
        "activations": list(c.ACTIVATIONS),
        "classification_losses": list(c.CLASSIFICATION_LOSSES),
        "regression_losses": list(c.REGRESSION_LOSSES),
        "optimizers": available_optimizers(),
        "regularizations": list(c.REGULARIZATIONS),
        "features": list(c.FEATURES),
        "max_hidden_layers": c.MAX_HIDDEN_LAYERS,
        "max_neurons": c.MAX_NEURONS,
        "max_csv_bytes": MAX_CSV_BYTES,
        "defaults": Config().to_dict(),
    }


__all__ = ["Session", "SessionManager", "SessionLimitError", "ConfigError", "meta"]
