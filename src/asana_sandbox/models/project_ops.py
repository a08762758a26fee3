"""More project operations: members, followers, task counts, search, duplicate, templates."""

from __future__ import annotations

from typing import Any

from ..errors import PaymentRequired, invalid, missing
from ..parsing import as_gid, as_list, as_str, parse_bool, parse_limit
from ..views import Kind, ref, register
from .task_relations import copied_task_parts

register(Kind("project_template", ("gid", "resource_type", "name"),
              ("gid", "resource_type", "name", "description", "owner", "team", "public"),
              getters={"owner": lambda b, r: ref("user", r.get("owner")),
                       "team": lambda b, r: ref("team", r.get("team"))},
              drop_null=("team",)))
register(Kind("task_count", (), (), optin=(
    "num_tasks", "num_incomplete_tasks", "num_completed_tasks", "num_milestones",
    "num_incomplete_milestones", "num_completed_milestones")))

_COUNTS = ("num_tasks", "num_incomplete_tasks", "num_completed_tasks", "num_milestones",
           "num_incomplete_milestones", "num_completed_milestones")


class ProjectOpsModel:
    """Project members and followers, task counts, project search, duplicate, saveAsTemplate."""

    def _project_users(self, project_gid: str, data: dict[str, Any], key: str,
                       add: bool) -> dict[str, Any]:
        project = self.get_project(project_gid)
        if data.get(key) is None:
            raise missing(key)
        for gid in self.user_gids(data[key], key):
            if self.users[gid] and project["workspace"] not in self.users[gid]["workspaces"]:
                raise invalid(key, f"User {gid} is not in the project's workspace")
            present = gid in project[key]
            if add and not present:
                project[key].append(gid)
                if key == "followers" and gid not in project["members"]:
                    project["members"].append(gid)
            elif not add and present:
                project[key].remove(gid)
            else:
                continue
            self.record_event(self.compact("project", project), "changed", change={
                "field": key, "action": "added" if add else "removed",
                ("added_value" if add else "removed_value"): {"gid": gid, "resource_type": "user"}})
        return project

    def add_members_for_project(self, project_gid: str, data: dict[str, Any]) -> dict[str, Any]:
        return self._project_users(project_gid, data, "members", True)

    def remove_members_for_project(self, project_gid: str, data: dict[str, Any]) -> dict[str, Any]:
        return self._project_users(project_gid, data, "members", False)

    def add_followers_for_project(self, project_gid: str, data: dict[str, Any]) -> dict[str, Any]:
        return self._project_users(project_gid, data, "followers", True)

    def remove_followers_for_project(
        self, project_gid: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        return self._project_users(project_gid, data, "followers", False)

    def get_task_counts(self, project_gid: str) -> dict[str, Any]:
        """getTaskCountsForProject: every count is opt-in (ask through opt_fields)."""
        tasks = self.get_tasks_for_project(project_gid)
        milestones = [t for t in tasks if t["resource_subtype"] == "milestone"]
        done = sum(1 for t in tasks if t["completed"])
        done_milestones = sum(1 for t in milestones if t["completed"])
        return {"gid": project_gid, "num_tasks": len(tasks), "num_completed_tasks": done,
                "num_incomplete_tasks": len(tasks) - done, "num_milestones": len(milestones),
                "num_completed_milestones": done_milestones,
                "num_incomplete_milestones": len(milestones) - done_milestones}

    def search_projects(self, workspace_gid: str, query: dict[str, str]) -> list[dict[str, Any]]:
        """searchProjectsForWorkspace: premium only, at most 100 results."""
        self.get_workspace(workspace_gid)
        if not self.is_premium(workspace_gid):
            raise PaymentRequired("Search is only available to premium users.")
        limit = parse_limit(query["limit"]) if query.get("limit") else 100
        projects = [p for p in self.projects.values() if p["workspace"] == workspace_gid]
        text = (query.get("text") or "").lower()
        if text:
            projects = [p for p in projects if text in p["name"].lower()
                        or text in (p.get("notes") or "").lower()]
        if "completed" in query:
            wanted = parse_bool(query["completed"], "completed")
            projects = [p for p in projects if p["completed"] == wanted]
        for param, key in (("teams.any", "team"), ("owner.any", "owner")):
            if query.get(param):
                ids = {self.get_user(i, param)["gid"] if key == "owner" else i
                       for i in query[param].split(",") if i}
                projects = [p for p in projects if p.get(key) in ids]
        if query.get("members.any"):
            ids = {self.get_user(i, "members.any")["gid"] for i in query["members.any"].split(",")}
            projects = [p for p in projects if ids & set(p["members"])]
        if query.get("members.not"):
            ids = {self.get_user(i, "members.not")["gid"] for i in query["members.not"].split(",")}
            projects = [p for p in projects if not ids & set(p["members"])]
        sort_by = query.get("sort_by", "modified_at")
        if sort_by not in ("modified_at", "created_at", "due_date", "completed_at", "likes",
                           "relevance", "name"):
            raise invalid("sort_by", f"Not a valid sort: {sort_by}")
        ascending = parse_bool(query["sort_ascending"], "sort_ascending") \
            if "sort_ascending" in query else False
        key = {"created_at": "_created", "name": "name"}.get(sort_by, "_modified")
        projects.sort(key=lambda p: p.get(key) or 0, reverse=not ascending)
        return projects[:limit]

    def duplicate_project(self, project_gid: str, data: dict[str, Any]) -> dict[str, Any]:
        """duplicateProject: sections, custom field settings and tasks are always copied."""
        source = self.get_project(project_gid)
        if data.get("name") is None:
            raise missing("name")
        name = as_str(data["name"], "name")
        include = set(as_list(data.get("include"), "include"))
        team = as_gid(data["team"], "team") if data.get("team") else source.get("team")
        copy_data: dict[str, Any] = {"name": name}
        if "notes" in include:
            copy_data["html_notes"] = source.get("html_notes") or "<body></body>"
        copy = self.create_project(copy_data, team=team,
                                   workspace=None if team else source["workspace"])
        if "members" in include:
            copy["members"] = list(source["members"])
        untitled = copy["_sections"][0]
        section_map: dict[str, str] = {}
        for section_gid in source["_sections"]:
            section = self.create_section(copy["gid"], self.sections[section_gid]["name"])
            section_map[section_gid] = section["gid"]
        if section_map:
            copy["_sections"].remove(untitled)
            del self.sections[untitled]
        for field_gid in self.project_field_gids(project_gid):
            self.add_custom_field_setting(copy["gid"], {"custom_field": field_gid})
        task_parts = {part[len("task_"):] for part in include if part.startswith("task_")}
        for section_gid in source["_sections"]:
            for task_gid in self.sections[section_gid]["_tasks"]:
                task = self.tasks[task_gid]
                task_data: dict[str, Any] = {
                    "name": task["name"], "resource_subtype": task["resource_subtype"],
                    "memberships": [{"project": copy["gid"], "section": section_map[section_gid]}],
                }
                task_data.update(copied_task_parts(task, task_parts))
                new = self.create_task(task_data)
                new["custom_fields"].update({k: v for k, v in task["custom_fields"].items()
                                             if not self.custom_fields.get(k, {}).get("id_prefix")})
        job = self.new_record("job", {"resource_subtype": "duplicate_project",
                                      "status": "succeeded", "new_project": copy["gid"],
                                      "new_task": None, "_owner": self.acting_user})
        return dict(job, status="in_progress")

    def save_project_as_template(self, project_gid: str, data: dict[str, Any]) -> dict[str, Any]:
        """projectSaveAsTemplate: needs ``name`` and ``public``; team in organizations."""
        project = self.get_project(project_gid)
        if data.get("name") is None:
            raise missing("name")
        if data.get("public") is None:
            raise missing("public")
        workspace = self.workspaces[project["workspace"]]
        team = as_gid(data["team"], "team") if data.get("team") else None
        if workspace["is_organization"] and not team:
            raise missing("team")
        if team:
            self.lookup("team", team, "team")
        template = self.new_record("project_template", {
            "name": as_str(data["name"], "name"), "description": project.get("notes") or "",
            "owner": self.acting_user, "team": team,
            "public": parse_bool(data["public"], "public"), "_project": project_gid,
        })
        job = self.new_record("job", {"resource_subtype": "save_as_template",
                                      "status": "succeeded",
                                      "new_project_template": template["gid"],
                                      "_owner": self.acting_user})
        return dict(job, status="in_progress")
