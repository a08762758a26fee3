"""Tags (they belong to a workspace)."""

from __future__ import annotations

from typing import Any

from ..errors import invalid, missing
from ..parsing import as_gid, as_str
from ..views import Kind, ref, refs, register
from .custom_fields import COLORS

register(Kind(
    "tag", ("gid", "resource_type", "name"),
    ("gid", "resource_type", "name", "color", "notes", "created_at", "followers", "workspace",
     "permalink_url"),
    getters={
        "followers": lambda b, r: refs("user", r["followers"]),
        "workspace": lambda b, r: ref("workspace", r["workspace"]),
        "permalink_url": lambda b, r: b.permalink("tag", r),
    },
))


class TagsModel:
    """Tag operations."""

    def create_tag(self, data: dict[str, Any], workspace: str | None = None) -> dict[str, Any]:
        """createTag / createTagForWorkspace."""
        workspace = workspace or (as_gid(data["workspace"], "workspace")
                                  if data.get("workspace") is not None else None)
        if workspace is None:
            raise missing("workspace")
        workspace_record = self.get_workspace(workspace, "workspace")
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            raise missing("name")
        tag = self.new_record("tag", {"name": name, "color": None, "notes": "",
                                      "workspace": workspace, "followers": []})
        self._apply_tag(tag, data)
        if data.get("followers") is not None:
            tag["followers"] = self.user_gids(data["followers"], "followers")
        self.record_event(self.compact("tag", tag), "added",
                          parent=self.compact("workspace", workspace_record))
        return tag

    def _apply_tag(self, tag: dict[str, Any], data: dict[str, Any]) -> None:
        if "name" in data:
            if not isinstance(data["name"], str) or not data["name"].strip():
                raise invalid("name", "Must be a non-empty string")
            tag["name"] = data["name"]
        if "color" in data:
            if data["color"] is not None and data["color"] not in COLORS:
                raise invalid("color", f"Must be one of {', '.join(COLORS)}")
            tag["color"] = data["color"]
        if "notes" in data:
            tag["notes"] = as_str(data["notes"], "notes", allow_none=True) or ""

    def get_tag(self, tag_gid: str) -> dict[str, Any]:
        return self.lookup("tag", tag_gid)

    def update_tag(self, tag_gid: str, data: dict[str, Any]) -> dict[str, Any]:
        tag = self.get_tag(tag_gid)
        if "workspace" in data and str(data["workspace"]) != tag["workspace"]:
            raise invalid("workspace", "A tag cannot move to another workspace")
        if "followers" in data:
            raise invalid("followers", "Cannot be changed with an update")
        self._apply_tag(tag, data)
        self.record_event(self.compact("tag", tag), "changed",
                          change={"field": "name", "action": "changed", "new_value": tag["name"]})
        return tag

    def delete_tag(self, tag_gid: str) -> None:
        tag = self.get_tag(tag_gid)
        for task in self.tasks.values():
            if tag_gid in task["tags"]:
                task["tags"].remove(tag_gid)
        self.record_event(self.compact("tag", tag), "deleted")
        del self.tags[tag_gid]

    def get_tags(self, workspace: str | None = None) -> list[dict[str, Any]]:
        if workspace:
            self.get_workspace(workspace, "workspace")
            return [t for t in self.tags.values() if t["workspace"] == workspace]
        mine = set(self.me()["workspaces"])
        return [t for t in self.tags.values() if t["workspace"] in mine]

    def get_tags_for_task(self, task_gid: str) -> list[dict[str, Any]]:
        task = self.get_task(task_gid)
        return [self.tags[g] for g in task["tags"] if g in self.tags]
