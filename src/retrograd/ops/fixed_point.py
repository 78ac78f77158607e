"""Recurrent backpropagation (Almeida 1987, Pineda 1987) for a network that settles.

The layer's state is the fixed point of its own dynamics::

    s* = F(s*) = f(s* W^T + x U^T + b)        (row vectors, one per sample)

Forward relaxes ``s <- (1 - a) s + a F(s)`` from s = 0 until the largest
change ``max |s_new - s|`` is below ``tol`` (``a`` is the relaxation step;
a = 1 is plain iteration).

Backward does **not** unroll those iterations. Differentiating s* = F(s*)
gives ds* = D W ds* + D (dW s* + dU x + db) with D = diag f'(a*), so for a loss
L with gradient g = dL/ds*, the vector lambda solving the *adjoint fixed-point
equation*::

    lambda = (D W)^T lambda + g          (row form: lambda = (lambda * D) W + g)

gives every gradient at once, through delta = lambda * D (dL/d pre-activation)::

    dL/dW = delta^T s*     dL/dU = delta^T x     dL/db = sum delta     dL/dx = delta U

The adjoint equation is solved by the same relaxation. Only s*, D, x and the
weights are kept for backward, so memory does not grow with the number of
iterations -- the point of recurrent backprop over BPTT through the relaxation.
"""

from __future__ import annotations

import numpy as np

from retrograd.function import Function

#: f(a) and f'(a) written from y = f(a), so backward needs only the settled state
_ACTIVATIONS = {
    "tanh": (np.tanh, lambda y: 1.0 - y * y),
    "sigmoid": (lambda a: 0.5 * (1.0 + np.tanh(0.5 * a)), lambda y: y * (1.0 - y)),
    "relu": (lambda a: np.maximum(a, 0), lambda y: (y > 0).astype(y.dtype)),
}


class FixedPointError(RuntimeError):
    """The forward relaxation or the adjoint solve did not converge within ``max_iter``."""


def relax(
    step, start: np.ndarray, tol: float, max_iter: int, what: str, relative: bool = False
) -> tuple[np.ndarray, int]:
    """Iterate ``s <- step(s)`` until ``max |step(s) - s| < tol``; return (s, iterations).

    With ``relative=True`` the threshold is ``tol * max |s|`` (for the adjoint, whose scale
    is that of the gradient). The threshold never goes below 16 machine epsilons of the
    iterate's scale: float32 cannot resolve smaller changes.

    Raises
    ------
    FixedPointError
        Naming ``what``, the iteration count and the last residual, when the
        cap is reached (or the state is no longer finite).
    """
    s = start
    residual = threshold = np.inf
    eps = 16 * np.finfo(start.dtype).eps if start.dtype.kind == "f" else 0.0
    for k in range(1, max_iter + 1):
        s_new = step(s)
        residual = float(np.max(np.abs(s_new - s))) if s.size else 0.0
        scale = float(np.max(np.abs(s_new))) if s.size else 0.0
        threshold = max(tol * scale if relative else tol, eps * max(scale, 1e-30))
        s = s_new
        if residual < threshold or residual == 0.0:
            return s, k
        if not np.isfinite(residual):
            break
    raise FixedPointError(
        f"{what} did not converge: residual max|delta s| = {residual:.3g} after {k} "
        f"iterations (threshold {threshold:.3g} from tol={tol:g}, max_iter={max_iter}). The "
        "dynamics may not be a contraction: shrink the recurrent weights (spectral norm < 1), "
        "lower the learning rate, use a relaxation step < 1, or raise max_iter"
    )


class FixedPoint(Function):
    """s* = f(s* W^T + x U^T + b), differentiated by recurrent backprop (Almeida-Pineda).

    Parameters (keywords of ``apply``): ``activation`` ("tanh", "sigmoid", "relu"),
    ``tol``, ``max_iter``, ``step_size`` (relaxation a in (0, 1]), ``name``
    (used in error messages) and ``stats``: an optional dict that receives
    ``forward_iterations`` and, after backward, ``backward_iterations``.

    Shape
    -----
    x ``(N, I)``, W ``(S, S)``, U ``(S, I)``, b ``(S,)`` -> s* ``(N, S)``.
    """

    def forward(
        self,
        x,
        w,
        u,
        b=None,
        activation="tanh",
        tol=1e-6,
        max_iter=500,
        step_size=1.0,
        name="FixedPoint",
        stats=None,
    ):
        S = w.shape[0]
        if w.shape != (S, S) or u.shape[0] != S or x.ndim != 2 or x.shape[1] != u.shape[1]:
            raise ValueError(
                f"{name}: input {x.shape}, recurrent weight {w.shape} and input weight {u.shape} "
                f"do not fit; expected x (N, I), W (S, S), U (S, I)"
            )
        if activation not in _ACTIVATIONS:
            raise ValueError(f"{name}: activation must be one of {sorted(_ACTIVATIONS)}")
        if not 0.0 < step_size <= 1.0:
            raise ValueError(f"{name}: step_size must be in (0, 1], got {step_size}")
        f, self.dfdy = _ACTIVATIONS[activation]
        self.tol, self.max_iter, self.step_size, self.label = tol, max_iter, step_size, name
        self.has_bias = b is not None
        drive = x @ u.T  # x U^T + b is constant during the relaxation
        if b is not None:
            drive += b
        w_t = w.T

        def step(s):
            new = f(s @ w_t + drive)
            return new if step_size == 1.0 else s + step_size * (new - s)

        s_star, self.forward_iterations = relax(
            step, np.zeros((x.shape[0], S), dtype=x.dtype), tol, max_iter, f"{name} forward"
        )
        self.stats = stats if stats is not None else {}
        self.stats["forward_iterations"] = self.forward_iterations
        self.save_for_backward(x, w, u, s_star)
        return s_star

    def backward(self, g):
        x, w, u, s_star = self.saved
        d = self.dfdy(s_star)  # D = f'(a*), read off the settled state
        a = self.step_size

        def adjoint_step(lam):  # lambda <- (1 - a) lambda + a ((lambda * D) W + g)
            new = (lam * d) @ w + g
            return new if a == 1.0 else lam + a * (new - lam)

        # lambda scales with g, so the adjoint tolerance is relative to max |lambda|
        if not np.any(g):
            lam, self.backward_iterations = np.zeros_like(g), 0
        else:
            lam, self.backward_iterations = relax(
                adjoint_step,
                g,
                self.tol,
                self.max_iter,
                f"{self.label} adjoint (backward)",
                relative=True,
            )
        self.stats["backward_iterations"] = self.backward_iterations
        delta = lam * d  # dL/d(pre-activation) at the fixed point
        grads = (delta @ u, delta.T @ s_star, delta.T @ x)  # dL/dx, dL/dW, dL/dU
        return grads + (delta.sum(axis=0),) if self.has_bias else grads
