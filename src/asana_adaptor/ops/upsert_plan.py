"""Upsert planning: one record resolved against the project (custom fields by name, its key),
and the smallest update that makes a task equal to it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Mapping

from .custom_field_catalog import field_catalog, resolve_user
from .custom_field_values import same_value, value_from_task
from .custom_fields import prepare_task_body
from .upsert_index import COMPARED
from .upsert_keys import KeyPart, UpsertError, key_of_body

__all__ = ["CREATE_ONLY", "Plan", "changes_for", "plan_record"]

# Fields sent on create only: an update leaves them alone (OpenFn parity).
CREATE_ONLY = ("projects", "workspace", "memberships", "tags", "followers")


@dataclass
class Plan:
    """What one record will do, decided against the index."""

    body: dict
    key: tuple
    parts: tuple[KeyPart, ...]
    names: dict[str, str] = field(default_factory=dict)  # custom field gid -> name
    assignee_gid: str | None = None


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise UpsertError(f"the datetime {value.isoformat()} has no time zone; attach one")
        return value.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds").replace(
            "+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


async def plan_record(client: Any, cache: dict, project_gid: str, parts: tuple[KeyPart, ...],
                      data: Any, *, create_missing_options: bool = False) -> Plan:
    """Resolve a record (custom fields by name, key fields) into a :class:`Plan`."""
    if not isinstance(data, Mapping):
        raise UpsertError(f"a record's data must be a dict of task fields, got "
                          f"{type(data).__name__}")
    body = {k: _plain(v) for k, v in data.items()}
    body = await prepare_task_body(client, cache, body, project_gid=project_gid,
                                   create_missing_options=create_missing_options)
    catalog = await field_catalog(client, cache, project_gid=project_gid)
    resolved = []
    for part in parts:
        if part.kind == "custom_field":
            cf = catalog.field(part.name)
            part = KeyPart("custom_field", cf.name, cf.gid)
        resolved.append(part)
    parts = tuple(resolved)
    names = {f.gid: f.name for f in catalog.fields}
    assignee = body.get("assignee")
    assignee_gid = None
    if assignee not in (None, ""):
        who = assignee.get("gid") if isinstance(assignee, Mapping) else assignee
        if who in (None, ""):
            raise UpsertError(f"assignee {assignee!r} has no gid: give the user's gid, the email "
                              "they sign in with, 'me', or {\"gid\": ...}")
        assignee_gid = await resolve_user(client, cache, who)
    return Plan(body, key_of_body(parts, body), parts, names, assignee_gid)


def changes_for(task: Mapping[str, Any], plan: Plan) -> tuple[dict, list[str]]:
    """The update body (only fields that differ) and the names of what changed."""
    update: dict[str, Any] = {}
    changed: list[str] = []
    for name, wanted in plan.body.items():
        if name in CREATE_ONLY:
            continue
        if name == "custom_fields":
            stored = {str(e.get("gid")): e for e in task.get("custom_fields") or []}
            fields = {}
            for gid, value in wanted.items():
                entry = stored.get(gid)
                current = value_from_task(entry) if entry else None
                if entry is None or not same_value(current, value):
                    fields[gid] = value
                    changed.append(plan.names.get(gid, gid))
            if fields:
                update["custom_fields"] = fields
            continue
        if name == "assignee":
            current = (task.get("assignee") or {}).get("gid")
            if current != plan.assignee_gid:
                update[name] = wanted
                changed.append(name)
            continue
        if name in COMPARED or name in task:
            if _same_field(name, task.get(name), wanted):
                continue
        update[name] = wanted
        changed.append(name)
    return update, changed


def _same_field(name: str, stored: Any, wanted: Any) -> bool:
    if name in ("due_at", "start_at") and stored and wanted:
        return same_value({"date_time": stored}, {"date_time": wanted})
    if name in ("notes", "name"):
        return (stored or "") == (wanted or "")
    if isinstance(stored, Mapping) and "gid" in stored:
        return str(stored["gid"]) == str(wanted.get("gid") if isinstance(wanted, Mapping)
                                          else wanted)
    return stored == wanted
