"""Fixtures: a real playground server (``python -m retrograd.playground``) on a loopback port."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")


@dataclass
class Server:
    """A running server: its URL, port and process."""

    url: str
    port: int
    process: subprocess.Popen

    def client(self, **kwargs: Any) -> Any:
        return httpx.Client(base_url=self.url, timeout=30, **kwargs)

    def new_session(self, client: Any, **config: Any) -> tuple[str, dict[str, Any]]:
        r = client.post("/api/sessions", json={"config": config})
        assert r.status_code == 201, r.text
        body = r.json()
        return body["id"], body["state"]


@contextmanager
def running_server(*args: str) -> Iterator[Server]:
    """Start the CLI's server on a free port, wait for its URL, stop it with SIGINT (Ctrl-C)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "retrograd.playground", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout=60)
    if not line or "http://" not in line[0]:
        proc.kill()
        out, err = proc.communicate(timeout=10)
        raise RuntimeError(f"playground server did not start: {line} {err}")
    url = line[0].split()[2].rstrip("/")
    try:
        yield Server(url, int(url.rsplit(":", 1)[1]), proc)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """One server per test module."""
    with running_server() as s:
        yield s


@pytest.fixture
def client(server: Server) -> Iterator[Any]:
    with server.client() as c:
        yield c
