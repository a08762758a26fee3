"""The Batch API: many small calls in few requests."""

from __future__ import annotations

from typing import Any, Callable

from ..runtime.operation import Operation
from ._base import Call, Result, asana_operation, refuse

__all__ = ["batch"]

Callback = Callable[[dict], Any] | None


def batch(actions: Any, callback: Callback = None) -> Operation:
    """Run many calls through the Batch API (POST /batch, 10 actions per request).

    Each action is ``{"method", "relative_path", "data"?, "options"?}``. ``data`` is one
    result per action, in order: ``{"status_code", "headers", "body", "ok", "error"}``, where
    ``error`` is Asana's message for a failed action (the others still ran). Uploads are not
    allowed in a batch.

    Example::

        batch([
            {"method": "get", "relative_path": "/tasks/1206933955023739"},
            {"method": "put", "relative_path": "/tasks/1206933955023740",
             "data": {"completed": True}},
        ])
    """

    async def body(call: Call, actions: Any) -> Result:
        if not isinstance(actions, (list, tuple)):
            raise refuse(f"actions must be a list, got {type(actions).__name__}",
                         method="POST", path="/batch",
                         hint='Pass [{"method": "get", "relative_path": "/tasks/1"}, ...].')
        results = await call.client.batch(list(actions))
        data = [
            {
                "status_code": r.status_code,
                "headers": r.headers,
                "body": r.body,
                "ok": r.ok,
                "error": str(r.error) if r.error is not None else None,
            }
            for r in results
        ]
        return Result(data, None)

    return asana_operation("batch", body, actions, callback=callback)
