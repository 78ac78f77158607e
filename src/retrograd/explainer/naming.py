"""Names of neurons, weights and biases, as the textbook derivations write them.

* Inputs are ``i1, i2, ...`` and outputs ``o1, o2, ...``.
* With one hidden layer its neurons are ``h1, h2, ...``; with several, layer
  ``l`` (counting hidden layers from 1) has ``hl_1, hl_2, ...`` (``h1_1``,
  ``h2_3``).
* Weights are ``w1 ... wN``, numbered layer by layer and, inside a layer, row
  by row of the weight matrix ``W`` of shape ``(out, in)``: first every input of
  the first neuron, then every input of the second, and so on. In the 2-2-2
  example this gives ``w1 = i1->h1, w2 = i2->h1, w3 = i1->h2, w4 = i2->h2``.
* A bias shared by a whole layer (as in the textbook example) is ``b1, b2,
  ...`` (one per layer); a bias per neuron is ``b_<neuron>`` (``b_h1``,
  ``b_o2``).
"""

from __future__ import annotations

from collections.abc import Sequence


def layer_group(layer: int, n_layers: int) -> str:
    """The group name of a layer: ``'i'``, ``'o'``, ``'h'`` (one hidden layer) or ``'h2'``."""
    if layer == 0:
        return "i"
    if layer == n_layers - 1:
        return "o"
    return "h" if n_layers == 3 else f"h{layer}"


def neuron_names(layer_sizes: Sequence[int]) -> list[list[str]]:
    """Neuron names per layer, the input layer first.

    Examples
    --------
    >>> neuron_names([2, 2, 2])
    [['i1', 'i2'], ['h1', 'h2'], ['o1', 'o2']]
    >>> neuron_names([1, 2, 1, 1])[1:3]
    [['h1_1', 'h1_2'], ['h2_1']]
    """
    n_layers = len(layer_sizes)
    names = []
    for layer, size in enumerate(layer_sizes):
        group = layer_group(layer, n_layers)
        sep = "_" if len(group) > 1 else ""
        names.append([f"{group}{sep}{k + 1}" for k in range(size)])
    return names


def layer_label(layer: int, layer_sizes: Sequence[int]) -> str:
    """How errors name the weights of ``layer`` (1-based), e.g. ``'layer 1 (i -> h)'``."""
    n = len(layer_sizes)
    return f"layer {layer} ({layer_group(layer - 1, n)} -> {layer_group(layer, n)})"


def weight_names(layer_sizes: Sequence[int]) -> list[list[list[str]]]:
    """``names[l][k][j]``: the weight from neuron j of layer l to neuron k of layer l + 1.

    Examples
    --------
    >>> weight_names([2, 2, 2])
    [[['w1', 'w2'], ['w3', 'w4']], [['w5', 'w6'], ['w7', 'w8']]]
    """
    out = []
    n = 0
    for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        layer = []
        for _ in range(fan_out):
            layer.append([f"w{n + j + 1}" for j in range(fan_in)])
            n += fan_in
        out.append(layer)
    return out


def bias_names(layer_sizes: Sequence[int], shared: Sequence[bool]) -> list[list[str]]:
    """Bias names per non-input layer: ``['b1']`` when shared, else ``['b_h1', 'b_h2', ...]``."""
    neurons = neuron_names(layer_sizes)
    out = []
    for layer in range(1, len(layer_sizes)):
        if shared[layer - 1]:
            out.append([f"b{layer}"])
        else:
            out.append([f"b_{name}" for name in neurons[layer]])
    return out
