"""Model files: ``save(model, path)`` and ``load(path)`` -- architecture as JSON plus weights.

A model file is a retrograd archive (:mod:`retrograd.io.archive`) of format
``"retrograd-model"`` whose tree is::

    {"architecture": <JSON description, see retrograd.io.architecture>,
     "weights":      {"0.weight": <array>, "0.bias": <array>, ...},   # state_dict()
     "training":     false,
     "metadata":     {...}}                                          # yours

The weights are ``.npy`` members named ``weights/<state-dict name>.npy``, so
``numpy.load("model.npz", allow_pickle=False)["weights/0.weight"]`` reads one
in any tool. Loading never unpickles and never imports anything named in the
file: layer types come from a fixed whitelist of ``retrograd.nn`` classes.
The round trip is bit-exact (same dtypes, same bits).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import numpy as np

from retrograd.io.architecture import build, describe, size_budget_for
from retrograd.io.archive import FileFormatError, read_archive, write_archive
from retrograd.io.finite import check_finite_weights

KIND = "retrograd-model"


def save(
    model: Any, path: str | os.PathLike[str], metadata: Mapping[str, Any] | None = None
) -> None:
    """Save a model's architecture and weights to one file (atomically).

    Parameters
    ----------
    model : retrograd.nn.Module
        Built from ``retrograd.nn`` layers (your own layer classes work too if
        they implement ``get_config``; pass them to :func:`load` as ``custom_layers``).
    path : str or PathLike
        Destination, conventionally ``*.npz``.
    metadata : mapping, optional
        Plain data to keep alongside (class names, input scaling, accuracy...):
        dicts, lists, numbers, strings, arrays.

    Raises
    ------
    TypeError
        A layer cannot describe itself as plain data, or ``metadata`` holds
        something that is not plain data.
    retrograd.io.finite.NonFiniteWeightsError
        A weight is NaN or infinite (a ``ValueError``; nothing is written).

    Examples
    --------
    >>> import os, tempfile, retrograd as rg
    >>> from retrograd import nn
    >>> model = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))
    >>> path = os.path.join(tempfile.mkdtemp(), "xor.npz")
    >>> rg.save(model, path, metadata={"task": "xor"})
    >>> same = rg.load(path)
    >>> bool((same.state_dict()["0.weight"] == model.state_dict()["0.weight"]).all())
    True
    """
    from retrograd.nn import Module

    if not isinstance(model, Module):
        raise TypeError(f"save: expected a retrograd.nn.Module, got {type(model).__name__}")
    weights = model.state_dict()
    check_finite_weights(weights, f"save {os.fspath(path)}")
    tree = {
        "architecture": describe(model),
        "weights": weights,
        "training": bool(getattr(model, "training", False)),
        "metadata": dict(metadata or {}),
    }
    write_archive(path, KIND, tree)


def _read(path: str | os.PathLike[str]) -> dict[str, Any]:
    tree = read_archive(path, KIND)
    origin = os.fspath(path)
    if not isinstance(tree, dict) or set(tree) != {
        "architecture",
        "weights",
        "training",
        "metadata",
    }:
        got = sorted(tree) if isinstance(tree, dict) else type(tree).__name__
        raise FileFormatError(f"{origin}: model file has unexpected contents {got}")
    weights = tree["weights"]
    if not isinstance(weights, dict) or not all(
        isinstance(k, str) and isinstance(v, np.ndarray) for k, v in weights.items()
    ):
        raise FileFormatError(f"{origin}: 'weights' must map names to arrays")
    return tree


def load(path: str | os.PathLike[str], *, custom_layers: Mapping[str, type] | None = None) -> Any:
    """Rebuild a model saved by :func:`save`.

    Parameters
    ----------
    path : str or PathLike
    custom_layers : mapping of str to class, optional
        Your own layer classes by name, if the model uses any.

    Returns
    -------
    retrograd.nn.Module
        The model with its weights (same dtypes and bits) and train/eval mode.

    Raises
    ------
    FileNotFoundError
    retrograd.io.archive.FileFormatError
        The file is truncated, corrupted or hostile (a pickle, an object
        array, a header whose sizes lie, an unknown layer type, unexpected
        config keys, weights that do not fit the architecture). Nothing from
        the file is executed.
    """
    tree = _read(path)
    weights: dict[str, np.ndarray] = tree["weights"]
    budget = size_budget_for(sum(int(a.size) for a in weights.values()))
    model = build(tree["architecture"], custom_layers=custom_layers, size_budget=budget)
    _load_weights(model, weights, os.fspath(path))
    model.train(bool(tree["training"]))
    return model


def _load_weights(model: Any, weights: dict[str, np.ndarray], origin: str) -> None:
    from retrograd.nn import StateDictError

    float_dtypes = {a.dtype for a in weights.values() if a.dtype.kind == "f"}
    if len(float_dtypes) == 1:
        model.astype(float_dtypes.pop())  # float64 models come back as float64
    try:
        model.load_state_dict(weights, strict=True)
    except StateDictError as exc:
        raise FileFormatError(f"{origin}: the weights do not fit the architecture: {exc}") from exc
    params = dict(model.named_parameters())
    for name, arr in weights.items():  # keep each array's exact dtype (mixed-dtype models)
        if name in params and params[name].data.dtype != arr.dtype:
            params[name].data = arr.copy()


def load_metadata(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The ``metadata`` saved with a model (and its architecture), without building it.

    Returns
    -------
    dict
        ``{"metadata": ..., "architecture": ..., "num_values": int}`` (numbers stored).
    """
    tree = _read(path)
    return {
        "metadata": tree["metadata"],
        "architecture": tree["architecture"],
        "num_values": int(sum(a.size for a in tree["weights"].values())),
    }
