"""2-D toy classification sets: moons, circles, spirals and Gaussian blobs.

Each generator returns ``(X, y)``: ``X`` of shape ``(n_samples, 2)`` in the
default float dtype and integer labels ``y`` (int64). They are deterministic
by default (``seed=0``) so a lesson's numbers can be reproduced; pass
``seed=None`` for fresh randomness. ``noise`` is the standard deviation of
Gaussian noise added to every coordinate.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from retrograd.backend import get_default_dtype


def _split_counts(n_samples: int | Sequence[int], n_classes: int, name: str) -> list[int]:
    if isinstance(n_samples, (int, np.integer)):
        if n_samples < n_classes:
            raise ValueError(f"{name}: n_samples must be >= {n_classes}, got {n_samples}")
        base, extra = divmod(int(n_samples), n_classes)
        return [base + (1 if i < extra else 0) for i in range(n_classes)]
    counts = [int(c) for c in n_samples]
    if len(counts) != n_classes or any(c < 0 for c in counts):
        raise ValueError(f"{name}: n_samples as a tuple needs {n_classes} counts >= 0")
    return counts


def _finish(
    parts: list[np.ndarray], noise: float, rng: np.random.Generator, shuffle: bool
) -> tuple[np.ndarray, np.ndarray]:
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    X = np.concatenate(parts)
    y = np.concatenate([np.full(len(p), i, dtype=np.int64) for i, p in enumerate(parts)])
    if noise:
        X = X + rng.normal(scale=noise, size=X.shape)
    if shuffle:
        perm = rng.permutation(len(X))
        X, y = X[perm], y[perm]
    return X.astype(get_default_dtype()), y


def make_moons(
    n_samples: int | Sequence[int] = 100,
    noise: float = 0.0,
    seed: int | None = 0,
    shuffle: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (scikit-learn's ``make_moons`` geometry).

    Parameters
    ----------
    n_samples : int or (int, int)
        Total points, or points per moon.
    noise : float
        Standard deviation of Gaussian noise added to the coordinates.
    seed : int or None
    shuffle : bool

    Returns
    -------
    X : ndarray, shape (n_samples, 2)
    y : ndarray of int64, shape (n_samples,)
        0 for the upper moon, 1 for the lower one.

    Examples
    --------
    >>> X, y = make_moons(200, noise=0.1, seed=1)
    >>> X.shape, sorted(set(y.tolist()))
    ((200, 2), [0, 1])
    """
    n_out, n_in = _split_counts(n_samples, 2, "make_moons")
    rng = np.random.default_rng(seed)
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_in)
    outer = np.stack([np.cos(t_out), np.sin(t_out)], axis=1)
    inner = np.stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5], axis=1)
    return _finish([outer, inner], noise, rng, shuffle)


def make_circles(
    n_samples: int | Sequence[int] = 100,
    noise: float = 0.0,
    factor: float = 0.8,
    seed: int | None = 0,
    shuffle: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """A small circle inside a large one (radius 1 and ``factor``).

    Parameters
    ----------
    n_samples : int or (int, int)
        Total points, or points on (outer, inner) circle.
    noise : float
    factor : float
        Radius of the inner circle, in (0, 1).
    seed : int or None
    shuffle : bool

    Returns
    -------
    X : ndarray, shape (n_samples, 2)
    y : ndarray of int64
        0 for the outer circle, 1 for the inner one.

    Examples
    --------
    >>> X, y = make_circles(100, factor=0.5, seed=0)
    >>> float(abs(X[y == 1]).max()) <= 0.5 + 1e-6
    True
    """
    if not 0 < factor < 1:
        raise ValueError(f"make_circles: factor must be in (0, 1), got {factor}")
    n_out, n_in = _split_counts(n_samples, 2, "make_circles")
    rng = np.random.default_rng(seed)
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    outer = np.stack([np.cos(t_out), np.sin(t_out)], axis=1)
    inner = factor * np.stack([np.cos(t_in), np.sin(t_in)], axis=1)
    return _finish([outer, inner], noise, rng, shuffle)


def make_spirals(
    n_samples: int | Sequence[int] = 100,
    noise: float = 0.0,
    n_classes: int = 2,
    turns: float = 1.0,
    seed: int | None = 0,
    shuffle: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class -- hard for a linear model, easy for an MLP.

    Arm ``k`` is ``r (sin t, cos t)`` with the radius ``r`` going from 0 to 1
    while the angle ``t`` sweeps ``turns`` full turns, offset by ``2 pi k / n_classes``.

    Parameters
    ----------
    n_samples : int or sequence of int
        Total points, or points per arm.
    noise : float
    n_classes : int
        Number of arms (>= 2).
    turns : float
        How many times each arm winds around the centre.
    seed : int or None
    shuffle : bool

    Returns
    -------
    X : ndarray, shape (n_samples, 2)
    y : ndarray of int64, values ``0 .. n_classes - 1``

    Examples
    --------
    >>> X, y = make_spirals(300, n_classes=3, noise=0.05)
    >>> X.shape, int(y.max())
    ((300, 2), 2)
    """
    if n_classes < 2:
        raise ValueError(f"make_spirals: n_classes must be >= 2, got {n_classes}")
    counts = _split_counts(n_samples, n_classes, "make_spirals")
    rng = np.random.default_rng(seed)
    arms = []
    for k, m in enumerate(counts):
        r = np.linspace(0.0, 1.0, m)
        t = 2 * np.pi * (turns * r + k / n_classes)
        arms.append(np.stack([r * np.sin(t), r * np.cos(t)], axis=1))
    return _finish(arms, noise, rng, shuffle)


def make_blobs(
    n_samples: int | Sequence[int] = 100,
    centers: int | Sequence[Sequence[float]] = 3,
    n_features: int = 2,
    cluster_std: float = 1.0,
    center_box: tuple[float, float] = (-10.0, 10.0),
    seed: int | None = 0,
    shuffle: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Isotropic Gaussian clusters, one per class.

    Parameters
    ----------
    n_samples : int or sequence of int
        Total points, or points per cluster.
    centers : int or array_like of shape (n_centers, n_features)
        How many random centres (drawn uniformly in ``center_box``), or the centres.
    n_features : int
        Dimensions (used when ``centers`` is a count).
    cluster_std : float
        Standard deviation of each cluster (this generator's ``noise``).
    center_box : (float, float)
    seed : int or None
    shuffle : bool

    Returns
    -------
    X : ndarray, shape (n_samples, n_features)
    y : ndarray of int64, the cluster of each point

    Examples
    --------
    >>> X, y = make_blobs(90, centers=[[0, 0], [5, 5], [0, 5]], cluster_std=0.5)
    >>> X.shape, sorted(set(y.tolist()))
    ((90, 2), [0, 1, 2])
    """
    rng = np.random.default_rng(seed)
    if isinstance(centers, (int, np.integer)):
        if centers < 1:
            raise ValueError(f"make_blobs: centers must be >= 1, got {centers}")
        c = rng.uniform(center_box[0], center_box[1], size=(int(centers), n_features))
    else:
        c = np.asarray(centers, dtype=np.float64)
        if c.ndim != 2:
            raise ValueError(f"make_blobs: centers must be 2-D (n_centers, n_features), {c.shape}")
    if cluster_std < 0:
        raise ValueError(f"make_blobs: cluster_std must be >= 0, got {cluster_std}")
    counts = _split_counts(n_samples, len(c), "make_blobs")
    parts = [center + cluster_std * rng.standard_normal((m, c.shape[1])) for center, m in
             zip(c, counts)]  # fmt: skip
    return _finish(parts, 0.0, rng, shuffle)
