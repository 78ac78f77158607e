"""``Function``: the base class of every differentiable op.

An op is a small class with two methods, the forward rule and its derivative
rule, side by side::

    class Exp(Function):
        def forward(self, x):            # arrays in, array out
            y = np.exp(x)
            self.save_for_backward(y)    # keep what backward needs
            return y

        def backward(self, grad_out):    # dL/dy in, dL/dx out
            (y,) = self.saved
            return grad_out * y          # d exp(x)/dx = exp(x)

``Exp.apply(t)`` runs ``forward`` on the tensors' arrays and, when gradients
are being recorded, returns a tensor that remembers this op instance (its
*node* in the graph) and its input tensors. ``Tensor.backward`` later walks
those nodes in reverse topological order and calls each ``backward``.

Rules every op follows
----------------------
* ``forward`` and ``backward`` work on raw arrays, never on Tensors.
* ``backward`` returns one gradient per input (a tuple when there are
  several), or ``None`` for an input that needs none. A gradient may have the
  *broadcast* shape of the output: the engine reduces it to the input's shape
  in one place (:func:`retrograd.ops.broadcast.sum_to_shape`).
* Gradient arrays are treated as immutable: an op never modifies its
  ``grad_out`` in place, since the same array may be handed to several inputs.
* Arrays needed by ``backward`` go through ``save_for_backward`` so the engine
  can free them once backward has run (unless ``retain_graph=True``).
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from retrograd.grad_mode import state

if TYPE_CHECKING:
    from retrograd.tensor import Tensor
else:
    Tensor = None  # set by retrograd.tensor at import (it imports this module)

#: Every op class, by name. The op-table test fails for an op missing here.
REGISTRY: dict[str, type[Function]] = {}


class Function:
    """Base class of differentiable ops. Subclass and define ``forward``/``backward``."""

    #: Set False on an op class that is not a user-facing differentiable op (no table entry).
    registered: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("registered", True):
            REGISTRY[cls.__name__] = cls

    # Graph bookkeeping, as class-level defaults so creating a node costs nothing extra;
    # ``apply`` and the engine set them on the instance when needed.
    #: the input tensors (set only when the result is recorded for backward)
    inputs: tuple[Tensor, ...] = ()
    #: arrays kept by ``save_for_backward``; None once backward has freed them
    saved: tuple[Any, ...] | None = ()
    #: True after backward freed this node (a second backward through it is an error)
    released: bool = False
    #: the output tensor, when ``retain_grad()`` asked to keep its gradient
    retained_output: Tensor | None = None
    #: creation order: inputs always come from nodes with a smaller number
    seq: int = 0
    #: dL/d(output) summed so far during a backward pass (engine only)
    pending: Any = None

    # -- the two rules ----------------------------------------------------
    def forward(self, *arrays: Any, **params: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, grad_out: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def save_for_backward(self, *arrays: Any) -> None:
        """Keep arrays for ``backward``; read them back from ``self.saved``."""
        self.saved = arrays

    def needs_grad(self, i: int) -> bool:
        """In ``backward``: whether input ``i`` wants a gradient.

        Return ``None`` for an input that does not, and skip computing it: the
        input batch of a first layer, a loss target, a constant factor.
        """
        return self.inputs[i].requires_grad

    # -- graph bookkeeping ------------------------------------------------
    @property
    def name(self) -> str:
        return type(self).__name__

    def release(self) -> None:
        """Drop saved arrays and input links once backward has used them."""
        self.saved = None
        self.inputs = ()
        self.released = True

    def __repr__(self) -> str:
        return f"<{self.name} node>"

    @classmethod
    def apply(cls, *inputs: Tensor, **params: Any) -> Tensor:
        """Run the op on tensors and record it in the graph when needed.

        Parameters
        ----------
        *inputs : Tensor
            The op's tensor inputs (already Tensors; see ``Tensor._lift``).
        **params
            Non-differentiable settings (``axis``, ``keepdims``, ...) passed to
            ``forward``.
        """
        node = cls()
        try:
            out_data = node.forward(*[t.data for t in inputs], **params)
        except ValueError as exc:
            raise _clear_value_error(exc, node, inputs) from None
        if state.anomaly:
            _check_finite(out_data, node, inputs, "forward output")
        if state.grad_enabled:
            for t in inputs:
                if t.requires_grad:
                    node.inputs = inputs
                    node.seq = next(_sequence)
                    return Tensor._make(out_data, node, True)
        return Tensor._make(out_data, None, False)


_sequence = itertools.count(1)


def _clear_value_error(exc: ValueError, node: Function, inputs: tuple[Tensor, ...]) -> Exception:
    """NumPy's broadcasting errors do not say which op failed: name it and the shapes."""
    msg = str(exc).lower()
    if "broadcast" not in msg or node.name.lower() in msg:  # already a clear message
        return exc
    shapes = " and ".join(str(t.shape) for t in inputs)
    return ValueError(
        f"{node.name}: input shapes {shapes} do not broadcast together (NumPy rules: "
        "trailing axes must be equal or 1)"
    )


def _check_finite(array: Any, node: Function, inputs: tuple[Tensor, ...], what: str) -> None:
    if array is not None and array.dtype.kind in "fc" and not np.isfinite(array).all():
        shapes = ", ".join(str(t.shape) for t in inputs)
        raise FloatingPointError(
            f"{node.name}: non-finite values (NaN or Inf) in its {what}; input shapes ({shapes})"
        )


def check_finite_grad(array: Any, node: Function) -> None:
    """Used by the engine under ``detect_anomaly`` for each gradient an op returns."""
    _check_finite(array, node, tuple(node.inputs), "backward gradient")
