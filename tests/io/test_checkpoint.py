"""Checkpoints: full state round trip, atomic writes, and bit-exact resume."""

from __future__ import annotations

import itertools
import os

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn, optim
from retrograd.data import DataLoader, make_moons
from retrograd.io import atomic, checkpoint
from retrograd.io.archive import FileFormatError
from retrograd.io.checkpoint import load_checkpoint, restore_checkpoint, save_checkpoint
from retrograd.io.finite import NonFiniteWeightsError
from retrograd.nn import functional as F


def _model(seed=0):
    rng = np.random.default_rng(seed)
    return nn.Sequential(nn.Linear(2, 8, rng=rng), nn.Tanh(), nn.Linear(8, 2, rng=rng))


def _setup(seed=0):
    model = _model(seed)
    opt = optim.Adam(model.parameters(), lr=0.05)
    sched = optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    X, y = make_moons(64, noise=0.1, seed=3)
    loader = DataLoader((X, y), batch_size=16, shuffle=True, seed=7)
    return model, opt, sched, loader


def _train_batches(model, opt, loader, n_batches=None):
    """Run optimisation steps over the loader (all of an epoch, or the first n_batches)."""
    for xb, yb in itertools.islice(loader, n_batches):  # islice: never pulls an unused batch
        opt.zero_grad()
        F.cross_entropy(model(xb), yb).backward()
        opt.step()


def _weights(model):
    return {k: v.tobytes() for k, v in model.state_dict().items()}


def test_round_trip_of_everything(tmp_path):
    model, opt, sched, loader = _setup()
    _train_batches(model, opt, loader)
    sched.step()
    path = tmp_path / "run.ckpt.npz"
    history = {"loss": [0.7, 0.5], "accuracy": [0.5, 0.8]}
    rngs = {"loader": loader.rng, "legacy": np.random.RandomState(3)}
    extra = {"loader": loader.state_dict(), "note": "hi"}
    save_checkpoint(path, model, opt, sched, 1, 4, rngs, history, extra)
    ck = load_checkpoint(path)
    assert ck["epoch"] == 1 and ck["step"] == 4 and ck["history"] == history
    assert ck["optimizer_type"] == "Adam" and ck["scheduler_type"] == "StepLR"
    assert ck["rng_states"]["loader"] == loader.rng.bit_generator.state
    assert ck["architecture"]["type"] == "Sequential"
    assert ck["extra"]["note"] == "hi"

    model2, opt2, sched2, _ = _setup(seed=99)
    gen = np.random.default_rng(12345)
    restore_checkpoint(path, model2, opt2, sched2, rngs={"loader": gen})
    assert _weights(model2) == _weights(model)
    assert gen.bit_generator.state == loader.rng.bit_generator.state
    assert sched2.state_dict() == sched.state_dict()
    s1, s2 = opt.state_dict(), opt2.state_dict()
    assert s1["param_groups"] == s2["param_groups"]
    for i in s1["state"]:
        for k, v in s1["state"][i].items():
            np.testing.assert_array_equal(np.asarray(v), np.asarray(s2["state"][i][k]))


def test_history_object_with_history_attribute(tmp_path):
    class History:
        history = {"loss": [1.0]}

    save_checkpoint(tmp_path / "c.npz", _model(), history=History())
    assert load_checkpoint(tmp_path / "c.npz")["history"] == {"loss": [1.0]}


@pytest.mark.parametrize("mid_epoch", [False, True], ids=["epoch-boundary", "mid-epoch"])
def test_resume_gives_the_same_weights_bit_for_bit(tmp_path, mid_epoch):
    # reference: 4 epochs without stopping
    model, opt, sched, loader = _setup()
    for _ in range(4):
        _train_batches(model, opt, loader)
        sched.step()
    reference = _weights(model)

    # interrupted: 1 epoch (+ 2 batches of the 2nd when mid_epoch), checkpoint, resume fresh
    model, opt, sched, loader = _setup()
    _train_batches(model, opt, loader)
    sched.step()
    if mid_epoch:
        _train_batches(model, opt, loader, n_batches=2)
    path = tmp_path / "ckpt.npz"
    save_checkpoint(path, model, opt, sched, epoch=1, extra={"loader": loader.state_dict()})
    del model, opt, sched, loader

    model, opt, sched, loader = _setup(seed=42)  # different init: everything must come from disk
    ck = restore_checkpoint(path, model, opt, sched)
    loader.load_state_dict(ck["extra"]["loader"])
    for _ in range(ck["epoch"], 4):
        _train_batches(model, opt, loader)
        sched.step()
    assert _weights(model) == reference


def test_crash_mid_write_leaves_previous_checkpoint_intact(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.npz"
    model = _model()
    save_checkpoint(path, model, epoch=1)
    before = path.read_bytes()

    real_write_array = np.lib.format.write_array
    calls = {"n": 0}

    def crash_on_second_array(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("simulated crash: disk full")
        return real_write_array(*args, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", crash_on_second_array)
    with pytest.raises(OSError, match="simulated crash"):
        save_checkpoint(path, _model(seed=5), epoch=2)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert load_checkpoint(path)["epoch"] == 1
    assert os.listdir(tmp_path) == ["ckpt.npz"]  # no temporary file left behind


def test_crash_before_rename_keeps_old_file(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.npz"
    save_checkpoint(path, _model(), epoch=1)

    def failing_replace(src, dst):
        raise OSError("simulated power cut before rename")

    monkeypatch.setattr(atomic.os, "replace", failing_replace)
    with pytest.raises(OSError, match="power cut"):
        save_checkpoint(path, _model(), epoch=9)
    monkeypatch.undo()
    assert load_checkpoint(path)["epoch"] == 1
    assert os.listdir(tmp_path) == ["ckpt.npz"]


def test_non_finite_weights_refused_and_old_checkpoint_kept(tmp_path):
    path = tmp_path / "ckpt.npz"
    model = _model()
    save_checkpoint(path, model, epoch=1)
    model[0].weight.data[0, 0] = np.inf
    model[2].bias.data[1] = np.nan
    with pytest.raises(NonFiniteWeightsError, match=r"0\.weight .*2\.bias"):
        save_checkpoint(path, model, epoch=2)
    assert load_checkpoint(path)["epoch"] == 1


def test_restore_refuses_mismatches_without_changing_the_model(tmp_path):
    path = tmp_path / "ckpt.npz"
    model, opt, sched, _ = _setup()
    save_checkpoint(path, model, opt)
    other = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 2))
    before = _weights(other)
    with pytest.raises(ValueError, match="does not fit this model"):
        restore_checkpoint(path, other)
    assert _weights(other) == before
    with pytest.raises(ValueError, match="is a Adam, not a SGD"):
        restore_checkpoint(path, model, optim.SGD(model.parameters(), lr=0.1))
    with pytest.raises(ValueError, match="no scheduler state"):
        restore_checkpoint(path, model, opt, sched)
    with pytest.raises(ValueError, match="no RNG state named 'loader'"):
        restore_checkpoint(path, model, rngs={"loader": np.random.default_rng()})


def test_unpicklable_state_is_a_clear_type_error(tmp_path):
    model = _model()
    with pytest.raises(TypeError, match="extra.fn"):
        save_checkpoint(tmp_path / "c.npz", model, extra={"fn": lambda x: x})
    assert not (tmp_path / "c.npz").exists()


def test_model_file_is_not_a_checkpoint(tmp_path):
    rg.save(_model(), tmp_path / "m.npz")
    with pytest.raises(FileFormatError, match="not a 'retrograd-checkpoint' file"):
        load_checkpoint(tmp_path / "m.npz")


def test_rng_state_accepts_generators_bitgenerators_and_dicts():
    g = np.random.default_rng(1)
    assert checkpoint.rng_state(g) == g.bit_generator.state
    assert checkpoint.rng_state(g.bit_generator) == g.bit_generator.state
    assert checkpoint.rng_state({"x": 1}) == {"x": 1}
    with pytest.raises(TypeError, match="Generators"):
        checkpoint.rng_state(42)
