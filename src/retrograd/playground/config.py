"""A playground run's whole configuration: validated, capped, and round-tripped through a URL.

Everything that determines a run lives in :class:`Config`, so the page can put
it in the address bar (``?dataset=spirals&hidden=8,8&lr=0.03&seed=7``) and the
same link reproduces the same run: same points, same initial weights, same
batch order.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from retrograd.playground.datasets import DATASETS, DataError

#: caps that keep one session small (a request above them gets a clear error)
MAX_HIDDEN_LAYERS = 6
MAX_NEURONS = 16
MAX_SAMPLES = 2000
MAX_BATCH = 500

ACTIVATIONS = ("tanh", "relu", "sigmoid", "leaky_relu", "elu", "identity")
CLASSIFICATION_LOSSES = ("bce", "mse")
REGRESSION_LOSSES = ("mse", "huber")
REGULARIZATIONS = ("none", "l1", "l2")
OPTIMIZERS = ("sgd", "momentum", "adam", "rmsprop", "adagrad")
#: input features the first layer can see (TensorFlow Playground's set)
FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
PRESETS = ("", "textbook")


class ConfigError(ValueError):
    """An invalid or over-sized setting; the message names the field."""


@dataclass
class Config:
    """Settings of one run (all JSON- and URL-safe).

    Examples
    --------
    >>> c = Config.from_query({"hidden": "4,2", "lr": "0.1"})
    >>> c.hidden, c.lr
    ([4, 2], 0.1)
    >>> Config.from_query(c.to_query()) == c
    True
    """

    dataset: str = "circles"
    noise: float = 0.1
    n_samples: int = 400
    test_ratio: float = 0.5
    data_seed: int = 0
    features: list[str] = field(default_factory=lambda: ["x1", "x2"])
    hidden: list[int] = field(default_factory=lambda: [4, 2])
    activation: str = "tanh"
    loss: str = "bce"
    lr: float = 0.3
    batch_size: int = 10
    regularization: str = "none"
    reg_rate: float = 0.0
    optimizer: str = "sgd"
    seed: int = 1
    preset: str = ""

    # -- validation ---------------------------------------------------------------
    def validate(self) -> Config:
        """Check every field; raise :class:`ConfigError` naming the first bad one."""
        _choice("dataset", self.dataset, DATASETS)
        _choice("activation", self.activation, ACTIVATIONS)
        _choice("regularization", self.regularization, REGULARIZATIONS)
        _choice("optimizer", self.optimizer, OPTIMIZERS)
        _choice("preset", self.preset, PRESETS)
        _choice("loss", self.loss, CLASSIFICATION_LOSSES + REGRESSION_LOSSES)
        _range("noise", self.noise, 0.0, 1.0)
        _range("test_ratio", self.test_ratio, 0.1, 0.9)
        _range("lr", self.lr, 0.0, 10.0)
        _range("reg_rate", self.reg_rate, 0.0, 1.0)
        _range("n_samples", self.n_samples, 10, MAX_SAMPLES)
        _range("batch_size", self.batch_size, 1, MAX_BATCH)
        _range("seed", self.seed, 0, 2**31 - 1)
        _range("data_seed", self.data_seed, 0, 2**31 - 1)
        if len(self.hidden) > MAX_HIDDEN_LAYERS:
            raise ConfigError(
                f"hidden: {len(self.hidden)} hidden layers requested; the playground allows at "
                f"most {MAX_HIDDEN_LAYERS}"
            )
        for i, n in enumerate(self.hidden):
            if not 1 <= n <= MAX_NEURONS:
                raise ConfigError(
                    f"hidden: layer {i + 1} has {n} neurons; each layer needs 1 to "
                    f"{MAX_NEURONS} neurons"
                )
        if not self.features:
            raise ConfigError("features: choose at least one input feature")
        for f in self.features:
            _choice("features", f, FEATURES)
        if len(set(self.features)) != len(self.features):
            raise ConfigError("features: a feature is listed twice")
        return self

    @property
    def task(self) -> str:
        """ "classification", "regression" or "textbook" (the CSV task is known only from data)."""
        if self.preset == "textbook":
            return "textbook"
        return "regression" if self.loss in REGRESSION_LOSSES else "classification"

    # -- dict / URL round trip ----------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_query(self) -> dict[str, str]:
        """Query-string form: lists joined by commas, numbers as text."""
        out: dict[str, str] = {}
        for k, v in asdict(self).items():
            out[k] = ",".join(str(x) for x in v) if isinstance(v, list) else str(v)
        return out

    @classmethod
    def from_query(cls, query: dict[str, Any], base: Config | None = None) -> Config:
        """Build a config from a dict of strings or JSON values; unknown keys are an error.

        Fields missing from ``query`` keep their value in ``base`` (or the default).
        """
        cfg = cls(**asdict(base)) if base is not None else cls()
        types = {f.name: f.type for f in fields(cls)}
        for key, raw in query.items():
            if key not in types:
                raise ConfigError(f"unknown setting {key!r}")
            try:
                setattr(cfg, key, _convert(types[key], raw))
            except (TypeError, ValueError) as exc:
                raise ConfigError(f"{key}: cannot read {raw!r} ({exc})") from exc
        return cfg.validate()


def _convert(kind: str, raw: Any) -> Any:
    if kind == "list[int]":
        items = raw.split(",") if isinstance(raw, str) else list(raw)
        return [int(x) for x in items if str(x).strip() != ""]
    if kind == "list[str]":
        items = raw.split(",") if isinstance(raw, str) else list(raw)
        return [str(x).strip() for x in items if str(x).strip()]
    if kind == "int":
        if isinstance(raw, bool):
            raise ValueError("expected an integer")
        value = float(raw)
        if value != int(value):
            raise ValueError("expected an integer")
        return int(value)
    if kind == "float":
        value = float(raw)
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("expected a finite number")
        return value
    return str(raw)


def _choice(name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        shown = ", ".join(a or '""' for a in allowed)
        raise ConfigError(f"{name}: {value!r} is not one of {shown}")


def _range(name: str, value: float, lo: float, hi: float) -> None:
    if not lo <= value <= hi:
        raise ConfigError(f"{name}: {value} is outside [{lo}, {hi}]")


__all__ = ["Config", "ConfigError", "DataError"]
