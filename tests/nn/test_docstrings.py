"""Run the examples in the docstrings of retrograd.nn and retrograd.optim (they must work)."""

from __future__ import annotations

import pytest

from doctest_check import assert_examples_run

MODULES = [
    "retrograd.nn.module", "retrograd.nn.parameter", "retrograd.nn.linear",
    "retrograd.nn.container", "retrograd.nn.activation", "retrograd.nn.dropout",
    "retrograd.nn.loss", "retrograd.nn.init", "retrograd.nn.functional",
    "retrograd.optim.optimizer", "retrograd.optim.sgd", "retrograd.optim.adam",
    "retrograd.optim.rmsprop", "retrograd.optim.adagrad", "retrograd.optim.lr_scheduler",
    "retrograd.optim.clip",
]  # fmt: skip


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name) -> None:
    assert_examples_run(name)
