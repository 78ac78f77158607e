"""PNG plots of a training run: loss/accuracy curves, confusion matrix, decision boundary.

Needs the ``plot`` extra (``pip install "retrograd[plot]"``, i.e. matplotlib).
Figures are drawn with matplotlib's Agg canvas directly -- no window, no
display, and the global pyplot backend of your session is left alone -- and
written atomically (temp file + fsync + rename).
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from retrograd.train.metrics import predicted_labels

PathLike = str | os.PathLike[str]


def _figure(width: float, height: float) -> Any:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError('plots need matplotlib: pip install "retrograd[plot]"') from exc
    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def _save(fig: Any, path: PathLike) -> Path:
    from retrograd.io.atomic import atomic_write_bytes

    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, buf.getvalue())
    return path


def plot_history(
    history: Any, path: PathLike, metrics: Sequence[str] | None = None, title: str | None = None
) -> Path:
    """Loss curves (training and validation) and, beside them, metric curves.

    Parameters
    ----------
    history : History or dict
        ``fit``'s return value, or a ``{"loss": [...], "val_loss": [...], ...}`` dict.
    path : str or Path
        The PNG file to write.
    metrics : sequence of str, optional
        Metric names for the second panel (default: every non-loss key except ``lr``).
    title : str, optional

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> plot_history({"loss": [1.0, 0.5, 0.3]}, "loss.png")  # doctest: +SKIP
    """
    logs = history.history if hasattr(history, "history") else dict(history)
    if "loss" not in logs or not logs["loss"]:
        raise ValueError(f"plot_history: no 'loss' values to plot (keys: {sorted(logs)})")
    if metrics is None:
        metrics = [k for k in logs if not k.startswith("val_") and k not in ("loss", "lr")]
    metrics = [m for m in metrics if m in logs]
    panels = 1 + bool(metrics)
    fig = _figure(5.5 * panels, 4.0)
    epochs = np.arange(1, len(logs["loss"]) + 1)
    ax = fig.add_subplot(1, panels, 1)
    ax.plot(epochs, logs["loss"], marker="o" if len(epochs) < 30 else None, label="training")
    if "val_loss" in logs:
        ax.plot(
            epochs, logs["val_loss"], marker="o" if len(epochs) < 30 else None, label="validation"
        )
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    if np.all(np.asarray(logs["loss"], dtype=float) > 0):
        ax.set_yscale("log")
    ax.set_title("loss")
    ax.grid(True, alpha=0.3)
    ax.legend()
    if metrics:
        ax2 = fig.add_subplot(1, panels, 2)
        for m in metrics:
            ax2.plot(epochs, logs[m], label=f"training {m}")
            if f"val_{m}" in logs:
                ax2.plot(epochs, logs[f"val_{m}"], label=f"validation {m}")
        ax2.set_xlabel("epoch")
        ax2.set_title(", ".join(metrics))
        ax2.grid(True, alpha=0.3)
        ax2.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return _save(fig, path)


def plot_confusion_matrix(
    cm: Any,
    path: PathLike,
    class_names: Sequence[str] | None = None,
    normalize: bool = False,
    title: str | None = None,
) -> Path:
    """A confusion matrix as a heat map with the counts written in the cells.

    Parameters
    ----------
    cm : array_like of int
        ``C[i, j]`` = examples of true class ``i`` predicted as ``j``
        (see :func:`retrograd.train.metrics.confusion_matrix`).
    path : str or Path
    class_names : sequence of str, optional
    normalize : bool
        Show each row as fractions of that true class.
    title : str, optional

    Shape
    -----
    ``cm``: ``(K, K)``.
    """
    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(f"plot_confusion_matrix: need a square matrix, got shape {cm.shape}")
    k = cm.shape[0]
    values = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1) if normalize else cm
    names = [str(c) for c in (class_names or range(k))]
    size = min(max(4.0, 0.5 * k + 2.0), 12.0)
    fig = _figure(size + 1.0, size)
    ax = fig.add_subplot(1, 1, 1)
    im = ax.imshow(values, cmap="Blues")
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    ax.set_xticks(range(k), labels=names)
    ax.set_yticks(range(k), labels=names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    if k <= 30:
        top = values.max() if values.size else 0
        for i in range(k):
            for j in range(k):
                text = f"{values[i, j]:.2f}" if normalize else str(int(values[i, j]))
                color = "white" if top and values[i, j] > top / 2 else "black"
                ax.text(j, i, text, ha="center", va="center", color=color, fontsize=8)
    if title is None:
        acc = np.trace(cm) / max(cm.sum(), 1)
        title = f"confusion matrix (accuracy {acc:.2%})"
    ax.set_title(title)
    fig.tight_layout()
    return _save(fig, path)


def plot_decision_boundary(
    model: Any,
    X: Any,
    y: Any,
    path: PathLike,
    resolution: int = 200,
    padding: float = 0.5,
    threshold: float = 0.5,
    title: str | None = None,
) -> Path:
    """The regions a 2-D classifier assigns to each class, with the data on top.

    Parameters
    ----------
    model : Module
        Takes ``(N, 2)`` inputs; outputs ``(N, C)`` scores or one ``(N, 1)`` column.
    X : array_like
        The points to draw.
    y : array_like of int
        Their class labels.
    path : str or Path
    resolution : int
        Grid points per axis.
    padding : float
        Margin around the data.
    threshold : float
        Decision threshold of a single-output model (0.0 for logits).
    title : str, optional

    Shape
    -----
    ``X``: ``(N, 2)``; ``y``: ``(N,)``.
    """
    from retrograd.train.evaluate import predict

    X = np.asarray(getattr(X, "data", X), dtype=np.float64)
    y = np.asarray(getattr(y, "data", y)).reshape(-1)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary: X must have shape (N, 2), got {X.shape}")
    if len(y) != len(X):
        raise ValueError(f"plot_decision_boundary: {len(X)} points but {len(y)} labels")
    if y.dtype.kind == "f":
        y = (y > 0.5).astype(np.int64) if set(np.unique(y)) <= {0.0, 1.0} else y.astype(np.int64)
    lo, hi = X.min(axis=0) - padding, X.max(axis=0) + padding
    gx, gy = np.meshgrid(
        np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    )
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    regions = predicted_labels(predict(model, grid, batch_size=4096), threshold)
    k = int(max(regions.max(initial=0), y.max(initial=0)) + 1)
    fig = _figure(5.5, 5.0)
    ax = fig.add_subplot(1, 1, 1)
    cmap = "tab10" if k <= 10 else "tab20"
    ax.contourf(
        gx,
        gy,
        regions.reshape(gx.shape),
        levels=np.arange(k + 1) - 0.5,
        cmap=cmap,
        alpha=0.35,
        vmin=-0.5,
        vmax=(9.5 if k <= 10 else 19.5),
    )
    ax.scatter(
        X[:, 0],
        X[:, 1],
        c=y,
        cmap=cmap,
        vmin=-0.5,
        vmax=(9.5 if k <= 10 else 19.5),
        s=12,
        edgecolors="black",
        linewidths=0.3,
    )
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    acc = float((predicted_labels(predict(model, X), threshold) == y).mean())
    ax.set_title(title or f"decision boundary (accuracy {acc:.1%})")
    fig.tight_layout()
    return _save(fig, path)
