"""Describe a model's architecture as JSON, and rebuild it from a whitelist of layer classes.

A description names each layer by its class name and gives its constructor
arguments (``Module.get_config()``)::

    {"type": "Sequential", "config": {}, "children": [
        ["0", {"type": "Linear", "config": {"in_features": 64, "out_features": 32, "bias": true}}],
        ["1", {"type": "ReLU", "config": {}}],
        ["2", {"type": "Linear", "config": {"in_features": 32, "out_features": 10, "bias": true}}]]}

Containers (``Sequential``, ``ModuleList``, ``ModuleDict``) list their children;
every other layer rebuilds its own sub-modules from its config. Rebuilding
looks the type name up in a fixed table -- the Module classes that
``retrograd.nn`` exports, plus any classes the caller passes explicitly --
never an import path, so a file cannot make retrograd import or call
anything else. Configs are checked against the constructor's arguments and
for plausible sizes before any layer is built.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

from retrograd.io.archive import FileFormatError

_CONTAINERS = ("Sequential", "ModuleList", "ModuleDict")
_MAX_DEPTH = 100


def layer_whitelist() -> dict[str, type]:
    """Class name -> class for every Module class exported by :mod:`retrograd.nn`.

    Examples
    --------
    >>> table = layer_whitelist()
    >>> table["Linear"].__name__, "Module" in table
    ('Linear', False)
    """
    from retrograd import nn

    table = {}
    for name in nn.__all__:
        obj = getattr(nn, name, None)
        if inspect.isclass(obj) and issubclass(obj, nn.Module) and obj is not nn.Module:
            table[obj.__name__] = obj
    return table


def describe(model: Any) -> dict[str, Any]:
    """The JSON-safe description of ``model`` (see the module docstring).

    Raises
    ------
    TypeError
        A layer cannot describe itself (its ``get_config`` fails or returns
        something that is not plain data).
    """
    from retrograd import nn

    name = type(model).__name__
    if isinstance(model, (nn.Sequential, nn.ModuleList, nn.ModuleDict)):
        if name not in _CONTAINERS:
            raise TypeError(
                f"cannot describe {name}: it subclasses {type(model).__mro__[1].__name__} but "
                "model files only know the built-in containers; build the model from "
                "nn.Sequential/ModuleList/ModuleDict, or save its state_dict in a checkpoint"
            )
        children = [[key, describe(child)] for key, child in model._modules.items()]
        return {"type": name, "config": {}, "children": children}
    try:
        config = model.get_config()
    except NotImplementedError as exc:
        raise TypeError(f"cannot save a {name} layer: {exc}") from exc
    _check_plain(config, f"{name}.get_config()")
    return {"type": name, "config": config}


def _check_plain(x: Any, where: str) -> None:
    if x is None or isinstance(x, (bool, int, float, str)):
        return
    if isinstance(x, (list, tuple)):
        for v in x:
            _check_plain(v, where)
        return
    if isinstance(x, dict) and all(isinstance(k, str) for k in x):
        for v in x.values():
            _check_plain(v, where)
        return
    raise TypeError(f"{where} returned a {type(x).__name__}, which is not JSON-safe plain data")


def _int_product(config: Any) -> int:
    """Product of every integer in a config (each at least 1): a bound on what it can allocate."""
    prod = 1
    stack = [config]
    while stack:
        x = stack.pop()
        if isinstance(x, bool):
            continue
        if isinstance(x, int):
            prod *= max(abs(x), 1)
        elif isinstance(x, (list, tuple)):
            stack.extend(x)
        elif isinstance(x, dict):
            stack.extend(x.values())
    return prod


def _allowed_arguments(cls: type) -> set[str]:
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    return {p.name for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)} - {
        "rng",
        "dtype",
    }


def build(
    spec: Any,
    *,
    custom_layers: Mapping[str, type] | None = None,
    size_budget: int | None = None,
) -> Any:
    """Rebuild a model from :func:`describe`'s output, trusting nothing in ``spec``.

    Parameters
    ----------
    spec : dict
        A description (decoded from a file).
    custom_layers : mapping of str to class, optional
        Extra classes the caller allows, by name (for your own layers).
    size_budget : int, optional
        The largest product of a layer's integer arguments that is plausible
        (the loader passes a bound derived from the weights stored in the
        file, so a forged config cannot make it allocate huge arrays).

    Raises
    ------
    FileFormatError
        Malformed description, unknown layer type, unexpected config keys,
        implausible sizes, or a constructor that rejects the config.
    """
    table = layer_whitelist()
    for key, cls in (custom_layers or {}).items():
        table[key] = cls
    return _build(spec, table, size_budget, 0, "model")


def _build(spec: Any, table: dict[str, type], budget: int | None, depth: int, where: str) -> Any:
    if depth > _MAX_DEPTH:
        raise FileFormatError("architecture nests too deeply")
    if not isinstance(spec, dict) or not isinstance(spec.get("type"), str):
        raise FileFormatError(f"architecture: {where} is not a layer description")
    extra = set(spec) - {"type", "config", "children"}
    if extra:
        raise FileFormatError(f"architecture: {where} has unexpected entries {sorted(extra)}")
    name, config = spec["type"], spec.get("config", {})
    if name not in table:
        raise FileFormatError(
            f"architecture: unknown layer type {name!r} at {where}; model files may only use "
            "retrograd.nn's layers (pass custom_layers={name: cls} to load your own)"
        )
    if not isinstance(config, dict):
        raise FileFormatError(f"architecture: config of {name} at {where} is not a mapping")
    cls = table[name]
    if name in _CONTAINERS and cls is _nn_class(name):
        return _build_container(cls, name, spec, config, table, budget, depth, where)
    if "children" in spec:
        raise FileFormatError(f"architecture: {name} at {where} cannot have listed children")
    allowed = _allowed_arguments(cls)
    unexpected = sorted(set(config) - allowed)
    if unexpected:
        raise FileFormatError(
            f"architecture: {name} at {where} got unexpected config keys {unexpected}; "
            f"{name} takes {sorted(allowed)}"
        )
    if budget is not None and _int_product(config) > budget:
        raise FileFormatError(
            f"architecture: {name} at {where} has implausibly large sizes {config} for the "
            "weights stored in the file; refusing to build it"
        )
    try:
        return cls(**config)
    except (TypeError, ValueError) as exc:
        msg = f"architecture: cannot build {name}(**{config}) at {where}: {exc}"
        raise FileFormatError(msg) from exc


def _nn_class(name: str) -> type:
    from retrograd import nn

    return getattr(nn, name)


def _build_container(
    cls: type,
    name: str,
    spec: dict[str, Any],
    config: dict[str, Any],
    table: dict[str, type],
    budget: int | None,
    depth: int,
    where: str,
) -> Any:
    if config:
        raise FileFormatError(f"architecture: {name} at {where} takes no config, got {config}")
    children = spec.get("children", [])
    if not isinstance(children, list) or not all(
        isinstance(c, list) and len(c) == 2 and isinstance(c[0], str) for c in children
    ):
        raise FileFormatError(f"architecture: {name} at {where} has malformed children")
    keys = [c[0] for c in children]
    if len(set(keys)) != len(keys):
        raise FileFormatError(f"architecture: {name} at {where} repeats a child name")
    built = {k: _build(c, table, budget, depth + 1, f"{where}.{k}") for k, c in children}
    if name == "ModuleDict":
        return cls(built)
    numbered = keys == [str(i) for i in range(len(keys))]
    if name == "ModuleList":
        if not numbered:
            raise FileFormatError(f"architecture: ModuleList at {where} needs children 0..n-1")
        return cls(list(built.values()))
    return cls(*built.values()) if numbered else cls(built)


def size_budget_for(num_elements: int) -> int:
    """The plausible-size bound :func:`build` uses for a file holding ``num_elements`` weights."""
    return 16 * max(int(num_elements), 2**20)


__all__ = ["layer_whitelist", "describe", "build", "size_budget_for"]
