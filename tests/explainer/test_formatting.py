"""Number and symbol formatting shared by the text and Markdown renderers."""

from __future__ import annotations

from retrograd.explainer.formatting import (
    fmt,
    fmt_factor,
    latex_name,
    latex_number,
    latex_partial,
    signed_sum,
    weighted_sum_text,
)


def test_significant_digits():
    assert fmt(0.5932699921071872) == "0.593269992"
    assert fmt(0.0004385677344743466) == "0.000438567734"
    assert fmt(0.5932699921071872, 4) == "0.5933"
    assert fmt(0.0) == "0" and fmt(None) == "-" and fmt(float("nan")) == "nan"


def test_signs_in_products_and_sums():
    assert fmt_factor(-0.5) == "(-0.5)" and fmt_factor(-0.5, first=True) == "-0.5"
    assert signed_sum([0.05, -0.02, 0.01]) == "0.05 - 0.02 + 0.01"
    assert weighted_sum_text([(0.15, 0.05), (-0.2, -1.0)], 0.35) == "0.15·0.05 - 0.2·(-1) + 0.35"


def test_latex():
    assert latex_name("w5") == "w_{5}" and latex_name("E_total") == "E_{total}"
    assert latex_name("out_h1_2") == r"\mathit{out}_{h1,2}" and latex_name("b_h1") == "b_{h1}"
    assert latex_partial("net_o1", "w5") == r"\frac{\partial \mathit{net}_{o1}}{\partial w_{5}}"
    assert latex_number(1.5e-07) == r"1.5 \times 10^{-7}"
