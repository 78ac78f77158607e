"""``Optimizer``: parameter groups, per-parameter state, and ``state_dict`` (PyTorch's shape).

An optimizer turns gradients into weight changes. Every optimizer here keeps

* ``param_groups`` -- a list of dicts, each with ``"params"`` (a list of
  parameters) and that group's hyper-parameters (``"lr"``, ``"momentum"``...).
  Giving the last layer a smaller learning rate is one more group.
* ``state`` -- per-parameter memory (momentum buffers, Adam's moments...),
  keyed by the parameter itself and created on its first update.

``state_dict()`` turns both into plain data (numbers, strings, lists, dicts
and ndarrays, parameters replaced by their position) so a checkpoint can be
written without pickle; ``load_state_dict()`` puts it back exactly.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from retrograd.grad_mode import enable_grad
from retrograd.tensor import Tensor


class Optimizer:
    """Base class. Subclasses implement ``step()`` using ``self.param_groups`` and ``self.state``.

    Parameters
    ----------
    params : iterable of Parameter, or of dicts
        Either the parameters, or groups ``{"params": [...], "lr": ...}`` with
        per-group settings overriding ``defaults``.
    defaults : dict
        Default hyper-parameters of every group.

    Examples
    --------
    Two groups, the second with its own learning rate:

    >>> from retrograd import nn, optim
    >>> model = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))
    >>> opt = optim.SGD(
    ...     [{"params": model[0].parameters()}, {"params": model[2].parameters(), "lr": 0.01}],
    ...     lr=0.1,
    ... )
    >>> [g["lr"] for g in opt.param_groups]
    [0.1, 0.01]
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        if isinstance(params, Tensor):
            raise TypeError(
                f"{type(self).__name__}: params must be an iterable of tensors (e.g. "
                "model.parameters()), got a single Tensor; wrap it in a list"
            )
        self.defaults = dict(defaults)
        self.param_groups: list[dict[str, Any]] = []
        #: per-parameter state (momentum buffers, moments...), keyed by the parameter
        self.state: dict[Tensor, dict[str, Any]] = {}
        params = list(params)
        if not params:
            raise ValueError(f"{type(self).__name__} got an empty parameter list")
        groups = params if isinstance(params[0], dict) else [{"params": params}]
        for g in groups:
            self.add_param_group(g)

    def add_param_group(self, group: dict[str, Any]) -> None:
        """Add a group of parameters with its own hyper-parameters (e.g. when unfreezing)."""
        if not isinstance(group, dict) or "params" not in group:
            raise TypeError(f"{type(self).__name__}: a parameter group is a dict with 'params'")
        group = dict(group)
        ps = group["params"]
        group["params"] = [ps] if isinstance(ps, Tensor) else list(ps)
        for p in group["params"]:
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"{type(self).__name__}: can only optimize Tensors (Parameters), got "
                    f"{type(p).__name__}"
                )
            if not p.is_leaf:
                raise ValueError(
                    f"{type(self).__name__}: can't optimize a non-leaf tensor (shape "
                    f"{p.shape}, made by {p._node.name}); optimize the leaves it came from"
                )
        known = {id(p) for g in self.param_groups for p in g["params"]}
        if len({id(p) for p in group["params"]}) != len(group["params"]) or any(
            id(p) in known for p in group["params"]
        ):
            raise ValueError(
                f"{type(self).__name__}: a parameter appears more than once in the groups"
            )
        for k, v in self.defaults.items():
            group.setdefault(k, v)
        self._check_group(group)
        self.param_groups.append(group)

    def _check_group(self, group: dict[str, Any]) -> None:
        """Validate one group's hyper-parameters (subclasses extend it)."""
        if group["lr"] < 0:
            name = type(self).__name__
            raise ValueError(f"{name}: learning rate must be >= 0, got {group['lr']}")

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients of the last step (they accumulate otherwise).

        With ``set_to_none=False`` the gradients become zero arrays instead of ``None``.
        """
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none or p.grad is None:
                    p.grad = None
                else:
                    p.grad = np.zeros_like(p.data)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:  # pragma: no cover
        """Update the parameters from their ``.grad`` (subclasses implement it)."""
        raise NotImplementedError

    def evaluate_closure(self, closure: Callable[[], Any] | None) -> Any:
        """Call ``closure`` (which re-computes the loss and calls backward) with grad on."""
        if closure is None:
            return None
        with enable_grad():
            return closure()

    # -- saving and restoring ---------------------------------------------------
    def _all_params(self) -> list[Tensor]:
        return [p for g in self.param_groups for p in g["params"]]

    def state_dict(self) -> dict[str, Any]:
        """Hyper-parameters per group and state per parameter, as plain data.

        Returns
        -------
        dict
            ``{"state": {index: {name: value}}, "param_groups": [{..., "params": [index]}]}``
            where ``index`` is the parameter's position across all groups, and
            values are numbers, strings, lists or ndarray copies -- nothing that
            needs pickle.
        """
        index = {id(p): i for i, p in enumerate(self._all_params())}
        groups = []
        for g in self.param_groups:
            entry = {k: _plain(v) for k, v in g.items() if k != "params"}
            entry["params"] = [index[id(p)] for p in g["params"]]
            groups.append(entry)
        state = {
            index[id(p)]: {k: _plain(v) for k, v in s.items()}
            for p, s in self.state.items()
            if id(p) in index
        }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what ``state_dict()`` returned (same parameters, same order).

        Everything is checked before anything changes, so a mismatched state
        leaves the optimizer as it was.

        Raises
        ------
        ValueError
            A different number of groups or of parameters in a group, or a
            state array whose shape differs from its parameter's.
        """
        groups = state_dict["param_groups"]
        name = type(self).__name__
        if len(groups) != len(self.param_groups):
            raise ValueError(
                f"{name}.load_state_dict: the state has {len(groups)} parameter groups, "
                f"this optimizer {len(self.param_groups)}"
            )
        for i, (mine, saved) in enumerate(zip(self.param_groups, groups)):
            if len(mine["params"]) != len(saved["params"]):
                raise ValueError(
                    f"{name}.load_state_dict: group {i} has {len(saved['params'])} parameters "
                    f"in the state but {len(mine['params'])} here"
                )
        params = self._all_params()
        new_state: dict[Tensor, dict[str, Any]] = {}
        for key, s in state_dict["state"].items():
            i = int(key)
            if not 0 <= i < len(params):
                raise ValueError(f"{name}.load_state_dict: state for unknown parameter #{i}")
            p = params[i]
            restored = {}
            for k, v in s.items():
                if isinstance(v, np.ndarray) and v.ndim > 0:
                    if v.shape != p.shape:
                        raise ValueError(
                            f"{name}.load_state_dict: state '{k}' of parameter #{i} has shape "
                            f"{v.shape}, the parameter {p.shape}"
                        )
                    v = v.astype(p.dtype, copy=True)
                elif isinstance(v, (np.ndarray, np.generic)):
                    v = v.item()  # a 0-d array back to a Python number (e.g. a step count)
                else:
                    v = copy.deepcopy(v)
                restored[k] = v
            new_state[p] = restored
        for mine, saved in zip(self.param_groups, groups):
            for k, v in saved.items():
                if k != "params":
                    mine[k] = _restore(v, mine.get(k))
        self.state = new_state

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, g in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for k in sorted(g):
                if k != "params":
                    lines.append(f"    {k}: {g[k]}")
        return "\n".join(lines) + "\n)"


def _plain(v: Any) -> Any:
    """A plain-data copy of a state value (arrays copied, tuples as lists)."""
    if isinstance(v, np.ndarray):
        return v.copy()
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, (tuple, list)):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    return v


def _restore(v: Any, current: Any) -> Any:
    """Undo ``_plain`` for a hyper-parameter: lists become tuples where the group had a tuple."""
    if isinstance(current, tuple) and isinstance(v, (list, tuple, np.ndarray)):
        return tuple(_restore(x, None) for x in (v.tolist() if isinstance(v, np.ndarray) else v))
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, np.ndarray) and v.ndim == 0:
        return v.item()
    return copy.deepcopy(v)


def params_with_grad(group: dict[str, Any]) -> Iterator[Tensor]:
    """The parameters of a group that received a gradient (the others are left alone)."""
    for p in group["params"]:
        if p.grad is not None:
            yield p
