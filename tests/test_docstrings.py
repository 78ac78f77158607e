"""Every public name of the core API has a docstring, and the core modules' examples run.

The examples of ``retrograd.nn.*`` / ``retrograd.optim.*`` run in tests/nn/test_docstrings.py
and those of ``retrograd.train.*`` in tests/train/test_docstrings.py; this file runs those of
``retrograd.tensor`` and ``retrograd.functional``.
"""

from __future__ import annotations

import inspect

import pytest

import retrograd as rg
from doctest_check import assert_examples_run
from retrograd.nn import functional as F
from retrograd.nn import init
from retrograd.optim import lr_scheduler

DOCTEST_MODULES = [
    "retrograd",
    "retrograd.tensor",
    "retrograd.functional",
    "retrograd.grad_mode",
    "retrograd.backend",
]


def _tensor_attributes() -> list[str]:
    """Public methods and properties of Tensor (the slots ``data``, ``grad``, ... are
    described in the class docstring)."""
    return sorted(
        n for n in dir(rg.Tensor) if not n.startswith("_") and n not in rg.Tensor.__slots__
    )


def _module_functions(module) -> list[str]:
    """Public functions and classes a module defines or re-exports (not imported helpers)."""
    return sorted(
        n
        for n, v in vars(module).items()
        if not n.startswith("_")
        and (inspect.isfunction(v) or inspect.isclass(v))
        and v.__module__.startswith("retrograd.")
        and not v.__module__.startswith("retrograd.ops")  # e.g. functional's normalize_axes
        and n != "Tensor"
    )


def _has_doc(obj) -> bool:
    return bool((inspect.getdoc(obj) or "").strip())


def test_the_lists_are_not_empty() -> None:
    assert len(rg.__all__) > 40
    assert {"sum", "reshape", "shape", "dtype", "backward", "softmax"} <= set(_tensor_attributes())
    assert {"relu", "cross_entropy", "mse_loss"} <= set(_module_functions(F))
    assert {"xavier_normal_", "kaiming_uniform_", "zeros_"} <= set(_module_functions(init))


def test_every_public_name_in_retrograd_all_has_a_docstring() -> None:
    missing = [n for n in rg.__all__ if not _has_doc(getattr(rg, n))]
    assert not missing, f"retrograd.__all__ names without a docstring: {missing}"


def test_every_public_tensor_method_and_property_has_a_docstring() -> None:
    missing = [n for n in _tensor_attributes() if not _has_doc(getattr(rg.Tensor, n))]
    assert not missing, f"Tensor attributes without a docstring: {missing}"


@pytest.mark.parametrize("module", [F, init], ids=lambda m: m.__name__)
def test_every_public_function_of_nn_functional_and_init_has_a_docstring(module) -> None:
    missing = [n for n in _module_functions(module) if not _has_doc(getattr(module, n))]
    assert not missing, f"{module.__name__} names without a docstring: {missing}"


@pytest.mark.parametrize("module", [rg.functional, F, init, lr_scheduler], ids=lambda m: m.__name__)
def test_every_public_function_shows_an_example(module) -> None:
    objs = {n: getattr(module, n) for n in _module_functions(module)}
    for cls_name, cls in list(objs.items()):  # and the public methods of the module's classes
        if inspect.isclass(cls) and cls.__module__ == module.__name__:
            for m, v in vars(cls).items():
                if not m.startswith("_") and inspect.isfunction(v):
                    objs[f"{cls_name}.{m}"] = getattr(cls, m)
    without = [n for n, obj in objs.items() if ">>>" not in (inspect.getdoc(obj) or "")]
    assert not without, f"{module.__name__}: docstrings without an example: {without}"


@pytest.mark.parametrize("name", DOCTEST_MODULES)
def test_docstring_examples_run(name) -> None:
    assert_examples_run(name)
