"""Tags of a workspace: list, create."""

from __future__ import annotations

from typing import Any, Callable

from ..runtime.operation import Operation
from ._base import Call, Result, asana_operation

__all__ = ["get_tags", "create_tag"]

Callback = Callable[[dict], Any] | None


def get_tags(params: Any = None, callback: Callback = None) -> Operation:
    """List the tags of the workspace, every page (GET /tags?workspace=...).

    The workspace is ``params["workspace"]`` or ``configuration.workspaceGid``.

    Example::

        get_tags({"opt_fields": "name,color"})
    """

    async def body(call: Call, params: Any) -> Result:
        query = dict(params or {})
        query["workspace"] = call.workspace_gid(query.get("workspace"))
        return await call.get_all("/tags", query)

    return asana_operation("get_tags", body, params, callback=callback)


def create_tag(data: Any, callback: Callback = None) -> Operation:
    """Create a tag (POST /tags); ``workspace`` defaults to the configured one.

    A bare string is taken as the name.

    Example::

        create_tag({"name": "escalated", "color": "dark-red"})
    """

    async def body(call: Call, data: Any) -> Any:
        payload = {"name": data} if isinstance(data, str) else dict(data or {})
        payload["workspace"] = call.workspace_gid(payload.get("workspace"))
        return await call.post("/tags", payload)

    return asana_operation("create_tag", body, data, callback=callback)
