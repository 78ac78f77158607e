"""scikit-learn estimators: ``MLPClassifier`` and ``MLPRegressor`` trained by retrograd.

They take scikit-learn's parameters, with the same names and meanings as
:class:`sklearn.neural_network.MLPClassifier`, so they drop into a
``Pipeline``, ``GridSearchCV`` or ``cross_val_score``. Underneath they are
thin: ``fit`` builds a :class:`retrograd.nn.Sequential` of ``Linear`` layers
and activations and trains it with :func:`retrograd.train.fit` -- the same
loop every other part of retrograd uses -- with

* ``solver='sgd'`` -> :class:`retrograd.optim.SGD` (``momentum``, ``nesterovs_momentum``),
* ``solver='adam'`` -> :class:`retrograd.optim.Adam` (``beta_1``, ``beta_2``, ``epsilon``),
* ``solver='lbfgs'`` -> :class:`retrograd.optim.LBFGS` and ``solver='cg'`` ->
  :class:`retrograd.optim.ConjugateGradient`: full batch, SciPy's optimizers fed
  by retrograd's gradients.

scikit-learn's own rules sit on top as a callback: the L2 penalty
``alpha / (2 n) * sum ||W||^2``, stopping after ``n_iter_no_change`` epochs
without a ``tol`` improvement, ``early_stopping`` on a held-out
``validation_fraction`` (keeping the best weights), and the ``'adaptive'`` and
``'invscaling'`` learning-rate schedules of ``solver='sgd'``.

Needs the ``sklearn`` extra: ``pip install "retrograd[sklearn]"``.

>>> from sklearn.datasets import load_iris
>>> from retrograd.sklearn import MLPClassifier
>>> X, y = load_iris(return_X_y=True)
>>> clf = MLPClassifier(hidden_layer_sizes=(16,), solver="lbfgs", max_iter=300,
...                     random_state=0).fit(X, y)
>>> clf.score(X, y) > 0.95
True
"""

from __future__ import annotations

import copy
import math
import warnings
from numbers import Integral, Real
from typing import Any

import numpy as np

try:
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import LabelBinarizer
    from sklearn.utils import check_random_state
    from sklearn.utils._available_if import available_if
    from sklearn.utils.multiclass import (
        _check_partial_fit_first_call,
        check_classification_targets,
        type_of_target,
        unique_labels,
    )
    from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data
except ImportError as exc:  # pragma: no cover - sklearn is in the test extra
    raise ImportError(
        'retrograd.sklearn needs scikit-learn: pip install "retrograd[sklearn]"'
    ) from exc

from retrograd import nn, optim
from retrograd.data import DataLoader
from retrograd.function import Function
from retrograd.tensor import Tensor
from retrograd.train import Callback, fit, predict

#: scikit-learn's activation names -> retrograd modules (retrograd's own names work too)
_ACTIVATION_ALIASES = {
    "logistic": "sigmoid",
    "identity": "identity",
    "tanh": "tanh",
    "relu": "relu",
}
_SOLVERS = ("sgd", "adam", "lbfgs", "cg")
_FULL_BATCH = ("lbfgs", "cg")


class _L2Penalty(Function):
    """``loss + scale * sum_k ||W_k||^2``: a data loss plus an L2 penalty, as one graph node.

    One node instead of a square-and-sum per matrix plus the additions: this runs
    on every mini-batch. Derivatives: 1 for the loss, ``2 scale W_k`` for each weight.
    Shape: ``loss`` a scalar, each ``W_k`` any shape; the output is a scalar.
    """

    registered = False  # an internal helper of the estimators, not a user-facing op

    def forward(self, loss: np.ndarray, *weights: np.ndarray, scale: float) -> np.ndarray:
        self.save_for_backward(*weights)
        self.scale = scale
        total = 0.0
        for w in weights:
            total += float(np.vdot(w, w))
        return np.asarray(loss + scale * total, dtype=loss.dtype)

    def backward(self, g: np.ndarray) -> tuple[np.ndarray, ...]:
        factor = float(g) * 2.0 * self.scale  # d/dW scale ||W||^2 = 2 scale W
        return (g, *[w * factor for w in self.saved])


def _penalized(loss: Tensor, weights: list[Tensor], alpha: float, n: int) -> Tensor:
    """``loss + alpha / (2 n) * sum ||W||^2`` over the weight matrices (not the biases)."""
    if not alpha or not weights:
        return loss
    return _L2Penalty.apply(loss, *weights, scale=0.5 * alpha / n)


class _Objective:
    """The training loss: the data term plus, while training, scikit-learn's L2 penalty.

    In eval mode (validation, ``fit``'s ``val_loss``) only the data term
    counts, so ``validation_loss_curve_`` is the plain loss on held-out data.
    """

    def __init__(self, kind: str, model: nn.Module, alpha: float) -> None:
        self.kind, self.model, self.alpha = kind, model, float(alpha)
        self.weights = [m.weight for m in model.modules() if isinstance(m, nn.Linear)]

    def __call__(self, out: Tensor, target: Tensor) -> Tensor:
        n = out.shape[0]
        t = target.data if isinstance(target, Tensor) else np.asarray(target)
        if self.kind == "softmax":  # log loss of the softmax of the logits (fused)
            loss = nn.functional.cross_entropy(out, target)
        elif self.kind == "logistic":  # log loss per label, summed over labels
            loss = nn.functional.binary_cross_entropy_with_logits(out, t, "sum") * (1.0 / n)
        elif self.kind == "exp":  # half Poisson deviance of exp(out): exp(z) - y z + const
            t = t.astype(out.dtype)
            const = float(np.mean(np.where(t > 0, t * np.log(np.where(t > 0, t, 1)), 0) - t))
            loss = (out.exp() - out * t).mean() + const
        else:  # squared error / 2, as scikit-learn reports it
            loss = nn.functional.mse_loss(out, t) * 0.5
        if not self.model.training:
            return loss
        return _penalized(loss, self.weights, self.alpha, n)


class _SklearnOrderLoader(DataLoader):
    """Mini-batches in scikit-learn's order: each epoch shuffles the previous epoch's
    order with the estimator's ``RandomState`` (``sklearn.utils.shuffle``), as
    ``MLPClassifier``/``MLPRegressor`` do, so the same ``random_state`` gives the same
    batches. (Not resumable mid-epoch from a checkpoint; the estimators never are.)
    """

    @classmethod
    def like(cls, loader: DataLoader, random_state: np.random.RandomState) -> _SklearnOrderLoader:
        new = cls(loader.dataset, loader.batch_size, shuffle=True, dtype=loader.dtype)
        new.random_state = random_state
        new.order = np.arange(len(loader.dataset))
        return new

    def _epoch_order(self, n: int) -> np.ndarray:
        # = sklearn.utils.shuffle(self.order, random_state=...): arange + shuffle, then a
        # gather (without its input checks, which cost more than the shuffle here)
        self.order = self.order[self.random_state.permutation(n)]
        return self.order


class _SklearnRules(Callback):
    """scikit-learn's per-epoch bookkeeping, stopping rules and SGD schedules."""

    def __init__(self, est: Any, n_samples: int, val: tuple[np.ndarray, np.ndarray] | None):
        self.est, self.n_samples, self.val = est, n_samples, val

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        est, logs = self.est, logs or {}
        est.n_iter_ += 1
        est.t_ += self.n_samples
        est.loss_ = float(logs["loss"])
        est.loss_curve_.append(est.loss_)
        if est.verbose:
            print(f"Iteration {est.n_iter_}, loss = {est.loss_:.8f}")
        if not math.isfinite(est.loss_):
            return
        if self.val is not None:
            est.validation_loss_curve_.append(float(logs["val_loss"]))
            score = est._validation_score(*self.val)
            est.validation_scores_.append(score)
            if est.verbose:
                print(f"Validation score: {score:f}")
            if score < est.best_validation_score_ + est.tol:
                est._no_improvement_count += 1
            else:
                est._no_improvement_count = 0
            if score > est.best_validation_score_:
                est.best_validation_score_ = score
                est._best_state = est.model_.state_dict()
        else:
            if est.loss_ > est.best_loss_ - est.tol:
                est._no_improvement_count += 1
            else:
                est._no_improvement_count = 0
            est.best_loss_ = min(est.best_loss_, est.loss_)
        group = self.state.optimizer.param_groups
        if est.solver == "sgd" and est.learning_rate == "invscaling":
            self._set_lr(est.learning_rate_init / (est.t_ + 1) ** est.power_t)
        if est._no_improvement_count > est.n_iter_no_change:
            what = "Validation score" if self.val is not None else "Training loss"
            msg = (
                f"{what} did not improve more than tol={est.tol:f} for "
                f"{est.n_iter_no_change} consecutive epochs."
            )
            if est.solver == "sgd" and est.learning_rate == "adaptive":
                if group[0]["lr"] > 1e-6:
                    self._set_lr(group[0]["lr"] / 5.0)
                    est._no_improvement_count = 0
                    if est.verbose:
                        print(f"{msg} Setting learning rate to {group[0]['lr']:f}")
                    return
                msg += " Learning rate too small. Stopping."
            elif est.verbose:
                print(msg + " Stopping.")
            est._converged = True
            self.state.stop(msg)

    def _set_lr(self, lr: float) -> None:
        """Change SGD's learning rate as scikit-learn does.

        scikit-learn keeps momentum as a velocity ``v = momentum v - lr g`` that already
        holds the old rate; ``optim.SGD`` keeps ``b = momentum b + g`` and multiplies by
        the current rate. Scaling ``b`` by ``old / new`` keeps the two the same step.
        """
        opt = self.state.optimizer
        for g in opt.param_groups:
            old, g["lr"] = g["lr"], lr
            for p in g["params"]:
                buf = opt.state.get(p, {}).get("momentum_buffer")
                if buf is not None and lr > 0:
                    buf *= old / lr


class _BaseMLP(BaseEstimator):
    """Shared parameters, model building and training of the two estimators."""

    _kind = ""  # 'classifier' or 'regressor'

    def __init__(
        self,
        hidden_layer_sizes: Any = (100,),
        activation: str = "relu",
        *,
        solver: str = "adam",
        alpha: float = 0.0001,
        batch_size: int | str = "auto",
        learning_rate: str = "constant",
        learning_rate_init: float = 0.001,
        power_t: float = 0.5,
        max_iter: int = 200,
        shuffle: bool = True,
        random_state: Any = None,
        tol: float = 1e-4,
        verbose: bool = False,
        warm_start: bool = False,
        momentum: float = 0.9,
        nesterovs_momentum: bool = True,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        n_iter_no_change: int = 10,
        max_fun: int = 15000,
        dtype: str | None = "float32",
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.dtype = dtype

    # -- fitted attributes read from the retrograd model -------------------------------
    @property
    def coefs_(self) -> list[np.ndarray]:
        """Weight matrices, ``coefs_[i]`` of shape ``(fan_in, fan_out)`` (scikit-learn's layout)."""
        check_is_fitted(self, "model_")
        return [m.weight.data.T.copy() for m in self.model_.modules() if isinstance(m, nn.Linear)]

    @property
    def intercepts_(self) -> list[np.ndarray]:
        """Bias vectors, ``intercepts_[i]`` of shape ``(fan_out,)``."""
        check_is_fitted(self, "model_")
        return [m.bias.data.copy() for m in self.model_.modules() if isinstance(m, nn.Linear)]

    # -- checks ---------------------------------------------------------------------
    def _hidden_sizes(self) -> list[int]:
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if isinstance(sizes, Integral) else list(sizes)
        if any(not isinstance(s, Integral) or s < 1 for s in sizes):
            raise ValueError(
                f"hidden_layer_sizes must be positive integers, got {self.hidden_layer_sizes!r}"
            )
        return [int(s) for s in sizes]

    def _check_params(self) -> None:
        name = type(self).__name__
        self._hidden_sizes()
        act = _ACTIVATION_ALIASES.get(self.activation, self.activation)
        if not isinstance(act, str) or act not in nn.ACTIVATIONS:
            raise ValueError(
                f"{name}: activation {self.activation!r} is not supported; choose from "
                f"{sorted(set(_ACTIVATION_ALIASES) | set(nn.ACTIVATIONS))}"
            )
        if self.solver not in _SOLVERS:
            raise ValueError(f"{name}: solver must be one of {_SOLVERS}, got {self.solver!r}")
        if self.learning_rate not in ("constant", "invscaling", "adaptive"):
            raise ValueError(
                f"{name}: learning_rate must be 'constant', 'invscaling' or 'adaptive', got "
                f"{self.learning_rate!r}"
            )
        positive = {"max_iter": self.max_iter, "max_fun": self.max_fun,
                    "learning_rate_init": self.learning_rate_init}  # fmt: skip
        for key, value in positive.items():
            if not isinstance(value, Real) or isinstance(value, bool) or not value > 0:
                raise ValueError(f"{name}: {key} must be > 0, got {value!r}")
        nonneg = {"alpha": self.alpha, "tol": self.tol, "momentum": self.momentum,
                  "power_t": self.power_t, "epsilon": self.epsilon}  # fmt: skip
        for key, value in nonneg.items():
            if not isinstance(value, Real) or isinstance(value, bool) or not value >= 0:
                raise ValueError(f"{name}: {key} must be >= 0, got {value!r}")
        if not self.momentum <= 1:
            raise ValueError(f"{name}: momentum must be in [0, 1], got {self.momentum}")
        for key in ("beta_1", "beta_2", "validation_fraction"):
            value = getattr(self, key)
            if not isinstance(value, Real) or not 0 <= value < 1:
                raise ValueError(f"{name}: {key} must be in [0, 1), got {value!r}")
        if not isinstance(self.n_iter_no_change, Integral) or self.n_iter_no_change < 1:
            raise ValueError(
                f"{name}: n_iter_no_change must be a positive int, got {self.n_iter_no_change!r}"
            )
        bs = self.batch_size
        if bs != "auto" and (not isinstance(bs, Integral) or isinstance(bs, bool) or bs < 1):
            raise ValueError(f"{name}: batch_size must be 'auto' or an int >= 1, got {bs!r}")
        if self.dtype not in (None, "float32", "float64", np.float32, np.float64):
            raise ValueError(f"{name}: dtype must be 'float32', 'float64' or None")

    # -- building ---------------------------------------------------------------------
    def _model_dtype(self, X: np.ndarray) -> np.dtype:
        return X.dtype if self.dtype is None else np.dtype(self.dtype)

    def _build_model(self, n_in: int, n_out: int, dtype: np.dtype) -> nn.Sequential:
        """Linear layers with Glorot-uniform weights (scikit-learn's initialisation)."""
        act = nn.ACTIVATIONS[_ACTIVATION_ALIASES.get(self.activation, self.activation)]
        sizes = [n_in, *self._hidden_sizes(), n_out]
        factor = 2.0 if self.activation in ("logistic", "sigmoid") else 6.0
        rs = self._random_state
        layers: list[nn.Module] = []
        for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layer = nn.Linear(fan_in, fan_out, dtype=dtype)
            bound = math.sqrt(factor / (fan_in + fan_out))
            # the draws scikit-learn makes, in its order: the same random_state gives the
            # same initial weights (its coefs_ are (fan_in, fan_out): our weight transposed)
            layer.weight.data[...] = rs.uniform(-bound, bound, (fan_in, fan_out)).T
            layer.bias.data[...] = rs.uniform(-bound, bound, fan_out)
            layers.append(layer)
            if i < len(sizes) - 2:
                layers.append(act())
        return nn.Sequential(*layers)

    def _build_optimizer(self) -> Any:
        params = list(self.model_.parameters())
        if self.solver == "sgd":
            return optim.SGD(
                params,
                lr=self.learning_rate_init,
                momentum=self.momentum,
                nesterov=bool(self.nesterovs_momentum and self.momentum > 0),
            )
        if self.solver == "adam":
            return optim.Adam(
                params,
                lr=self.learning_rate_init,
                betas=(self.beta_1, self.beta_2),
                eps=self.epsilon,
                epsilon_hat=True,  # scikit-learn's form of the update (see optim.Adam)
            )
        if self.solver == "lbfgs":
            return optim.LBFGS(
                params,
                max_iter=self.max_iter,
                max_eval=self.max_fun,
                tolerance_grad=self.tol,
                tolerance_change=float(np.finfo(float).eps) * 1e7,  # SciPy's default ftol
                history_size=10,  # SciPy's default maxcor, as scikit-learn runs it
            )
        return optim.ConjugateGradient(params, max_iter=self.max_iter, tolerance_grad=self.tol)

    # -- training ---------------------------------------------------------------------
    def _fit(self, X: Any, y: Any, incremental: bool = False) -> _BaseMLP:
        self._check_params()
        first = not hasattr(self, "model_") or not (self.warm_start or incremental)
        if incremental and self.early_stopping:
            raise ValueError("partial_fit does not support early_stopping=True")
        X, y = self._validate_input(X, y, incremental, reset=first)
        target = self._encode_target(y)
        n_out = target.shape[1] if target.ndim == 2 else len(self.classes_)
        # re-created on every call, as scikit-learn does (an int seed replays its stream)
        self._random_state = check_random_state(self.random_state)
        if first:
            self.n_outputs_ = int(n_out)
            self.n_layers_ = len(self._hidden_sizes()) + 2
            self.out_activation_ = self._out_kind()
            self.model_ = self._build_model(X.shape[1], n_out, self._model_dtype(X))
            self.n_iter_, self.t_ = 0, 0
            self.loss_curve_ = []
            self.best_loss_ = np.inf
            self._no_improvement_count = 0
            self._optimizer = None
        elif n_out != self.n_outputs_:
            raise ValueError(
                f"{type(self).__name__}: y has {n_out} outputs, the fitted network "
                f"{self.n_outputs_}; fit again without warm_start"
            )
        if self._optimizer is None or not incremental:
            self._optimizer = self._build_optimizer()
        loss = _Objective(self._out_kind(), self.model_, self.alpha)
        self._converged = False
        if self.solver in _FULL_BATCH:
            self._fit_full_batch(X, target, loss)
        else:
            self._fit_stochastic(X, y, target, loss, incremental)
        return self

    def _fit_full_batch(self, X: np.ndarray, target: np.ndarray, loss: _Objective) -> None:
        """One ``fit`` step whose optimizer runs SciPy's L-BFGS / CG for ``max_iter`` iterations."""
        opt = self._optimizer
        opt.loss_history.clear()
        data = self._loader(X, target, None, shuffle=False, seed=None)
        fit(self.model_, loss, opt, data, epochs=1, metrics=(), verbose=0)
        res = opt.result
        self.n_iter_ = int(res.nit)
        self.t_ += X.shape[0] * max(self.n_iter_, 1)
        self.loss_ = float(res.fun)
        self.loss_curve_ = list(opt.loss_history)
        self.best_loss_ = min(self.loss_curve_, default=self.loss_)
        if self.verbose:
            for i, value in enumerate(self.loss_curve_, 1):
                print(f"Iteration {i}, loss = {value:.8f}")
        if res.status != 0:
            warnings.warn(
                f"{self.solver} failed to converge after {self.n_iter_} iteration(s) "
                f"(status={res.status}): {res.message}. Increase max_iter or scale the data.",
                ConvergenceWarning,
                stacklevel=3,
            )

    def _fit_stochastic(
        self, X: np.ndarray, y: np.ndarray, target: np.ndarray, loss: _Objective, incremental: bool
    ) -> None:
        """Mini-batch epochs with ``retrograd.train.fit`` under scikit-learn's stopping rules."""
        val = None
        X_train, t_train = X, target
        self.validation_scores_ = None
        self.validation_loss_curve_ = None
        if self.early_stopping:
            stratify = y if self._kind == "classifier" and y.ndim == 1 else None
            if stratify is not None:
                counts = np.unique(y, return_counts=True)[1]
                n_val = math.ceil(self.validation_fraction * len(y))
                if counts.min() < 2 or n_val < len(counts) or len(y) - n_val < len(counts):
                    stratify = None  # too few examples per class to stratify
            X_train, X_val, t_train, t_val, _, y_val = train_test_split(
                X, target, y, random_state=self._random_state,
                test_size=self.validation_fraction, stratify=stratify,
            )  # fmt: skip
            if X_val.shape[0] < 2:
                raise ValueError(
                    "The validation set is too small. Increase 'validation_fraction' "
                    "or the size of your dataset."
                )
            val = (X_val, y_val)
            self.validation_scores_, self.validation_loss_curve_ = [], []
            self.best_validation_score_ = -np.inf
            self._best_state = None
        n = X_train.shape[0]
        if self.batch_size == "auto":
            batch_size = min(200, n)
        else:
            if self.batch_size > n:
                warnings.warn(
                    "Got `batch_size` less than 1 or larger than sample size. "
                    "It is going to be clipped",
                    stacklevel=3,
                )
            batch_size = int(np.clip(self.batch_size, 1, n))
        epochs = 1 if incremental else self.max_iter
        train_loader = self._loader(X_train, t_train, batch_size)
        if self.shuffle:
            train_loader = _SklearnOrderLoader.like(train_loader, self._random_state)
        fit(
            self.model_, loss, self._optimizer, train_loader,
            epochs=epochs,
            validation_data=None if val is None else self._loader(X_val, t_val, 4096),
            metrics=(), callbacks=[_SklearnRules(self, n, val)], verbose=0,
        )  # fmt: skip
        if val is not None and self._best_state is not None:
            self.model_.load_state_dict(self._best_state)  # keep the best validation weights
        if not incremental and not self._converged and self.n_iter_ >= self.max_iter:
            warnings.warn(
                f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) reached and the "
                "optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=3,
            )

    def _loader(
        self,
        X: np.ndarray,
        target: np.ndarray,
        batch_size: int | None,
        shuffle: bool = False,
        seed: int | None = None,
    ) -> Any:
        """Batches in the network's dtype (no float32 round trip for a float64 network)."""
        from retrograd.data import DataLoader, TensorDataset

        dtype = next(self.model_.parameters()).dtype
        if target.dtype.kind == "f":
            target = target.astype(dtype, copy=False)
        return DataLoader(
            TensorDataset(X.astype(dtype, copy=False), target), batch_size=batch_size,
            shuffle=shuffle, seed=seed, dtype=dtype,
        )  # fmt: skip

    # -- predicting ---------------------------------------------------------------------
    def _forward(self, X: Any) -> np.ndarray:
        """The network's raw output (logits) as float64, after validating ``X``."""
        check_is_fitted(self, "model_")
        X = validate_data(self, X, dtype=(np.float64, np.float32), reset=False)
        model = self.model_
        if next(model.parameters()).dtype != np.float64:
            # predict in float64 from the trained weights: a row's prediction must not
            # depend on which other rows share its matrix product (float32 rounding would)
            model = copy.deepcopy(model).double()
        return predict(model, X.astype(np.float64), batch_size=4096)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags


class MLPClassifier(ClassifierMixin, _BaseMLP):
    """Multi-layer perceptron classifier trained by retrograd (scikit-learn's interface).

    Same parameters and meanings as :class:`sklearn.neural_network.MLPClassifier`;
    the network is a :class:`retrograd.nn.Sequential` of ``Linear`` layers and
    activations trained by :func:`retrograd.train.fit`. The output layer gives
    logits: softmax cross-entropy for several classes, a logistic output for two
    classes or for multilabel targets.

    Parameters
    ----------
    hidden_layer_sizes : int or tuple of int, default=(100,)
        Units of each hidden layer.
    activation : {'identity', 'logistic', 'tanh', 'relu'} or a name in ``nn.ACTIVATIONS``
        Hidden-layer activation.
    solver : {'adam', 'sgd', 'lbfgs', 'cg'}, default='adam'
        ``'lbfgs'`` and ``'cg'`` are full batch (SciPy's L-BFGS-B and CG fed by
        retrograd's gradients); ``'adam'``/``'sgd'`` use mini-batches.
    alpha : float, default=1e-4
        L2 penalty ``alpha / (2 n) * sum ||W||^2`` added to the loss (weights only).
    batch_size : int or 'auto', default='auto'
        ``min(200, n_samples)`` for 'auto'; ignored by the full-batch solvers.
    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Schedule for ``solver='sgd'``: ``lr = learning_rate_init / (t+1)^power_t``
        after each epoch (``t`` = samples seen), or divide by 5 when the loss
        stops improving.
    learning_rate_init : float, default=1e-3
    power_t : float, default=0.5
    max_iter : int, default=200
        Epochs (``sgd``/``adam``) or iterations (``lbfgs``/``cg``).
    shuffle : bool, default=True
    random_state : int, RandomState or None
        Seeds the weights, the shuffling and the validation split.
    tol : float, default=1e-4
        Improvement needed within ``n_iter_no_change`` epochs; the gradient
        tolerance of the full-batch solvers.
    verbose : bool, default=False
        Print the loss of every epoch.
    warm_start : bool, default=False
        Continue from the previous ``fit``'s weights.
    momentum : float, default=0.9
    nesterovs_momentum : bool, default=True
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` (stratified), stop when its accuracy
        stops improving and keep the best weights.
    validation_fraction : float, default=0.1
    beta_1, beta_2, epsilon : float
        Adam's moment decay rates and denominator guard.
    n_iter_no_change : int, default=10
    max_fun : int, default=15000
        Maximum loss evaluations of ``solver='lbfgs'``.
    dtype : {'float32', 'float64', None}, default='float32'
        Precision retrograd computes in (``None``: follow ``X``). float32
        trains about twice as fast; scikit-learn's MLP computes in ``X``'s dtype.

    Attributes
    ----------
    model_ : retrograd.nn.Sequential
        The trained network (save it with ``retrograd.save``, export it to ONNX).
    classes_ : ndarray
    coefs_, intercepts_ : list of ndarray
        Weights ``(fan_in, fan_out)`` and biases per layer, as in scikit-learn.
    loss_, best_loss_ : float
    loss_curve_ : list of float
        Training loss (with the L2 term) per epoch, or per iteration for ``lbfgs``/``cg``.
    validation_scores_ : list of float or None
        Accuracy on the held-out set per epoch (with ``early_stopping``).
    validation_loss_curve_ : list of float or None
        Loss (without the L2 term) on the held-out set per epoch (with
        ``early_stopping``); scikit-learn's MLP has no such curve.
    best_validation_score_ : float
    n_iter_, t_, n_layers_, n_outputs_, n_features_in_, feature_names_in_, out_activation_

    Shape
    -----
    ``X``: ``(n_samples, n_features)``; ``y``: ``(n_samples,)`` labels or a
    ``(n_samples, n_labels)`` indicator matrix (multilabel).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from retrograd.sklearn import MLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = make_pipeline(StandardScaler(), MLPClassifier(max_iter=300, random_state=0))
    >>> _ = clf.fit(X, y)
    >>> clf.score(X, y) > 0.95
    True
    """

    _kind = "classifier"

    def _out_kind(self) -> str:
        if self._label_binarizer.y_type_ == "multiclass":
            return "softmax"
        return "logistic"

    def _validate_input(
        self, X: Any, y: Any, incremental: bool, reset: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        X, y = validate_data(
            self, X, y, multi_output=True, dtype=(np.float64, np.float32), reset=reset
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            self._label_binarizer = LabelBinarizer().fit(y)
            self.classes_ = self._label_binarizer.classes_
        else:
            classes = unique_labels(y)
            if self.warm_start and not incremental:
                if set(classes) != set(self.classes_):
                    raise ValueError(
                        "warm_start can only be used where `y` has the same classes as in the "
                        f"previous call to fit. Previously got {self.classes_}, `y` has {classes}"
                    )
            elif len(np.setdiff1d(classes, self.classes_, assume_unique=True)):
                raise ValueError(
                    f"`y` has classes not in `self.classes_`. `self.classes_` has "
                    f"{self.classes_}. 'y' has {classes}."
                )
        if len(self.classes_) < 2 and self._label_binarizer.y_type_ != "multilabel-indicator":
            raise ValueError(
                f"{type(self).__name__} needs at least 2 classes in y; got 1 class: "
                f"{self.classes_[0]!r}"
            )
        return X, y

    def _encode_target(self, y: np.ndarray) -> np.ndarray:
        """Class indices for softmax, a float 0/1 matrix for logistic outputs."""
        if self._out_kind() == "softmax":
            return np.searchsorted(self.classes_, y).astype(np.int64)
        return self._label_binarizer.transform(y).astype(np.float64)

    def fit(self, X: Any, y: Any) -> MLPClassifier:
        """Train on ``X`` and labels ``y`` (from scratch unless ``warm_start``). Returns self."""
        return self._fit(X, y, incremental=False)

    def _no_full_batch(self) -> bool:
        if self.solver in _FULL_BATCH:
            raise AttributeError(f"partial_fit is only available for stochastic solvers, not "
                                 f"{self.solver!r}")  # fmt: skip
        return True

    @available_if(_no_full_batch)
    def partial_fit(self, X: Any, y: Any, classes: Any = None) -> MLPClassifier:
        """One epoch over ``X, y`` (``classes`` must list every label on the first call)."""
        if _check_partial_fit_first_call(self, classes):
            self._label_binarizer = LabelBinarizer()
            if type_of_target(y).startswith("multilabel"):
                self._label_binarizer.fit(y)
            else:
                self._label_binarizer.fit(self.classes_)
        return self._fit(X, y, incremental=True)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, ``(n_samples, n_classes)``; independent per label if multilabel."""
        z = self._forward(X)
        if self.out_activation_ == "softmax":
            z = z - z.max(axis=1, keepdims=True)
            e = np.exp(z)
            return e / e.sum(axis=1, keepdims=True)
        p = 1.0 / (1.0 + np.exp(-z))
        if self._label_binarizer.y_type_ == "binary":
            return np.hstack([1.0 - p, p])
        return p

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """Log of :meth:`predict_proba`."""
        return np.log(self.predict_proba(X))

    def predict(self, X: Any) -> np.ndarray:
        """Predicted labels (an indicator matrix for multilabel targets)."""
        proba = self.predict_proba(X)
        if self._label_binarizer.y_type_ == "binary":
            proba = proba[:, 1:]  # LabelBinarizer expects the one logistic column
        return self._label_binarizer.inverse_transform(proba)

    def _validation_score(self, X: np.ndarray, y: np.ndarray) -> float:
        from sklearn.metrics import accuracy_score

        return float(accuracy_score(y, self.predict(X)))

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class MLPRegressor(RegressorMixin, _BaseMLP):
    """Multi-layer perceptron regressor trained by retrograd (scikit-learn's interface).

    Same parameters as :class:`MLPClassifier` plus ``loss``; the output layer is
    linear (``'squared_error'``, reported as half the mean squared error like
    scikit-learn) or ``exp`` (``'poisson'``, the half Poisson deviance).

    Parameters
    ----------
    loss : {'squared_error', 'poisson'}, default='squared_error'
    hidden_layer_sizes, activation, solver, alpha, ... : see :class:`MLPClassifier`
        ``early_stopping`` monitors R^2 on the held-out fraction.

    Attributes
    ----------
    model_, coefs_, intercepts_, loss_, loss_curve_, validation_scores_,
    validation_loss_curve_, n_iter_, n_outputs_, n_features_in_, out_activation_
        As for :class:`MLPClassifier` (``validation_scores_`` holds R^2).

    Shape
    -----
    ``X``: ``(n_samples, n_features)``; ``y``: ``(n_samples,)`` or ``(n_samples, n_targets)``.

    Examples
    --------
    >>> import numpy as np
    >>> from retrograd.sklearn import MLPRegressor
    >>> X = np.linspace(-1, 1, 200).reshape(-1, 1)
    >>> y = np.sin(3 * X).ravel()
    >>> reg = MLPRegressor(hidden_layer_sizes=(32,), activation="tanh", solver="lbfgs",
    ...                    max_iter=500, random_state=0).fit(X, y)
    >>> reg.score(X, y) > 0.99
    True
    """

    _kind = "regressor"

    def __init__(
        self,
        loss: str = "squared_error",
        hidden_layer_sizes: Any = (100,),
        activation: str = "relu",
        *,
        solver: str = "adam",
        alpha: float = 0.0001,
        batch_size: int | str = "auto",
        learning_rate: str = "constant",
        learning_rate_init: float = 0.001,
        power_t: float = 0.5,
        max_iter: int = 200,
        shuffle: bool = True,
        random_state: Any = None,
        tol: float = 1e-4,
        verbose: bool = False,
        warm_start: bool = False,
        momentum: float = 0.9,
        nesterovs_momentum: bool = True,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        n_iter_no_change: int = 10,
        max_fun: int = 15000,
        dtype: str | None = "float32",
    ) -> None:
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes, activation=activation, solver=solver,
            alpha=alpha, batch_size=batch_size, learning_rate=learning_rate,
            learning_rate_init=learning_rate_init, power_t=power_t, max_iter=max_iter,
            shuffle=shuffle, random_state=random_state, tol=tol, verbose=verbose,
            warm_start=warm_start, momentum=momentum, nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping, validation_fraction=validation_fraction,
            beta_1=beta_1, beta_2=beta_2, epsilon=epsilon, n_iter_no_change=n_iter_no_change,
            max_fun=max_fun, dtype=dtype,
        )  # fmt: skip
        self.loss = loss

    def _out_kind(self) -> str:
        return "exp" if self.loss == "poisson" else "identity"

    def _check_params(self) -> None:
        super()._check_params()
        if self.loss not in ("squared_error", "poisson"):
            raise ValueError(
                f"MLPRegressor: loss must be 'squared_error' or 'poisson', got {self.loss!r}"
            )

    def _validate_input(
        self, X: Any, y: Any, incremental: bool, reset: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        X, y = validate_data(
            self, X, y, multi_output=True, y_numeric=True,
            dtype=(np.float64, np.float32), reset=reset,
        )  # fmt: skip
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError("MLPRegressor(loss='poisson') needs non-negative y")
        return X, y

    def _encode_target(self, y: np.ndarray) -> np.ndarray:
        return (y.reshape(-1, 1) if y.ndim == 1 else y).astype(np.float64)

    def fit(self, X: Any, y: Any) -> MLPRegressor:
        """Train on ``X`` and targets ``y`` (from scratch unless ``warm_start``). Returns self."""
        return self._fit(X, y, incremental=False)

    def _no_full_batch(self) -> bool:
        if self.solver in _FULL_BATCH:
            raise AttributeError(f"partial_fit is only available for stochastic solvers, not "
                                 f"{self.solver!r}")  # fmt: skip
        return True

    @available_if(_no_full_batch)
    def partial_fit(self, X: Any, y: Any) -> MLPRegressor:
        """One epoch over ``X, y`` (continuing from the current weights)."""
        return self._fit(X, y, incremental=True)

    def predict(self, X: Any) -> np.ndarray:
        """Predicted targets, ``(n_samples,)`` or ``(n_samples, n_targets)``."""
        out = self._forward(X)
        if self.out_activation_ == "exp":
            out = np.exp(out)
        return out.ravel() if out.shape[1] == 1 else out

    def _validation_score(self, X: np.ndarray, y: np.ndarray) -> float:
        from sklearn.metrics import r2_score

        return float(r2_score(y, self.predict(X)))

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags


__all__ = ["MLPClassifier", "MLPRegressor"]
