"""The backward pass: walk the recorded graph from the loss to every weight.

``loss.backward()`` lands here. The graph is a DAG of *nodes* (op instances,
see :mod:`retrograd.function`); each non-leaf tensor points at the node that
made it, and each node points at its input tensors.

1. ``topological_order`` lists the nodes reachable from the loss so that every
   node comes before the nodes that produced its inputs (output layer first,
   then hidden layers -- the order of the classic backprop algorithm). It is
   iterative, so a chain of 100,000 ops never hits Python's recursion limit,
   and deterministic: the same graph always gives the same order.
2. ``run_backward`` seeds dL/dL = 1 and visits the nodes in that order. Each
   node receives the *total* gradient of the loss w.r.t. its output (all paths
   summed: the multivariate chain rule) and turns it into gradients for its
   inputs with its own derivative rule. Gradients for leaf tensors (weights)
   accumulate into ``.grad``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from retrograd.function import Function, check_finite_grad
from retrograd.grad_mode import state
from retrograd.ops.broadcast import sum_to_shape

if TYPE_CHECKING:
    from retrograd.tensor import Tensor


def topological_order(root: Function) -> list[Function]:
    """Nodes reachable from ``root``, each before the nodes that feed it.

    Depth-first search with an explicit stack: a node is appended to the
    post-order only after everything it depends on, and the reversed
    post-order is a topological order starting at ``root``.
    """
    post_order: list[Function] = []
    visited: set[int] = set()
    stack: list[tuple[Function, bool]] = [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            post_order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))
        for t in node.inputs:
            parent = t._node
            if parent is not None and id(parent) not in visited:
                stack.append((parent, False))
    post_order.reverse()
    return post_order


def _accumulate_leaf(t: Tensor, g: Any) -> None:
    # Never in place: ``g`` may be shared with another input's gradient.
    t.grad = g if t.grad is None else t.grad + g


def run_backward(root: Tensor, grad: Any, retain_graph: bool = False) -> None:
    """Backpropagate ``grad`` (dL/droot) to every leaf that requires grad."""
    node = root._node
    if node is None:  # backward on a leaf: its gradient is the seed itself
        _accumulate_leaf(root, grad)
        return
    order = topological_order(node)
    # grads[id(node)] = dL/d(output of node), summed over every path so far.
    grads: dict[int, Any] = {id(node): grad}
    anomaly = state.anomaly
    for node in order:
        grad_out = grads.pop(id(node), None)
        if node.released:
            raise RuntimeError(
                f"Trying to backward through the graph a second time (node {node.name}): "
                "its saved arrays were freed after the first backward. "
                "Call backward(retain_graph=True) the first time if you need to go twice."
            )
        if grad_out is None:  # no path from the loss reaches this node's output
            if not retain_graph:
                node.release()
            continue
        if node.retained_output is not None:
            _accumulate_leaf(node.retained_output, grad_out)
        input_grads = node.backward(grad_out)
        if type(input_grads) is not tuple:
            input_grads = (input_grads,)
        for t, g in zip(node.inputs, input_grads):
            if g is None or not t.requires_grad:
                continue
            if anomaly:
                check_finite_grad(g, node)
            if g.shape != t.data.shape:  # undo broadcasting, in this one place
                g = sum_to_shape(g, t.data.shape)
            parent = t._node
            if parent is None:
                _accumulate_leaf(t, g)
            else:
                key = id(parent)
                prev = grads.get(key)
                grads[key] = g if prev is None else prev + g
        if not retain_graph:
            node.release()
