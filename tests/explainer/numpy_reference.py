"""An independent NumPy forward pass of a spec's network, for finite-difference checks.

Written without retrograd (plain NumPy), so a gradient that agrees with central
differences of this function was not merely checked against itself.
"""

from __future__ import annotations

import numpy as np

ACTS = {
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "identity": lambda z: z,
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "elu": lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0.0))),
}


def batch_loss(spec, weights, biases, samples=None) -> float:
    """The batch error of ``spec`` with the given weights/biases (float64 NumPy)."""
    samples = spec.samples if samples is None else samples
    x = np.array([s.inputs for s in samples], dtype=np.float64)
    t = np.array([s.targets for s in samples], dtype=np.float64)
    h = x
    for w, b, act in zip(weights, biases, spec.activations):
        z = h @ np.asarray(w).T + np.asarray(b)  # a shared bias (shape (1,)) broadcasts
        h = z if act == "softmax" else ACTS[act](z)
    if spec.loss == "half_sse":
        return float(0.5 * np.sum((t - h) ** 2))
    if spec.loss == "mse":
        return float(np.mean((t - h) ** 2))
    if spec.loss == "binary_cross_entropy":
        return float(np.mean(-(t * np.log(h) + (1 - t) * np.log(1 - h))))
    z = h - h.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(np.mean(-(t * logp).sum(axis=1)))


def numeric_gradients(spec, samples=None, eps: float = 1e-6) -> dict[str, float]:
    """Central differences of :func:`batch_loss` for every weight and bias, by name."""
    weights = [np.array(w, dtype=np.float64) for w in spec.weights]
    biases = [np.array(b, dtype=np.float64) for b in spec.biases]
    out = {}
    for group, names in ((weights, spec.weight_names), (biases, spec.bias_names)):
        for layer, arr in enumerate(group):
            flat_names = [
                n for row in names[layer] for n in (row if isinstance(row, list) else [row])
            ]
            flat = arr.reshape(-1)
            for j, name in enumerate(flat_names):
                orig = flat[j]
                flat[j] = orig + eps
                plus = batch_loss(spec, weights, biases, samples)
                flat[j] = orig - eps
                minus = batch_loss(spec, weights, biases, samples)
                flat[j] = orig
                out[name] = (plus - minus) / (2 * eps)
    return out
