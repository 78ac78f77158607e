"""Optimizers with PyTorch's interface, learning-rate schedules and gradient clipping.

``optim.SGD``, ``Adam``, ``AdamW``, ``RMSprop``, ``Adagrad``; ``optim.lr_scheduler``
(``StepLR``, ``MultiStepLR``, ``ExponentialLR``, ``CosineAnnealingLR``,
``LinearLR``, ``LambdaLR``, ``ReduceLROnPlateau``); ``clip_grad_norm_`` and ``clip_grad_value_``.
"""

from retrograd.optim import lr_scheduler
from retrograd.optim.adagrad import Adagrad
from retrograd.optim.adam import Adam, AdamW
from retrograd.optim.cg import ConjugateGradient
from retrograd.optim.clip import NonFiniteGradientError, clip_grad_norm_, clip_grad_value_
from retrograd.optim.lbfgs import LBFGS
from retrograd.optim.optimizer import Optimizer
from retrograd.optim.rmsprop import RMSprop
from retrograd.optim.sgd import SGD

#: optimizer name -> class (used by the CLI and the estimators)
OPTIMIZERS: dict[str, type[Optimizer]] = {
    "sgd": SGD, "adam": Adam, "adamw": AdamW, "rmsprop": RMSprop, "adagrad": Adagrad,
}  # fmt: skip

__all__ = [
    "Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "OPTIMIZERS", "lr_scheduler",
    "clip_grad_norm_", "clip_grad_value_", "NonFiniteGradientError", "LBFGS", "ConjugateGradient",
]  # fmt: skip
