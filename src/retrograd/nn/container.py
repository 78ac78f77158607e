"""Containers: ``Sequential``, ``ModuleList``, ``ModuleDict``.

Each keeps its children in ``self._modules`` (a dict name -> module), which
:class:`~retrograd.nn.Module` walks without a prefix, so a ``Sequential``'s
parameters are named ``"0.weight"``, ``"0.bias"``, ``"2.weight"``... exactly
as in PyTorch (state dicts map one to one).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from retrograd.nn.module import Module


def _check_module(m: Any, where: str) -> Module:
    if not isinstance(m, Module):
        hint = " (did you mean to instantiate it, e.g. nn.ReLU()?)" if isinstance(m, type) else ""
        raise TypeError(f"{where}: expected a Module, got {m!r}{hint}")
    return m


class _Container(Module):
    """Shared bits: children in ``_modules``, no constructor arguments in ``get_config``."""

    _modules: dict[str, Module]

    def __init__(self) -> None:
        super().__init__()
        self._modules = {}

    def get_config(self) -> dict[str, Any]:
        """Containers have no settings of their own: ``{}`` (their children describe them)."""
        return {}

    def __len__(self) -> int:
        return len(self._modules)


class Sequential(_Container):
    """Layers applied one after another.

    Parameters
    ----------
    *layers : Module
        The layers, in order -- or a single ``dict`` of name -> layer.

    Shape
    -----
    Input: whatever the first layer takes; output: what the last one returns.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> from retrograd import nn
    >>> model = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))
    >>> model(rg.tensor(np.zeros((5, 2)))).shape
    (5, 1)
    >>> [name for name, _ in model.named_parameters()]
    ['0.weight', '0.bias', '2.weight', '2.bias']
    """

    def __init__(self, *layers: Module | Mapping[str, Module]) -> None:
        super().__init__()
        if len(layers) == 1 and isinstance(layers[0], Mapping):
            for name, m in layers[0].items():
                self._modules[str(name)] = _check_module(m, f"Sequential[{name!r}]")
        else:
            for i, m in enumerate(layers):
                self._modules[str(i)] = _check_module(m, f"Sequential argument {i}")

    def forward(self, x: Any) -> Any:
        for name, layer in self._modules.items():
            try:
                x = layer(x)
            except (ValueError, TypeError) as exc:
                # say which layer of the stack failed, keeping the original error
                exc.add_note(f"  in Sequential layer ({name}): {type(layer).__name__}")
                raise
        return x

    def __getitem__(self, i: int | slice | str) -> Any:
        if isinstance(i, str):
            return self._modules[i]
        if isinstance(i, slice):
            return Sequential(dict(list(self._modules.items())[i]))
        layers = list(self._modules.values())
        try:
            return layers[i]
        except IndexError:
            raise IndexError(f"Sequential index {i} out of range ({len(layers)} layers)") from None

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def append(self, layer: Module) -> Sequential:
        """Add a layer at the end (named by its position). Returns self."""
        self._modules[str(len(self._modules))] = _check_module(layer, "Sequential.append")
        return self


class ModuleList(_Container):
    """A list of modules whose parameters are registered (names ``"0"``, ``"1"``...).

    Use it for a variable number of layers that ``forward`` loops over itself.

    Examples
    --------
    >>> from retrograd import nn
    >>> layers = nn.ModuleList([nn.Linear(4, 4) for _ in range(3)])
    >>> len(layers), len(list(layers.parameters()))
    (3, 6)
    """

    def __init__(self, modules: Iterable[Module] = ()) -> None:
        super().__init__()
        self.extend(modules)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("ModuleList has no forward(): loop over its layers yourself")

    def append(self, m: Module) -> ModuleList:
        """Add a module at the end. Returns self."""
        self._modules[str(len(self._modules))] = _check_module(m, "ModuleList.append")
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Add several modules at the end. Returns self."""
        for m in modules:
            self.append(m)
        return self

    def insert(self, index: int, m: Module) -> None:
        """Insert a module before ``index`` (later ones are renumbered)."""
        items = list(self._modules.values())
        items.insert(index, _check_module(m, "ModuleList.insert"))
        self._modules = {str(i): x for i, x in enumerate(items)}

    def __getitem__(self, i: int | slice) -> Any:
        items = list(self._modules.values())
        if isinstance(i, slice):
            return ModuleList(items[i])
        return items[i]

    def __setitem__(self, i: int, m: Module) -> None:
        keys = list(self._modules)
        self._modules[keys[i]] = _check_module(m, "ModuleList item")

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())


class ModuleDict(_Container):
    """A dict of modules whose parameters are registered under their keys.

    Examples
    --------
    >>> from retrograd import nn
    >>> heads = nn.ModuleDict({"age": nn.Linear(8, 1), "kind": nn.Linear(8, 3)})
    >>> [name for name, _ in heads.named_parameters()]
    ['age.weight', 'age.bias', 'kind.weight', 'kind.bias']
    """

    def __init__(self, modules: Mapping[str, Module] | None = None) -> None:
        super().__init__()
        if modules:
            self.update(modules)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("ModuleDict has no forward(): pick its layers by key yourself")

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, m: Module) -> None:
        if not isinstance(key, str) or "." in key or not key:
            raise KeyError(f"ModuleDict keys must be non-empty strings without '.', got {key!r}")
        self._modules[key] = _check_module(m, f"ModuleDict[{key!r}]")

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def update(self, modules: Mapping[str, Module]) -> None:
        """Add or replace several entries."""
        for k, m in modules.items():
            self[k] = m

    def keys(self) -> Any:
        return self._modules.keys()

    def values(self) -> Any:
        return self._modules.values()

    def items(self) -> Any:
        return self._modules.items()
