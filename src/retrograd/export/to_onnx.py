"""ONNX export: write a trained retrograd network as an ``.onnx`` graph other runtimes run.

The network is walked layer by layer (``Sequential`` containers are opened)
and every layer becomes one or a few standard ONNX operators: ``Linear`` ->
``Gemm``, ``Conv2d`` -> ``Conv``, ``MaxPool2d`` -> ``MaxPool``, ``BatchNorm`` ->
``BatchNormalization`` with the running statistics (eval mode), ``Dropout`` ->
``Identity``... The weights become initializers named exactly like the
``state_dict()`` keys (``"0.weight"``), so the file is easy to inspect.

A layer with no ONNX translation (a recurrent layer, your own ``Module``
subclass) stops the export with :class:`UnsupportedLayerError` naming it.
Needs the ``onnx`` extra: ``pip install "retrograd[onnx]"``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from retrograd import nn
from retrograd.grad_mode import no_grad
from retrograd.tensor import Tensor

#: the ONNX opset the exported files declare (LayerNormalization needs 17)
OPSET = 17


class UnsupportedLayerError(TypeError):
    """A layer of the network has no ONNX translation."""


def _onnx() -> Any:
    try:
        import onnx
    except ImportError as exc:  # pragma: no cover - onnx is in the test extra
        raise ImportError('ONNX export needs onnx: pip install "retrograd[onnx]"') from exc
    return onnx


def leaf_layers(model: nn.Module, prefix: str = "") -> list[tuple[str, nn.Module]]:
    """The layers of ``model`` in execution order, with ``Sequential`` containers opened."""
    if isinstance(model, nn.Sequential):
        out: list[tuple[str, nn.Module]] = []
        for name, child in model.named_children():
            out += leaf_layers(child, f"{prefix}{name}.")
        return out
    return [(prefix[:-1], model)]


class _Graph:
    """Collects ONNX nodes and initializers while the layers are translated."""

    def __init__(self, onnx: Any, dtype: np.dtype) -> None:
        self.onnx, self.dtype = onnx, dtype
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self.counter = 0

    def const(self, name: str, value: Any, dtype: Any = None) -> str:
        arr = np.ascontiguousarray(np.asarray(value, dtype=dtype or self.dtype))
        self.initializers.append(self.onnx.numpy_helper.from_array(arr, name=name))
        return name

    def node(self, op: str, inputs: Sequence[str], where: str, **attrs: Any) -> str:
        self.counter += 1
        out = f"{where or 'model'}/{op}_{self.counter}"
        self.nodes.append(self.onnx.helper.make_node(op, list(inputs), [out], name=out, **attrs))
        return out


Converter = Callable[[_Graph, nn.Module, str, str, tuple[int, ...]], str]


def _linear(g: _Graph, layer: Any, name: str, x: str, shape: tuple[int, ...]) -> str:
    # y = x W^T + b
    w = layer.weight.data
    if len(shape) == 2:
        inputs = [x, g.const(f"{name}.weight", w)]
        if layer.bias is not None:
            inputs.append(g.const(f"{name}.bias", layer.bias.data))
        return g.node("Gemm", inputs, name, transB=1)
    y = g.node("MatMul", [x, g.const(f"{name}.weight_T", w.T)], name)
    if layer.bias is not None:
        y = g.node("Add", [y, g.const(f"{name}.bias", layer.bias.data)], name)
    return y


def _gelu(g: _Graph, layer: Any, name: str, x: str, shape: tuple[int, ...]) -> str:
    half = g.const(f"{name}.half", 0.5)
    one = g.const(f"{name}.one", 1.0)
    if layer.approximate == "tanh":  # 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
        x3 = g.node("Mul", [g.node("Mul", [x, x], name), x], name)
        inner = g.node("Add", [x, g.node("Mul", [x3, g.const(f"{name}.c", 0.044715)], name)], name)
        k = g.const(f"{name}.k", math.sqrt(2.0 / math.pi))
        t = g.node("Tanh", [g.node("Mul", [inner, k], name)], name)
    else:  # 0.5 x (1 + erf(x / sqrt 2))
        t = g.node(
            "Erf", [g.node("Mul", [x, g.const(f"{name}.k", 1 / math.sqrt(2.0))], name)], name
        )
    return g.node("Mul", [g.node("Mul", [x, half], name), g.node("Add", [t, one], name)], name)


def _conv(g: _Graph, layer: Any, name: str, x: str, shape: tuple[int, ...]) -> str:
    inputs = [x, g.const(f"{name}.weight", layer.weight.data)]
    if layer.bias is not None:
        inputs.append(g.const(f"{name}.bias", layer.bias.data))
    pads = [p[0] for p in layer._pads] + [p[1] for p in layer._pads]
    return g.node(
        "Conv", inputs, name,
        kernel_shape=list(layer.kernel_size), strides=list(layer.stride),
        dilations=list(layer.dilation), group=int(layer.groups), pads=pads,
    )  # fmt: skip


def _pool_attrs(layer: Any) -> dict[str, Any]:
    """Kernel, strides and pads; the 1-d pools store a height-1 2-d window."""
    k, s, p = list(layer.kernel_size), list(layer.stride), list(layer.padding)
    if isinstance(layer, (nn.MaxPool1d, nn.AvgPool1d)):
        k, s, p = k[1:], s[1:], p[1:]
    ceil = int(bool(getattr(layer, "ceil_mode", False)))
    return {"kernel_shape": k, "strides": s, "pads": p + p, "ceil_mode": ceil}


def _max_pool(g: _Graph, layer: Any, name: str, x: str, shape: tuple[int, ...]) -> str:
    attrs = _pool_attrs(layer)
    d = list(layer.dilation)
    attrs["dilations"] = d[1:] if isinstance(layer, nn.MaxPool1d) else d
    return g.node("MaxPool", [x], name, **attrs)


def _avg_pool(g: _Graph, layer: Any, name: str, x: str, shape: tuple[int, ...]) -> str:
    attrs = _pool_attrs(layer)
    return g.node("AveragePool", [x], name, count_include_pad=int(layer.count_include_pad), **attrs)


def _adaptive_avg_pool(g: _Graph, layer: Any, name: str, x: str, shape: tuple[int, ...]) -> str:
    h, w = shape[-2:]
    oh, ow = (d if o is None else o for d, o in zip((h, w), layer.output_size))
    if (oh, ow) == (1, 1):
        return g.node("GlobalAveragePool", [x], name)
    if h % oh or w % ow:
        raise UnsupportedLayerError(
            f"layer {name!r} (AdaptiveAvgPool2d{layer.output_size}): ONNX export needs the "
            f"input size {(h, w)} to be a multiple of the output size {(oh, ow)}"
        )
    kernel = [h // oh, w // ow]
    return g.node("AveragePool", [x], name, kernel_shape=kernel, strides=kernel)


def _flatten(g: _Graph, layer: Any, name: str, x: str, shape: tuple[int, ...]) -> str:
    start = layer.start_dim % len(shape)
    end = layer.end_dim % len(shape)
    if start == 1 and end == len(shape) - 1:
        return g.node("Flatten", [x], name, axis=1)
    target = [0] * start + [-1] + list(shape[end + 1 :])  # 0 copies the (batch) axis
    return g.node("Reshape", [x, g.const(f"{name}.shape", target, np.int64)], name)


def _batch_norm(g: _Graph, layer: Any, name: str, x: str, shape: tuple[int, ...]) -> str:
    if not layer.track_running_stats:
        raise UnsupportedLayerError(
            f"layer {name!r} ({type(layer).__name__}, track_running_stats=False) normalises "
            "with the statistics of each batch even in eval mode; ONNX export needs running "
            "statistics"
        )
    c = layer.num_features
    scale = layer.weight.data if layer.affine else np.ones(c)
    bias = layer.bias.data if layer.affine else np.zeros(c)
    inputs = [
        x,
        g.const(f"{name}.weight", scale),
        g.const(f"{name}.bias", bias),
        g.const(f"{name}.running_mean", layer.running_mean),
        g.const(f"{name}.running_var", layer.running_var),
    ]
    return g.node("BatchNormalization", inputs, name, epsilon=float(layer.eps))


def _layer_norm(g: _Graph, layer: Any, name: str, x: str, shape: tuple[int, ...]) -> str:
    ns = layer.normalized_shape
    w = layer.weight.data if layer.weight is not None else np.ones(ns)
    b = layer.bias.data if layer.bias is not None else np.zeros(ns)
    inputs = [x, g.const(f"{name}.weight", w), g.const(f"{name}.bias", b)]
    return g.node("LayerNormalization", inputs, name, axis=-len(ns), epsilon=float(layer.eps))


def _simple(op: str, **fixed: Any) -> Converter:
    def convert(g: _Graph, layer: Any, name: str, x: str, shape: tuple[int, ...]) -> str:
        return g.node(op, [x], name, **fixed)

    return convert


def _with_attr(op: str, attr: str, field: str) -> Converter:
    def convert(g: _Graph, layer: Any, name: str, x: str, shape: tuple[int, ...]) -> str:
        return g.node(op, [x], name, **{attr: float(getattr(layer, field))})

    return convert


def _softmax(op: str) -> Converter:
    def convert(g: _Graph, layer: Any, name: str, x: str, shape: tuple[int, ...]) -> str:
        return g.node(op, [x], name, axis=int(layer.axis))

    return convert


#: layer class -> translation (exact classes: a subclass may compute something else)
CONVERTERS: dict[type, Converter] = {
    nn.Linear: _linear,
    nn.ReLU: _simple("Relu"),
    nn.Sigmoid: _simple("Sigmoid"),
    nn.Tanh: _simple("Tanh"),
    nn.Softplus: _simple("Softplus"),
    nn.Identity: _simple("Identity"),
    nn.Dropout: _simple("Identity"),  # inference: dropout is the identity
    nn.LeakyReLU: _with_attr("LeakyRelu", "alpha", "negative_slope"),
    nn.ELU: _with_attr("Elu", "alpha", "alpha"),
    nn.GELU: _gelu,
    nn.Softmax: _softmax("Softmax"),
    nn.LogSoftmax: _softmax("LogSoftmax"),
    nn.Flatten: _flatten,
    nn.Conv1d: _conv,
    nn.Conv2d: _conv,
    nn.MaxPool1d: _max_pool,
    nn.MaxPool2d: _max_pool,
    nn.AvgPool1d: _avg_pool,
    nn.AvgPool2d: _avg_pool,
    nn.AdaptiveAvgPool2d: _adaptive_avg_pool,
    nn.BatchNorm1d: _batch_norm,
    nn.BatchNorm2d: _batch_norm,
    nn.LayerNorm: _layer_norm,
}


def _input_shape(layers: list[tuple[str, nn.Module]], input_shape: Sequence[int] | None) -> tuple:
    if input_shape is not None:
        return tuple(int(d) for d in input_shape)
    first = layers[0][1] if layers else None
    if isinstance(first, nn.Linear):
        return (first.in_features,)
    raise ValueError(
        f"export_onnx: pass input_shape (one example's shape, without the batch axis, e.g. "
        f"(1, 28, 28)); it can only be inferred when the first layer is Linear, here it is "
        f"{type(first).__name__}"
    )


def export_onnx(
    model: nn.Module,
    path: str | os.PathLike[str] | None = None,
    *,
    input_shape: Sequence[int] | None = None,
    mean: Any = None,
    std: Any = None,
    input_name: str = "input",
    output_name: str = "output",
    doc_string: str = "",
) -> Any:
    """Translate ``model`` into an ONNX graph (and write it to ``path``, atomically).

    Parameters
    ----------
    model : retrograd.nn.Module
        A ``Sequential`` (nesting allowed) or a single layer made of the
        supported layers: ``Linear``, ``Conv1d``, ``Conv2d``, ``MaxPool1d/2d``,
        ``AvgPool1d/2d``, ``AdaptiveAvgPool2d``, ``Flatten``, ``Dropout``,
        ``BatchNorm1d/2d`` (running statistics), ``LayerNorm`` and the
        activations ``ReLU``, ``Sigmoid``, ``Tanh``, ``LeakyReLU``, ``ELU``,
        ``GELU``, ``Softplus``, ``Softmax``, ``LogSoftmax``, ``Identity``.
        It is exported as in eval mode.
    path : str or PathLike, optional
        Where to write the ``.onnx`` file.
    input_shape : sequence of int, optional
        One example's shape without the batch axis, e.g. ``(1, 28, 28)`` for a
        CNN on MNIST. Inferred for networks starting with ``Linear``.
    mean, std : array-like, optional
        Input standardisation to build into the graph: the exported model
        computes ``(input - mean) / std`` first (``retrograd train`` records them).
    input_name, output_name : str
        Names of the graph's input and output.
    doc_string : str
        Description stored in the file.

    Returns
    -------
    onnx.ModelProto
        The checked model (opset 17). The batch axis is dynamic (``"N"``).

    Raises
    ------
    UnsupportedLayerError
        A layer has no ONNX translation; the message names it.

    Shape
    -----
    input ``(N, *input_shape)`` -> the model's output ``(N, ...)``.

    Examples
    --------
    >>> import numpy as np
    >>> from retrograd import nn
    >>> from retrograd.export import export_onnx
    >>> model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    >>> proto = export_onnx(model)                      # doctest: +SKIP
    >>> [n.op_type for n in proto.graph.node]           # doctest: +SKIP
    ['Gemm', 'Relu', 'Gemm']
    """
    onnx = _onnx()
    from onnx import TensorProto, helper

    if not isinstance(model, nn.Module):
        raise TypeError(f"export_onnx: expected a retrograd.nn.Module, got {type(model).__name__}")
    layers = leaf_layers(model)
    for name, layer in layers:
        if type(layer) not in CONVERTERS:
            supported = ", ".join(sorted(c.__name__ for c in CONVERTERS))
            raise UnsupportedLayerError(
                f"layer {name or '<model>'!r} ({type(layer).__name__}) has no ONNX export; "
                f"supported layers: {supported}"
            )
    params = list(model.parameters())
    dtype = np.dtype(params[0].dtype if params else np.float32)
    if dtype not in (np.float32, np.float64):
        raise TypeError(f"export_onnx: weights must be float32 or float64, got {dtype}")
    shape = _input_shape(layers, input_shape)
    g = _Graph(onnx, dtype)
    x = input_name
    if mean is not None:
        x = g.node("Sub", [x, g.const("input_mean", mean)], "scaling")
    if std is not None:
        s = np.where(np.asarray(std, dtype=np.float64) == 0, 1.0, std)
        x = g.node("Div", [x, g.const("input_std", s)], "scaling")
    probe = Tensor(np.zeros((1, *shape)), dtype=dtype)  # to learn every layer's input shape
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            for name, layer in layers:
                x = CONVERTERS[type(layer)](g, layer, name, x, tuple(probe.shape))
                probe = layer(probe)
    finally:
        model.train(was_training)
    out_shape = tuple(probe.shape)
    g.nodes.append(helper.make_node("Identity", [x], [output_name], name="output"))
    elem = TensorProto.FLOAT if dtype == np.float32 else TensorProto.DOUBLE
    graph = helper.make_graph(
        g.nodes,
        "retrograd",
        [helper.make_tensor_value_info(input_name, elem, ["N", *shape])],
        [helper.make_tensor_value_info(output_name, elem, ["N", *out_shape[1:]])],
        initializer=g.initializers,
    )
    proto = helper.make_model(
        graph,
        producer_name="retrograd",
        producer_version=_version(),
        opset_imports=[helper.make_opsetid("", OPSET)],
        doc_string=doc_string,
    )
    proto.ir_version = min(proto.ir_version, 9)  # readable by older runtimes too
    onnx.checker.check_model(proto)
    if path is not None:
        from retrograd.io.atomic import atomic_write_bytes

        atomic_write_bytes(path, proto.SerializeToString())
    return proto


def _version() -> str:
    from retrograd import __version__

    return __version__
