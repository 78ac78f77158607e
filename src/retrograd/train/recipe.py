"""A training job from plain settings: data by name or CSV, an MLP, a loss, an optimizer.

This is what ``retrograd train | evaluate | predict`` are built from, usable from
Python too. Everything is recorded in a small JSON-safe ``settings`` dict that
is stored in the saved model file, so ``evaluate``/``predict`` can reload the
same test split and the same input scaling.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: output settings per loss: (output activation, target kind)
#: target kind: "labels" integer classes, "onehot" float one-hot rows, "binary" float (N,) 0/1
LOSS_HEADS: dict[str, tuple[str | None, str]] = {
    "cross_entropy": (None, "labels"),
    "nll": ("log_softmax", "labels"),
    "mse": (None, "onehot"),
    "half_sse": ("sigmoid", "onehot"),
    "sse": ("sigmoid", "onehot"),
    "huber": (None, "onehot"),
    "bce_with_logits": (None, "binary"),
    "bce": ("sigmoid", "binary"),
}

#: datasets too small to split: they are trained and tested on the same examples
NO_SPLIT = ("xor", "textbook")
#: default noise of the 2-D generators when none is given
DEFAULT_NOISE = {"moons": 0.2, "circles": 0.1, "spirals": 0.05}


@dataclass
class TaskData:
    """Train/test arrays of a classification job and what they describe.

    Shape
    -----
    ``X_train``: ``(N, features)`` float32; ``y_train``: ``(N,)`` int64 labels.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    name: str
    class_names: list[str] = field(default_factory=list)
    mean: np.ndarray | None = None
    std: np.ndarray | None = None
    tested_on_train: bool = False

    @property
    def n_features(self) -> int:
        return int(self.X_train.shape[1])

    @property
    def n_classes(self) -> int:
        return len(self.class_names)


def _flatten(X: np.ndarray) -> np.ndarray:
    X = np.asarray(X)
    return X.reshape(len(X), -1) if X.ndim > 2 else X


def load_arrays(settings: dict[str, Any], train: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """``(X, y)`` for ``settings`` (a dataset name or a CSV file), before any split.

    For a CSV file with text labels, ``settings["class_names"]`` is filled in.
    """
    from retrograd import data

    csv = settings.get("csv")
    if csv:
        label = settings.get("label_column", -1)
        X, y, classes = data.load_csv(csv, label_column=label, return_classes=True)
        if classes and isinstance(classes[0], str) and not settings.get("class_names"):
            settings["class_names"] = [str(c) for c in classes]
        return _flatten(X), np.asarray(y)
    name = settings["dataset"]
    key = name.lower().replace("_", "-")
    kwargs: dict[str, Any] = {}
    if key in ("mnist", "fashion-mnist"):
        kwargs = {
            "root": settings.get("data_dir"),
            "train": train,
            "flatten": True,
            "download": bool(settings.get("download")),
        }
    elif key in ("moons", "circles", "spirals", "blobs"):
        kwargs["n_samples"] = int(settings.get("n_samples") or 1000)
        kwargs["seed"] = int(settings.get("seed", 0))
        if key != "blobs":
            noise = settings.get("noise")
            kwargs["noise"] = float(DEFAULT_NOISE[key] if noise is None else noise)
    X, y = data.load_dataset(key, **kwargs)
    return _flatten(X), np.asarray(y)


def _labels(y: np.ndarray, what: str) -> tuple[np.ndarray, list[str]]:
    """Integer labels 0..K-1 and the class names they stand for."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:  # one-hot / probability rows (textbook targets)
        y = y.argmax(axis=1)
    y = y.reshape(-1)
    if y.dtype.kind == "f" and not np.all(y == np.round(y)):
        raise ValueError(
            f"{what}: the labels are not whole numbers (e.g. {y[~(y == np.round(y))][:3]}); "
            "retrograd train does classification -- check --label-column"
        )
    classes = np.unique(y)
    if len(classes) < 2:
        raise ValueError(f"{what}: need at least 2 classes, found {len(classes)}")
    if y.dtype.kind in "iuf" and np.array_equal(classes, np.arange(len(classes))):
        return y.astype(np.int64), [str(int(c)) for c in classes]
    index = {c: i for i, c in enumerate(classes.tolist())}
    return np.array([index[v] for v in y.tolist()], dtype=np.int64), [str(c) for c in classes]


def load_task(settings: dict[str, Any]) -> TaskData:
    """Load and split the data ``settings`` describe (see :func:`default_settings`).

    MNIST and Fashion-MNIST use their official 60k/10k split; XOR and the
    textbook example are tested on their training examples; everything else
    gets a stratified, seeded ``test_size`` split. With ``standardize``,
    features are scaled by the training set's mean and standard deviation.
    """
    from retrograd.data import train_test_split

    name = settings.get("csv") or settings["dataset"]
    key = str(settings.get("dataset", "")).lower().replace("_", "-")
    if not settings.get("csv") and key in ("mnist", "fashion-mnist"):
        X_tr, y_tr = load_arrays(settings, train=True)
        X_te, y_te = load_arrays(settings, train=False)
    else:
        X, y = load_arrays(settings)
        if not settings.get("csv") and key in NO_SPLIT:
            X_tr, y_tr, X_te, y_te = X, y, X, y
        else:
            y_int, _ = _labels(y, str(name))
            X_tr, X_te, y_tr, y_te = train_test_split(
                X,
                y,
                test_size=settings.get("test_size", 0.2),
                seed=settings.get("seed", 0),
                stratify=y_int,
            )
    y_all, class_names = _labels(np.concatenate([np.asarray(y_tr), np.asarray(y_te)]), str(name))
    y_tr, y_te = y_all[: len(y_tr)], y_all[len(y_tr) :]
    X_tr = np.asarray(X_tr, dtype=np.float32)
    X_te = np.asarray(X_te, dtype=np.float32)
    task = TaskData(X_tr, y_tr, X_te, y_te, str(name), class_names)
    task.tested_on_train = not settings.get("csv") and key in NO_SPLIT
    if settings.get("class_names"):
        task.class_names = list(settings["class_names"])
    elif not settings.get("csv") and key == "fashion-mnist":
        from retrograd.data import FASHION_MNIST_CLASSES

        task.class_names = list(FASHION_MNIST_CLASSES)
    if settings.get("standardize"):
        stored = settings.get("mean")
        if stored is not None and len(stored) != X_tr.shape[1]:
            raise ValueError(
                f"the model takes {len(stored)} features, the data has {X_tr.shape[1]}"
            )
        mean = np.asarray(settings.get("mean") or X_tr.mean(axis=0), dtype=np.float32)
        std = np.asarray(settings.get("std") or X_tr.std(axis=0), dtype=np.float32)
        std = np.where(std > 1e-8, std, 1.0).astype(np.float32)
        task.mean, task.std = mean, std
        task.X_train, task.X_test = scale(X_tr, mean, std), scale(X_te, mean, std)
    return task


def scale(X: np.ndarray, mean: Any, std: Any) -> np.ndarray:
    """``(X - mean) / std`` as float32 (the standardization stored with a model)."""
    return (
        (np.asarray(X, dtype=np.float32) - np.asarray(mean, np.float32))
        / np.asarray(std, np.float32)
    ).astype(np.float32)


def parse_layers(text: str) -> list[int]:
    """``"64,32"`` -> ``[64, 32]``; ``""`` -> ``[]`` (no hidden layer)."""
    text = text.strip()
    if not text:
        return []
    try:
        sizes = [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise ValueError(
            f"--layers must be comma-separated sizes like 64,32; got {text!r}"
        ) from None
    if any(s < 1 for s in sizes):
        raise ValueError(f"--layers sizes must be positive; got {text!r}")
    return sizes


def output_units(loss: str, n_classes: int) -> int:
    """Output neurons for a loss: 1 for binary BCE, else one per class."""
    _, kind = LOSS_HEADS[loss]
    if kind == "binary":
        if n_classes != 2:
            raise ValueError(
                f"loss {loss!r} is for two classes, but the data has {n_classes}; use cross_entropy"
            )
        return 1
    return n_classes


def build_mlp(
    n_in: int,
    hidden: list[int],
    n_out: int,
    activation: str = "relu",
    output_activation: str | None = None,
    seed: int | None = 0,
    dtype: Any = None,
    dropout: float = 0.0,
) -> Any:
    """A fully connected network: ``Linear -> act -> ... -> Linear [-> output act]``.

    Parameters
    ----------
    n_in, n_out : int
        Input features and output units.
    hidden : list of int
        Hidden layer sizes, e.g. ``[64, 32]``.
    activation : str
        A name from ``nn.ACTIVATIONS`` (``relu``, ``tanh``, ``sigmoid``...).
    output_activation : str, optional
        ``sigmoid``/``log_softmax``... after the last layer (none for logits).
    seed : int or None
        Seeds the initial weights (and the dropout masks).
    dtype : numpy dtype, optional
        Parameter dtype (float32 by default).
    dropout : float
        Dropout probability after each hidden activation (0: no dropout layers).

    Examples
    --------
    >>> build_mlp(4, [8], 3)
    Sequential(
      (0): Linear(in_features=4, out_features=8, bias=True)
      (1): ReLU()
      (2): Linear(in_features=8, out_features=3, bias=True)
    )
    """
    from retrograd import nn

    act = activation.lower().replace("-", "_")
    if act not in nn.ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; choose from {sorted(nn.ACTIVATIONS)}")
    rng = np.random.default_rng(seed)
    layers: list[Any] = []
    sizes = [n_in, *hidden]
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(a, b, rng=rng, dtype=dtype), nn.ACTIVATIONS[act]()]
        if dropout:
            layers.append(nn.Dropout(dropout, rng=np.random.default_rng(rng.integers(2**63))))
    layers.append(nn.Linear(sizes[-1], n_out, rng=rng, dtype=dtype))
    if output_activation == "log_softmax":
        layers.append(nn.LogSoftmax())
    elif output_activation:
        layers.append(nn.ACTIVATIONS[output_activation]())
    return nn.Sequential(*layers)


def build_optimizer(
    name: str,
    params: Any,
    lr: float | None = None,
    momentum: float = 0.0,
    weight_decay: float = 0.0,
) -> Any:
    """An optimizer from ``optim.OPTIMIZERS`` by name (``sgd``, ``adam``, ...).

    ``lr=None`` picks 0.1 for SGD and 0.001 for the adaptive methods.
    """
    from retrograd import optim

    key = name.lower()
    table = getattr(optim, "OPTIMIZERS", {"sgd": optim.SGD})
    if key not in table:
        raise ValueError(f"unknown optimizer {name!r}; choose from {sorted(table)}")
    if lr is None:
        lr = 0.1 if key == "sgd" else 0.001
    if lr <= 0:
        raise ValueError(f"--lr must be positive, got {lr}")
    kwargs: dict[str, Any] = {"lr": lr}
    if weight_decay:
        kwargs["weight_decay"] = weight_decay
    if key == "sgd" and momentum:
        kwargs["momentum"] = momentum
    elif momentum and key != "sgd":
        raise ValueError(f"--momentum applies to sgd, not {name}")
    return table[key](params, **kwargs)


def targets_for(y: np.ndarray, loss: str, n_classes: int) -> np.ndarray:
    """Integer labels turned into what ``loss`` trains on (labels, one-hot rows or 0/1 floats)."""
    _, kind = LOSS_HEADS[loss]
    if kind == "labels":
        return y.astype(np.int64)
    if kind == "binary":
        return y.astype(np.float32)
    return np.eye(n_classes, dtype=np.float32)[y]


def output_threshold(loss: str) -> float:
    """Decision threshold of a single-output network trained with ``loss``."""
    return 0.0 if loss == "bce_with_logits" else 0.5
