"""AsanaClient: every call to Asana goes through :meth:`AsanaClient.request`.

    client = AsanaClient({"token": token})                 # or transport=sandbox.transport()
    task = (await client.get("/tasks/123", {"opt_fields": "name"})).data
    created = await client.post("/tasks", {"name": "Call back", "projects": ["456"]})
    tasks = await client.get_all("/projects/456/tasks")
    await client.aclose()

One request: validate the path (the token never leaves the configured origin), take a slot from
the rate limiter, send through the injected httpx transport, log one line
(``GET /tasks/123?opt_fields=name - 200 in 85 ms``), map an error status to a typed error, and
retry what the rules in :mod:`.retry` allow. In log lines and errors the query is shown decoded
and an ``opt_fields`` longer than 80 characters as a count (``opt_fields=<20 fields>``); the
request itself always carries the full query.
"""

from __future__ import annotations

import logging
import time
from typing import Any, AsyncIterator, Mapping, Sequence
from urllib.parse import unquote_plus

import httpx

from .._version import __version__
from .batch import run_batch
from .config import ClientSettings, check_timeout
from .errors import RateLimitedError, TransportError, error_from_response
from .pagination import iterate_items, iterate_pages
from .ratelimit import RateLimiter
from .response import SECRET_HEADERS, AsanaResponse, BatchResult
from .retry import RetryPolicy, retry_call
from .wire import (Borrowed, describe_transport_error, parse_body, query_params, request_body,
                   short_query, what_a_write_does)

__all__ = ["AsanaClient", "USER_AGENT"]

USER_AGENT = f"asana-adaptor/{__version__} (+python httpx)"


class AsanaClient:
    """An async Asana client on httpx with typed errors, retries, rate limiting and pagination.

    ``configuration`` is OpenFn's (``token``, ``apiVersion``, plus ``baseUrl``, ``timeout``,
    ``rateLimit``, ``retryTimeout``; see :mod:`.config`). ``transport`` is the one seam for
    HTTP: the network when ``None``, the sandbox in-process in tests and rehearsals.
    """

    def __init__(
        self,
        configuration: Mapping[str, Any],
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        logger: logging.Logger | None = None,
        retry: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
        timeout: httpx.Timeout | None = None,
    ) -> None:
        self.settings = ClientSettings.from_configuration(configuration)
        self.base_url: str = self.settings.base_url
        self.logger = logger or logging.getLogger("asana_adaptor.client")
        self.retry = retry or RetryPolicy(timeout=self.settings.retry_timeout)
        self.limiter = limiter or RateLimiter(self.settings.rate_limit)
        self.timeout = check_timeout(timeout) if timeout is not None else self.settings.timeout
        self._http = httpx.AsyncClient(
            transport=Borrowed(transport) if transport is not None else None,
            timeout=self.timeout,
            follow_redirects=False,
            headers={
                "Authorization": f"Bearer {self.settings.token}",
                "User-Agent": USER_AGENT,
                "Accept": "application/json",
            },
        )

    def __repr__(self) -> str:
        return f"AsanaClient(base_url={self.base_url!r})"

    async def __aenter__(self) -> "AsanaClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool (an injected transport is left to its owner)."""
        await self._http.aclose()

    # -- the one request path -----------------------------------------------------------------
    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: Any = None,
        options: Mapping[str, Any] | None = None,
        files: Any = None,
        form: Mapping[str, Any] | None = None,
        retry_writes: bool = False,
    ) -> AsanaResponse:
        """Send one call and return its :class:`AsanaResponse`, or raise an :class:`AsanaError`.

        ``path`` is relative to the base URL (``"/tasks/1"``); an absolute URL is accepted only
        under the configured base URL. ``data`` is sent as ``{"data": data}`` (with
        ``options`` beside it); ``files`` and ``form`` send multipart or form-encoded bodies.
        List values in ``params`` are joined with commas (``opt_fields``).

        >>> await client.request("GET", "/users/me", params={"opt_fields": ["name", "email"]})  # doctest: +SKIP
        """
        return await self._call(method, path, params=params, data=data, options=options,
                                files=files, form=form, retry_writes=retry_writes)

    async def _call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                    data: Any = None, options: Mapping[str, Any] | None = None, files: Any = None,
                    form: Mapping[str, Any] | None = None, retry_writes: bool = False,
                    cost: int = 1) -> AsanaResponse:
        method = str(method).upper()
        relative = self.settings.relative(path, method=method)
        url = httpx.URL(self.base_url + relative).copy_merge_params(query_params(params))
        query = unquote_plus(url.query.decode("ascii")) if url.query else ""
        shown = self.settings.mask_url(relative.split("?")[0]
                                       + (f"?{short_query(query)}" if query else ""))
        body = request_body(data, options, files, form, method=method, path=shown)
        tries = 0

        async def attempt() -> AsanaResponse:
            nonlocal tries
            tries += 1
            return await self._send(method, url, shown, body, cost, tries)

        result = await retry_call(attempt, method=method, where=f"{method} {shown}",
                                  what=what_a_write_does(method, relative), policy=self.retry,
                                  logger=self.logger, retry_writes=retry_writes)
        assert isinstance(result, AsanaResponse)
        return result

    async def _send(self, method: str, url: httpx.URL, shown: str, body: dict[str, Any],
                    cost: int, tries: int) -> AsanaResponse:
        search = url.path.endswith("/search")
        async with self.limiter.slot(method, cost=cost, search=search):
            started = time.perf_counter()
            try:
                response = await self._http.request(method, url, **body)
            except httpx.TransportError as exc:
                elapsed = (time.perf_counter() - started) * 1000
                words, sent = describe_transport_error(exc, self.timeout)
                words = self.settings.mask(words)
                self.logger.info("%s %s - %s in %.0f ms", method, shown, type(exc).__name__,
                                 elapsed)
                raise TransportError(words, sent=sent, method=method, path=shown) from None
            elapsed = (time.perf_counter() - started) * 1000
        self.logger.info("%s %s - %d in %.0f ms", method, shown, response.status_code, elapsed)
        parsed = parse_body(response)
        headers = {k.lower(): self.settings.mask(v) for k, v in response.headers.items()
                   if k.lower() not in SECRET_HEADERS}
        if response.status_code >= 400:
            error = error_from_response(response.status_code, self.settings.scrub(parsed),
                                        method=method, path=shown, headers=headers)
            if isinstance(error, RateLimitedError) and error.retry_after:
                self.limiter.pause(error.retry_after)  # every call waits, not just this one
            raise error
        envelope = parsed if isinstance(parsed, dict) else {}
        next_page = envelope.get("next_page")
        return AsanaResponse(
            status=response.status_code, headers=headers, body=parsed,
            data=envelope.get("data"), next_page=next_page if isinstance(next_page, dict) else None,
            method=method, path=shown, elapsed_ms=elapsed, attempts=tries)

    # -- verbs ----------------------------------------------------------------------------------
    async def get(self, path: str, params: Mapping[str, Any] | None = None) -> AsanaResponse:
        """``GET path`` with query ``params``."""
        return await self._call("GET", path, params=params)

    async def post(self, path: str, data: Any = None, params: Mapping[str, Any] | None = None,
                   **kw: Any) -> AsanaResponse:
        """``POST path`` with body ``{"data": data}`` (``kw``: options, files, form, retry_writes)."""
        return await self._call("POST", path, data=data, params=params, **kw)

    async def put(self, path: str, data: Any = None, params: Mapping[str, Any] | None = None,
                  **kw: Any) -> AsanaResponse:
        """``PUT path`` with body ``{"data": data}``."""
        return await self._call("PUT", path, data=data, params=params, **kw)

    async def delete(self, path: str, params: Mapping[str, Any] | None = None) -> AsanaResponse:
        """``DELETE path``."""
        return await self._call("DELETE", path, params=params)

    # -- lists and batches ----------------------------------------------------------------------
    def pages(self, path: str, params: Mapping[str, Any] | None = None, *,
              page_size: int = 100) -> AsyncIterator[AsanaResponse]:
        """Every page of a list endpoint (one page when ``params`` has a ``limit``)."""
        return iterate_pages(self, path, params, page_size=page_size)

    def paginate(self, path: str, params: Mapping[str, Any] | None = None, *,
                 page_size: int = 100) -> AsyncIterator[dict]:
        """Every item of a list endpoint, following ``next_page.offset``.

        A ``limit`` in ``params`` means exactly one page (OpenFn's rule).

        >>> async for task in client.paginate("/projects/1/tasks"):  # doctest: +SKIP
        ...     print(task["gid"])
        """
        return iterate_items(self, path, params, page_size=page_size)

    async def get_all(self, path: str, params: Mapping[str, Any] | None = None) -> list[dict]:
        """Every item of a list endpoint, as one list."""
        return [item async for item in self.paginate(path, params)]

    async def batch(self, actions: Sequence[Mapping[str, Any]]) -> list[BatchResult]:
        """Run ``actions`` through ``POST /batch`` in chunks of 10; a result per action."""
        return await run_batch(self, actions)
