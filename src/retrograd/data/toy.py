"""The two smallest datasets of backpropagation's history: XOR and the textbook 2-2-2 net."""

from __future__ import annotations

import numpy as np

from retrograd.backend import get_default_dtype


def load_xor() -> tuple[np.ndarray, np.ndarray]:
    """The four XOR patterns, the classic problem a single-layer perceptron cannot solve.

    Returns
    -------
    X : ndarray, shape (4, 2)
        Inputs ``[[0, 0], [0, 1], [1, 0], [1, 1]]`` (default float dtype).
    y : ndarray of int64, shape (4,)
        ``x1 XOR x2``: ``[0, 1, 1, 0]``.

    Examples
    --------
    >>> X, y = load_xor()
    >>> y.tolist()
    [0, 1, 1, 0]
    """
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=get_default_dtype())
    y = np.array([0, 1, 1, 0], dtype=np.int64)
    return X, y


def load_textbook() -> tuple[np.ndarray, np.ndarray]:
    """The single training example of the classic 2-2-2 worked backpropagation example.

    Two inputs, two sigmoid hidden units, two sigmoid outputs, trained with
    E = 1/2 sum (t - o)^2; the explain mode walks the chain rule through it.

    Returns
    -------
    X : ndarray, shape (1, 2)
        ``[[0.05, 0.10]]``.
    Y : ndarray, shape (1, 2)
        The targets ``[[0.01, 0.99]]`` (regression targets, not class labels).

    Examples
    --------
    >>> X, Y = load_textbook()
    >>> X.shape, Y.shape
    ((1, 2), (1, 2))
    """
    dt = get_default_dtype()
    return np.array([[0.05, 0.10]], dtype=dt), np.array([[0.01, 0.99]], dtype=dt)
