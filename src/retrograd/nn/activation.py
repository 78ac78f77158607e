"""Activation layers: modules wrapping the activation ops of :mod:`retrograd.functional`.

Every activation here works elementwise (``Softmax``/``LogSoftmax`` along one
axis), so the output has the input's shape. The derivative rules live with the
ops in :mod:`retrograd.ops.activation`.

Shape
-----
input ``(*)`` -> output ``(*)`` (same shape).

Examples
--------
>>> import retrograd as rg
>>> from retrograd import nn
>>> nn.ReLU()(rg.tensor([-1.0, 0.0, 2.0]))
tensor([0., 0., 2.])
"""

from __future__ import annotations

from retrograd import functional as F
from retrograd.nn.module import Module
from retrograd.tensor import Tensor


class Sigmoid(Module):
    """Logistic function ``y = 1 / (1 + e^-x)``; derivative ``y (1 - y)``.

    Shape
    -----
    input ``(*)`` -> output ``(*)``, values in (0, 1).

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.nn.Sigmoid()(rg.tensor([0.0]))
    tensor([0.5])
    """

    def forward(self, x: Tensor) -> Tensor:
        return F.sigmoid(x)


class Tanh(Module):
    """Hyperbolic tangent ``y = tanh x``; derivative ``1 - y^2``.

    Shape
    -----
    input ``(*)`` -> output ``(*)``, values in (-1, 1).

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.nn.Tanh()(rg.tensor([0.0]))
    tensor([0.])
    """

    def forward(self, x: Tensor) -> Tensor:
        return F.tanh(x)


class ReLU(Module):
    """Rectified linear unit ``y = max(x, 0)``; derivative 1 for x > 0, else 0.

    Shape
    -----
    input ``(*)`` -> output ``(*)``.

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.nn.ReLU()(rg.tensor([-2.0, 3.0]))
    tensor([0., 3.])
    """

    def forward(self, x: Tensor) -> Tensor:
        return F.relu(x)


class LeakyReLU(Module):
    """``y = x`` for x > 0, else ``negative_slope * x`` (no dead units).

    Parameters
    ----------
    negative_slope : float
        Slope for negative inputs.

    Shape
    -----
    input ``(*)`` -> output ``(*)``.

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.nn.LeakyReLU(0.1)(rg.tensor([-2.0, 3.0]))
    tensor([-0.2,  3. ])
    """

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = float(negative_slope)

    def forward(self, x: Tensor) -> Tensor:
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class ELU(Module):
    """Exponential linear unit: ``y = x`` for x > 0, else ``alpha (e^x - 1)``.

    Parameters
    ----------
    alpha : float
        Value approached for very negative inputs is ``-alpha``.

    Shape
    -----
    input ``(*)`` -> output ``(*)``.

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.nn.ELU()(rg.tensor([1.0])).shape
    (1,)
    """

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = float(alpha)

    def forward(self, x: Tensor) -> Tensor:
        return F.elu(x, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class GELU(Module):
    """Gaussian error linear unit ``y = x * Phi(x)``, Phi the standard normal CDF.

    Parameters
    ----------
    approximate : {"none", "tanh"}
        ``"none"`` (default, as PyTorch): exact, through erf; ``"tanh"``:
        ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``.

    Shape
    -----
    input ``(*)`` -> output ``(*)``.

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.nn.GELU()(rg.tensor([0.0]))
    tensor([0.])
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x: Tensor) -> Tensor:
        return F.gelu(x, self.approximate)

    def extra_repr(self) -> str:
        return "" if self.approximate == "none" else f"approximate={self.approximate!r}"


class Softplus(Module):
    """Smooth ReLU ``y = ln(1 + e^x)``; derivative ``sigmoid(x)``.

    Shape
    -----
    input ``(*)`` -> output ``(*)``, values > 0.

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.nn.Softplus()(rg.tensor([0.0]))
    tensor([0.6931472])
    """

    def forward(self, x: Tensor) -> Tensor:
        return F.softplus(x)


class Softmax(Module):
    """``y_i = e^x_i / sum_j e^x_j`` along ``axis``: turns scores into probabilities.

    For training a classifier, feed the raw scores (logits) to
    :class:`~retrograd.nn.CrossEntropyLoss` instead (it is fused and stable).

    Parameters
    ----------
    axis : int
        The axis that sums to 1 (default: the last).

    Shape
    -----
    input ``(*)`` -> output ``(*)``.

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.nn.Softmax()(rg.tensor([[0.0, 0.0]]))
    tensor([[0.5, 0.5]])
    """

    def __init__(self, axis: int = -1) -> None:
        super().__init__()
        self.axis = int(axis)

    def forward(self, x: Tensor) -> Tensor:
        return F.softmax(x, self.axis)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"


class LogSoftmax(Softmax):
    """``log softmax(x)`` along ``axis``, via log-sum-exp (finite for any logits).

    Pair it with :class:`~retrograd.nn.NLLLoss`; together they equal cross-entropy.

    Parameters
    ----------
    axis : int
        The axis to normalise over (default: the last).

    Shape
    -----
    input ``(*)`` -> output ``(*)``.

    Examples
    --------
    >>> import retrograd as rg
    >>> rg.nn.LogSoftmax()(rg.tensor([[1e4, 0.0]]))
    tensor([[     0., -10000.]])
    """

    def forward(self, x: Tensor) -> Tensor:
        return F.log_softmax(x, self.axis)


class Identity(Module):
    """``y = x``: a placeholder layer (also the 'linear' activation).

    Shape
    -----
    input ``(*)`` -> output ``(*)``, the same tensor.

    Examples
    --------
    >>> import retrograd as rg
    >>> x = rg.tensor([1.0])
    >>> rg.nn.Identity()(x) is x
    True
    """

    def forward(self, x: Tensor) -> Tensor:
        return x


#: activation name -> module class (used by the CLI, explain and the estimators)
ACTIVATIONS: dict[str, type[Module]] = {
    "sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU, "leaky_relu": LeakyReLU, "elu": ELU,
    "gelu": GELU, "softplus": Softplus, "identity": Identity, "linear": Identity,
}  # fmt: skip
