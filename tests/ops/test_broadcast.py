"""sum_to_shape: the one place where broadcast gradients are reduced."""

from __future__ import annotations

import numpy as np
import pytest

from retrograd.ops.broadcast import sum_to_shape


@pytest.mark.parametrize(
    ("grad_shape", "shape"),
    [((2, 3, 4), (3, 1)), ((2, 3), ()), ((2, 3), (1, 3)), ((5, 1, 4), (1, 4)), ((3,), (3,))],
)
def test_sum_to_shape_matches_summing_the_broadcast_copies(grad_shape, shape) -> None:
    rng = np.random.default_rng(0)
    g = rng.standard_normal(grad_shape)
    out = sum_to_shape(g, shape)
    assert out.shape == shape
    # <g, broadcast(v)> == <sum_to_shape(g), v> for every v: the adjoint of broadcasting
    v = rng.standard_normal(shape)
    np.testing.assert_allclose(np.sum(g * np.broadcast_to(v, grad_shape)), np.sum(out * v))


def test_sum_to_shape_rejects_more_axes() -> None:
    with pytest.raises(ValueError, match=r"\(3,\).*\(2, 3\)"):
        sum_to_shape(np.ones(3), (2, 3))
