"""The upsert index: a project's tasks read once per run, with their match keys, kept current.

``load_index`` reads the project's tasks in one paginated request (with the fields needed to
match and compare) and caches the index in the run's cache; every write the upsert makes is put
back into it, so ``each(records, upsert_task(...))`` reads the project once, not per record.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from .custom_field_catalog import client_key, list_all, loop_lock
from .upsert_keys import KeyPart, key_of_task

__all__ = ["COMPARED", "INDEX_FIELDS", "ProjectIndex", "load_index", "needed_fields"]

# Top-level task fields an update compares before writing.
COMPARED = ("name", "notes", "completed", "assignee", "due_on", "due_at", "start_on",
            "start_at", "resource_subtype", "approval_status")
_CF_PARTS = ("name", "resource_subtype", "text_value", "number_value", "enum_value",
             "multi_enum_values", "date_value", "people_value", "reference_value")
INDEX_FIELDS = frozenset([*COMPARED, "projects", *(f"custom_fields.{p}" for p in _CF_PARTS)])


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


def needed_fields(parts: Sequence[KeyPart]) -> frozenset[str]:
    extra = {p.name for p in parts if p.kind == "field"}
    if any(p.kind == "external" for p in parts):
        extra.add("external")
    return INDEX_FIELDS | extra
