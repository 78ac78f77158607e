"""Undoing broadcasting: the one place gradients are summed back to an input's shape."""

from __future__ import annotations

from typing import Any


def sum_to_shape(grad: Any, shape: tuple[int, ...]) -> Any:
    """Sum ``grad`` over the axes that broadcasting added or stretched.

    If ``x`` of shape ``shape`` was broadcast to ``grad.shape`` in the forward
    pass, each element of ``x`` fed several outputs, so its gradient is the sum
    of theirs (chain rule). Example: ``(3, 1)`` broadcast to ``(2, 3, 4)`` sums
    axis 0 (added) and axis 2 (stretched from 1).

    Shape
    -----
    grad: ``(*B)`` where ``shape`` broadcasts to ``B``; returns ``shape``.
    """
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra < 0:
        raise ValueError(f"gradient of shape {grad.shape} cannot be summed to shape {shape}")
    axes = tuple(range(extra)) + tuple(
        i + extra for i, n in enumerate(shape) if n == 1 and grad.shape[i + extra] != 1
    )
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    if extra:
        grad = grad.reshape(shape)
    return grad
