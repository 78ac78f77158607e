"""Training: ``fit`` (the one training loop), ``evaluate``, ``predict``, callbacks, metrics.

>>> from retrograd.train import fit, evaluate, predict, EarlyStopping  # doctest: +SKIP
>>> history = fit(model, "cross_entropy", optimizer, (X, y), epochs=20,
...               validation_split=0.1, callbacks=[EarlyStopping(patience=3)])

Plots (``retrograd.train.plots``, the ``plot`` extra) are imported on use.
"""

from retrograd.train import metrics
from retrograd.train.callbacks import (
    Callback,
    CallbackList,
    EarlyStopping,
    FitState,
    LambdaCallback,
    ModelCheckpoint,
    TerminateOnNaN,
)
from retrograd.train.evaluate import evaluate, predict
from retrograd.train.fit import fit
from retrograd.train.history import History
from retrograd.train.metrics import Accuracy, MeanAbsoluteError, MeanSquaredError, Metric
from retrograd.train.nonfinite import NonFiniteLossError
from retrograd.train.progress import ProgressDisplay
from retrograd.train.step import StepResult, train_step

__all__ = [
    "fit", "evaluate", "predict", "train_step", "StepResult", "History", "Callback",
    "CallbackList", "FitState", "EarlyStopping", "ModelCheckpoint", "TerminateOnNaN",
    "LambdaCallback", "ProgressDisplay", "NonFiniteLossError", "Metric", "Accuracy",
    "MeanSquaredError", "MeanAbsoluteError", "metrics",
]  # fmt: skip
