"""gradcheck: it passes correct derivatives and catches wrong ones."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd.function import REGISTRY, Function
from retrograd.gradcheck import GradcheckError


class _WrongSquare(Function):
    """y = x^2 with a deliberately wrong derivative (x instead of 2x)."""

    registered = False

    def forward(self, x):
        self.save_for_backward(x)
        return x * x

    def backward(self, g):
        (x,) = self.saved
        return g * x


def _x(shape=(3, 2), seed=0):
    rng = np.random.default_rng(seed)
    return rg.tensor(rng.standard_normal(shape), requires_grad=True, dtype=np.float64)


def test_passes_a_correct_derivative() -> None:
    assert rg.gradcheck(lambda t: (t * t).sum(), [_x()])


def test_catches_a_wrong_derivative_with_a_clear_message() -> None:
    with pytest.raises(GradcheckError, match=r"input 0 \(shape \(3, 2\)\).*backward gave"):
        rg.gradcheck(lambda t: _WrongSquare.apply(t), [_x()])
    assert not rg.gradcheck(lambda t: _WrongSquare.apply(t), [_x()], raise_exception=False)
    assert "_WrongSquare" not in REGISTRY  # registered = False keeps test helpers out


def test_requires_float64_inputs() -> None:
    x = rg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match="float64"):
        rg.gradcheck(lambda t: t.sum(), [x])


def test_several_inputs_and_constant_inputs() -> None:
    a, b = _x((2, 3)), _x((3,), seed=1)
    c = rg.tensor(np.ones(3), dtype=np.float64)  # not checked
    assert rg.gradcheck(lambda a, b, c: (a * b + c).tanh(), [a, b, c])


def test_tuple_outputs() -> None:
    a = _x((4,))
    assert rg.gradcheck(lambda t: (t.exp(), t * 3), [a])


def test_max_elements_subsamples() -> None:
    x = _x((50, 40))
    assert rg.gradcheck(lambda t: (t * t).sum(), [x], max_elements=20)


def test_leaves_input_values_unchanged() -> None:
    x = _x()
    before = x.data.copy()
    rg.gradcheck(lambda t: t.sigmoid(), [x])
    np.testing.assert_array_equal(x.data, before)


class _WrongRow(Function):
    """y = x W^T with the gradient of W's first row given the wrong sign."""

    registered = False

    def forward(self, x, w):
        self.save_for_backward(x, w)
        return x @ w.T

    def backward(self, g):
        x, w = self.saved
        gw = g.T @ x
        gw[0] *= -1.0  # the bug
        return g @ w, gw


def test_random_directions_check_big_layers_and_catch_wrong_ones() -> None:
    """directions=k: two evaluations per direction, however big the layer."""
    from retrograd import nn

    rng = np.random.default_rng(0)
    conv = nn.Conv2d(8, 16, 3, padding=1, rng=rng, dtype=np.float64)  # 1,168 weights
    x = rg.tensor(rng.standard_normal((4, 8, 12, 12)), dtype=np.float64, requires_grad=True)
    assert rg.gradcheck(lambda x, *_: conv(x), [x, *conv.parameters()], directions=6)
    lstm = nn.LSTM(10, 32, num_layers=2, rng=rng, dtype=np.float64)  # 13,056 weights
    s = rg.tensor(rng.standard_normal((20, 3, 10)), dtype=np.float64, requires_grad=True)
    assert rg.gradcheck(lambda s, *_: lstm(s)[0], [s, *lstm.parameters()], directions=4)
    xw = _x((30, 20)), _x((25, 20), seed=1)
    with pytest.raises(
        GradcheckError, match=r"input 1 \(shape \(25, 20\)\) along random direction"
    ):
        rg.gradcheck(lambda x, w: _WrongRow.apply(x, w), list(xw), directions=3)
    assert rg.gradcheck(lambda x, w: x @ w.T, list(xw), directions=3)  # the correct rule passes
    before = [t.data.copy() for t in xw]
    rg.gradcheck(lambda x, w: x @ w.T, list(xw), directions=2)
    for t, b in zip(xw, before):
        np.testing.assert_array_equal(t.data, b)  # inputs restored exactly
