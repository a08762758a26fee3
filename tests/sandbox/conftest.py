"""Fixtures: a fresh demo sandbox per test and a small synchronous httpx client over it.

Every response seen by :class:`SyncApi` is appended to ``EXCHANGES`` (for conformance checks).
"""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, TypeVar

import httpx
import pytest

import openapi_check
from asana_sandbox import ManualClock, Sandbox

T = TypeVar("T")
EXCHANGES: list[httpx.Response] = []


class SyncApi:
    """A real ``httpx.AsyncClient`` on the sandbox's ASGI transport, driven synchronously."""

    def __init__(self, sandbox: Sandbox, token: str | None = None) -> None:
        self.sandbox = sandbox
        self.loop = asyncio.new_event_loop()
        headers = {"Authorization": f"Bearer {token or sandbox.token}"} if token != "" else {}

        async def record(response: httpx.Response) -> None:
            await response.aread()
            EXCHANGES.append(response)
            if openapi_check.spec_available():
                openapi_check.assert_response_conforms(response)

        self.client = httpx.AsyncClient(
            transport=sandbox.transport(), base_url=f"{sandbox.base_url}/api/1.0",
            headers=headers, event_hooks={"response": [record]},
        )

    def run(self, awaitable: Awaitable[T]) -> T:
        return self.loop.run_until_complete(awaitable)

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.run(self.client.request(method, path, **kwargs))

    def get(self, path: str, params: Any = None, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, params=params, **kwargs)

    def post(
        self, path: str, data: Any = None, *, options: Any = None, **kwargs: Any
    ) -> httpx.Response:
        if data is not None or options is not None:
            body: dict[str, Any] = {"data": data if data is not None else {}}
            if options is not None:
                body["options"] = options
            kwargs["json"] = body
        return self.request("POST", path, **kwargs)

    def put(self, path: str, data: Any = None, **kwargs: Any) -> httpx.Response:
        if data is not None:
            kwargs["json"] = {"data": data}
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)

    def close(self) -> None:
        self.run(self.client.aclose())
        self.loop.close()


def _ok(response: httpx.Response, status: int = 200) -> Any:
    """The ``data`` of a response that must have ``status``."""
    assert response.status_code == status, response.text
    return response.json()["data"]


def _error_message(response: httpx.Response, status: int) -> str:
    """The first error message of a response that must have ``status``."""
    assert response.status_code == status, response.text
    errors = response.json()["errors"]
    assert errors and isinstance(errors[0]["message"], str)
    return errors[0]["message"]


@pytest.fixture
def ok() -> Callable[..., Any]:
    """``ok(response, status=200)``: the ``data`` of a response that must have ``status``."""
    return _ok


@pytest.fixture
def error_message() -> Callable[..., str]:
    """``error_message(response, status)``: the first error message, status checked."""
    return _error_message


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def sandbox(clock: ManualClock) -> Sandbox:
    return Sandbox(clock=clock)


@pytest.fixture
def api(sandbox: Sandbox) -> Any:
    client = SyncApi(sandbox)
    yield client
    client.close()


@pytest.fixture
def make_api() -> Any:
    """Build more clients: ``make_api(sandbox, token=...)``."""
    made: list[SyncApi] = []

    def build(sandbox: Sandbox, token: str | None = None) -> SyncApi:
        client = SyncApi(sandbox, token)
        made.append(client)
        return client

    yield build
    for client in made:
        client.close()


@pytest.fixture
def grievances(sandbox: Sandbox) -> str:
    return sandbox.project_gid("Grievances")


@pytest.fixture
def new_task(api: SyncApi, grievances: str) -> Callable[..., dict[str, Any]]:
    """Create a task in Grievances (extra fields as keyword arguments)."""

    def create(name: str = "A grievance", **fields: Any) -> dict[str, Any]:
        data = {"name": name, "projects": [grievances], **fields}
        return _ok(api.post("/tasks", data), 201)

    return create
