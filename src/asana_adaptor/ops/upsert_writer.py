"""Upsert writes: create, update or leave one record's task, keeping the index current.

A create whose response is lost (:class:`~asana_adaptor.client.AmbiguousWriteError`) is not
repeated blindly: the project is read again and the record's key looked up first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from ..client.errors import AmbiguousWriteError, ForbiddenError
from ._base import explain_external, path_id
from .upsert_index import ProjectIndex, load_index, needed_fields
from .upsert_keys import DuplicateMatchError, KeyPart, UpsertError, describe_key, key_of_task
from .upsert_plan import Plan, changes_for

__all__ = ["MODES", "Upserter", "check_mode", "outcome"]

MODES = ("upsert", "create_only", "update_only")
CREATE_ATTEMPTS = 3


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
                                needed_fields(parts), refresh=refresh)

    def opt_fields(self, index: ProjectIndex) -> dict[str, str]:
        return {"opt_fields": ",".join(sorted(index.fields))}

    def existing(self, index: ProjectIndex, plan: Plan) -> str | None:
        gids = index.lookup(plan.parts, plan.key)
        if len(gids) > 1:
            raise DuplicateMatchError(describe_key(plan.parts, plan.key), sorted(gids),
                                      self.project_gid)
        return gids[0] if gids else None

    async def run(self, plan: Plan) -> dict:
        index = await self.index(plan.parts)
        gid = self.existing(index, plan)
        if gid is None:
            if self.mode == "update_only":
                return outcome("skipped", None, None)
            return await self.create(index, plan)
        if self.mode == "create_only":
            return outcome("skipped", gid, index.tasks[gid])
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
            except ForbiddenError as error:
                raise explain_external(error) from error
            except AmbiguousWriteError as error:
                # The task may exist: look it up by its key before trying again.
                self.client.logger.warning(
                    "POST /tasks failed after it was sent (%s: %s); reading project %s again "
                    "to see whether the task was created (attempt %d of %d)",
                    error.status or "no response", error.words.rstrip("."), self.project_gid,
                    attempt, CREATE_ATTEMPTS)
                index = await self.index(plan.parts, refresh=True)
                gid = self.existing(index, plan)
                if gid is not None:
                    return outcome("created", gid, index.tasks[gid])
                if attempt == CREATE_ATTEMPTS:
                    raise error.with_hint(
                        f"The task was not found in project {self.project_gid} after "
                        f"{CREATE_ATTEMPTS} tries; running the job again is safe: the upsert "
                        "looks for the task first and creates it only if it is missing.") \
                        from error.cause
                continue
            self.last_response = response
            index.put(response.data)
            gid = str(response.data["gid"])
            self.check_key(index, gid, plan)
            return outcome("created", gid, index.tasks[gid])
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
            f"{plan.key!r} ({describe_key(plan.parts, plan.key)}), so a later run would not "
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
            return outcome("unchanged", gid, task)
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
        return outcome("updated", gid, index.tasks[gid], changed)


def outcome(action: str, gid: str | None, task: dict | None,
            changes: list[str] | None = None) -> dict:
    """One record's outcome as state shows it: action, gid, task and what changed."""
    return {"action": action, "gid": gid, "task": task, "changes": list(changes or [])}


def check_mode(mode: Any) -> str:
    """``mode`` itself when it is one of :data:`MODES`, else an UpsertError listing them."""
    if mode not in MODES:
        raise UpsertError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    return mode
