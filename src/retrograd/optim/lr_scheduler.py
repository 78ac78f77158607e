"""Learning-rate schedules: change each group's ``lr`` as training goes on.

Call ``scheduler.step()`` once per epoch, *after* ``optimizer.step()``
(``ReduceLROnPlateau.step(metric)`` takes the monitored value). Every
scheduler computes its rate in closed form from the epoch counter, so saving
``state_dict()`` and loading it later resumes the schedule exactly.

>>> from retrograd import nn, optim
>>> opt = optim.SGD(nn.Linear(2, 1).parameters(), lr=0.1)
>>> sched = optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
>>> lrs = []
>>> for epoch in range(5):
...     lrs.append(opt.param_groups[0]["lr"])   # train one epoch with this rate
...     sched.step()
>>> lrs
[0.1, 0.1, 0.05, 0.05, 0.025]
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable
from typing import Any

from retrograd.optim.optimizer import Optimizer


class LRScheduler:
    """Base class: sets every group's ``lr`` to ``get_lr()`` at each ``step()``.

    Parameters
    ----------
    optimizer : Optimizer
        Whose ``param_groups[i]["lr"]`` to drive. Each group's starting rate
        is kept as ``"initial_lr"`` (the schedule's base).
    last_epoch : int
        Index of the last finished epoch; ``-1`` starts a fresh schedule.

    Examples
    --------
    A schedule of your own only defines ``get_lr()``; construction already sets
    epoch 0's rate:

    >>> from retrograd import nn, optim
    >>> class Halve(optim.lr_scheduler.LRScheduler):
    ...     def get_lr(self):
    ...         return [b * 0.5**self.last_epoch for b in self.base_lrs]
    >>> opt = optim.SGD(nn.Linear(2, 1).parameters(), lr=1.0)
    >>> sched = Halve(opt)
    >>> sched.step(); sched.step()
    >>> sched.last_epoch, sched.get_last_lr(), opt.param_groups[0]["lr"]
    (2, [0.25], 0.25)
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__} needs an Optimizer, got {type(optimizer)}")
        self.optimizer = optimizer
        for i, group in enumerate(optimizer.param_groups):
            if last_epoch == -1:
                group.setdefault("initial_lr", group["lr"])
            elif "initial_lr" not in group:
                raise KeyError(
                    f"{type(self).__name__}: resuming at last_epoch={last_epoch} needs "
                    f"'initial_lr' in param group {i} (load the optimizer's state first)"
                )
        self.base_lrs: list[float] = [float(g["initial_lr"]) for g in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._last_lr: list[float] = [float(g["lr"]) for g in optimizer.param_groups]
        self.step()  # move to epoch 0 (last_epoch + 1) and set its rates, as PyTorch does

    def get_lr(self) -> list[float]:  # pragma: no cover - abstract
        """The learning rate of every group at epoch ``self.last_epoch``.

        Subclasses compute it in closed form; ``step()`` writes it into the groups.

        Examples
        --------
        >>> from retrograd import nn, optim
        >>> opt = optim.SGD(nn.Linear(2, 1).parameters(), lr=1.0)
        >>> sched = optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
        >>> sched.last_epoch = 3
        >>> sched.get_lr()            # 1.0 * 0.5 ** 3, not yet applied
        [0.125]
        """
        raise NotImplementedError

    def step(self) -> None:
        """Advance one epoch and set the new learning rates.

        Examples
        --------
        >>> from retrograd import nn, optim
        >>> opt = optim.SGD(nn.Linear(2, 1).parameters(), lr=1.0)
        >>> sched = optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
        >>> sched.step()
        >>> opt.param_groups[0]["lr"]
        0.5
        """
        self.last_epoch += 1
        lrs = [float(lr) for lr in self.get_lr()]
        for group, lr in zip(self.optimizer.param_groups, lrs):
            group["lr"] = lr
        self._last_lr = lrs

    def get_last_lr(self) -> list[float]:
        """The rates set by the last ``step()`` (one per parameter group).

        Examples
        --------
        >>> from retrograd import nn, optim
        >>> opt = optim.SGD(nn.Linear(2, 1).parameters(), lr=0.1)
        >>> optim.lr_scheduler.StepLR(opt, step_size=5).get_last_lr()
        [0.1]
        """
        return list(self._last_lr)

    #: attributes that are not state (the optimizer itself; code such as LambdaLR's functions)
    _not_state: tuple[str, ...] = ("optimizer",)

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimizer, as plain data (numbers, strings, lists).

        Examples
        --------
        >>> from retrograd import nn, optim
        >>> opt = optim.SGD(nn.Linear(2, 1).parameters(), lr=1.0)
        >>> state = optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5).state_dict()
        >>> state["step_size"], state["gamma"], state["last_epoch"], state["base_lrs"]
        (2, 0.5, 0, [1.0])
        """
        return {k: copy.deepcopy(v) for k, v in self.__dict__.items() if k not in self._not_state}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what ``state_dict()`` returned (unknown keys raise ``KeyError``).

        Examples
        --------
        >>> from retrograd import nn, optim
        >>> opt = optim.SGD(nn.Linear(2, 1).parameters(), lr=1.0)
        >>> old = optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
        >>> for _ in range(3):
        ...     old.step()
        >>> new = optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
        >>> new.load_state_dict(old.state_dict())
        >>> new.step()                # epoch 4 = 3 + 1: 1.0 * 0.5 ** (4 // 2)
        >>> new.get_last_lr()
        [0.25]
        """
        unknown = sorted(
            set(state_dict) - set(self.__dict__) | set(state_dict) & set(self._not_state)
        )
        if unknown:
            raise KeyError(f"{type(self).__name__}.load_state_dict: unknown keys {unknown}")
        for k, v in state_dict.items():
            v = copy.deepcopy(v)
            if isinstance(self.__dict__.get(k), list) and not isinstance(v, list):
                v = list(v)  # e.g. an array after a round trip through a file
            self.__dict__[k] = v

    def __repr__(self) -> str:
        settings = ", ".join(
            f"{k}={v}" for k, v in self.state_dict().items() if not k.startswith("_")
        )
        return f"{type(self).__name__}({settings})"


class StepLR(LRScheduler):
    """Multiply the rate by ``gamma`` every ``step_size`` epochs.

    ``lr(epoch) = base_lr * gamma ** (epoch // step_size)``

    Parameters
    ----------
    optimizer : Optimizer
    step_size : int
        Epochs between decays (> 0).
    gamma : float
        Decay factor.
    last_epoch : int
        ``-1`` to start fresh.

    Examples
    --------
    >>> from retrograd import nn, optim
    >>> opt = optim.SGD(nn.Linear(2, 1).parameters(), lr=1.0)
    >>> sched = optim.lr_scheduler.StepLR(opt, step_size=30, gamma=0.1)
    """

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        if int(step_size) != step_size or step_size <= 0:
            raise ValueError(f"StepLR: step_size must be a positive integer, got {step_size}")
        self.step_size, self.gamma = int(step_size), float(gamma)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [b * self.gamma ** (self.last_epoch // self.step_size) for b in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Multiply the rate by ``gamma`` at each epoch listed in ``milestones``.

    ``lr(epoch) = base_lr * gamma ** (number of milestones <= epoch)``

    Examples
    --------
    >>> from retrograd import nn, optim
    >>> opt = optim.SGD(nn.Linear(2, 1).parameters(), lr=1.0)
    >>> sched = optim.lr_scheduler.MultiStepLR(opt, milestones=[30, 80], gamma=0.1)
    """

    def __init__(
        self,
        optimizer: Optimizer,
        milestones: Iterable[int],
        gamma: float = 0.1,
        last_epoch: int = -1,
    ) -> None:
        self.milestones = sorted(int(m) for m in milestones)
        self.gamma = float(gamma)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        k = sum(1 for m in self.milestones if m <= self.last_epoch)
        return [b * self.gamma**k for b in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Multiply the rate by ``gamma`` every epoch: ``lr(epoch) = base_lr * gamma ** epoch``.

    Examples
    --------
    >>> from retrograd import nn, optim
    >>> opt = optim.SGD(nn.Linear(2, 1).parameters(), lr=1.0)
    >>> sched = optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
    >>> sched.step(); round(sched.get_last_lr()[0], 6)
    0.9
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        if gamma <= 0:
            raise ValueError(f"ExponentialLR: gamma must be > 0, got {gamma}")
        self.gamma = float(gamma)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [b * self.gamma**self.last_epoch for b in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """Follow half a cosine from ``base_lr`` down to ``eta_min`` over ``T_max`` epochs.

    ``lr(epoch) = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2``

    (Loshchilov & Hutter's SGDR without restarts; past ``T_max`` the cosine
    continues and the rate rises again, as in PyTorch.)

    Parameters
    ----------
    optimizer : Optimizer
    T_max : int
        Epochs of the half period (> 0).
    eta_min : float
        The lowest rate.
    last_epoch : int
        ``-1`` to start fresh.

    Examples
    --------
    >>> from retrograd import nn, optim
    >>> opt = optim.SGD(nn.Linear(2, 1).parameters(), lr=1.0)
    >>> sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10)
    >>> for _ in range(5):
    ...     sched.step()
    >>> round(sched.get_last_lr()[0], 6)     # half way: (1 + cos(pi/2)) / 2
    0.5
    """

    def __init__(
        self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1
    ) -> None:
        if T_max <= 0:
            raise ValueError(f"CosineAnnealingLR: T_max must be > 0, got {T_max}")
        self.T_max, self.eta_min = T_max, float(eta_min)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        c = (1.0 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2.0
        return [self.eta_min + (b - self.eta_min) * c for b in self.base_lrs]


class LinearLR(LRScheduler):
    """Scale the rate linearly from ``start_factor`` to ``end_factor`` over ``total_iters`` epochs.

    ``lr(epoch) = base_lr * (start + (end - start) * min(epoch, total_iters) / total_iters)``
    -- the usual learning-rate *warm-up*.

    Examples
    --------
    >>> from retrograd import nn, optim
    >>> opt = optim.SGD(nn.Linear(2, 1).parameters(), lr=1.0)
    >>> sched = optim.lr_scheduler.LinearLR(opt, start_factor=0.25, total_iters=3)
    >>> lrs = []
    >>> for _ in range(5):
    ...     lrs.append(opt.param_groups[0]["lr"])
    ...     sched.step()
    >>> lrs
    [0.25, 0.5, 0.75, 1.0, 1.0]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        if not 0.0 < start_factor <= 1.0 or not 0.0 <= end_factor <= 1.0:
            raise ValueError(
                f"LinearLR: start_factor must be in (0, 1] and end_factor in [0, 1], got "
                f"{start_factor} and {end_factor}"
            )
        if total_iters <= 0:
            raise ValueError(f"LinearLR: total_iters must be > 0, got {total_iters}")
        self.start_factor, self.end_factor = float(start_factor), float(end_factor)
        self.total_iters = int(total_iters)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        done = min(self.last_epoch, self.total_iters) / self.total_iters
        factor = self.start_factor + (self.end_factor - self.start_factor) * done
        return [b * factor for b in self.base_lrs]


class LambdaLR(LRScheduler):
    """``lr(epoch) = base_lr * lr_lambda(epoch)`` for a function of your own.

    Parameters
    ----------
    optimizer : Optimizer
    lr_lambda : callable or list of callables
        ``epoch -> factor``, one for all groups or one per group. Functions are not
        part of ``state_dict()`` (only the epoch counter is): pass the same ones again
        when resuming.

    Examples
    --------
    >>> from retrograd import nn, optim
    >>> opt = optim.SGD(nn.Linear(2, 1).parameters(), lr=1.0)
    >>> sched = optim.lr_scheduler.LambdaLR(opt, lambda epoch: 1 / (1 + epoch))
    >>> sched.step(); sched.get_last_lr()
    [0.5]
    """

    def __init__(self, optimizer: Optimizer, lr_lambda: Any, last_epoch: int = -1) -> None:
        n = len(optimizer.param_groups) if isinstance(optimizer, Optimizer) else 0
        lambdas = list(lr_lambda) if isinstance(lr_lambda, (list, tuple)) else [lr_lambda] * n
        if len(lambdas) != n or not all(callable(f) for f in lambdas):
            raise ValueError(f"LambdaLR: expected 1 or {n} callables, got {lr_lambda!r}")
        self.lr_lambdas = lambdas
        super().__init__(optimizer, last_epoch)

    _not_state = ("optimizer", "lr_lambdas")

    def get_lr(self) -> list[float]:
        return [b * float(f(self.last_epoch)) for b, f in zip(self.base_lrs, self.lr_lambdas)]


class ReduceLROnPlateau(LRScheduler):
    """Cut the rate by ``factor`` when a monitored metric stops improving.

    Call ``step(metric)`` after each evaluation. When the metric has not
    improved (by more than ``threshold``) for more than ``patience`` calls,
    every group's rate becomes ``max(lr * factor, min_lr)``, then ``cooldown``
    calls pass before counting bad epochs again. Same rules as PyTorch's.

    Parameters
    ----------
    optimizer : Optimizer
    mode : {"min", "max"}
        Whether a lower (loss) or higher (accuracy) metric is better.
    factor : float
        Multiplier of the rate at each cut, in (0, 1).
    patience : int
        Calls without improvement tolerated before a cut.
    threshold : float
        Minimum change that counts as an improvement.
    threshold_mode : {"rel", "abs"}
        ``rel``: better than ``best * (1 -/+ threshold)``; ``abs``: ``best -/+ threshold``.
    cooldown : int
        Calls to wait after a cut before counting again.
    min_lr : float or list of float
        Lower bound of the rate (per group when a list).
    eps : float
        Cuts smaller than this are skipped.

    Examples
    --------
    >>> from retrograd import nn, optim
    >>> opt = optim.SGD(nn.Linear(2, 1).parameters(), lr=1.0)
    >>> sched = optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=1)
    >>> for val_loss in [1.0, 0.9, 0.9, 0.9]:
    ...     sched.step(val_loss)
    >>> sched.get_last_lr()
    [0.5]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr: float | list[float] = 0.0,
        eps: float = 1e-8,
    ) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"ReduceLROnPlateau needs an Optimizer, got {type(optimizer)}")
        if mode not in ("min", "max"):
            raise ValueError(f"ReduceLROnPlateau: mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(
                f"ReduceLROnPlateau: threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}"
            )
        if not 0.0 < factor < 1.0:
            raise ValueError(f"ReduceLROnPlateau: factor must be in (0, 1), got {factor}")
        n = len(optimizer.param_groups)
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != n:
                raise ValueError(
                    f"ReduceLROnPlateau: expected {n} min_lr values, got {len(min_lr)}"
                )
            self.min_lrs = [float(m) for m in min_lr]
        else:
            self.min_lrs = [float(min_lr)] * n
        self.optimizer = optimizer
        self.mode, self.threshold_mode = mode, threshold_mode
        self.factor, self.patience, self.threshold = float(factor), int(patience), float(threshold)
        self.cooldown, self.eps = int(cooldown), float(eps)
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self.last_epoch = 0
        self._last_lr = [float(g["lr"]) for g in optimizer.param_groups]

    def _is_better(self, current: float) -> bool:
        rel = self.threshold_mode == "rel"
        if self.mode == "min":
            bound = self.best * (1.0 - self.threshold) if rel else self.best - self.threshold
            return current < bound
        bound = self.best * (1.0 + self.threshold) if rel else self.best + self.threshold
        return current > bound

    def step(self, metrics: float | None = None) -> None:  # type: ignore[override]
        """Record the monitored value of this epoch and cut the rate if it has plateaued.

        Examples
        --------
        >>> from retrograd import nn, optim
        >>> opt = optim.SGD(nn.Linear(2, 1).parameters(), lr=1.0)
        >>> sched = optim.lr_scheduler.ReduceLROnPlateau(opt, mode="max", patience=0)
        >>> sched.step(0.8)           # accuracy improved: rate kept
        >>> sched.step(0.7)           # worse, patience 0: cut by factor 0.1
        >>> sched.get_last_lr()
        [0.1]
        """
        if metrics is None:
            raise TypeError("ReduceLROnPlateau.step(metric) needs the monitored value")
        current = float(metrics)
        self.last_epoch += 1
        if self._is_better(current):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1  # a NaN metric is never better: it counts as bad
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs):
                old = float(group["lr"])
                new = max(old * self.factor, min_lr)
                if old - new > self.eps:
                    group["lr"] = new
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = [float(g["lr"]) for g in self.optimizer.param_groups]

    @property
    def in_cooldown(self) -> bool:
        """True while the ``cooldown`` epochs after a cut are still running."""
        return self.cooldown_counter > 0
