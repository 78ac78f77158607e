"""XOR and the textbook 2-2-2 example."""

from __future__ import annotations

import numpy as np

from retrograd.data import load_textbook, load_xor


def test_xor_and_textbook():
    X, y = load_xor()
    assert (y == (X[:, 0] != X[:, 1])).all() and X.shape == (4, 2)
    X, Y = load_textbook()
    assert X.tolist() == [[np.float32(0.05), np.float32(0.10)]]
    assert Y.tolist() == [[np.float32(0.01), np.float32(0.99)]]
