"""``Module``: the base class of layers and models (the PyTorch shape).

A module holds parameters and sub-modules as ordinary attributes. They are
found by walking the attributes in definition order -- including modules and
parameters kept in lists, tuples and dicts -- so nothing is silently lost.
Names are dotted paths: ``"layers.0.weight"``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from retrograd.nn.parameter import Parameter
from retrograd.tensor import Tensor


class StateDictError(KeyError):
    """``load_state_dict`` found missing, unexpected or wrongly shaped entries."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class Module:
    """Base class for all layers and models.

    Subclasses set parameters/sub-modules in ``__init__`` and define
    ``forward``; call the module itself (``model(x)``) to run it.

    Examples
    --------
    >>> from retrograd import nn
    >>> class TwoLayer(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.hidden = nn.Linear(2, 4)
    ...         self.out = nn.Linear(4, 1)
    ...     def forward(self, x):
    ...         return self.out(self.hidden(x).tanh())
    >>> [name for name, _ in TwoLayer().named_parameters()]
    ['hidden.weight', 'hidden.bias', 'out.weight', 'out.bias']
    """

    training: bool

    def __init__(self) -> None:
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_buffers", {})

    # -- running ---------------------------------------------------------------
    def forward(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # -- buffers (non-trainable state saved in state_dict, e.g. running means) ------
    def register_buffer(self, name: str, value: np.ndarray | None) -> None:
        """Keep an array as state: saved and loaded with the parameters, never trained."""
        self.__dict__.setdefault("_buffers", {})[name] = value

    def __getattr__(self, name: str) -> Any:
        buffers = self.__dict__.get("_buffers", {})
        if name in buffers:
            return buffers[name]
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        buffers = self.__dict__.get("_buffers")
        if buffers is not None and name in buffers:
            buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    # -- walking the tree ----------------------------------------------------------
    def _members(self) -> Iterator[tuple[str, Any]]:
        """Direct parameters and sub-modules, flattening lists/tuples/dicts."""
        for attr, value in self.__dict__.items():
            if attr.startswith("_") and attr != "_modules":
                continue
            if isinstance(value, (Parameter, Module)):
                yield attr, value
            elif isinstance(value, (list, tuple)):
                for i, item in enumerate(value):
                    if isinstance(item, (Parameter, Module)):
                        yield f"{attr}.{i}", item
            elif isinstance(value, dict):
                for key, item in value.items():
                    if isinstance(item, (Parameter, Module)):
                        prefix = "" if attr == "_modules" else f"{attr}."
                        yield f"{prefix}{key}", item

    def named_children(self) -> Iterator[tuple[str, Module]]:
        for name, m in self._members():
            if isinstance(m, Module):
                yield name, m

    def children(self) -> Iterator[Module]:
        for _, m in self.named_children():
            yield m

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module and every descendant, depth first, with dotted names."""
        seen: set[int] = set()
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:
            name, m = stack.pop()
            if id(m) in seen:
                continue
            seen.add(id(m))
            yield name, m
            kids = [(f"{name}.{n}" if name else n, c) for n, c in m.named_children()]
            stack.extend(reversed(kids))

    def modules(self) -> Iterator[Module]:
        for _, m in self.named_modules():
            yield m

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """Every parameter with its dotted name, each shared parameter once."""
        seen: set[int] = set()
        for mod_name, m in self.named_modules(prefix):
            for name, p in m._members():
                if isinstance(p, Parameter) and id(p) not in seen:
                    seen.add(id(p))
                    yield (f"{mod_name}.{name}" if mod_name else name), p

    def parameters(self) -> Iterator[Parameter]:
        for _, p in self.named_parameters():
            yield p

    def named_buffers(self) -> Iterator[tuple[str, np.ndarray]]:
        for mod_name, m in self.named_modules():
            for name, b in m.__dict__.get("_buffers", {}).items():
                if b is not None:
                    yield (f"{mod_name}.{name}" if mod_name else name), b

    def num_parameters(self) -> int:
        """Total number of trainable scalars."""
        return int(sum(p.size for p in self.parameters()))

    # -- modes and gradients ---------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Training mode (dropout active, batch norm uses batch statistics)."""
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode: ``train(False)``."""
        return self.train(False)

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = None

    def apply(self, fn: Any) -> Module:
        """Call ``fn(module)`` on every sub-module (children first) and on self."""
        for m in reversed(list(self.modules())):
            fn(m)
        return self

    def astype(self, dtype: Any) -> Module:
        """Cast every parameter and floating buffer to ``dtype`` in place."""
        dt = np.dtype(dtype)
        for p in self.parameters():
            p.data = p.data.astype(dt)
            p.grad = None
        for m in self.modules():
            bufs = m.__dict__.get("_buffers", {})
            for k, b in bufs.items():
                if b is not None and b.dtype.kind == "f":
                    bufs[k] = b.astype(dt)
        return self

    # -- state -------------------------------------------------------------------------
    def state_dict(self) -> dict[str, np.ndarray]:
        """Dotted name -> array (a copy) for every parameter and buffer."""
        out = {name: p.data.copy() for name, p in self.named_parameters()}
        out.update({name: np.array(b, copy=True) for name, b in self.named_buffers()})
        return out

    def load_state_dict(self, state: dict[str, Any], strict: bool = True) -> None:
        """Copy arrays into parameters and buffers.

        Raises
        ------
        StateDictError
            With ``strict=True``: keys missing from ``state`` or unknown to the
            model; always: an array whose shape differs from the parameter's.
        """
        params = dict(self.named_parameters())
        buffers = {name: None for name, _ in self.named_buffers()}
        expected = set(params) | set(buffers)
        missing = sorted(expected - set(state))
        unexpected = sorted(set(state) - expected)
        if strict and (missing or unexpected):
            parts = []
            if missing:
                parts.append(f"missing keys {missing}")
            if unexpected:
                parts.append(f"unexpected keys {unexpected}")
            raise StateDictError(f"load_state_dict for {type(self).__name__}: " + "; ".join(parts))
        for name, value in state.items():
            arr = np.asarray(value.data if isinstance(value, Tensor) else value)
            if name in params:
                p = params[name]
                if arr.shape != p.shape:
                    raise StateDictError(
                        f"load_state_dict for {type(self).__name__}: '{name}' has shape "
                        f"{arr.shape} in the state dict but {p.shape} in the model"
                    )
                p.data = arr.astype(p.dtype, copy=True)
            elif name in buffers:
                mod_name, _, buf = name.rpartition(".")
                owner = dict(self.named_modules())[mod_name]
                old = owner._buffers[buf]
                if old is not None and np.shape(old) != arr.shape:
                    raise StateDictError(
                        f"load_state_dict for {type(self).__name__}: buffer '{name}' has shape "
                        f"{arr.shape} in the state dict but {np.shape(old)} in the model"
                    )
                owner._buffers[buf] = arr.copy()

    # -- printing ----------------------------------------------------------------------
    def extra_repr(self) -> str:
        """Settings shown inside the repr, e.g. ``in_features=2, out_features=4``."""
        return ""

    def __repr__(self) -> str:
        kids = list(self.named_children())
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not kids:
            return head + ")"
        lines = [head]
        for name, child in kids:
            body = repr(child).replace("\n", "\n  ")
            lines.append(f"  ({name}): {body}")
        return "\n".join(lines) + "\n)"
