"""Load test: 20 concurrent sessions training for 30 s, with no errors and bounded memory.

Each session has its own event stream open, as 20 browser tabs would. Most
sessions play (train on their own background thread); a few are tabs where the
user steps through one backprop phase at a time. Meanwhile, every second, the
test changes a playing session's learning rate, clicks Step-through on a playing
session (the phase interleaves with the training thread), walks a step-through
session through a whole step (forward, error, backward, update: the phases must
come in that order), and samples the server's resident memory.
"""

from __future__ import annotations

import json
import threading
import time

import pytest

from retrograd.playground.run import PHASES

from .conftest import running_server

psutil = pytest.importorskip("psutil")

SESSIONS = 20
SECONDS = 30.0
#: growth of the server's RSS allowed after warm-up (history and caches are capped)
MAX_GROWTH_MB = 150
#: every STEP_THROUGH-th session is stepped through by hand instead of playing
STEP_THROUGH = 4


def _watch(server, sid: str, stop: threading.Event, seen: dict, errors: list) -> None:
    try:
        with server.client() as c, c.stream("GET", f"/api/sessions/{sid}/events") as stream:
            for line in stream.iter_lines():
                if line.startswith("data:"):
                    state = json.loads(line[5:])
                    if state.get("error"):
                        errors.append(f"{sid}: {state['error']}")
                    seen[sid] = state.get("steps", seen.get(sid, 0))
                if stop.is_set():
                    return
    except Exception as exc:  # noqa: BLE001 - any failure is a test failure
        if not stop.is_set():
            errors.append(f"{sid} stream: {exc!r}")


def test_twenty_sessions_for_thirty_seconds():
    with running_server() as server, server.client() as client:
        proc = psutil.Process(server.process.pid)
        datasets = ["xor", "circles", "spirals", "blobs", "moons"]
        ids = []
        for k in range(SESSIONS):
            sid, _ = server.new_session(client, dataset=datasets[k % 5], hidden="8,8,4", seed=k)
            ids.append(sid)
        stop = threading.Event()
        seen: dict[str, int] = {}
        errors: list[str] = []
        watchers = [
            threading.Thread(target=_watch, args=(server, sid, stop, seen, errors), daemon=True)
            for sid in ids
        ]
        for t in watchers:
            t.start()
        stepped = ids[STEP_THROUGH - 1 :: STEP_THROUGH]
        playing = [sid for sid in ids if sid not in stepped]
        for sid in playing:
            assert client.post(f"/api/sessions/{sid}/play").status_code == 200
        start = time.monotonic()
        rss: list[float] = []
        clicks = 0
        while time.monotonic() - start < SECONDS:
            rss.append(proc.memory_info().rss / 2**20)
            sid = playing[clicks % len(playing)]
            r = client.post(f"/api/sessions/{sid}/config", json={"lr": 0.1 + 0.01 * (clicks % 5)})
            if r.status_code != 200:
                errors.append(f"config: {r.status_code} {r.text}")
            # Step-through on a playing session: the phase runs between training slices
            sid = playing[(clicks + 7) % len(playing)]
            r = client.post(f"/api/sessions/{sid}/phase")
            got = (r.json().get("result") or {}) if r.status_code == 200 else {}
            if got.get("phase") not in PHASES:
                errors.append(f"phase while playing: {r.status_code} {r.text[:200]}")
            # a step-through tab: one whole step, phase by phase, in order
            sid = stepped[clicks % len(stepped)]
            for expected in PHASES:
                r = client.post(f"/api/sessions/{sid}/phase")
                got = (r.json().get("result") or {}) if r.status_code == 200 else {}
                if got.get("phase") != expected:
                    errors.append(f"phase: expected {expected}, got {r.status_code} {r.text[:200]}")
                elif expected == "update" and "delta_w" not in got:
                    errors.append(f"phase update without delta_w: {r.text[:200]}")
            clicks += 1
            time.sleep(1.0)
        final = [client.get(f"/api/sessions/{sid}").json() for sid in ids]
        for sid in ids:
            client.post(f"/api/sessions/{sid}/pause")
        stop.set()
        for sid in ids:
            client.delete(f"/api/sessions/{sid}")
        for t in watchers:
            t.join(timeout=10)

    assert not errors, errors[:5]
    assert all(s["steps"] > 0 for s in final), [s["steps"] for s in final]
    assert len(seen) == SESSIONS  # every tab received live updates
    warm = rss[min(5, len(rss) - 1)]
    print(f"\nRSS after warm-up {warm:.0f} MiB, peak {max(rss):.0f} MiB; "
          f"steps per session: min {min(s['steps'] for s in final)}, "
          f"total {sum(s['steps'] for s in final)}")  # fmt: skip
    assert max(rss) - warm < MAX_GROWTH_MB
