"""Sections of a project: list, create."""

from __future__ import annotations

from typing import Any, Callable

from ..runtime.operation import Operation
from ._base import Call, Result, asana_operation, path_id, refuse

__all__ = ["get_sections", "create_section"]

Callback = Callable[[dict], Any] | None


def get_sections(project_gid: Any, params: Any = None, callback: Callback = None) -> Operation:
    """List a project's sections, every page (GET /projects/{project_gid}/sections).

    Example::

        get_sections("1201382240880")
    """

    async def body(call: Call, project_gid: Any, params: Any) -> Result:
        return await call.get_all(f"/projects/{path_id(project_gid, 'project_gid')}/sections",
                                  params)

    return asana_operation("get_sections", body, project_gid, params, callback=callback)


def create_section(project_gid: Any, data: Any, callback: Callback = None) -> Operation:
    """Create a section in a project (POST /projects/{project_gid}/sections).

    ``data``: ``name`` (required), and ``insert_before`` or ``insert_after`` (a section gid).
    A bare string is taken as the name.

    Example::

        create_section("1201382240880", {"name": "Escalated"})
    """

    async def body(call: Call, project_gid: Any, data: Any) -> Any:
        payload = {"name": data} if isinstance(data, str) else dict(data or {})
        path = f"/projects/{path_id(project_gid, 'project_gid')}/sections"
        if not str(payload.get("name") or "").strip():
            raise refuse("a section needs a non-empty name", method="POST", path=path,
                         hint="Pass create_section(project_gid, {'name': 'Escalated'}).")
        return await call.post(path, payload)

    return asana_operation("create_section", body, project_gid, data, callback=callback)
