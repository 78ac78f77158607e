"""Training checkpoints: everything needed to resume training bit for bit.

A checkpoint is a retrograd archive (:mod:`retrograd.io.archive`) of format
``"retrograd-checkpoint"`` whose tree is::

    {"model":          {"0.weight": <array>, ...},      # model.state_dict()
     "architecture":   <JSON description> or null,      # when the model has one
     "optimizer":      optimizer.state_dict() or null,  # moments, step counts, lr...
     "optimizer_type": "Adam" or null,
     "scheduler":      scheduler.state_dict() or null,
     "scheduler_type": "StepLR" or null,
     "epoch": 3, "step": 1200,
     "rng_states":     {"loader": <numpy bit_generator.state dict>, ...},
     "history":        {"loss": [...], "val_loss": [...]},
     "extra":          {...}}                          # anything else, plain data

It is written atomically (temporary file in the same directory, fsync,
``os.replace``, fsync of the directory): a crash while saving leaves the
previous checkpoint intact. Non-finite weights are refused, so a diverged run
never overwrites a good checkpoint.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import numpy as np

from retrograd.io.architecture import describe
from retrograd.io.archive import FileFormatError, read_archive, write_archive
from retrograd.io.finite import check_finite_weights

KIND = "retrograd-checkpoint"
_KEYS = {
    "model", "architecture", "optimizer", "optimizer_type", "scheduler", "scheduler_type",
    "epoch", "step", "rng_states", "history", "extra",
}  # fmt: skip


def rng_state(rng: Any) -> dict[str, Any]:
    """The state of a random generator as plain data.

    Parameters
    ----------
    rng : numpy.random.Generator, BitGenerator, RandomState, or a state dict

    Examples
    --------
    >>> import numpy as np
    >>> rng_state(np.random.default_rng(0))["bit_generator"]
    'PCG64'
    """
    if isinstance(rng, np.random.Generator):
        return rng.bit_generator.state
    if isinstance(rng, np.random.BitGenerator):
        return rng.state
    if isinstance(rng, np.random.RandomState):
        return rng.get_state(legacy=False)  # type: ignore[return-value]
    if isinstance(rng, dict):
        return rng
    raise TypeError(
        f"rng_states values must be numpy Generators or their state dicts, got {type(rng).__name__}"
    )


def save_checkpoint(
    path: str | os.PathLike[str],
    model: Any,
    optimizer: Any = None,
    scheduler: Any = None,
    epoch: int = 0,
    step: int = 0,
    rng_states: Mapping[str, Any] | None = None,
    history: Any = None,
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Write a checkpoint atomically.

    Parameters
    ----------
    path : str or PathLike
        Destination (conventionally ``*.ckpt.npz``); its directory must exist.
    model : retrograd.nn.Module
    optimizer : retrograd.optim.Optimizer, optional
    scheduler : LR scheduler, optional
        Anything with ``state_dict()`` returning plain data.
    epoch, step : int
        Where training is (epochs / optimizer steps completed).
    rng_states : mapping of str to Generator or state dict, optional
        E.g. ``{"loader": loader.rng, "dropout": dropout.rng}``.
    history : dict of lists or an object with a ``.history`` dict, optional
    extra : mapping, optional
        Any other plain data (e.g. ``{"loader": loader.state_dict()}``).

    Raises
    ------
    retrograd.io.finite.NonFiniteWeightsError
        A model weight is NaN/Inf; nothing is written (the old file stays).
    TypeError
        Something in the state is not plain data (e.g. a lambda in a scheduler).

    Examples
    --------
    >>> import os, tempfile
    >>> from retrograd import nn, optim
    >>> model = nn.Linear(2, 1)
    >>> opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    >>> path = os.path.join(tempfile.mkdtemp(), "run.ckpt.npz")
    >>> save_checkpoint(path, model, opt, epoch=3, step=120)
    >>> restore_checkpoint(path, model, opt)["epoch"]
    3
    """
    weights = model.state_dict()
    check_finite_weights(weights, f"checkpoint {os.fspath(path)}")
    try:
        architecture = describe(model)
    except TypeError:
        architecture = None  # a custom model: its state is still saved, by name
    hist = getattr(history, "history", history)
    tree = {
        "model": weights,
        "architecture": architecture,
        "optimizer": optimizer.state_dict() if optimizer is not None else None,
        "optimizer_type": type(optimizer).__name__ if optimizer is not None else None,
        "scheduler": scheduler.state_dict() if scheduler is not None else None,
        "scheduler_type": type(scheduler).__name__ if scheduler is not None else None,
        "epoch": int(epoch),
        "step": int(step),
        "rng_states": {str(k): rng_state(v) for k, v in (rng_states or {}).items()},
        "history": dict(hist) if hist is not None else None,
        "extra": dict(extra) if extra is not None else None,
    }
    write_archive(path, KIND, tree)


def load_checkpoint(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and validate a checkpoint; returns its tree (see the module docstring).

    Raises
    ------
    FileNotFoundError
    retrograd.io.archive.FileFormatError
        Truncated, corrupted, hostile, or not a checkpoint.
    """
    origin = os.fspath(path)
    tree = read_archive(path, KIND)
    if not isinstance(tree, dict) or set(tree) != _KEYS:
        got = sorted(tree) if isinstance(tree, dict) else type(tree).__name__
        raise FileFormatError(f"{origin}: checkpoint has unexpected contents {got}")
    model = tree["model"]
    if not isinstance(model, dict) or not all(
        isinstance(k, str) and isinstance(v, np.ndarray) for k, v in model.items()
    ):
        raise FileFormatError(f"{origin}: checkpoint 'model' must map names to arrays")
    for key in ("epoch", "step"):
        if isinstance(tree[key], bool) or not isinstance(tree[key], int):
            raise FileFormatError(f"{origin}: checkpoint '{key}' must be an integer")
    if not isinstance(tree["rng_states"], dict):
        raise FileFormatError(f"{origin}: checkpoint 'rng_states' must be a mapping")
    return tree


def restore_checkpoint(
    path: str | os.PathLike[str],
    model: Any,
    optimizer: Any = None,
    scheduler: Any = None,
    *,
    rngs: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Load a checkpoint into live objects and return the rest of it.

    Parameters
    ----------
    path : str or PathLike
    model : retrograd.nn.Module
        Receives the weights (names and shapes must match exactly).
    optimizer, scheduler : optional
        Receive their saved state (the checkpoint must hold one of the same class).
    rngs : mapping of str to numpy.random.Generator, optional
        Generators whose state is set from the checkpoint's ``rng_states``.

    Returns
    -------
    dict
        The whole checkpoint (``epoch``, ``step``, ``history``, ``extra``, ...).

    Raises
    ------
    ValueError
        The checkpoint lacks optimizer/scheduler state, holds another class's,
        or the weights do not fit the model (nothing is changed in that case).
    """
    from retrograd.nn import StateDictError

    origin = os.fspath(path)
    ckpt = load_checkpoint(path)
    for obj, key in ((optimizer, "optimizer"), (scheduler, "scheduler")):
        if obj is None:
            continue
        if ckpt[key] is None:
            raise ValueError(f"{origin}: the checkpoint holds no {key} state")
        if ckpt[f"{key}_type"] != type(obj).__name__:
            raise ValueError(
                f"{origin}: the checkpoint's {key} is a {ckpt[f'{key}_type']}, not a "
                f"{type(obj).__name__}"
            )
    for name in rngs or {}:
        if name not in ckpt["rng_states"]:
            raise ValueError(
                f"{origin}: no RNG state named {name!r} (has {sorted(ckpt['rng_states'])})"
            )
    try:
        model.load_state_dict(ckpt["model"], strict=True)
    except StateDictError as exc:
        raise ValueError(f"{origin}: the checkpoint does not fit this model: {exc}") from exc
    if optimizer is not None:
        optimizer.load_state_dict(ckpt["optimizer"])
    if scheduler is not None:
        scheduler.load_state_dict(ckpt["scheduler"])
    for name, gen in (rngs or {}).items():
        state = ckpt["rng_states"][name]
        if isinstance(gen, np.random.RandomState):
            gen.set_state(state)
        else:
            target = gen.bit_generator if isinstance(gen, np.random.Generator) else gen
            target.state = state
    return ckpt
