"""The wire details of one request: query encoding, bodies, parsing, transport failures."""

from __future__ import annotations

import re
from typing import Any, Mapping

import httpx

from .errors import InvalidRequestError

__all__ = ["Borrowed", "describe_transport_error", "parse_body", "query_params", "request_body",
           "short_query", "what_a_write_does"]

SHORT_OPT_FIELDS = 80  # longer opt_fields are shown as "<N fields>" in logs and errors


class Borrowed(httpx.AsyncBaseTransport):
    """An injected transport, used but not closed: its owner closes it."""

    def __init__(self, transport: httpx.AsyncBaseTransport) -> None:
        self.transport = transport

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.transport.handle_async_request(request)


def _query_value(value: Any) -> Any:
    if isinstance(value, (list, tuple, set, frozenset)):
        return ",".join(str(_query_value(v)) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def query_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """``params`` as Asana reads them: lists comma-joined, booleans lower-case, ``None`` left out."""
    return {str(k): _query_value(v) for k, v in (params or {}).items() if v is not None}


def short_query(query: str) -> str:
    """A decoded query fit for one log line: an ``opt_fields`` over 80 characters is counted.

    >>> short_query("opt_fields=" + ",".join(f"custom_fields.f{i}" for i in range(20)))
    'opt_fields=<20 fields>'
    >>> short_query("opt_fields=name,notes&limit=100")
    'opt_fields=name,notes&limit=100'
    """
    shown = []
    for pair in query.split("&"):
        key, eq, value = pair.partition("=")
        if key == "opt_fields" and len(value) > SHORT_OPT_FIELDS:
            pair = f"opt_fields=<{len([v for v in value.split(',') if v])} fields>"
        shown.append(pair)
    return "&".join(shown)


def what_a_write_does(method: str, path: str) -> tuple[str, str]:
    """What a write to ``path`` does, for the ambiguous-write message."""
    segments = [s for s in path.split("?")[0].split("/") if s]
    last = segments[-1] if segments else ""
    if method == "POST" and re.fullmatch(r"[a-z_]+s", last):
        noun = last[:-3] + "y" if last.endswith("ies") else last[:-1]
        return f"the {noun.replace('_', ' ')}", "created"
    return "the change", "applied"


def parse_body(response: httpx.Response) -> Any:
    """The JSON of a response; its text when it is not JSON; ``None`` when empty."""
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text


def _to_host(exc: httpx.TransportError) -> str:
    """`` to host:port`` of the failed request (a typo in baseUrl shows), or nothing."""
    try:
        url = exc.request.url
    except RuntimeError:  # no request attached
        return ""
    return f" to {url.host}" + (f":{url.port}" if url.port else "")


def describe_transport_error(exc: httpx.TransportError, timeout: httpx.Timeout) -> tuple[str, bool]:
    """What went wrong, and whether the request may have reached the server."""
    if isinstance(exc, httpx.ConnectTimeout):
        return f"no connection within {timeout.connect:g} s (connect timeout)", False
    if isinstance(exc, httpx.PoolTimeout):
        return f"no free connection within {timeout.pool:g} s (pool timeout)", False
    if isinstance(exc, (httpx.ConnectError, httpx.ProxyError, httpx.UnsupportedProtocol)):
        return f"could not connect{_to_host(exc)} ({exc or type(exc).__name__})", False
    if isinstance(exc, httpx.ReadTimeout):
        return f"no response within {timeout.read:g} s (read timeout)", True
    if isinstance(exc, httpx.WriteTimeout):
        return f"the request could not be sent within {timeout.write:g} s (write timeout)", True
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError)):
        return f"the connection was lost before the response arrived ({type(exc).__name__})", True
    return f"{type(exc).__name__}: {exc}", True


def request_body(data: Any, options: Mapping[str, Any] | None, files: Any,
                 form: Mapping[str, Any] | None, *, method: str, path: str) -> dict[str, Any]:
    """The httpx keyword arguments for a body: JSON envelope, form fields or multipart."""
    if files is not None:
        if data is not None or options is not None:
            raise InvalidRequestError("files cannot be sent together with data or options",
                                      method=method, path=path,
                                      hint="Pass the other fields in form={...}.")
        return {"files": files, "data": dict(form or {})}
    if form is not None:
        if data is not None or options is not None:
            raise InvalidRequestError("form cannot be sent together with data or options",
                                      method=method, path=path,
                                      hint="Send either form fields or a JSON data body.")
        return {"data": dict(form)}
    if data is None and options is None:
        return {}
    envelope: dict[str, Any] = {"data": data}
    if options is not None:
        envelope["options"] = dict(options)
    return {"json": envelope}
