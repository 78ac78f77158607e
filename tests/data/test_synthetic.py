"""2-D generators: geometry, labels, determinism, noise."""

from __future__ import annotations

import numpy as np
import pytest

from retrograd.data import (
    make_blobs,
    make_circles,
    make_moons,
    make_spirals,
)

GENERATORS = [make_moons, make_circles, make_spirals, make_blobs]


@pytest.mark.parametrize("make", GENERATORS)
def test_shapes_dtypes_determinism(make):
    X, y = make(101)
    assert X.shape == (101, 2) and X.dtype == np.float32 and y.dtype == np.int64
    X2, y2 = make(101)
    np.testing.assert_array_equal(X, X2)
    X3, _ = make(101, seed=1)
    assert not np.array_equal(X, X3)
    assert abs(np.bincount(y)[0] - np.bincount(y)[1]) <= 1  # balanced classes


def test_moons_without_noise_lie_on_their_half_circles():
    X, y = make_moons(200, shuffle=False)
    outer, inner = X[y == 0].astype(np.float64), X[y == 1].astype(np.float64)
    np.testing.assert_allclose(np.hypot(*outer.T), 1, atol=1e-6)
    np.testing.assert_allclose(np.hypot(inner[:, 0] - 1, inner[:, 1] - 0.5), 1, atol=1e-6)
    assert (outer[:, 1] >= -1e-7).all() and (inner[:, 1] <= 0.5 + 1e-7).all()


def test_noise_is_gaussian_with_the_given_scale():
    X0, y0 = make_moons(4000, shuffle=False)
    X1, y1 = make_moons(4000, noise=0.1, shuffle=False)
    assert (y0 == y1).all()
    assert abs(float((X1 - X0).std()) - 0.1) < 0.005


def test_circles_radii():
    X, y = make_circles(300, factor=0.3)
    r = np.hypot(*X.astype(np.float64).T)
    np.testing.assert_allclose(r[y == 0], 1, atol=1e-6)
    np.testing.assert_allclose(r[y == 1], 0.3, atol=1e-6)


def test_spirals_arms_and_radius():
    X, y = make_spirals(300, n_classes=3, turns=1.5)
    assert set(y.tolist()) == {0, 1, 2}
    assert float(np.hypot(*X.T).max()) <= 1 + 1e-6


def test_blobs_centres_and_spread():
    centers = [[0, 0], [10, 0], [0, 10]]
    X, y = make_blobs(3000, centers=centers, cluster_std=0.5)
    for k, c in enumerate(centers):
        np.testing.assert_allclose(X[y == k].mean(axis=0), c, atol=0.05)
        np.testing.assert_allclose(X[y == k].std(axis=0), 0.5, atol=0.05)
    X, y = make_blobs([5, 7], centers=2, n_features=4)
    assert X.shape == (12, 4) and np.bincount(y).tolist() == [5, 7]


def test_generator_errors():
    with pytest.raises(ValueError, match="noise"):
        make_moons(10, noise=-1)
    with pytest.raises(ValueError, match="factor"):
        make_circles(10, factor=1.5)
    with pytest.raises(ValueError, match="n_classes"):
        make_spirals(10, n_classes=1)
    with pytest.raises(ValueError, match="n_samples"):
        make_moons(1)
