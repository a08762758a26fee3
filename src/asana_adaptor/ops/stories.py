"""Stories: comments on tasks and a task's history."""

from __future__ import annotations

from typing import Any, Callable

from ..runtime.operation import Operation
from ._base import Call, Result, asana_operation, drop_none, path_id, refuse

__all__ = ["create_task_story", "get_stories"]

Callback = Callable[[dict], Any] | None

STORY_FIELDS = ("text", "html_text", "is_pinned", "sticker_name")
QUERY_FIELDS = ("opt_fields", "opt_pretty")


def create_task_story(task_gid: Any, params: Any, callback: Callback = None) -> Operation:
    """Comment on a task (POST /tasks/{task_gid}/stories); ``data`` is the new story.

    ``params``: ``text`` or ``html_text`` (not both), ``is_pinned`` (default False),
    ``sticker_name``; ``opt_fields`` and ``opt_pretty`` go to the query string.

    Example::

        create_task_story("1206933955023739", {"text": "Synced from Kobo"})
        get_task("1206933955023739")   # then S.data is the task (not the story just made)
        create_task_story(S.data.gid, {"html_text": "<body>Seen by <strong>Amina</strong></body>"})
    """

    async def body(call: Call, task_gid: Any, params: Any) -> Any:
        params = dict(params or {})
        path = f"/tasks/{path_id(task_gid, 'task_gid')}/stories"
        unknown = sorted(set(params) - set(STORY_FIELDS) - set(QUERY_FIELDS))
        if unknown:
            raise refuse(f"unknown story field(s) {unknown}", method="POST", path=path,
                         hint=f"Use {', '.join(STORY_FIELDS + QUERY_FIELDS)}.")
        if bool(params.get("text")) == bool(params.get("html_text")):
            raise refuse("a comment needs exactly one of text or html_text", method="POST",
                         path=path,
                         hint='Pass {"text": "..."} or {"html_text": "<body>...</body>"}.')
        story = drop_none({k: params.get(k) for k in STORY_FIELDS})
        story.setdefault("is_pinned", False)
        query = {k: params[k] for k in QUERY_FIELDS if params.get(k) not in (None, [], "")}
        return await call.post(path, story, query)

    return asana_operation("create_task_story", body, task_gid, params, callback=callback)


def get_stories(task_gid: Any, params: Any = None, callback: Callback = None) -> Operation:
    """List a task's stories (comments and history), every page (GET /tasks/{gid}/stories).

    Example::

        get_stories("1206933955023739", {"opt_fields": "text,type,created_by.name"})
    """

    async def body(call: Call, task_gid: Any, params: Any) -> Result:
        return await call.get_all(f"/tasks/{path_id(task_gid, 'task_gid')}/stories", params)

    return asana_operation("get_stories", body, task_gid, params, callback=callback)
