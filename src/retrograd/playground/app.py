"""The playground's web app: Starlette routes over :class:`SessionManager`.

Routes (all JSON unless noted; errors are ``{"error": "one line"}``):

=========================================  ==============================================
``GET  /``                                 the page (``static/index.html``)
``GET  /static/...``                       the page's own files, from the package only
``GET  /api/meta``                         choices the page offers, and the caps
``POST /api/sessions``                     new session from a config -> ``{id, state}``
``GET  /api/sessions/{id}``                the session's state (with its points)
``DELETE /api/sessions/{id}``              end the session
``POST /api/sessions/{id}/config``         change settings (rebuilds unless only ``lr``)
``POST /api/sessions/{id}/csv``            upload a 2-D CSV (raw ``text/csv`` or a form)
``POST /api/sessions/{id}/{action}``       ``play`` ``pause`` ``step`` ``phase`` ``term``
                                           ``reset`` (body ``{"new_seed": true}`` for a new seed)
``GET  /api/sessions/{id}/weight``         ``?layer=&j=&i=``: value, gradient, chain factors
``GET  /api/sessions/{id}/events``         server-sent events: a ``state`` event per change
=========================================  ==============================================
"""

from __future__ import annotations

import asyncio
import json
from importlib import resources
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from retrograd.playground.config import Config, ConfigError
from retrograd.playground.datasets import MAX_CSV_BYTES, DataError, parse_csv
from retrograd.playground.security import MAX_BODY_BYTES, GuardMiddleware, HostPolicy
from retrograd.playground.session import Session, SessionLimitError, SessionManager, _clean, meta

#: seconds between state events while a session trains (the page redraws this often)
EVENT_INTERVAL = 0.15
HEARTBEAT_SECONDS = 15.0


def static_dir() -> Path:
    """The folder of the page's files inside the installed package."""
    return Path(str(resources.files("retrograd.playground") / "static"))


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


class PlaygroundApp:
    """Route handlers bound to one :class:`SessionManager`."""

    def __init__(self, manager: SessionManager) -> None:
        self.manager = manager

    # -- helpers --------------------------------------------------------------------------
    def _session(self, request: Request) -> Session:
        s = self.manager.get(request.path_params["sid"])
        if s is None:
            raise LookupError("no such session (it may have expired); reload the page")
        return s

    @staticmethod
    async def _json(request: Request) -> dict[str, Any]:
        body = await request.body()
        if not body.strip():
            return {}
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != "application/json":
            raise ConfigError("send JSON with Content-Type: application/json")
        try:
            data = json.loads(body)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"request body is not valid JSON ({exc.msg})") from exc
        if not isinstance(data, dict):
            raise ConfigError("request body must be a JSON object")
        return data

    async def _handle(self, request: Request, fn: Any) -> Response:
        """Run a handler, turning expected failures into one-line JSON errors."""
        try:
            return await fn(request)
        except LookupError as exc:
            return _error(404, str(exc).strip("'\""))
        except (ConfigError, DataError) as exc:
            return _error(400, str(exc))
        except SessionLimitError as exc:
            return _error(503, str(exc))

    # -- routes ---------------------------------------------------------------------------
    async def index(self, request: Request) -> Response:
        return FileResponse(static_dir() / "index.html", media_type="text/html")

    async def get_meta(self, request: Request) -> Response:
        return JSONResponse(meta())

    async def create(self, request: Request) -> Response:
        async def go(request: Request) -> Response:
            body = await self._json(request)
            config = Config.from_query(body.get("config", {}))
            session = await run_in_threadpool(self.manager.create, config)
            state = await run_in_threadpool(session.snapshot, True)
            return JSONResponse({"id": session.id, "state": state}, status_code=201)

        return await self._handle(request, go)

    async def state(self, request: Request) -> Response:
        async def go(request: Request) -> Response:
            s = self._session(request)
            return JSONResponse(await run_in_threadpool(s.snapshot, True))

        return await self._handle(request, go)

    async def delete(self, request: Request) -> Response:
        async def go(request: Request) -> Response:
            if not await run_in_threadpool(self.manager.delete, request.path_params["sid"]):
                raise LookupError("no such session")
            return JSONResponse({"deleted": True})

        return await self._handle(request, go)

    async def config(self, request: Request) -> Response:
        async def go(request: Request) -> Response:
            s = self._session(request)
            body = await self._json(request)
            await run_in_threadpool(s.configure, body)
            return JSONResponse(await run_in_threadpool(s.snapshot, True))

        return await self._handle(request, go)

    async def csv(self, request: Request) -> Response:
        async def go(request: Request) -> Response:
            s = self._session(request)
            ctype = request.headers.get("content-type", "").lower()
            if ctype.startswith("multipart/form-data"):
                form = await request.form(
                    max_files=1, max_fields=4, max_part_size=MAX_CSV_BYTES + 1
                )
                upload = form.get("file")
                if upload is None or isinstance(upload, str):
                    raise DataError("the form needs a file field named 'file'")
                raw = await upload.read(MAX_CSV_BYTES + 1)
            elif ctype.startswith(("text/csv", "text/plain")):
                raw = await request.body()
            else:
                raise DataError("upload the CSV as text/csv or as a multipart form field 'file'")
            data = await run_in_threadpool(parse_csv, raw)
            await run_in_threadpool(s.upload_csv, data)
            return JSONResponse(await run_in_threadpool(s.snapshot, True))

        return await self._handle(request, go)

    async def action(self, request: Request) -> Response:
        async def go(request: Request) -> Response:
            s = self._session(request)
            name = request.path_params["action"]
            body = await self._json(request)
            result: Any = None
            if name == "play":
                s.play()
            elif name == "pause":
                s.pause()
            elif name == "step":
                n = body.get("n", 1)
                if not isinstance(n, int) or not 1 <= n <= 1000:
                    raise ConfigError("step: n must be an integer from 1 to 1000")
                await run_in_threadpool(s.step, n)
            elif name == "phase":
                result = await run_in_threadpool(s.phase)
            elif name == "term":
                result = await run_in_threadpool(s.next_term)
            elif name == "reset":
                result = {"seed": await run_in_threadpool(s.reset, bool(body.get("new_seed")))}
            else:
                raise LookupError(f"unknown action {name!r}")
            state = await run_in_threadpool(s.snapshot, False)
            return JSONResponse({"result": _clean(result), "state": state})

        return await self._handle(request, go)

    async def weight(self, request: Request) -> Response:
        async def go(request: Request) -> Response:
            s = self._session(request)
            try:
                layer, j, i = (int(request.query_params[k]) for k in ("layer", "j", "i"))
            except (KeyError, ValueError) as exc:
                raise ConfigError("weight: give integer query parameters layer, j and i") from exc

            def look() -> dict[str, Any]:
                with s.lock:
                    return _clean(s.run.chain_factors(layer, j, i))

            return JSONResponse(await run_in_threadpool(look))

        return await self._handle(request, go)

    async def events(self, request: Request) -> Response:
        try:
            s = self._session(request)
        except LookupError as exc:
            return _error(404, str(exc).strip("'\""))
        manager = self.manager

        async def stream() -> Any:
            s.viewers += 1
            try:
                async for event in changes():
                    yield event
            finally:
                s.viewers -= 1

        async def changes() -> Any:
            last_version, last_data, quiet = -1, -1, 0.0
            while manager.get(s.id) is s and not manager.closing.is_set():
                if s.version != last_version:
                    with_points = s.data_version != last_data
                    data_version = s.data_version
                    snap = await run_in_threadpool(s.snapshot, with_points)
                    last_version, last_data, quiet = snap["version"], data_version, 0.0
                    yield f"event: state\ndata: {json.dumps(snap, allow_nan=False)}\n\n"
                elif quiet > HEARTBEAT_SECONDS:
                    quiet = 0.0
                    yield ": keep-alive\n\n"
                await asyncio.sleep(EVENT_INTERVAL)
                quiet += EVENT_INTERVAL
            yield "event: closed\ndata: {}\n\n"

        return StreamingResponse(
            stream(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )


def create_app(
    host: str = "127.0.0.1",
    port: int = 8000,
    allowed_hosts: list[str] | tuple[str, ...] = (),
    manager: SessionManager | None = None,
    max_body: int = MAX_BODY_BYTES,
) -> Any:
    """Build the ASGI app for a server bound to ``host:port``.

    Parameters
    ----------
    host, port : str, int
        Where the server listens; the Host-header check accepts exactly this
        (and ``localhost`` for a loopback address).
    allowed_hosts : list of str
        Extra host names to accept (e.g. the machine's DNS name with ``--host``).
    manager : SessionManager, optional
        Session store (a fresh one by default).
    max_body : int
        Largest accepted request body in bytes.

    Returns
    -------
    The Starlette app wrapped in :class:`~retrograd.playground.security.GuardMiddleware`.

    Examples
    --------
    >>> app = create_app("127.0.0.1", 8765)   # serve with uvicorn.run(app, ...)
    """
    manager = manager if manager is not None else SessionManager()
    h = PlaygroundApp(manager)
    sid = "/api/sessions/{sid:str}"
    routes = [
        Route("/", h.index),
        Route("/api/meta", h.get_meta),
        Route("/api/sessions", h.create, methods=["POST"]),
        Route(sid, h.state, methods=["GET"]),
        Route(sid, h.delete, methods=["DELETE"]),
        Route(sid + "/config", h.config, methods=["POST"]),
        Route(sid + "/csv", h.csv, methods=["POST"]),
        Route(sid + "/weight", h.weight, methods=["GET"]),
        Route(sid + "/events", h.events, methods=["GET"]),
        Route(sid + "/{action:str}", h.action, methods=["POST"]),
        Mount(
            "/static", app=StaticFiles(directory=static_dir(), follow_symlink=False), name="static"
        ),
    ]
    app = Starlette(routes=routes)
    app.state.manager = manager
    return GuardMiddleware(app, HostPolicy(host, port, allowed_hosts), max_body=max_body)
