"""One helper for the docstring-example tests of every package (tests/**/test_docstrings.py)."""

from __future__ import annotations

import doctest
import importlib


def assert_examples_run(name: str) -> None:
    """Run the examples in module ``name``'s docstrings; fail on a wrong result or on none."""
    module = importlib.import_module(name)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(module, optionflags=flags, verbose=False)
    assert result.failed == 0, f"{name}: {result.failed} docstring example(s) failed"
    assert result.attempted > 0, f"{name} has no examples"
