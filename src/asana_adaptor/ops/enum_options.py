"""Dropdown options of a custom field."""

from __future__ import annotations

from typing import Any, Callable

from ..runtime.operation import Operation
from ._base import Call, asana_operation, path_id, refuse

__all__ = ["create_enum_option"]

Callback = Callable[[dict], Any] | None


def create_enum_option(custom_field_gid: Any, data: Any, callback: Callback = None) -> Operation:
    """Add an option to a dropdown custom field (POST /custom_fields/{gid}/enum_options).

    ``data``: ``name`` (required), ``color``, ``enabled``, and ``insert_before`` or
    ``insert_after`` (an option gid); a bare string is taken as the name. New options go last.

    Example::

        create_enum_option("1201382240777", {"name": "Ethiopia", "color": "dark-green"})
    """

    async def body(call: Call, custom_field_gid: Any, data: Any) -> Any:
        payload = {"name": data} if isinstance(data, str) else dict(data or {})
        path = f"/custom_fields/{path_id(custom_field_gid, 'custom_field_gid')}/enum_options"
        if not str(payload.get("name") or "").strip():
            raise refuse("an enum option needs a non-empty name", method="POST", path=path,
                         hint="Pass create_enum_option(field_gid, {'name': 'Ethiopia'}).")
        return await call.post(path, payload)

    return asana_operation("create_enum_option", body, custom_field_gid, data, callback=callback)
