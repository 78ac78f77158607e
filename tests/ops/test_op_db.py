"""Run the op table (tests/op_db): forward vs a plain-NumPy reference, dtype, gradcheck."""

from __future__ import annotations

import importlib
import pkgutil

import numpy as np
import pytest

import retrograd as rg
from op_db import ENTRIES, OpEntry
from retrograd.function import REGISTRY

CASES = [(e, k) for e in ENTRIES for k in range(len(e.shapes))]
IDS = [f"{e.name}-{'x'.join(str(s) for s in e.shapes[k])}" for e, k in CASES]
GC_CASES = [c for c, i in zip(CASES, IDS) if c[0].gradcheck]
GC_IDS = [i for c, i in zip(CASES, IDS) if c[0].gradcheck]

# The table's means and variances over zero-size axes (and var with ddof >= n) are NaN, as
# in NumPy, and NumPy warns about them in the reference as in the op: the values are still
# compared (NaN against NaN), so these warnings are expected, not signs of a bug.
pytestmark = [
    pytest.mark.filterwarnings("ignore:Mean of empty slice:RuntimeWarning"),
    pytest.mark.filterwarnings("ignore:Degrees of freedom <= 0:RuntimeWarning"),
    pytest.mark.filterwarnings("ignore:invalid value encountered in:RuntimeWarning"),
]


def _inputs(entry: OpEntry, k: int, dtype, requires_grad: bool) -> tuple[list, list]:
    arrays = entry.sample(k)
    diff = entry.differentiable(k)
    inputs = [
        rg.tensor(a, dtype=dtype, requires_grad=requires_grad) if d else a
        for a, d in zip(arrays, diff)
    ]
    return arrays, inputs


def _as_array(out):
    return out.data if isinstance(out, rg.Tensor) else np.asarray(out)


@pytest.mark.parametrize(("entry", "k"), CASES, ids=IDS)
def test_forward_matches_reference(entry: OpEntry, k: int) -> None:
    arrays, inputs = _inputs(entry, k, np.float64, requires_grad=False)
    out = entry.fn(*inputs)
    expected = np.asarray(entry.ref(*arrays))
    assert isinstance(out, rg.Tensor), f"{entry.name}: fn must return a Tensor"
    assert out.shape == expected.shape, f"{entry.name}: shape {out.shape} != {expected.shape}"
    np.testing.assert_allclose(out.data, expected, rtol=entry.fwd_rtol, atol=entry.fwd_atol)
    if entry.float32:
        _, inputs32 = _inputs(entry, k, np.float32, requires_grad=True)
        out32 = entry.fn(*inputs32)
        assert out32.dtype == np.float32, f"{entry.name}: float32 in, {out32.dtype} out"
        if out32.requires_grad:
            out32.backward(np.ones(out32.shape, dtype=np.float32))
            for t in inputs32:
                if isinstance(t, rg.Tensor) and t.grad is not None:
                    assert t.grad.dtype == np.float32, f"{entry.name}: grad is {t.grad.dtype}"
                    assert t.grad.shape == t.shape


@pytest.mark.parametrize(("entry", "k"), GC_CASES, ids=GC_IDS)
def test_gradcheck(entry: OpEntry, k: int) -> None:
    _, inputs = _inputs(entry, k, np.float64, requires_grad=True)
    assert rg.gradcheck(entry.fn, inputs, eps=entry.eps, atol=entry.atol, rtol=entry.rtol)


def _import_all(package: str) -> None:
    pkg = importlib.import_module(package)
    for info in pkgutil.walk_packages(pkg.__path__, prefix=f"{package}."):
        importlib.import_module(info.name)


def test_every_registered_op_has_an_entry() -> None:
    # import every op and layer module first so that all Functions are registered
    _import_all("retrograd.ops")
    _import_all("retrograd.nn")
    covered = {name for e in ENTRIES for name in e.ops}
    missing = sorted(set(REGISTRY) - covered)
    assert not missing, (
        f"ops without an entry in tests/op_db: {missing} -- add an OpEntry for each "
        "(see tests/op_db/__init__.py)"
    )
    unknown = sorted(covered - set(REGISTRY))
    assert not unknown, f"op table names ops that are not in REGISTRY: {unknown}"


def test_entries_cover_scalars_zero_size_and_broadcasting() -> None:
    # the table itself must keep exercising the awkward shapes
    all_shapes = [s for e in ENTRIES for sample in e.shapes for s in sample]
    assert () in all_shapes
    assert any(0 in s for s in all_shapes)
    broadcast = [
        sample
        for e in ENTRIES
        for sample in e.shapes
        if len(sample) == 2 and sample[0] != sample[1] and len(sample[0]) and len(sample[1])
    ]
    assert broadcast
