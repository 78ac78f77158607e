"""``Module``: the base class of layers and models (the PyTorch shape).

A module holds parameters and sub-modules as ordinary attributes. They are
found by walking the attributes in definition order -- including modules and
parameters kept in lists, tuples and dicts -- so nothing is silently lost.
Names are dotted paths: ``"layers.0.weight"``.

Non-trained state that must be saved with the weights (batch norm's running
statistics) is kept as *buffers* (``register_buffer``): plain arrays that
appear in ``state_dict()`` but never in ``parameters()``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import numpy as np

from retrograd.nn.parameter import Parameter
from retrograd.tensor import Tensor


class StateDictError(KeyError):
    """``load_state_dict`` found missing, unexpected or wrongly shaped entries."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` skipped."""

    missing_keys: list[str]
    unexpected_keys: list[str]


class RemovableHandle:
    """Returned by ``register_forward_hook``; ``handle.remove()`` unregisters the hook."""

    _next_id = 0

    def __init__(self, hooks: dict[int, Any]) -> None:
        self._hooks = hooks
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self) -> None:
        self._hooks.pop(self.id, None)


_JSON_SCALARS = (bool, int, float, str, type(None))


def _json_safe(value: Any) -> Any:
    """``value`` as JSON-safe data (tuples become lists), or raise ``TypeError``."""
    if isinstance(value, _JSON_SCALARS):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: _json_safe(v) for k, v in value.items()}
    raise TypeError(f"{type(value).__name__} is not JSON-safe")


class Module:
    """Base class for all layers and models.

    Subclasses set parameters/sub-modules in ``__init__`` (after calling
    ``super().__init__()``) and define ``forward``; call the module itself
    (``model(x)``) to run it.

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
        object.__setattr__(self, "_forward_hooks", {})

    # -- running ---------------------------------------------------------------
    def forward(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        out = self.forward(*args, **kwargs)
        hooks = self.__dict__.get("_forward_hooks")
        if hooks:
            for hook in list(hooks.values()):
                result = hook(self, args, out)
                if result is not None:
                    out = result
        return out

    def register_forward_hook(self, hook: Callable[[Module, tuple, Any], Any]) -> RemovableHandle:
        """Call ``hook(module, inputs, output)`` after every forward of this module.

        A hook that returns something other than ``None`` replaces the output.
        Useful to record activations (the explain mode and playground do).

        Returns
        -------
        RemovableHandle
            ``handle.remove()`` unregisters the hook.
        """
        hooks = self.__dict__.setdefault("_forward_hooks", {})
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        return handle

    # -- registering -------------------------------------------------------------
    def register_buffer(self, name: str, value: np.ndarray | None) -> None:
        """Keep an array as state: saved and loaded with the parameters, never trained.

        Read and assign it as an attribute (``self.running_mean``).
        """
        if "_buffers" not in self.__dict__:
            raise AttributeError(_forgot_init(self))
        if value is not None and not isinstance(value, np.ndarray):
            value = np.asarray(value.data if isinstance(value, Tensor) else value)
        if name in self.__dict__:
            raise KeyError(f"{type(self).__name__}: attribute {name!r} already exists")
        self._buffers[name] = value

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add a parameter under ``name`` (same as assigning the attribute)."""
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"{type(self).__name__}.register_parameter: {name!r} must be a Parameter, "
                f"got {type(param).__name__}"
            )
        setattr(self, name, param)

    def add_module(self, name: str, module: Module | None) -> None:
        """Add a sub-module under ``name`` (same as assigning the attribute)."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module: {name!r} must be a Module, got {type(module).__name__}")
        setattr(self, name, module)

    def __getattr__(self, name: str) -> Any:
        # only called when normal lookup fails: buffers live in ``_buffers``
        d = self.__dict__
        buffers = d.get("_buffers")
        if buffers is None:
            raise AttributeError(_forgot_init(self))
        if name in buffers:
            return buffers[name]
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        buffers = self.__dict__.get("_buffers")
        if buffers is not None and name in buffers:
            if value is not None and not isinstance(value, np.ndarray):
                value = np.asarray(value.data if isinstance(value, Tensor) else value)
            buffers[name] = value
            return
        if isinstance(value, (Module, Parameter)) and buffers is None:
            raise AttributeError(_forgot_init(self))
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        buffers = self.__dict__.get("_buffers")
        if buffers is not None and name in buffers:
            del buffers[name]
        else:
            object.__delattr__(self, name)

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
        """Direct sub-modules with their names."""
        for name, m in self._members():
            if isinstance(m, Module):
                yield name, m

    def children(self) -> Iterator[Module]:
        """Direct sub-modules."""
        for _, m in self.named_children():
            yield m

    def _walk(self, prefix: str = "", named: bool = True) -> Iterator[tuple[str, Module]]:
        """This module and every descendant, depth first, each once, with dotted names
        (``named=False``: the same walk with empty names -- ``fit`` walks often)."""
        seen: set[int] = set()
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:
            name, m = stack.pop()
            if id(m) in seen:
                continue
            seen.add(id(m))
            yield name, m
            if named:
                kids = [(f"{name}.{n}" if name else n, c) for n, c in m.named_children()]
            else:
                kids = [("", c) for _, c in m._members() if isinstance(c, Module)]
            stack.extend(reversed(kids))

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module and every descendant, depth first, with dotted names (each once)."""
        return self._walk(prefix)

    def modules(self) -> Iterator[Module]:
        """This module and every descendant, in :meth:`named_modules`' order (each once)."""
        for _, m in self._walk(named=False):
            yield m

    def get_submodule(self, target: str) -> Module:
        """The sub-module at a dotted path, e.g. ``model.get_submodule("encoder.0")``."""
        if target == "":
            return self
        found = dict(self.named_modules()).get(target)
        if found is None:
            raise AttributeError(f"{type(self).__name__} has no sub-module {target!r}")
        return found

    def _walk_parameters(
        self, prefix: str, recurse: bool, named: bool
    ) -> Iterator[tuple[str, Parameter]]:
        """Every parameter once (a shared one at its first place), with its dotted name
        unless ``named=False``."""
        seen: set[int] = set()
        walk = self._walk(prefix, named) if recurse else iter([(prefix, self)])
        for mod_name, m in walk:
            for name, p in m._members():
                if isinstance(p, Parameter) and id(p) not in seen:
                    seen.add(id(p))
                    yield ((f"{mod_name}.{name}" if mod_name else name) if named else ""), p

    def named_parameters(
        self, prefix: str = "", recurse: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """Every parameter with its dotted name; a shared (tied) parameter is listed once."""
        return self._walk_parameters(prefix, recurse, named=True)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter (what an optimizer takes), in :meth:`named_parameters`' order."""
        for _, p in self._walk_parameters("", recurse, named=False):
            yield p

    def named_buffers(self, prefix: str = "") -> Iterator[tuple[str, np.ndarray]]:
        """Every buffer with its dotted name (``None`` buffers are skipped)."""
        for mod_name, m in self.named_modules(prefix):
            for name, b in m.__dict__.get("_buffers", {}).items():
                if b is not None:
                    yield (f"{mod_name}.{name}" if mod_name else name), b

    def buffers(self) -> Iterator[np.ndarray]:
        """Every buffer array."""
        for _, b in self.named_buffers():
            yield b

    def num_parameters(self, trainable_only: bool = False) -> int:
        """Total number of scalars in the parameters (``requires_grad`` ones if asked)."""
        return int(sum(p.size for p in self.parameters() if p.requires_grad or not trainable_only))

    # -- modes and gradients ---------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Training mode (dropout active, batch norm uses batch statistics). Returns self."""
        for m in self.modules():
            object.__setattr__(m, "training", bool(mode))
        return self

    def eval(self) -> Module:
        """Evaluation mode: ``train(False)``. Returns self."""
        return self.train(False)

    def requires_grad_(self, flag: bool = True) -> Module:
        """Freeze (``False``) or unfreeze every parameter. Returns self."""
        for p in self.parameters():
            p.requires_grad = bool(flag)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient (``None``, or zeros with ``set_to_none=False``)."""
        for p in self.parameters():
            p.grad = None if set_to_none or p.grad is None else np.zeros_like(p.data)

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call ``fn(module)`` on every sub-module (children first) and on self."""
        for m in reversed(list(self.modules())):
            fn(m)
        return self

    def astype(self, dtype: Any) -> Module:
        """Cast every parameter and floating buffer to ``dtype`` in place. Returns self."""
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

    def double(self) -> Module:
        """``astype(numpy.float64)`` (for gradient checks)."""
        return self.astype(np.float64)

    def float(self) -> Module:
        """``astype(numpy.float32)``."""
        return self.astype(np.float32)

    # -- configuration -------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        """The JSON-safe constructor arguments: ``type(m)(**m.get_config())`` rebuilds ``m``.

        The default reads, for each argument of ``__init__`` (except ``rng``,
        ``dtype`` and ``*args``/``**kwargs``), the attribute of the same name.
        Layers whose attributes differ from their arguments override it
        (``Linear`` stores ``bias`` as a Parameter, so it reports ``bias=True``).
        Containers return ``{}``: their children describe them.

        Raises
        ------
        NotImplementedError
            An argument has no attribute of its name, or it is not JSON-safe
            (override ``get_config`` in that layer).
        """
        config: dict[str, Any] = {}
        params = inspect.signature(type(self).__init__).parameters
        for name, p in list(params.items())[1:]:
            if name in ("rng", "dtype") or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                continue
            if name not in self.__dict__:
                raise NotImplementedError(
                    f"{type(self).__name__}.get_config: no attribute named like the constructor "
                    f"argument {name!r}; override get_config()"
                )
            try:
                config[name] = _json_safe(self.__dict__[name])
            except TypeError as exc:
                raise NotImplementedError(
                    f"{type(self).__name__}.get_config: argument {name!r}: {exc}; "
                    "override get_config()"
                ) from exc
        return config

    # -- state -------------------------------------------------------------------------
    def state_dict(self) -> dict[str, np.ndarray]:
        """Dotted name -> array (a copy) for every parameter and buffer.

        Returns
        -------
        dict of str to numpy.ndarray
            Ordered like ``named_parameters()`` then ``named_buffers()``.
            ``Sequential`` children are named ``"0"``, ``"1"``... as in PyTorch.

        Examples
        --------
        >>> from retrograd import nn
        >>> list(nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)).state_dict())
        ['0.weight', '0.bias', '2.weight', '2.bias']
        """
        out = {name: p.data.copy() for name, p in self.named_parameters()}
        out.update({name: np.array(b, copy=True) for name, b in self.named_buffers()})
        return out

    def load_state_dict(self, state: dict[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Copy arrays into parameters and buffers (values are cast to each one's dtype).

        Everything is checked before anything is copied, so a failed load
        leaves the model unchanged.

        Parameters
        ----------
        state : dict of str to array_like
            As returned by ``state_dict()``.
        strict : bool
            Require exactly the model's keys.

        Returns
        -------
        IncompatibleKeys
            ``(missing_keys, unexpected_keys)`` -- both empty when ``strict``.

        Raises
        ------
        StateDictError
            With ``strict=True``: keys missing from ``state`` or unknown to the
            model; always: an array whose shape differs from the model's.
        """
        cls = type(self).__name__
        params = dict(self.named_parameters())
        buffers = dict(self.named_buffers())
        expected = list(params) + list(buffers)
        missing = [k for k in expected if k not in state]
        unexpected = [k for k in state if k not in params and k not in buffers]
        if strict and (missing or unexpected):
            parts = []
            if missing:
                parts.append(f"missing keys {missing}")
            if unexpected:
                parts.append(f"unexpected keys {unexpected}")
            raise StateDictError(f"load_state_dict for {cls}: " + "; ".join(parts))
        updates: list[tuple[str, np.ndarray]] = []
        for name, value in state.items():
            if name not in params and name not in buffers:
                continue
            arr = np.asarray(value.data if isinstance(value, Tensor) else value)
            current = params[name].data if name in params else buffers[name]
            kind = "parameter" if name in params else "buffer"
            if arr.shape != current.shape:
                raise StateDictError(
                    f"load_state_dict for {cls}: {kind} '{name}' has shape {arr.shape} in the "
                    f"state dict but {current.shape} in the model"
                )
            if current.dtype.kind == "f" and arr.dtype.kind not in "fiub":
                raise StateDictError(
                    f"load_state_dict for {cls}: {kind} '{name}' has dtype {arr.dtype}, "
                    f"expected numbers for {current.dtype}"
                )
            updates.append((name, arr))
        owners = dict(self.named_modules())
        for name, arr in updates:
            if name in params:
                p = params[name]
                p.data = arr.astype(p.dtype, copy=True)
            else:
                mod_name, _, buf = name.rpartition(".")
                owner = owners[mod_name]
                owner._buffers[buf] = arr.astype(owner._buffers[buf].dtype, copy=True)
        return IncompatibleKeys(missing, unexpected)

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


def _forgot_init(module: Module) -> str:
    return (
        f"{type(module).__name__} is not initialised as a Module: call super().__init__() at "
        "the start of its __init__ before assigning layers or parameters"
    )
