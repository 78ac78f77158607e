"""``retrograd playground``: prints the URL, warns off loopback, stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from retrograd.cli import main

pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")


def _start(*args):
    return subprocess.Popen(
        [sys.executable, "-m", "retrograd", "playground", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def test_help_has_examples(capsys):
    with pytest.raises(SystemExit):
        main(["playground", "--help"])
    out = capsys.readouterr().out
    assert "--port" in out and "--open" in out and "examples:" in out


def test_serves_then_stops_cleanly_on_ctrl_c():
    proc = _start()
    try:
        line = proc.stdout.readline()
        assert line.startswith("retrograd playground: http://127.0.0.1:")
        url = line.split()[2]
        assert httpx.get(url + "api/meta", timeout=30).status_code == 200
        # a training session with its live event stream open, as a browser tab would have
        sid = httpx.post(url + "api/sessions", json={}, timeout=30).json()["id"]
        httpx.post(url + f"api/sessions/{sid}/play", timeout=30)
        got: list[str] = []

        def watch() -> None:
            with httpx.stream("GET", url + f"api/sessions/{sid}/events", timeout=30) as r:
                got.extend(r.iter_lines())

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        time.sleep(1.0)
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    watcher.join(timeout=10)
    assert "event: closed" in got  # the stream was ended by the server, not cut
    assert proc.returncode == 0, err
    assert "stopped" in out and "Traceback" not in err
    assert "warning" not in err  # loopback: no warning


def test_other_host_warns_and_checks_host_header():
    proc = _start("--host", "127.0.0.2", "--allow-host", "mybox.example")
    try:
        line = proc.stdout.readline()
        url = line.split()[2]
        assert url.startswith("http://127.0.0.2:")
        assert httpx.get(url + "api/meta", timeout=30).status_code == 200
        port = url.rstrip("/").rsplit(":", 1)[1]
        allowed = httpx.get(url + "api/meta", headers={"Host": f"mybox.example:{port}"}, timeout=30)
        assert allowed.status_code == 200
        other = httpx.get(url + "api/meta", headers={"Host": f"other.example:{port}"}, timeout=30)
        assert other.status_code == 403
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert "warning: listening on 127.0.0.2" in err


def test_open_opens_the_printed_url_in_the_browser(monkeypatch, capsys):
    import uvicorn

    opened: list[str] = []
    served = threading.Event()

    def fake_open(url, *args, **kwargs):
        opened.append(url)
        return True

    def fake_run(self, sockets=None):  # instead of serving: wait for the browser, then return
        served.set()
        deadline = time.monotonic() + 10
        while not opened and time.monotonic() < deadline:
            time.sleep(0.05)

    monkeypatch.setattr("webbrowser.open", fake_open)
    monkeypatch.setattr(uvicorn.Server, "run", fake_run)
    assert main(["playground", "--open"]) == 0
    out = capsys.readouterr().out
    assert served.is_set()
    url = out.splitlines()[0].split()[2]
    assert url.startswith("http://127.0.0.1:") and url.endswith("/")
    assert opened == [url]


def test_without_open_no_browser_is_opened(monkeypatch, capsys):
    import uvicorn

    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url))
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: time.sleep(0.8))
    assert main(["playground"]) == 0
    assert "retrograd playground: http://127.0.0.1:" in capsys.readouterr().out
    assert opened == []


def test_bad_port_is_a_one_line_error(capsys):
    assert main(["playground", "--port", "70000"]) == 2
    assert "--port" in capsys.readouterr().err
