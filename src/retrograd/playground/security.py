"""The playground's guard: Host and Origin checks, body-size cap and safe response headers.

A local web app that trains on your machine must not be drivable by other web
pages. This ASGI middleware, in front of every route, enforces:

* **Host check (DNS rebinding).** A page on ``evil.example`` can make its DNS
  name resolve to 127.0.0.1 and then talk to a local server "same-origin".
  The browser still sends ``Host: evil.example``, so only the bound address
  (plus ``localhost`` when bound to loopback, and names given with
  ``--allow-host``) is accepted. Bound to a wildcard address, any IP literal
  is accepted, never a DNS name that was not allowed explicitly.
* **Origin check (CSRF).** State-changing requests (anything but GET/HEAD/
  OPTIONS) carrying an ``Origin`` or ``Sec-Fetch-Site`` that is not this
  server are refused; JSON endpoints also require ``application/json``, which
  a cross-site form cannot send without a CORS preflight (never granted).
* **Body cap.** Request bodies larger than ``max_body`` bytes get 413 before
  the app reads them, so a huge upload cannot hang or exhaust the server.
* **Headers.** ``Content-Security-Policy: default-src 'self'`` (no CDN, no
  inline script), ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

#: the largest request body accepted, in bytes (the CSV cap plus room for the form)
MAX_BODY_BYTES = 640 * 1024
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]


def split_host(value: str) -> tuple[str, int | None]:
    """``"127.0.0.1:8000"`` -> ``("127.0.0.1", 8000)``; IPv6 in brackets; port optional."""
    value = value.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            return value, None
        name, rest = value[1:end], value[end + 1 :]
        port = rest[1:] if rest.startswith(":") else ""
    else:
        name, _, port = value.partition(":")
    try:
        return name, int(port) if port else None
    except ValueError:
        return name, -1


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _is_loopback(name: str) -> bool:
    return name == "localhost" or (_is_ip(name) and ipaddress.ip_address(name).is_loopback)


class HostPolicy:
    """Which ``Host`` header values this server answers to.

    Parameters
    ----------
    bound_host : str
        The address the server listens on.
    port : int
        The port it listens on (the Host header must name it).
    extra_hosts : iterable of str
        More names to accept (``--allow-host``), e.g. a machine's DNS name.

    Examples
    --------
    >>> p = HostPolicy("127.0.0.1", 8000)
    >>> p.allows("localhost:8000"), p.allows("evil.example:8000"), p.allows("127.0.0.1:9")
    (True, False, False)
    """

    def __init__(self, bound_host: str, port: int, extra_hosts: Iterable[str] = ()) -> None:
        self.bound = bound_host.strip("[]").lower()
        self.port = port
        self.extra = {h.lower() for h in extra_hosts}
        self.wildcard = self.bound in ("0.0.0.0", "::", "")

    def allows(self, host_header: str | None) -> bool:
        if not host_header:
            return False
        name, port = split_host(host_header)
        if port is None:
            port = 80
        if port != self.port:
            return False
        if name == self.bound or name in self.extra:
            return True
        if _is_loopback(self.bound) and name in LOOPBACK_NAMES:
            return True
        return self.wildcard and (_is_ip(name) or name == "localhost")


class GuardMiddleware:
    """ASGI middleware applying :class:`HostPolicy`, the Origin check and the body cap."""

    def __init__(self, app: Any, policy: HostPolicy, max_body: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.policy = policy
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host")
        if not self.policy.allows(host):
            await _error(send, 403, f"Host {host!r} is not allowed (DNS-rebinding protection); "
                         "open the URL the server printed")  # fmt: skip
            return
        if scope["method"] not in SAFE_METHODS:
            origin = headers.get("origin")
            if origin is not None and origin.lower() not in (f"http://{host}".lower(),):
                await _error(send, 403, f"cross-origin request from {origin!r} refused")
                return
            if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
                await _error(send, 403, "cross-site request refused")
                return
            length = headers.get("content-length")
            if length is not None and (not length.isdigit() or int(length) > self.max_body):
                await _error(
                    send, 413, f"request body too large: the limit is {self.max_body} bytes"
                )
                return
            body = await _read_body(receive, self.max_body)
            if body is None:
                await _error(
                    send, 413, f"request body too large: the limit is {self.max_body} bytes"
                )
                return
            receive = _replay(body, receive)

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole request body, or None as soon as it passes ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """Hand the already-read body to the app, then pass through (to see a disconnect)."""
    sent = False

    async def replay() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _error(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode())] + SECURITY_HEADERS,
    })  # fmt: skip
    await send({"type": "http.response.body", "body": body})
