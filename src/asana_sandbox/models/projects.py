"""Projects, sections and custom field settings."""

from __future__ import annotations

from typing import Any

from ..errors import BadRequest, invalid, missing
from ..parsing import as_gid, as_list, as_str, parse_bool
from ..views import Kind, Ref, ref, refs, register

_PROJECT_FULL = (
    "gid", "resource_type", "name", "archived", "color", "icon", "created_at", "current_status",
    "current_status_update", "custom_field_settings", "default_view", "due_date", "due_on",
    "html_notes", "members", "modified_at", "notes", "public", "privacy_setting", "start_on",
    "default_access_level", "minimum_access_level_for_customization",
    "minimum_access_level_for_sharing", "custom_fields", "completed", "completed_at",
    "completed_by", "followers", "owner", "team", "permalink_url", "project_brief",
    "created_from_template", "workspace",
)

register(Kind(
    "project", ("gid", "resource_type", "name"), _PROJECT_FULL,
    getters={
        "members": lambda b, r: refs("user", r.get("members", ())),
        "followers": lambda b, r: refs("user", r.get("followers", ())),
        "owner": lambda b, r: ref("user", r.get("owner")),
        "team": lambda b, r: ref("team", r.get("team")),
        "workspace": lambda b, r: ref("workspace", r.get("workspace")),
        "completed_by": lambda b, r: ref("user", r.get("completed_by")),
        "custom_field_settings": lambda b, r: refs("custom_field_setting", r.get("_settings", ())),
        "custom_fields": lambda b, r: [],
        "permalink_url": lambda b, r: b.permalink("project", r),
    },
    drop_null=("team",),
))
register(Kind(
    "section", ("gid", "resource_type", "name"),
    ("gid", "resource_type", "name", "created_at", "project", "projects"),
    getters={
        "project": lambda b, r: ref("project", r.get("project")),
        "projects": lambda b, r: refs("project", [r["project"]] if r.get("project") else []),
    },
))
register(Kind(
    "custom_field_setting", ("gid", "resource_type"),
    ("gid", "resource_type", "project", "is_important", "parent", "custom_field"),
    nested=("gid", "resource_type", "project", "is_important", "parent", "custom_field"),
    getters={
        "project": lambda b, r: ref("project", r.get("project")),
        "parent": lambda b, r: ref("project", r.get("project")),
        "custom_field": lambda b, r: Ref("custom_field", r["custom_field"]),
    },
))

_PROJECT_TEXT = ("name", "notes", "color", "default_view", "privacy_setting", "icon",
                 "default_access_level", "minimum_access_level_for_customization",
                 "minimum_access_level_for_sharing")
_PROJECT_DATES = ("due_on", "start_on", "due_date")
_PROJECT_BOOLS = ("archived", "public", "completed")


class ProjectsModel:
    """Projects with their sections (ordered) and custom field settings."""

    # projects
    def create_project(self, data: dict[str, Any], *, workspace: str | None = None,
                       team: str | None = None) -> dict[str, Any]:
        """createProject / createProjectForWorkspace / createProjectForTeam."""
        team = team or (as_gid(data["team"], "team") if data.get("team") else None)
        workspace = workspace or (as_gid(data["workspace"], "workspace")
                                  if data.get("workspace") else None)
        if team:
            team_record = self.lookup("team", team, "team")
            if workspace and workspace != team_record["workspace"]:
                raise invalid("team", "The team must belong to the given workspace")
            workspace = team_record["workspace"]
        if not workspace:
            raise missing("workspace")
        workspace_record = self.get_workspace(workspace, "workspace")
        if workspace_record["is_organization"] and not team:
            raise missing("team")
        me = self.acting_user
        project = self.new_record("project", {
            "name": "", "notes": "", "html_notes": "<body></body>", "archived": False,
            "color": "none", "icon": "list", "current_status": None, "current_status_update": None,
            "default_view": "list", "due_date": None, "due_on": None, "start_on": None,
            "public": False, "privacy_setting": "public_to_workspace",
            "default_access_level": "editor", "minimum_access_level_for_customization": "editor",
            "minimum_access_level_for_sharing": "editor", "completed": False,
            "completed_at": None, "completed_by": None, "members": [me] if me else [],
            "followers": [me] if me else [], "owner": me, "team": team, "workspace": workspace,
            "project_brief": None, "created_from_template": None,
            "_sections": [], "_settings": [],
        })
        project["modified_at"] = project["created_at"]
        project["_modified"] = project["_created"]
        self._apply_project_fields(project, data)
        if data.get("followers") is not None:
            project["followers"] = self.user_gids(data["followers"], "followers")
        self.record_event(self.compact("project", project), "added",
                          parent=self.compact("workspace", workspace_record))
        self.create_section(project["gid"], "Untitled section", _quiet=True)
        return project

    def _apply_project_fields(self, project: dict[str, Any], data: dict[str, Any]) -> list[str]:
        changed = []
        for name in _PROJECT_TEXT:
            if name in data:
                project[name] = as_str(data[name], name, allow_none=name != "name")
                changed.append(name)
        if "html_notes" in data:
            html = as_str(data["html_notes"], "html_notes") or ""
            project["html_notes"] = html
            project["notes"] = _strip_tags(html)
            changed.append("html_notes")
        elif "notes" in data:
            project["html_notes"] = f"<body>{project['notes'] or ''}</body>"
        for name in _PROJECT_DATES:
            if name in data:
                project[name] = self.parse_date(data[name], name)
                changed.append(name)
        if "due_date" in data:
            project["due_on"] = project["due_date"]
        elif "due_on" in data:
            project["due_date"] = project["due_on"]
        for name in _PROJECT_BOOLS:
            if name in data:
                project[name] = parse_bool(data[name], name)
                changed.append(name)
        if "completed" in data:
            seconds, stamp = self.now()
            project["completed_at"] = stamp if project["completed"] else None
            project["completed_by"] = self.acting_user if project["completed"] else None
        if "owner" in data:
            project["owner"] = (self.get_user(data["owner"], "owner")["gid"]
                                if data["owner"] is not None else None)
            changed.append("owner")
        return changed

    def get_project(self, project: Any, param: str | None = None) -> dict[str, Any]:
        return self.lookup("project", project, param)

    def update_project(self, project_gid: str, data: dict[str, Any]) -> dict[str, Any]:
        """updateProject: only the fields sent change; the workspace never does."""
        project = self.get_project(project_gid)
        for name in ("followers", "members", "custom_field_settings"):
            if name in data:
                raise invalid(name, "Cannot be changed with an update; "
                              "use the dedicated add/remove endpoints")
        if data.get("workspace") is not None and str(data["workspace"]) != project["workspace"]:
            raise invalid("workspace", "A project cannot move to another workspace")
        if "team" in data and data["team"] is not None:
            project["team"] = self.lookup("team", as_gid(data["team"], "team"), "team")["gid"]
        for name in self._apply_project_fields(project, data):
            self.record_event(self.compact("project", project), "changed",
                              change={"field": name, "action": "changed",
                                      "new_value": project.get(name)})
        self.touch(project)
        return project

    def delete_project(self, project_gid: str) -> None:
        project = self.get_project(project_gid)
        for task in list(self.tasks.values()):
            if any(m["project"] == project_gid for m in task["memberships"]):
                task["memberships"] = [
                    m for m in task["memberships"] if m["project"] != project_gid
                ]
        for section_gid in project["_sections"]:
            self.sections.pop(section_gid, None)
        for setting_gid in project["_settings"]:
            self.custom_field_settings.pop(setting_gid, None)
        self.record_event(self.compact("project", project), "deleted")
        del self.projects[project_gid]

    def get_projects(self, workspace: str | None = None, team: str | None = None,
                     archived: bool | None = None) -> list[dict[str, Any]]:
        """getProjects: filtered by workspace, team and archived."""
        projects = list(self.projects.values())
        if workspace:
            self.get_workspace(workspace, "workspace")
            projects = [p for p in projects if p["workspace"] == workspace]
        else:
            mine = set(self.me()["workspaces"])
            projects = [p for p in projects if p["workspace"] in mine]
        if team:
            self.lookup("team", team, "team")
            projects = [p for p in projects if p["team"] == team]
        if archived is not None:
            projects = [p for p in projects if p["archived"] == archived]
        return projects

    def get_projects_for_task(self, task_gid: str) -> list[dict[str, Any]]:
        task = self.get_task(task_gid)
        return [self.projects[m["project"]] for m in task["memberships"]
                if m["project"] in self.projects]

    # sections
    def create_section(self, project_gid: str, name: Any, insert_before: Any = None,
                       insert_after: Any = None, *, _quiet: bool = False) -> dict[str, Any]:
        """createSectionForProject."""
        project = self.get_project(project_gid)
        if name is None or not isinstance(name, str) or not name.strip():
            raise missing("name")
        if insert_before is not None and insert_after is not None:
            raise BadRequest("insert_before, insert_after: Only one may be specified")
        section = self.new_record("section", {"name": name, "project": project_gid,
                                              "_tasks": []})
        order = project["_sections"]
        if insert_before is not None or insert_after is not None:
            anchor = as_gid(insert_before if insert_before is not None else insert_after,
                            "insert_before" if insert_before is not None else "insert_after")
            if anchor not in order:
                raise invalid("insert_before" if insert_before is not None else "insert_after",
                              "Must be a section in the same project")
            index = order.index(anchor) + (0 if insert_before is not None else 1)
            order.insert(index, section["gid"])
        else:
            order.append(section["gid"])
        if not _quiet:
            self.record_event(self.compact("section", section), "added",
                              parent=self.compact("project", project))
        return section

    def get_section(self, section: Any, param: str | None = None) -> dict[str, Any]:
        return self.lookup("section", section, param)

    def get_sections_for_project(self, project_gid: str) -> list[dict[str, Any]]:
        project = self.get_project(project_gid)
        return [self.sections[g] for g in project["_sections"]]

    def update_section(self, section_gid: str, data: dict[str, Any]) -> dict[str, Any]:
        section = self.get_section(section_gid)
        if "name" in data:
            name = data["name"]
            if not isinstance(name, str) or not name.strip():
                raise invalid("name", "Must be a non-empty string")
            section["name"] = name
            self.record_event(self.compact("section", section), "changed",
                              change={"field": "name", "action": "changed", "new_value": name})
        if data.get("insert_before") is not None or data.get("insert_after") is not None:
            self.insert_section(section["project"], section_gid,
                                data.get("insert_before"), data.get("insert_after"))
        return section

    def delete_section(self, section_gid: str) -> None:
        """deleteSection: only empty sections, never the last one."""
        section = self.get_section(section_gid)
        project = self.projects[section["project"]]
        if section["_tasks"]:
            raise BadRequest("section: Sections must be empty to be deleted")
        if len(project["_sections"]) <= 1:
            raise BadRequest("section: The last remaining section cannot be deleted")
        project["_sections"].remove(section_gid)
        self.record_event(self.compact("section", section), "deleted")
        del self.sections[section_gid]

    def insert_section(self, project_gid: str, section_gid: Any, before_section: Any = None,
                       after_section: Any = None) -> None:
        """insertSectionForProject: move a section before or after another one."""
        project = self.get_project(project_gid)
        if section_gid is None:
            raise missing("section")
        section = self.get_section(as_gid(section_gid, "section"), "section")
        if section["project"] != project_gid:
            raise invalid("section", "Sections cannot be moved between projects")
        if (before_section is None) == (after_section is None):
            raise BadRequest("before_section, after_section: Exactly one must be specified")
        param = "before_section" if before_section is not None else "after_section"
        anchor = as_gid(before_section if before_section is not None else after_section, param)
        order = project["_sections"]
        if anchor not in order or anchor == section["gid"]:
            raise invalid(param, "Must be another section of the same project")
        order.remove(section["gid"])
        order.insert(order.index(anchor) + (0 if param == "before_section" else 1),
                     section["gid"])

    # custom field settings
    def get_custom_field_settings_for_project(self, project_gid: str) -> list[dict[str, Any]]:
        project = self.get_project(project_gid)
        return [self.custom_field_settings[g] for g in project["_settings"]]

    def project_field_gids(self, project_gid: str) -> list[str]:
        """Gids of the custom fields set on a project, in order."""
        project = self.projects.get(project_gid)
        if project is None:
            return []
        settings = self.custom_field_settings
        return [settings[g]["custom_field"] for g in project["_settings"]]

    def add_custom_field_setting(self, project_gid: str, data: dict[str, Any]) -> dict[str, Any]:
        """addCustomFieldSettingForProject."""
        project = self.get_project(project_gid)
        if data.get("custom_field") is None:
            raise missing("custom_field")
        field = self.lookup("custom_field", as_gid(data["custom_field"], "custom_field"),
                            "custom_field")
        if field["workspace"] != project["workspace"]:
            raise invalid("custom_field", "The custom field belongs to another workspace")
        if field["gid"] in self.project_field_gids(project_gid):
            raise invalid("custom_field", "This custom field is already on the project")
        if len(project["_settings"]) >= 20:
            raise invalid("custom_field", "A project can have at most 20 custom fields")
        setting = self.new_record("custom_field_setting", {
            "custom_field": field["gid"], "project": project_gid,
            "is_important": parse_bool(data.get("is_important", False), "is_important"),
        })
        order = project["_settings"]
        hint = "insert_before" if data.get("insert_before") is not None else (
            "insert_after" if data.get("insert_after") is not None else None)
        if hint:
            anchor = as_gid(data[hint], hint)
            gids = self.project_field_gids(project_gid)
            if anchor not in gids:
                raise invalid(hint, "Must be a custom field of this project")
            index = gids.index(anchor) + (0 if hint == "insert_before" else 1)
            order.insert(index, setting["gid"])
        else:
            order.append(setting["gid"])
        self.record_event(self.compact("project", project), "changed",
                          change={"field": "custom_field_settings", "action": "added",
                                  "added_value": {"gid": setting["gid"],
                                                  "resource_type": "custom_field_setting"}})
        return setting

    def remove_custom_field_setting(self, project_gid: str, data: dict[str, Any]) -> None:
        """removeCustomFieldSettingForProject."""
        project = self.get_project(project_gid)
        if data.get("custom_field") is None:
            raise missing("custom_field")
        field_gid = as_gid(data["custom_field"], "custom_field")
        for setting_gid in project["_settings"]:
            if self.custom_field_settings[setting_gid]["custom_field"] == field_gid:
                project["_settings"].remove(setting_gid)
                del self.custom_field_settings[setting_gid]
                self.record_event(
                    self.compact("project", project),
                    "changed",
                    change={
                        "field": "custom_field_settings",
                        "action": "removed",
                        "removed_value": {
                            "gid": setting_gid,
                            "resource_type": "custom_field_setting",
                        },
                    },
                )
                return
        raise invalid("custom_field", "This custom field is not on the project")

    # shared
    def parse_date(self, value: Any, param: str) -> str | None:
        """A ``YYYY-MM-DD`` string (or None), else 400."""
        if value is None:
            return None
        from datetime import date

        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip()).isoformat()
            except ValueError:
                pass
        raise invalid(param, f"Not a valid date: {value}. Use YYYY-MM-DD")

    def parse_datetime(self, value: Any, param: str) -> str | None:
        """An ISO-8601 UTC timestamp string (normalised to milliseconds) or None."""
        if value is None:
            return None
        from ..clock import iso_timestamp, parse_timestamp

        if isinstance(value, str) and "T" in value:
            try:
                return iso_timestamp(parse_timestamp(value))
            except ValueError:
                pass
        raise invalid(param, f"Not a valid date-time: {value}. Use ISO-8601, "
                      "e.g. 2024-05-24T19:50:18.053Z")


def _strip_tags(html: str) -> str:
    import re

    return re.sub(r"<[^>]+>", "", html)


def gid_list(values: Any, param: str) -> list[str]:
    return [as_gid(v, param) for v in as_list(values, param)]
