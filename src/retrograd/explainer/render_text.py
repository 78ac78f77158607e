"""Render an :class:`~retrograd.explainer.records.Explanation` as aligned plain text."""

from __future__ import annotations

from collections.abc import Sequence

from retrograd.explainer.formatting import (
    activation_text,
    dE_dnet_softmax_text,
    dE_dout_text,
    fmt,
    fmt_factor,
    loss_text,
    output_error_text,
    signed_sum,
    weighted_sum_text,
)
from retrograd.explainer.naming import layer_group
from retrograd.explainer.records import Chain, Explanation, Factor, SampleTrace
from retrograd.explainer.spec import NetworkSpec

OK = "\u2713"  # the check mark: the product equals the engine's gradient (checked, 1e-9)


def aligned_product(
    lhs: str,
    factors: Sequence[Factor],
    value: float,
    engine: float | None,
    digits: int,
    indent: str = "  ",
) -> list[str]:
    """Three lines: the factors' symbols, their values under them, and the product.

    >>> from retrograd.explainer.records import Factor
    >>> print("\\n".join(aligned_product("dE/dw", [Factor("a", "b", 0.5), Factor("b", "w", 2.0)],
    ...                                  1.0, 1.0, 9)))
      dE/dw = ∂a/∂b · ∂b/∂w
            = 0.5   · 2
            = 1   (engine: 1 ✓)
    """
    syms = [f.symbol for f in factors]
    vals = [fmt_factor(f.value, digits, i == 0) for i, f in enumerate(factors)]
    widths = [max(len(s), len(v)) for s, v in zip(syms, vals)]
    pad = " " * len(lhs)
    line1 = " · ".join(s.ljust(w) for s, w in zip(syms, widths)).rstrip()
    line2 = " · ".join(v.ljust(w) for v, w in zip(vals, widths)).rstrip()
    tail = f"   (engine: {fmt(engine, digits)} {OK})" if engine is not None else ""
    return [
        f"{indent}{lhs} = {line1}",
        f"{indent}{pad} = {line2}",
        f"{indent}{pad} = {fmt(value, digits)}{tail}",
    ]


def _network(spec: NetworkSpec, digits: int) -> list[str]:
    names = spec.neuron_names
    groups = []
    for layer, ns in enumerate(names):
        label = f"{ns[0]}..{ns[-1]}" if len(ns) > 1 else ns[0]
        if layer == 0:
            groups.append(f"{label} (inputs)")
        else:
            groups.append(f"{label} ({spec.activations[layer - 1]})")
    out = ["Network", f"  layers         {' -> '.join(groups)}"]
    out.append(f"  error          {loss_text(spec.loss)}")
    if len(spec.samples) > 1:
        how = "sum" if spec.reduction == "sum" else "mean"
        out.append(f"  batch error    E = {how} of the {len(spec.samples)} samples' E_total")
    out.append(f"  learning rate  \u03b7 = {fmt(spec.lr, digits)}")
    out.append("  weights")
    for layer, rows in enumerate(spec.weight_names):
        table = [
            [
                f"{w} = {fmt(float(spec.weights[layer][k, j]), digits)} "
                f"({names[layer][j]} -> {names[layer + 1][k]})"
                for j, w in enumerate(row)
            ]
            for k, row in enumerate(rows)
        ]
        widths = [max(len(r[j]) for r in table) for j in range(len(table[0]))]
        for cells in table:
            out.append("    " + "   ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip())
    fixed = "updated" if spec.update_biases else "kept fixed; --update-biases updates them"
    out.append(f"  biases ({fixed})")
    for layer, bnames in enumerate(spec.bias_names):
        if spec.shared_bias[layer]:
            feeds = ", ".join(names[layer + 1])
            out.append(
                f"    {bnames[0]} = {fmt(float(spec.biases[layer][0]), digits)} (shared by {feeds})"
            )
        else:
            cells = [f"{b} = {fmt(float(v), digits)}" for b, v in zip(bnames, spec.biases[layer])]
            out.append("    " + "   ".join(cells))
    return out


def _forward(spec: NetworkSpec, tr: SampleTrace, digits: int) -> list[str]:
    f = lambda x: fmt(x, digits)  # noqa: E731
    ins = ", ".join(f"{k} = {f(v)}" for k, v in tr.inputs.items())
    tgs = ", ".join(f"target_{k} = {f(v)}" for k, v in tr.targets.items())
    out = [f"Forward pass   {ins};   {tgs}"]
    names = spec.neuron_names
    for layer in range(1, len(names)):
        for nk in names[layer]:
            n = tr.neurons[nk]
            src = [nj if layer == 1 else f"out_{nj}" for _, _, nj, _ in n.inputs]
            symbolic = " + ".join(f"{w}·{s}" for (w, _, _, _), s in zip(n.inputs, src))
            numeric = weighted_sum_text([(wv, x) for _, wv, _, x in n.inputs], n.bias_value, digits)
            out.append(f"  net_{nk} = {symbolic} + {n.bias} = {numeric} = {f(n.net)}")
            if n.activation == "softmax":
                out.append(f"  out_{nk} = softmax(net)_{nk} = {f(n.out)}")
            else:
                formula, _ = activation_text(n.activation, nk)
                call = f"{n.activation}(net_{nk})"
                middle = "" if formula == call else f" = {formula}"
                out.append(f"  out_{nk} = {call}{middle} = {f(n.out)}")
    out.append("")
    n_out = spec.layer_sizes[-1]
    for o in names[-1]:
        t, y = tr.targets[o], tr.neurons[o].out
        if spec.loss == "half_sse":
            plug = f"1/2 ({f(t)} - {f(y)})^2"
        elif spec.loss == "mse":
            plug = f"({f(t)} - {f(y)})^2 / {n_out}"
        elif spec.loss == "binary_cross_entropy":
            k = "" if n_out == 1 else f" / {n_out}"
            plug = f"-[{f(t)} · log({f(y)}) + {f(1 - t)} · log({f(1 - y)})]{k}"
        else:
            plug = f"-{f(t)} · log({f(y)})"
        out.append(
            f"  E_{o} = {output_error_text(spec.loss, o, n_out)} = {plug} = "
            f"{f(tr.errors['E_' + o])}"
        )
    parts = " + ".join(f"E_{o}" for o in names[-1])
    values = signed_sum([tr.errors["E_" + o] for o in names[-1]], digits)
    if len(names[-1]) == 1:
        out.append(f"  E_total = {parts} = {f(tr.loss)}")
    else:
        out.append(f"  E_total = {parts} = {values} = {f(tr.loss)}")
    return out


def chain_lines(chain: Chain, digits: int = 9, note: str = "") -> list[str]:
    """One chain as aligned lines: factors, values, product and the engine's gradient."""
    lhs = f"\u2202{chain.loss}/\u2202{chain.param}"
    if len(chain.terms) == 1:
        lines = aligned_product(lhs, chain.factors, chain.value, chain.engine_grad, digits)
    else:
        feeds = ", ".join(t.factors[-1].num.removeprefix("net_") for t in chain.terms)
        lines = [f"  {lhs} = sum over the neurons it feeds ({feeds}) of the chain:"]
        for term in chain.terms:
            via = term.factors[-1].num.removeprefix("net_")
            syms = " · ".join(fa.symbol for fa in term.factors)
            vals = " · ".join(
                fmt_factor(fa.value, digits, i == 0) for i, fa in enumerate(term.factors)
            )
            lines.append(f"    via {via}: {syms} = {vals} = {fmt(term.value, digits)}")
        lines.append(
            f"  {' ' * len(lhs)} = {fmt(chain.value, digits)}   "
            f"(engine: {fmt(chain.engine_grad, digits)} {OK})"
        )
    if note:
        lines[-1] += f"   {note}"
    return lines


def _backward(spec: NetworkSpec, tr: SampleTrace, digits: int) -> list[str]:
    f = lambda x: fmt(x, digits)  # noqa: E731
    names = spec.neuron_names
    n_out = spec.layer_sizes[-1]
    out: list[str] = []
    for layer in reversed(range(1, len(names))):
        last = layer == len(names) - 1
        title = "output layer" if last else f"hidden layer {layer_group(layer, len(names))}"
        out += ["", f"Backward pass, {title}"]
        for nk in names[layer]:
            n = tr.neurons[nk]
            if n.activation == "softmax":
                out.append(
                    f"  {nk}: \u2202E_total/\u2202net_{nk} = {dE_dnet_softmax_text(nk)} "
                    f"= {f(n.dE_dnet)}   (softmax and cross-entropy together)"
                )
                continue
            if last:
                out.append(
                    f"  {nk}: \u2202E_total/\u2202out_{nk} = "
                    f"{dE_dout_text(spec.loss, nk, n_out)} = {f(n.dE_dout)}"
                )
            else:
                if n.paths[0].label is not None:
                    labels = " + ".join(f"\u2202{t.label[0]}/\u2202{t.label[1]}" for t in n.paths)
                else:
                    nxt = ", ".join(t.factors[0].den.removeprefix("net_") for t in n.paths)
                    labels = f"sum over {nxt} of \u2202E_total/\u2202net · \u2202net/\u2202out_{nk}"
                out.append(
                    f"  {nk}: \u2202E_total/\u2202out_{nk} = {labels}   "
                    f"(every path from {nk} to the error)"
                )
                for t in n.paths:
                    a, b = t.factors
                    head = (
                        f"\u2202{t.label[0]}/\u2202{t.label[1]} ="
                        if t.label is not None
                        else f"via {a.den.removeprefix('net_')}:"
                    )
                    out.append(
                        f"        {head} {a.symbol} · {b.symbol} = {f(a.value)} · "
                        f"{fmt_factor(b.value, digits)} = {f(t.value)}"
                    )
                if len(n.paths) > 1:
                    values = signed_sum([t.value for t in n.paths], digits)
                    out.append(f"      \u2202E_total/\u2202out_{nk} = {values} = {f(n.dE_dout)}")
            _, deriv = activation_text(n.activation, nk)
            out.append(f"      \u2202out_{nk}/\u2202net_{nk} = {deriv} = {f(n.dout_dnet)}")
            out.append(
                f"      \u03b4_{nk} = \u2202E_total/\u2202net_{nk} = {f(n.dE_dout)} · "
                f"{fmt_factor(n.dout_dnet, digits)} = {f(n.dE_dnet)}"
            )
        out.append("")
        for k, nk in enumerate(names[layer]):
            for j, nj in enumerate(names[layer - 1]):
                chain = tr.chains[spec.weight_names[layer - 1][k][j]]
                src = nj if layer == 1 else f"out_{nj}"
                out += chain_lines(chain, digits, f"[\u2202net_{nk}/\u2202{chain.param} = {src}]")
        fixed = "" if spec.update_biases else "[kept fixed]"
        for bname in spec.bias_names[layer - 1]:
            out += chain_lines(tr.chains[bname], digits, fixed)
    return out


def _batch(ex: Explanation, digits: int) -> list[str]:
    spec = ex.spec
    n = len(ex.samples)
    how = "sum" if spec.reduction == "sum" else f"mean (sum / {n})"
    out = ["", f"Batch gradient: the {how} of the per-sample chains above"]
    width = max(len(name) for name in ex.gradients)
    for name, g in ex.gradients.items():
        parts = signed_sum(g.per_sample, digits)
        expr = f"({parts}) / {n}" if g.reduction == "mean" else parts
        out.append(
            f"  \u2202E/\u2202{name.ljust(width)} = {expr} = {fmt(g.value, digits)}   "
            f"(engine: {fmt(g.engine_grad, digits)} {OK})"
        )
    return out


def _updates(ex: Explanation, digits: int) -> list[str]:
    spec = ex.spec
    f = lambda x: fmt(x, digits)  # noqa: E731
    err = "E_total" if len(ex.samples) == 1 else "E"
    out = ["", f"Update (\u03b7 = {f(spec.lr)}): w\u207a = w - \u03b7 · \u2202{err}/\u2202w"]
    width = max(len(name) for name in ex.updates)
    fixed = []
    for name, u in ex.updates.items():
        if not u.applied:
            fixed.append(name)
            continue
        out.append(
            f"  {(name + chr(0x207A)).ljust(width + 1)} = {f(u.old)} - {f(u.lr)} · "
            f"{fmt_factor(u.grad, digits)} = {f(u.new)}"
        )
    if fixed:
        out.append(
            f"  {', '.join(fixed)} kept fixed (update_biases=True / --update-biases "
            "updates them too)"
        )
    out += ["", "New weights"]
    names = list(ex.updates)
    for i in range(0, len(names), 4):
        out.append("  " + "   ".join(f"{n} = {f(ex.updates[n].new)}" for n in names[i : i + 4]))
    out += ["", f"{err} before the update: {f(ex.loss)}   after: {f(ex.loss_after)}"]
    return out


def _training(ex: Explanation, digits: int) -> list[str]:
    log = ex.training
    assert log is not None
    err = "E_total" if len(ex.samples) == 1 else "E"
    out = [
        "",
        f"Training on: {log.total_steps} steps of full-batch gradient descent "
        f"(\u03b7 = {fmt(ex.spec.lr, digits)})",
    ]
    width = max(len("step"), len(str(log.steps[-1])))
    out.append(f"  {'step'.rjust(width)}   {err}")
    for s, e in zip(log.steps, log.losses):
        out.append(f"  {str(s).rjust(width)}   {fmt(e, digits)}")
    if log.stopped:
        out.append(f"  stopped: {log.stopped}")
    out += ["", f"Outputs after {log.total_steps} steps (targets in brackets)"]
    for n, (o, t) in enumerate(zip(log.outputs, log.targets), start=1):
        cells = [f"{k} = {fmt(v, digits)} [{fmt(t[k], digits)}]" for k, v in o.items()]
        out.append(f"  sample {n}: " + "   ".join(cells))
    return out


def render_text(ex: Explanation, digits: int = 9) -> str:
    """The whole explanation as aligned plain text (``digits`` significant digits).

    Parameters
    ----------
    ex : Explanation
    digits : int
        Significant digits of every printed number (9 by default).
    """
    if digits < 1:
        raise ValueError(f"digits: expected a whole number >= 1, got {digits}")
    spec = ex.spec
    sizes = "-".join(map(str, spec.layer_sizes))
    lines = [
        f"Backpropagation, weight by weight: a {sizes} network, one training step",
        f"(every number was recorded from retrograd's engine; {OK} = the chain-rule product "
        "equals the engine's gradient)",
        "",
    ]
    lines += _network(spec, digits)
    for tr in ex.samples:
        lines.append("")
        if len(ex.samples) > 1:
            lines += [f"=== Sample {tr.index + 1} of {len(ex.samples)} ===", ""]
        lines += _forward(spec, tr, digits)
        lines += _backward(spec, tr, digits)
    if len(ex.samples) > 1:
        lines += _batch(ex, digits)
    lines += _updates(ex, digits)
    if ex.training is not None:
        lines += _training(ex, digits)
    return "\n".join(lines) + "\n"
