"""Record one training step from the engine and write its gradients as the chain rule.

For each sample, :func:`trace`

1. runs the forward pass through :class:`~retrograd.explainer.network.ExplainedNetwork`
   (``net`` and ``out`` tensors retain their gradients) and ``loss.backward()``;
2. reads dE/dout and dE/dnet from the engine, and each *local* derivative from the
   recorded op's own ``backward``: the activation node applied to a ones cotangent gives
   dout/dnet, the ``Linear`` node applied to the one-hot cotangent of neuron k gives
   dnet_k/dw, dnet_k/dout_prev and dnet_k/db;
3. multiplies the factors of every chain and compares the product with the ``.grad`` the
   engine left on the weight -- a mismatch beyond 1e-9 (relative) raises
   :class:`ChainRuleMismatch` rather than print a wrong story.

Then one batch forward/backward gives the batch gradient, which must equal the sum (or
mean) of the per-sample chains, and ``optim.SGD`` applies the update.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from retrograd import ops
from retrograd.explainer.network import ExplainedNetwork, LayerTensors
from retrograd.explainer.records import (
    Chain,
    Explanation,
    Factor,
    Gradient,
    Neuron,
    SampleTrace,
    Term,
    Update,
)
from retrograd.explainer.spec import NetworkSpec, Sample, SpecError, make_spec
from retrograd.grad_mode import no_grad
from retrograd.ops.broadcast import sum_to_shape

#: relative tolerance between a printed chain-rule product and the engine's gradient
RTOL = 1e-9

LOSS_SYMBOL = "E_total"


class ChainRuleMismatch(AssertionError):
    """A chain-rule product disagreed with the engine's gradient (a bug; please report it)."""


def check_agree(what: str, narrated: float, engine: float, scale: float = 0.0) -> None:
    """Raise :class:`ChainRuleMismatch` unless ``narrated`` equals ``engine`` to 1e-9 relative.

    ``scale`` is the same quantity computed with absolute values: rounding errors grow with
    it, not with a result that is a near-zero sum of large terms.
    """
    bound = RTOL * max(abs(narrated), abs(engine), scale) + 1e-300
    if not (abs(narrated - engine) <= bound) or not math.isfinite(narrated):
        raise ChainRuleMismatch(
            f"{what}: the chain rule gives {narrated!r} but the engine computed {engine!r}"
        )


def _product(factors: Sequence[Factor]) -> float:
    value = 1.0
    for f in factors:
        value *= f.value
    return value


def _local_linear(layer: LayerTensors, k: int) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """d(net_k)/d(inputs, W, bias) from the Linear node's own backward, one-hot cotangent e_k.

    Returns arrays of the inputs' shape ``(in,)``, the weight's ``(out, in)`` and the bias
    parameter's (``(1,)`` shared or ``(out,)``).
    """
    node = layer.net._node
    e_k = np.zeros_like(layer.net.data)
    e_k[0, k] = 1.0
    grad_x, grad_w, grad_b = node.backward(e_k)
    bias_node = layer.bias._node
    if bias_node is not None:  # a shared bias: BroadcastTo's backward, then the engine's sum
        grad_b = bias_node.backward(grad_b)
        grad_b = sum_to_shape(grad_b, bias_node.inputs[0].shape)
    # grad_x is None for the first layer: the op skips it since the data needs no gradient
    return (None if grad_x is None else grad_x[0]), grad_w, grad_b


def _local_activation(layer: LayerTensors) -> tuple[np.ndarray, str]:
    """dout/dnet per neuron from the activation node's backward (a ones cotangent)."""
    if layer.out is layer.net:
        return np.ones(layer.net.shape[-1]), "identity"
    node = layer.out._node
    return node.backward(np.ones_like(layer.out.data))[0], f"{node.name}.backward"


class _SampleRecorder:
    """One sample's forward/backward pass, read back neuron by neuron and weight by weight."""

    def __init__(self, spec: NetworkSpec, index: int, sample: Sample) -> None:
        self.spec, self.index, self.sample = spec, index, sample
        self.names = spec.neuron_names
        self.n_layers = spec.n_layers
        self.net = ExplainedNetwork(spec)
        self.x = np.array([sample.inputs])
        self.t = np.array([sample.targets])
        self.layers, loss = self.net.forward(self.x, self.t)
        with no_grad():
            self.errors = self.net.output_errors(self.layers[-1].out, self.t)[0]
        loss.backward(retain_graph=True)  # keep the nodes: their backward gives local derivatives
        self.loss = loss.item()
        check_agree(
            "E_total = sum of the output errors",
            float(self.errors.sum()),
            self.loss,
            float(np.abs(self.errors).sum()),
        )
        self.local_linear = [
            [_local_linear(lt, k) for k in range(lt.net.shape[-1])] for lt in self.layers
        ]
        self.local_act = [_local_activation(lt) for lt in self.layers]
        self.dE_dout: list[list[float | None]] = [[] for _ in range(self.n_layers)]
        self.paths: list[list[tuple[Term, ...]]] = [[] for _ in range(self.n_layers)]
        # size[l][k]: dE/dnet_k recomputed with absolute values. Rounding errors scale with
        # it, not with dE/dnet itself (which may be a near-zero sum of large terms), so every
        # comparison with the engine is judged against it.
        self.size: list[list[float]] = [[] for _ in range(self.n_layers)]
        for layer in reversed(range(self.n_layers)):  # output layer first, as backprop goes
            self._errors_of_layer(layer)
        self.chain_size: dict[str, float] = {}

    def _errors_of_layer(self, layer: int) -> None:
        """dE/dout of each neuron of ``layer``: the engine's for outputs, else a sum over paths."""
        lt = self.layers[layer]
        width = lt.net.shape[-1]
        deriv = np.abs(self.local_act[layer][0])
        if layer == self.n_layers - 1:
            softmax = self.spec.activations[layer] == "softmax"
            self.dE_dout[layer] = [None] * width if softmax else [float(v) for v in lt.out.grad[0]]
            self.paths[layer] = [()] * width
            if softmax:  # dE/dnet = p - t
                size = np.abs(_softmax(lt.net)[0]) + np.abs(self.t[0])
            else:
                size = np.abs(lt.out.grad[0]) * deriv
            self.size[layer] = [float(v) for v in size]
            return
        nxt = self.layers[layer + 1]
        # with 1/2-SSE or MSE, E_total = sum_o E_o and the path through o is dE_o/dout_h
        separable = self.spec.loss != "cross_entropy" and layer + 1 == self.n_layers - 1
        for j, nj in enumerate(self.names[layer + 1]):
            terms = []
            for k, nk in enumerate(self.names[layer + 2]):
                num = f"E_{nk}" if separable else LOSS_SYMBOL
                delta = Factor(num, f"net_{nk}", float(nxt.net.grad[0, k]), "engine")
                grad_x = self.local_linear[layer + 1][k][0]
                link = Factor(f"net_{nk}", f"out_{nj}", float(grad_x[j]), "Linear.backward")
                label = (num, f"out_{nj}") if separable else None
                terms.append(Term((delta, link), delta.value * link.value, label))
            total = math.fsum(tm.value for tm in terms)
            size = math.fsum(
                self.size[layer + 1][k] * abs(tm.factors[1].value) for k, tm in enumerate(terms)
            )
            check_agree(f"dE/dout_{nj} (sum over paths)", total, float(lt.out.grad[0, j]), size)
            self.dE_dout[layer].append(total)
            self.paths[layer].append(tuple(terms))
            self.size[layer].append(size * float(deriv[j]))

    def neuron(self, layer: int, k: int) -> Neuron:
        """Forward values and errors of neuron ``k`` of weight layer ``layer`` (0-based)."""
        spec, lt = self.spec, self.layers[layer]
        nk = self.names[layer + 1][k]
        act = spec.activations[layer]
        shared = spec.shared_bias[layer]
        w_data, b_data = self.net.weights[layer].data, self.net.biases[layer].data
        bias_name = spec.bias_names[layer][0 if shared else k]
        bias_value = float(b_data[0 if shared else k])
        ins = tuple(
            (
                spec.weight_names[layer][k][j],
                float(w_data[k, j]),
                self.names[layer][j],
                float(lt.inputs.data[0, j]),
            )
            for j in range(w_data.shape[1])
        )
        net_k = float(lt.net.data[0, k])
        weighted = [w * v for _, w, _, v in ins] + [bias_value]
        check_agree(
            f"net_{nk} = sum of weighted inputs + bias",
            math.fsum(weighted),
            net_k,
            sum(abs(v) for v in weighted),
        )
        deriv, deriv_src = self.local_act[layer]
        if act == "softmax":
            with no_grad():
                out_k = float(_softmax(lt.net)[0, k])
            dout, deriv_src = None, None
        else:
            out_k, dout = float(lt.out.data[0, k]), float(deriv[k])
            check_agree(
                f"dE/dnet_{nk} = dE/dout_{nk} * dout_{nk}/dnet_{nk}",
                self.dE_dout[layer][k] * dout,
                float(lt.net.grad[0, k]),
                self.size[layer][k],
            )
        return Neuron(
            name=nk,
            layer=layer + 1,
            index=k,
            out=out_k,
            net=net_k,
            activation=act,
            bias=bias_name,
            bias_value=bias_value,
            inputs=ins,
            dE_dout=self.dE_dout[layer][k],
            dout_dnet=dout,
            dE_dnet=float(lt.net.grad[0, k]),
            dout_dnet_source=deriv_src,
            paths=self.paths[layer][k],
        )

    def head(self, layer: int, k: int) -> list[Factor]:
        """The factors dE/dnet_k is made of: dE/dout_k * dout_k/dnet_k (or dE/dnet_k alone)."""
        nk = self.names[layer + 1][k]
        lt = self.layers[layer]
        if self.spec.activations[layer] == "softmax":
            return [Factor(LOSS_SYMBOL, f"net_{nk}", float(lt.net.grad[0, k]), "engine")]
        deriv, deriv_src = self.local_act[layer]
        src = "engine" if layer == self.n_layers - 1 else "sum of paths"
        return [
            Factor(LOSS_SYMBOL, f"out_{nk}", self.dE_dout[layer][k], src),
            Factor(f"out_{nk}", f"net_{nk}", float(deriv[k]), deriv_src),
        ]

    def weight_chains(self, layer: int) -> dict[str, Chain]:
        """dE/dw = dE/dout_k * dout_k/dnet_k * dnet_k/dw for every weight of ``layer``."""
        chains = {}
        w_grad = self.net.weights[layer].grad
        for k, nk in enumerate(self.names[layer + 1]):
            gw = self.local_linear[layer][k][1]
            for j, nj in enumerate(self.names[layer]):
                name = self.spec.weight_names[layer][k][j]
                last = Factor(f"net_{nk}", name, float(gw[k, j]), "Linear.backward")
                factors = (*self.head(layer, k), last)
                value, engine = _product(factors), float(w_grad[k, j])
                self.chain_size[name] = self.size[layer][k] * abs(last.value)
                check_agree(f"dE_total/d{name}", value, engine, self.chain_size[name])
                chains[name] = Chain(
                    name,
                    "weight",
                    layer + 1,
                    nj,
                    nk,
                    LOSS_SYMBOL,
                    (Term(factors, value),),
                    value,
                    engine,
                )
        return chains

    def bias_chains(self, layer: int) -> dict[str, Chain]:
        """dE/db: one product per neuron the bias feeds (all of the layer's for a shared one)."""
        chains = {}
        shared = self.spec.shared_bias[layer]
        outs = self.names[layer + 1]
        for bi, name in enumerate(self.spec.bias_names[layer]):
            feeds = list(enumerate(outs)) if shared else [(bi, outs[bi])]
            terms = []
            size = 0.0
            for k, nk in feeds:
                gb = self.local_linear[layer][k][2]
                last = Factor(f"net_{nk}", name, float(gb[bi]), "Linear.backward")
                factors = (*self.head(layer, k), last)
                terms.append(Term(factors, _product(factors)))
                size += self.size[layer][k] * abs(last.value)
            value = math.fsum(tm.value for tm in terms)
            engine = float(self.net.biases[layer].grad[bi])
            self.chain_size[name] = size
            check_agree(f"dE_total/d{name}", value, engine, size)
            target = None if shared else outs[bi]
            chains[name] = Chain(
                name, "bias", layer + 1, None, target, LOSS_SYMBOL, tuple(terms), value, engine
            )
        return chains

    def record(self) -> SampleTrace:
        neurons = {
            name: Neuron(name=name, layer=0, index=j, out=float(self.x[0, j]))
            for j, name in enumerate(self.names[0])
        }
        chains: dict[str, Chain] = {}
        for layer in range(self.n_layers):
            for k, nk in enumerate(self.names[layer + 1]):
                neurons[nk] = self.neuron(layer, k)
            chains.update(self.weight_chains(layer))
            chains.update(self.bias_chains(layer))
        outs = self.names[-1]
        return SampleTrace(
            index=self.index,
            inputs=dict(zip(self.names[0], self.sample.inputs)),
            targets=dict(zip(outs, self.sample.targets)),
            neurons=neurons,
            errors={f"E_{o}": float(e) for o, e in zip(outs, self.errors)},
            loss=self.loss,
            chains=chains,
        )


def _trace_sample(spec: NetworkSpec, index: int, sample: Sample) -> tuple[SampleTrace, dict]:
    """Record one sample: forward values, errors and every parameter's chain (and their sizes)."""
    recorder = _SampleRecorder(spec, index, sample)
    return recorder.record(), recorder.chain_size


def _softmax(net: Any) -> np.ndarray:
    """softmax(net) by the engine's Softmax op: the probabilities cross-entropy compares."""
    return ops.Softmax.apply(net, axis=-1).data


def _coerce_samples(samples: Any, spec: NetworkSpec) -> list[Sample]:
    if samples is None:
        return list(spec.samples)
    items = []
    for s in samples:
        if isinstance(s, Sample):
            items.append({"inputs": list(s.inputs), "targets": list(s.targets)})
        elif isinstance(s, dict):
            items.append(s)
        else:
            x, y = s
            items.append({"inputs": x, "targets": y})
    d = spec.to_dict()
    d.pop("samples")
    return make_spec(**d, samples=items, max_weights=spec.n_weights).samples


def trace(
    spec: NetworkSpec | None = None, samples: Any = None, steps: int = 1, every: int | None = None
) -> Explanation:
    """Run one training step of ``spec`` through the engine and record it as the chain rule.

    Parameters
    ----------
    spec : NetworkSpec, optional
        The network (default: the textbook 2-2-2 example, :func:`textbook_spec`).
    samples : sequence, optional
        Replace the spec's samples: ``[(inputs, targets), ...]`` or ``Sample`` objects.
    steps : int
        Training steps in all (>= 1). The first is narrated; with more, the error of the
        following full-batch gradient-descent steps is logged in ``.training``.
    every : int, optional
        Log the error every ``every`` steps (default: about ten rows).

    Returns
    -------
    Explanation
        ``.samples[n].neurons``, ``.chains["w5"]`` (factors, product, engine gradient),
        ``.gradients``, ``.updates``, ``.training``.

    Raises
    ------
    ChainRuleMismatch
        If a product of factors disagrees with the engine's gradient (never expected).

    Examples
    --------
    >>> from retrograd.explainer import trace
    >>> ex = trace()
    >>> c = ex.chains["w1"]
    >>> round(c.product, 9), round(ex.updates["w1"].new, 9)
    (0.000438568, 0.149780716)
    """
    from retrograd.explainer.training import train_steps
    from retrograd.optim import SGD

    spec = spec if spec is not None else make_spec()
    if int(steps) != steps or steps < 1:
        raise SpecError(f"steps: expected a whole number >= 1, got {steps!r}")
    sample_list = _coerce_samples(samples, spec)
    if samples is not None:
        spec = NetworkSpec(
            spec.layer_sizes,
            spec.activations,
            spec.loss,
            spec.lr,
            spec.weights,
            spec.biases,
            sample_list,
            spec.shared_bias,
            spec.update_biases,
        )
    recorded = [_trace_sample(spec, n, s) for n, s in enumerate(sample_list)]
    traces = [tr for tr, _ in recorded]

    # the batch: one forward/backward over every sample, as training would do it
    net = ExplainedNetwork(spec)
    x = np.array([s.inputs for s in sample_list])
    t = np.array([s.targets for s in sample_list])
    _, loss = net.forward(x, t)
    loss.backward()
    batch_loss = loss.item()
    per_sample_losses = [tr.loss for tr in traces]
    narrated_loss = math.fsum(per_sample_losses)
    if spec.reduction == "mean":
        narrated_loss /= len(traces)
    check_agree("batch error", narrated_loss, batch_loss)

    params = spec.parameter_values()
    engine_grads = {}
    for layer, names in enumerate(spec.weight_names):
        for k, row in enumerate(names):
            for j, name in enumerate(row):
                engine_grads[name] = float(net.weights[layer].grad[k, j])
    for layer, names in enumerate(spec.bias_names):
        for k, name in enumerate(names):
            engine_grads[name] = float(net.biases[layer].grad[k])
    gradients = {}
    scales: dict[str, float] = {}
    for name in params:
        per = tuple(tr.chains[name].value for tr in traces)
        count = len(per) if spec.reduction == "mean" else 1
        value = math.fsum(per) / count
        # judge rounding against the size of every product summed (a shared bias under
        # softmax has a gradient of exactly 0 made of terms of size ~1)
        scale = sum(sizes[name] for _, sizes in recorded) / count
        scales[name] = scale
        check_agree(f"batch dE/d{name}", value, engine_grads[name], scale)
        gradients[name] = Gradient(name, per, spec.reduction, value, engine_grads[name])

    # the update, by the library's own SGD
    old = {name: v for name, v in params.items()}
    optimizer = SGD(net.parameters(include_biases=spec.update_biases), lr=spec.lr)
    optimizer.step()
    new_spec = spec.with_parameters(*net.parameter_arrays())
    new = new_spec.parameter_values()
    updates = {}
    for name in params:
        applied = name.startswith("w") or spec.update_biases
        expected = old[name] - spec.lr * gradients[name].value if applied else old[name]
        check_agree(
            f"update of {name}", expected, new[name], abs(old[name]) + spec.lr * scales[name]
        )
        updates[name] = Update(name, old[name], spec.lr, gradients[name].value, new[name], applied)
    with no_grad():
        _, loss_after = net.forward(x, t)

    explanation = Explanation(spec, traces, gradients, updates, batch_loss, loss_after.item())
    if steps > 1:
        explanation.training = train_steps(
            net, optimizer, x, t, steps, every, first=(batch_loss, loss_after.item())
        )
    return explanation
