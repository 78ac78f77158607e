"""The narrated network, built from retrograd's own ops.

Each layer is one fused :class:`~retrograd.ops.Linear` node (``net = x W^T + b``)
followed by one activation node (``out = f(net)``); the loss is the library's own
loss function. Every ``net`` and ``out`` tensor calls ``retain_grad()``, so after
``loss.backward()`` the engine has left dE/dnet and dE/dout on them -- that is
where the narrated numbers come from.

A bias shared by a whole layer (the textbook's ``b1``) is one scalar broadcast to
the layer's width by a ``BroadcastTo`` node; the engine sums its gradient back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from retrograd import ops
from retrograd.explainer.naming import layer_group
from retrograd.explainer.spec import NetworkSpec
from retrograd.nn import functional as F
from retrograd.tensor import Tensor

#: activation name -> the op that computes it (identity has none: out is net). Leaky ReLU
#: and ELU use their default parameters (slope 0.01, alpha 1), as nn.LeakyReLU() and nn.ELU()
ACTIVATION_OPS = {
    "sigmoid": ops.Sigmoid,
    "tanh": ops.Tanh,
    "relu": ops.ReLU,
    "leaky_relu": ops.LeakyReLU,
    "elu": ops.ELU,
}


@dataclass
class LayerTensors:
    """The tensors of one layer in one forward pass.

    Shape
    -----
    ``inputs``: ``(N, in)``; ``net`` and ``out``: ``(N, out)``; ``bias``: ``(out,)``.
    """

    inputs: Tensor
    bias: Tensor
    net: Tensor
    out: Tensor


class ExplainedNetwork:
    """Float64 leaf tensors for a spec's weights and biases, and the forward pass.

    Parameters
    ----------
    spec : NetworkSpec
        Sizes, activations, loss and initial parameter values (copied).

    Examples
    --------
    >>> from retrograd.explainer import textbook_spec
    >>> from retrograd.explainer.network import ExplainedNetwork
    >>> net = ExplainedNetwork(textbook_spec())
    >>> layers, loss = net.forward([[0.05, 0.10]], [[0.01, 0.99]])
    >>> round(loss.item(), 9)
    0.298371109
    """

    def __init__(self, spec: NetworkSpec) -> None:
        self.spec = spec
        n = len(spec.layer_sizes)
        self.weights: list[Tensor] = []
        self.biases: list[Tensor] = []
        for layer, (w, b) in enumerate(zip(spec.weights, spec.biases), start=1):
            wt = Tensor(np.array(w, dtype=np.float64), requires_grad=True, dtype=np.float64)
            bt = Tensor(np.array(b, dtype=np.float64), requires_grad=True, dtype=np.float64)
            wt.name = f"W{layer} ({layer_group(layer - 1, n)} -> {layer_group(layer, n)})"
            bt.name = f"b{layer}"
            self.weights.append(wt)
            self.biases.append(bt)

    def parameters(self, include_biases: bool = True) -> list[Tensor]:
        """Weights (and biases) as leaf tensors, layer by layer."""
        if not include_biases:
            return list(self.weights)
        return [t for pair in zip(self.weights, self.biases) for t in pair]

    def zero_grad(self) -> None:
        for t in self.parameters():
            t.grad = None

    def forward(self, inputs: object, targets: object) -> tuple[list[LayerTensors], Tensor]:
        """Run the network on a batch and return every layer's tensors and the loss.

        Parameters
        ----------
        inputs : array_like
            Shape ``(N, in)``.
        targets : array_like
            Shape ``(N, out)`` (probabilities for cross-entropy).

        Returns
        -------
        layers : list of LayerTensors
            One per weight layer; ``net`` and ``out`` retain their gradients.
        loss : Tensor
            The scalar batch loss (1/2-SSE summed; MSE and both cross-entropies averaged).
        """
        spec = self.spec
        n = len(spec.layer_sizes)
        h = Tensor(np.asarray(inputs, dtype=np.float64), dtype=np.float64)
        h.name = "inputs (i)"
        layers = []
        for layer, (w, b) in enumerate(zip(self.weights, self.biases), start=1):
            group = layer_group(layer, n)
            width = w.shape[0]
            bias = ops.BroadcastTo.apply(b, shape=(width,)) if spec.shared_bias[layer - 1] else b
            net = ops.Linear.apply(h, w, bias)
            net.retain_grad()
            net.name = f"net_{group}"
            act = spec.activations[layer - 1]
            if act in ACTIVATION_OPS:
                out = ACTIVATION_OPS[act].apply(net)
                out.retain_grad()
                out.name = f"out_{group}"
            else:  # identity, or softmax inside the cross-entropy loss: the loss reads net
                out = net
            layers.append(LayerTensors(h, bias, net, out))
            h = out
        loss = self.loss(h, targets)
        loss.name = "E"
        return layers, loss

    def loss(self, out: Tensor, targets: object) -> Tensor:
        """The spec's loss of the last layer's output (logits for cross-entropy)."""
        t = np.asarray(targets, dtype=np.float64)
        if self.spec.loss == "half_sse":
            return F.half_sse_loss(out, t)
        if self.spec.loss == "mse":
            return F.mse_loss(out, t)
        if self.spec.loss == "binary_cross_entropy":  # out is the sigmoid's probability
            return F.binary_cross_entropy(out, t)
        return F.cross_entropy(out, t)

    def output_errors(self, out: Tensor, targets: object) -> np.ndarray:
        """Each output's share of the loss, ``(N, out)``: E_o = 1/2 (t - o)^2, (t - o)^2 / K,
        -t log softmax(z)_o, or -[t log o + (1 - t) log(1 - o)] / K. Summed over outputs
        they give each sample's loss."""
        t = Tensor(np.asarray(targets, dtype=np.float64), dtype=np.float64)
        if self.spec.loss == "cross_entropy":
            return -(t.data * ops.LogSoftmax.apply(out, axis=-1).data)
        if self.spec.loss == "binary_cross_entropy":
            bce = ops.BCELoss.apply(out, t, reduction="none").data
            return bce / out.shape[-1]
        sq = ops.MSELoss.apply(out, t, reduction="none").data
        return 0.5 * sq if self.spec.loss == "half_sse" else sq / out.shape[-1]

    def parameter_arrays(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Copies of the current weight and bias values."""
        return [w.data.copy() for w in self.weights], [b.data.copy() for b in self.biases]
