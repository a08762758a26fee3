"""Upsert tasks on any key: create what is missing, update only what changed.

``upsert_task(project, {"match": "Grievance ID", "data": {...}})`` finds the project's task
whose match key equals the record's, then creates it, updates the fields that differ, or leaves
it alone. The match key may be a top-level task field, a custom field by name or gid,
``external.gid``, or several of these together; OpenFn's ``externalId`` is read as ``match``.

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
from typing import Any, Mapping

from ..client.errors import AsanaError
from ..runtime.operation import Operation
from ._base import Call, Result, asana_operation, path_id
from .custom_fields import CustomFieldError
from .upsert_keys import DuplicateMatchError, UpsertError, parse_match
from .upsert_plan import Plan, plan_record
from .upsert_writer import Upserter, check_mode, outcome

# The parts: upsert_keys (match keys, errors), upsert_index (the project read once per run),
# upsert_plan (a record resolved, the smallest update), upsert_writer (create/update/skip).
__all__ = ["upsert_task", "upsert_tasks", "UpsertError", "DuplicateMatchError"]


def upsert_task(project_gid: Any, spec: Any, callback: Any = None) -> Operation:
    """Create or update one task of a project, matched on any key; write only what changed.

    ``spec`` is ``{"match": key, "data": task_body, "mode": ..., "create_missing_options":
    False}``. ``key`` is a custom field name or gid, a top-level task field, ``"external.gid"``,
    ``{"custom_field": name}``, or a list of these matched together. OpenFn's ``{"externalId":
    key, "data": ...}`` form reads ``key`` exactly as ``match`` does (``"name"``, a custom field
    name or gid, ``"external.gid"``). ``mode`` is ``"upsert"`` (default),
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
        upserter = Upserter(client, cache, project, check_mode(spec.get("mode", "upsert")))
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
        upserter = Upserter(client, cache, project, check_mode(mode))
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
                        results[i] = {**outcome("failed", None, None), "error": str(exc)}

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
