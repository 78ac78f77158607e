"""``Parameter``: a leaf tensor that a Module owns and an optimizer updates."""

from __future__ import annotations

from typing import Any

from retrograd.tensor import Tensor, _to_array


class Parameter(Tensor):
    """A trainable tensor (``requires_grad=True`` by default).

    Assigning one as an attribute of a :class:`~retrograd.nn.Module` registers
    it, so it shows up in ``parameters()`` and ``state_dict()``.
    """

    __slots__ = ()

    def __init__(self, data: Any, requires_grad: bool = True, dtype: Any = None) -> None:
        super().__init__(_to_array(data, dtype), requires_grad=requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
