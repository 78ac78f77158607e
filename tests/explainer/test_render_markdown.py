"""The Markdown rendering: headings, tables and LaTeX that parses (balanced delimiters)."""

from __future__ import annotations

import re

from retrograd.explainer import make_spec, trace


def test_markdown_contains_the_latex_chain_rule():
    md = trace().to_markdown()
    assert md.startswith("# Backpropagation")
    assert (
        r"\frac{\partial E_{total}}{\partial w_{5}} = \frac{\partial E_{total}}"
        r"{\partial \mathit{out}_{o1}} \cdot \frac{\partial \mathit{out}_{o1}}"
        r"{\partial \mathit{net}_{o1}} \cdot \frac{\partial \mathit{net}_{o1}}{\partial w_{5}}"
    ) in md
    assert "= 0.0821670406" in md
    assert "| $w_{5}$ | 0.4 | 0.0821670406 | 0.35891648 |" in md
    assert md.count("$$") % 2 == 0
    assert md.count(r"\begin{aligned}") == md.count(r"\end{aligned}")
    assert md.count("{") == md.count("}")


def test_every_inline_math_span_is_closed():
    spec = make_spec(
        layers=[2, 3, 2],
        activations=["tanh", "softmax"],
        loss="cross_entropy",
        inputs=[[0.1, 0.2], [0.5, -0.5]],
        targets=[0, 1],
    )
    md = trace(spec, steps=4, every=2).to_markdown()
    text = re.sub(r"\$\$.*?\$\$", "", md, flags=re.DOTALL)
    for line in text.splitlines():
        assert line.count("$") % 2 == 0, line
    assert "## Sample 2 of 2" in md and "## Batch gradient" in md and "## Training on" in md


def test_jupyter_renders_markdown():
    ex = trace()
    assert ex._repr_markdown_() == ex.to_markdown()
