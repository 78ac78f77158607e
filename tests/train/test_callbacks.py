"""Callbacks: EarlyStopping, ModelCheckpoint, checkpoint resume (bit-exact), LambdaCallback."""

from __future__ import annotations

import numpy as np
import pytest

from retrograd import optim
from retrograd.io.checkpoint import load_checkpoint
from retrograd.train import (
    EarlyStopping,
    FitState,
    LambdaCallback,
    ModelCheckpoint,
    TerminateOnNaN,
    fit,
)


def test_early_stopping_patience_and_restore_best(mlp):
    model = mlp()
    es = EarlyStopping(monitor="val_loss", patience=2)
    state = FitState(model=model, epochs=10)
    es.set_state(state)
    snapshots = []
    for epoch, val in enumerate([1.0, 0.5, 0.6, 0.7, 0.8]):
        state.epoch = epoch
        for p in model.parameters():
            p.data = p.data + 1.0  # the weights change every epoch
        snapshots.append(model.state_dict())
        es.on_epoch_end(epoch, {"val_loss": val})
        if state.stop_training:
            break
    assert epoch == 3  # stopped after 2 epochs without improvement
    assert es.best == 0.5 and es.best_epoch == 1
    assert "did not improve for 2 epochs" in state.stop_reason
    es.on_train_end({})
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v, snapshots[1][k])


def test_early_stopping_max_mode_and_missing_key(mlp):
    es = EarlyStopping(monitor="val_accuracy", patience=0)
    assert es.mode == "max"
    es.set_state(FitState(model=mlp()))
    with pytest.raises(ValueError, match="'val_accuracy' is not in the logs"):
        es.on_epoch_end(0, {"loss": 1.0})


def test_early_stopping_in_fit(blobs, mlp):
    X, y = blobs
    model = mlp()
    h = fit(
        model,
        "cross_entropy",
        optim.SGD(model.parameters(), lr=1e-9),
        (X, y),
        epochs=50,
        validation_split=0.2,
        callbacks=[EarlyStopping(patience=1, min_delta=1e-3)],
        verbose=0,
    )
    assert len(h) == 2 and h.stop_reason.startswith("early stopping")


def test_model_checkpoint_best_only(tmp_path, blobs, mlp):
    X, y = blobs
    model = mlp()
    ckpt = ModelCheckpoint(tmp_path / "best.ckpt.npz", monitor="val_loss", save_best_only=True)
    saved = []
    orig = ckpt.save

    def spy(epoch):
        saved.append(epoch)
        return orig(epoch)

    ckpt.save = spy
    vals = iter([0.9, 0.8, 0.85, 0.7])

    class FakeVal(LambdaCallback):
        pass

    fake = FakeVal(on_epoch_end=lambda e, logs: logs.__setitem__("val_loss", next(vals)))
    fit(
        model,
        "cross_entropy",
        optim.SGD(model.parameters(), lr=0.1),
        (X, y),
        epochs=4,
        callbacks=[fake, ckpt],
        verbose=0,
    )
    assert saved == [0, 1, 3]
    assert load_checkpoint(tmp_path / "best.ckpt.npz")["epoch"] == 4


def test_checkpoint_epoch_pattern_and_refuses_nan(tmp_path, blobs, mlp):
    X, y = blobs
    model = mlp()
    fit(
        model,
        "cross_entropy",
        optim.SGD(model.parameters(), lr=0.1),
        (X, y),
        epochs=3,
        checkpoint=tmp_path / "ck-{epoch}.npz",
        verbose=0,
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ck-1.npz", "ck-2.npz", "ck-3.npz"]
    ckpt = ModelCheckpoint(tmp_path / "bad.npz")
    ckpt.set_state(FitState(model=model, epochs=1))
    model[0].weight.data[0, 0] = np.nan
    with pytest.raises(FloatingPointError, match=r"refusing.*0\.weight"):
        ckpt.save(0)
    assert not (tmp_path / "bad.npz").exists()


def _setup(mlp, blobs, init_seed):
    X, y = blobs
    model = mlp(hidden=16, seed=init_seed, dropout=0.3)
    opt = optim.Adam(model.parameters(), lr=0.01)
    sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=4)
    es = EarlyStopping(patience=10)
    return model, opt, sched, es, (X, y)


def test_resume_is_bit_identical(tmp_path, blobs, mlp):
    kw = dict(epochs=4, batch_size=8, validation_split=0.25, seed=5, verbose=0)
    model, opt, sched, es, data = _setup(mlp, blobs, 0)
    straight = fit(
        model,
        "cross_entropy",
        opt,
        data,
        scheduler=sched,
        callbacks=[es],
        checkpoint=tmp_path / "a.npz",
        **kw,
    )

    m2, o2, s2, e2, _ = _setup(mlp, blobs, 0)
    fit(
        m2,
        "cross_entropy",
        o2,
        data,
        scheduler=s2,
        callbacks=[e2],
        checkpoint=tmp_path / "b.npz",
        **{**kw, "epochs": 2},
    )
    assert load_checkpoint(tmp_path / "b.npz")["epoch"] == 2
    # a fresh process would rebuild everything -- even with other initial weights
    m3, o3, s3, e3, _ = _setup(mlp, blobs, 99)
    resumed = fit(
        m3,
        "cross_entropy",
        o3,
        data,
        scheduler=s3,
        callbacks=[e3],
        checkpoint=tmp_path / "b.npz",
        resume=True,
        **kw,
    )

    final, again = model.state_dict(), m3.state_dict()
    for k in final:
        np.testing.assert_array_equal(again[k], final[k], err_msg=k)
        assert again[k].tobytes() == final[k].tobytes()
    assert resumed.history == straight.history
    assert resumed.epoch == [0, 1, 2, 3]
    assert e3.best == es.best and e3.wait == es.wait
    assert o3.param_groups[0]["lr"] == opt.param_groups[0]["lr"]


def test_resume_without_a_file_starts_fresh_and_finished_run_is_kept(tmp_path, blobs, mlp):
    X, y = blobs
    model = mlp()
    opt = optim.SGD(model.parameters(), lr=0.1)
    h = fit(
        model,
        "cross_entropy",
        opt,
        (X, y),
        epochs=2,
        checkpoint=tmp_path / "c.npz",
        resume=True,
        verbose=0,
    )
    assert len(h) == 2
    before = model.state_dict()
    h2 = fit(
        model,
        "cross_entropy",
        opt,
        (X, y),
        epochs=2,
        checkpoint=tmp_path / "c.npz",
        resume=True,
        verbose=0,
    )
    assert len(h2) == 2  # already done: nothing more to train
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v, before[k])


def test_lambda_callback_and_terminate_on_nan(blobs, mlp):
    X, y = blobs
    ends = []
    cb = LambdaCallback(on_epoch_end=lambda e, logs: ends.append(e))
    model = mlp()
    fit(
        model,
        "cross_entropy",
        optim.SGD(model.parameters(), lr=0.1),
        (X, y),
        epochs=2,
        callbacks=[cb],
        verbose=0,
    )
    assert ends == [0, 1]
    with pytest.raises(ValueError, match="unknown hooks"):
        LambdaCallback(on_epoch_finish=print)
    X2 = X.copy()
    X2[0, 0] = np.nan
    with np.errstate(all="ignore"):
        h = fit(
            model,
            "cross_entropy",
            optim.SGD(model.parameters(), lr=0.1),
            (X2, y),
            epochs=5,
            batch_size=None,
            terminate_on_nan=False,
            callbacks=[TerminateOnNaN()],
            verbose=0,
        )
    assert len(h) == 1 and h.stop_reason.startswith("TerminateOnNaN")


def test_resuming_an_early_stopped_run_does_not_train_on(tmp_path, blobs, mlp):
    X, y = blobs
    kw = dict(epochs=30, validation_split=0.2, verbose=0, checkpoint=tmp_path / "es.npz")
    model = mlp()
    opt = optim.SGD(model.parameters(), lr=1e-9)
    h = fit(model, "cross_entropy", opt, (X, y), callbacks=[EarlyStopping(patience=1)], **kw)
    assert h.stop_reason.startswith("early stopping") and len(h) < 30
    final = model.state_dict()
    m2 = mlp(seed=5)
    o2 = optim.SGD(m2.parameters(), lr=1e-9)
    h2 = fit(m2, "cross_entropy", o2, (X, y), callbacks=[EarlyStopping(patience=1)], resume=True,
             **kw)  # fmt: skip
    assert h2.epoch == h.epoch and h2.stop_reason == h.stop_reason
    for k, v in m2.state_dict().items():
        np.testing.assert_array_equal(v, final[k])
