"""The examples in the explainer's docstrings run and print what they claim."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "retrograd.explainer", "retrograd.explainer.naming", "retrograd.explainer.spec",
    "retrograd.explainer.network", "retrograd.explainer.records", "retrograd.explainer.tracer",
    "retrograd.explainer.narrate", "retrograd.explainer.render_text",
    "retrograd.explainer.graph",
]  # fmt: skip


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(module, optionflags=flags, verbose=False)
    assert result.failed == 0
    assert result.attempted > 0, f"{name} has no examples"
