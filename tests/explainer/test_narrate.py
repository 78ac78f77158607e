"""explain(): the one-call API (also rg.explain)."""

from __future__ import annotations

import json

import pytest

import retrograd as rg
from retrograd.explainer import Explanation, SpecError, explain, textbook_spec


def test_rg_explain_is_the_explainer():
    assert rg.explain is explain
    ex = rg.explain()
    assert isinstance(ex, Explanation)
    assert "0.298371109" in repr(ex)


def test_keyword_arguments_and_json_file_agree(tmp_path):
    kwargs = dict(
        layers=[2, 3, 1],
        activations="tanh",
        loss="mse",
        lr=0.2,
        inputs=[[0.1, 0.9], [0.4, 0.4]],
        targets=[[1], [0]],
    )
    a = explain(**kwargs)
    path = tmp_path / "net.json"
    path.write_text(json.dumps(kwargs))
    b = explain(path)
    assert a.to_dict() == b.to_dict()
    c = explain(path, lr=0.4)  # keyword arguments override the file
    assert c.spec.lr == 0.4


def test_a_spec_cannot_be_combined_with_fields():
    with pytest.raises(SpecError, match="already fixes lr"):
        explain(textbook_spec(), lr=0.1)


def test_bad_json_file(tmp_path):
    path = tmp_path / "net.json"
    path.write_text("{not json")
    with pytest.raises(SpecError, match="not valid JSON"):
        explain(path)


def test_module_needs_samples():
    from retrograd import nn

    with pytest.raises(SpecError, match="give inputs and targets"):
        explain(nn.Sequential(nn.Linear(2, 1)))
