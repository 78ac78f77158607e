"""``FixedPointLayer``: a recurrent layer that settles, trained by recurrent backprop.

See :mod:`retrograd.ops.fixed_point` for the forward relaxation and the adjoint
equation, and ``docs/fixed_point.md`` for the derivation.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from retrograd.backend import get_default_dtype
from retrograd.nn import init
from retrograd.nn.module import Module
from retrograd.nn.parameter import Parameter
from retrograd.ops.fixed_point import _ACTIVATIONS, FixedPoint
from retrograd.tensor import Tensor


class FixedPointLayer(Module):
    """State that settles to s* = f(s* W_hh^T + x W_ih^T + b) (Almeida-Pineda recurrent backprop).

    The forward pass relaxes ``s <- (1 - a) s + a f(s W_hh^T + x W_ih^T + b)`` from
    s = 0 until ``max |delta s| < tol``. The backward pass solves the adjoint
    fixed-point equation at s* instead of backpropagating through the iterations,
    so its memory is that of one step however many iterations the state needed.

    Parameters
    ----------
    input_size, state_size : int
        Features of x and of the recurrent state s.
    activation : {"tanh", "sigmoid", "relu"}
        The unit nonlinearity f.
    tol : float
        Convergence threshold on ``max |delta s|`` (forward) and, relative to
        ``max |dL/ds*|``, on the adjoint (backward).
    max_iter : int
        Iteration cap; past it a :class:`~retrograd.ops.fixed_point.FixedPointError`
        names the layer, the iterations and the residual.
    step_size : float
        Relaxation step ``a`` in (0, 1] (Euler step of ds/dt = -s + F(s); 1 = plain iteration).
    bias : bool
        Learn ``b``.
    spectral_radius : float
        ``weight_hh`` starts with this spectral norm (< 1 makes tanh/sigmoid dynamics a
        contraction, so the fixed point exists and is unique).
    max_spectral_norm : float or None
        Keep training from breaking that guarantee: before each forward pass, if the
        spectral norm of ``weight_hh`` exceeds this bound, ``weight_hh`` is rescaled onto
        it (projected gradient descent; like ``max_norm`` of PyTorch's ``Embedding``).
        Gradient steps readily push W past norm 1, after which the relaxation may
        oscillate instead of settling. ``None`` trains W unconstrained.
    rng, dtype : optional
        Initial-weight generator and parameter dtype (float32 by default).

    Attributes
    ----------
    last_forward_iterations, last_backward_iterations : int
        Iterations used by the most recent forward relaxation and adjoint solve.

    Shape
    -----
    input ``(N, input_size)`` -> s* ``(N, state_size)``; ``weight_hh`` ``(S, S)``,
    ``weight_ih`` ``(S, I)``, ``bias`` ``(S,)``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> layer = rg.nn.FixedPointLayer(4, 8, rng=np.random.default_rng(0))
    >>> s = layer(rg.tensor(np.ones((3, 4))))
    >>> s.shape
    (3, 8)
    >>> s.sum().backward()            # gradient by the adjoint equation
    >>> layer.weight_hh.grad.shape
    (8, 8)
    """

    def __init__(
        self,
        input_size: int,
        state_size: int,
        activation: str = "tanh",
        tol: float = 1e-5,
        max_iter: int = 500,
        step_size: float = 1.0,
        bias: bool = True,
        spectral_radius: float = 0.5,
        max_spectral_norm: float | None = 0.95,
        rng: np.random.Generator | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        if activation not in _ACTIVATIONS:
            raise ValueError(
                f"FixedPointLayer: activation must be one of {sorted(_ACTIVATIONS)}, got "
                f"{activation!r}"
            )
        if not 0.0 < step_size <= 1.0:
            raise ValueError(f"FixedPointLayer: step_size must be in (0, 1], got {step_size}")
        if tol <= 0 or max_iter < 1:
            raise ValueError(
                f"FixedPointLayer: need tol > 0 and max_iter >= 1, got {tol}, {max_iter}"
            )
        self.input_size, self.state_size, self.activation = input_size, state_size, activation
        self.tol, self.max_iter, self.step_size = float(tol), int(max_iter), float(step_size)
        self.spectral_radius = float(spectral_radius)
        self.max_spectral_norm = None if max_spectral_norm is None else float(max_spectral_norm)
        dt = dtype or get_default_dtype()
        self.weight_hh = Parameter(np.zeros((state_size, state_size)), dtype=dt)
        self.weight_ih = Parameter(np.zeros((state_size, input_size)), dtype=dt)
        self.bias = Parameter(np.zeros(state_size), dtype=dt) if bias else None
        self._stats: dict[str, int] = {}  # iteration counts, written by the op
        self.reset_parameters(rng)

    def reset_parameters(self, rng: np.random.Generator | None = None) -> None:
        """W_ih, b ~ U(-1/sqrt(I), 1/sqrt(I)); W_hh Gaussian rescaled to ``spectral_radius``."""
        rng = rng if rng is not None else init.default_rng()
        bound = 1.0 / math.sqrt(self.input_size)
        init.uniform_(self.weight_ih, -bound, bound, rng)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound, rng)
        w = rng.standard_normal((self.state_size, self.state_size))
        norm = np.linalg.norm(w, 2)
        self.weight_hh.data = (w * (self.spectral_radius / norm)).astype(self.weight_hh.dtype)

    def forward(self, x: Any) -> Tensor:
        name = f"FixedPointLayer({self.input_size}, {self.state_size})"
        if not isinstance(x, Tensor):
            x = Tensor(x, dtype=self.weight_hh.dtype)
        if x.ndim != 2 or x.shape[1] != self.input_size:
            raise ValueError(
                f"{name}: input of shape {x.shape} does not fit; expected (N, {self.input_size})"
            )
        if x.dtype != self.weight_hh.dtype:
            raise TypeError(
                f"{name}: input dtype {x.dtype} differs from the weights' {self.weight_hh.dtype}"
            )
        if self.max_spectral_norm is not None:
            self.project_()
        params = (self.weight_hh, self.weight_ih) + (() if self.bias is None else (self.bias,))
        return FixedPoint.apply(
            x,
            *params,
            activation=self.activation,
            tol=self.tol,
            max_iter=self.max_iter,
            step_size=self.step_size,
            name=name,
            stats=self._stats,
        )

    def project_(self) -> float:
        """Rescale ``weight_hh`` onto spectral norm ``max_spectral_norm`` if it is above it;
        returns the norm before rescaling."""
        w = self.weight_hh.data
        norm = float(np.linalg.norm(w, 2)) if w.size else 0.0
        if self.max_spectral_norm is not None and norm > self.max_spectral_norm:
            self.weight_hh.data = w * np.asarray(self.max_spectral_norm / norm, dtype=w.dtype)
        return norm

    @property
    def last_forward_iterations(self) -> int:
        """Iterations of the most recent forward relaxation (0 before the first call)."""
        return self._stats.get("forward_iterations", 0)

    @property
    def last_backward_iterations(self) -> int:
        """Iterations of the most recent adjoint solve (0 before the first backward)."""
        return self._stats.get("backward_iterations", 0)

    def get_config(self) -> dict[str, Any]:
        """Constructor arguments (JSON-safe); ``FixedPointLayer(**config)`` rebuilds the layer."""
        return {
            "input_size": self.input_size,
            "state_size": self.state_size,
            "activation": self.activation,
            "tol": self.tol,
            "max_iter": self.max_iter,
            "step_size": self.step_size,
            "bias": self.bias is not None,
            "spectral_radius": self.spectral_radius,
            "max_spectral_norm": self.max_spectral_norm,
        }

    def extra_repr(self) -> str:
        return (
            f"{self.input_size}, {self.state_size}, activation={self.activation!r}, "
            f"tol={self.tol:g}, max_iter={self.max_iter}"
        )
