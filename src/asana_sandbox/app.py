"""The ``/api/1.0`` part of the sandbox: auth, limits, faults, parsing, dispatch.

The Starlette app that serves it (and the ``/_sandbox`` control API) is built in
:mod:`asana_sandbox.control`.

Adding a route
--------------
A handler is a function (sync or ``async``) taking one :class:`~asana_sandbox.routing.Call`
and returning a :class:`~asana_sandbox.responses.Reply`::

    from asana_sandbox.routing import Call, Route

    def get_tag(call: Call) -> Reply:
        tag = call.backend.get_tag(call.params["tag_gid"])   # raises NotFound -> 404
        return call.single("tag", tag)                       # {"data": <full view / opt_fields>}

    routes = [Route("GET", "/tags/{tag_gid}", get_tag)]

``call.params`` holds path parameters, ``call.query`` the query string, ``call.data`` the body's
fields (JSON ``data``, form or multipart), ``call.request`` the whole
:class:`~asana_sandbox.parsing.ParsedRequest`; ``call.api`` is the :class:`Api` (settings,
faults, ``execute``), ``call.user_gid`` the token's owner. Reply with ``call.single(kind,
record, status)``, ``call.listing(kind, records)`` (pagination rules included), ``call.empty()``
or ``Reply(status, body, headers)`` for anything else. Raise :mod:`asana_sandbox.errors` to fail.

A module listed in :data:`ROUTE_MODULES` contributes its ``routes`` list; the optional modules
``events``, ``webhooks`` and ``batch`` are picked up when present. A module may also define
``install(api)`` to attach listeners or background tasks to an :class:`Api` when it is built.
Spec operations without a route answer 404 "not implemented in the sandbox".
"""

from __future__ import annotations

import importlib
import inspect
import json
import logging
import traceback
from collections import Counter, deque
from importlib import resources
from typing import Any, Callable

import httpx
from starlette.requests import Request

from .errors import (AsanaError, BadRequest, NotAuthorized, NotFound, ServerError,
                     ServiceUnavailable, TooManyRequests)
from .faults import Faults
from .limits import RateLimiter
from .parsing import (ParsedRequest, UploadedFile, parse_form_items, parse_json_body,
                      parse_options, parse_query)
from .responses import Reply, encode_json
from .routing import Call, Route, RouteTable

log = logging.getLogger("asana_sandbox")

API_PREFIX = "/api/1.0"
ROUTE_MODULES = ("handlers.users", "handlers.projects", "handlers.tasks", "handlers.misc")
OPTIONAL_MODULES = ("events", "webhooks", "batch")
_JSON_TYPE = [(b"content-type", b"application/json; charset=UTF-8")]


def spec_operations() -> list[tuple[str, str, str, str]]:
    """(method, path, operationId, tag) for every operation of Asana's spec.

    ``spec_operations.json`` is extracted from Asana's OpenAPI file (``paths`` -> each
    get/post/put/delete -> ``operationId`` and its first tag), so the sandbox can tell
    "not implemented" from "no such route" without loading the 3 MB spec.
    """
    text = resources.files(__package__).joinpath("spec_operations.json").read_text("utf-8")
    return [tuple(item) for item in json.loads(text)]


def _load_modules() -> list[Any]:
    modules = [importlib.import_module(f"{__package__}.{name}") for name in ROUTE_MODULES]
    for name in OPTIONAL_MODULES:
        try:
            modules.append(importlib.import_module(f"{__package__}.{name}"))
        except ModuleNotFoundError as error:
            if error.name != f"{__package__}.{name}":
                raise
    return modules


class RequestLog:
    """Counts per ``"METHOD /route/{template}"`` and the last requests (for benchmarks)."""

    def __init__(self, keep: int = 1000) -> None:
        self.counts: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()
        self.recent: deque[dict[str, Any]] = deque(maxlen=keep)
        self.total = 0

    def add(self, method: str, path: str, template: str | None, status: int) -> None:
        self.total += 1
        self.counts[f"{method} {template or path}"] += 1
        self.statuses[status] += 1
        self.recent.append({"method": method, "path": path, "status": status})

    def clear(self) -> None:
        self.counts.clear()
        self.statuses.clear()
        self.recent.clear()
        self.total = 0

    def to_json(self) -> dict[str, Any]:
        return {"total": self.total, "counts": dict(self.counts),
                "statuses": {str(k): v for k, v in self.statuses.items()},
                "recent": list(self.recent)}


class Api:
    """The ``/api/1.0`` part: auth, limits, faults, parsing, dispatch, persistence."""

    def __init__(self, backend: Any, *, tokens: dict[str, str], settings: Any, faults: Faults,
                 clock: Any, data_file: str | None = None,
                 persist: Callable[[], None] | None = None) -> None:
        self.backend = backend
        self.tokens = tokens
        self.oauth_tokens: set[str] = set()  # tokens that act as OAuth apps (may set external)
        self.settings = settings
        self.faults = faults
        self.clock = clock
        self.limiter = RateLimiter(settings, clock)
        self.log = RequestLog()
        self.persist = persist
        self.reload: Callable[[], None] | None = None
        self.routes = RouteTable()
        self.modules = _load_modules()
        for module in self.modules:
            for route in getattr(module, "routes", ()):
                self.routes.add(route)
        emulated = {(r.method, r.path) for r in self.routes.routes}
        self.unemulated = RouteTable(
            Route(method, path, _not_implemented)
            for method, path, _, _ in spec_operations() if (method, path) not in emulated
        )
        for module in self.modules:
            install = getattr(module, "install", None)
            if install is not None:
                install(self)

    # ------------------------------------------------------------------ ASGI
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        method = scope["method"]
        path = scope["path"][len(API_PREFIX):] or "/"
        headers = dict(scope["headers"])
        reply, template, drop = await self._handle(scope, receive, method, path, headers)
        self.log.add(method, path, template, reply.status)
        if drop:
            await send({"type": "http.response.start", "status": reply.status,
                        "headers": _JSON_TYPE + [(b"content-length", b"4096")]})
            await send({"type": "http.response.body", "body": b'{"data":', "more_body": True})
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a complete response (sandbox fault: "
                "drop-after-commit; the write was applied)")
        pretty = reply.headers.pop("_pretty", None) == "1"
        body = encode_json(reply.body, pretty)
        raw_headers = _JSON_TYPE + [(b"content-length", str(len(body)).encode())]
        for name, value in reply.headers.items():
            raw_headers.append((name.lower().encode("latin-1"), value.encode("latin-1")))
        await send({"type": "http.response.start", "status": reply.status, "headers": raw_headers})
        await send({"type": "http.response.body", "body": body})

    async def _handle(self, scope: dict[str, Any], receive: Any, method: str, path: str,
                      headers: dict[bytes, bytes]) -> tuple[Reply, str | None, bool]:
        found = self.routes.find(method, path)
        route = found[0] if found else None
        template = route.path if route else None
        token = _bearer(headers.get(b"authorization"))
        user_gid = self.tokens.get(token) if token else None
        if user_gid is None:
            return _error_reply(NotAuthorized()), template, False
        settings = self.settings
        is_get = method == "GET"
        acquired = False
        try:
            # The batch wrapper itself is free: only its actions count (batch.py counts them).
            if settings.rate_limits and not (route is not None and route.kind == "batch"):
                self.limiter.check(token, self.quota_for(user_gid), is_get=is_get,
                                   is_search=route is not None and route.kind == "search")
                retry = max(1, int(self.faults.latency_ms / 1000 + 1))
                self.limiter.acquire(token, is_get, retry)
                acquired = True
            faults = self.faults
            if faults.active:
                delay = faults.delay()
                if delay:
                    await self.clock.sleep(delay)
                rule = faults.take_scripted(method, path, template)
                if rule is not None:
                    return _scripted_reply(rule.status, rule.retry_after), template, False
                status = faults.random_error()
                if status is not None:
                    return _scripted_reply(status, None), template, False
            try:
                request = await self._parse(scope, receive, method, path, headers, token)
            except AsanaError:
                raise
            except Exception as error:  # malformed multipart, undecodable bytes...
                raise BadRequest(f"Could not parse the request: {error}") from None
            if found is None:
                return self._no_route(method, path), None, False
            reply = await self.execute_route(route, found[1], request, user_gid)
            drop = False
            if not is_get and reply.status < 400:
                self.save_state()
                drop = faults.active and faults.take_drop(method, path, template)
            return reply, template, drop
        except AsanaError as error:
            return _error_reply(error), template, False
        finally:
            if acquired:
                self.limiter.release(token, is_get)

    def quota_for(self, user_gid: str) -> int:
        settings = self.settings
        if settings.quota is not None:
            return settings.quota
        user = self.backend.users.get(user_gid)
        premium = user is not None and any(self.backend.is_premium(w) for w in user["workspaces"])
        return settings.paid_quota if premium else settings.free_quota

    async def _parse(self, scope: dict[str, Any], receive: Any, method: str, path: str,
                     headers: dict[bytes, bytes], token: str) -> ParsedRequest:
        query_string = scope.get("query_string", b"").decode("latin-1")
        query = parse_query(query_string)
        options = parse_options(query, "query")
        data: dict[str, Any] = {}
        files: dict[str, UploadedFile] = {}
        if method != "GET":
            content_type = headers.get(b"content-type", b"").decode("latin-1").lower()
            if content_type.startswith("multipart/form-data"):
                request = Request(scope, receive)
                form = await request.form(max_part_size=100 * 1024 * 1024 + 1)
                items = []
                for key, value in form.multi_items():
                    if hasattr(value, "read"):
                        files[key] = UploadedFile(value.filename or "upload",
                                                  value.content_type or "application/octet-stream",
                                                  await value.read())
                    else:
                        items.append((key, value))
                data, body_options = parse_form_items(items)
            else:
                body = await _read_body(receive)
                if content_type.startswith("application/x-www-form-urlencoded"):
                    from urllib.parse import parse_qsl

                    data, body_options = parse_form_items(
                        parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
                else:
                    data, body_options = parse_json_body(body)
            options.update(body_options)
        base_url = _base_url(scope, headers)
        return ParsedRequest(method, path, query=query, query_string=query_string, data=data,
                             options=options, files=files, base_url=base_url, token=token)

    def save_state(self) -> None:
        """Write the data file (when there is one); 500 if it cannot be written."""
        if self.persist is None:
            return
        try:
            self.persist()
        except OSError as error:
            log.error("sandbox could not save its data file: %s", error)
            raise ServerError("Server Error: the sandbox could not save its data file") from None

    async def execute_route(self, route: Route, params: dict[str, str], request: ParsedRequest,
                            user_gid: str) -> Reply:
        """Run one handler as ``user_gid``; AsanaErrors become error replies."""
        backend = self.backend
        if self.reload is not None:
            self.reload()
        backend.acting_user = user_gid
        backend.acting_oauth = request.token in self.oauth_tokens
        backend.public_base = request.base_url
        try:
            task_gid = params.get("task_gid")
            if task_gid is not None and task_gid.startswith("external:"):
                params = dict(params, task_gid=backend.resolve_external(task_gid))
            result = route.handler(Call(self, request, params, user_gid))
            if inspect.isawaitable(result):
                result = await result
        except AsanaError as error:
            return _error_reply(error)
        except Exception:
            log.error("sandbox handler failed on %s %s\n%s", request.method, request.path,
                      traceback.format_exc())
            return _error_reply(ServerError("Server Error"))
        if request.pretty:
            result.headers["_pretty"] = "1"
        return result

    async def execute(self, request: ParsedRequest, user_gid: str) -> Reply:
        """Dispatch a parsed request (no auth, limits or faults): for batch actions."""
        found = self.routes.find(request.method, request.path)
        if found is None:
            return self._no_route(request.method, request.path)
        return await self.execute_route(found[0], found[1], request, user_gid)

    def _no_route(self, method: str, path: str) -> Reply:
        spec = self.unemulated.find(method, path)
        if spec is not None:
            return _error_reply(NotFound(
                f"{method} {spec[0].path} is not implemented in the sandbox"))
        return _error_reply(NotFound("No matching route for request"))


def _not_implemented(call: Call) -> Reply:  # pragma: no cover - never dispatched
    raise NotFound("not implemented in the sandbox")


def _bearer(value: bytes | None) -> str | None:
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text[:7].lower() != "bearer ":
        return None
    return text[7:].strip() or None


def _base_url(scope: dict[str, Any], headers: dict[bytes, bytes]) -> str:
    host = headers.get(b"host")
    scheme = scope.get("scheme", "http")
    if host:
        return f"{scheme}://{host.decode('latin-1')}"
    server = scope.get("server")
    if server:
        return f"{scheme}://{server[0]}:{server[1]}"
    return f"{scheme}://asana-sandbox.local"


async def _read_body(receive: Any) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def _error_reply(error: AsanaError) -> Reply:
    return Reply(error.status, error.body(), dict(error.headers))


_STATUS_ERRORS = {
    400: "Bad Request", 401: "Not Authorized", 402: "Payment Required", 403: "Forbidden",
    404: "Not Found", 429: None, 500: "Server Error", 502: "Bad Gateway",
    503: "Service Unavailable", 504: "Gateway Timeout",
}


def _scripted_reply(status: int, retry_after: int | None) -> Reply:
    """The answer to a scripted or random fault: Asana's error shape for ``status``."""
    if status == 429:
        return _error_reply(TooManyRequests(retry_after or 1))
    error = AsanaError(_STATUS_ERRORS.get(status) or f"Sandbox fault {status}")
    error.status = status
    if status == 503:
        error = ServiceUnavailable("Service Unavailable")
    if retry_after:
        error.headers["Retry-After"] = str(retry_after)
    return _error_reply(error)
