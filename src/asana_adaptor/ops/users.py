"""Users: list the workspace's users, get one by gid, email or ``me``."""

from __future__ import annotations

from typing import Any, Callable

from ..runtime.operation import Operation
from ._base import Call, Result, asana_operation, path_id

__all__ = ["get_users", "get_user"]

Callback = Callable[[dict], Any] | None


def get_users(params: Any = None, callback: Callback = None) -> Operation:
    """List users, every page (GET /users); the workspace defaults to the configured one.

    Example::

        get_users({"opt_fields": "name,email"})
    """

    async def body(call: Call, params: Any) -> Result:
        query = dict(params or {})
        if "team" not in query:
            query["workspace"] = call.workspace_gid(query.get("workspace"))
        return await call.get_all("/users", query)

    return asana_operation("get_users", body, params, callback=callback)


def get_user(user: Any = "me", params: Any = None, callback: Callback = None) -> Operation:
    """Get one user by gid, email or ``"me"`` (GET /users/{user}).

    Example::

        get_user("amina@example.org", {"opt_fields": "name,email,workspaces.name"})
        get_user("me")
    """

    async def body(call: Call, user: Any, params: Any) -> Any:
        return await call.get(f"/users/{path_id(user, 'user')}", params)

    return asana_operation("get_user", body, user, params, callback=callback)
