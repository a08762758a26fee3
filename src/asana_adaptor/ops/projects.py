"""Projects: list, read, create, update, delete; a project's custom field settings."""

from __future__ import annotations

from typing import Any, Callable

from ..runtime.operation import Operation
from ._base import Call, Result, asana_operation, path_id

__all__ = [
    "get_projects",
    "get_project",
    "create_project",
    "update_project",
    "delete_project",
    "get_custom_field_settings",
]

Callback = Callable[[dict], Any] | None


def get_projects(params: Any = None, callback: Callback = None) -> Operation:
    """List projects, every page (GET /projects); the workspace defaults to the configured one.

    ``params`` may filter by ``team``, ``archived`` or another ``workspace``.

    Example::

        get_projects({"archived": False, "opt_fields": "name,team.name"})
    """

    async def body(call: Call, params: Any) -> Result:
        query = dict(params or {})
        if "team" not in query:
            query["workspace"] = call.workspace_gid(query.get("workspace"))
        return await call.get_all("/projects", query)

    return asana_operation("get_projects", body, params, callback=callback)


def get_project(project_gid: Any, params: Any = None, callback: Callback = None) -> Operation:
    """Get one project (GET /projects/{project_gid}).

    Example::

        get_project("1201382240880", {"opt_fields": "name,custom_field_settings"})
    """

    async def body(call: Call, project_gid: Any, params: Any) -> Any:
        return await call.get(f"/projects/{path_id(project_gid, 'project_gid')}", params)

    return asana_operation("get_project", body, project_gid, params, callback=callback)


def create_project(data: Any, callback: Callback = None) -> Operation:
    """Create a project (POST /projects); ``workspace`` defaults to the configured one.

    Organizations need a ``team``.

    Example::

        create_project({"name": "Grievances Kenya", "team": "1201382240700"})
    """

    async def body(call: Call, data: Any) -> Any:
        payload = dict(data or {})
        if "workspace" not in payload:
            payload["workspace"] = call.workspace_gid()
        return await call.post("/projects", payload)

    return asana_operation("create_project", body, data, callback=callback)


def update_project(project_gid: Any, data: Any, callback: Callback = None) -> Operation:
    """Update a project (PUT /projects/{project_gid}); only the fields given change.

    Example::

        update_project("1201382240880", {"archived": True})
    """

    async def body(call: Call, project_gid: Any, data: Any) -> Any:
        return await call.put(f"/projects/{path_id(project_gid, 'project_gid')}", dict(data or {}))

    return asana_operation("update_project", body, project_gid, data, callback=callback)


def delete_project(project_gid: Any, callback: Callback = None) -> Operation:
    """Delete a project (DELETE /projects/{project_gid}).

    Example::

        delete_project("1201382240880")
    """

    async def body(call: Call, project_gid: Any) -> Any:
        return await call.delete(f"/projects/{path_id(project_gid, 'project_gid')}")

    return asana_operation("delete_project", body, project_gid, callback=callback)


def get_custom_field_settings(
    project_gid: Any, params: Any = None, callback: Callback = None
) -> Operation:
    """List the custom fields of a project, with their settings (every page).

    GET /projects/{project_gid}/custom_field_settings; each item has ``custom_field`` (name,
    type, enum options...) and ``is_important``.

    Example::

        get_custom_field_settings("1201382240880",
            {"opt_fields": "custom_field.name,custom_field.enum_options.name"})
    """

    async def body(call: Call, project_gid: Any, params: Any) -> Result:
        path = f"/projects/{path_id(project_gid, 'project_gid')}/custom_field_settings"
        return await call.get_all(path, params)

    return asana_operation("get_custom_field_settings", body, project_gid, params,
                           callback=callback)
