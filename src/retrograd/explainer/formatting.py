"""Numbers, symbols and the derivative formulas shared by the text and Markdown renderers."""

from __future__ import annotations

import math
from collections.abc import Sequence

#: how each activation is written, and its derivative in terms of out (or net)
ACTIVATION_TEXT = {
    "sigmoid": ("1 / (1 + e^-{net})", "{out} (1 - {out})"),
    "tanh": ("tanh({net})", "1 - {out}^2"),
    "relu": ("max(0, {net})", "1 if {net} > 0 else 0"),
    "identity": ("{net}", "1"),
    "leaky_relu": ("{net} if {net} > 0 else 0.01 {net}", "1 if {net} > 0 else 0.01"),
    "elu": ("{net} if {net} > 0 else e^{net} - 1", "1 if {net} > 0 else {out} + 1"),
}
ACTIVATION_LATEX = {
    "sigmoid": (r"\frac{{1}}{{1 + e^{{-{net}}}}}", r"{out}\,(1 - {out})"),
    "tanh": (r"\tanh({net})", r"1 - {out}^2"),
    "relu": (r"\max(0, {net})", r"[{net} > 0]"),
    "identity": (r"{net}", r"1"),
    "leaky_relu": (r"\max(0.01\,{net}, {net})", r"[{net} > 0] + 0.01\,[{net} \le 0]"),
    "elu": (
        r"\begin{{cases}} {net} & {net} > 0 \\ e^{{{net}}} - 1 & \text{{else}} \end{{cases}}",
        r"\begin{{cases}} 1 & {net} > 0 \\ {out} + 1 & \text{{else}} \end{{cases}}",
    ),
}


def fmt(x: float | None, digits: int = 9) -> str:
    """``x`` with ``digits`` significant digits (``0.593269992``; ``-1.5e-07``)."""
    if x is None:
        return "-"
    if not math.isfinite(x):
        return str(x)
    if x == 0:
        return "0"
    return f"{x:.{digits}g}"


def fmt_factor(x: float | None, digits: int = 9, first: bool = False) -> str:
    """A number inside a product: negative values get parentheses unless they come first."""
    s = fmt(x, digits)
    return f"({s})" if s.startswith("-") and not first else s


def signed_sum(values: Sequence[float], digits: int = 9) -> str:
    """``'0.05 - 0.02 + 0.01'`` for the values ``[0.05, -0.02, 0.01]``."""
    out = ""
    for i, v in enumerate(values):
        s = fmt(v, digits)
        if i == 0:
            out = s
        elif s.startswith("-"):
            out += f" - {s[1:]}"
        else:
            out += f" + {s}"
    return out


def weighted_sum_text(
    pairs: Sequence[tuple[float, float]], bias: float | None, digits: int = 9, times: str = "·"
) -> str:
    """``'0.15·0.05 + 0.2·0.1 + 0.35'``; negative terms subtract, negative inputs get brackets."""
    parts = [f"{fmt(w, digits)}{times}{fmt_factor(x, digits)}" for w, x in pairs]
    if bias is not None:
        parts.append(fmt(bias, digits))
    out = ""
    for i, p in enumerate(parts):
        if i == 0:
            out = p
        elif p.startswith("-"):
            out += f" - {p[1:]}"
        else:
            out += f" + {p}"
    return out


def latex_name(name: str) -> str:
    """``'out_o1' -> '\\mathit{out}_{o1}'``, ``'w5' -> 'w_{5}'``, ``'E_total' -> 'E_{total}'``."""
    base, sep, sub = name.partition("_")
    if not sep:
        if name[0] in "wbi" and name[1:].isdigit():
            return f"{name[0]}_{{{name[1:]}}}"
        return name
    base = base if len(base) == 1 else f"\\mathit{{{base}}}"
    return f"{base}_{{{sub.replace('_', ',')}}}"


def latex_partial(num: str, den: str) -> str:
    r"""``\frac{\partial E_{total}}{\partial out_{o1}}``."""
    return rf"\frac{{\partial {latex_name(num)}}}{{\partial {latex_name(den)}}}"


def latex_number(x: float | None, digits: int = 9) -> str:
    """A number for LaTeX: ``1.5e-07`` becomes ``1.5 \\times 10^{-7}``."""
    s = fmt(x, digits)
    if "e" in s:
        mant, _, exp = s.partition("e")
        return rf"{mant} \times 10^{{{int(exp)}}}"
    return s


def loss_text(loss: str) -> str:
    """The per-sample error as plain text."""
    return {
        "half_sse": "E_total = 1/2 * sum_o (target_o - out_o)^2",
        "mse": "E_total = 1/K * sum_o (target_o - out_o)^2   (K outputs)",
        "cross_entropy": "E_total = -sum_o target_o * log(softmax(net)_o)",
        "binary_cross_entropy": (
            "E_total = -1/K * sum_o [target_o log(out_o) + (1 - target_o) log(1 - out_o)]"
        ),
    }[loss]


def loss_latex(loss: str) -> str:
    return {
        "half_sse": r"E_{total} = \tfrac{1}{2}\sum_o (\mathit{target}_o - \mathit{out}_o)^2",
        "mse": r"E_{total} = \tfrac{1}{K}\sum_o (\mathit{target}_o - \mathit{out}_o)^2",
        "cross_entropy": (
            r"E_{total} = -\sum_o \mathit{target}_o \log \mathrm{softmax}(\mathit{net})_o"
        ),
        "binary_cross_entropy": (
            r"E_{total} = -\tfrac{1}{K}\sum_o \left[\mathit{target}_o \log \mathit{out}_o"
            r" + (1 - \mathit{target}_o) \log (1 - \mathit{out}_o)\right]"
        ),
    }[loss]


def output_error_text(loss: str, o: str, n_out: int) -> str:
    """How one output's share of the error is computed, e.g. ``1/2 (target_o1 - out_o1)^2``."""
    if loss == "half_sse":
        return f"1/2 (target_{o} - out_{o})^2"
    if loss == "mse":
        return f"(target_{o} - out_{o})^2 / {n_out}"
    if loss == "binary_cross_entropy":
        k = "" if n_out == 1 else f" / {n_out}"
        return f"-[target_{o} log(out_{o}) + (1 - target_{o}) log(1 - out_{o})]{k}"
    return f"-target_{o} * log(out_{o})"


def dE_dout_text(loss: str, o: str, n_out: int) -> str:
    """dE_total/dout_o as a formula (the value printed beside it comes from the engine)."""
    if loss == "half_sse":
        return f"-(target_{o} - out_{o})"
    if loss == "binary_cross_entropy":
        k = "" if n_out == 1 else f" / {n_out}"
        return f"(out_{o} - target_{o}) / (out_{o} (1 - out_{o})){k}"
    return f"-2 (target_{o} - out_{o}) / {n_out}"


def dE_dnet_softmax_text(o: str) -> str:
    return f"out_{o} - target_{o}"


def activation_text(act: str, neuron: str) -> tuple[str, str]:
    """(out formula, dout/dnet formula) for an activation, in plain text."""
    f, d = ACTIVATION_TEXT[act]
    return f.format(net=f"net_{neuron}"), d.format(out=f"out_{neuron}", net=f"net_{neuron}")


def activation_latex(act: str, neuron: str) -> tuple[str, str]:
    f, d = ACTIVATION_LATEX[act]
    net, out = latex_name(f"net_{neuron}"), latex_name(f"out_{neuron}")
    return f.format(net=net), d.format(out=out, net=net)
