"""``evaluate`` and ``predict``: run a trained model without updating it.

Also the small helpers ``fit`` shares with them: turning ``(X, y)`` arrays, a
Dataset or a DataLoader into batches, and a loss name into a loss module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from retrograd.grad_mode import no_grad
from retrograd.tensor import Tensor
from retrograd.train.metrics import Metric, get_metric
from retrograd.train.step import as_tensor, match_target, split_batch

LossLike = Any  # a loss Module, a name from nn.LOSSES, or a callable(output, target)


def resolve_loss(loss: LossLike) -> Callable[[Tensor, Tensor], Tensor]:
    """A loss callable from a module, a function, or a name in ``nn.LOSSES`` (``"mse"``...)."""
    if isinstance(loss, str):
        from retrograd.nn import LOSSES

        key = loss.lower().replace("-", "_")
        if key not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}; choose from {sorted(LOSSES)}")
        return LOSSES[key]()
    if not callable(loss):
        raise TypeError(f"loss must be a loss module, a callable or a name, got {loss!r}")
    return loss


def is_sum_reduced(loss_fn: Any) -> bool:
    """Whether a loss adds up per-sample values (``HalfSSELoss``, ``reduction='sum'``)."""
    from retrograd.nn import HalfSSELoss

    return isinstance(loss_fn, HalfSSELoss) or getattr(loss_fn, "reduction", None) == "sum"


def uses_logits(loss_fn: Any) -> bool:
    """Whether a single-output network's output is a logit (threshold 0, not 0.5)."""
    from retrograd.nn import BCEWithLogitsLoss

    return isinstance(loss_fn, BCEWithLogitsLoss)


def make_metrics(metrics: Iterable[str | Metric] | None, loss_fn: Any) -> list[Metric]:
    """Fresh :class:`Metric` objects for ``fit``/``evaluate`` (names or instances)."""
    if metrics is None:
        return []
    if isinstance(metrics, (str, Metric)):
        metrics = (metrics,)
    return [get_metric(m, logits_threshold=uses_logits(loss_fn)) for m in metrics]


def make_loader(
    data: Any,
    batch_size: int | None = 32,
    shuffle: bool = False,
    seed: int | None = 0,
    drop_last: bool = False,
    what: str = "data",
    dtype: Any = None,
) -> Any:
    """A :class:`retrograd.data.DataLoader` over ``data``.

    ``data`` is a DataLoader (returned as it is), a Dataset, or a tuple
    ``(X, y)`` (or ``(X1, X2, ..., y)``) of arrays with the same first axis.
    ``dtype`` is the float dtype of the batches (pass the model's: a float64
    model must not see inputs rounded to float32); ``None`` gives the default.
    """
    from retrograd.data import DataLoader, Dataset, TensorDataset

    if isinstance(data, DataLoader):
        return data
    if isinstance(data, (tuple, list)):
        if len(data) < 2:
            raise ValueError(f"{what}: expected a tuple (X, y), got {len(data)} element(s)")
        arrays = [np.asarray(a.data if isinstance(a, Tensor) else a) for a in data]
        n = {len(a) if a.ndim else -1 for a in arrays}
        if len(n) != 1:
            shapes = ", ".join(str(a.shape) for a in arrays)
            raise ValueError(
                f"{what}: X and y must have the same number of examples; got shapes {shapes}"
            )
        if not len(arrays[0]):
            raise ValueError(f"{what}: no examples (X has shape {arrays[0].shape})")
        data = TensorDataset(*arrays)
    elif not isinstance(data, Dataset) and not (
        hasattr(data, "__len__") and hasattr(data, "__getitem__")
    ):
        raise TypeError(
            f"{what}: expected (X, y) arrays, a Dataset or a DataLoader, got {type(data).__name__}"
        )
    if batch_size is not None and (not isinstance(batch_size, (int, np.integer)) or batch_size < 1):
        raise ValueError(f"{what}: batch_size must be a positive int or None, got {batch_size!r}")
    return DataLoader(
        data, batch_size=batch_size, shuffle=shuffle, drop_last=drop_last, seed=seed, dtype=dtype
    )


def model_float_dtype(model: Any) -> np.dtype | None:
    """The dtype of the model's first floating parameter (``None`` if it has none)."""
    params = model.parameters() if hasattr(model, "parameters") else ()
    return next((p.dtype for p in params if p.dtype.kind == "f"), None)


class _EvalMode:
    """Put a model in eval mode for a block and restore its previous mode."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def __enter__(self) -> None:
        self.was_training = getattr(self.model, "training", False)
        if hasattr(self.model, "eval"):
            self.model.eval()

    def __exit__(self, *exc: object) -> None:
        if self.was_training and hasattr(self.model, "train"):
            self.model.train()


def run_evaluation(
    model: Any, loader: Any, loss_fn: Any | None, metrics: Sequence[Metric]
) -> dict[str, float]:
    """Loss (per-sample mean) and metrics of ``model`` over every batch of ``loader``."""
    for m in metrics:
        m.reset()
    like = next(iter(model.parameters()), None) if hasattr(model, "parameters") else None
    total, count = 0.0, 0
    summed = loss_fn is not None and is_sum_reduced(loss_fn)
    with no_grad(), _EvalMode(model):
        for batch in loader:
            inputs, target = split_batch(batch)
            inputs = tuple(as_tensor(x, like) for x in inputs)
            output = model(*inputs)
            target = match_target(output, as_tensor(target, like))
            n = len(target)
            if loss_fn is not None:
                value = float(loss_fn(output, target).data)
                total += value if summed else value * n
            count += n
            for m in metrics:
                m.update(output.data, target.data)
    out: dict[str, float] = {}
    if loss_fn is not None:
        out["loss"] = total / count if count else float("nan")
    for m in metrics:
        out[m.name] = m.result()
    return out


def evaluate(
    model: Any,
    data: Any,
    loss: LossLike | None = None,
    metrics: Iterable[str | Metric] | None = ("accuracy",),
    batch_size: int | None = 256,
) -> dict[str, float]:
    """Loss and metrics of a model on a dataset (no gradients, eval mode).

    Parameters
    ----------
    model : Module
    data : (X, y) arrays, Dataset or DataLoader
    loss : loss module, callable or name, optional
        Adds ``"loss"`` (the mean per example) to the result.
    metrics : iterable of str or Metric
        E.g. ``("accuracy", "mse")``.
    batch_size : int or None
        Examples per forward pass (``None``: all at once).

    Returns
    -------
    dict
        ``{"loss": ..., "accuracy": ...}``.

    Shape
    -----
    ``X``: ``(N, *)`` as the model expects; ``y``: ``(N,)`` labels or ``(N, *)`` targets.

    Examples
    --------
    >>> import numpy as np
    >>> from retrograd import nn
    >>> model = nn.Linear(2, 2, rng=np.random.default_rng(0))
    >>> sorted(evaluate(model, (np.zeros((4, 2)), np.zeros(4, dtype=int)), loss="cross_entropy"))
    ['accuracy', 'loss']
    """
    loss_fn = resolve_loss(loss) if loss is not None else None
    loader = make_loader(
        data, batch_size=batch_size, shuffle=False, what="evaluate", dtype=model_float_dtype(model)
    )
    return run_evaluation(model, loader, loss_fn, make_metrics(metrics, loss_fn))


def predict(model: Any, X: Any, batch_size: int | None = 256) -> np.ndarray:
    """The model's outputs for inputs ``X``, batch by batch (no gradients, eval mode).

    Parameters
    ----------
    model : Module
    X : ndarray, Tensor, Dataset or DataLoader
        Inputs; for a Dataset/DataLoader the first element of each item/batch.
    batch_size : int or None

    Returns
    -------
    ndarray
        Raw outputs (logits, probabilities or values); for class labels use
        :func:`retrograd.train.metrics.predicted_labels` (argmax).

    Shape
    -----
    ``(N, *)`` -> ``(N, out_features)`` for an MLP.

    Examples
    --------
    >>> import numpy as np
    >>> from retrograd import nn
    >>> predict(nn.Linear(3, 2), np.ones((5, 3))).shape
    (5, 2)
    """
    from retrograd.data import DataLoader, Dataset

    if isinstance(X, DataLoader) or isinstance(X, Dataset):
        loader = X if isinstance(X, DataLoader) else DataLoader(X, batch_size=batch_size)
        batches = (b[0] if isinstance(b, (tuple, list)) else b for b in loader)
    else:
        arr = np.asarray(X.data if isinstance(X, Tensor) else X)
        if arr.ndim == 0:
            raise ValueError(f"predict: X must have a first (example) axis, got shape {arr.shape}")
        step = len(arr) if batch_size is None else int(batch_size)
        batches = (arr[i : i + step] for i in range(0, len(arr), max(step, 1)))
    like = next(iter(model.parameters()), None) if hasattr(model, "parameters") else None
    outputs = []
    with no_grad(), _EvalMode(model):
        for xb in batches:
            outputs.append(np.asarray(model(as_tensor(xb, like)).data))
    if not outputs:
        raise ValueError("predict: no inputs")
    return np.concatenate(outputs, axis=0)
