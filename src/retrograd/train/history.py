"""``History``: what :func:`retrograd.train.fit` returns -- the logs of every epoch."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any


class History:
    """Per-epoch values of the loss, the metrics and the learning rate.

    Attributes
    ----------
    history : dict of str -> list of float
        ``{"loss": [...], "accuracy": [...], "val_loss": [...], "lr": [...], ...}``,
        one entry per completed epoch (as in Keras).
    epoch : list of int
        The (0-based) epoch numbers recorded.
    stop_reason : str or None
        Why training ended before ``epochs`` (target loss reached, every
        example correct, early stopping...), ``None`` when it ran to the end.
    params : dict
        The run's settings: ``epochs``, ``steps_per_epoch``, ``batch_size``...

    Examples
    --------
    >>> h = History()
    >>> h.record(0, {"loss": 0.5, "accuracy": 0.75})
    >>> h.history["loss"], h.last("accuracy")
    ([0.5], 0.75)
    """

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []
        self.stop_reason: str | None = None
        self.params: dict[str, Any] = {}

    def record(self, epoch: int, logs: dict[str, Any]) -> None:
        """Append one epoch's logs (numbers only; other entries are ignored)."""
        self.epoch.append(int(epoch))
        for key, value in logs.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                column = self.history.setdefault(key, [])
                column.extend([math.nan] * (len(self.epoch) - 1 - len(column)))
                column.append(float(value))

    def last(self, key: str) -> float:
        """The most recent value of ``key`` (``KeyError`` naming the known keys if absent)."""
        if key not in self.history or not self.history[key]:
            raise KeyError(f"History has no {key!r}; it has {sorted(self.history)}")
        return self.history[key][-1]

    def __len__(self) -> int:
        return len(self.epoch)

    def __repr__(self) -> str:
        keys = ", ".join(sorted(self.history))
        return f"History(epochs={len(self.epoch)}, keys=[{keys}], stop_reason={self.stop_reason!r})"

    # -- plain data (checkpoints, JSON) -------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain data: ``{"epoch", "history", "stop_reason", "params"}`` (for JSON, checkpoints)."""
        return {
            "epoch": list(self.epoch),
            "history": {k: list(v) for k, v in self.history.items()},
            "stop_reason": self.stop_reason,
            "params": dict(self.params),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> History:
        """Rebuild a History from :meth:`to_dict` output (or a checkpoint's history)."""
        h = cls()
        h.epoch = [int(e) for e in data.get("epoch", [])]
        h.history = {str(k): [float(x) for x in v] for k, v in data.get("history", {}).items()}
        h.stop_reason = data.get("stop_reason")
        h.params = dict(data.get("params", {}))
        return h

    def save_json(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_dict` as JSON, atomically (temp file + fsync + rename).

        NaN values are written as ``null`` so any JSON reader accepts the file.
        """
        data = self.to_dict()
        data["history"] = {
            k: [None if not math.isfinite(x) else x for x in v] for k, v in data["history"].items()
        }
        from retrograd.io.atomic import atomic_write_bytes

        text = json.dumps(data, indent=2, default=str)
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, (text + "\n").encode("utf-8"))
        return path
