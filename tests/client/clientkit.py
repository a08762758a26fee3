"""Shared pieces for the client tests: run a coroutine, script a transport, build a client."""

from __future__ import annotations

import asyncio
import json
from typing import Any, Callable, Iterable

import httpx
from asana_adaptor.client import AsanaClient, RateLimiter, RetryPolicy, VirtualClock, no_jitter

TOKEN = "2/1209876543210/1209999999999:9f8e7d6c5b4a"
BASE = "https://app.asana.com/api/1.0"


def run(coro: Any) -> Any:
    """Run a coroutine to completion in a fresh event loop."""
    return asyncio.run(coro)


class Script:
    """A MockTransport handler that answers from a list and records every request it saw.

    Each entry is an ``httpx.Response``, an exception instance to raise, or a callable
    ``(request) -> Response``; the last entry repeats when the list runs out.
    """

    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers) or [httpx.Response(200, json={"data": {}})]
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, BaseException):
            raise answer
        if callable(answer):
            return answer(request)
        return answer

    def bodies(self) -> list[Any]:
        """The JSON bodies of the requests seen, in order."""
        return [json.loads(r.content) if r.content else None for r in self.requests]


def ok(data: Any = None, status: int = 200, **extra: Any) -> httpx.Response:
    """An Asana success envelope."""
    return httpx.Response(status, json={"data": {} if data is None else data, **extra})


def err(status: int, *messages: str, headers: dict | None = None, **fields: Any) -> httpx.Response:
    """An Asana error envelope."""
    errors = [{"message": m, **fields} for m in messages] or [{"message": "Boom", **fields}]
    return httpx.Response(status, json={"errors": errors}, headers=headers)


def make_client(handler: Callable | httpx.AsyncBaseTransport, clock: VirtualClock | None = None,
                configuration: dict | None = None, **kw: Any) -> AsanaClient:
    """A client on ``handler`` whose retries and limiter run on a virtual clock."""
    clock = clock or VirtualClock()
    transport = handler if isinstance(handler, httpx.AsyncBaseTransport) else httpx.MockTransport(handler)
    kw.setdefault("retry", RetryPolicy(sleep=clock.sleep, clock=clock.time, jitter=no_jitter))
    kw.setdefault("limiter", RateLimiter(sleep=clock.sleep, clock=clock.time))
    return AsanaClient(configuration or {"token": TOKEN}, transport=transport, **kw)


async def call(client: AsanaClient, method: str, path: str, **kw: Any) -> Any:
    """One request, then close the client; returns the response or the raised error."""
    try:
        return await client.request(method, path, **kw)
    except Exception as error:  # the test inspects it
        return error
    finally:
        await client.aclose()


def all_text(records: Iterable[Any]) -> str:
    """Every log record's formatted message, joined."""
    return "\n".join(r.getMessage() for r in records)
