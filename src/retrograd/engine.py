"""The backward pass: walk the recorded graph from the loss to every weight.

``loss.backward()`` lands in :func:`run_backward`. The graph is a DAG of *nodes*
(op instances, see :mod:`retrograd.function`); each non-leaf tensor points at
the node that made it (``tensor._node``), and each node points at its input
tensors (``node.inputs``). Leaves -- inputs and weights -- have no node.

The walk, in three ideas
------------------------
1. **Order.** A node may only run its derivative rule once it holds the *total*
   gradient of the loss w.r.t. its output, i.e. after every op that consumed that
   output has passed its share back. Every node carries a creation number
   (``node.seq``), and an op's inputs always exist before the op runs, so a node's
   number is larger than those of the nodes that fed it. Visiting nodes from the
   largest number down is therefore a valid order: output layer first, then hidden
   layers -- the order of the classic backpropagation algorithm. A heap hands out
   the largest pending number each time. No recursion anywhere, so a chain of
   100,000 ops is fine, and the order depends only on the graph: the same graph
   gives bit-identical gradients.
2. **Summing paths.** When a tensor feeds several ops, each sends back a gradient;
   they are summed in ``node.pending`` (the multivariate chain rule) before that node
   runs. Gradients for leaves accumulate into ``.grad`` (as in PyTorch: call
   ``zero_grad()`` between steps).
3. **Broadcasting.** If an input was broadcast in the forward pass, its gradient
   arrives with the output's shape; it is summed back to the input's shape here, in
   one place (:func:`retrograd.ops.broadcast.sum_to_shape`), not in every op.

After a node has run, its saved arrays are dropped (``node.release()``) unless
``retain_graph=True``; a second backward through it then raises a clear error.
"""

from __future__ import annotations

from heapq import heappop, heappush
from typing import TYPE_CHECKING, Any

from retrograd.function import Function, check_finite_grad
from retrograd.grad_mode import state
from retrograd.ops.broadcast import sum_to_shape

if TYPE_CHECKING:
    from retrograd.tensor import Tensor


def topological_order(root: Function) -> list[Function]:
    """Every node reachable from ``root``, each before the nodes that feed it.

    This is the order :func:`run_backward` visits them in (largest creation number
    first); exposed for tools that draw or narrate the graph.
    """
    seen = {id(root)}
    nodes = [root]
    stack = [root]
    while stack:
        for t in stack.pop().inputs:
            parent = t._node
            if parent is not None and id(parent) not in seen:
                seen.add(id(parent))
                nodes.append(parent)
                stack.append(parent)
    nodes.sort(key=lambda n: n.seq, reverse=True)
    return nodes


def _accumulate_leaf(t: Tensor, g: Any) -> None:
    """``t.grad += g`` as PyTorch does, but never in place: ``g`` (and the old ``.grad``)
    may be shared with another tensor's gradient."""
    if t.grad is None:
        # a read-only array here is a broadcast view (e.g. from sum): store a real array
        t.grad = g if g.flags.writeable else g.copy()
    else:
        t.grad = t.grad + g


def _freed_graph_error(node: Function) -> RuntimeError:
    return RuntimeError(
        f"Trying to backward through the graph a second time (node {node.name}): its saved "
        "arrays were freed after the first backward. Call backward(retain_graph=True) the "
        "first time if you need to go through the graph twice."
    )


def run_backward(root: Tensor, grad: Any, retain_graph: bool = False) -> None:
    """Backpropagate ``grad`` (dL/droot) to every leaf that requires grad.

    Parameters
    ----------
    root : Tensor
        The tensor ``backward()`` was called on (usually the scalar loss).
    grad : ndarray
        dL/droot, with ``root``'s shape and dtype (1 for a scalar loss).
    retain_graph : bool
        Keep every node's saved arrays so the graph can be walked again.
    """
    node = root._node
    if node is None:  # backward on a leaf: its gradient is the seed itself
        _accumulate_leaf(root, grad.copy())
        return
    anomaly = state.anomaly
    node.pending = grad
    heap: list[tuple[int, Function]] = [(-node.seq, node)]  # max-heap on creation number
    try:
        while heap:
            node = heappop(heap)[1]
            grad_out, node.pending = node.pending, None
            if node.released:
                raise _freed_graph_error(node)
            if node.retained_output is not None:
                _accumulate_leaf(node.retained_output, grad_out)
            # the op's own derivative rule: dL/d(output) -> dL/d(each input)
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
                if parent is None:  # a leaf (a weight): accumulate into .grad
                    if t.grad is None:
                        t.grad = g if g.flags.writeable else g.copy()  # see _accumulate_leaf
                    else:
                        t.grad = t.grad + g
                elif parent.pending is None:  # first path to reach this node
                    parent.pending = g
                    heappush(heap, (-parent.seq, parent))
                else:  # another path: the chain rule sums them
                    parent.pending = parent.pending + g
            if not retain_graph:  # node.release(), inlined: this loop is the hot path
                node.saved = None
                node.inputs = ()
                node.released = True
    finally:
        for _, waiting in heap:  # only after an error: leave no stale gradients behind
            waiting.pending = None
