"""Sessions: background training, isolation between threads, limits, JSON-safe snapshots."""

from __future__ import annotations

import json
import threading
import time

import numpy as np
import pytest

from retrograd.playground.config import Config, ConfigError
from retrograd.playground.session import Session, SessionLimitError, SessionManager


def _wait(pred, timeout=20.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.05)
    return False


def test_concurrent_sessions_all_train():
    # several threads training at once (one evaluating under no_grad must not stop another)
    sessions = [Session(Config(dataset="xor", hidden=[4], seed=k)) for k in range(4)]
    try:
        for s in sessions:
            s.play()
        assert _wait(lambda: all(s.run.steps > 20 for s in sessions))
        assert all(s.error is None for s in sessions)
    finally:
        for s in sessions:
            s.close()
    counts = [s.run.steps for s in sessions]
    time.sleep(0.2)
    assert [s.run.steps for s in sessions] == counts  # paused


def test_error_in_training_is_reported_and_stops_play():
    s = Session(Config(dataset="gauss", loss="mse", hidden=[2]))
    s.run.net.layers[0].weight.data[:] = np.nan
    s.play()
    assert _wait(lambda: s.error is not None)
    assert not s.playing
    json.dumps(s.snapshot(True), allow_nan=False)  # still strict JSON
    s.close()


def test_unwatched_session_pauses_itself(monkeypatch):
    from retrograd.playground import session as session_module

    monkeypatch.setattr(session_module, "ORPHAN_SECONDS", 0.3)
    s = Session(Config(dataset="xor"))
    s.viewers = 1  # a page is watching: keeps training
    s.play()
    time.sleep(0.6)
    assert s.playing
    s.viewers = 0  # the tab was closed
    assert _wait(lambda: not s.playing, timeout=5)
    s.close()


def test_configure_keeps_old_run_on_error():
    s = Session(Config(dataset="xor"))
    old = s.run
    with pytest.raises(ConfigError):
        s.configure({"hidden": "999"})
    assert s.run is old


def test_reset_same_and_new_seed():
    s = Session(Config(dataset="xor", seed=3))
    w0 = s.run.weights()
    s.step(5)
    assert s.reset() == 3 and s.run.weights() == w0
    s.reset(new_seed=True)
    assert s.run.weights() != w0


def test_manager_limit_and_idle_expiry():
    m = SessionManager(max_sessions=2, idle_seconds=3600)
    a = m.create(Config())
    m.create(Config())
    with pytest.raises(SessionLimitError, match="2 sessions"):
        m.create(Config())
    m.idle_seconds = 0.0
    time.sleep(0.01)
    m.create(Config())  # the idle ones were dropped to make room
    assert m.get(a.id) is None and len(m) == 1
    m.close_all()


def test_quick_pause_then_play_leaves_one_training_thread():
    """Pause and Play pressed within a few ms must not leave the old thread training too."""
    s = Session(Config(dataset="xor", hidden=[3], seed=0))
    s.viewers = 1
    try:
        for _ in range(20):
            s.play()
            time.sleep(0.005)
            s.pause()
            s.play()  # before the paused thread has looked at its stop flag
        time.sleep(0.3)  # let paused threads notice and end
        prefix = f"playground-{s.id[:6]}"
        alive = [t for t in threading.enumerate() if t.name == prefix and t.is_alive()]
        assert len(alive) == 1, f"{len(alive)} training threads for one session"
    finally:
        s.close()
