"""Fixtures for the operation tests: a fresh in-process sandbox per test and a way to run jobs.

- ``sb``: the sandbox (demo seed).
- ``configuration``: ``{"token", "baseUrl", "workspaceGid"}`` pointing at it.
- ``recorder``: the transport every run uses; forwards to ``sb.transport()`` and records each
  request (``recorder.requests``: method, path, query, json body, raw content, headers).
- ``ctx``: a :class:`RunContext` on that transport (its cache lives for the whole test).
- ``run(*ops, state=None)``: runs operations synchronously and returns the final state; the
  state gets ``configuration`` unless it has one.
- ``api(method, path, **kw)``: a direct, synchronous call to the sandbox's HTTP API (for
  reading back what an operation did); returns the decoded JSON body (``data`` unwrapped).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from asana_adaptor.runtime import RunContext, execute


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    content: bytes
    json: Any = None
    status: int | None = None


@dataclass
class RecordingTransport(httpx.AsyncBaseTransport):
    """Forwards every request to ``inner`` and records it (and the status it got)."""

    inner: httpx.AsyncBaseTransport
    requests: list[RecordedRequest] = field(default_factory=list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        content = await request.aread()
        try:
            body = json.loads(content) if content else None
        except ValueError:
            body = None
        path = request.url.path
        if path.startswith("/api/1.0"):
            path = path[len("/api/1.0"):]
        record = RecordedRequest(
            method=request.method,
            path=path,
            query=dict(parse_qsl(request.url.query.decode(), keep_blank_values=True)),
            headers=dict(request.headers),
            content=content,
            json=body,
        )
        self.requests.append(record)
        response = await self.inner.handle_async_request(request)
        record.status = response.status_code
        return response

    def calls(self, method: str | None = None, path: str | None = None) -> list[RecordedRequest]:
        """The recorded requests, filtered by method and/or exact path."""
        return [
            r
            for r in self.requests
            if (method is None or r.method == method) and (path is None or r.path == path)
        ]


@pytest.fixture
def sb():
    from asana_sandbox import Sandbox

    sandbox = Sandbox(seed="demo")
    yield sandbox
    sandbox.close()


@pytest.fixture
def configuration(sb) -> dict[str, Any]:
    return {"token": sb.token, "baseUrl": sb.base_url, "workspaceGid": sb.workspace_gid}


@pytest.fixture
def recorder(sb) -> RecordingTransport:
    return RecordingTransport(sb.transport())


@pytest.fixture
def ctx(recorder) -> RunContext:
    return RunContext(transport=recorder)


@pytest.fixture
def run(ctx, configuration):
    """``run(*ops, state=None)`` -> final state, run in a fresh event loop on ``ctx``."""

    def _run(*ops: Any, state: dict[str, Any] | None = None) -> dict[str, Any]:
        start = dict(state or {})
        start.setdefault("configuration", configuration)

        async def main() -> dict[str, Any]:
            try:
                return await execute(*ops).run_async(start, ctx)
            finally:
                await ctx.aclose()  # clients belong to this loop; the cache stays

        return asyncio.run(main())

    return _run


@pytest.fixture
def api(sb):
    """``api(method, path, params=None, json=None)`` -> the decoded body of a direct call."""

    def _api(method: str, path: str, params: dict | None = None, json: Any = None) -> Any:
        async def main() -> Any:
            async with httpx.AsyncClient(
                transport=sb.transport(),
                base_url=f"{sb.base_url}/api/1.0",
                headers={"Authorization": f"Bearer {sb.token}"},
            ) as client:
                response = await client.request(method, path, params=params, json=json)
                return response.status_code, response.json()

        status, body = asyncio.run(main())
        if status >= 400:
            return {"status": status, **body}
        return body.get("data", body)

    return _api


@pytest.fixture
def project_gid(sb) -> str:
    return sb.project_gid("Grievances")


@pytest.fixture
def field_ops_gid(sb) -> str:
    return sb.project_gid("Field Operations")
