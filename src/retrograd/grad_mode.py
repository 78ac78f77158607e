"""Global switches for the graph recorder: ``no_grad`` and ``detect_anomaly``."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _State(threading.local):
    """Flags read by every op, one set per thread (as PyTorch's grad mode): a thread
    evaluating under ``no_grad`` never stops another thread from recording its graph."""

    def __init__(self) -> None:
        self.grad_enabled = True
        self.anomaly = False


state = _State()


class no_grad:
    """Context manager (and decorator) that stops recording the graph.

    Inside it, ops compute values only: results have ``requires_grad=False``
    and keep no references for backward. Use it for evaluation and for
    optimizer updates.

    Examples
    --------
    >>> import retrograd as rg
    >>> w = rg.tensor([1.0, 2.0], requires_grad=True)
    >>> with rg.no_grad():
    ...     y = w * 2
    >>> y.requires_grad
    False
    """

    #: the recording flag inside the block
    _mode = False

    def __enter__(self) -> None:
        self._prev = state.grad_enabled
        state.grad_enabled = self._mode

    def __exit__(self, *exc: object) -> None:
        state.grad_enabled = self._prev

    def __call__(self, fn: F) -> F:
        mode = self._mode

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            # the context manager's work, inlined: decorated optimizer steps are hot
            prev = state.grad_enabled
            state.grad_enabled = mode
            try:
                return fn(*args, **kwargs)
            finally:
                state.grad_enabled = prev

        return wrapper  # type: ignore[return-value]


class enable_grad(no_grad):
    """Context manager (and decorator) that turns graph recording back on inside ``no_grad``.

    Examples
    --------
    >>> import retrograd as rg
    >>> w = rg.tensor([1.0], requires_grad=True)
    >>> with rg.no_grad():
    ...     with rg.enable_grad():
    ...         y = w * 2
    >>> y.requires_grad
    True
    """

    _mode = True


def is_grad_enabled() -> bool:
    """Whether ops currently record the graph.

    Examples
    --------
    >>> import retrograd as rg
    >>> with rg.no_grad():
    ...     rg.is_grad_enabled()
    False
    """
    return state.grad_enabled


class detect_anomaly:
    """Context manager that checks every op's output and gradients for NaN/Inf.

    The first op whose forward output (or whose backward gradient) is not
    finite raises ``FloatingPointError`` naming the op and the shapes of its
    inputs, so you learn *where* a NaN was born rather than just that the loss
    is NaN. It costs one ``isfinite`` per op, so it is off by default; the
    training loop turns it on to diagnose a non-finite loss.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> x = rg.tensor([0.0, 1.0], requires_grad=True)
    >>> with rg.detect_anomaly():
    ...     y = x + float("inf")
    Traceback (most recent call last):
    ...
    FloatingPointError: Add: non-finite values (NaN or Inf) in its forward output; ...
    """

    def __enter__(self) -> None:
        self._prev = state.anomaly
        state.anomaly = True

    def __exit__(self, *exc: object) -> None:
        state.anomaly = self._prev
