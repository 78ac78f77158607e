"""Optimizers: ``retrograd.optim.SGD``, ``Adam``, ... with PyTorch's interface."""

from retrograd.optim.optimizer import Optimizer
from retrograd.optim.sgd import SGD

__all__ = ["Optimizer", "SGD"]
