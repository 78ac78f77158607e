"""The examples in the training modules' docstrings run and give what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "retrograd.train", "retrograd.train.fit", "retrograd.train.step", "retrograd.train.evaluate",
    "retrograd.train.metrics", "retrograd.train.history", "retrograd.train.callbacks",
    "retrograd.train.recipe", "retrograd.train.progress", "retrograd.train.nonfinite",
]  # fmt: skip


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
