"""The text rendering: aligned, 9 significant digits, every printed product = finite differences."""

from __future__ import annotations

import math
import re

import pytest

from retrograd.explainer import make_spec, trace

from .numpy_reference import numeric_gradients

# "  ∂E_total/∂w5 = <symbols>\n  <pad> = <values>\n  <pad> = <product>   (engine: <grad> ✓)"
CHAIN = re.compile(
    r"^  \u2202E_total/\u2202(\w+) = (.*)\n {2,}= (.*)\n {2,}= (\S+)   \(engine: (\S+) \u2713\)",
    re.MULTILINE,
)


def _product_of(values: str) -> float:
    return math.prod(float(v.strip().strip("()")) for v in values.split("\u00b7"))


@pytest.mark.parametrize(
    "layers, acts, loss",
    [
        ([2, 2, 2], "sigmoid", "half_sse"),
        ([3, 3, 2], "tanh", "mse"),
        ([2, 4, 3], ["relu", "softmax"], "cross_entropy"),
        ([2, 2, 2, 1], "sigmoid", "half_sse"),
    ],
)
def test_printed_products_equal_central_differences(layers, acts, loss):
    targets = 1 if loss == "cross_entropy" else [0.25] * layers[-1]
    spec = make_spec(
        layers=layers,
        activations=acts,
        loss=loss,
        seed=7,
        inputs=[0.3, -0.8, 0.5][: layers[0]],
        targets=targets,
    )
    text = trace(spec).to_text()
    numeric = numeric_gradients(spec)
    found = {m.group(1): m for m in CHAIN.finditer(text)}
    weights = [w for layer in spec.weight_names for row in layer for w in row]
    assert set(weights) <= set(found)
    for name in weights:
        m = found[name]
        printed = float(m.group(4))
        assert abs(printed - numeric[name]) <= 1e-8 * abs(numeric[name]) + 1e-10, name
        # the printed factors multiply to the printed product (9 digits each)
        assert abs(_product_of(m.group(3)) - printed) <= 1e-7 * abs(printed) + 1e-12, name
        assert len(m.group(2).split("\u00b7")) == len(m.group(3).split("\u00b7"))


def test_default_text_has_nine_significant_digits_and_aligned_factors():
    text = trace().to_text()
    assert "out_h1 = sigmoid(net_h1) = 1 / (1 + e^-net_h1) = 0.593269992" in text
    assert "E_total = E_o1 + E_o2 = 0.274811083 + 0.0235600256 = 0.298371109" in text
    assert "w5\u207a = 0.4 - 0.5 · 0.0821670406 = 0.35891648" in text
    assert "\u2202E_total/\u2202out_h1 = \u2202E_o1/\u2202out_h1 + \u2202E_o2/\u2202out_h1" in text
    lines = text.splitlines()
    i = next(k for k, line in enumerate(lines) if line.startswith("  \u2202E_total/\u2202w5 ="))
    symbols, values = lines[i], lines[i + 1]

    # each value starts in the column of its factor's symbol
    def columns(line: str) -> list[int]:
        return [line.index("= ") + 2] + [m.end() for m in re.finditer(" \u00b7 ", line)]

    assert columns(symbols) == columns(values) and len(columns(values)) == 3


def test_digits_option():
    assert "0.59327" in trace().to_text(digits=5)
    assert "0.593269992107" in trace().to_text(digits=12)
    with pytest.raises(ValueError, match="digits"):
        trace().to_text(digits=0)


def test_several_samples_show_the_batch_sum():
    spec = make_spec(
        layers=[2, 1],
        activations="sigmoid",
        loss="half_sse",
        seed=1,
        inputs=[[0, 1], [1, 0]],
        targets=[[1], [0]],
    )
    text = str(trace(spec))
    assert "=== Sample 2 of 2 ===" in text
    assert "Batch gradient: the sum of the per-sample chains above" in text
    spec = make_spec(layers=[2, 1], loss="mse", seed=1, inputs=[[0, 1], [1, 0]], targets=[1, 0])
    assert "mean (sum / 2)" in str(trace(spec))


def test_steps_table_and_final_outputs():
    text = trace(steps=20, every=5).to_text()
    assert "Training on: 20 steps" in text
    assert re.search(r"^\s+20\s+0\.\d+", text, re.MULTILINE)
    assert "sample 1: o1 = " in text and "[0.99]" in text
