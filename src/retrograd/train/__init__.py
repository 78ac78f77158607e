"""Training: ``fit`` (the one training loop), ``evaluate``, ``predict``, callbacks, metrics.

>>> import numpy as np
>>> from retrograd import nn, optim
>>> from retrograd.data import make_moons
>>> from retrograd.train import EarlyStopping, evaluate, fit
>>> X, y = make_moons(n_samples=200, noise=0.1, seed=0)
>>> model = nn.Sequential(nn.Linear(2, 16, rng=np.random.default_rng(0)), nn.Tanh(),
...                       nn.Linear(16, 2, rng=np.random.default_rng(1)))
>>> opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
>>> history = fit(model, "cross_entropy", opt, (X, y), epochs=30, validation_split=0.2,
...               callbacks=[EarlyStopping(patience=5)], verbose=0)
>>> evaluate(model, (X, y))["accuracy"] > 0.9
True

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
from retrograd.train.step import StepResult, tbptt_step, train_step

__all__ = [
    "fit", "evaluate", "predict", "train_step", "tbptt_step", "StepResult", "History", "Callback",
    "CallbackList", "FitState", "EarlyStopping", "ModelCheckpoint", "TerminateOnNaN",
    "LambdaCallback", "ProgressDisplay", "NonFiniteLossError", "Metric", "Accuracy",
    "MeanSquaredError", "MeanAbsoluteError", "metrics",
]  # fmt: skip
