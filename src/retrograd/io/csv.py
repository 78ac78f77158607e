"""CSV files of numeric features plus a label column.

``load_csv("iris.csv", label_column="species")`` reads a table like::

    sepal_length,sepal_width,petal_length,petal_width,species
    5.1,3.5,1.4,0.2,setosa
    ...

into ``X`` (float features) and ``y`` (labels). A header row is detected
automatically (a first row with any non-numeric field). Labels that are all
integers become int64 class labels; other numbers stay floats (regression
targets); text labels become class indices 0..K-1 in sorted order
(``return_classes=True`` also returns the names). Any non-numeric or missing
feature value is an error naming its line and column.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from retrograd.backend import get_default_dtype
from retrograd.io.atomic import atomic_write


class CSVFormatError(ValueError):
    """A CSV file has ragged rows, non-numeric features, or an unknown label column."""


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _read_rows(path: str, delimiter: str, encoding: str) -> list[tuple[int, list[str]]]:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding=encoding, newline="") as f:  # type: ignore[operator]
        reader = csv.reader(f, delimiter=delimiter)
        rows = []
        for row in reader:
            if not row or all(not cell.strip() for cell in row):
                continue  # blank line
            rows.append((reader.line_num, [cell.strip() for cell in row]))
    return rows


def _resolve_label_column(
    label_column: int | str | None, names: list[str] | None, width: int, origin: str
) -> int | None:
    if label_column is None:
        return None
    if isinstance(label_column, str):
        if names is None:
            raise CSVFormatError(
                f"{origin}: label_column={label_column!r} is a name but the file has no header "
                "row; give the column index instead"
            )
        if label_column not in names:
            raise CSVFormatError(f"{origin}: no column named {label_column!r}; columns are {names}")
        return names.index(label_column)
    if not -width <= label_column < width:
        raise CSVFormatError(
            f"{origin}: label_column={label_column} is out of range for {width} columns"
        )
    return label_column % width


def load_csv(
    path: str | os.PathLike[str],
    label_column: int | str | None = -1,
    *,
    header: bool | str = "auto",
    delimiter: str = ",",
    dtype: Any = None,
    return_classes: bool = False,
    encoding: str = "utf-8",
) -> Any:
    """Read numeric feature columns and a label column from a CSV file.

    Parameters
    ----------
    path : str or PathLike
        A ``.csv`` file (``.csv.gz`` is decompressed).
    label_column : int, str or None
        Index (negative counts from the end; default: the last column) or header
        name of the label column; ``None`` when the file holds features only.
    header : bool or "auto"
        Whether the first row holds column names; ``"auto"`` decides by whether
        any of its fields is non-numeric.
    delimiter : str
    dtype : numpy dtype, optional
        Feature dtype (default float32, the default float dtype).
    return_classes : bool
        Also return the class names (for text labels) or the sorted distinct
        label values.
    encoding : str

    Returns
    -------
    X : ndarray, shape (N, F)
    y : ndarray, shape (N,), or None when ``label_column`` is None
        int64 for integer or text labels, the feature dtype for other numbers.
    classes : list, only with ``return_classes=True``

    Raises
    ------
    CSVFormatError
        Ragged rows, a non-numeric or empty feature value (naming the line and
        column), an unknown label column, or no data rows.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "pts.csv")
    >>> _ = open(p, "w").write("x1,x2,label\\n0.5,1.0,a\\n1.5,0.0,b\\n")
    >>> X, y, classes = load_csv(p, label_column="label", return_classes=True)
    >>> X.shape, y.tolist(), classes
    ((2, 2), [0, 1], ['a', 'b'])
    """
    origin = os.fspath(path)
    rows = _read_rows(origin, delimiter, encoding)
    if not rows:
        raise CSVFormatError(f"{origin}: the file is empty")
    first = rows[0][1]
    has_header = (not all(_is_number(c) for c in first)) if header == "auto" else bool(header)
    names = first if has_header else None
    data = rows[1:] if has_header else rows
    if not data:
        raise CSVFormatError(f"{origin}: no data rows (only a header)")
    width = len(names) if names is not None else len(data[0][1])
    for line, row in data:
        if len(row) != width:
            raise CSVFormatError(
                f"{origin}, line {line}: {len(row)} columns, expected {width} "
                f"(as in {'the header' if names else 'the first row'})"
            )
    label_idx = _resolve_label_column(label_column, names, width, origin)
    feat_idx = [j for j in range(width) if j != label_idx]
    fdtype = np.dtype(dtype) if dtype is not None else get_default_dtype()
    X = _parse_features(data, feat_idx, names, origin).astype(fdtype)
    if label_idx is None:
        return (X, None, []) if return_classes else (X, None)
    y, classes = _parse_labels([row[label_idx] for _, row in data], fdtype)
    return (X, y, classes) if return_classes else (X, y)


def _parse_features(
    data: list[tuple[int, list[str]]], feat_idx: list[int], names: list[str] | None, origin: str
) -> np.ndarray:
    cells = [[row[j] for j in feat_idx] for _, row in data]
    try:
        return np.array(cells, dtype=np.float64).reshape(len(data), len(feat_idx))
    except ValueError:
        pass
    for (line, _), values in zip(data, cells):  # find the first bad cell for the message
        for j, value in zip(feat_idx, values):
            if not _is_number(value):
                col = f"column {j + 1}" + (f" ({names[j]!r})" if names else "")
                what = "an empty value (missing data)" if value == "" else repr(value)
                raise CSVFormatError(
                    f"{origin}, line {line}, {col}: {what} is not a number; feature columns "
                    "must be numeric (choose the label column with label_column=)"
                )
    raise CSVFormatError(f"{origin}: could not parse the features")  # pragma: no cover


def _parse_labels(values: list[str], fdtype: np.dtype) -> tuple[np.ndarray, list[Any]]:
    if all(_is_number(v) for v in values):
        numbers = np.array([float(v) for v in values])
        if np.all(np.isfinite(numbers)) and np.all(numbers == np.round(numbers)):
            y = numbers.astype(np.int64)
            return y, np.unique(y).tolist()
        return numbers.astype(fdtype), np.unique(numbers).tolist()
    classes = sorted(set(values))
    index = {c: i for i, c in enumerate(classes)}
    return np.array([index[v] for v in values], dtype=np.int64), classes


def save_csv(
    path: str | os.PathLike[str],
    X: Any,
    y: Any = None,
    *,
    header: Sequence[str] | None = None,
    delimiter: str = ",",
) -> None:
    """Write features (and optionally labels as the last column) to a CSV file, atomically.

    Parameters
    ----------
    path : str or PathLike
    X : array_like, shape (N, F) or (N,)
    y : array_like, shape (N,), optional
    header : sequence of str, optional
        Column names (``F`` or ``F + 1`` of them).

    Examples
    --------
    >>> import tempfile, os, numpy as np
    >>> p = os.path.join(tempfile.mkdtemp(), "out.csv")
    >>> save_csv(p, np.eye(2), np.array([0, 1]), header=["a", "b", "label"])
    >>> load_csv(p, label_column="label")[1].tolist()
    [0, 1]
    """
    Xa = np.asarray(getattr(X, "data", X))
    Xa = Xa.reshape(len(Xa), -1)
    cols = [Xa[:, j] for j in range(Xa.shape[1])]
    if y is not None:
        ya = np.asarray(getattr(y, "data", y)).reshape(-1)
        if len(ya) != len(Xa):
            raise ValueError(f"save_csv: X has {len(Xa)} rows but y has {len(ya)}")
        cols.append(ya)
    if header is not None and len(header) != len(cols):
        raise ValueError(f"save_csv: {len(header)} header names for {len(cols)} columns")
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    if header is not None:
        writer.writerow(header)
    for i in range(len(Xa)):
        writer.writerow([_format(c[i]) for c in cols])
    with atomic_write(path, "w") as f:
        f.write(buf.getvalue())


def _format(v: Any) -> str:
    if isinstance(v, (np.floating, float)):
        return repr(float(v))  # shortest text that reads back to the same float64
    return str(v.item() if isinstance(v, np.generic) else v)
