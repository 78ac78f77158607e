"""``train_test_split``: hold out part of the data, reproducibly (scikit-learn's shape)."""

from __future__ import annotations

from typing import Any

import numpy as np


def _test_count(n: int, test_size: float | int) -> int:
    if isinstance(test_size, bool):
        raise TypeError("test_size must be a fraction in (0, 1) or a count, not a bool")
    if isinstance(test_size, (float, np.floating)):
        if not 0.0 < test_size < 1.0:
            raise ValueError(f"test_size as a fraction must be in (0, 1), got {test_size}")
        n_test = int(np.ceil(test_size * n))
    else:
        n_test = int(test_size)
    if not 0 < n_test < n:
        raise ValueError(
            f"test_size={test_size} leaves {n_test} test and {n - n_test} training examples "
            f"out of {n}; both parts need at least one"
        )
    return n_test


def _stratified_test_indices(
    labels: np.ndarray, n_test: int, rng: np.random.Generator
) -> np.ndarray:
    """Pick ``n_test`` indices so each class keeps its share (largest-remainder rounding)."""
    classes, y_idx = np.unique(labels, return_inverse=True)
    counts = np.bincount(y_idx)
    exact = counts * n_test / len(labels)
    take = np.floor(exact).astype(int)
    order = np.argsort(-(exact - take), kind="stable")
    take[order[: n_test - take.sum()]] += 1
    picked = []
    for c in range(len(classes)):
        members = np.flatnonzero(y_idx == c)
        picked.append(rng.permutation(members)[: take[c]])
    return np.concatenate(picked)


def train_test_split(
    *arrays: Any,
    test_size: float | int = 0.2,
    seed: int | None = 0,
    shuffle: bool = True,
    stratify: Any = None,
) -> list[np.ndarray]:
    """Split arrays into random train and test parts.

    Parameters
    ----------
    *arrays : array_like
        Arrays with the same first axis, typically ``X, y``.
    test_size : float or int
        Fraction of examples (rounded up) or number of examples in the test part.
    seed : int or None
        Seed of the shuffle, so a split is reproducible (``None``: fresh randomness).
    shuffle : bool
        ``False`` takes the last ``test_size`` examples as the test part.
    stratify : array_like, optional
        Class labels whose proportions both parts keep (usually ``y``).

    Returns
    -------
    list of ndarray
        ``X_train, X_test, y_train, y_test`` (train/test for each input array),
        the order scikit-learn uses. Each part keeps the original relative order
        of its examples when ``shuffle`` is false.

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.arange(20).reshape(10, 2), np.arange(10) % 2
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, seed=0)
    >>> X_train.shape, X_test.shape
    ((7, 2), (3, 2))
    """
    if not arrays:
        raise ValueError("train_test_split needs at least one array")
    arrs = [np.asarray(getattr(a, "data", a)) for a in arrays]
    n = len(arrs[0])
    if any(a.ndim == 0 or len(a) != n for a in arrs):
        shapes = ", ".join(str(a.shape) for a in arrs)
        raise ValueError(f"train_test_split: arrays need the same first axis; got {shapes}")
    n_test = _test_count(n, test_size)
    rng = np.random.default_rng(seed)
    if stratify is not None:
        if not shuffle:
            raise ValueError("train_test_split: stratify needs shuffle=True")
        labels = np.asarray(stratify)
        if labels.shape[:1] != (n,):
            raise ValueError(
                f"train_test_split: stratify has shape {labels.shape}, expected ({n},)"
            )
        test_idx = rng.permutation(_stratified_test_indices(labels, n_test, rng))
        mask = np.ones(n, dtype=bool)
        mask[test_idx] = False
        train_idx = rng.permutation(np.flatnonzero(mask))
    elif shuffle:
        perm = rng.permutation(n)
        train_idx, test_idx = perm[: n - n_test], perm[n - n_test :]
    else:
        train_idx, test_idx = np.arange(n - n_test), np.arange(n - n_test, n)
    out: list[np.ndarray] = []
    for a in arrs:
        out.extend([a[train_idx], a[test_idx]])
    return out
