"""Run the examples in the docstrings of retrograd.nn and retrograd.optim (they must work)."""

from __future__ import annotations

import doctest
import importlib

import pytest

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
    module = importlib.import_module(name)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(module, optionflags=flags, verbose=False)
    assert result.failed == 0
    assert result.attempted > 0, f"{name} has no examples"
