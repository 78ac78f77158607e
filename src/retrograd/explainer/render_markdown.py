"""Render an :class:`~retrograd.explainer.records.Explanation` as Markdown with LaTeX math.

Inline math uses ``$...$`` and displayed equations ``$$...$$`` (GitHub, Jupyter, Obsidian
and pandoc all understand both).
"""

from __future__ import annotations

from collections.abc import Sequence

from retrograd.explainer.formatting import (
    activation_latex,
    fmt,
    latex_name,
    latex_number,
    latex_partial,
    loss_latex,
    weighted_sum_text,
)
from retrograd.explainer.naming import layer_group
from retrograd.explainer.records import Chain, Explanation, Factor, SampleTrace
from retrograd.explainer.spec import NetworkSpec


def _num(x: float | None, digits: int, paren: bool = False) -> str:
    s = latex_number(x, digits)
    return f"({s})" if paren and s.startswith("-") else s


def _sum(values: Sequence[float], digits: int) -> str:
    out = ""
    for i, v in enumerate(values):
        s = latex_number(v, digits)
        out = s if i == 0 else out + (f" - {s[1:]}" if s.startswith("-") else f" + {s}")
    return out


def _factors(factors: Sequence[Factor], digits: int) -> tuple[str, str]:
    syms = r" \cdot ".join(latex_partial(f.num, f.den) for f in factors)
    vals = r" \cdot ".join(_num(f.value, digits, i > 0) for i, f in enumerate(factors))
    return syms, vals


def chain_markdown(chain: Chain, digits: int = 9) -> str:
    """One chain as a ``$$`` LaTeX block followed by the engine's gradient."""
    lhs = latex_partial(chain.loss, chain.param)
    if len(chain.terms) == 1:
        syms, vals = _factors(chain.factors, digits)
        return (
            f"$$\n{lhs} = {syms}\n= {vals}\n= {latex_number(chain.value, digits)}\n$$\n\n"
            f"Engine: `{fmt(chain.engine_grad, digits)}` \u2713\n"
        )
    rows = []
    for term in chain.terms:
        syms, vals = _factors(term.factors, digits)
        rows.append(rf"&\quad {syms} = {vals} = {latex_number(term.value, digits)} \\")
    body = "\n".join(rows)
    return (
        f"$$\n\\begin{{aligned}}\n{lhs} &= \\sum \\text{{over the neurons it feeds:}} \\\\\n"
        f"{body}\n&= {latex_number(chain.value, digits)}\n\\end{{aligned}}\n$$\n\n"
        f"Engine: `{fmt(chain.engine_grad, digits)}` \u2713\n"
    )


def _network(spec: NetworkSpec, digits: int) -> list[str]:
    names = spec.neuron_names
    out = ["## Network", "", "| layer | neurons | activation |", "|---|---|---|"]
    for layer, ns in enumerate(names):
        act = "(inputs)" if layer == 0 else spec.activations[layer - 1]
        out.append(f"| {layer_group(layer, len(names))} | {', '.join(ns)} | {act} |")
    out += [
        "",
        f"Error: ${loss_latex(spec.loss)}$; learning rate $\\eta = {fmt(spec.lr, digits)}$.",
    ]
    if len(spec.samples) > 1:
        how = "sum" if spec.reduction == "sum" else "mean"
        out.append(
            f"The batch error $E$ is the {how} of the {len(spec.samples)} samples' $E_{{total}}$."
        )
    out += ["", "| weight | from | to | value |", "|---|---|---|---|"]
    for layer, rows in enumerate(spec.weight_names):
        for k, row in enumerate(rows):
            for j, w in enumerate(row):
                value = fmt(float(spec.weights[layer][k, j]), digits)
                out.append(
                    f"| ${latex_name(w)}$ | {names[layer][j]} | {names[layer + 1][k]} | {value} |"
                )
    fixed = "updated" if spec.update_biases else "kept fixed; update_biases=True updates them"
    out += ["", f"Biases ({fixed}):"]
    for layer, bnames in enumerate(spec.bias_names):
        for k, b in enumerate(bnames):
            feeds = ", ".join(names[layer + 1]) if spec.shared_bias[layer] else names[layer + 1][k]
            out.append(
                f"- ${latex_name(b)} = {fmt(float(spec.biases[layer][k]), digits)}$ (into {feeds})"
            )
    return out


def _forward(spec: NetworkSpec, tr: SampleTrace, digits: int) -> list[str]:
    names = spec.neuron_names
    ins = ", ".join(f"${latex_name(k)} = {latex_number(v, digits)}$" for k, v in tr.inputs.items())
    tgs = ", ".join(
        f"$\\mathit{{target}}_{{{k}}} = {latex_number(v, digits)}$" for k, v in tr.targets.items()
    )
    out = ["### Forward pass", "", f"Inputs {ins}; targets {tgs}.", "", "$$", r"\begin{aligned}"]
    for layer in range(1, len(names)):
        for nk in names[layer]:
            n = tr.neurons[nk]
            src = [latex_name(nj if layer == 1 else f"out_{nj}") for _, _, nj, _ in n.inputs]
            sym = " + ".join(f"{latex_name(w)} {s}" for (w, _, _, _), s in zip(n.inputs, src))
            num = weighted_sum_text(
                [(wv, x) for _, wv, _, x in n.inputs], n.bias_value, digits, r" \cdot "
            )
            net = latex_name(f"net_{nk}")
            out.append(
                f"{net} &= {sym} + {latex_name(n.bias)} = {num} = "
                f"{latex_number(n.net, digits)} \\\\"
            )
            outn = latex_name(f"out_{nk}")
            if n.activation == "softmax":
                out.append(
                    f"{outn} &= \\mathrm{{softmax}}(\\mathit{{net}})_{{{nk}}} = "
                    f"{latex_number(n.out, digits)} \\\\"
                )
            else:
                formula, _ = activation_latex(n.activation, nk)
                out.append(f"{outn} &= {formula} = {latex_number(n.out, digits)} \\\\")
    out += [r"\end{aligned}", "$$", "", "$$", r"\begin{aligned}"]
    n_out = spec.layer_sizes[-1]
    for o in names[-1]:
        t, y = _num(tr.targets[o], digits), _num(tr.neurons[o].out, digits)
        tgt, outo = f"\\mathit{{target}}_{{{o}}}", latex_name(f"out_{o}")
        if spec.loss == "half_sse":
            sym, plug = f"\\tfrac12 ({tgt} - {outo})^2", f"\\tfrac12 ({t} - {y})^2"
        elif spec.loss == "mse":
            sym, plug = f"\\tfrac{{1}}{{{n_out}}} ({tgt} - {outo})^2", f"({t} - {y})^2 / {n_out}"
        elif spec.loss == "binary_cross_entropy":
            k = "" if n_out == 1 else f"\\tfrac{{1}}{{{n_out}}}"
            sym = f"-{k}[{tgt} \\log {outo} + (1 - {tgt}) \\log (1 - {outo})]"
            one_t, one_y = _num(1 - tr.targets[o], digits), _num(1 - tr.neurons[o].out, digits)
            plug = f"-{k}[{t} \\log {y} + {one_t} \\log {one_y}]"
        else:
            sym, plug = f"-{tgt} \\log {outo}", f"-{t} \\log {y}"
        err = latex_number(tr.errors["E_" + o], digits)
        out.append(f"{latex_name('E_' + o)} &= {sym} = {plug} = {err} \\\\")
    parts = " + ".join(latex_name(f"E_{o}") for o in names[-1])
    values = _sum([tr.errors["E_" + o] for o in names[-1]], digits)
    out += [
        f"E_{{total}} &= {parts} = {values} = {latex_number(tr.loss, digits)}",
        r"\end{aligned}",
        "$$",
    ]
    return out


def _backward(spec: NetworkSpec, tr: SampleTrace, digits: int) -> list[str]:
    names = spec.neuron_names
    out: list[str] = []
    for layer in reversed(range(1, len(names))):
        last = layer == len(names) - 1
        title = "output layer" if last else f"hidden layer {layer_group(layer, len(names))}"
        out += ["", f"### Backward pass, {title}", ""]
        for nk in names[layer]:
            n = tr.neurons[nk]
            dnet = latex_partial("E_total", f"net_{nk}")
            if n.activation == "softmax":
                out.append(
                    f"- ${dnet} = {latex_name('out_' + nk)} - \\mathit{{target}}_{{{nk}}} "
                    f"= {latex_number(n.dE_dnet, digits)}$ (softmax with cross-entropy)"
                )
                continue
            dout = latex_partial("E_total", f"out_{nk}")
            if not last:
                if n.paths[0].label is not None:
                    terms = " + ".join(latex_partial(*t.label) for t in n.paths)
                else:
                    terms = (
                        r"\sum_k "
                        + latex_partial("E_total", "net_k")
                        + latex_partial("net_k", f"out_{nk}")
                    )
                parts = []
                for t in n.paths:
                    a, b = t.factors
                    head = latex_partial(*t.label) if t.label is not None else ""
                    head = f"{head} = " if head else ""
                    parts.append(
                        f"{head}{latex_partial(a.num, a.den)} \\cdot "
                        f"{latex_partial(b.num, b.den)} = {_num(a.value, digits)} \\cdot "
                        f"{_num(b.value, digits, True)} = {latex_number(t.value, digits)}"
                    )
                out.append(
                    f"- ${dout} = {terms} = {_sum([t.value for t in n.paths], digits)} "
                    f"= {latex_number(n.dE_dout, digits)}$, where"
                )
                out += [f"  - ${p}$" for p in parts]
            else:
                tgt, o = f"\\mathit{{target}}_{{{nk}}}", latex_name(f"out_{nk}")
                k = len(names[layer])
                if spec.loss == "half_sse":
                    how = f"-({tgt} - {o})"
                elif spec.loss == "binary_cross_entropy":
                    scale = "" if k == 1 else f"\\tfrac{{1}}{{{k}}}"
                    how = f"{scale}\\frac{{{o} - {tgt}}}{{{o}\\,(1 - {o})}}"
                else:
                    how = f"-\\tfrac{{2}}{{{k}}}({tgt} - {o})"
                out.append(f"- ${dout} = {how} = {latex_number(n.dE_dout, digits)}$")
            _, deriv = activation_latex(n.activation, nk)
            out.append(
                f"- ${latex_partial('out_' + nk, 'net_' + nk)} = {deriv} = "
                f"{latex_number(n.dout_dnet, digits)}$"
            )
            out.append(f"- $\\delta_{{{nk}}} = {dnet} = {latex_number(n.dE_dnet, digits)}$")
        out.append("")
        for k in range(len(names[layer])):
            for j in range(len(names[layer - 1])):
                out.append(chain_markdown(tr.chains[spec.weight_names[layer - 1][k][j]], digits))
        for bname in spec.bias_names[layer - 1]:
            out.append(chain_markdown(tr.chains[bname], digits))
    return out


def render_markdown(ex: Explanation, digits: int = 9) -> str:
    """The whole explanation as Markdown with LaTeX equations.

    Parameters
    ----------
    ex : Explanation
    digits : int
        Significant digits of every number (9 by default).
    """
    if digits < 1:
        raise ValueError(f"digits: expected a whole number >= 1, got {digits}")
    spec = ex.spec
    sizes = "-".join(map(str, spec.layer_sizes))
    lines = [
        f"# Backpropagation, weight by weight: a {sizes} network",
        "",
        "Every number below was recorded from retrograd's engine during a real forward and "
        "backward pass; every chain-rule product was checked against the engine's gradient "
        "(\u2713).",
        "",
    ]
    lines += _network(spec, digits)
    for tr in ex.samples:
        if len(ex.samples) > 1:
            lines += ["", f"## Sample {tr.index + 1} of {len(ex.samples)}"]
        lines.append("")
        lines += _forward(spec, tr, digits)
        lines += _backward(spec, tr, digits)
    err = "E_{total}" if len(ex.samples) == 1 else "E"
    if len(ex.samples) > 1:
        how = "sum" if spec.reduction == "sum" else "mean"
        lines += [
            "",
            "## Batch gradient",
            "",
            f"The {how} of the per-sample chains:",
            "",
            "| parameter | per sample | batch | engine |",
            "|---|---|---|---|",
        ]
        for name, g in ex.gradients.items():
            per = ", ".join(fmt(v, digits) for v in g.per_sample)
            lines.append(
                f"| ${latex_name(name)}$ | {per} | {fmt(g.value, digits)} | "
                f"{fmt(g.engine_grad, digits)} \u2713 |"
            )
    lines += [
        "",
        "## Update",
        "",
        f"$$w^+ = w - \\eta \\cdot \\frac{{\\partial {err}}}{{\\partial w}}, \\qquad "
        f"\\eta = {fmt(spec.lr, digits)}$$",
        "",
        "| parameter | old | gradient | new |",
        "|---|---|---|---|",
    ]
    for name, u in ex.updates.items():
        new = fmt(u.new, digits) + ("" if u.applied else " (kept fixed)")
        lines.append(
            f"| ${latex_name(name)}$ | {fmt(u.old, digits)} | {fmt(u.grad, digits)} | {new} |"
        )
    lines += [
        "",
        f"${err}$ before the update: {fmt(ex.loss, digits)}; after: {fmt(ex.loss_after, digits)}.",
    ]
    if ex.training is not None:
        log = ex.training
        lines += [
            "",
            "## Training on",
            "",
            f"{log.total_steps} steps of full-batch gradient descent.",
            "",
            f"| step | ${err}$ |",
            "|---:|---|",
        ]
        lines += [f"| {s} | {fmt(e, digits)} |" for s, e in zip(log.steps, log.losses)]
        if log.stopped:
            lines += ["", f"Stopped: {log.stopped}."]
        lines += ["", "| sample | output | value | target |", "|---|---|---|---|"]
        for n, (o, t) in enumerate(zip(log.outputs, log.targets), start=1):
            for k, v in o.items():
                lines.append(f"| {n} | {k} | {fmt(v, digits)} | {fmt(t[k], digits)} |")
    return "\n".join(lines) + "\n"
