"""fit: batch modes, validation, metrics, hooks, stopping rules, schedules, NaN protection."""

from __future__ import annotations

import numpy as np
import pytest

from retrograd import nn, optim
from retrograd.data import DataLoader, TensorDataset, load_xor
from retrograd.train import Callback, NonFiniteLossError, evaluate, fit


class Recorder(Callback):
    def __init__(self):
        self.calls: list[tuple] = []

    def on_train_begin(self, logs=None):
        self.calls.append(("train_begin",))

    def on_train_end(self, logs=None):
        self.calls.append(("train_end",))

    def on_epoch_begin(self, epoch, logs=None):
        self.calls.append(("epoch_begin", epoch))

    def on_epoch_end(self, epoch, logs=None):
        self.calls.append(("epoch_end", epoch, dict(logs)))

    def on_batch_begin(self, batch, logs=None):
        self.calls.append(("batch_begin", batch))

    def on_batch_end(self, batch, logs=None):
        self.calls.append(("batch_end", batch, logs["size"]))


@pytest.mark.parametrize(("batch_size", "steps", "last"), [(1, 60, 1), (16, 4, 12), (None, 1, 60)])
def test_online_minibatch_fullbatch(blobs, mlp, batch_size, steps, last):
    X, y = blobs
    model = mlp()
    rec = Recorder()
    fit(
        model,
        "cross_entropy",
        optim.SGD(model.parameters(), lr=0.1),
        (X, y),
        epochs=2,
        batch_size=batch_size,
        callbacks=[rec],
        verbose=0,
    )
    ends = [c for c in rec.calls if c[0] == "batch_end"]
    assert len(ends) == 2 * steps
    assert ends[steps - 1][2] == last  # size of the last batch of the first epoch


def test_hook_order(blobs, mlp):
    X, y = blobs
    rec = Recorder()
    model = mlp()
    fit(
        model,
        "cross_entropy",
        optim.SGD(model.parameters(), lr=0.1),
        (X, y),
        epochs=2,
        batch_size=30,
        callbacks=[rec],
        verbose=0,
    )
    kinds = [c[0] if c[0] != "batch_begin" else "bb" for c in rec.calls]
    assert kinds == [
        "train_begin",
        "epoch_begin",
        "bb",
        "batch_end",
        "bb",
        "batch_end",
        "epoch_end",
        "epoch_begin",
        "bb",
        "batch_end",
        "bb",
        "batch_end",
        "epoch_end",
        "train_end",
    ]


def test_training_reduces_loss_and_logs_metrics(blobs, mlp):
    X, y = blobs
    model = mlp()
    before = evaluate(model, (X, y), loss="cross_entropy")["loss"]
    h = fit(
        model,
        nn.CrossEntropyLoss(),
        optim.SGD(model.parameters(), lr=0.1, momentum=0.9),
        (X, y),
        epochs=15,
        batch_size=8,
        validation_data=(X[:20], y[:20]),
        metrics=("accuracy", "mse"),
        verbose=0,
    )
    after = evaluate(model, (X, y), loss="cross_entropy")
    assert after["loss"] < before / 5 and after["accuracy"] == 1.0
    assert set(h.history) == {
        "loss",
        "accuracy",
        "mse",
        "val_loss",
        "val_accuracy",
        "val_mse",
        "lr",
    }
    assert len(h.history["loss"]) == 15 and h.stop_reason is None
    # the logged validation loss is the model's loss on that data after the last epoch
    assert h.history["val_loss"][-1] == pytest.approx(
        evaluate(model, (X[:20], y[:20]), loss="cross_entropy")["loss"], rel=1e-5
    )


def test_epoch_loss_is_mean_of_batch_losses(blobs, mlp):
    X, y = blobs
    rec = []

    class Losses(Callback):
        def on_batch_end(self, batch, logs=None):
            rec.append((logs["loss"], logs["size"]))

    model = mlp()
    h = fit(
        model,
        "cross_entropy",
        optim.SGD(model.parameters(), lr=0.1),
        (X, y),
        epochs=1,
        batch_size=25,
        callbacks=[Losses()],
        verbose=0,
    )
    expected = sum(l * n for l, n in rec) / sum(n for _, n in rec)
    assert h.history["loss"][0] == pytest.approx(expected)


def test_validation_split_is_seeded_and_disjoint(blobs, mlp):
    X, y = blobs
    seen = []

    class Sizes(Callback):
        def on_batch_end(self, batch, logs=None):
            seen.append(logs["size"])

    model = mlp()
    h = fit(
        model,
        "cross_entropy",
        optim.SGD(model.parameters(), lr=0.1),
        (X, y),
        epochs=1,
        batch_size=None,
        validation_split=0.25,
        callbacks=[Sizes()],
        verbose=0,
    )
    assert seen == [45] and "val_loss" in h.history
    with pytest.raises(ValueError, match="not both"):
        fit(
            model,
            "mse",
            optim.SGD(model.parameters()),
            (X, y),
            validation_split=0.2,
            validation_data=(X, y),
            verbose=0,
        )


def test_accepts_dataset_and_dataloader(blobs, mlp):
    X, y = blobs
    model = mlp()
    opt = optim.SGD(model.parameters(), lr=0.1)
    h1 = fit(model, "cross_entropy", opt, TensorDataset(X, y), epochs=1, verbose=0)
    loader = DataLoader((X, y), batch_size=7, shuffle=True, seed=1)
    h2 = fit(model, "cross_entropy", opt, loader, epochs=1, verbose=0)
    assert h1.params["steps_per_epoch"] == 2 and h2.params["steps_per_epoch"] == 9


def test_bad_inputs_give_clear_errors(blobs, mlp):
    X, y = blobs
    model = mlp()
    opt = optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match=r"same number of examples.*\(60, 2\), \(59,\)"):
        fit(model, "cross_entropy", opt, (X, y[:-1]), verbose=0)
    with pytest.raises(ValueError, match="unknown loss"):
        fit(model, "cross_entropee", opt, (X, y), verbose=0)
    with pytest.raises(ValueError, match=r"Linear\(in_features=2.*\(16, 3\)"):
        fit(model, "cross_entropy", opt, (np.ones((60, 3)), y), epochs=1, batch_size=16, verbose=0)
    with pytest.raises(TypeError, match="Optimizer instance"):
        fit(model, "cross_entropy", "adam", (X, y), verbose=0)
    with pytest.raises(ValueError, match="resume=True needs checkpoint"):
        fit(model, "cross_entropy", opt, (X, y), resume=True, verbose=0)


def test_stop_at_loss(mlp):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2)).astype(np.float32)
    y = (X @ np.array([1.0, -2.0], dtype=np.float32))[:, None]
    model = nn.Linear(2, 1, rng=rng)
    h = fit(
        model,
        "mse",
        optim.SGD(model.parameters(), lr=0.1),
        (X, y),
        epochs=500,
        batch_size=8,
        metrics=("mse",),
        stop_at_loss=1e-4,
        verbose=0,
    )
    assert len(h) < 500 and h.history["loss"][-1] <= 1e-4
    assert all(v > 1e-4 for v in h.history["loss"][:-1])
    assert h.stop_reason.startswith("training loss")


def test_stop_when_all_correct_on_xor(mlp):
    X, y = load_xor()
    model = mlp(hidden=4, seed=1)
    h = fit(
        model,
        "cross_entropy",
        optim.SGD(model.parameters(), lr=0.5, momentum=0.9),
        (X, y),
        epochs=2000,
        batch_size=None,
        shuffle=False,
        stop_when_all_correct=True,
        verbose=0,
    )
    assert len(h) < 2000 and "every training example" in h.stop_reason
    assert evaluate(model, (X, y))["accuracy"] == 1.0


def test_half_sse_online_textbook_style(mlp):
    X, y = load_xor()
    targets = np.eye(2, dtype=np.float32)[y]
    model = nn.Sequential(
        nn.Linear(2, 4, rng=np.random.default_rng(2)),
        nn.Sigmoid(),
        nn.Linear(4, 2, rng=np.random.default_rng(3)),
        nn.Sigmoid(),
    )
    h = fit(
        model,
        "half_sse",
        optim.SGD(model.parameters(), lr=2.0, momentum=0.9),
        (X, targets),
        epochs=3000,
        batch_size=1,
        stop_when_all_correct=True,
        verbose=0,
    )
    assert "every training example" in (h.stop_reason or "")


def test_scheduler_is_stepped_per_epoch(blobs, mlp):
    X, y = blobs
    model = mlp()
    opt = optim.SGD(model.parameters(), lr=0.4)
    sched = optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    h = fit(model, "cross_entropy", opt, (X, y), epochs=3, scheduler=sched, verbose=0)
    assert h.history["lr"] == pytest.approx([0.4, 0.2, 0.1])
    assert opt.param_groups[0]["lr"] == pytest.approx(0.05)


def test_reduce_on_plateau_gets_the_loss(blobs, mlp):
    X, y = blobs
    model = mlp()
    opt = optim.SGD(model.parameters(), lr=1e-7)  # next to no progress: a plateau
    sched = optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=0)
    h = fit(
        model,
        "cross_entropy",
        opt,
        (X, y),
        epochs=4,
        batch_size=None,
        shuffle=False,
        scheduler=sched,
        validation_data=(X, y),
        verbose=0,
    )
    assert h.history["lr"][-1] < h.history["lr"][0]


def test_divergence_stops_with_epoch_and_step(blobs, mlp):
    X, y = blobs
    model = nn.Sequential(
        nn.Linear(2, 8, rng=np.random.default_rng(0)),
        nn.ReLU(),
        nn.Linear(8, 1, rng=np.random.default_rng(1)),
    )
    with (
        np.errstate(all="ignore"),
        pytest.raises(NonFiniteLossError, match=r"epoch \d+/50, step \d+") as info,
    ):
        fit(
            model,
            "mse",
            optim.SGD(model.parameters(), lr=50.0),
            (X * 100, y * 1e3),
            epochs=50,
            batch_size=4,
            verbose=0,
        )
    assert info.value.step is not None and info.value.epoch is not None
    assert all(np.isfinite(p.data).all() for p in model.parameters())


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_nan_in_data_names_the_batch(blobs, mlp):
    X, y = blobs
    X = X.copy()
    X[5, 0] = np.inf
    model = mlp()
    with pytest.raises(
        NonFiniteLossError, match=r"epoch 1/3, step 1 .*input batch has 0 NaN, 1 Inf"
    ):
        fit(
            model,
            "cross_entropy",
            optim.SGD(model.parameters(), lr=0.1),
            (X, y),
            epochs=3,
            batch_size=None,
            shuffle=False,
            verbose=0,
        )


def test_float64_model_with_float_data(blobs):
    X, y = blobs
    model = nn.Linear(2, 2, rng=np.random.default_rng(0), dtype=np.float64)
    h = fit(
        model, "cross_entropy", optim.SGD(model.parameters(), lr=0.1), (X, y), epochs=2, verbose=0
    )
    assert model.weight.dtype == np.float64 and len(h) == 2


def test_dropout_model_is_in_train_mode_while_fitting_and_restored_by_evaluate(blobs, mlp):
    X, y = blobs
    model = mlp(dropout=0.5)
    modes = []

    class Mode(Callback):
        def on_batch_begin(self, batch, logs=None):
            modes.append(model.training)

    model.eval()
    fit(
        model,
        "cross_entropy",
        optim.SGD(model.parameters(), lr=0.1),
        (X, y),
        epochs=1,
        validation_data=(X, y),
        callbacks=[Mode()],
        verbose=0,
    )
    assert modes and all(modes)
    a = evaluate(model, (X, y), loss="cross_entropy")
    b = evaluate(model, (X, y), loss="cross_entropy")
    assert a == b  # eval mode: dropout off, deterministic


def test_batch_hooks_of_a_lambda_callback_still_run_on_the_lean_path(blobs, mlp):
    """fit skips per-batch calls only when no callback listens: hooks set on an instance
    (LambdaCallback) are listeners too."""
    from retrograd.train import LambdaCallback

    X, y = blobs
    model = mlp()
    seen = []
    hook = LambdaCallback(on_batch_end=lambda batch, logs: seen.append(logs["size"]))
    fit(model, "cross_entropy", optim.SGD(model.parameters(), lr=0.1), (X, y), epochs=2,
        batch_size=16, metrics=(), callbacks=[hook], verbose=0)  # fmt: skip
    assert seen == [16, 16, 16, 12] * 2
