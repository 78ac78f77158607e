"""The examples in the training modules' docstrings run and give what they show."""

from __future__ import annotations

import pytest

from doctest_check import assert_examples_run

MODULES = [
    "retrograd.train", "retrograd.train.fit", "retrograd.train.step", "retrograd.train.evaluate",
    "retrograd.train.metrics", "retrograd.train.history", "retrograd.train.callbacks",
    "retrograd.train.recipe", "retrograd.train.progress", "retrograd.train.nonfinite",
]  # fmt: skip


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    assert_examples_run(name)
