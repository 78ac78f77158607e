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

from retrograd.explainer.fields import (
    ACTIVATIONS,
    LOSSES,
    MAX_SAMPLES,
    MAX_WEIGHTS,
    Sample,
    SpecError,
    parse_activations,
    parse_biases,
    parse_layers,
    parse_loss,
    parse_lr,
    parse_samples,
    parse_weights,
)
from retrograd.explainer.naming import bias_names, neuron_names, weight_names


@dataclass
class NetworkSpec:
    """A small fully connected network with everything needed to narrate one training step.

    Build one with :func:`make_spec` (which validates); the fields are plain data.

    Attributes
    ----------
    layer_sizes : tuple of int
        Neurons per layer, inputs first: ``(2, 2, 2)``.
    activations : tuple of str
        One per layer after the inputs (``'sigmoid'``, ``'tanh'``, ``'relu'``, ``'identity'``,
        ``'leaky_relu'`` (slope 0.01), ``'elu'`` (alpha 1);
        ``'softmax'`` for the output layer exactly when the loss is cross-entropy).
    loss : str
        ``'half_sse'`` (E = 1/2 sum (t - o)^2, summed over samples), ``'mse'``,
        ``'cross_entropy'`` or ``'binary_cross_entropy'`` (averaged over samples).
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
    max_weights: int = MAX_WEIGHTS,
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
        ``'half_sse'`` (alias ``'sse'``), ``'mse'``, ``'cross_entropy'`` or
        ``'binary_cross_entropy'`` (alias ``'bce'``; the output layer is sigmoid).
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
    max_weights : int
        Refuse bigger networks (200: more is no longer a readable narration). Programs that
        only read the structure, such as the playground's hover view, may raise it.

    Returns
    -------
    NetworkSpec

    Raises
    ------
    SpecError
        One line naming the field or layer and the expected vs. given shape.
    """
    sizes = parse_layers(layers if layers is not None else _TEXTBOOK["layers"])
    textbook = sizes == tuple(_TEXTBOOK["layers"])
    loss_name = parse_loss(loss if loss is not None else "half_sse")
    acts = parse_activations(
        activations if activations is not None else "sigmoid", sizes, loss_name
    )
    rate = parse_lr(lr if lr is not None else 0.5)
    n_weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    if n_weights > max_weights:
        raise SpecError(
            f"this network has {n_weights} weights; explain narrates at most {max_weights}. "
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
        ws = parse_weights(weights, sizes)
    bs, shared = parse_biases(biases, sizes)
    if samples is None and textbook:
        inputs = _TEXTBOOK["inputs"] if inputs is None else inputs
        targets = _TEXTBOOK["targets"] if targets is None else targets
    sample_list = parse_samples(samples, inputs, targets, sizes, loss_name)
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
    max_weights: int = MAX_WEIGHTS,
) -> NetworkSpec:
    """Describe an ``nn.Sequential`` of ``Linear`` layers and activations as a spec.

    Parameters
    ----------
    model : retrograd.nn.Sequential
        ``Linear`` layers, each optionally followed by ``Sigmoid``, ``Tanh``, ``ReLU``,
        ``LeakyReLU()``, ``ELU()`` (default parameters) or ``Identity`` (nothing means
        identity). For cross-entropy end with a ``Linear``; for binary cross-entropy with a
        ``Sigmoid``.
    inputs, targets, loss, lr, update_biases, max_weights
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

    names = {nn.Sigmoid: "sigmoid", nn.Tanh: "tanh", nn.ReLU: "relu", nn.Identity: "identity",
             nn.LeakyReLU: "leaky_relu", nn.ELU: "elu"}  # fmt: skip
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
            if getattr(m, "negative_slope", 0.01) != 0.01 or getattr(m, "alpha", 1.0) != 1.0:
                raise SpecError(
                    f"spec_from_module: layer {i} ({m!r}): explain narrates LeakyReLU with "
                    "negative_slope 0.01 and ELU with alpha 1 only"
                )
            acts[-1] = names[type(m)]
        else:
            raise SpecError(
                f"spec_from_module: layer {i} ({type(m).__name__}) is not supported; explain "
                "narrates Linear layers each followed by Sigmoid, Tanh, ReLU, LeakyReLU, ELU or "
                "Identity"
            )
    loss_name = parse_loss(loss)
    if loss_name == "cross_entropy":
        if acts[-1] != "identity":
            raise SpecError(
                "spec_from_module: with cross_entropy the model must end with a Linear layer "
                f"(logits), not {acts[-1]}"
            )
        acts[-1] = "softmax"
    if loss_name == "binary_cross_entropy" and acts[-1] != "sigmoid":
        raise SpecError(
            "spec_from_module: with binary_cross_entropy the model must end with Sigmoid "
            f"(probabilities), not {acts[-1]}"
        )
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
        max_weights=max_weights,
    )


__all__ = [
    "ACTIVATIONS", "LOSSES", "MAX_SAMPLES", "MAX_WEIGHTS", "NetworkSpec", "Sample", "SpecError",
    "load_spec", "make_spec", "spec_from_dict", "spec_from_module", "textbook_spec",
]  # fmt: skip
