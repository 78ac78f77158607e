"""Containers: ``Sequential``, ``ModuleList``, ``ModuleDict``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from retrograd.nn.module import Module


class Sequential(Module):
    """Layers applied one after another: ``Sequential(Linear(2, 4), Tanh(), Linear(4, 1))``.

    Sub-modules are named ``"0"``, ``"1"``, ... (so parameters are ``"0.weight"``...),
    matching PyTorch's ``nn.Sequential`` state-dict names.
    """

    def __init__(self, *layers: Module) -> None:
        super().__init__()
        self._modules: dict[str, Module] = {str(i): m for i, m in enumerate(layers)}

    def forward(self, x: Any) -> Any:
        for layer in self._modules.values():
            x = layer(x)
        return x

    def __getitem__(self, i: int | slice) -> Any:
        layers = list(self._modules.values())
        if isinstance(i, slice):
            return Sequential(*layers[i])
        return layers[i]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def append(self, layer: Module) -> Sequential:
        self._modules[str(len(self._modules))] = layer
        return self


class ModuleList(Module):
    """A list of modules whose parameters are registered (names ``"0"``, ``"1"``...)."""

    def __init__(self, modules: Iterable[Module] = ()) -> None:
        super().__init__()
        self._modules: dict[str, Module] = {}
        for m in modules:
            self.append(m)

    def append(self, m: Module) -> ModuleList:
        self._modules[str(len(self._modules))] = m
        return self

    def __getitem__(self, i: int) -> Module:
        return list(self._modules.values())[i]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())


class ModuleDict(Module):
    """A dict of modules whose parameters are registered under their keys."""

    def __init__(self, modules: dict[str, Module] | None = None) -> None:
        super().__init__()
        self._modules: dict[str, Module] = dict(modules or {})

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, m: Module) -> None:
        self._modules[key] = m

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def items(self) -> Any:
        return self._modules.items()
