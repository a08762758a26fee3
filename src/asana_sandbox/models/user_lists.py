"""User task lists ("My Tasks"), favorites and user updates."""

from __future__ import annotations

from typing import Any

from ..errors import invalid, missing
from ..views import Kind, ref, register

register(Kind("user_task_list", ("gid", "resource_type", "name"),
              ("gid", "resource_type", "name", "owner", "workspace"),
              getters={"owner": lambda b, r: ref("user", r["owner"]),
                       "workspace": lambda b, r: ref("workspace", r["workspace"])}))

FAVORITE_TYPES = ("portfolio", "project", "tag", "task", "user", "project_template")


class UserListsModel:
    """My Tasks lists (made on first use), favorites, updateUser."""

    def get_user_task_list_for_user(self, user_id: Any, workspace: Any) -> dict[str, Any]:
        """The user's My Tasks list in ``workspace`` (made the first time it is asked for)."""
        user = self.get_user(user_id)
        if workspace is None or workspace == "":
            raise missing("workspace")
        self.get_workspace(workspace, "workspace")
        if workspace not in user["workspaces"]:
            raise invalid("workspace", "The user is not a member of this workspace")
        for record in self.user_task_lists.values():
            if record["owner"] == user["gid"] and record["workspace"] == workspace:
                return record
        return self.new_record("user_task_list", {"name": "My Tasks", "owner": user["gid"],
                                                  "workspace": workspace})

    def get_user_task_list(self, list_gid: str) -> dict[str, Any]:
        return self.lookup("user_task_list", list_gid)

    def get_tasks_for_user_task_list(self, list_gid: str) -> list[dict[str, Any]]:
        record = self.get_user_task_list(list_gid)
        return [t for t in self.tasks.values()
                if t["assignee"] == record["owner"] and t["workspace"] == record["workspace"]]

    def get_favorites_for_user(self, user_id: Any, query: dict[str, str]) -> list[dict[str, Any]]:
        """getFavoritesForUser: nothing is favorited in the sandbox; the parameters are checked."""
        user = self.get_user(user_id)
        if user["gid"] != self.acting_user:
            from ..errors import Forbidden

            raise Forbidden("You can only read your own favorites")
        kind = query.get("resource_type")
        if not kind:
            raise missing("resource_type")
        if kind not in FAVORITE_TYPES:
            raise invalid("resource_type", f"Must be one of {', '.join(FAVORITE_TYPES)}")
        if not query.get("workspace"):
            raise missing("workspace")
        self.get_workspace(query["workspace"], "workspace")
        return []

    def update_user(self, user_id: Any, data: dict[str, Any]) -> dict[str, Any]:
        """updateUser: only the user's custom field values can change."""
        user = self.get_user(user_id)
        for name in data:
            if name != "custom_fields":
                raise invalid(name, "Only custom_fields can be updated on a user")
        mapping = data.get("custom_fields")
        if mapping is None:
            return user
        if not isinstance(mapping, dict):
            raise invalid("custom_fields", "Must be an object mapping custom field gids to values")
        values = user.setdefault("custom_fields", {})
        for key, value in mapping.items():
            field = self.custom_fields.get(str(key))
            if field is None or field["workspace"] not in user["workspaces"]:
                raise invalid("custom_fields", f"Unknown custom field: {key}")
            coerced = self._coerce_value(field, value)
            if coerced is None:
                values.pop(field["gid"], None)
            else:
                values[field["gid"]] = coerced
        return user
