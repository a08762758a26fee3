"""Users, workspaces and teams."""

from __future__ import annotations

from typing import Any

from ..errors import BadRequest, invalid, unknown_object
from ..views import Kind, refs, register

register(Kind(
    "user", ("gid", "resource_type", "name"),
    ("gid", "resource_type", "name", "email", "photo", "workspaces"),
    optin=("custom_fields",),
    getters={"workspaces": lambda b, r: refs("workspace", r.get("workspaces", ())),
             "custom_fields": lambda b, r: [
                 b.custom_field_entry(b.custom_fields[g], {"custom_fields": r["custom_fields"]})
                 for g in r.get("custom_fields", {}) if g in b.custom_fields]},
))
register(Kind(
    "workspace", ("gid", "resource_type", "name"),
    ("gid", "resource_type", "name", "email_domains", "is_organization"),
))
register(Kind(
    "team", ("gid", "resource_type", "name"),
    ("gid", "resource_type", "name", "description", "html_description", "organization",
     "permalink_url", "visibility"),
    getters={
        "organization": lambda b, r: b.ref_of("workspace", r.get("workspace")),
        "permalink_url": lambda b, r: f"https://app.asana.com/0/{r['gid']}/{r['gid']}",
    },
))


class UsersModel:
    """Users (``me``, emails and gids as identifiers), workspaces and teams."""

    tables: dict[str, dict[str, dict[str, Any]]]

    # users
    def create_user(self, name: str, email: str, workspaces: list[str]) -> dict[str, Any]:
        """Add a user to the directory (seeding and tests; Asana has no API for this)."""
        return self.new_record("user", {"name": name, "email": email, "photo": None,
                                        "workspaces": list(workspaces)})

    def get_user(self, user_id: Any, param: str | None = None) -> dict[str, Any]:
        """A user by gid, email or ``"me"``."""
        if user_id is None or isinstance(user_id, bool):
            raise invalid(param or "user", f"Not a valid user: {user_id}")
        key = str(user_id).strip()
        if key == "me":
            return self.me()
        if "@" in key:
            for user in self.users.values():
                if user["email"].lower() == key.lower():
                    return user
            if param:
                raise BadRequest(f"{param}: Not a recognized email: {key}")
            raise unknown_object(key)
        return self.lookup("user", key, param)

    def get_users(
        self, workspace: str | None = None, team: str | None = None
    ) -> list[dict[str, Any]]:
        """Users in a workspace or team (all users the caller can see otherwise)."""
        users = list(self.users.values())
        if workspace:
            self.get_workspace(workspace, "workspace")
            users = [u for u in users if workspace in u["workspaces"]]
        if team:
            members = self.lookup("team", team, "team").get("members", [])
            users = [u for u in users if u["gid"] in members]
        if not workspace and not team:
            mine = set(self.me()["workspaces"])
            users = [u for u in users if mine.intersection(u["workspaces"])]
        return users

    def get_users_for_workspace(self, workspace: str) -> list[dict[str, Any]]:
        self.get_workspace(workspace)
        users = [u for u in self.users.values() if workspace in u["workspaces"]]
        return sorted(users, key=lambda u: u["name"].lower())

    def user_gids(self, values: Any, param: str) -> list[str]:
        """Gids for a list of user identifiers (gids, emails, ``me``)."""
        from ..parsing import as_list

        return [self.get_user(value, param)["gid"] for value in as_list(values, param)]

    # workspaces
    def create_workspace(self, name: str, *, premium: bool = True, is_organization: bool = True,
                         email_domains: list[str] | None = None) -> dict[str, Any]:
        """Add a workspace (seeding; Asana has no API for this)."""
        return self.new_record("workspace", {
            "name": name, "is_organization": is_organization,
            "email_domains": list(email_domains or []), "_premium": premium,
        })

    def get_workspaces(self) -> list[dict[str, Any]]:
        return [self.workspaces[g] for g in self.me()["workspaces"] if g in self.workspaces]

    def get_workspace(self, workspace: Any, param: str | None = None) -> dict[str, Any]:
        return self.lookup("workspace", workspace, param)

    def update_workspace(self, workspace: str, data: dict[str, Any]) -> dict[str, Any]:
        record = self.get_workspace(workspace)
        if "name" in data:
            if not isinstance(data["name"], str) or not data["name"].strip():
                raise invalid("name", "Must be a non-empty string")
            record["name"] = data["name"]
            self.record_event(self.compact("workspace", record), "changed",
                              change={"field": "name", "action": "changed",
                                      "new_value": data["name"]})
        return record

    def is_premium(self, workspace_gid: str) -> bool:
        workspace = self.workspaces.get(workspace_gid)
        return bool(workspace and workspace.get("_premium"))

    def add_user_to_workspace(self, workspace: str, user_id: Any) -> dict[str, Any]:
        self.get_workspace(workspace)
        user = self.get_user(user_id, "user")
        if workspace not in user["workspaces"]:
            user["workspaces"].append(workspace)
        return user

    def remove_user_from_workspace(self, workspace: str, user_id: Any) -> None:
        self.get_workspace(workspace)
        user = self.get_user(user_id, "user")
        if workspace in user["workspaces"]:
            user["workspaces"].remove(workspace)

    # teams
    def create_team(self, workspace: str, name: str, members: list[str] | None = None,
                    description: str = "") -> dict[str, Any]:
        self.get_workspace(workspace, "organization")
        return self.new_record("team", {
            "name": name, "workspace": workspace, "description": description,
            "html_description": f"<body>{description}</body>", "visibility": "secret",
            "members": list(members or []),
        })

    def get_team(self, team: str) -> dict[str, Any]:
        return self.lookup("team", team)

    def get_teams_for_workspace(self, workspace: str) -> list[dict[str, Any]]:
        self.get_workspace(workspace)
        return [t for t in self.teams.values() if t["workspace"] == workspace]

    def ref_of(self, kind: str, gid: str | None) -> Any:
        from ..views import ref

        return ref(kind, gid)
