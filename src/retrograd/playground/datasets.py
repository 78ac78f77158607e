"""The playground's data: the 2-D toy sets, two regression sets and uploaded CSV files.

Every set is returned as ``(X, y)`` with ``X`` of shape ``(n, 2)`` scaled into
the square ``[-1, 1]^2`` the page draws, and ``y`` either class labels 0/1
(classification) or real targets (regression).

The classification sets come from :mod:`retrograd.data` (the same generators
the rest of retrograd uses); the regression sets are defined here because
they only make sense as pictures on the playground's square.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np

#: classification sets (label 0/1) and regression sets (real target)
CLASSIFICATION_SETS = ("xor", "circles", "spirals", "blobs", "moons")
REGRESSION_SETS = ("plane", "gauss")
DATASETS = CLASSIFICATION_SETS + REGRESSION_SETS + ("csv",)

#: the largest CSV upload accepted, in bytes and in rows
MAX_CSV_BYTES = 512 * 1024
MAX_CSV_ROWS = 5000


class DataError(ValueError):
    """Bad data settings or an unreadable CSV file (shown to the user as one line)."""


@dataclass
class Data:
    """A generated or uploaded set, split into train and test parts.

    Shape
    -----
    ``x_train`` ``(n_train, 2)``, ``y_train`` ``(n_train,)``; the same for test.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    task: str  # "classification" or "regression"


def _scale_to_square(x: np.ndarray) -> np.ndarray:
    """Centre the points and scale them so the largest coordinate is 1 in size."""
    x = np.asarray(x, dtype=np.float64)
    centre = (x.max(axis=0) + x.min(axis=0)) / 2.0
    x = x - centre
    span = np.abs(x).max()
    return x / span if span > 0 else x


def _classification_set(
    name: str, n: int, noise: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    from retrograd import data

    if name == "xor":
        # XOR as a cloud: the truth table of load_xor() applied to the signs of x1, x2
        _, table = data.load_xor()  # rows (0,0), (0,1), (1,0), (1,1)
        rng = np.random.default_rng(seed)
        x = rng.uniform(-1.0, 1.0, size=(n, 2))
        x += np.sign(x) * 0.05  # a small margin around the axes
        y = table[2 * (x[:, 0] > 0) + (x[:, 1] > 0)]
        return x + rng.normal(0.0, noise, size=x.shape), y
    if name == "blobs":  # two Gaussian clusters; noise widens them
        x, y = data.make_blobs(
            n, centers=[[-1.0, -1.0], [1.0, 1.0]], cluster_std=0.35 + 2 * noise, seed=seed
        )
        return x, np.asarray(y)
    if name == "circles":  # inner circle at half the radius, as in TensorFlow Playground
        return data.make_circles(n_samples=n, noise=noise, factor=0.5, seed=seed)
    make = {"spirals": data.make_spirals, "moons": data.make_moons}
    return make[name](n_samples=n, noise=noise, seed=seed)


def _regression_set(name: str, n: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, size=(n, 2))
    if name == "plane":  # a tilted plane: y = (x1 + x2) / 2
        y = (x[:, 0] + x[:, 1]) / 2.0
    else:  # two bumps of opposite sign
        y = np.exp(-8 * ((x[:, 0] - 0.4) ** 2 + (x[:, 1] - 0.4) ** 2)) - np.exp(
            -8 * ((x[:, 0] + 0.4) ** 2 + (x[:, 1] + 0.4) ** 2)
        )
    return x, y + rng.normal(0.0, noise, size=n)


def split(x: np.ndarray, y: np.ndarray, test_ratio: float, seed: int, task: str) -> Data:
    """Shuffle with ``seed`` and keep ``test_ratio`` of the points for testing."""
    n = len(x)
    order = np.random.default_rng(seed + 1).permutation(n)
    n_test = int(round(n * test_ratio))
    n_test = min(max(n_test, 1), n - 1) if n >= 2 else 0
    test, train = order[:n_test], order[n_test:]
    y = y.astype(np.int64 if task == "classification" else np.float64)
    return Data(x[train], y[train], x[test], y[test], task)


def make_dataset(name: str, n: int, noise: float, test_ratio: float, seed: int) -> Data:
    """Generate one of the built-in sets.

    Parameters
    ----------
    name : str
        One of :data:`CLASSIFICATION_SETS` or :data:`REGRESSION_SETS`.
    n : int
        Number of points (train + test).
    noise : float
        Standard deviation of the noise, in the units of the ``[-1, 1]`` square
        for XOR and the regression sets, and of :mod:`retrograd.data`'s
        generators for the others.
    test_ratio : float
        Fraction of the points held out as the test set.
    seed : int
        Seed of the generator (the same seed gives the same points).

    Examples
    --------
    >>> d = make_dataset("xor", 100, 0.0, 0.5, seed=0)
    >>> d.x_train.shape, d.task
    ((50, 2), 'classification')
    """
    if name in CLASSIFICATION_SETS:
        x, y = _classification_set(name, n, noise, seed)
        task = "classification"
    elif name in REGRESSION_SETS:
        x, y = _regression_set(name, n, noise, seed)
        task = "regression"
    else:
        raise DataError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    return split(_scale_to_square(x), np.asarray(y), test_ratio, seed, task)


def parse_csv(raw: bytes) -> tuple[np.ndarray, np.ndarray, str]:
    """Read an uploaded 2-D CSV: columns ``x1, x2, label`` (an optional header row).

    A label column with exactly two distinct values makes a classification set
    (the smaller value becomes class 0); anything else is a regression target.

    Returns
    -------
    X : ndarray, shape (n, 2), scaled into ``[-1, 1]^2``
    y : ndarray, shape (n,)
    task : "classification" or "regression"

    Raises
    ------
    DataError
        Too large, not UTF-8 text, not three numeric columns, or too few rows;
        the message names the offending line.
    """
    if len(raw) > MAX_CSV_BYTES:
        raise DataError(
            f"CSV file is {len(raw)} bytes; the playground accepts at most {MAX_CSV_BYTES} bytes"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError("CSV file is not UTF-8 text") from exc
    rows: list[list[float]] = []
    for lineno, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != 3:
            raise DataError(
                f"CSV line {lineno}: expected 3 columns (x1, x2, label), found {len(row)}"
            )
        try:
            values = [float(c) for c in row]
        except ValueError as exc:
            if lineno == 1 and not rows:
                continue  # a header row
            raise DataError(f"CSV line {lineno}: not a number: {row!r}") from exc
        if not np.isfinite(values).all():
            raise DataError(f"CSV line {lineno}: NaN or infinite value")
        rows.append(values)
        if len(rows) > MAX_CSV_ROWS:
            raise DataError(f"CSV file has more than {MAX_CSV_ROWS} rows")
    if len(rows) < 4:
        raise DataError(f"CSV file needs at least 4 data rows, found {len(rows)}")
    arr = np.asarray(rows, dtype=np.float64)
    x, target = arr[:, :2], arr[:, 2]
    classes = np.unique(target)
    if len(classes) == 2:
        return _scale_to_square(x), (target == classes[1]).astype(np.int64), "classification"
    if len(classes) == 1:
        raise DataError("CSV label column has a single value; nothing to learn")
    return _scale_to_square(x), target, "regression"
