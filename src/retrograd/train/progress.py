"""Progress display for ``fit``: a live tqdm bar on a terminal, one line per epoch otherwise.

``verbose=0`` prints nothing; ``verbose=1`` shows a tqdm bar per epoch when
the stream is a terminal (and tqdm -- the ``progress`` extra -- is installed),
else one line per epoch; ``verbose=2`` always prints one line per epoch
(logs, CI). Progress goes to stderr so the program's own output (stdout) stays
clean for pipes.
"""

from __future__ import annotations

import io
import math
import os
import sys
import time
from typing import Any, TextIO

from retrograd.train.callbacks import Callback, Logs


def format_logs(logs: Logs, skip: tuple[str, ...] = ()) -> str:
    """``"loss: 0.1234 - accuracy: 0.9650"`` from a logs dict (numbers only).

    Examples
    --------
    >>> format_logs({"loss": 0.12345, "accuracy": 0.965, "note": "text is left out"})
    'loss: 0.1235 - accuracy: 0.9650'
    """
    parts = []
    for key, value in logs.items():
        if key in skip or not isinstance(value, (int, float)) or isinstance(value, bool):
            continue
        if key == "lr":
            parts.append(f"lr: {value:.3g}")
        elif math.isfinite(value) and abs(value) >= 1e4:
            parts.append(f"{key}: {value:.4g}")
        else:
            parts.append(f"{key}: {value:.4f}")
    return " - ".join(parts)


def _terminal_size(stream: Any) -> dict[str, int]:
    """``ncols``/``nrows`` for tqdm when the terminal reports a size of 0 (some ptys do).

    tqdm hides bars beyond the last row, so a 0-row terminal would show nothing.
    """
    try:
        size = os.get_terminal_size(stream.fileno())
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return {}  # not a real file: let tqdm decide
    return {} if size.columns > 0 and size.lines > 0 else {"ncols": 100, "nrows": 20}


def _load_tqdm() -> Any:
    try:
        from tqdm import tqdm  # optional extra, imported lazily
    except ImportError:
        return None
    return tqdm


class ProgressDisplay(Callback):
    """Shows training progress; added by ``fit`` according to ``verbose``.

    Parameters
    ----------
    verbose : {0, 1, 2}
        0 silent, 1 bar on a terminal / line otherwise, 2 one line per epoch.
    stream : file-like, optional
        Where to write (default: ``sys.stderr`` at the time of writing).
    """

    def __init__(self, verbose: int = 1, stream: TextIO | None = None) -> None:
        if verbose not in (0, 1, 2):
            raise ValueError(f"verbose must be 0, 1 or 2, got {verbose!r}")
        self.verbose = verbose
        self._stream = stream
        self._bar: Any = None
        self.mode = "silent"

    @property
    def stream(self) -> TextIO:
        return self._stream if self._stream is not None else sys.stderr

    def _choose_mode(self) -> str:
        if self.verbose == 0:
            return "silent"
        if self.verbose == 1:
            isatty = getattr(self.stream, "isatty", None)
            if isatty is not None and isatty() and _load_tqdm() is not None:
                return "bar"
        return "line"

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.mode = self._choose_mode()

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        self._t0 = time.perf_counter()
        self._seen = 0
        self._loss_sum = 0.0
        if self.mode == "bar":
            tqdm = _load_tqdm()
            width = len(str(self.state.epochs))
            self._bar = tqdm(
                total=self.state.steps_per_epoch or None,
                desc=f"Epoch {epoch + 1:>{width}}/{self.state.epochs}",
                unit="batch",
                file=self.stream,
                leave=True,
                **_terminal_size(self.stream),
            )

    def on_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        if self.mode != "bar" or self._bar is None:
            return
        logs = logs or {}
        n = int(logs.get("size", 1))
        self._seen += n
        self._loss_sum += float(logs.get("loss", math.nan)) * n
        self._bar.update(1)
        if batch % 10 == 0 or batch + 1 == self.state.steps_per_epoch:
            self._bar.set_postfix_str(
                f"loss={self._loss_sum / max(self._seen, 1):.4f}", refresh=False
            )

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if self.mode == "silent":
            return
        elapsed = time.perf_counter() - self._t0
        text = format_logs(logs or {})
        if self.mode == "bar" and self._bar is not None:
            self._bar.set_postfix_str(format_logs(logs or {}, skip=("lr",)), refresh=False)
            self._bar.close()
            self._bar = None
            return
        width = len(str(self.state.epochs))
        print(
            f"Epoch {epoch + 1:>{width}}/{self.state.epochs} - {elapsed:.1f}s - {text}",
            file=self.stream,
            flush=True,
        )

    def close(self) -> None:
        """Close a bar left open (``fit`` calls this when an exception ends an epoch)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def on_train_end(self, logs: Logs | None = None) -> None:
        self.close()
        reason = self.state.stop_reason
        if self.mode != "silent" and reason:
            print(f"Stopped: {reason}", file=self.stream, flush=True)
