"""The network to narrate: layer sizes, activations, loss, learning rate, weights and samples.

:func:`make_spec` turns loosely typed input (keyword arguments, a JSON file, CLI
flags) into a validated :class:`NetworkSpec`. Anything that does not fit raises
:class:`SpecError` with one line naming the field or layer and the expected vs.
given shape, e.g. ``weights for layer 2 (h -> o): expected shape (2, 2) (out, in),
got (2, 3)``.

With no arguments at all you get the classic 2-2-2 example of the backprop
tutorials (see :func:`textbook_spec`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from retrograd.explainer.naming import bias_names, layer_label, neuron_names, weight_names

#: the most weights explain will narrate; bigger networks get a pointer to gradcheck and plots
MAX_WEIGHTS = 200
#: the most samples explain will narrate one by one
MAX_SAMPLES = 64

#: activations explain can narrate (each an elementwise op with its own backward)
ACTIVATIONS = ("sigmoid", "tanh", "relu", "identity")
_ACTIVATION_ALIASES = {"linear": "identity", "none": "identity", "logistic": "sigmoid"}

#: losses explain can narrate; how the batch loss combines the per-sample losses
LOSSES = {"half_sse": "sum", "mse": "mean", "cross_entropy": "mean"}
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
}


class SpecError(ValueError):
    """A network description that does not fit (one line: field, expected vs. given)."""


@dataclass(frozen=True)
class Sample:
    """One training example: input values (one per input neuron) and targets (one per output)."""

    inputs: tuple[float, ...]
    targets: tuple[float, ...]


@dataclass
class NetworkSpec:
    """A small fully connected network with everything needed to narrate one training step.

    Build one with :func:`make_spec` (which validates); the fields are plain data.

    Attributes
    ----------
    layer_sizes : tuple of int
        Neurons per layer, inputs first: ``(2, 2, 2)``.
    activations : tuple of str
        One per layer after the inputs (``'sigmoid'``, ``'tanh'``, ``'relu'``, ``'identity'``;
        ``'softmax'`` for the output layer exactly when the loss is cross-entropy).
    loss : str
        ``'half_sse'`` (E = 1/2 sum (t - o)^2, summed over samples), ``'mse'`` or
        ``'cross_entropy'`` (both averaged over samples).
    lr : float
        Learning rate eta of the update w+ = w - eta dE/dw.
    weights : list of ndarray
        Per layer, float64 of shape ``(out, in)`` (row k holds the weights into neuron k).
    biases : list of ndarray
        Per layer, float64 of shape ``(1,)`` (one bias shared by the layer, as in the
        textbook) or ``(out,)`` (one per neuron).
    samples : list of Sample
    shared_bias : tuple of bool
        Per layer: is its bias one number shared by every neuron (named ``b1``, ``b2``)?
    update_biases : bool
        Also apply the update to the biases (the textbook keeps them fixed).

    Shape
    -----
    ``weights[l]``: ``(layer_sizes[l + 1], layer_sizes[l])``; ``biases[l]``: ``(1,)`` or
    ``(layer_sizes[l + 1],)``.

    Examples
    --------
    >>> from retrograd.explainer import make_spec
    >>> spec = make_spec(layers=[2, 3, 1], activations="tanh", loss="mse",
    ...                  inputs=[[0, 1], [1, 0]], targets=[[1], [1]], seed=0)
    >>> spec.n_weights, spec.weight_names[1]
    (9, [['w7', 'w8', 'w9']])
    """

    layer_sizes: tuple[int, ...]
    activations: tuple[str, ...]
    loss: str
    lr: float
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    samples: list[Sample]
    shared_bias: tuple[bool, ...]
    update_biases: bool = False

    # -- derived names ------------------------------------------------------------
    @property
    def n_layers(self) -> int:
        """Number of weight layers (layer sizes minus one)."""
        return len(self.layer_sizes) - 1

    @property
    def n_weights(self) -> int:
        return int(sum(w.size for w in self.weights))

    @property
    def neuron_names(self) -> list[list[str]]:
        return neuron_names(self.layer_sizes)

    @property
    def weight_names(self) -> list[list[list[str]]]:
        return weight_names(self.layer_sizes)

    @property
    def bias_names(self) -> list[list[str]]:
        return bias_names(self.layer_sizes, self.shared_bias)

    @property
    def reduction(self) -> str:
        """How the batch loss combines per-sample losses: ``'sum'`` or ``'mean'``."""
        return LOSSES[self.loss]

    def parameter_values(self) -> dict[str, float]:
        """Every weight and bias by name, in textbook order (w1..wN, then biases)."""
        out: dict[str, float] = {}
        for layer, names in enumerate(self.weight_names):
            for k, row in enumerate(names):
                for j, name in enumerate(row):
                    out[name] = float(self.weights[layer][k, j])
        for layer, names in enumerate(self.bias_names):
            for k, name in enumerate(names):
                out[name] = float(self.biases[layer][k])
        return out

    def with_parameters(
        self, weights: Sequence[np.ndarray], biases: Sequence[np.ndarray]
    ) -> NetworkSpec:
        """A copy of this spec with other weight and bias values (same shapes)."""
        return NetworkSpec(
            self.layer_sizes,
            self.activations,
            self.loss,
            self.lr,
            [np.array(w, dtype=np.float64) for w in weights],
            [np.array(b, dtype=np.float64) for b in biases],
            list(self.samples),
            self.shared_bias,
            self.update_biases,
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON file format (``make_spec(**spec.to_dict())`` rebuilds the spec)."""
        return {
            "layers": list(self.layer_sizes),
            "activations": list(self.activations),
            "loss": self.loss,
            "lr": self.lr,
            "weights": [w.tolist() for w in self.weights],
            "biases": [
                float(b[0]) if shared else b.tolist()
                for b, shared in zip(self.biases, self.shared_bias)
            ],
            "samples": [
                {"inputs": list(s.inputs), "targets": list(s.targets)} for s in self.samples
            ],
            "update_biases": self.update_biases,
        }


# -- the default example --------------------------------------------------------------
def textbook_spec() -> NetworkSpec:
    """The classic 2-2-2 example: i = (0.05, 0.10), t = (0.01, 0.99), sigmoid, 1/2-SSE, eta 0.5.

    Weights w1..w8 = 0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55; biases b1 = 0.35 (both
    hidden neurons) and b2 = 0.60 (both outputs), kept fixed.
    """
    return make_spec()


_TEXTBOOK: dict[str, Any] = {
    "layers": [2, 2, 2],
    "activations": "sigmoid",
    "loss": "half_sse",
    "lr": 0.5,
    "weights": [0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55],
    "biases": [0.35, 0.60],
    "inputs": [0.05, 0.10],
    "targets": [0.01, 0.99],
}


# -- building and validating ------------------------------------------------------------
def make_spec(
    layers: Sequence[int] | str | None = None,
    activations: str | Sequence[str] | None = None,
    loss: str | None = None,
    lr: float | None = None,
    weights: Any = None,
    biases: Any = None,
    inputs: Any = None,
    targets: Any = None,
    samples: Any = None,
    update_biases: bool | None = None,
    seed: int = 0,
) -> NetworkSpec:
    """Validate a network description and fill in defaults.

    Every argument left out takes the textbook 2-2-2 example's value when the layer
    sizes are ``[2, 2, 2]``; other networks get random weights (``seed``, uniform in
    +-1/sqrt(fan_in)) and zero biases (one per neuron), and need samples.

    Parameters
    ----------
    layers : sequence of int or str
        Layer sizes, inputs first (``[2, 2, 2]`` or ``"2,2,2"``).
    activations : str or sequence of str
        One name for every layer, or one per layer after the inputs. With cross-entropy
        the output layer is softmax (a single name applies to the hidden layers).
    loss : str
        ``'half_sse'`` (alias ``'sse'``), ``'mse'`` or ``'cross_entropy'``.
    lr : float
        Learning rate (default 0.5).
    weights : sequence or mapping
        A flat list in textbook order (w1, w2, ...), one ``(out, in)`` matrix per layer,
        or a mapping ``{"w1": 0.15, ...}``.
    biases : number, sequence or mapping
        Per layer a number (shared by the layer's neurons) or one value per neuron; or a
        mapping ``{"b1": 0.35, "b_o1": ...}``.
    inputs, targets : array_like
        One sample (a list of numbers) or several (a list of lists). For cross-entropy a
        target may be a class index.
    samples : sequence of mapping
        Alternatively ``[{"inputs": [...], "targets": [...]}, ...]``.
    update_biases : bool, optional
        Also update the biases. Default: False when every layer has one shared bias (the
        textbook's setup, which keeps them fixed), True for biases per neuron.
    seed : int
        Seed for random weights when none are given.

    Returns
    -------
    NetworkSpec

    Raises
    ------
    SpecError
        One line naming the field or layer and the expected vs. given shape.
    """
    sizes = _parse_layers(layers)
    textbook = sizes == tuple(_TEXTBOOK["layers"])
    loss_name = _parse_loss(loss if loss is not None else "half_sse")
    acts = _parse_activations(
        activations if activations is not None else "sigmoid", sizes, loss_name
    )
    rate = _parse_lr(lr if lr is not None else 0.5)
    n_weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    if n_weights > MAX_WEIGHTS:
        raise SpecError(
            f"this network has {n_weights} weights; explain narrates at most {MAX_WEIGHTS}. "
            "For bigger networks check the gradients with retrograd.gradcheck(...) and watch "
            "training with the loss curves (History from retrograd.train.fit) instead"
        )
    if textbook:
        weights = _TEXTBOOK["weights"] if weights is None else weights
        biases = _TEXTBOOK["biases"] if biases is None else biases
    if weights is None:
        rng = np.random.default_rng(seed)
        ws = [rng.uniform(-1, 1, (o, i)) / math.sqrt(i) for i, o in zip(sizes[:-1], sizes[1:])]
    else:
        ws = _parse_weights(weights, sizes)
    bs, shared = _parse_biases(biases, sizes)
    if samples is None and textbook:
        inputs = _TEXTBOOK["inputs"] if inputs is None else inputs
        targets = _TEXTBOOK["targets"] if targets is None else targets
    sample_list = _parse_samples(samples, inputs, targets, sizes, loss_name)
    if update_biases is None:
        update_biases = not all(shared)
    return NetworkSpec(
        sizes, acts, loss_name, rate, ws, bs, sample_list, tuple(shared), bool(update_biases)
    )


def spec_from_dict(data: Mapping[str, Any]) -> NetworkSpec:
    """Build a spec from the JSON file format (the keyword arguments of :func:`make_spec`)."""
    if not isinstance(data, Mapping):
        raise SpecError(f"network description must be a JSON object, got {type(data).__name__}")
    allowed = {
        "layers",
        "activations",
        "loss",
        "lr",
        "weights",
        "biases",
        "inputs",
        "targets",
        "samples",
        "update_biases",
        "seed",
    }
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise SpecError(
            f"unknown field(s) {', '.join(unknown)} in the network description; "
            f"expected some of {', '.join(sorted(allowed))}"
        )
    return make_spec(**dict(data))


def load_spec(path: str | Path) -> NetworkSpec:
    """Read a network description from a JSON file (see docs/explain.md for the format)."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SpecError(f"{p}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    return spec_from_dict(data)


def spec_from_module(
    model: Any,
    inputs: Any,
    targets: Any,
    loss: str = "half_sse",
    lr: float = 0.5,
    update_biases: bool = True,
) -> NetworkSpec:
    """Describe an ``nn.Sequential`` of ``Linear`` layers and activations as a spec.

    Parameters
    ----------
    model : retrograd.nn.Sequential
        ``Linear`` layers, each optionally followed by ``Sigmoid``, ``Tanh``, ``ReLU`` or
        ``Identity`` (nothing means identity). For cross-entropy end with a ``Linear``.
    inputs, targets, loss, lr, update_biases
        As in :func:`make_spec`.

    Examples
    --------
    >>> import numpy as np
    >>> from retrograd import nn
    >>> from retrograd.explainer import spec_from_module
    >>> net = nn.Sequential(nn.Linear(2, 2, rng=np.random.default_rng(0)), nn.Sigmoid(),
    ...                     nn.Linear(2, 1, rng=np.random.default_rng(1)), nn.Sigmoid())
    >>> spec_from_module(net, [0.5, 1.0], [1.0]).layer_sizes
    (2, 2, 1)
    """
    from retrograd import nn

    names = {nn.Sigmoid: "sigmoid", nn.Tanh: "tanh", nn.ReLU: "relu", nn.Identity: "identity"}
    layers = list(model.children()) if isinstance(model, nn.Sequential) else [model]
    sizes: list[int] = []
    ws, bs, acts = [], [], []
    for i, m in enumerate(layers):
        if isinstance(m, nn.Linear):
            if not sizes:
                sizes.append(m.in_features)
            sizes.append(m.out_features)
            ws.append(m.weight.data.astype(np.float64))
            b = m.bias.data if m.bias is not None else np.zeros(m.out_features)
            bs.append(b.astype(np.float64).tolist())
            acts.append("identity")
        elif type(m) in names and acts and (i == 0 or isinstance(layers[i - 1], nn.Linear)):
            acts[-1] = names[type(m)]
        else:
            raise SpecError(
                f"spec_from_module: layer {i} ({type(m).__name__}) is not supported; explain "
                "narrates Linear layers each followed by Sigmoid, Tanh, ReLU or Identity"
            )
    loss_name = _parse_loss(loss)
    if loss_name == "cross_entropy":
        if acts[-1] != "identity":
            raise SpecError(
                "spec_from_module: with cross_entropy the model must end with a Linear layer "
                f"(logits), not {acts[-1]}"
            )
        acts[-1] = "softmax"
    return make_spec(
        layers=sizes,
        activations=acts,
        loss=loss_name,
        lr=lr,
        weights=ws,
        biases=bs,
        inputs=inputs,
        targets=targets,
        update_biases=update_biases,
    )


# -- field parsers (each raises SpecError with one line) --------------------------------------
def _parse_layers(layers: Any) -> tuple[int, ...]:
    if layers is None:
        return tuple(_TEXTBOOK["layers"])
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


def _parse_loss(loss: Any) -> str:
    key = str(loss).strip().lower()
    if key not in _LOSS_ALIASES:
        raise SpecError(f"loss: unknown {loss!r}; expected one of {', '.join(LOSSES)}")
    return _LOSS_ALIASES[key]


def _parse_activations(acts: Any, sizes: tuple[int, ...], loss: str) -> tuple[str, ...]:
    n = len(sizes) - 1
    if isinstance(acts, str):
        names = [a.strip() for a in acts.split(",")]
        if len(names) == 1:
            names = names * n
            if loss == "cross_entropy":
                names[-1] = "softmax"
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
        out.append(name)
    return tuple(out)


def _parse_lr(lr: Any) -> float:
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


def _parse_weights(value: Any, sizes: tuple[int, ...]) -> list[np.ndarray]:
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


def _parse_biases(value: Any, sizes: tuple[int, ...]) -> tuple[list[np.ndarray], list[bool]]:
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


def _parse_samples(
    samples: Any, inputs: Any, targets: Any, sizes: tuple[int, ...], loss: str
) -> list[Sample]:
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
    return arr
