"""One playground run: data, network, optimizer, and the backprop step in four phases.

:class:`Run` holds no web code, so it can be tested (and used) on its own::

    run = Run(Config(dataset="xor", hidden=[4]))
    run.step()                 # one batch: forward, error, backward, update
    run.advance_phase()        # or one phase at a time (step-through)

A training step is the classic backpropagation cycle, and step-through stops
after each part of it so the page can show what the engine just computed:

1. **forward** -- run the batch through the network, keeping every layer's
   pre-activation ``z`` and activation ``a`` (``retain_grad()`` on each);
2. **error** -- compute the loss (plus the L1/L2 penalty) from the outputs;
3. **backward** -- ``loss.backward()``: dL/dz and dL/da on every neuron, dL/dw on
   every weight;
4. **update** -- ``optimizer.step()``: every weight moves against its gradient.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import retrograd as rg
from retrograd import optim
from retrograd.nn import functional as F
from retrograd.playground.config import Config, ConfigError
from retrograd.playground.datasets import Data, make_dataset, split
from retrograd.playground.network import DTYPE, PlaygroundNet, activation_derivative, feature_map

PHASES = ("forward", "error", "backward", "update")
#: the heatmaps cover [-DOMAIN, DOMAIN]^2 (the data fill [-1, 1]^2)
DOMAIN = 1.2
OUTPUT_GRID = 48
NEURON_GRID = 20
MAX_HISTORY = 300
#: the hover view reads the explain mode's structure only, so it may exceed explain's
#: 200-weight limit for a narration; weights x samples is capped so a hover stays quick
EXPLAIN_MAX_WEIGHTS = 400
EXPLAIN_MAX_WORK = 12_800

#: the textbook example's starting weights and biases; as in the published derivation (and
#: the explain mode's default) the biases b1 = 0.35 and b2 = 0.60 stay fixed: only w1..w8 train
TEXTBOOK_WEIGHTS = (
    (np.array([[0.15, 0.20], [0.25, 0.30]]), np.array([0.35, 0.35])),
    (np.array([[0.40, 0.45], [0.50, 0.55]]), np.array([0.60, 0.60])),
)
#: the textbook example's one sample, in float64. ``retrograd.data.load_textbook`` gives the
#: same values in the default dtype (float32: 0.05 -> 0.0500000007), which would move the
#: ninth digit of the published figures (E_total 0.2983711110 instead of 0.298371109)
TEXTBOOK_DATA = (np.array([[0.05, 0.10]]), np.array([[0.01, 0.99]]))


@dataclass
class PendingStep:
    """A step-through in progress: the batch and what each finished phase produced."""

    phase: int  # index in PHASES of the last phase shown
    idx: np.ndarray
    x: np.ndarray
    y: np.ndarray
    trace: Any = None
    loss: Any = None
    data_loss: float = 0.0
    old_params: list[np.ndarray] = field(default_factory=list)
    explanation: Any = None  # retrograd.explainer's narration of this step (built on hover)
    explain_note: str | None = None


def _encode(values: np.ndarray) -> str:
    """Values in [-1, 1] as base64 bytes 0..255 (compact heatmaps for the page)."""
    v = np.nan_to_num(np.clip(values, -1.0, 1.0), nan=0.0)
    return base64.b64encode(np.round((v + 1.0) * 127.5).astype(np.uint8).tobytes()).decode()


def _grid(n: int) -> np.ndarray:
    """``n*n`` points covering the square, row by row from the top (x2 = +DOMAIN) down."""
    xs = np.linspace(-DOMAIN, DOMAIN, n)
    g1, g2 = np.meshgrid(xs, xs[::-1])
    return np.stack([g1.ravel(), g2.ravel()], axis=1)


def build_optimizer(name: str, params: list[Any], lr: float) -> optim.Optimizer:
    """The optimizer called ``name`` from :mod:`retrograd.optim`."""
    if name == "sgd":
        return optim.SGD(params, lr=lr)
    if name == "momentum":
        return optim.SGD(params, lr=lr, momentum=0.9)
    cls = {"adam": "Adam", "rmsprop": "RMSprop", "adagrad": "Adagrad"}[name]
    if not hasattr(optim, cls):
        raise ConfigError(f"optimizer: {name!r} is not available in this retrograd build")
    return getattr(optim, cls)(params, lr=lr)


def available_optimizers() -> list[str]:
    names = {"adam": "Adam", "rmsprop": "RMSprop", "adagrad": "Adagrad"}
    return ["sgd", "momentum"] + [k for k, v in names.items() if hasattr(optim, v)]


class Run:
    """Data + network + optimizer of one session, and the training step.

    Parameters
    ----------
    config : Config
        The settings (validated).
    csv_data : tuple, optional
        ``(X, y, task)`` of an uploaded CSV file, used when ``config.dataset == "csv"``.
    """

    def __init__(self, config: Config, csv_data: tuple[np.ndarray, np.ndarray, str] | None = None):
        self.config = config
        self.csv_data = csv_data
        self.data = self._make_data()
        self.task = self.data.task if config.preset != "textbook" else "textbook"
        if self.task == "classification" and config.loss not in ("bce", "mse"):
            raise ConfigError(f"loss: {config.loss!r} is a regression loss; use bce or mse")
        if self.task == "regression" and config.loss not in ("mse", "huber"):
            raise ConfigError(f"loss: {config.loss!r} is a classification loss; use mse or huber")
        self.data_version = 0
        self.reset_weights(config.seed)

    # -- building -------------------------------------------------------------------
    def _make_data(self) -> Data:
        c = self.config
        if c.preset == "textbook":
            x, y = (a.astype(DTYPE) for a in TEXTBOOK_DATA)
            return Data(x, y, x[:0], y[:0], "regression")
        if c.dataset == "csv":
            if self.csv_data is None:
                raise ConfigError("dataset: 'csv' needs an uploaded CSV file (upload one first)")
            x, y, task = self.csv_data
            return split(x, y, c.test_ratio, c.data_seed, task)
        return make_dataset(c.dataset, c.n_samples, c.noise, c.test_ratio, c.data_seed)

    def reset_weights(self, seed: int) -> None:
        """Fresh weights from ``seed`` (the same seed gives the same network and batch order)."""
        c = self.config
        self.config.seed = seed
        if self.task == "textbook":
            features, n_out, out_act = ["x1", "x2"], 2, "sigmoid"
            self.features = features
            self.net = PlaygroundNet(2, [2], n_out, "sigmoid", out_act, seed)
            for layer, (w, b) in zip(self.net.layers, TEXTBOOK_WEIGHTS):
                layer.weight.data = w.astype(DTYPE)
                layer.bias.data = b.astype(DTYPE)
                layer.bias.requires_grad = False  # the textbook keeps b1, b2 fixed
        else:
            self.features = list(c.features)
            out_act = "sigmoid" if self.task == "classification" else "identity"
            self.net = PlaygroundNet(len(self.features), c.hidden, 1, c.activation, out_act, seed)
        lr = 0.5 if self.task == "textbook" else c.lr
        opt_name = "sgd" if self.task == "textbook" else c.optimizer
        trainable = [q for q in self.net.parameters() if q.requires_grad]
        self.optimizer = build_optimizer(opt_name, trainable, lr)
        self.batch_rng = np.random.default_rng(seed)
        self.order = np.zeros(0, dtype=np.int64)
        self.cursor = 0
        self.steps = 0
        self.pending: PendingStep | None = None
        self.inspect: PendingStep | None = None  # the last step with its trace (hover)
        self.last_phase: dict[str, Any] | None = None
        self.derivation: list[dict[str, str]] = []
        self.derivation_shown = 0
        self.history: dict[str, list[float]] = {
            "step": [], "train_loss": [], "test_loss": [], "train_acc": [], "test_acc": []
        }  # fmt: skip
        self._record_every = 1
        self.record_metrics(force=True)

    def set_learning_rate(self, lr: float) -> None:
        """Change the learning rate in place (training continues with the same weights)."""
        self.config.lr = lr
        for group in self.optimizer.param_groups:
            group["lr"] = lr

    # -- batches and losses -------------------------------------------------------------
    @property
    def batch_size(self) -> int:
        return 1 if self.task == "textbook" else min(self.config.batch_size, len(self.data.x_train))

    def next_batch(self) -> np.ndarray:
        """Indices of the next mini-batch (reshuffled each epoch with the run's seed)."""
        n = len(self.data.x_train)
        if self.cursor >= len(self.order):
            self.order = self.batch_rng.permutation(n)
            self.cursor = 0
        idx = self.order[self.cursor : self.cursor + self.batch_size]
        self.cursor += self.batch_size
        return idx

    @property
    def epochs(self) -> int:
        """Complete passes over the training set (finished steps / batches per epoch)."""
        n = len(self.data.x_train)
        return self.steps // -(-n // self.batch_size)

    def inputs(self, x: np.ndarray) -> rg.Tensor:
        return rg.tensor(feature_map(x, self.features), dtype=DTYPE)

    def data_loss(self, trace: Any, y: np.ndarray) -> rg.Tensor:
        """The error of the outputs, as the configured loss."""
        if self.task == "textbook":
            return F.half_sse_loss(trace.output, y)
        target = y.astype(DTYPE)
        if self.task == "classification":
            if self.config.loss == "bce":  # fused sigmoid + BCE on the logit
                return F.binary_cross_entropy_with_logits(trace.logits[:, 0], target)
            return F.mse_loss(trace.output[:, 0], target)
        if self.config.loss == "huber":
            return F.huber_loss(trace.output[:, 0], target)
        return F.mse_loss(trace.output[:, 0], target)

    def penalty(self, weights: list[rg.Tensor] | None = None) -> rg.Tensor | None:
        """L1: rate * sum |w|; L2: rate/2 * sum w^2 (weights only, not biases).

        ``weights`` defaults to the network's weight tensors (one per layer).
        """
        c = self.config
        if self.task == "textbook" or c.regularization == "none" or c.reg_rate == 0:
            return None
        total = None
        for w in weights if weights is not None else [lay.weight for lay in self.net.layers]:
            term = w.abs().sum() if c.regularization == "l1" else (w * w).sum() * 0.5
            total = term if total is None else total + term
        return total * c.reg_rate

    # -- a whole step ------------------------------------------------------------------
    def step(self) -> float:
        """One mini-batch of backprop (finishing a step-through in progress first).

        Uses :func:`retrograd.train.train_step` -- the same step ``fit`` runs, with
        its NaN/Inf protection (it stops before an update would ruin the weights).
        Returns the batch's data loss.
        """
        from retrograd.train import train_step

        if self.pending is not None:
            while self.pending is not None:
                self.advance_phase()
            return float(self.inspect.data_loss) if self.inspect else float("nan")
        self.derivation, self.derivation_shown = [], 0
        idx = self.next_batch()
        p = PendingStep(3, idx, self.data.x_train[idx], self.data.y_train[idx])
        p.old_params = [q.data.copy() for q in self.net.parameters()]
        traced = _Traced(self.net)

        def loss_fn(output: rg.Tensor, target: rg.Tensor) -> rg.Tensor:
            data_loss = self.data_loss(traced.trace, p.y)
            p.data_loss = float(data_loss.data)
            pen = self.penalty()
            p.loss = data_loss if pen is None else data_loss + pen
            return p.loss

        train_step(traced, loss_fn, self.optimizer, self.inputs(p.x), p.y,
                   step=self.steps + 1, where=f"playground step {self.steps + 1}")  # fmt: skip
        p.trace = traced.trace
        self.steps += 1
        self.inspect = p
        self.last_phase = None
        self.record_metrics()
        return p.data_loss

    def _check_finite(self, loss: rg.Tensor) -> None:
        if not np.isfinite(loss.data).all():
            raise FloatingPointError(
                f"the loss became {float(loss.data)} at step {self.steps + 1}: lower the "
                "learning rate and reset"
            )

    # -- step-through ------------------------------------------------------------------
    def advance_phase(self) -> dict[str, Any]:
        """Run the next phase of the current step (starting a new step if none is open).

        Returns the phase's view: the phase name and the values the engine produced.
        """
        if self.pending is None:
            idx = self.next_batch()
            self.pending = PendingStep(-1, idx, self.data.x_train[idx], self.data.y_train[idx])
        p = self.pending
        p.phase += 1
        phase = PHASES[p.phase]
        view: dict[str, Any] = {"phase": phase, "batch": p.idx.tolist(), "sample": 0}
        if phase == "forward":
            self.optimizer.zero_grad()
            p.trace = self.net.trace(self.inputs(p.x))
            p.old_params = [q.data.copy() for q in self.net.parameters()]
            self.inspect = None
            self.derivation, self.derivation_shown = [], 0
        elif phase == "error":
            data_loss = self.data_loss(p.trace, p.y)
            pen = self.penalty()
            p.data_loss = float(data_loss.data)
            p.loss = data_loss if pen is None else data_loss + pen
            self._check_finite(p.loss)
        elif phase == "backward":
            p.loss.backward()
            self.inspect = p
        else:
            self.optimizer.step()
            self.steps += 1
            self.record_metrics()
            self.pending = None
        view.update(self._phase_values(p, phase))
        self.last_phase = view
        return view

    def next_term(self) -> dict[str, Any]:
        """Textbook preset: reveal the next term of the derivation of the current step.

        The first click runs the forward, error and backward phases in the
        engine (the terms quote their values); revealing the first update term
        applies the update. After the last term the next click starts a new step.
        """
        if self.task != "textbook":
            raise ConfigError("the derivation is shown for the textbook preset only")
        if self.derivation_shown >= len(self.derivation):
            while self.pending is None or self.pending.phase < 2:
                self.advance_phase()
            self.derivation = derivation_terms(self, self.pending)
            self.derivation_shown = 0
        term = self.derivation[self.derivation_shown]
        self.derivation_shown += 1
        if term["kind"] == "update" and self.pending is not None:
            self.advance_phase()
        return term

    def _phase_values(self, p: PendingStep, phase: str) -> dict[str, Any]:
        """What the page shows after ``phase``: sample 0's neuron values, batch gradients."""
        t = p.trace
        out: dict[str, Any] = {
            "x": feature_map(p.x[:1], self.features)[0].tolist(),
            "target": np.atleast_1d(p.y[0]).astype(float).tolist(),
            "z": [z.data[0].tolist() for z in t.zs],
            "a": [a.data[0].tolist() for a in t.acts],
        }
        if p.phase >= 1:
            out["loss"] = float(p.loss.data)
            out["data_loss"] = p.data_loss
        if p.phase >= 2:
            out["dz"] = [_row(z.grad) for z in t.zs]
            out["da"] = [_row(a.grad) for a in t.acts]
            params = list(self.net.parameters())
            out["grad_w"] = [params[2 * i].grad.tolist() for i in range(len(self.net.layers))]
            out["grad_b"] = [  # None for a fixed bias (the textbook preset)
                None if params[2 * i + 1].grad is None else params[2 * i + 1].grad.tolist()
                for i in range(len(self.net.layers))
            ]
        if phase == "update":
            new = [q.data for q in self.net.parameters()]
            out["delta_w"] = [
                (new[2 * i] - p.old_params[2 * i]).tolist() for i in range(len(self.net.layers))
            ]
            out["delta_b"] = [
                (new[2 * i + 1] - p.old_params[2 * i + 1]).tolist()
                for i in range(len(self.net.layers))
            ]
        return out

    def chain_factors(self, layer: int, j: int, i: int) -> dict[str, Any]:
        """Value, gradient and chain-rule factors of weight ``layers[layer].weight[j, i]``.

        The factors describe sample 0 of the last step's batch. Where the
        explain mode covers the network -- every configuration except the Huber
        loss and the GELU/softplus activations, i.e. the default one (sigmoid
        output with binary cross-entropy) included -- they come from
        :func:`retrograd.explainer.explain` run on the step's weights and batch,
        and ``batch_grad`` is the explain mode's batch gradient. An L1/L2 term is
        added to it as ``penalty``: dL/dw = data term + rate * sign(w) (L1) or
        rate * w (L2), that derivative taken by the engine from the penalty
        itself. Otherwise the factors come from the engine's retained gradients of
        the step: dL/dw_ji = dL/da_j * f'(z_j) * a_i, with a ``note`` saying why.
        The engine's dL/dw combines the per-sample products over the batch.
        """
        if not 0 <= layer < len(self.net.layers):
            raise ConfigError(
                f"layer {layer} does not exist (the network has {len(self.net.layers)})"
            )
        w = self.net.layers[layer].weight
        if not (0 <= j < w.shape[0] and 0 <= i < w.shape[1]):
            raise ConfigError(f"weight [{j}, {i}] is outside layer {layer}'s shape {w.shape}")
        info: dict[str, Any] = {
            "weight": f"w{_sub(layer, j)}←{_sub(layer - 1, i)}",
            "value": float(w.data[j, i]),
            "grad": None if w.grad is None else float(w.grad[j, i]),
            "factors": None,
        }
        p = self.inspect
        if p is None or p.trace is None or p.trace.zs[layer].grad is None:
            return info
        info.update(value_before=float(p.old_params[2 * layer][j, i]), batch_size=len(p.idx))
        ex = self._explanation(p)
        if ex is not None:
            from retrograd.explainer.naming import weight_names

            name = weight_names(self.net.sizes)[layer][j][i]
            chain = ex.chain(name, sample=0)
            info.update(
                weight=f"{name} ({chain.source} → {chain.target})",
                factors=[
                    {"name": f.symbol, "value": f.value, "source": f.source} for f in chain.factors
                ],
                product=chain.product,
                batch_grad=ex.gradients[name].value,
                source="retrograd.explainer",
            )
            penalty = self._penalty_term(p, layer, j, i)
            if penalty is not None:  # dL/dw = the explained data term + the penalty's
                info.update(penalty=penalty, data_grad=info["batch_grad"])
                info["batch_grad"] = info["data_grad"] + penalty["value"]
            grad = info["grad"]
            if grad is not None and not np.isclose(info["batch_grad"], grad, rtol=1e-6, atol=1e-12):
                info["note"] = (
                    "the explain mode's batch gradient differs from the step's: the step "
                    "computes BCE on the logit (exact where the sigmoid saturates), the explain "
                    "mode on the probability"
                    if self.config.loss == "bce"
                    else "the explain mode's batch gradient differs from the step's"
                )
            return info
        t = p.trace
        last = len(self.net.layers) - 1
        a_prev = t.inputs.data[0, i] if layer == 0 else t.acts[layer - 1].data[0, i]
        factors: list[dict[str, Any]] = []
        if layer == last and self.task == "classification" and self.config.loss == "bce":
            factors.append(
                {"name": f"∂L/∂z{_sub(layer, j)}", "value": float(t.zs[layer].grad[0, j])}
            )
        else:
            act = self.net.out_activation_name if layer == last else self.net.activation_name
            fprime = float(activation_derivative(act, t.zs[layer].data[0:1, j : j + 1])[0, 0])
            factors.append(
                {"name": f"∂L/∂a{_sub(layer, j)}", "value": float(t.acts[layer].grad[0, j])}
            )
            factors.append({"name": f"∂a{_sub(layer, j)}/∂z{_sub(layer, j)}", "value": fprime})
        factors.append(
            {"name": f"∂z{_sub(layer, j)}/∂w = a{_sub(layer - 1, i)}", "value": float(a_prev)}
        )
        info.update(
            factors=factors,
            product=float(np.prod([f["value"] for f in factors])),
            source="engine (retained gradients of this step)",
            note=p.explain_note,
        )
        return info

    def _penalty_term(self, p: PendingStep, layer: int, j: int, i: int) -> dict[str, Any] | None:
        """d(L1/L2 penalty)/dw of one weight at the step's weights, by the engine (or None)."""
        weights = [
            rg.tensor(p.old_params[2 * k], requires_grad=True, dtype=DTYPE)
            for k in range(len(self.net.layers))
        ]
        pen = self.penalty(weights)
        if pen is None:
            return None
        pen.backward()
        l1 = self.config.regularization == "l1"
        return {
            "name": "∂(λ·Σ|w|)/∂w = λ·sign(w)" if l1 else "∂(λ/2·Σw²)/∂w = λ·w",
            "value": float(weights[layer].grad[j, i]),
            "source": "engine (backward of the penalty)",
        }

    def _explanation(self, p: PendingStep) -> Any:
        """The explain mode's narration of step ``p``'s data loss (None where it does not apply).

        An L1/L2 penalty is not part of it: :meth:`_penalty_term` adds its derivative.
        """
        if p.explanation is not None or p.explain_note is not None:
            return p.explanation
        from retrograd import nn
        from retrograd.explainer.fields import ACTIVATIONS as NARRATED
        from retrograd.explainer.fields import MAX_SAMPLES

        c = self.config
        hidden = self.net.activation_name
        loss = {"textbook": "half_sse", "bce": "binary_cross_entropy", "mse": "mse"}.get(
            "textbook" if self.task == "textbook" else c.loss
        )
        if hidden not in NARRATED or loss is None:
            p.explain_note = (
                f"the explain mode does not narrate {hidden} with the {c.loss} loss"
                if loss is None
                else f"the explain mode does not narrate the {hidden} activation"
            )
            return None
        n_weights = sum(lin.weight.data.size for lin in self.net.layers)
        if len(p.idx) > MAX_SAMPLES:
            p.explain_note = f"the explain mode narrates batches of at most {MAX_SAMPLES} samples"
            return None
        if n_weights > EXPLAIN_MAX_WEIGHTS or n_weights * len(p.idx) > EXPLAIN_MAX_WORK:
            p.explain_note = (
                f"{n_weights} weights x {len(p.idx)} samples is too much to narrate on hover "
                f"(at most {EXPLAIN_MAX_WEIGHTS} weights and {EXPLAIN_MAX_WORK} in all)"
            )
            return None
        try:
            from retrograd.explainer import spec_from_module, trace

            layers: list[Any] = []
            last = len(self.net.layers) - 1
            for k, lin in enumerate(self.net.layers):
                copy = nn.Linear(
                    lin.in_features, lin.out_features, rng=np.random.default_rng(0), dtype=DTYPE
                )
                copy.weight.data = p.old_params[2 * k].copy()
                copy.bias.data = p.old_params[2 * k + 1].copy()
                act = self.net.out_activation_name if k == last else hidden
                layers += [copy, nn.ACTIVATIONS[act]()]
            targets = np.asarray(p.y, dtype=DTYPE).reshape(len(p.y), -1)
            lr = self.optimizer.param_groups[0]["lr"]
            spec = spec_from_module(
                nn.Sequential(*layers),
                inputs=feature_map(p.x, self.features),
                targets=targets,
                loss=loss,
                lr=lr,
                update_biases=self.task != "textbook",  # the textbook keeps b1, b2 fixed
                max_weights=EXPLAIN_MAX_WEIGHTS,
            )
            p.explanation = trace(spec)
        except Exception as exc:  # noqa: BLE001 - fall back to the step's own factors
            p.explain_note = f"explain mode unavailable here: {type(exc).__name__}: {exc}"
        return p.explanation

    # -- metrics -------------------------------------------------------------------------
    def evaluate(self, x: np.ndarray, y: np.ndarray) -> tuple[float, float | None]:
        """(loss, accuracy) on a whole set (accuracy only for classification)."""
        if len(x) == 0:
            return float("nan"), None
        with rg.no_grad():
            trace = self.net.trace(self.inputs(x), keep_grads=False)
            loss = float(self.data_loss(trace, y).data)
        if self.task != "classification":
            return loss, None
        pred = (trace.output.data[:, 0] >= 0.5).astype(np.int64)
        return loss, float((pred == y).mean())

    def record_metrics(self, force: bool = False) -> None:
        """Append train/test loss and accuracy to the history (thinned to MAX_HISTORY points)."""
        if not force and self.steps % self._record_every:
            return
        train_loss, train_acc = self.evaluate(self.data.x_train, self.data.y_train)
        test_loss, test_acc = self.evaluate(self.data.x_test, self.data.y_test)
        h = self.history
        h["step"].append(self.steps)
        h["train_loss"].append(train_loss)
        h["test_loss"].append(test_loss)
        h["train_acc"].append(train_acc if train_acc is not None else float("nan"))
        h["test_acc"].append(test_acc if test_acc is not None else float("nan"))
        if len(h["step"]) > MAX_HISTORY:
            for k in h:
                h[k] = h[k][::2]
            self._record_every *= 2

    # -- pictures -------------------------------------------------------------------------
    def heatmaps(self) -> dict[str, Any]:
        """The output over the square, and each neuron's activation as a thumbnail.

        Values are mapped into [-1, 1] (class probability p -> 2p - 1; hidden
        activations divided by their largest magnitude) and base64-encoded.
        """
        with rg.no_grad():
            big = self.net.trace(self.inputs(_grid(OUTPUT_GRID)), keep_grads=False)
            small_x = _grid(NEURON_GRID)
            small = self.net.trace(self.inputs(small_x), keep_grads=False)
        out = big.output.data[:, 0]
        out = 2 * out - 1 if self.task != "regression" else out
        neurons = []
        feats = feature_map(small_x, self.features)
        layers = [feats] + [a.data for a in small.acts]
        for values in layers:
            scale = np.abs(values).max(axis=0)
            scale[scale == 0] = 1.0
            if values is not feats and values is small.acts[-1].data and self.task != "regression":
                norm = 2 * values - 1
            else:
                norm = values / scale
            neurons.append([_encode(norm[:, k]) for k in range(values.shape[1])])
        return {
            "domain": DOMAIN,
            "output_grid": OUTPUT_GRID,
            "neuron_grid": NEURON_GRID,
            "output": _encode(out),
            "neurons": neurons,
        }

    def points(self) -> dict[str, Any]:
        d = self.data
        return {
            "train": np.column_stack([d.x_train[:, :2], _target_col(d.y_train)]).tolist(),
            "test": np.column_stack([d.x_test[:, :2], _target_col(d.y_test)]).tolist(),
        }

    def weights(self) -> dict[str, Any]:
        return {
            "w": [layer.weight.data.tolist() for layer in self.net.layers],
            "b": [layer.bias.data.tolist() for layer in self.net.layers],
        }


class _Traced:
    """The network as ``train_step`` sees it, keeping the last forward trace for display."""

    def __init__(self, net: PlaygroundNet) -> None:
        self.net = net
        self.trace: Any = None

    def parameters(self) -> Any:
        return self.net.parameters()

    def named_parameters(self) -> Any:
        return self.net.named_parameters()

    def __call__(self, x: rg.Tensor) -> rg.Tensor:
        self.trace = self.net.trace(x)
        return self.trace.output


def _target_col(y: np.ndarray) -> np.ndarray:
    return y[:, 0] if y.ndim == 2 else y


def _row(grad: np.ndarray | None) -> list[float] | None:
    return None if grad is None else grad[0].tolist()


def _sub(layer: int, j: int) -> str:
    """Neuron name: layer 0's inputs are ``x``; ``[l,j]`` is unit j of layer l (1-based)."""
    return f"[{layer + 1},{j + 1}]" if layer >= 0 else f"[0,{j + 1}]"


#: significant digits of the textbook derivation's numbers (as the explain mode's default)
DERIVATION_DIGITS = 9


def _fmt(v: float, first: bool = True) -> str:
    """``v`` to DERIVATION_DIGITS significant digits; a negative factor that does not
    come first is put in parentheses."""
    from retrograd.explainer.formatting import fmt_factor

    return fmt_factor(float(v), DERIVATION_DIGITS, first=first)


def derivation_terms(run: Run, p: PendingStep) -> list[dict[str, str]]:
    """The textbook derivation of one step, one term per click (from the engine's values).

    Uses the classic names: inputs i1, i2; hidden h1, h2; outputs o1, o2;
    weights w1..w8 numbered row by row, layer by layer (w1: i1->h1, w2: i2->h1,
    w5: h1->o1, ...). Each term carries the formula, the numbers put in, and
    the result; the gradient terms also quote the engine's ``.grad``.
    """
    t = p.trace
    lr = run.optimizer.param_groups[0]["lr"]
    names = [["i1", "i2"], ["h1", "h2"], ["o1", "o2"]]
    wnum: dict[tuple[int, int, int], str] = {}
    for layer_i, layer in enumerate(run.net.layers):
        for j in range(layer.out_features):
            for i in range(layer.in_features):
                wnum[(layer_i, j, i)] = f"w{len(wnum) + 1}"
    terms: list[dict[str, str]] = []

    def add(kind: str, *text: str) -> None:
        terms.append({"kind": kind, "text": "".join(text)})

    def slope(layer_i: int, j: int) -> float:  # d out / d net from the Sigmoid op's backward
        return float(activation_derivative("sigmoid", t.zs[layer_i].data[0:1, j : j + 1])[0, 0])

    x = t.inputs.data[0]
    prev = x
    for layer_i, layer in enumerate(run.net.layers):
        W, b = p.old_params[2 * layer_i], p.old_params[2 * layer_i + 1]
        src = names[layer_i]
        for j in range(layer.out_features):
            n = names[layer_i + 1][j]
            parts = " + ".join(
                f"{wnum[(layer_i, j, i)]}·{src[i]}" for i in range(layer.in_features)
            )
            nums = " + ".join(
                f"{_fmt(W[j, i])}·{_fmt(prev[i], False)}" for i in range(layer.in_features)
            )
            z, a = t.zs[layer_i].data[0, j], t.acts[layer_i].data[0, j]
            bias = f"b{layer_i + 1}"  # the textbook's shared bias of the layer (kept fixed)
            add("forward", f"net_{n} = {parts} + {bias} = {nums} + {_fmt(b[j], False)} = ",
                _fmt(z))  # fmt: skip
            add("forward", f"out_{n} = σ(net_{n}) = 1/(1+e^(−{_fmt(z, False)})) = {_fmt(a)}")
        prev = t.acts[layer_i].data[0]
    out, y = t.output.data[0], p.y[0]
    errs = 0.5 * (y - out) ** 2
    for j in range(2):
        o = f"o{j + 1}"
        add("error", f"E_{o} = ½(target_{o} − out_{o})² = ½({_fmt(y[j])} − {_fmt(out[j])})² = ",
            _fmt(errs[j]))  # fmt: skip
    add("error", f"E_total = E_o1 + E_o2 = {_fmt(errs[0])} + {_fmt(errs[1])} = ",
        _fmt(errs.sum()))  # fmt: skip
    # output layer: dE/dout (engine) times dout/dnet (the Sigmoid op), then each weight
    h = t.acts[0].data[0]
    for j in range(2):
        o = f"o{j + 1}"
        dE_dout, dout_dnet = float(t.acts[1].grad[0, j]), slope(1, j)
        add("backward", f"∂E/∂out_{o} = out_{o} − target_{o} = {_fmt(dE_dout)}")
        add("backward", f"∂out_{o}/∂net_{o} = out_{o}(1 − out_{o}) = {_fmt(dout_dnet)}")
        for i in range(2):
            w = wnum[(1, j, i)]
            grad = float(run.net.layers[1].weight.grad[j, i])
            prod = dE_dout * dout_dnet * h[i]
            add("backward", f"∂E/∂{w} = ∂E/∂out_{o} · ∂out_{o}/∂net_{o} · ∂net_{o}/∂{w} = ",
                f"{_fmt(dE_dout)} · {_fmt(dout_dnet, False)} · {_fmt(h[i], False)} = ",
                f"{_fmt(prod)}   (engine: {_fmt(grad)})")  # fmt: skip
    # hidden layer: dE/dout_h sums the paths through both outputs
    W2 = p.old_params[2]
    dnet_o = t.zs[1].grad[0]
    for j in range(2):
        hn = f"h{j + 1}"
        dE_dh, dh_dnet = float(t.acts[0].grad[0, j]), slope(0, j)
        wa, wb = wnum[(1, 0, j)], wnum[(1, 1, j)]
        add("backward", f"∂E/∂out_{hn} = ∂E/∂net_o1·{wa} + ∂E/∂net_o2·{wb} = ",
            f"{_fmt(dnet_o[0])}·{_fmt(W2[0, j], False)} + ",
            f"{_fmt(dnet_o[1], False)}·{_fmt(W2[1, j], False)} = {_fmt(dE_dh)}")  # fmt: skip
        add("backward", f"∂out_{hn}/∂net_{hn} = out_{hn}(1 − out_{hn}) = {_fmt(dh_dnet)}")
        for i in range(2):
            w = wnum[(0, j, i)]
            grad = float(run.net.layers[0].weight.grad[j, i])
            prod = dE_dh * dh_dnet * x[i]
            add("backward", f"∂E/∂{w} = ∂E/∂out_{hn} · ∂out_{hn}/∂net_{hn} · ∂net_{hn}/∂{w} = ",
                f"{_fmt(dE_dh)} · {_fmt(dh_dnet, False)} · {_fmt(x[i], False)} = ",
                f"{_fmt(prod)}   (engine: {_fmt(grad)})")  # fmt: skip
    for (layer_i, j, i), w in wnum.items():
        old = p.old_params[2 * layer_i][j, i]
        grad = float(run.net.layers[layer_i].weight.grad[j, i])
        add("update", f"{w}⁺ = {w} − η·∂E/∂{w} = {_fmt(old)} − {lr:g}·{_fmt(grad, False)} = ",
            _fmt(old - lr * grad))  # fmt: skip
    b1, b2 = p.old_params[1][0], p.old_params[3][0]
    add("update", f"b1 = {_fmt(b1)} and b2 = {_fmt(b2)} stay fixed, as in the textbook ",
        "(only w1..w8 are trained)")  # fmt: skip
    return terms
