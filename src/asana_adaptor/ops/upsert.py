"""Upsert tasks on any key: create what is missing, update only what changed.

``upsert_task(project, {"match": "Grievance ID", "data": {...}})`` finds the project's task
whose match key equals the record's, then creates it, updates the fields that differ, or leaves
it alone. The match key may be a top-level task field (OpenFn's ``externalId``), a custom
field by name or gid, ``external.gid``, or several of these together.

The project's tasks are read once per run (one paginated request, with the fields needed to
match and compare) into an index that every write keeps current, so
``each(records, upsert_task(...))`` reads the project once, not once per record; records
equal to their task cost no request at all. :func:`upsert_tasks` plans a whole list against
the index first (refusing bad records before anything is written) and runs the writes
concurrently.

The outcome of each record, in ``state["data"]`` (a list of them under ``results`` for
:func:`upsert_tasks`)::

    {"action": "created" | "updated" | "unchanged" | "skipped",
     "gid": "<task gid>" | None,         # None only when update_only skipped a new record
     "task": {...} | None,              # the task as indexed (or as Asana returned it)
     "changes": ["name", "Grievance Status", ...]}   # what an update wrote ([] otherwise)
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from ..client.errors import AmbiguousWriteError, AsanaError
from ..runtime.operation import Operation
from ._base import Call, Result, asana_operation, path_id
from .custom_fields import (
    CustomFieldError,
    client_key,
    field_catalog,
    list_all,
    loop_lock,
    prepare_task_body,
    resolve_user,
    same_value,
    value_from_task,
)

__all__ = ["upsert_task", "upsert_tasks", "UpsertError", "DuplicateMatchError"]

MODES = ("upsert", "create_only", "update_only")

# Top-level task fields a match may name, and the ones an update compares before writing.
TASK_FIELDS = frozenset({
    "name", "notes", "html_notes", "completed", "assignee", "due_on", "due_at", "start_on",
    "start_at", "resource_subtype", "approval_status", "parent",
})
COMPARED = ("name", "notes", "completed", "assignee", "due_on", "due_at", "start_on",
            "start_at", "resource_subtype", "approval_status")
CREATE_ONLY = ("projects", "workspace", "memberships", "tags", "followers")
_CF_PARTS = ("name", "resource_subtype", "text_value", "number_value", "enum_value",
             "multi_enum_values", "date_value", "people_value", "reference_value")
INDEX_FIELDS = frozenset([*COMPARED, "projects", *(f"custom_fields.{p}" for p in _CF_PARTS)])
CREATE_ATTEMPTS = 3


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


# ---------------------------------------------------------------------------------------------
# Match keys

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
        return (KeyPart("field", str(spec["externalId"])),)
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


def _describe_key(parts: Sequence[KeyPart], key: tuple) -> str:
    return " and ".join(f"{p.label()} = {v!r}" for p, v in zip(parts, key))


# ---------------------------------------------------------------------------------------------
# The project index (one paginated read per run)

class ProjectIndex:
    """The project's tasks with the fields needed to match and compare, kept current."""

    def __init__(self, project_gid: str, fields: frozenset[str], tasks: Iterable[dict]) -> None:
        self.project_gid = project_gid
        self.fields = fields
        self.tasks: dict[str, dict] = {}
        self._keys: dict[tuple[KeyPart, ...], dict[tuple, list[str]]] = {}
        for task in tasks:
            self.tasks[str(task["gid"])] = task

    def lookup(self, parts: tuple[KeyPart, ...], key: tuple) -> list[str]:
        """The gids of the tasks whose key is ``key``."""
        table = self._keys.get(parts)
        if table is None:
            table = {}
            for gid, task in self.tasks.items():
                found = key_of_task(parts, task)
                if found is not None:
                    table.setdefault(found, []).append(gid)
            self._keys[parts] = table
        return list(table.get(key, []))

    def put(self, task: dict) -> None:
        """Add or replace a task (after a write), updating every key table."""
        gid = str(task["gid"])
        old = self.tasks.get(gid)
        merged = {**old, **task} if old else task
        self.tasks[gid] = merged
        for parts, table in self._keys.items():
            if old is not None:
                before = key_of_task(parts, old)
                if before is not None and gid in table.get(before, []):
                    table[before].remove(gid)
            after = key_of_task(parts, merged)
            if after is not None:
                table.setdefault(after, []).append(gid)


async def load_index(client: Any, cache: dict, project_gid: str, needs: frozenset[str],
                     *, refresh: bool = False) -> ProjectIndex:
    """The run's index of ``project_gid`` holding at least the fields ``needs``."""
    key = ("upsert_index", client_key(client), project_gid)
    async with loop_lock(cache, ("upsert_index_lock", key)):
        index = cache.get(key)
        if index is not None and needs <= index.fields and not refresh:
            return index
        fields = needs | (index.fields if index is not None else frozenset())
        tasks = await list_all(client, f"/projects/{project_gid}/tasks",
                               {"opt_fields": ",".join(sorted(fields))})
        if index is None:
            index = cache[key] = ProjectIndex(project_gid, fields, tasks)
        else:  # merged in place: writes made by concurrent records meanwhile are kept
            index.fields = fields
            for task in tasks:
                index.put(task)
        return index


def _needed_fields(parts: Sequence[KeyPart]) -> frozenset[str]:
    extra = {p.name for p in parts if p.kind == "field"}
    if any(p.kind == "external" for p in parts):
        extra.add("external")
    return INDEX_FIELDS | extra


# ---------------------------------------------------------------------------------------------
# Planning one record

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
        assignee_gid = await resolve_user(client, cache, assignee.get("gid")
                                          if isinstance(assignee, Mapping) else assignee)
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


# ---------------------------------------------------------------------------------------------
# Writing one record

@dataclass
class Upserter:
    """Runs plans for one project against the run's index."""

    client: Any
    cache: dict
    project_gid: str
    mode: str
    last_response: Any = None

    async def index(self, parts: Sequence[KeyPart], *, refresh: bool = False) -> ProjectIndex:
        return await load_index(self.client, self.cache, self.project_gid,
                                _needed_fields(parts), refresh=refresh)

    def opt_fields(self, index: ProjectIndex) -> dict[str, str]:
        return {"opt_fields": ",".join(sorted(index.fields))}

    def existing(self, index: ProjectIndex, plan: Plan) -> str | None:
        gids = index.lookup(plan.parts, plan.key)
        if len(gids) > 1:
            raise DuplicateMatchError(_describe_key(plan.parts, plan.key), sorted(gids),
                                      self.project_gid)
        return gids[0] if gids else None

    async def run(self, plan: Plan) -> dict:
        index = await self.index(plan.parts)
        gid = self.existing(index, plan)
        if gid is None:
            if self.mode == "update_only":
                return _outcome("skipped", None, None)
            return await self.create(index, plan)
        if self.mode == "create_only":
            return _outcome("skipped", gid, index.tasks[gid])
        return await self.update(index, gid, plan)

    async def create(self, index: ProjectIndex, plan: Plan) -> dict:
        body = dict(plan.body)
        projects = [str(p.get("gid") if isinstance(p, Mapping) else p)
                    for p in body.get("projects") or []]
        if self.project_gid not in projects:
            body["projects"] = [self.project_gid, *projects]
        for attempt in range(1, CREATE_ATTEMPTS + 1):
            try:
                response = await self.client.post("/tasks", body, self.opt_fields(index))
            except AmbiguousWriteError:
                # The task may exist: look it up by its key before trying again.
                index = await self.index(plan.parts, refresh=True)
                gid = self.existing(index, plan)
                if gid is not None:
                    return _outcome("created", gid, index.tasks[gid])
                if attempt == CREATE_ATTEMPTS:
                    raise
                continue
            self.last_response = response
            index.put(response.data)
            gid = str(response.data["gid"])
            self.check_key(index, gid, plan)
            return _outcome("created", gid, index.tasks[gid])
        raise AssertionError("unreachable")  # pragma: no cover

    def check_key(self, index: ProjectIndex, gid: str, plan: Plan) -> None:
        """Refuse to go on when Asana did not keep the key: later runs would duplicate."""
        stored = key_of_task(plan.parts, index.tasks[gid])
        if stored == plan.key:
            return
        hint = ""
        if any(p.kind == "external" for p in plan.parts):
            hint = (" Asana keeps external.gid only for OAuth apps, not personal access "
                    "tokens: match on a custom field instead.")
        raise UpsertError(
            f"task {gid} was written, but its match key reads back as {stored!r} instead of "
            f"{plan.key!r} ({_describe_key(plan.parts, plan.key)}), so a later run would not "
            f"find it and would create a duplicate.{hint}")

    async def update(self, index: ProjectIndex, gid: str, plan: Plan) -> dict:
        task = index.tasks[gid]
        update, changed = changes_for(task, plan)
        have = {str(p.get("gid")) for p in task.get("projects") or [] if isinstance(p, Mapping)}
        have.add(self.project_gid)
        wanted = [str(p.get("gid") if isinstance(p, Mapping) else p)
                  for p in plan.body.get("projects") or []]
        missing = [p for p in wanted if p not in have]
        if not update and not missing:
            return _outcome("unchanged", gid, task)
        if update:
            response = await self.client.put(f"/tasks/{path_id(gid, 'task gid')}", update,
                                             self.opt_fields(index))
            self.last_response = response
            index.put(response.data)
            self.check_key(index, gid, plan)
        for project in missing:
            self.last_response = await self.client.post(
                f"/tasks/{path_id(gid, 'task gid')}/addProject", {"project": project},
                retry_writes=True)
            task = index.tasks[gid]
            index.put({**task, "projects": [*(task.get("projects") or []),
                                            {"gid": project, "resource_type": "project"}]})
            changed.append(f"projects (+{project})")
        return _outcome("updated", gid, index.tasks[gid], changed)


def _outcome(action: str, gid: str | None, task: dict | None,
             changes: list[str] | None = None) -> dict:
    return {"action": action, "gid": gid, "task": task, "changes": list(changes or [])}


def _check_mode(mode: Any) -> str:
    if mode not in MODES:
        raise UpsertError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    return mode


# ---------------------------------------------------------------------------------------------
# Operations

def upsert_task(project_gid: Any, spec: Any, callback: Any = None) -> Operation:
    """Create or update one task of a project, matched on any key; write only what changed.

    ``spec`` is ``{"match": key, "data": task_body, "mode": ..., "create_missing_options":
    False}``. ``key`` is a custom field name or gid, a top-level task field, ``"external.gid"``,
    ``{"custom_field": name}``, or a list of these matched together; OpenFn's ``{"externalId":
    "name", "data": ...}`` form matches a top-level field. ``mode`` is ``"upsert"`` (default),
    ``"create_only"`` or ``"update_only"``. ``data`` is the outcome: ``{"action": "created" |
    "updated" | "unchanged" | "skipped", "gid", "task", "changes"}``. The project's tasks are
    read once per run; an unchanged record makes no request. Two matching tasks raise
    :class:`DuplicateMatchError` listing both gids.

    Example::

        each(S.data.submissions, upsert_task(S.project, {
            "match": "Grievance ID",
            "data": {"name": S.data.title,
                     "custom_fields": {"Grievance ID": S.data.id, "Grievance Status": "Open"}},
        }))
    """

    async def body(call: Call, project_gid: Any, spec: Any) -> Result:
        client, cache = call.client, call.ctx.cache
        if not isinstance(spec, Mapping):
            raise UpsertError("upsert_task's second argument is {'match': ..., 'data': {...}}, "
                              f"got {type(spec).__name__}")
        project = path_id(project_gid, "project_gid")
        parts = parse_match(spec)
        upserter = Upserter(client, cache, project, _check_mode(spec.get("mode", "upsert")))
        await upserter.index(parts)
        plan = await plan_record(client, cache, project, parts, spec.get("data"),
                                 create_missing_options=bool(spec.get("create_missing_options")))
        return Result(await upserter.run(plan), upserter.last_response)

    return asana_operation("upsert_task", body, project_gid, spec, callback=callback)


def upsert_tasks(project_gid: Any, records: Any, *, match: Any = None, external_id: Any = None,
                 mode: str = "upsert", concurrency: int = 10,
                 create_missing_options: bool = False, callback: Any = None) -> Operation:
    """Upsert many task bodies into a project at once; ``data`` is a summary and the outcomes.

    Every record is planned against the project's index before anything is written: a record
    with an unknown field or option, no key, or two matching tasks stops the operation with
    one error listing every bad record. The writes then run concurrently (``concurrency``
    records at a time, within the client's rate limits); records sharing a key run in order.
    ``data`` is ``{"summary": {"created": n, "updated": n, "unchanged": n, "skipped": n},
    "results": [outcome per record, in order]}``.

    Example::

        upsert_tasks(S.project, S.data.tasks, match="Grievance ID", concurrency=8)
    """

    async def body(call: Call, project_gid: Any, records: Any, match: Any, external_id: Any,
                   mode: Any, concurrency: Any, create_missing_options: Any) -> Result:
        client, cache = call.client, call.ctx.cache
        project = path_id(project_gid, "project_gid")
        if not isinstance(records, (list, tuple)):
            raise UpsertError(f"records must be a list of task bodies, got "
                              f"{type(records).__name__}")
        parts = parse_match({"match": match, "externalId": external_id})
        upserter = Upserter(client, cache, project, _check_mode(mode))
        await upserter.index(parts)
        gate = asyncio.Semaphore(max(1, int(concurrency)))

        async def plan(i: int, data: Any) -> Plan | str:
            async with gate:
                try:
                    return await plan_record(client, cache, project, parts, data,
                                             create_missing_options=bool(create_missing_options))
                except (UpsertError, CustomFieldError, AsanaError) as exc:
                    return f"record {i}: {exc}"

        plans = await asyncio.gather(*(plan(i, r) for i, r in enumerate(records)))
        index = await upserter.index(parts)
        problems = [p for p in plans if isinstance(p, str)]
        for i, p in enumerate(plans):
            if isinstance(p, Plan):
                try:
                    upserter.existing(index, p)
                except DuplicateMatchError as exc:
                    problems.append(f"record {i}: {exc}")
        if problems:
            raise UpsertError(f"{len(problems)} of {len(records)} records cannot be upserted; "
                              "nothing was written:\n  " + "\n  ".join(problems))
        groups: dict[tuple, list[int]] = {}
        for i, p in enumerate(plans):
            groups.setdefault(p.key, []).append(i)
        results: list[dict | None] = [None] * len(plans)

        async def run_group(members: list[int]) -> None:
            async with gate:
                for i in members:
                    try:
                        results[i] = await upserter.run(plans[i])
                    except (AsanaError, UpsertError) as exc:
                        results[i] = {**_outcome("failed", None, None), "error": str(exc)}

        await asyncio.gather(*(run_group(m) for m in groups.values()))
        summary = {a: 0 for a in ("created", "updated", "unchanged", "skipped")}
        for r in results:
            summary[r["action"]] = summary.get(r["action"], 0) + 1
        failed = [(i, r) for i, r in enumerate(results) if r["action"] == "failed"]
        if failed:
            lines = "\n  ".join(f"record {i}: {r['error']}" for i, r in failed[:10])
            raise UpsertError(f"{len(failed)} of {len(results)} records failed ({summary}); the "
                              f"others were written and a rerun finds them unchanged:\n  {lines}",
                              results=results)  # type: ignore[arg-type]
        return Result({"summary": summary, "results": results}, upserter.last_response)

    return asana_operation("upsert_tasks", body, project_gid, records, match, external_id,
                           mode, concurrency, create_missing_options, callback=callback)
