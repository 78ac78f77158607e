"""one_hot."""

from __future__ import annotations

import numpy as np
import pytest

from retrograd.data import one_hot


def test_one_hot_rows():
    out = one_hot(np.array([2, 0]), num_classes=4)
    assert out.dtype == np.float32 and out.tolist() == [[0, 0, 1, 0], [1, 0, 0, 0]]
    assert (one_hot([1, 1, 0]).argmax(axis=1) == [1, 1, 0]).all()


def test_one_hot_errors():
    with pytest.raises(ValueError, match="0..2"):
        one_hot([3], num_classes=3)
    with pytest.raises(TypeError, match="integers"):
        one_hot([0.5])
