"""The run context: what one run of a job or workflow shares.

A :class:`RunContext` holds the injected HTTP transport (the network in production, the
sandbox in tests and rehearsals), the clock (``cursor("today")`` reads it), the logger,
per-run caches (custom field settings, upsert indexes...) and the Asana clients made from
each configuration. It is set for the duration of a run in a context variable, so
operations reach it without any global configuration.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable, Mapping, TypeVar

import httpx

__all__ = ["RunContext", "current_context", "run_sync", "using_context"]

T = TypeVar("T")

_current: contextvars.ContextVar["RunContext | None"] = contextvars.ContextVar(
    "asana_adaptor_run_context", default=None
)


class RunContext:
    """What one run shares. Build one per run; close it with :meth:`aclose`."""

    def __init__(
        self,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        logger: logging.Logger | None = None,
        client_options: Mapping[str, Any] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.transport = transport
        self.clock = clock or _utc_now
        self.logger = logger or logging.getLogger("asana_adaptor")
        self.client_options: dict[str, Any] = dict(client_options or {})
        self.cache: dict[Any, Any] = {}
        self._clients: dict[str, Any] = {}

    def now(self) -> datetime:
        """The current time (timezone-aware) from the run's clock; inject ``clock=`` in tests."""
        moment = self.clock()
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)

    def client(self, configuration: Mapping[str, Any] | None) -> Any:
        """The :class:`~asana_adaptor.client.AsanaClient` for ``configuration`` (one per run)."""
        from ..client import AsanaClient  # the runtime does not need the client to load

        key = json.dumps(configuration or {}, sort_keys=True, default=str)
        found = self._clients.get(key)
        if found is None:
            found = AsanaClient(
                configuration or {},
                transport=self.transport,
                logger=self.logger,
                **self.client_options,
            )
            self._clients[key] = found
        return found

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def current_context() -> RunContext | None:
    """The context of the run in progress, or ``None`` outside a run."""
    return _current.get()


class using_context:
    """``async with using_context(ctx):`` makes ``ctx`` current for the block."""

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx
        self._token: contextvars.Token | None = None

    async def __aenter__(self) -> RunContext:
        self._token = _current.set(self.ctx)
        return self.ctx

    async def __aexit__(self, *exc: object) -> None:
        if self._token is not None:
            _current.reset(self._token)


def run_sync(
    work: Callable[[RunContext], Awaitable[T]],
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    context: RunContext | None = None,
    what: str = "execute(...)(state)",
) -> T:
    """Run ``work(ctx)`` to completion from synchronous code, in a fresh event loop.

    ``what`` names the synchronous call in the error raised inside a running event loop.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        raise RuntimeError(
            f"{what} is synchronous and cannot run inside an event loop; "
            "use `await execute(...).run_async(state)` instead"
        )

    async def main() -> T:
        ctx = context or RunContext(transport=transport)
        try:
            async with using_context(ctx):
                return await work(ctx)
        finally:
            if context is None:
                await ctx.aclose()

    return asyncio.run(main())
