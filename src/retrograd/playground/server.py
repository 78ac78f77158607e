"""Running the playground: bind a socket, print the URL, serve until Ctrl-C."""

from __future__ import annotations

import socket
import sys
import threading
import webbrowser
from typing import Any, TextIO

LOOPBACK = "127.0.0.1"


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def url_for(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else ("localhost" if host == "::" else host)
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def serve(
    host: str = LOOPBACK,
    port: int = 0,
    open_browser: bool = False,
    allowed_hosts: tuple[str, ...] | list[str] = (),
    out: TextIO | None = None,
) -> None:
    """Serve the playground until interrupted (Ctrl-C stops it cleanly).

    Parameters
    ----------
    host : str
        Address to listen on; ``127.0.0.1`` unless you mean to expose it (a
        warning is printed for anything that is not loopback).
    port : int
        Port; 0 picks a free one.
    open_browser : bool
        Open the URL in the default browser once the server is up.
    allowed_hosts : sequence of str
        Extra Host-header names to accept (DNS names of this machine).
    out : text stream
        Where the URL and messages go (stdout by default).

    Examples
    --------
    >>> from retrograd.playground import serve
    >>> serve(port=8765)  # doctest: +SKIP
    """
    try:
        import uvicorn
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError(
            'the playground needs Starlette and uvicorn: pip install "retrograd[web]"'
        ) from exc
    from retrograd.playground.app import create_app
    from retrograd.playground.session import SessionManager

    out = out or sys.stdout
    sock = _bind(host, port)
    port = sock.getsockname()[1]
    if host not in (LOOPBACK, "localhost", "::1"):
        print(
            f"warning: listening on {host}, not 127.0.0.1: other machines that can reach this "
            "one can use the playground (and its CPU). Only do this on a network you trust.",
            file=sys.stderr,
        )
    manager = SessionManager()
    app = create_app(host, port, allowed_hosts=allowed_hosts, manager=manager)
    config = uvicorn.Config(
        app,
        log_level="warning",
        timeout_graceful_shutdown=2,
        lifespan="off",
        ws="none",
    )

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: Any) -> None:
            manager.closing.set()  # end the event streams first, then stop
            super().handle_exit(sig, frame)

    server = Server(config)
    url = url_for(host, port)
    print(f"retrograd playground: {url}  (Ctrl-C to stop)", file=out, flush=True)
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    try:
        server.run(sockets=[sock])
    finally:
        manager.close_all()
        sock.close()
        print("retrograd playground: stopped", file=out, flush=True)
