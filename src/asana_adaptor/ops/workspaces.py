"""Workspaces: list, read, and typeahead search inside one."""

from __future__ import annotations

from typing import Any, Callable

from ..runtime.operation import Operation
from ._base import Call, Result, asana_operation, path_id

__all__ = ["get_workspaces", "get_workspace", "typeahead"]

Callback = Callable[[dict], Any] | None


def get_workspaces(params: Any = None, callback: Callback = None) -> Operation:
    """List the workspaces the token can see, every page (GET /workspaces).

    Example::

        get_workspaces({"opt_fields": "name,is_organization"})
    """

    async def body(call: Call, params: Any) -> Result:
        return await call.get_all("/workspaces", params)

    return asana_operation("get_workspaces", body, params, callback=callback)


def get_workspace(
    workspace_gid: Any = None, params: Any = None, callback: Callback = None
) -> Operation:
    """Get one workspace (GET /workspaces/{gid}); defaults to the configured workspace.

    Example::

        get_workspace()
        get_workspace("1201382240001", {"opt_fields": "name,email_domains"})
    """

    async def body(call: Call, workspace_gid: Any, params: Any) -> Any:
        return await call.get(f"/workspaces/{call.workspace_gid(workspace_gid)}", params)

    return asana_operation("get_workspace", body, workspace_gid, params, callback=callback)


def typeahead(resource_type: Any, query: Any = "", options: Any = None,
              callback: Callback = None) -> Operation:
    """Quick name search in the workspace (GET /workspaces/{gid}/typeahead); one page.

    ``resource_type`` is one of user, project, task, tag, custom_field, team, portfolio,
    goal, project_template; ``options``: ``count`` (1-100, default 20), ``opt_fields``,
    ``workspaceGid``.

    Example::

        typeahead("project", "griev", {"count": 5})
    """

    async def body(call: Call, resource_type: Any, query: Any, options: Any) -> Any:
        opts = dict(options or {})
        workspace = call.workspace_gid(opts.pop("workspaceGid", None))
        params = {"resource_type": resource_type, "query": query or "", **opts}
        return await call.get(f"/workspaces/{path_id(workspace, 'workspace_gid')}/typeahead",
                              params)

    return asana_operation("typeahead", body, resource_type, query, options, callback=callback)
