"""Upsert match keys: which fields identify a record's task, and the upsert errors.

A key is one or more parts, each a top-level task field, a custom field by name or gid, or
``external.gid``; OpenFn's ``externalId`` is read as a one-part ``match``::

    >>> parse_match({"match": ["Country", "Grievance ID"]})[1]
    KeyPart(kind='custom_field', name='Grievance ID', gid=None)
    >>> parse_match({"externalId": "name"})
    (KeyPart(kind='field', name='name', gid=None),)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from .custom_field_values import value_from_task

__all__ = ["DuplicateMatchError", "KeyPart", "TASK_FIELDS", "UpsertError", "describe_key",
           "key_of_body", "key_of_task", "parse_match"]

# Top-level task fields a match may name.
TASK_FIELDS = frozenset({
    "name", "notes", "html_notes", "completed", "assignee", "due_on", "due_at", "start_on",
    "start_at", "resource_subtype", "approval_status", "parent",
})


class UpsertError(ValueError):
    """A record cannot be upserted (no key, bad spec, failed writes); says which and why.

    ``results`` holds the outcomes of the records that did go through (bulk upserts).
    """

    def __init__(self, message: str, *, results: list[dict] | None = None) -> None:
        self.results = results or []
        super().__init__(message)


class DuplicateMatchError(UpsertError):
    """More than one task in the project has the record's match key."""

    def __init__(self, key: Any, gids: list[str], project_gid: str) -> None:
        self.key = key
        self.gids = gids
        super().__init__(
            f"{len(gids)} tasks in project {project_gid} match {key}: {', '.join(gids)}; "
            "merge or delete the duplicates in Asana (or match on more fields) and run again")


@dataclass(frozen=True)
class KeyPart:
    """One field of a match key: a top-level field, a custom field, or ``external.gid``."""

    kind: str  # "field" | "custom_field" | "external"
    name: str  # field name; custom field name or gid as written; "external.gid"
    gid: str | None = None  # the custom field's gid once resolved

    def label(self) -> str:
        return self.name


def parse_match(spec: Mapping[str, Any]) -> tuple[KeyPart, ...]:
    """The key parts of an upsert spec's ``match`` (or OpenFn's ``externalId``)."""
    if spec.get("externalId") is not None and spec.get("match") is not None:
        raise UpsertError("give either externalId or match, not both")
    if spec.get("externalId") is not None:
        # OpenFn names a top-level field; a custom field or external.gid is read as in match.
        return (_part(str(spec["externalId"])),)
    match = spec.get("match")
    if match is None:
        raise UpsertError(
            "an upsert needs a key: {'match': 'Grievance ID', 'data': {...}} (a custom field), "
            "{'externalId': 'name', 'data': {...}} (a task field) or "
            "{'match': ['Country', 'Grievance ID'], ...} (several together)")
    items = match if isinstance(match, (list, tuple)) else [match]
    parts = tuple(_part(item) for item in items)
    if not parts:
        raise UpsertError("match is an empty list; name at least one field")
    return parts


def _part(item: Any) -> KeyPart:
    if isinstance(item, Mapping):
        if "custom_field" in item:
            return KeyPart("custom_field", str(item["custom_field"]))
        if "field" in item:
            return _part(str(item["field"]))
        if "external" in item:
            return KeyPart("external", "external.gid")
        raise UpsertError(f"cannot read match {dict(item)!r}: use {{'custom_field': name}}, "
                          "{'field': name} or {'external': True}")
    if not isinstance(item, str) or not item.strip():
        raise UpsertError(f"a match field must be a name, got {item!r}")
    if item in ("external", "external.gid"):
        return KeyPart("external", "external.gid")
    if item in TASK_FIELDS:
        return KeyPart("field", item)
    return KeyPart("custom_field", item)


def _key_value(value: Any) -> Any:
    """A hashable, comparable form of one key part's value (None when missing)."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, Mapping):
        if "gid" in value:
            return str(value["gid"])
        return value.get("date_time") or value.get("date")
    if isinstance(value, (list, tuple)):
        return tuple(sorted(str(v.get("gid") if isinstance(v, Mapping) else v) for v in value))
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return str(value)


def key_of_task(parts: Sequence[KeyPart], task: Mapping[str, Any]) -> tuple | None:
    """The match key of a task read from Asana (None when a part is empty)."""
    values = []
    for part in parts:
        if part.kind == "custom_field":
            entry = next((e for e in task.get("custom_fields") or []
                          if str(e.get("gid")) == part.gid), None)
            value = value_from_task(entry) if entry else None
        elif part.kind == "external":
            value = (task.get("external") or {}).get("gid")
        else:
            value = task.get(part.name)
        values.append(_key_value(value))
    return None if any(v is None for v in values) else tuple(values)


def key_of_body(parts: Sequence[KeyPart], body: Mapping[str, Any]) -> tuple:
    """The match key of a prepared task body; an error naming the missing parts."""
    values, missing = [], []
    for part in parts:
        if part.kind == "custom_field":
            value = (body.get("custom_fields") or {}).get(part.gid)
        elif part.kind == "external":
            value = (body.get("external") or {}).get("gid")
        else:
            value = body.get(part.name)
        values.append(_key_value(value))
        if values[-1] is None:
            missing.append(part.label())
    if missing:
        raise UpsertError(
            f"the record has no value for its match key {', '.join(map(repr, missing))}; "
            "every record needs one to be matched (set it in data)")
    return tuple(values)


def describe_key(parts: Sequence[KeyPart], key: tuple) -> str:
    """``Grievance ID = 'GRV-1' and Country = '123'``, for messages."""
    return " and ".join(f"{p.label()} = {v!r}" for p, v in zip(parts, key))
