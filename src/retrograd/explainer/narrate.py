"""``retrograd.explain(...)``: one call from a network description to a narrated step."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from retrograd.explainer.records import Explanation
from retrograd.explainer.spec import NetworkSpec, SpecError, spec_from_dict, spec_from_module
from retrograd.explainer.tracer import trace


def explain(
    network: NetworkSpec | Mapping[str, Any] | str | Path | Any = None,
    *,
    layers: Any = None,
    activations: Any = None,
    loss: str | None = None,
    lr: float | None = None,
    weights: Any = None,
    biases: Any = None,
    inputs: Any = None,
    targets: Any = None,
    samples: Any = None,
    update_biases: bool | None = None,
    seed: int = 0,
    steps: int = 1,
    every: int | None = None,
) -> Explanation:
    """Narrate one training step of a small network: forward pass, chain rule, update.

    Every number comes from a real forward and ``backward()`` through retrograd's engine;
    every printed product of chain-rule factors is checked against the engine's gradient.

    Parameters
    ----------
    network : NetworkSpec, dict, path or nn.Sequential, optional
        A spec; a dict or the path of a JSON file in the format of docs/explain.md (keyword
        arguments below override its fields); or an ``nn.Sequential`` of ``Linear`` layers
        and Sigmoid/Tanh/ReLU/LeakyReLU/ELU/Identity activations (give ``inputs`` and
        ``targets``).
        Default: the classic 2-2-2 example.
    layers, activations, loss, lr, weights, biases, inputs, targets, samples, update_biases, seed
        As in :func:`retrograd.explainer.make_spec`. ``update_biases`` defaults to False for
        biases shared by a layer (the textbook keeps them fixed), True for biases per neuron.
    steps : int
        Total training steps; after the narrated first one, the error of each further
        full-batch gradient-descent step is logged (see ``Explanation.training``).
    every : int, optional
        Log every ``every`` steps (default: about ten rows).

    Returns
    -------
    Explanation
        ``print()`` it for aligned text; ``.to_markdown()`` (LaTeX) and ``.to_json()``;
        ``.chains["w5"].factors`` for the numbers.

    Shape
    -----
    ``inputs``: ``(in,)`` for one sample or ``(N, in)``; ``targets``: ``(out,)`` or ``(N, out)``
    (or class indices ``(N,)`` for cross-entropy).

    Examples
    --------
    >>> import retrograd as rg
    >>> ex = rg.explain()
    >>> round(ex.loss, 9), round(ex.updates["w5"].new, 8)
    (0.298371109, 0.35891648)
    >>> ex = rg.explain(layers=[2, 2, 1], activations="tanh", loss="mse",
    ...                 inputs=[[0, 1], [1, 1]], targets=[[1], [0]], lr=0.1)
    >>> sorted(ex.gradients)[:3]
    ['b_h1', 'b_h2', 'b_o1']
    """
    fields = {
        "layers": layers,
        "activations": activations,
        "loss": loss,
        "lr": lr,
        "weights": weights,
        "biases": biases,
        "inputs": inputs,
        "targets": targets,
        "samples": samples,
        "update_biases": update_biases,
    }
    given = {k: v for k, v in fields.items() if v is not None}
    if isinstance(network, NetworkSpec):
        if given:
            raise SpecError(
                f"explain(spec, ...): a NetworkSpec already fixes {', '.join(sorted(given))}; "
                "build a new one with make_spec()"
            )
        spec = network
    elif network is None or isinstance(network, (Mapping, str, Path)):
        data: dict[str, Any] = {}
        if isinstance(network, Mapping):
            data = dict(network)
        elif network is not None:
            path = Path(network)
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as exc:
                raise SpecError(
                    f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})"
                ) from None
            if not isinstance(data, dict):
                raise SpecError(f"{path}: expected a JSON object, got {type(data).__name__}")
        if "inputs" in given or "targets" in given or "samples" in given:
            for key in ("inputs", "targets", "samples"):
                data.pop(key, None)
        data.update(given)
        data.setdefault("seed", seed)
        spec = spec_from_dict(data)
    else:
        if inputs is None or targets is None:
            raise SpecError("explain(model, ...): give inputs and targets for the model")
        spec = spec_from_module(
            network,
            inputs,
            targets,
            loss=loss or "half_sse",
            lr=0.5 if lr is None else lr,
            update_biases=True if update_biases is None else update_biases,
        )
    return trace(spec, steps=steps, every=every)
