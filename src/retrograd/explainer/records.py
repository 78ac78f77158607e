"""The data an explanation is made of: plain dataclasses, rendered as text, Markdown or JSON.

An :class:`Explanation` holds, for each sample, every neuron's forward values and
errors (:class:`Neuron`) and every parameter's chain rule (:class:`Chain`), then
the batch gradients, the updates and optionally a training log. Every number was
recorded from retrograd's engine during a real forward and backward pass; every
product was compared with the engine's gradient before it was stored.

The playground reuses these objects for its hover view::

    ex = trace(spec)
    chain = ex.chains["w5"]
    [(f.symbol, f.value) for f in chain.factors], chain.product, chain.engine_grad
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from retrograd.explainer.spec import NetworkSpec


@dataclass(frozen=True)
class Factor:
    """One factor d(num)/d(den) of a chain-rule product, with its value.

    Attributes
    ----------
    num, den : str
        Numerator and denominator names (``'E_total'``, ``'out_o1'``, ``'net_o1'``, ``'w5'``).
    value : float
    source : str
        Where the number came from: ``'engine'`` (a gradient the engine left on a tensor
        during ``backward()``), ``'<Op>.backward'`` (the op's own derivative rule applied to
        a one-hot or ones cotangent), ``'sum of paths'`` or ``'identity'``.
    """

    num: str
    den: str
    value: float
    source: str = "engine"

    @property
    def symbol(self) -> str:
        """The factor as plain text: ``'dE_total/dout_o1'`` spelled with the partial sign."""
        return f"\u2202{self.num}/\u2202{self.den}"


@dataclass(frozen=True)
class Term:
    """A product of factors (``value`` is the product; ``label`` names it, e.g. dE_o1/dout_h1)."""

    factors: tuple[Factor, ...]
    value: float
    label: tuple[str, str] | None = None


@dataclass(frozen=True)
class Chain:
    """dE/d(parameter) for one sample, written as the chain rule.

    A weight's chain is a single product (``terms`` has one :class:`Term`); a bias shared by
    a layer sums one product per neuron it feeds.

    Attributes
    ----------
    param : str
        ``'w5'``, ``'b1'`` or ``'b_h1'``.
    kind : str
        ``'weight'`` or ``'bias'``.
    layer : int
        The weight layer, 1-based (1 = inputs -> first layer).
    source, target : str or None
        For a weight: the neuron it comes from and the one it feeds.
    loss : str
        The differentiated error's name (``'E_total'``).
    terms : tuple of Term
    value : float
        The sum of the terms' products (the chain-rule gradient).
    engine_grad : float
        What the engine's ``backward()`` put in the parameter's ``.grad``.
    """

    param: str
    kind: str
    layer: int
    source: str | None
    target: str | None
    loss: str
    terms: tuple[Term, ...]
    value: float
    engine_grad: float

    @property
    def factors(self) -> tuple[Factor, ...]:
        """The factors of a single-product chain (a weight); empty for a sum (shared bias)."""
        return self.terms[0].factors if len(self.terms) == 1 else ()

    @property
    def product(self) -> float:
        """The chain-rule value (product of the factors, or sum of the products)."""
        return self.value

    def to_text(self, digits: int = 9) -> str:
        """This chain alone as aligned text (e.g. for a tooltip).

        Examples
        --------
        >>> from retrograd.explainer import trace
        >>> print(trace().chains["w5"].to_text(4))
          ∂E_total/∂w5 = ∂E_total/∂out_o1 · ∂out_o1/∂net_o1 · ∂net_o1/∂w5
                       = 0.7414           · 0.1868          · 0.5933
                       = 0.08217   (engine: 0.08217 ✓)
        """
        from retrograd.explainer.render_text import chain_lines

        return "\n".join(chain_lines(self, digits))

    def to_latex(self, digits: int = 9) -> str:
        """This chain alone as a displayed LaTeX equation (``$$...$$``)."""
        from retrograd.explainer.render_markdown import chain_markdown

        return chain_markdown(self, digits).split("\n\nEngine:")[0]


@dataclass(frozen=True)
class Neuron:
    """One neuron's forward values and errors for one sample.

    ``net = sum_j w_j x_j + b`` and ``out = f(net)``; ``dE_dout`` and ``dE_dnet`` were read
    from the engine (``retain_grad``), ``dout_dnet`` from the activation op's backward. For a
    hidden neuron ``paths`` writes dE/dout as the sum over the neurons it feeds.
    """

    name: str
    layer: int
    index: int
    out: float
    net: float | None = None
    activation: str | None = None
    bias: str | None = None
    bias_value: float | None = None
    inputs: tuple[tuple[str, float, str, float], ...] = ()
    dE_dout: float | None = None
    dout_dnet: float | None = None
    dE_dnet: float | None = None
    dout_dnet_source: str | None = None
    paths: tuple[Term, ...] = ()


@dataclass
class SampleTrace:
    """Forward values, errors and chains for one sample."""

    index: int
    inputs: dict[str, float]
    targets: dict[str, float]
    neurons: dict[str, Neuron]
    errors: dict[str, float]
    loss: float
    chains: dict[str, Chain]


@dataclass(frozen=True)
class Gradient:
    """The batch gradient of one parameter: the sum or mean of its per-sample chains."""

    param: str
    per_sample: tuple[float, ...]
    reduction: str
    value: float
    engine_grad: float


@dataclass(frozen=True)
class Update:
    """w+ = w - lr * dE/dw for one parameter (``applied`` is False for fixed biases)."""

    param: str
    old: float
    lr: float
    grad: float
    new: float
    applied: bool = True


@dataclass
class TrainingLog:
    """The error while training on for more steps (full-batch gradient descent)."""

    steps: list[int]
    losses: list[float]
    outputs: list[dict[str, float]]
    targets: list[dict[str, float]]
    parameters: dict[str, float]
    total_steps: int
    stopped: str | None = None


@dataclass
class Explanation:
    """One training step of a small network, narrated from the engine's own numbers.

    Render it with ``str(ex)`` / :meth:`to_text`, :meth:`to_markdown` (LaTeX math; Jupyter
    shows it automatically) or :meth:`to_json`. Read the numbers from the fields.

    Attributes
    ----------
    spec : NetworkSpec
    samples : list of SampleTrace
    gradients : dict of str to Gradient
        Batch gradient per parameter (sum of per-sample chains for 1/2-SSE, mean otherwise).
    updates : dict of str to Update
    loss : float
        The batch error before the update.
    loss_after : float
        The batch error after the update.
    training : TrainingLog or None
        Present when more than one step was run.

    Examples
    --------
    >>> from retrograd.explainer import trace, textbook_spec
    >>> ex = trace(textbook_spec())
    >>> round(ex.chains["w5"].product, 9), [f.symbol for f in ex.chains["w5"].factors][0]
    (0.082167041, '∂E_total/∂out_o1')
    """

    spec: NetworkSpec
    samples: list[SampleTrace]
    gradients: dict[str, Gradient]
    updates: dict[str, Update]
    loss: float
    loss_after: float
    training: TrainingLog | None = None

    @property
    def chains(self) -> dict[str, Chain]:
        """The chains of the first sample (the only one in the textbook example)."""
        return self.samples[0].chains

    def chain(self, param: str, sample: int = 0) -> Chain:
        """The chain of ``param`` (``'w5'``) for sample number ``sample`` (0-based)."""
        chains = self.samples[sample].chains
        if param not in chains:
            raise KeyError(f"no parameter {param!r}; this network has {', '.join(chains)}")
        return chains[param]

    @property
    def new_parameters(self) -> dict[str, float]:
        """Every weight and bias after the update."""
        return {name: u.new for name, u in self.updates.items()}

    def to_text(self, digits: int = 9) -> str:
        """Aligned plain text for a terminal."""
        from retrograd.explainer.render_text import render_text

        return render_text(self, digits)

    def to_markdown(self, digits: int = 9) -> str:
        """Markdown with LaTeX math (``$...$`` and ``$$...$$``)."""
        from retrograd.explainer.render_markdown import render_markdown

        return render_markdown(self, digits)

    def to_dict(self) -> dict[str, Any]:
        """Every value keyed by neuron and parameter name (JSON-safe, full precision)."""
        from retrograd.explainer.render_json import explanation_to_dict

        return explanation_to_dict(self)

    def to_json(self, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text (valid JSON: NaN/Inf are written as strings)."""
        import json

        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False)

    def render(self, format: str = "text", digits: int = 9) -> str:
        """Render as ``'text'``, ``'markdown'`` or ``'json'``."""
        if format == "text":
            return self.to_text(digits)
        if format in ("markdown", "md"):
            return self.to_markdown(digits)
        if format == "json":
            return self.to_json()
        raise ValueError(f"format: unknown {format!r}; expected text, markdown or json")

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        sizes = "-".join(map(str, self.spec.layer_sizes))
        return (
            f"<Explanation {sizes} network, {len(self.samples)} sample(s), "
            f"E = {self.loss:.9g} -> {self.loss_after:.9g}; print() it or .to_markdown()>"
        )

    def _repr_markdown_(self) -> str:
        return self.to_markdown()
