"""What a task is linked to: parent, projects, sections, tags, followers, dependencies."""

from __future__ import annotations

from typing import Any, Callable

from ..runtime.operation import Operation
from ._base import Call, asana_operation, path_id, refuse

__all__ = [
    "set_parent",
    "add_task_to_project",
    "remove_task_from_project",
    "move_task_to_section",
    "add_tag",
    "remove_tag",
    "add_followers",
    "remove_followers",
    "add_dependencies",
    "add_dependents",
]

Callback = Callable[[dict], Any] | None

POSITIONS = ("insert_before", "insert_after")


def _position(options: Any, allowed: tuple[str, ...]) -> dict[str, Any]:
    """The placement keys of ``options``; refuses unknown keys and both anchors at once."""
    options = dict(options or {})
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise refuse(f"unknown option(s) {unknown}", hint=f"Allowed: {', '.join(allowed)}.")
    if all(k in options and options[k] is not None for k in POSITIONS):
        raise refuse("insert_before and insert_after were both given",
                     hint="Give one anchor: insert_before or insert_after, not both.")
    return options


def _task(call_path: str, task_gid: Any) -> str:
    return f"/tasks/{path_id(task_gid, 'task_gid')}/{call_path}"


def _gids(value: Any, what: str) -> list[str]:
    items = [value] if isinstance(value, str) else list(value or [])
    if not items:
        raise refuse(f"{what} is empty", hint=f"Pass {what} as a gid or a non-empty list of gids.")
    return [str(v) for v in items]


def set_parent(
    task_gid: Any, parent_gid: Any, options: Any = None, callback: Callback = None
) -> Operation:
    """Make a task a subtask of ``parent_gid`` (``None`` makes it a top-level task).

    POST /tasks/{task_gid}/setParent; ``options`` may give ``insert_before`` or
    ``insert_after`` (a subtask of the new parent). ``data`` is the task.

    Example::

        set_parent("1206933955023739", "1206933955023700")
    """

    async def body(call: Call, task_gid: Any, parent_gid: Any, options: Any) -> Any:
        payload = {"parent": parent_gid, **_position(options, POSITIONS)}
        return await call.post(_task("setParent", task_gid), payload)

    return asana_operation("set_parent", body, task_gid, parent_gid, options, callback=callback)


def add_task_to_project(
    task_gid: Any, project_gid: Any, options: Any = None, callback: Callback = None
) -> Operation:
    """Add a task to a project, optionally in a section and at a position.

    POST /tasks/{task_gid}/addProject. ``options``: ``section``, and ``insert_before`` or
    ``insert_after`` (a task gid, or ``None`` with a section for top/bottom). Without options
    the task goes to the end of the project. Also reorders a task already in the project.

    Example::

        add_task_to_project("1206933955023739", "1201382240880", {"section": "1201382240899"})
    """

    async def body(call: Call, task_gid: Any, project_gid: Any, options: Any) -> Any:
        payload = {
            "project": path_id(project_gid, "project_gid"),
            **_position(options, ("section", *POSITIONS)),
        }
        return await call.post(_task("addProject", task_gid), payload)

    return asana_operation(
        "add_task_to_project", body, task_gid, project_gid, options, callback=callback
    )


def remove_task_from_project(
    task_gid: Any, project_gid: Any, callback: Callback = None
) -> Operation:
    """Remove a task from a project (POST /tasks/{task_gid}/removeProject); the task remains.

    Example::

        remove_task_from_project("1206933955023739", "1201382240880")
    """

    async def body(call: Call, task_gid: Any, project_gid: Any) -> Any:
        payload = {"project": path_id(project_gid, "project_gid")}
        return await call.post(_task("removeProject", task_gid), payload)

    return asana_operation(
        "remove_task_from_project", body, task_gid, project_gid, callback=callback
    )


def move_task_to_section(
    task_gid: Any, section_gid: Any, options: Any = None, callback: Callback = None
) -> Operation:
    """Move a task into a section (to the top unless ``insert_before``/``insert_after``).

    POST /sections/{section_gid}/addTask; the task leaves the project's other sections.

    Example::

        move_task_to_section("1206933955023739", "1201382240899")
    """

    async def body(call: Call, task_gid: Any, section_gid: Any, options: Any) -> Any:
        payload = {"task": path_id(task_gid, "task_gid"), **_position(options, POSITIONS)}
        return await call.post(f"/sections/{path_id(section_gid, 'section_gid')}/addTask", payload)

    return asana_operation(
        "move_task_to_section", body, task_gid, section_gid, options, callback=callback
    )


def add_tag(task_gid: Any, tag_gid: Any, callback: Callback = None) -> Operation:
    """Tag a task (POST /tasks/{task_gid}/addTag).

    Example::

        add_tag("1206933955023739", "1201382240950")
    """

    async def body(call: Call, task_gid: Any, tag_gid: Any) -> Any:
        return await call.post(_task("addTag", task_gid), {"tag": path_id(tag_gid, "tag_gid")})

    return asana_operation("add_tag", body, task_gid, tag_gid, callback=callback)


def remove_tag(task_gid: Any, tag_gid: Any, callback: Callback = None) -> Operation:
    """Remove a tag from a task (POST /tasks/{task_gid}/removeTag).

    Example::

        remove_tag("1206933955023739", "1201382240950")
    """

    async def body(call: Call, task_gid: Any, tag_gid: Any) -> Any:
        return await call.post(_task("removeTag", task_gid), {"tag": path_id(tag_gid, "tag_gid")})

    return asana_operation("remove_tag", body, task_gid, tag_gid, callback=callback)


def add_followers(task_gid: Any, followers: Any, callback: Callback = None) -> Operation:
    """Add followers to a task: user gids, emails or ``"me"`` (POST .../addFollowers).

    Example::

        add_followers("1206933955023739", ["amina@example.org", "me"])
    """

    async def body(call: Call, task_gid: Any, followers: Any) -> Any:
        payload = {"followers": _gids(followers, "followers")}
        return await call.post(_task("addFollowers", task_gid), payload)

    return asana_operation("add_followers", body, task_gid, followers, callback=callback)


def remove_followers(task_gid: Any, followers: Any, callback: Callback = None) -> Operation:
    """Remove followers from a task (POST /tasks/{task_gid}/removeFollowers).

    Example::

        remove_followers("1206933955023739", ["amina@example.org"])
    """

    async def body(call: Call, task_gid: Any, followers: Any) -> Any:
        payload = {"followers": _gids(followers, "followers")}
        return await call.post(_task("removeFollowers", task_gid), payload)

    return asana_operation("remove_followers", body, task_gid, followers, callback=callback)


def add_dependencies(task_gid: Any, dependencies: Any, callback: Callback = None) -> Operation:
    """Mark a task as waiting on other tasks (premium; at most 30 links per task).

    POST /tasks/{task_gid}/addDependencies with ``{"dependencies": [gids]}``.

    Example::

        add_dependencies("1206933955023739", ["1206933955023700"])
    """

    async def body(call: Call, task_gid: Any, dependencies: Any) -> Any:
        payload = {"dependencies": _gids(dependencies, "dependencies")}
        return await call.post(_task("addDependencies", task_gid), payload)

    return asana_operation("add_dependencies", body, task_gid, dependencies, callback=callback)


def add_dependents(task_gid: Any, dependents: Any, callback: Callback = None) -> Operation:
    """Mark other tasks as waiting on this one (premium; POST .../addDependents).

    Example::

        add_dependents("1206933955023700", ["1206933955023739"])
    """

    async def body(call: Call, task_gid: Any, dependents: Any) -> Any:
        payload = {"dependents": _gids(dependents, "dependents")}
        return await call.post(_task("addDependents", task_gid), payload)

    return asana_operation("add_dependents", body, task_gid, dependents, callback=callback)
