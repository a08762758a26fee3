"""Any Asana call by relative path (OpenFn's ``request``)."""

from __future__ import annotations

from typing import Any, Callable

from ..runtime.operation import Operation
from ._base import Call, asana_operation, refuse

__all__ = ["request"]

Callback = Callable[[dict], Any] | None

PARAM_KEYS = ("method", "query", "body")


def request(path: Any, params: Any = None, callback: Callback = None) -> Operation:
    """Call any Asana endpoint by path relative to the API; ``data`` is the response's data.

    A path copied from Asana's reference, such as ``/api/1.0/users/me``, is read as
    ``/users/me``.

    ``params``: ``method`` (default GET), ``query`` (a dict), ``body`` (Asana's envelope
    ``{"data": {...}}``, as in OpenFn; a body without ``data`` is wrapped). An absolute URL
    is refused (code ``UNEXPECTED_ABSOLUTE_URL``, or ``BASE_URL_MISMATCH`` on another origin)
    so the token never goes to another host.

    Example::

        request("/tasks/1206933955023739")
        request("/tasks", {"query": {"project": "1201382240880", "limit": 10}})
        request("/tasks", {"method": "POST",
                           "body": {"data": {"name": "Do the thing", "workspace": "123"}}})
    """

    async def body(call: Call, path: Any, params: Any) -> Any:
        params = dict(params or {})
        unknown = sorted(set(params) - set(PARAM_KEYS))
        if unknown:
            raise refuse(f"unknown request parameter(s) {unknown}", method="?", path=str(path),
                         hint=f"Use {', '.join(PARAM_KEYS)}.")
        method = str(params.get("method") or "GET").upper()
        api = f"/api/{call.configuration.get('apiVersion') or '1.0'}/"
        if isinstance(path, str) and path.startswith(api):  # copied from Asana's reference
            path = path[len(api) - 1:]
        return await call.raw(method, path, query=params.get("query"), body=params.get("body"))

    return asana_operation("request", body, path, params, callback=callback)
