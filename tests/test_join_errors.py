"""concatenate / stack refuse mismatched inputs with a ValueError naming the op, shapes and axis."""

from __future__ import annotations

import re

import numpy as np
import pytest

import retrograd as rg
from retrograd import ops


def _t(*shape: int) -> rg.Tensor:
    return rg.tensor(np.zeros(shape, dtype=np.float32))


@pytest.mark.parametrize(
    "call, pieces",
    [
        (lambda: rg.concatenate([_t(1, 2), _t(1, 3)]), ["concatenate", "(1, 2)", "(1, 3)", "0"]),
        (
            lambda: rg.concatenate([_t(2, 3), _t(2, 3), _t(4, 3)], axis=1),
            ["concatenate", "(2, 3), (2, 3), (4, 3)", "axis 1"],
        ),
        (lambda: rg.concatenate([_t(2), _t(2, 1)]), ["concatenate", "(2,), (2, 1)", "axis=0"]),
        (lambda: rg.concatenate([_t(2), _t(3)], axis=1), ["concatenate", "axis 1", "(2,), (3,)"]),
        (lambda: rg.concatenate([_t(), _t()]), ["concatenate", "(), ()", "axis 0"]),
        (lambda: rg.stack([_t(2, 3), _t(3, 2)]), ["stack", "(2, 3), (3, 2)", "axis=0"]),
        (lambda: rg.stack([_t(2), _t(3)], axis=-1), ["stack", "(2,), (3,)", "axis=-1"]),
        (lambda: rg.stack([_t(2), _t(2)], axis=2), ["stack", "axis 2", "(2,), (2,)"]),
    ],
)
def test_mismatched_inputs_raise_a_clear_value_error(call, pieces) -> None:
    with pytest.raises(ValueError) as info:
        call()
    msg = str(info.value)
    assert msg.startswith(pieces[0] + ":"), msg
    for piece in pieces[1:]:
        assert piece in msg, (piece, msg)
    assert "all the input array dimensions" not in msg  # not NumPy's raw message


@pytest.mark.parametrize("fn", [rg.concatenate, rg.stack])
def test_no_inputs(fn) -> None:
    with pytest.raises(ValueError, match=f"^{fn.__name__}: needs at least one tensor"):
        fn([])


def test_the_op_itself_checks_too() -> None:
    a, b = _t(1, 2), _t(1, 3)
    with pytest.raises(ValueError, match=re.escape("concatenate: input shapes must match")):
        ops.Concatenate.apply(a, b, axis=0)
    with pytest.raises(ValueError, match=re.escape("stack: all inputs need the same shape")):
        ops.Stack.apply(a, b, axis=0)


def test_valid_joins_are_unchanged() -> None:
    a = rg.tensor([[1.0, 2.0]], requires_grad=True)
    b = rg.tensor([[3.0], [4.0]]).reshape(1, 2)
    assert rg.concatenate([a, b], axis=-1).shape == (1, 4)
    assert rg.concatenate([a, b], axis=0).shape == (2, 2)
    y = rg.stack([a, b], axis=-1)  # a new last axis: axis == ndim is allowed
    assert y.shape == (1, 2, 2)
    assert rg.stack([a, b], axis=-3).shape == (2, 1, 2)
    assert rg.stack([a, b], axis=np.int64(1)).shape == (1, 2, 2)
    y.sum().backward()
    np.testing.assert_array_equal(a.grad, [[1.0, 1.0]])
