"""Weight initialisation schemes, all drawing from a seeded ``numpy.random.Generator``.

Each ``*_`` function fills a tensor (usually a :class:`~retrograd.nn.Parameter`)
in place and returns it. Pass ``rng=numpy.random.default_rng(seed)`` for
reproducibility; without one, the module-level generator is used, which
:func:`manual_seed` re-seeds. It starts seeded with 0, so a script builds the same
initial weights on every run unless it asks otherwise.

Why the scale matters: a layer's output variance is ``fan_in * Var(w) *
Var(x)``. Xavier/Glorot keeps it near 1 in both directions for tanh/sigmoid
nets (``Var(w) = 2 / (fan_in + fan_out)``); He/Kaiming compensates ReLU
zeroing half the units (``Var(w) = 2 / fan_in``).

Examples
--------
>>> import numpy as np
>>> from retrograd import nn
>>> layer = nn.Linear(256, 128)
>>> _ = nn.init.kaiming_normal_(layer.weight, nonlinearity="relu", rng=np.random.default_rng(0))
>>> _ = nn.init.zeros_(layer.bias)
>>> round(float(layer.weight.data.std()), 2)      # sqrt(2 / 256) = 0.088
0.09
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from retrograd.tensor import Tensor

_global_rng = np.random.default_rng(0)


def manual_seed(seed: int) -> np.random.Generator:
    """Re-seed the default generator (used by initialisers and dropout when no ``rng`` is given).

    Returns
    -------
    numpy.random.Generator
        The new default generator.

    Examples
    --------
    >>> import numpy as np
    >>> from retrograd import nn
    >>> _ = nn.init.manual_seed(7)
    >>> a = nn.init.normal_(nn.Parameter(np.zeros(3))).data.copy()
    >>> _ = nn.init.manual_seed(7)
    >>> bool((nn.init.normal_(nn.Parameter(np.zeros(3))).data == a).all())
    True
    """
    global _global_rng
    _global_rng = np.random.default_rng(seed)
    return _global_rng


def default_rng() -> np.random.Generator:
    """The generator used when no ``rng`` is passed (see :func:`manual_seed`).

    Examples
    --------
    >>> from retrograd import nn
    >>> g = nn.init.manual_seed(0)
    >>> nn.init.default_rng() is g
    True
    """
    return _global_rng


def _fill(t: Tensor, values: Any) -> Tensor:
    """Write ``values`` into ``t`` in place (keeping its dtype and shape)."""
    if not isinstance(t, Tensor):
        raise TypeError(f"nn.init: expected a Tensor or Parameter, got {type(t).__name__}")
    if t.data.flags.writeable:
        t.data[...] = values
    else:  # e.g. a parameter created from a broadcast view
        t.data = np.array(np.broadcast_to(values, t.shape), dtype=t.dtype)
    return t


def calculate_fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight of shape ``(out, in)`` or ``(out, in, *kernel)``.

    For a conv kernel both fans are multiplied by the receptive field size.

    Examples
    --------
    >>> from retrograd.nn.init import calculate_fans
    >>> calculate_fans((64, 3, 3, 3))
    (27, 576)
    """
    if len(shape) < 2:
        raise ValueError(f"fan in/out need a weight with at least 2 axes, got shape {shape}")
    receptive = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    return shape[1] * receptive, shape[0] * receptive


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """Recommended scale factor for an activation (PyTorch's values).

    ``linear``/``identity``/``sigmoid``/``conv*``: 1; ``tanh``: 5/3; ``relu``:
    sqrt(2); ``leaky_relu``: sqrt(2 / (1 + slope^2)); ``selu``: 3/4.

    Examples
    --------
    >>> from retrograd.nn.init import calculate_gain
    >>> round(calculate_gain("relu"), 4)
    1.4142
    """
    gains = {
        "linear": 1.0, "identity": 1.0, "sigmoid": 1.0, "conv1d": 1.0, "conv2d": 1.0,
        "conv3d": 1.0, "tanh": 5.0 / 3, "relu": math.sqrt(2.0), "selu": 0.75,
    }  # fmt: skip
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else float(param)
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity not in gains:
        raise ValueError(
            f"calculate_gain: unknown nonlinearity {nonlinearity!r}; known: "
            f"{sorted([*gains, 'leaky_relu'])}"
        )
    return gains[nonlinearity]


def zeros_(t: Tensor) -> Tensor:
    """Fill with 0 (the usual start for biases).

    Examples
    --------
    >>> import numpy as np
    >>> from retrograd import nn
    >>> nn.init.zeros_(nn.Parameter(np.ones(3))).data
    array([0., 0., 0.], dtype=float32)
    """
    return _fill(t, 0.0)


def ones_(t: Tensor) -> Tensor:
    """Fill with 1.

    Examples
    --------
    >>> import numpy as np
    >>> from retrograd import nn
    >>> nn.init.ones_(nn.Parameter(np.zeros((2, 2)))).data
    array([[1., 1.],
           [1., 1.]], dtype=float32)
    """
    return _fill(t, 1.0)


def constant_(t: Tensor, value: float) -> Tensor:
    """Fill with ``value`` (e.g. the textbook network's hand-picked weights).

    Examples
    --------
    >>> import numpy as np
    >>> from retrograd import nn
    >>> nn.init.constant_(nn.Parameter(np.zeros(3)), 0.5).data
    array([0.5, 0.5, 0.5], dtype=float32)
    """
    return _fill(t, value)


def uniform_(
    t: Tensor, a: float = 0.0, b: float = 1.0, rng: np.random.Generator | None = None
) -> Tensor:
    """Fill with draws from U(a, b).

    Examples
    --------
    >>> import numpy as np
    >>> from retrograd import nn
    >>> w = nn.init.uniform_(nn.Parameter(np.zeros(1000)), -1, 1, np.random.default_rng(0))
    >>> bool(w.data.min() >= -1 and w.data.max() < 1)
    True
    """
    if b < a:
        raise ValueError(f"uniform_: need a <= b, got a={a}, b={b}")
    return _fill(t, (rng or _global_rng).uniform(a, b, size=t.shape))


def normal_(
    t: Tensor, mean: float = 0.0, std: float = 1.0, rng: np.random.Generator | None = None
) -> Tensor:
    """Fill with draws from N(mean, std^2).

    Examples
    --------
    >>> import numpy as np
    >>> from retrograd import nn
    >>> w = nn.init.normal_(nn.Parameter(np.zeros(10_000)), 0.0, 0.1, np.random.default_rng(0))
    >>> round(float(w.data.std()), 2)
    0.1
    """
    if std < 0:
        raise ValueError(f"normal_: std must be >= 0, got {std}")
    return _fill(t, (rng or _global_rng).normal(mean, std, size=t.shape))


def trunc_normal_(
    t: Tensor,
    mean: float = 0.0,
    std: float = 1.0,
    a: float = -2.0,
    b: float = 2.0,
    rng: np.random.Generator | None = None,
) -> Tensor:
    """Fill with N(mean, std^2) draws restricted to [a, b] (redrawing those outside).

    Examples
    --------
    >>> import numpy as np
    >>> from retrograd import nn
    >>> w = nn.Parameter(np.zeros(10_000))
    >>> _ = nn.init.trunc_normal_(w, std=1.0, a=-1.0, b=1.0, rng=np.random.default_rng(0))
    >>> bool(w.data.min() >= -1.0 and w.data.max() <= 1.0)
    True
    """
    if std < 0 or b <= a:
        raise ValueError(f"trunc_normal_: need std >= 0 and a < b, got std={std}, [{a}, {b}]")
    rng = rng or _global_rng
    values = rng.normal(mean, std, size=t.shape)
    bad = (values < a) | (values > b)
    while bad.any():
        values[bad] = rng.normal(mean, std, size=int(bad.sum()))
        bad = (values < a) | (values > b)
    return _fill(t, values)


def xavier_uniform_(t: Tensor, gain: float = 1.0, rng: np.random.Generator | None = None) -> Tensor:
    """Glorot & Bengio (2010): U(-a, a), ``a = gain * sqrt(6 / (fan_in + fan_out))``.

    Gives ``Var(w) = gain^2 * 2 / (fan_in + fan_out)``.

    Examples
    --------
    >>> import numpy as np
    >>> from retrograd import nn
    >>> layer = nn.Linear(300, 100)
    >>> w = nn.init.xavier_uniform_(layer.weight, gain=nn.init.calculate_gain("tanh"))
    >>> bool(np.abs(w.data).max() <= 5 / 3 * np.sqrt(6 / 400))
    True
    """
    fan_in, fan_out = calculate_fans(t.shape)
    if fan_in + fan_out == 0:
        raise ValueError(f"xavier_uniform_: weight of shape {t.shape} has no fan")
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(t, -a, a, rng)


def xavier_normal_(t: Tensor, gain: float = 1.0, rng: np.random.Generator | None = None) -> Tensor:
    """Glorot normal: N(0, std^2), ``std = gain * sqrt(2 / (fan_in + fan_out))``.

    Examples
    --------
    >>> import numpy as np
    >>> from retrograd import nn
    >>> w = nn.Parameter(np.zeros((500, 300)))
    >>> _ = nn.init.xavier_normal_(w, rng=np.random.default_rng(0))
    >>> round(float(w.data.std()), 3)      # sqrt(2 / (300 + 500)) = 0.05
    0.05
    """
    fan_in, fan_out = calculate_fans(t.shape)
    if fan_in + fan_out == 0:
        raise ValueError(f"xavier_normal_: weight of shape {t.shape} has no fan")
    return normal_(t, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), rng)


def _fan(t: Tensor, mode: str, who: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"{who}: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = calculate_fans(t.shape)
    fan = fan_in if mode == "fan_in" else fan_out
    if fan == 0:
        raise ValueError(f"{who}: weight of shape {t.shape} has {mode} = 0")
    return fan


def kaiming_uniform_(
    t: Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    rng: np.random.Generator | None = None,
) -> Tensor:
    """He et al. (2015): U(-b, b), ``b = gain * sqrt(3 / fan)``, so ``Var(w) = gain^2 / fan``.

    Parameters
    ----------
    t : Tensor
    a : float
        Negative slope of the leaky ReLU that follows (0 for ReLU).
    mode : {'fan_in', 'fan_out'}
        Preserve the variance of activations (fan_in) or of gradients (fan_out).
    nonlinearity : str
        Passed to :func:`calculate_gain` (``'relu'`` or ``'leaky_relu'``).
    rng : numpy.random.Generator, optional

    Examples
    --------
    >>> import numpy as np
    >>> from retrograd import nn
    >>> w = nn.Parameter(np.zeros((128, 96)))
    >>> _ = nn.init.kaiming_uniform_(w, nonlinearity="relu", rng=np.random.default_rng(0))
    >>> bool(np.abs(w.data).max() <= np.sqrt(6 / 96))     # b = sqrt(2) * sqrt(3 / fan_in)
    True
    """
    gain = calculate_gain(nonlinearity, a)
    bound = gain * math.sqrt(3.0 / _fan(t, mode, "kaiming_uniform_"))
    return uniform_(t, -bound, bound, rng)


def kaiming_normal_(
    t: Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    rng: np.random.Generator | None = None,
) -> Tensor:
    """He normal: N(0, std^2), ``std = gain / sqrt(fan)`` (``sqrt(2 / fan_in)`` for ReLU).

    Parameters are those of :func:`kaiming_uniform_`.

    Examples
    --------
    >>> import numpy as np
    >>> from retrograd import nn
    >>> w = nn.Parameter(np.zeros((512, 1000)))
    >>> _ = nn.init.kaiming_normal_(w, nonlinearity="relu", rng=np.random.default_rng(0))
    >>> round(float(w.data.var() * 1000), 1)      # Var(w) = 2 / fan_in
    2.0
    """
    gain = calculate_gain(nonlinearity, a)
    return normal_(t, 0.0, gain / math.sqrt(_fan(t, mode, "kaiming_normal_")), rng)


def orthogonal_(t: Tensor, gain: float = 1.0, rng: np.random.Generator | None = None) -> Tensor:
    """Fill with a (semi-)orthogonal matrix (Saxe et al., 2013), scaled by ``gain``.

    Trailing axes are flattened: a weight ``(out, *rest)`` is treated as a
    matrix ``(out, prod(rest))`` whose rows (or columns) are orthonormal.

    Examples
    --------
    >>> import numpy as np
    >>> from retrograd import nn
    >>> w = nn.init.orthogonal_(nn.Parameter(np.zeros((3, 5))), rng=np.random.default_rng(0))
    >>> bool(np.allclose(w.data @ w.data.T, np.eye(3), atol=1e-6))
    True
    """
    if t.ndim < 2:
        raise ValueError(f"orthogonal_: needs at least 2 axes, got shape {t.shape}")
    rows, cols = t.shape[0], int(np.prod(t.shape[1:]))
    flat = (rng or _global_rng).standard_normal((max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(flat)
    q *= np.sign(np.diag(r))  # make the decomposition unique (uniform over orthogonal matrices)
    if rows < cols:
        q = q.T
    return _fill(t, (gain * q).reshape(t.shape))


INITIALIZERS: dict[str, Any] = {
    "zeros": zeros_, "ones": ones_, "constant": constant_, "uniform": uniform_,
    "normal": normal_, "trunc_normal": trunc_normal_, "orthogonal": orthogonal_,
    "xavier_uniform": xavier_uniform_, "xavier_normal": xavier_normal_,
    "glorot_uniform": xavier_uniform_, "glorot_normal": xavier_normal_,
    "kaiming_uniform": kaiming_uniform_, "kaiming_normal": kaiming_normal_,
    "he_uniform": kaiming_uniform_, "he_normal": kaiming_normal_,
}  # fmt: skip
