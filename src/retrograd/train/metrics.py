"""Metrics: how good are the predictions? (accuracy, MSE, MAE, the confusion matrix).

Two forms of each metric:

* a function on whole arrays -- ``accuracy(output, target)``;
* a *streaming* class -- ``Accuracy()`` with ``update(output, target)`` per
  batch and ``result()`` at the end -- which :func:`retrograd.train.fit` uses
  so an epoch's metric is computed from the batches it already ran, without a
  second pass over the data.

How predictions are read from network outputs (the same rules everywhere):

* outputs ``(N, C)`` with ``C > 1``: the predicted class is ``argmax`` over
  the last axis; targets are integer labels ``(N,)`` or one-hot /
  probability rows ``(N, C)`` (their ``argmax`` is the label);
* outputs ``(N,)`` or ``(N, 1)``: a binary classifier; the prediction is
  ``output > threshold`` (0.5 for probabilities, 0.0 for logits) and a target
  counts as positive when it is ``> 0.5`` (so 0/1 labels and the textbook
  0.01/0.99 targets both work).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def _arr(x: Any) -> np.ndarray:
    return np.asarray(x.data if hasattr(x, "data") and not isinstance(x, np.ndarray) else x)


def predicted_labels(output: Any, threshold: float = 0.5) -> np.ndarray:
    """Class labels from network outputs: argmax for ``(N, C)``, ``> threshold`` for one output.

    Shape
    -----
    output ``(N, C)``, ``(N, 1)`` or ``(N,)`` -> labels ``(N,)`` int64.

    Examples
    --------
    >>> predicted_labels(np.array([[0.1, 2.0], [3.0, -1.0]]))
    array([1, 0])
    >>> predicted_labels(np.array([[0.2], [0.7]]))
    array([0, 1])
    """
    out = _arr(output)
    if out.ndim >= 2 and out.shape[-1] > 1:
        return out.argmax(axis=-1).astype(np.int64)
    return (out.reshape(out.shape[0] if out.ndim else 1) > threshold).astype(np.int64)


def target_labels(target: Any, n_outputs: int) -> np.ndarray:
    """Class labels from targets: integer labels as they are, one-hot rows by argmax,
    and binary float targets by ``> 0.5``.

    Shape
    -----
    target ``(N,)``, ``(N, 1)`` or ``(N, C)`` -> labels ``(N,)`` int64.
    """
    t = _arr(target)
    if t.ndim >= 2 and t.shape[-1] > 1:
        return t.argmax(axis=-1).astype(np.int64)
    t = t.reshape(t.shape[0] if t.ndim else 1)
    if t.dtype.kind == "f" and n_outputs == 1:
        return (t > 0.5).astype(np.int64)
    return t.astype(np.int64)


def _n_outputs(output: np.ndarray) -> int:
    return int(output.shape[-1]) if output.ndim >= 2 else 1


def accuracy(output: Any, target: Any, threshold: float = 0.5) -> float:
    """Fraction of samples whose predicted class equals the target class.

    Parameters
    ----------
    output : array_like or Tensor
        Network outputs (logits, probabilities or scores).
    target : array_like or Tensor
        Integer labels, one-hot rows, or binary targets.
    threshold : float
        Decision threshold for single-output (binary) networks: 0.5 for
        probabilities, 0.0 for logits.

    Shape
    -----
    output ``(N, C)`` with target ``(N,)`` or ``(N, C)``; or output ``(N,)``/``(N, 1)``
    with target of the same length.

    Examples
    --------
    >>> accuracy(np.array([[2.0, 1.0], [0.0, 1.0]]), np.array([0, 0]))
    0.5
    """
    out = _arr(output)
    pred = predicted_labels(out, threshold)
    true = target_labels(target, _n_outputs(out))
    if pred.shape != true.shape:
        raise ValueError(
            f"accuracy: {pred.shape[0]} predictions but {true.shape[0]} targets "
            f"(output shape {out.shape}, target shape {_arr(target).shape})"
        )
    return float((pred == true).mean()) if pred.size else float("nan")


def mean_squared_error(output: Any, target: Any) -> float:
    """Mean of ``(output - target)^2`` over all elements (targets reshaped to the output).

    Shape
    -----
    output and target: the same number of elements, e.g. ``(N, 1)`` and ``(N,)``.
    """
    out = _arr(output).astype(np.float64)
    t = _arr(target).astype(np.float64)
    if t.size != out.size:
        raise ValueError(f"mse: output shape {out.shape} and target shape {t.shape} differ")
    return float(np.mean((out - t.reshape(out.shape)) ** 2))


def mean_absolute_error(output: Any, target: Any) -> float:
    """Mean of ``|output - target|`` over all elements."""
    out = _arr(output).astype(np.float64)
    t = _arr(target).astype(np.float64)
    if t.size != out.size:
        raise ValueError(f"mae: output shape {out.shape} and target shape {t.shape} differ")
    return float(np.mean(np.abs(out - t.reshape(out.shape))))


def confusion_matrix(y_true: Any, y_pred: Any, num_classes: int | None = None) -> np.ndarray:
    """Counts ``C[i, j]`` of samples of true class ``i`` predicted as class ``j``.

    Parameters
    ----------
    y_true, y_pred : array_like of int
        Class labels.
    num_classes : int, optional
        Size of the matrix; by default ``max(label) + 1``.

    Shape
    -----
    ``(N,)`` and ``(N,)`` -> ``(num_classes, num_classes)`` int64.

    Examples
    --------
    >>> confusion_matrix([0, 1, 1], [0, 1, 0])
    array([[1, 0],
           [1, 1]])
    """
    t = np.asarray(y_true).astype(np.int64).ravel()
    p = np.asarray(y_pred).astype(np.int64).ravel()
    if t.shape != p.shape:
        raise ValueError(f"confusion_matrix: {t.size} true labels but {p.size} predictions")
    if t.size and (t.min() < 0 or p.min() < 0):
        raise ValueError("confusion_matrix: labels must be non-negative integers")
    k = (
        num_classes
        if num_classes is not None
        else int(max(t.max(initial=-1), p.max(initial=-1)) + 1)
    )
    if t.size and max(t.max(), p.max()) >= k:
        raise ValueError(f"confusion_matrix: a label is >= num_classes={k}")
    return np.bincount(t * k + p, minlength=k * k).reshape(k, k)


def format_confusion_matrix(cm: np.ndarray, class_names: list[str] | None = None) -> str:
    """The matrix as aligned text: rows are true classes, columns predicted classes."""
    k = cm.shape[0]
    names = [str(c) for c in (class_names or range(k))]
    width = max(max(len(n) for n in names), len(str(int(cm.max(initial=0)))), 3)
    head = " " * (width + 1) + "predicted"
    lines = [head, "true".ljust(width) + " " + " ".join(n.rjust(width) for n in names)]
    for name, row in zip(names, cm):
        lines.append(name.rjust(width) + " " + " ".join(str(int(v)).rjust(width) for v in row))
    return "\n".join(lines)


# -- streaming versions used by fit() / evaluate() ---------------------------------------------
class Metric:
    """A metric accumulated batch by batch: ``reset()``, ``update(output, target)``, ``result()``.

    Subclass it for your own metric; ``name`` is the key in the logs and the
    History (validation values get the ``val_`` prefix).
    """

    name = "metric"

    def reset(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def update(self, output: np.ndarray, target: np.ndarray) -> None:  # pragma: no cover
        raise NotImplementedError

    def result(self) -> float:  # pragma: no cover - abstract
        raise NotImplementedError


class Accuracy(Metric):
    """Streaming :func:`accuracy` (``threshold`` for single-output networks)."""

    name = "accuracy"

    def __init__(self, threshold: float = 0.5) -> None:
        self.threshold = threshold
        self.reset()

    def reset(self) -> None:
        self.correct = 0
        self.count = 0

    def update(self, output: np.ndarray, target: np.ndarray) -> None:
        out = _arr(output)
        pred = predicted_labels(out, self.threshold)
        true = target_labels(target, _n_outputs(out))
        self.correct += int((pred == true).sum())
        self.count += pred.size

    def result(self) -> float:
        return self.correct / self.count if self.count else float("nan")


class _MeanError(Metric):
    power = 2

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.total = 0.0
        self.count = 0

    def update(self, output: np.ndarray, target: np.ndarray) -> None:
        out = _arr(output).astype(np.float64)
        t = _arr(target)
        if t.dtype.kind in "iu" and out.ndim == 2 and out.shape[1] > 1 and t.ndim == 1:
            t = np.eye(out.shape[1])[t.astype(np.int64)]  # labels vs. C outputs: compare one-hot
        t = t.astype(np.float64)
        diff = np.abs(out - t.reshape(out.shape))
        self.total += float((diff**self.power).sum())
        self.count += diff.size

    def result(self) -> float:
        return self.total / self.count if self.count else float("nan")


class MeanSquaredError(_MeanError):
    """Streaming :func:`mean_squared_error` (integer labels vs. C outputs: against one-hot)."""

    name = "mse"
    power = 2


class MeanAbsoluteError(_MeanError):
    """Streaming :func:`mean_absolute_error`."""

    name = "mae"
    power = 1


#: metric name -> class (``fit(metrics=("accuracy", "mse"))``)
METRICS: dict[str, Callable[[], Metric]] = {
    "accuracy": Accuracy, "acc": Accuracy, "mse": MeanSquaredError,
    "mean_squared_error": MeanSquaredError, "mae": MeanAbsoluteError,
    "mean_absolute_error": MeanAbsoluteError,
}  # fmt: skip


def get_metric(metric: str | Metric, logits_threshold: bool = False) -> Metric:
    """A fresh :class:`Metric` from a name (see ``METRICS``) or a Metric instance.

    ``logits_threshold=True`` makes accuracy threshold single outputs at 0
    (for networks trained with ``BCEWithLogitsLoss``).
    """
    if isinstance(metric, Metric):
        return metric
    if not isinstance(metric, str) or metric.lower() not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; choose from {sorted(set(METRICS))}")
    cls = METRICS[metric.lower()]
    if cls is Accuracy:
        return Accuracy(threshold=0.0 if logits_threshold else 0.5)
    return cls()
