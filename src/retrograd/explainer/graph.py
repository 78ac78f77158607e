"""Draw a computation graph: DOT text with each node's op, value and gradient.

:func:`to_dot` walks the graph recorded behind a tensor (call it *before*
``backward()``, or after ``backward(retain_graph=True)``), runs a side-effect-free
backward pass to label every tensor with its gradient, and returns Graphviz DOT
text -- no Graphviz needed for that. :func:`render` turns the text into SVG, PNG
or PDF with Graphviz's ``dot`` program when it is installed.

Boxes are tensors (leaves that require grad in blue, constants in grey, the root
in orange), ellipses are ops; edges follow the forward direction.

Examples
--------
>>> import numpy as np, retrograd as rg
>>> from retrograd.explainer.graph import to_dot
>>> x = rg.tensor([1.0, 2.0], requires_grad=True, dtype=np.float64)
>>> x.name = "x"
>>> y = (x * x).sum()
>>> print(to_dot(y).splitlines()[0])
digraph retrograd {
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from retrograd.function import Function
from retrograd.tensor import Tensor


def _collect(root: Tensor) -> tuple[list[Tensor], list[Function], dict[int, Tensor]]:
    """Every tensor and op node behind ``root``, and each node's output tensor."""
    tensors: dict[int, Tensor] = {id(root): root}
    nodes: dict[int, Function] = {}
    output_of: dict[int, Tensor] = {}
    stack = [root]
    while stack:
        t = stack.pop()
        node = t._node
        if node is None:
            continue
        output_of.setdefault(id(node), t)
        if id(node) in nodes:
            continue
        if node.released:
            raise ValueError(
                f"to_dot: the graph behind this tensor was freed by backward() (node "
                f"{node.name}); call to_dot before backward(), or use backward(retain_graph=True)"
            )
        nodes[id(node)] = node
        for inp in node.inputs:
            if id(inp) not in tensors:
                tensors[id(inp)] = inp
                stack.append(inp)
    return list(tensors.values()), list(nodes.values()), output_of


def _gradients(root: Tensor, tensors: list[Tensor], nodes: list[Function]) -> dict[int, Any]:
    """d(root)/d(every tensor) by the engine, leaving every ``.grad`` as it was."""
    saved_grads = {id(t): t.grad for t in tensors}
    saved_retained = {id(n): n.retained_output for n in nodes}
    for t in tensors:
        t.grad = None
        if t._node is not None:
            t._node.retained_output = t
    try:
        root.backward(np.ones_like(root.data), retain_graph=True)
        return {id(t): t.grad for t in tensors if t.grad is not None}
    finally:
        for t in tensors:
            t.grad = saved_grads[id(t)]
        for n in nodes:
            n.retained_output = saved_retained[id(n)]


def _array_text(a: Any, digits: int, max_values: int) -> str:
    arr = np.asarray(a)
    if arr.size == 1:
        return f"{arr.item():.{digits}g}"
    flat = arr.reshape(-1)
    shown = " ".join(f"{v:.{digits}g}" for v in flat[:max_values])
    more = " ..." if flat.size > max_values else ""
    return f"[{shown}{more}]"


def _escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"')


def _names_from(names: Any) -> dict[int, str]:
    if names is None:
        return {}
    if hasattr(names, "named_parameters"):  # an nn.Module
        return {id(p): n for n, p in names.named_parameters()}
    if isinstance(names, Mapping):
        return {id(t): str(n) for n, t in names.items()}
    raise TypeError("to_dot: names must be a mapping name -> tensor or an nn.Module")


def to_dot(
    root: Tensor,
    names: Mapping[str, Tensor] | Any = None,
    grads: bool = True,
    digits: int = 4,
    max_values: int = 6,
    title: str | None = None,
) -> str:
    """The computation graph behind ``root`` as Graphviz DOT text.

    Parameters
    ----------
    root : Tensor
        The output (e.g. a loss, or a model's output) whose graph to draw.
    names : mapping or nn.Module, optional
        Labels for tensors (``{"w": w}``), or a module whose parameter names to use.
        Otherwise a tensor's ``.name`` is used when set.
    grads : bool
        Label each tensor with d(root)/d(tensor), computed by the engine with a ones seed
        (``.grad`` attributes are left exactly as they were).
    digits : int
        Significant digits of the printed values.
    max_values : int
        Values shown per tensor before ``...``.
    title : str, optional
        A graph label.

    Returns
    -------
    str
        DOT text; pass it to :func:`render`, or paste it into any Graphviz viewer.

    Shape
    -----
    ``root`` may have any shape; a non-scalar root is seeded with ones.
    """
    if not isinstance(root, Tensor):
        raise TypeError(f"to_dot: expected a Tensor, got {type(root).__name__}")
    tensors, nodes, output_of = _collect(root)
    grad_of = _gradients(root, tensors, nodes) if grads and root.requires_grad else {}
    labels = _names_from(names)
    tid = {id(t): f"t{i}" for i, t in enumerate(tensors)}
    nid = {id(n): f"op{i}" for i, n in enumerate(nodes)}
    lines = [
        "digraph retrograd {",
        "  rankdir=LR;",
        '  node [fontname="Helvetica", fontsize=10];',
    ]
    if title:
        lines.append(f'  label="{_escape(title)}"; labelloc=t;')
    for t in tensors:
        const = "constant" if not t.requires_grad else "leaf"
        name = labels.get(id(t)) or t.name or (const if t._node is None else "")
        parts = [name] if name else []
        parts.append(f"shape {tuple(t.shape)}")
        parts.append(f"value {_array_text(t.data, digits, max_values)}")
        if id(t) in grad_of:
            parts.append(f"grad {_array_text(grad_of[id(t)], digits, max_values)}")
        if t is root:
            color = "#f6c48f"
        elif t._node is None:
            color = "#a9cdf0" if t.requires_grad else "#e4e4e4"
        else:
            color = "#ffffff"
        label = "\\n".join(_escape(p) for p in parts)
        lines.append(
            f'  {tid[id(t)]} [shape=box, style="rounded,filled", fillcolor="{color}", '
            f'label="{label}"];'
        )
    for n in nodes:
        lines.append(f'  {nid[id(n)]} [shape=ellipse, label="{_escape(n.name)}"];')
        for inp in n.inputs:
            lines.append(f"  {tid[id(inp)]} -> {nid[id(n)]};")
        out = output_of.get(id(n))
        if out is not None:
            lines.append(f"  {nid[id(n)]} -> {tid[id(out)]};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def graphviz_available() -> bool:
    """Whether Graphviz's ``dot`` program is on the PATH."""
    return shutil.which("dot") is not None


def render(dot: str, path: str | Path, format: str | None = None) -> Path:
    """Write DOT text to ``path``: ``.dot``/``.gv`` as is, ``.svg``/``.png``/``.pdf`` via Graphviz.

    Parameters
    ----------
    dot : str
        Text from :func:`to_dot`.
    path : str or Path
        The output file (written atomically).
    format : str, optional
        ``'dot'``, ``'svg'``, ``'png'`` or ``'pdf'``; default: from the file's suffix.

    Raises
    ------
    RuntimeError
        For SVG/PNG/PDF when the ``dot`` program is not installed.
    """
    from retrograd.io.atomic import atomic_write_bytes

    p = Path(path)
    fmt = (format or p.suffix.lstrip(".") or "dot").lower()
    if fmt in ("dot", "gv"):
        atomic_write_bytes(p, dot.encode("utf-8"))
        return p
    if fmt not in ("svg", "png", "pdf"):
        raise ValueError(f"render: unknown format {fmt!r}; expected dot, svg, png or pdf")
    exe = shutil.which("dot")
    if exe is None:
        raise RuntimeError(
            "render: Graphviz's 'dot' program was not found; install Graphviz (apt install "
            "graphviz / brew install graphviz / conda install graphviz) or save the DOT text "
            "(a .dot file) and open it in any Graphviz viewer"
        )
    proc = subprocess.run(
        [exe, f"-T{fmt}"], input=dot.encode("utf-8"), capture_output=True, check=False, timeout=60
    )
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(f"render: dot failed: {msg[0] if msg else proc.returncode}")
    atomic_write_bytes(p, proc.stdout)
    return p


def network_graph(explanation_or_spec: Any, sample: int | None = None, digits: int = 4) -> str:
    """The graph of a narrated network's loss (all samples, or one) as DOT text.

    Parameters
    ----------
    explanation_or_spec : Explanation or NetworkSpec
    sample : int, optional
        Draw the graph for this sample only (0-based); default: the whole batch.
    digits : int
        Significant digits of the values and gradients in the labels (as :func:`to_dot`).
    """
    from retrograd.explainer.network import ExplainedNetwork

    spec = getattr(explanation_or_spec, "spec", explanation_or_spec)
    samples = spec.samples if sample is None else [spec.samples[sample]]
    net = ExplainedNetwork(spec)
    x = np.array([s.inputs for s in samples])
    t = np.array([s.targets for s in samples])
    _, loss = net.forward(x, t)
    sizes = "-".join(map(str, spec.layer_sizes))
    return to_dot(
        loss,
        digits=digits,
        title=f"{sizes} network, loss {spec.loss}: values and dE/d(tensor)",
    )
