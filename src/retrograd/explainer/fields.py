"""Parsers for each field of a network description, each failing with one clear line.

Every parser turns loosely typed input (JSON values, CLI strings, NumPy arrays) into
exact values or raises :class:`SpecError` naming the field or layer and the expected
vs. given shape, e.g. ``weights for layer 2 (h -> o): expected shape (2, 2) (out, in),
got (2, 3)``. :func:`retrograd.explainer.make_spec` puts them together.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from retrograd.explainer.naming import layer_label, neuron_names, weight_names

#: the most weights explain will narrate; bigger networks get a pointer to gradcheck and plots
MAX_WEIGHTS = 200
#: the most samples explain will narrate one by one
MAX_SAMPLES = 64

#: activations explain can narrate (each an elementwise op with its own backward)
ACTIVATIONS = ("sigmoid", "tanh", "relu", "identity", "leaky_relu", "elu")
_ACTIVATION_ALIASES = {
    "linear": "identity",
    "none": "identity",
    "logistic": "sigmoid",
    "leaky-relu": "leaky_relu",
    "leakyrelu": "leaky_relu",
}

#: losses explain can narrate; how the batch loss combines the per-sample losses
LOSSES = {"half_sse": "sum", "mse": "mean", "cross_entropy": "mean", "binary_cross_entropy": "mean"}
_LOSS_ALIASES = {
    "sse": "half_sse",
    "half-sse": "half_sse",
    "1/2-sse": "half_sse",
    "half_sse": "half_sse",
    "mse": "mse",
    "cross_entropy": "cross_entropy",
    "cross-entropy": "cross_entropy",
    "ce": "cross_entropy",
    "crossentropy": "cross_entropy",
    "binary_cross_entropy": "binary_cross_entropy",
    "binary-cross-entropy": "binary_cross_entropy",
    "bce": "binary_cross_entropy",
}


@dataclass(frozen=True)
class Sample:
    """One training example: input values (one per input neuron) and targets (one per output)."""

    inputs: tuple[float, ...]
    targets: tuple[float, ...]


class SpecError(ValueError):
    """A network description that does not fit (one line: field, expected vs. given)."""


def parse_layers(layers: Any) -> tuple[int, ...]:
    """Layer sizes from ``[2, 2, 2]`` or ``"2,2,2"`` (also ``"2-2-2"``)."""
    if isinstance(layers, str):
        parts = [p for p in layers.replace("-", ",").split(",") if p.strip()]
        try:
            layers = [int(p) for p in parts]
        except ValueError:
            raise SpecError(f"layers: expected sizes like '2,2,2', got {layers!r}") from None
    try:
        sizes = tuple(int(s) for s in layers)
    except (TypeError, ValueError):
        raise SpecError(f"layers: expected a list of positive integers, got {layers!r}") from None
    if len(sizes) < 2:
        raise SpecError(f"layers: need at least 2 sizes (inputs and outputs), got {list(sizes)}")
    if any(s < 1 for s in sizes) or any(float(s) != float(v) for s, v in zip(sizes, layers)):
        raise SpecError(f"layers: every size must be a positive integer, got {list(layers)}")
    return sizes


def parse_loss(loss: Any) -> str:
    """The canonical loss name (``'sse'`` -> ``'half_sse'``, ``'ce'`` -> ``'cross_entropy'``)."""
    key = str(loss).strip().lower()
    if key not in _LOSS_ALIASES:
        raise SpecError(f"loss: unknown {loss!r}; expected one of {', '.join(LOSSES)}")
    return _LOSS_ALIASES[key]


def parse_activations(acts: Any, sizes: tuple[int, ...], loss: str) -> tuple[str, ...]:
    """One activation per weight layer; softmax exactly on the output of cross-entropy.

    Binary cross-entropy reads probabilities, so its output layer is sigmoid (a single
    name applies to the hidden layers).
    """
    n = len(sizes) - 1
    if isinstance(acts, str):
        names = [a.strip() for a in acts.split(",")]
        if len(names) == 1:
            names = names * n
            if loss == "cross_entropy":
                names[-1] = "softmax"
            elif loss == "binary_cross_entropy":
                names[-1] = "sigmoid"
    else:
        names = [str(a).strip() for a in acts]
    if len(names) != n:
        raise SpecError(
            f"activations: expected {n} (one per layer after the inputs) or a single name, "
            f"got {len(names)}"
        )
    out = []
    for layer, raw in enumerate(names, start=1):
        name = _ACTIVATION_ALIASES.get(raw.lower(), raw.lower())
        where = f"activation of {layer_label(layer, sizes)}"
        if name == "softmax":
            if layer != n or loss != "cross_entropy":
                raise SpecError(
                    f"{where}: softmax is only the output activation of the cross_entropy loss"
                )
        elif name not in ACTIVATIONS:
            raise SpecError(f"{where}: unknown {raw!r}; expected one of {', '.join(ACTIVATIONS)}")
        elif layer == n and loss == "cross_entropy":
            raise SpecError(
                f"{where}: cross_entropy applies softmax to the output layer itself; "
                f"use 'softmax' there, got {raw!r}"
            )
        elif layer == n and loss == "binary_cross_entropy" and name != "sigmoid":
            raise SpecError(
                f"{where}: binary_cross_entropy needs probabilities, so the output "
                f"activation must be 'sigmoid', got {raw!r}"
            )
        out.append(name)
    return tuple(out)


def parse_lr(lr: Any) -> float:
    """A positive, finite learning rate."""
    try:
        rate = float(lr)
    except (TypeError, ValueError):
        raise SpecError(f"lr: expected a positive number, got {lr!r}") from None
    if not math.isfinite(rate) or rate <= 0:
        raise SpecError(f"lr: expected a positive finite number, got {lr!r}")
    return rate


def _as_float_array(value: Any, what: str) -> np.ndarray:
    try:
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise SpecError(f"{what}: expected numbers, got {value!r}") from None
    if not np.isfinite(arr).all():
        raise SpecError(f"{what}: values must be finite numbers, got {value!r}")
    return arr


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float, np.number)) and not isinstance(x, bool)


def parse_weights(value: Any, sizes: tuple[int, ...]) -> list[np.ndarray]:
    """Per layer an ``(out, in)`` float64 matrix, from a flat list, matrices or names."""
    shapes = [(o, i) for i, o in zip(sizes[:-1], sizes[1:])]
    names = weight_names(sizes)
    total = sum(o * i for o, i in shapes)
    first, last = "w1", f"w{total}"
    if isinstance(value, Mapping):
        flat = [name for layer in names for row in layer for name in row]
        unknown = sorted(set(value) - set(flat), key=str)
        if unknown:
            raise SpecError(
                f"weights: unknown name {unknown[0]!r}; this network has {first}..{last}"
            )
        missing = [n for n in flat if n not in value]
        if missing:
            raise SpecError(
                f"weights: missing {', '.join(missing)} (this network has {first}..{last})"
            )
        value = [value[n] for n in flat]
    if isinstance(value, np.ndarray):
        value = value.tolist() if value.ndim == 1 else list(value)
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise SpecError(f"weights: expected a list, got {type(value).__name__}")
    if all(_is_number(v) for v in value):
        if len(value) != total:
            raise SpecError(
                f"weights: expected {total} values ({first}..{last} for layer sizes "
                f"{'-'.join(map(str, sizes))}), got {len(value)}"
            )
        arr = _as_float_array(value, "weights")
        out, start = [], 0
        for o, i in shapes:
            out.append(arr[start : start + o * i].reshape(o, i).copy())
            start += o * i
        return out
    if len(value) != len(shapes):
        raise SpecError(
            f"weights: expected one (out, in) matrix per layer ({len(shapes)}) or a flat list "
            f"of {total} values, got {len(value)} entries"
        )
    out = []
    for layer, (w, shape) in enumerate(zip(value, shapes), start=1):
        where = f"weights for {layer_label(layer, sizes)}"
        try:
            arr = np.array(w, dtype=np.float64)
        except (TypeError, ValueError):
            raise SpecError(
                f"{where}: expected shape {shape} (out, in), got a ragged list"
            ) from None
        if arr.shape != shape:
            raise SpecError(f"{where}: expected shape {shape} (out, in), got {arr.shape}")
        out.append(_as_float_array(arr, where))
    return out


def parse_biases(value: Any, sizes: tuple[int, ...]) -> tuple[list[np.ndarray], list[bool]]:
    """Per layer a ``(1,)`` (shared) or ``(out,)`` array, and whether it is shared."""
    n = len(sizes) - 1
    outs = sizes[1:]
    neurons = neuron_names(sizes)
    if value is None:
        return [np.zeros(o) for o in outs], [False] * n
    if _is_number(value):
        value = [value] * n
    if isinstance(value, Mapping):
        entries = []
        used: set[str] = set()
        for layer in range(1, n + 1):
            per = [f"b_{name}" for name in neurons[layer]]
            if f"b{layer}" in value:
                entries.append(value[f"b{layer}"])
                used.add(f"b{layer}")
            elif all(p in value for p in per):
                entries.append([value[p] for p in per])
                used.update(per)
            else:
                raise SpecError(
                    f"biases for {layer_label(layer, sizes)}: give b{layer} (shared by the "
                    f"layer) or {per[0]}..{per[-1]} (one per neuron)"
                )
        unknown = sorted(set(value) - used, key=str)
        if unknown:
            raise SpecError(f"biases: unknown name {unknown[0]!r}")
        value = entries
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise SpecError(f"biases: expected a list, got {type(value).__name__}")
    if len(value) != n:
        raise SpecError(
            f"biases: expected one entry per layer ({n}), each a number shared by the layer or "
            f"one value per neuron ({', '.join(map(str, outs))}), got {len(value)} entries"
        )
    bs, shared = [], []
    for layer, (b, o) in enumerate(zip(value, outs), start=1):
        where = f"biases for {layer_label(layer, sizes)}"
        arr = _as_float_array(b, where)
        if arr.ndim == 0:
            bs.append(arr.reshape(1))
            shared.append(True)
        elif arr.shape == (o,):
            bs.append(arr)
            shared.append(False)
        else:
            raise SpecError(
                f"{where}: expected one shared number or shape ({o},) (one per neuron), "
                f"got shape {arr.shape}"
            )
    return bs, shared


def parse_samples(
    samples: Any, inputs: Any, targets: Any, sizes: tuple[int, ...], loss: str
) -> list[Sample]:
    """The samples, from ``samples=[{"inputs", "targets"}]`` or ``inputs``/``targets``."""
    n_in, n_out = sizes[0], sizes[-1]
    if samples is not None:
        if inputs is not None or targets is not None:
            raise SpecError("give either samples or inputs/targets, not both")
        if not isinstance(samples, Sequence) or isinstance(samples, (str, Mapping)):
            raise SpecError('samples: expected a list of {"inputs": [...], "targets": [...]}')
        pairs = []
        for n, s in enumerate(samples, start=1):
            if not isinstance(s, Mapping) or "inputs" not in s or "targets" not in s:
                raise SpecError(f"sample {n}: expected an object with 'inputs' and 'targets'")
            pairs.append((s["inputs"], s["targets"]))
    else:
        if inputs is None or targets is None:
            raise SpecError(
                "no samples: give inputs and targets (e.g. inputs [[0, 1], [1, 0]] and "
                "targets [[1], [1]])"
            )
        one = _is_flat(inputs)
        x_list = [inputs] if one else _as_list(inputs, "inputs")
        t_list = [targets] if one else _as_list(targets, "targets")
        if len(t_list) != len(x_list):
            raise SpecError(f"targets: {len(x_list)} input sample(s) but {len(t_list)} target(s)")
        pairs = list(zip(x_list, t_list))
    if not pairs:
        raise SpecError("samples: need at least one sample")
    if len(pairs) > MAX_SAMPLES:
        raise SpecError(
            f"samples: explain narrates at most {MAX_SAMPLES} samples one by one, got "
            f"{len(pairs)}; train on a data set with retrograd.train.fit instead"
        )
    out = []
    for n, (xi, ti) in enumerate(pairs, start=1):
        x = _as_float_array(xi, f"sample {n} inputs").reshape(-1)
        if x.size != n_in:
            raise SpecError(
                f"sample {n}: inputs has {x.size} value(s), expected {n_in} (i1..i{n_in})"
            )
        t = _parse_target(ti, n, n_out, loss)
        out.append(Sample(tuple(float(v) for v in x), tuple(float(v) for v in t)))
    return out


def _is_flat(values: Any) -> bool:
    """One sample (a list of numbers) rather than several (a list of lists)?"""
    if _is_number(values):
        return True
    if isinstance(values, np.ndarray):
        return values.ndim <= 1
    return isinstance(values, Sequence) and all(_is_number(v) for v in values)


def _as_list(values: Any, what: str) -> list[Any]:
    if isinstance(values, (Sequence, np.ndarray)) and not isinstance(values, str):
        return list(values)
    raise SpecError(f"{what}: expected one entry per sample, got {values!r}")


def _parse_target(t: Any, n: int, n_out: int, loss: str) -> np.ndarray:
    if loss == "cross_entropy" and _is_number(t) and n_out > 1:
        k = int(t)
        if k != t or not 0 <= k < n_out:
            raise SpecError(
                f"sample {n}: class index must be an integer in [0, {n_out - 1}], got {t!r}"
            )
        return np.eye(n_out)[k]
    arr = _as_float_array(t, f"sample {n} targets").reshape(-1)
    if arr.size != n_out:
        raise SpecError(
            f"sample {n}: targets has {arr.size} value(s), expected {n_out} (o1..o{n_out})"
        )
    if loss == "cross_entropy" and (arr.min() < 0 or abs(arr.sum() - 1.0) > 1e-6):
        raise SpecError(
            f"sample {n}: cross_entropy targets must be probabilities over the {n_out} "
            f"outputs summing to 1 (or a class index), got sum {arr.sum():.6g}"
        )
    if loss == "binary_cross_entropy" and (arr.min() < 0 or arr.max() > 1):
        raise SpecError(
            f"sample {n}: binary_cross_entropy targets must be in [0, 1], got "
            f"{arr.min():.6g}..{arr.max():.6g}"
        )
    return arr
