"""Tasks: read, list, create, update, delete, search, subtasks, duplicate."""

from __future__ import annotations

from typing import Any, Callable, Mapping

from ..client.errors import JobError, PremiumRequiredError
from ..runtime.operation import Operation
from ._base import Call, Result, asana_operation, drop_none, path_id, refuse

__all__ = [
    "get_task",
    "get_tasks",
    "create_task",
    "update_task",
    "delete_task",
    "search_task",
    "get_subtasks",
    "create_subtask",
    "duplicate_task",
]

Callback = Callable[[dict], Any] | None


async def _prepare(call: Call, body: Any, *, project_gid: str | None = None) -> dict:
    """The task body with custom fields by name turned into gids and raw values."""
    if not isinstance(body, Mapping):
        raise refuse(f"a task body must be a dict of task fields, got {type(body).__name__}",
                     hint='Pass fields like {"name": "...", "projects": ["..."]}.')
    if not body.get("custom_fields"):
        return dict(body)
    from .custom_fields import prepare_task_body

    return await prepare_task_body(
        call.client,
        call.ctx.cache,
        body,
        project_gid=project_gid,
        workspace_gid=body.get("workspace") or call.configuration.get("workspaceGid"),
    )


def get_task(task_gid: Any, params: Any = None, callback: Callback = None) -> Operation:
    """Get one task by gid (GET /tasks/{task_gid}); ``data`` is the task.

    Example::

        get_task("1206933955023739", {"opt_fields": "name,notes,assignee"})
    """

    async def body(call: Call, task_gid: Any, params: Any) -> Any:
        return await call.get(f"/tasks/{path_id(task_gid, 'task_gid')}", params)

    return asana_operation("get_task", body, task_gid, params, callback=callback)


def get_tasks(project_gid: Any, params: Any = None, callback: Callback = None) -> Operation:
    """List the tasks of a project, every page (one page when ``limit`` is given).

    GET /projects/{project_gid}/tasks, following ``next_page``; ``data`` is the list.

    Example::

        get_tasks("1201382240880", {"opt_fields": "name,completed"})
        get_tasks(S.project, {"limit": 20})   # only the first 20
    """

    async def body(call: Call, project_gid: Any, params: Any) -> Result:
        return await call.get_all(f"/projects/{path_id(project_gid, 'project_gid')}/tasks", params)

    return asana_operation("get_tasks", body, project_gid, params, callback=callback)


def create_task(params: Any, callback: Callback = None) -> Operation:
    """Create a task (POST /tasks with ``{"data": params}``); ``data`` is the new task.

    The body needs ``projects``, ``parent`` or ``workspace``. ``custom_fields`` may use field
    and option names.

    Example::

        create_task({
            "name": "Fix the pump",
            "projects": ["1201382240880"],
            "custom_fields": {"Grievance Status": "Open"},
        })
    """

    async def body(call: Call, params: Any) -> Any:
        prepared = await _prepare(call, params)
        return await call.post("/tasks", prepared)

    return asana_operation("create_task", body, params, callback=callback)


def update_task(task_gid: Any, data: Any, callback: Callback = None) -> Operation:
    """Update a task (PUT /tasks/{task_gid}); only the fields given change.

    Example::

        update_task("1206933955023739", {"completed": True, "notes": "Done on site"})
    """

    async def body(call: Call, task_gid: Any, data: Any) -> Any:
        prepared = await _prepare(call, data)
        return await call.put(f"/tasks/{path_id(task_gid, 'task_gid')}", prepared)

    return asana_operation("update_task", body, task_gid, data, callback=callback)


def delete_task(task_gid: Any, callback: Callback = None) -> Operation:
    """Delete a task (DELETE /tasks/{task_gid}); it goes to the trash for 30 days.

    Example::

        delete_task("1206933955023739")
    """

    async def body(call: Call, task_gid: Any) -> Any:
        return await call.delete(f"/tasks/{path_id(task_gid, 'task_gid')}")

    return asana_operation("delete_task", body, task_gid, callback=callback)


def search_task(
    text: Any, query: Any = None, options: Any = None, callback: Callback = None
) -> Operation:
    """Search the tasks of a workspace (premium; one page of at most 100; 10-60 s index lag).

    GET /workspaces/{workspaceGid}/tasks/search with ``text``, ``resource_subtype``
    (default ``default_task``) and any filter. ``query["custom_fields"]`` maps a field gid to
    the value to match (``custom_fields.<gid>.value``); a key with a dot passes an operator
    (``{"<gid>.is_set": True}``); a field *name* as key is resolved (and an option name as
    value). The workspace is ``options["workspaceGid"]`` or ``configuration.workspaceGid``.

    Example::

        search_task("pump", {"completed": False, "custom_fields": {"Country": "Kenya"}})
    """

    async def body(call: Call, text: Any, query: Any, options: Any) -> Any:
        workspace = call.workspace_gid((options or {}).get("workspaceGid"))
        filters = dict(query or {})
        custom = filters.pop("custom_fields", None) or {}
        subtype = filters.pop("resource_subtype", None) or "default_task"
        params = {
            "resource_subtype": subtype,
            "text": text,
            **await _custom_field_filters(call, custom, workspace),
            **filters,
        }
        try:
            return await call.get(f"/workspaces/{workspace}/tasks/search", params)
        except PremiumRequiredError as error:
            raise error.with_hint(
                f"Search needs a paid Asana plan, and workspace {workspace} has none: read "
                "the project's tasks with get_tasks(project_gid) and filter them in fn(...) "
                "instead, or search a premium workspace.") from error

    return asana_operation("search_task", body, text, query, options, callback=callback)


async def _custom_field_filters(call: Call, custom: Mapping[str, Any], workspace: str) -> dict:
    plain = {k: v for k, v in custom.items() if "." not in str(k)}
    if any(not str(k).isdigit() for k in plain):
        from .custom_fields import prepare_task_body

        prepared = await prepare_task_body(
            call.client, call.ctx.cache, {"custom_fields": plain}, workspace_gid=workspace
        )
        plain = prepared["custom_fields"]
    out = {f"custom_fields.{k}.value": v for k, v in plain.items()}
    out.update({f"custom_fields.{k}": v for k, v in custom.items() if "." in str(k)})
    return out


def get_subtasks(task_gid: Any, params: Any = None, callback: Callback = None) -> Operation:
    """List a task's subtasks, every page (GET /tasks/{task_gid}/subtasks).

    Example::

        get_subtasks("1206933955023739", {"opt_fields": "name,completed"})
    """

    async def body(call: Call, task_gid: Any, params: Any) -> Result:
        return await call.get_all(f"/tasks/{path_id(task_gid, 'task_gid')}/subtasks", params)

    return asana_operation("get_subtasks", body, task_gid, params, callback=callback)


def create_subtask(parent_gid: Any, params: Any, callback: Callback = None) -> Operation:
    """Create a subtask under ``parent_gid`` (POST /tasks/{parent_gid}/subtasks).

    Example::

        create_subtask("1206933955023739", {"name": "Visit the village", "assignee": "me"})
    """

    async def body(call: Call, parent_gid: Any, params: Any) -> Any:
        prepared = await _prepare(call, params)
        return await call.post(f"/tasks/{path_id(parent_gid, 'parent_gid')}/subtasks", prepared)

    return asana_operation("create_subtask", body, parent_gid, params, callback=callback)


def duplicate_task(
    task_gid: Any, params: Any, options: Any = None, callback: Callback = None
) -> Operation:
    """Duplicate a task and wait for Asana's job; ``data`` is the new task.

    POST /tasks/{task_gid}/duplicate with ``{"name", "include"}`` (``include`` a list or a
    comma-separated string of notes, assignee, subtasks, attachments, tags, followers,
    projects, dates, dependencies, parent), then polls GET /jobs/{gid} until it succeeds or
    fails: first after ``options["poll_interval"]`` seconds (default 0.1), then twice as long
    each time (at most 2 s), for at most ``options["timeout"]`` seconds (default 60).

    Example::

        duplicate_task("1206933955023739", {"name": "Copy of pump repair",
                                            "include": ["notes", "projects"]})
    """

    async def body(call: Call, task_gid: Any, params: Any, options: Any) -> Result:
        data = dict(params or {})
        if isinstance(data.get("include"), (list, tuple)):
            data["include"] = ",".join(data["include"])
        waiting = drop_none(dict(options or {}))
        path = f"/tasks/{path_id(task_gid, 'task_gid')}/duplicate"
        unknown = sorted(set(waiting) - {"timeout", "poll_interval"})
        if unknown:
            raise refuse(f"unknown option(s) {unknown}", method="POST", path=path,
                         hint="duplicate_task options are timeout and poll_interval (seconds).")
        started = await call.post(path, data)
        job, last = await wait_for_job(call, started, **waiting)
        return Result(job.get("new_task"), last)

    return asana_operation("duplicate_task", body, task_gid, params, options, callback=callback)


async def wait_for_job(
    call: Call, started: Any, *, timeout: float = 60.0, poll_interval: float = 0.1
) -> tuple[dict, Any]:
    """Poll GET /jobs/{gid} until the job has succeeded; raise if it failed or timed out.

    Time is read and waited through the client's retry policy (its ``clock`` and ``sleep``), so
    a run on a virtual clock polls without waiting.
    """
    job, last = started.data, started
    path = f"/jobs/{path_id(job.get('gid'), 'job gid')}"
    clock, sleep = call.client.retry.clock, call.client.retry.sleep
    deadline = clock() + timeout
    interval = poll_interval
    while job.get("status") not in ("succeeded", "failed"):
        if clock() >= deadline:
            raise JobError(
                f"the job did not finish within {timeout:g} s (status {job.get('status')!r})",
                method="GET", path=path,
                hint="It may still complete: look it up later, or pass options={'timeout': ...}.")
        await sleep(interval)
        interval = min(interval * 2, 2.0)
        last = await call.get(path)
        job = last.data
    if job["status"] == "failed":
        raise JobError("the job failed: the duplicate was not made", method="GET", path=path)
    return job, last
