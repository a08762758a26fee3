"""Custom fields by name: turn a task body's human custom field values into API values.

In a task body, ``custom_fields`` may name a field by its gid or its name, and give its value
the way a person would write it::

    {"custom_fields": {
        "Grievance Status": "open",                 # enum option by name
        "Themes": ["Water", "Land"],                # multi-enum option names
        "Focal Point": ["amina@example.org"],       # people by email, "me" or gid
        "Date Entered": "2024-03-05",               # date (or a date / aware datetime object)
        "Households Affected": "12",                # number from a numeric string
        "Reporter": None,                           # None clears the field
    }}

:func:`prepare_task_body` returns the body Asana expects (field gids as keys, option and user
gids, ``{"date": ...}`` objects, numbers). Names are matched by :mod:`.names` (case, spacing,
dash and quote variants are forgiven; nothing else is guessed). The fields come from the
project's custom field settings (or the workspace's custom fields), read once per run.
"""

from __future__ import annotations

from typing import Any, Mapping

# The building blocks live in custom_field_catalog (definitions, run caches) and
# custom_field_values (value conversion and comparison); they stay importable from here.
from .custom_field_catalog import (SETTINGS_FIELDS, WORKSPACE_FIELDS, CustomField,  # noqa: F401
                                   CustomFieldError, EnumOption, FieldCatalog, client_key,
                                   field_catalog, list_all, loop_lock, resolve_user)
from .custom_field_values import (TEXT_LIMIT, convert_value, gid_or_name,  # noqa: F401
                                  same_value, value_from_task)

# Job scripts see these; the building blocks are imported from this module by name.
__all__ = ["CustomFieldError", "prepare_task_body"]


# ---------------------------------------------------------------------------------------------
# The body as a whole

def _project_of(body: Mapping[str, Any]) -> list[str]:
    projects = body.get("projects") or []
    if isinstance(projects, (str, int)):
        projects = [projects]
    return [str(gid_or_name(p)) for p in projects if gid_or_name(p)]


async def prepare_task_body(
    client: Any,
    cache: dict,
    body: Mapping[str, Any],
    *,
    project_gid: str | None = None,
    workspace_gid: str | None = None,
    create_missing_options: bool = False,
) -> dict:
    """A copy of ``body`` whose ``custom_fields`` has field gids as keys and raw API values.

    Field names and human values resolve through the custom field settings of
    ``project_gid`` (else of the body's ``projects``, else the fields of ``workspace_gid`` or
    the body's ``workspace``), read once per run into ``cache``. Raises
    :class:`CustomFieldError` naming the field and listing the valid names, closest first.

    Example::

        body = await prepare_task_body(client, ctx.cache, {
            "name": "Fence broken", "projects": ["1201"],
            "custom_fields": {"Grievance Status": "open", "Households Affected": "12"}})
        # body["custom_fields"] == {"1202": "1203", "1204": 12}
    """
    out = dict(body)
    given = body.get("custom_fields")
    if not given:
        return out
    if not isinstance(given, Mapping):
        raise CustomFieldError(
            "custom_fields must be a dict of {field name or gid: value}, got "
            f"{type(given).__name__}")
    projects = [str(project_gid)] if project_gid else _project_of(body)
    workspace = workspace_gid or gid_or_name(body.get("workspace"))
    if not projects and not workspace and all(str(k).isdigit() for k in given):
        return out  # raw gids and values, nothing to look up
    catalogs = ([await field_catalog(client, cache, project_gid=p) for p in projects]
                if projects else
                [await field_catalog(client, cache, workspace_gid=str(workspace) if workspace
                                     else None)])
    catalog = catalogs[0] if len(catalogs) == 1 else FieldCatalog(
        [f for c in catalogs for f in c.fields], " / ".join(c.where for c in catalogs))
    resolved: dict[str, Any] = {}
    written_as: dict[str, str] = {}
    for key, value in given.items():
        key = str(key)
        if key.isdigit() and key not in catalog.by_gid:
            resolved[key] = value  # a field gid not on this project: sent as given
            continue
        f = catalog.field(key)
        if f.gid in written_as:
            raise CustomFieldError(
                f"custom field {f.name!r} is given twice, as {written_as[f.gid]!r} and {key!r}; "
                "keep one", field=f.name)
        written_as[f.gid] = key
        resolved[f.gid] = await convert_value(
            client, cache, f, value, create_missing_options=create_missing_options)
    out["custom_fields"] = resolved
    return out
