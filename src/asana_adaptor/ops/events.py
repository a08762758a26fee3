"""The Events API: what changed on a task or project since the last call."""

from __future__ import annotations

from typing import Any, Callable

from ..client.errors import PreconditionFailedError
from ..runtime.operation import Operation
from ._base import Call, Result, asana_operation, path_id

__all__ = ["get_events"]

Callback = Callable[[dict], Any] | None

MAX_PAGES = 100  # 100 events each: 10,000 events per call before stopping for the next run


def get_events(resource: Any, options: Any = None, callback: Callback = None) -> Operation:
    """The events on a task or project since the last call; the sync token is kept in state.

    GET /events?resource=...&sync=... The token lives in ``state["sync"][resource]``; keep
    state between runs (cursor-style) to continue where the last run stopped. The first call
    (no token) returns no events and stores a fresh token: events start from there. When the
    token has expired (Asana's 412), the fresh token is adopted, ``data`` is empty and
    ``state["sync_expired"][resource]`` is True: re-read the resource to catch up. Pages with
    ``has_more`` are followed. ``options``: ``opt_fields``, ``sync`` (a token to start from).

    Example::

        get_events("1201382240880")                 # first run: stores the token
        get_events("1201382240880", {"opt_fields": "resource.name,change"})
    """

    async def body(call: Call, resource: Any, options: Any) -> Result:
        resource = path_id(resource, "resource")
        opts = dict(options or {})
        tokens = dict(call.state.get("sync") or {})
        token = opts.pop("sync", None) or tokens.get(resource)
        events: list[Any] = []
        expired: bool | None = None
        response = None
        for _ in range(MAX_PAGES):
            query = {**opts, "resource": resource, **({"sync": token} if token else {})}
            try:
                response = await call.get("/events", query)
            except PreconditionFailedError as error:
                if not error.sync:
                    raise
                expired = token is not None
                token = error.sync
                break
            events.extend(response.data or [])
            token = response.body.get("sync") or token
            if not response.body.get("has_more"):
                break
        extra: dict[str, Any] = {"sync": {**tokens, resource: token}}
        if expired:
            extra["sync_expired"] = {**dict(call.state.get("sync_expired") or {}), resource: True}
        return Result(events, response, extra)

    return asana_operation("get_events", body, resource, options, callback=callback)
