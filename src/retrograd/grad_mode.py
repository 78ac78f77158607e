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

    def __enter__(self) -> None:
        self._prev = state.grad_enabled
        state.grad_enabled = False

    def __exit__(self, *exc: object) -> None:
        state.grad_enabled = self._prev

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.__class__():
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class enable_grad(no_grad):
    """Context manager that turns graph recording back on inside ``no_grad``."""

    def __enter__(self) -> None:
        self._prev = state.grad_enabled
        state.grad_enabled = True


def is_grad_enabled() -> bool:
    """Whether ops currently record the graph."""
    return state.grad_enabled


class detect_anomaly:
    """Context manager that checks every op's output and gradients for NaN/Inf.

    The first op whose forward output (or whose backward gradient) is not
    finite raises ``FloatingPointError`` naming the op and the shapes of its
    inputs, so you learn *where* a NaN was born rather than just that the loss
    is NaN. It costs one ``isfinite`` per op, so it is off by default; the
    training loop turns it on to diagnose a non-finite loss.
    """

    def __enter__(self) -> None:
        self._prev = state.anomaly
        state.anomaly = True

    def __exit__(self, *exc: object) -> None:
        state.anomaly = self._prev
