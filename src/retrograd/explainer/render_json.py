"""An :class:`~retrograd.explainer.records.Explanation` as JSON-safe data.

Every value is keyed by neuron or parameter name and kept at full float precision
(``--digits`` only shortens the text and Markdown renderings). The layout::

    {"network": {...the spec in its JSON file format...},
     "samples": [{"inputs": {"i1": ...}, "targets": {"o1": ...},
                  "neurons": {"h1": {"net": ..., "out": ..., "dE_dout": ..., "dout_dnet": ...,
                                     "dE_dnet": ..., "paths": [...]}, ...},
                  "errors": {"E_o1": ..., "E_o2": ...}, "E_total": ...,
                  "chains": {"w5": {"factors": [{"symbol": "∂E_total/∂out_o1", "value": ...,
                                                 "source": "engine"}, ...],
                                    "product": ..., "engine_grad": ...}, ...}}],
     "gradients": {"w5": {"per_sample": [...], "reduction": "sum", "value": ...,
                          "engine_grad": ...}},
     "updates": {"w5": {"old": ..., "lr": ..., "grad": ..., "new": ..., "applied": true}},
     "new_parameters": {"w1": ...}, "E": ..., "E_after": ...,
     "training": {"steps": [...], "E": [...], "outputs": [...], ...} or null}
"""

from __future__ import annotations

import math
from typing import Any

from retrograd.explainer.records import Chain, Explanation, Factor, Neuron, Term


def _clean(obj: Any) -> Any:
    """JSON has no NaN/Inf: spell them as strings ("nan", "inf"), everywhere in the tree."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else str(obj)
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    return obj


def _factor(f: Factor) -> dict[str, Any]:
    return {"symbol": f.symbol, "num": f.num, "den": f.den, "value": f.value, "source": f.source}


def _term(t: Term) -> dict[str, Any]:
    d: dict[str, Any] = {"factors": [_factor(f) for f in t.factors], "product": t.value}
    if t.label is not None:
        d["symbol"] = f"\u2202{t.label[0]}/\u2202{t.label[1]}"
    return d


def _chain(c: Chain) -> dict[str, Any]:
    d: dict[str, Any] = {
        "kind": c.kind,
        "layer": c.layer,
        "from": c.source,
        "to": c.target,
        "symbol": f"\u2202{c.loss}/\u2202{c.param}",
    }
    if len(c.terms) == 1:
        d["factors"] = [_factor(f) for f in c.factors]
    else:
        d["terms"] = [_term(t) for t in c.terms]
    d["product"] = c.value
    d["engine_grad"] = c.engine_grad
    return d


def _neuron(n: Neuron) -> dict[str, Any]:
    d: dict[str, Any] = {"layer": n.layer, "out": n.out}
    if n.layer == 0:
        return d
    d.update(
        net=n.net,
        activation=n.activation,
        bias=n.bias,
        inputs=[
            {"weight": w, "weight_value": wv, "from": src, "value": x} for w, wv, src, x in n.inputs
        ],
        dE_dout=n.dE_dout,
        dout_dnet=n.dout_dnet,
        dE_dnet=n.dE_dnet,
    )
    if n.paths:
        d["paths"] = [_term(t) for t in n.paths]
    return d


def explanation_to_dict(ex: Explanation) -> dict[str, Any]:
    """Every value of ``ex`` keyed by neuron and parameter name (see the module docstring)."""
    samples = []
    for tr in ex.samples:
        samples.append(
            {
                "inputs": tr.inputs,
                "targets": tr.targets,
                "neurons": {name: _neuron(n) for name, n in tr.neurons.items()},
                "errors": tr.errors,
                "E_total": tr.loss,
                "chains": {name: _chain(c) for name, c in tr.chains.items()},
            }
        )
    d: dict[str, Any] = {
        "network": ex.spec.to_dict(),
        "names": {
            "neurons": ex.spec.neuron_names,
            "weights": ex.spec.weight_names,
            "biases": ex.spec.bias_names,
        },
        "samples": samples,
        "gradients": {
            name: {
                "per_sample": list(g.per_sample),
                "reduction": g.reduction,
                "value": g.value,
                "engine_grad": g.engine_grad,
            }
            for name, g in ex.gradients.items()
        },
        "updates": {
            name: {"old": u.old, "lr": u.lr, "grad": u.grad, "new": u.new, "applied": u.applied}
            for name, u in ex.updates.items()
        },
        "new_parameters": ex.new_parameters,
        "E": ex.loss,
        "E_after": ex.loss_after,
        "training": None,
    }
    if ex.training is not None:
        log = ex.training
        d["training"] = {
            "steps": log.steps,
            "E": list(log.losses),
            "outputs": log.outputs,
            "targets": log.targets,
            "parameters": log.parameters,
            "total_steps": log.total_steps,
            "stopped": log.stopped,
        }
    return _clean(d)
