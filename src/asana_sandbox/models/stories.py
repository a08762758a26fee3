"""Stories: comments and the system stories recorded for changes."""

from __future__ import annotations

from typing import Any

from ..errors import BadRequest, Forbidden, invalid, missing
from ..parsing import as_str, parse_bool
from ..views import Kind, Ref, ref, register
from .task_fields import escape_html, html_text

_SYSTEM_REFS = {"assignee": "user", "project": "project", "tag": "tag",
                "new_section": "section", "old_section": "section",
                "custom_field": "custom_field", "new_enum_value": "enum_option",
                "old_enum_value": "enum_option"}
_SYSTEM_PLAIN = ("old_name", "new_name", "old_text_value", "new_text_value", "old_number_value",
                 "new_number_value", "old_date_value", "new_date_value")
_SYSTEM_LISTS = {"old_people_value": "user", "new_people_value": "user",
                 "old_multi_enum_values": "enum_option", "new_multi_enum_values": "enum_option"}


def _getters() -> dict[str, Any]:
    getters: dict[str, Any] = {
        "created_by": lambda b, r: ref("user", r.get("created_by")),
        "target": lambda b, r: Ref("task", r["target"]),
        "hearted": lambda b, r: False, "hearts": lambda b, r: [], "num_hearts": lambda b, r: 0,
        "liked": lambda b, r: False, "likes": lambda b, r: [], "num_likes": lambda b, r: 0,
        "previews": lambda b, r: [],
        "is_editable": lambda b, r: r["type"] == "comment" and r.get("created_by") == b.acting_user,
    }
    for name, kind in _SYSTEM_REFS.items():
        getters[name] = (lambda k, n: lambda b, r: ref(k, r.get(n)))(kind, name)
    for name, kind in _SYSTEM_LISTS.items():
        getters[name] = (lambda k, n: lambda b, r: [Ref(k, g) for g in r.get(n) or []]
                         if n in r else None)(kind, name)
    return getters


register(Kind(
    "story", ("gid", "resource_type", "created_at", "created_by", "resource_subtype", "text"),
    ("gid", "resource_type", "created_at", "created_by", "resource_subtype", "text", "type",
     "is_pinned", "is_editable", "is_edited", "hearted", "hearts", "num_hearts", "liked",
     "likes", "num_likes", "previews", "sticker_name", "target"),
    optin=("html_text",) + tuple(_SYSTEM_REFS) + _SYSTEM_PLAIN + tuple(_SYSTEM_LISTS),
    getters=_getters(), drop_null=("sticker_name",),
))


class StoriesModel:
    """Comments (created by callers) and system stories (created by changes)."""

    def add_system_story(self, task: dict[str, Any], subtype: str, text: str,
                         **extra: Any) -> dict[str, Any]:
        story = self.new_record("story", {
            "resource_subtype": subtype, "type": "system", "text": text,
            "html_text": None, "is_pinned": False, "is_edited": False, "sticker_name": None,
            "created_by": self.acting_user, "target": task["gid"], **extra,
        })
        self.record_event(self.compact("story", story), "added",
                          parent=self.compact("task", task))
        return story

    def create_story_for_task(self, task_gid: str, data: dict[str, Any]) -> dict[str, Any]:
        """createStoryForTask: a comment, ``text`` or ``html_text`` (not both)."""
        task = self.get_task(task_gid)
        text, html = data.get("text"), data.get("html_text")
        if text is not None and html is not None:
            raise BadRequest("text, html_text: Specify only one of text or html_text")
        if text is None and html is None:
            raise missing("text")
        if html is not None:
            html = as_str(html, "html_text")
            try:
                text = html_text(html)
            except BadRequest:
                raise invalid("html_text", "XML is invalid; wrap rich text in <body>...</body>") \
                    from None
        else:
            text = as_str(text, "text")
            html = "<body>" + text.replace("&", "&amp;").replace("<", "&lt;") + "</body>"
        if not text.strip():
            raise invalid("text", "A comment cannot be empty")
        story = self.new_record("story", {
            "resource_subtype": "comment_added", "type": "comment", "text": text,
            "html_text": html, "is_pinned": parse_bool(data.get("is_pinned", False), "is_pinned"),
            "is_edited": False, "sticker_name": data.get("sticker_name"),
            "created_by": self.acting_user, "target": task_gid,
        })
        if self.acting_user and self.acting_user not in task["followers"]:
            task["followers"].append(self.acting_user)
        self.record_event(self.compact("story", story), "added", parent=self.compact("task", task))
        return story

    def get_stories_for_task(self, task_gid: str) -> list[dict[str, Any]]:
        self.get_task(task_gid)
        return [s for s in self.stories.values() if s["target"] == task_gid]

    def get_story(self, story_gid: str) -> dict[str, Any]:
        return self.lookup("story", story_gid)

    def update_story(self, story_gid: str, data: dict[str, Any]) -> dict[str, Any]:
        """updateStory: comments only; ``text``/``html_text`` by the author, ``is_pinned``."""
        story = self.get_story(story_gid)
        if story["type"] != "comment":
            raise Forbidden("Only comments can be edited")
        if data.get("text") is not None and data.get("html_text") is not None:
            raise BadRequest("text, html_text: Specify only one of text or html_text")
        if "text" in data or "html_text" in data:
            if story["created_by"] != self.acting_user:
                raise Forbidden("Only the author can edit a comment")
            if data.get("html_text") is not None:
                story["html_text"] = as_str(data["html_text"], "html_text")
                story["text"] = html_text(story["html_text"])
            else:
                story["text"] = as_str(data.get("text"), "text")
                story["html_text"] = "<body>" + escape_html(story["text"]) + "</body>"
            story["is_edited"] = True
        if "is_pinned" in data:
            story["is_pinned"] = parse_bool(data["is_pinned"], "is_pinned")
        self.record_event(self.compact("story", story), "changed",
                          change={"field": "text", "action": "changed", "new_value": story["text"]})
        return story

    def delete_story(self, story_gid: str) -> None:
        story = self.get_story(story_gid)
        if story["type"] != "comment":
            raise Forbidden("Only comments can be deleted")
        self.record_event(self.compact("story", story), "removed",
                          parent={"gid": story["target"], "resource_type": "task"})
        del self.stories[story_gid]
