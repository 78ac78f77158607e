"""The fused Linear op: errors, and agreement with matmul + add."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd.nn import functional as F


def test_linear_shape_mismatch_names_both_shapes() -> None:
    x, w = rg.tensor(np.ones((4, 3))), rg.tensor(np.ones((2, 5)))
    with pytest.raises(ValueError, match=r"linear.*\(4, 3\).*\(2, 5\)"):
        F.linear(x, w)


def test_fused_linear_equals_matmul_plus_bias() -> None:
    rng = np.random.default_rng(0)
    xs, ws, bs = rng.standard_normal((5, 3)), rng.standard_normal((2, 3)), rng.standard_normal(2)
    grads = []
    for fused in (True, False):
        x, w, b = (rg.tensor(a, requires_grad=True, dtype=np.float64) for a in (xs, ws, bs))
        y = F.linear(x, w, b) if fused else x @ w.T + b
        (y * y).sum().backward()
        grads.append((y.data, x.grad, w.grad, b.grad))
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_linear_is_one_graph_node() -> None:
    x = rg.tensor(np.ones((2, 3)))
    w = rg.tensor(np.ones((4, 3)), requires_grad=True)
    b = rg.tensor(np.ones(4), requires_grad=True)
    y = F.linear(x, w, b)
    assert y._node.name == "Linear" and y._node.inputs[0] is x
