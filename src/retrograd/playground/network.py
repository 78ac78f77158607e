"""The playground's network: a small MLP whose every intermediate value can be shown.

:class:`PlaygroundNet` is an ordinary :class:`retrograd.nn.Module` (a stack of
``nn.Linear`` layers with one activation). Its :meth:`~PlaygroundNet.trace`
runs the forward pass keeping the pre-activation ``z`` and activation ``a`` of
every layer, with ``retain_grad()`` on each, so after ``loss.backward()`` the
page can show dL/dz and dL/da for every neuron -- values the engine computed,
not recomputed by the page.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import retrograd as rg
from retrograd import nn
from retrograd.tensor import Tensor

DTYPE = np.float64  # the playground shows values to 6 digits: compute in float64


def feature_map(x: np.ndarray, features: list[str]) -> np.ndarray:
    """The input columns the first layer sees, from the raw 2-D points.

    Shape
    -----
    ``x`` ``(n, 2)`` -> ``(n, len(features))``.

    Examples
    --------
    >>> feature_map(np.array([[2.0, 3.0]]), ["x1", "x1*x2"]).tolist()
    [[2.0, 6.0]]
    """
    x1, x2 = x[:, 0], x[:, 1]
    table = {
        "x1": lambda: x1,
        "x2": lambda: x2,
        "x1^2": lambda: x1 * x1,
        "x2^2": lambda: x2 * x2,
        "x1*x2": lambda: x1 * x2,
        "sin(x1)": lambda: np.sin(np.pi * x1),
        "sin(x2)": lambda: np.sin(np.pi * x2),
    }
    return np.stack([table[f]() for f in features], axis=1).astype(DTYPE)


@dataclass
class Trace:
    """The forward pass of one batch, layer by layer.

    ``zs[l]`` and ``acts[l]`` are the pre-activation and activation tensors of
    layer ``l`` (hidden layers first, the output layer last); ``inputs`` is the
    batch fed to the first layer.

    Shape
    -----
    ``inputs`` ``(N, n_features)``; ``zs[l]``, ``acts[l]`` ``(N, units of layer l)``.
    """

    inputs: Tensor
    zs: list[Tensor]
    acts: list[Tensor]

    @property
    def logits(self) -> Tensor:
        return self.zs[-1]

    @property
    def output(self) -> Tensor:
        return self.acts[-1]


class PlaygroundNet(nn.Module):
    """An MLP: ``n_in -> hidden... -> n_out`` with one hidden activation.

    Parameters
    ----------
    n_in, n_out : int
        Input features and output units.
    hidden : list of int
        Neurons per hidden layer.
    activation : str
        Name in :data:`retrograd.nn.ACTIVATIONS` for the hidden layers.
    out_activation : str
        ``"sigmoid"`` (class probability, textbook) or ``"identity"`` (regression).
    seed : int
        Seed of the initial weights (``nn.Linear``'s default scheme).

    Shape
    -----
    input ``(N, n_in)`` -> output ``(N, n_out)``.

    Examples
    --------
    >>> net = PlaygroundNet(2, [3], 1, "tanh", "sigmoid", seed=0)
    >>> [tuple(p.shape) for p in net.parameters()]
    [(3, 2), (3,), (1, 3), (1,)]
    """

    def __init__(
        self,
        n_in: int,
        hidden: list[int],
        n_out: int,
        activation: str,
        out_activation: str,
        seed: int,
    ) -> None:
        super().__init__()
        rng = np.random.default_rng(seed)
        sizes = [n_in, *hidden, n_out]
        self.sizes = sizes
        self.layers = [nn.Linear(a, b, rng=rng, dtype=DTYPE) for a, b in zip(sizes, sizes[1:])]
        self.activation_name = activation
        self.out_activation_name = out_activation
        self.act = nn.ACTIVATIONS[activation]()
        self.out_act = nn.ACTIVATIONS[out_activation]()

    def trace(self, x: Tensor, keep_grads: bool = True) -> Trace:
        """Forward pass keeping every layer's ``z`` and ``a`` (with ``retain_grad``)."""
        zs: list[Tensor] = []
        acts: list[Tensor] = []
        a = x
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            z = layer(a)
            a = self.out_act(z) if i == last else self.act(z)
            if keep_grads and z.requires_grad:
                z.retain_grad()
                a.retain_grad()
            zs.append(z)
            acts.append(a)
        return Trace(x, zs, acts)

    def forward(self, x: Tensor) -> Tensor:
        return self.trace(x, keep_grads=False).output


def activation_derivative(name: str, z: np.ndarray) -> np.ndarray:
    """f'(z) for an elementwise activation, taken from the engine's own derivative rule.

    Runs ``f`` on ``z`` and back-propagates ones through it, so the number the
    page shows is exactly the factor the engine multiplies by.
    """
    zt = rg.tensor(np.asarray(z, dtype=DTYPE), requires_grad=True, dtype=DTYPE)
    nn.ACTIVATIONS[name]()(zt).sum().backward()
    return zt.grad
