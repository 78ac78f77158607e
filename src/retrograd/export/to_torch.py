"""PyTorch weights: the ``torch.nn`` model equivalent to a retrograd network, and its weights.

retrograd's layers take PyTorch's constructor arguments and keep PyTorch's
parameter names, shapes and layouts (``Linear.weight`` is ``(out, in)``,
``Conv2d.weight`` ``(out, in/groups, kh, kw)``, recurrent gates stacked
``i, f, g, o`` for LSTM and ``r, z, n`` for GRU, ``BatchNorm``'s
``running_mean``/``running_var``/``num_batches_tracked``), and ``Sequential``
numbers its children ``"0"``, ``"1"``... So the mapping from a retrograd
``state_dict`` to the equivalent ``torch.nn`` model is the identity on names;
:func:`torch_source` writes that model's Python code and
:func:`torch_state_dict` the arrays to load into it. Neither imports torch.

>>> from retrograd import nn
>>> from retrograd.export import torch_source
>>> print(torch_source(nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))))
torch.nn.Sequential(
    torch.nn.Linear(in_features=4, out_features=8, bias=True),
    torch.nn.ReLU(),
    torch.nn.Linear(in_features=8, out_features=3, bias=True),
)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from retrograd import nn

#: retrograd layer class -> the torch.nn class of the same behaviour and parameter names
TORCH_LAYERS: dict[type, str] = {
    cls: cls.__name__
    for cls in (
        nn.Linear, nn.ReLU, nn.Sigmoid, nn.Tanh, nn.LeakyReLU, nn.ELU, nn.GELU, nn.Softplus,
        nn.Softmax, nn.LogSoftmax, nn.Identity, nn.Dropout, nn.Flatten, nn.Conv1d, nn.Conv2d,
        nn.MaxPool1d, nn.MaxPool2d, nn.AvgPool1d, nn.AvgPool2d, nn.AdaptiveAvgPool2d,
        nn.BatchNorm1d, nn.BatchNorm2d, nn.LayerNorm, nn.Embedding, nn.RNN, nn.LSTM, nn.GRU,
        nn.RNNCell, nn.LSTMCell, nn.GRUCell,
    )
}  # fmt: skip

#: constructor arguments whose name differs in torch.nn
_RENAMED = {"axis": "dim"}


def _torch_kwargs(layer: nn.Module) -> dict[str, Any]:
    config = layer.get_config()
    out = {}
    for key, value in config.items():
        if isinstance(value, list):
            value = tuple(value)
        out[_RENAMED.get(key, key)] = value
    return out


def _check(layer: nn.Module, name: str) -> None:
    if type(layer) not in TORCH_LAYERS and not isinstance(layer, nn.Sequential):
        raise TypeError(
            f"layer {name or '<model>'!r} ({type(layer).__name__}) has no torch.nn counterpart; "
            f"mapped layers: {', '.join(sorted(TORCH_LAYERS.values()))}, Sequential"
        )


def torch_source(model: nn.Module, indent: str = "") -> str:
    """Python code building the ``torch.nn`` model equivalent to ``model``.

    Parameters
    ----------
    model : retrograd.nn.Module
        A ``Sequential`` (nesting allowed) or a single mapped layer.
    indent : str
        Prefix for continuation lines (used when nesting).

    Returns
    -------
    str
        An expression such as ``torch.nn.Sequential(torch.nn.Linear(...), ...)``;
        evaluate it with ``torch`` imported, then load :func:`torch_state_dict`.

    Raises
    ------
    TypeError
        A layer (named in the message) has no ``torch.nn`` counterpart.
    """
    _check(model, "")
    if isinstance(model, nn.Sequential):
        inner = indent + "    "
        lines = ["torch.nn.Sequential("]
        for name, child in model.named_children():
            _check(child, name)
            lines.append(f"{inner}{torch_source(child, inner)},")
        lines.append(f"{indent})")
        return "\n".join(lines)
    args = ", ".join(f"{k}={v!r}" for k, v in _torch_kwargs(model).items())
    return f"torch.nn.{TORCH_LAYERS[type(model)]}({args})"


def torch_state_dict(model: nn.Module) -> dict[str, np.ndarray]:
    """The weights for ``torch_model.load_state_dict`` (same names as ``model.state_dict()``).

    Parameters
    ----------
    model : retrograd.nn.Module

    Returns
    -------
    dict of str to ndarray
        Wrap each array with ``torch.from_numpy`` before loading.

    Shape
    -----
    Every array keeps its retrograd shape, which is PyTorch's.

    Examples
    --------
    >>> from retrograd import nn
    >>> from retrograd.export import torch_state_dict
    >>> sorted(torch_state_dict(nn.Sequential(nn.Linear(2, 3), nn.Tanh())))
    ['0.bias', '0.weight']
    """
    for name, layer in model.named_modules():
        parent = name.rpartition(".")[0]
        container = model.get_submodule(parent) if parent else model
        if name == "" or isinstance(container, nn.Sequential):
            _check(layer, name)  # layers inside a mapped layer are that layer's business
    return {k: np.ascontiguousarray(v) for k, v in model.state_dict().items()}
