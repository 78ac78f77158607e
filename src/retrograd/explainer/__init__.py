"""Explain mode: the chain rule, weight by weight, with the engine's real numbers.

>>> import retrograd as rg
>>> ex = rg.explain()                      # the classic 2-2-2 example
>>> round(ex.chains["w5"].product, 9)      # dE_total/dw5
0.082167041
>>> print(ex)                              # doctest: +SKIP
>>> ex.to_markdown(); ex.to_json()         # doctest: +SKIP

* :func:`explain` -- build a network from keyword arguments (or a JSON file) and narrate
  one training step; :func:`trace` does the same from a :class:`NetworkSpec`.
* :class:`Explanation` -- the structured result (forward values, errors, per-weight
  chains with factor names and values, engine gradients, updates, training log).
* :mod:`retrograd.explainer.graph` -- any computation graph as DOT text, SVG or PNG.

See docs/explain.md.
"""

from retrograd.explainer.narrate import explain
from retrograd.explainer.records import (
    Chain,
    Explanation,
    Factor,
    Gradient,
    Neuron,
    SampleTrace,
    Term,
    TrainingLog,
    Update,
)
from retrograd.explainer.spec import (
    MAX_WEIGHTS,
    NetworkSpec,
    Sample,
    SpecError,
    load_spec,
    make_spec,
    spec_from_dict,
    spec_from_module,
    textbook_spec,
)
from retrograd.explainer.tracer import ChainRuleMismatch, trace

__all__ = [
    "explain",
    "trace",
    "Chain",
    "Explanation",
    "Factor",
    "Gradient",
    "Neuron",
    "SampleTrace",
    "Term",
    "TrainingLog",
    "Update",
    "MAX_WEIGHTS",
    "NetworkSpec",
    "Sample",
    "SpecError",
    "load_spec",
    "make_spec",
    "spec_from_dict",
    "spec_from_module",
    "textbook_spec",
    "ChainRuleMismatch",
]
