"""The Starlette app of a sandbox: the Asana API plus the control API under ``/_sandbox``.

Control API (JSON, no auth; it is a local test tool):

- ``GET /_sandbox``: seed, demo workspace and project gids.
- ``POST /_sandbox/reset`` ``{"seed"?}``: back to a freshly seeded state.
- ``POST /_sandbox/seed`` ``{"seed": "demo"|"empty"}``: load a seed.
- ``GET|POST|PUT|DELETE /_sandbox/faults``: read, add to, replace or clear the faults
  (``latency_ms``, ``jitter_ms``, ``error_rate``, ``error_statuses``, ``page_size``,
  ``scripted: [{path, status, count, method?, retry_after?}]``,
  ``drops: [{path?, count, method?}]``).
- ``GET|POST /_sandbox/settings``: read or change :class:`~asana_sandbox.settings.SandboxSettings`.
- ``GET|DELETE /_sandbox/requests``: the request log (counts per method and route) or clear it.
- ``GET /_sandbox/attachments/{gid}/download``: an uploaded file's bytes.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route as StarletteRoute

from .app import API_PREFIX

def build_app(sandbox: Any) -> Starlette:
    """The Starlette app of a :class:`~asana_sandbox.Sandbox`."""
    api = sandbox.api

    async def reset(request: Request) -> Response:
        document = await _json(request)
        sandbox.reset(seed=document.get("seed"))
        return JSONResponse({"data": sandbox.describe()})

    async def seed(request: Request) -> Response:
        document = await _json(request)
        sandbox.reset(seed=document.get("seed") or document.get("name") or "demo")
        return JSONResponse({"data": sandbox.describe()})

    async def faults(request: Request) -> Response:
        if request.method == "DELETE":
            sandbox.faults.clear()
        elif request.method in ("POST", "PUT"):
            document = await _json(request)
            if request.method == "PUT":
                sandbox.faults.clear()
            try:
                sandbox.faults.update(document)
            except (KeyError, TypeError, ValueError, AttributeError) as error:
                return _control_error(f"faults: {error}")
        return JSONResponse({"data": sandbox.faults.to_json()})

    async def settings(request: Request) -> Response:
        current = sandbox.settings
        if request.method in ("POST", "PUT"):
            document = await _json(request)
            for name, value in document.items():
                if not hasattr(current, name):
                    return _control_error(f"{name}: Unknown setting")
                if not _same_type(getattr(current, name), value, name == "quota"):
                    return _control_error(f"{name}: Expected a value like "
                                          f"{getattr(current, name)!r}, got {value!r}")
            for name, value in document.items():
                if name == "search_index_lag":
                    sandbox.backend.set_search_index_lag(value)
                else:
                    setattr(current, name, value)
        return JSONResponse({"data": dict(vars(current))})

    async def requests_log(request: Request) -> Response:
        if request.method == "DELETE":
            api.log.clear()
        return JSONResponse({"data": api.log.to_json()})

    async def info(request: Request) -> Response:
        return JSONResponse({"data": sandbox.describe()})

    async def download(request: Request) -> Response:
        gid = request.path_params["gid"]
        record = sandbox.backend.attachments.get(gid)
        blob = sandbox.backend.blobs.get(gid)
        if record is None or blob is None:
            return JSONResponse({"errors": [{"message": f"Unknown object: {gid}"}]}, 404)
        return Response(blob, media_type=record.get("_content_type", "application/octet-stream"))

    async def not_found(request: Request) -> Response:
        return JSONResponse({"errors": [{"message": "No matching route for request"}]}, 404)

    routes = [
        StarletteRoute(API_PREFIX + "/{rest:path}", api, methods=None),
        StarletteRoute("/_sandbox", info, methods=["GET"]),
        StarletteRoute("/_sandbox/reset", reset, methods=["POST"]),
        StarletteRoute("/_sandbox/seed", seed, methods=["POST"]),
        StarletteRoute("/_sandbox/faults", faults, methods=["GET", "POST", "PUT", "DELETE"]),
        StarletteRoute("/_sandbox/settings", settings, methods=["GET", "POST", "PUT"]),
        StarletteRoute("/_sandbox/requests", requests_log, methods=["GET", "DELETE"]),
        StarletteRoute("/_sandbox/attachments/{gid}/download", download, methods=["GET"]),
        StarletteRoute("/{rest:path}", not_found),
    ]
    return Starlette(routes=routes)


async def _json(request: Request) -> dict[str, Any]:
    body = await request.body()
    if not body.strip():
        return {}
    try:
        document = json.loads(body)
    except ValueError:
        return {}
    return document if isinstance(document, dict) else {}


def _control_error(message: str) -> Response:
    return JSONResponse({"errors": [{"message": message}]}, 400)


def _same_type(current: Any, value: Any, nullable: bool) -> bool:
    if value is None:
        return nullable
    if isinstance(current, bool) or isinstance(value, bool):
        return isinstance(current, bool) and isinstance(value, bool)
    if isinstance(current, (int, float)) or current is None:
        return isinstance(value, (int, float))
    return isinstance(value, type(current))
