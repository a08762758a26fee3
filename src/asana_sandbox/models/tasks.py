"""Tasks: how they look, create/update/delete, and the task list endpoints.

The rules for each writable field are in :mod:`.task_fields`.
"""

from __future__ import annotations

from typing import Any

from ..errors import BadRequest, invalid, missing
from ..parsing import as_gid, as_list
from ..views import OMIT, Kind, Ref, ref, refs, register

_FULL = (
    "gid", "resource_type", "name", "resource_subtype", "actual_time_minutes", "approval_status",
    "assignee", "assignee_status", "assignee_section", "completed", "completed_at",
    "completed_by", "created_at", "custom_fields", "due_at", "due_on", "followers", "hearted",
    "hearts", "liked", "likes", "memberships", "modified_at", "notes", "num_hearts", "num_likes",
    "parent", "permalink_url", "projects", "start_at", "start_on", "tags", "workspace",
    "external",  # only when set
)
_OPT_IN = ("html_notes", "num_subtasks", "dependencies", "dependents", "created_by",
           "is_rendered_as_separator", "assigned_by", "custom_type",
           "custom_type_status_option")

register(Kind(
    "task", ("gid", "resource_type", "name", "resource_subtype"), _FULL, _OPT_IN,
    getters={
        "assignee": lambda b, r: ref("user", r.get("assignee")),
        "assigned_by": lambda b, r: ref("user", r.get("assigned_by")),
        "completed_by": lambda b, r: ref("user", r.get("completed_by")),
        "created_by": lambda b, r: ref("user", r.get("created_by")),
        "memberships": lambda b, r: [
            {"project": Ref("project", m["project"]), "section": ref("section", m["section"])}
            for m in r["memberships"]
        ],
        "projects": lambda b, r: [Ref("project", m["project"]) for m in r["memberships"]],
        "tags": lambda b, r: refs("tag", r["tags"]),
        "followers": lambda b, r: refs("user", r["followers"]),
        "parent": lambda b, r: ref("task", r.get("parent")),
        "workspace": lambda b, r: ref("workspace", r.get("workspace")),
        "custom_fields": lambda b, r: b.task_custom_fields(r),
        "permalink_url": lambda b, r: b.permalink("task", r),
        "num_subtasks": lambda b, r: len(r["_subtasks"]),
        "dependencies": lambda b, r: refs("task", r["dependencies"]),
        "dependents": lambda b, r: refs("task", r["dependents"]),
        "hearted": lambda b, r: r["liked"],
        "hearts": lambda b, r: r["likes"],
        "num_hearts": lambda b, r: r["num_likes"],
        "approval_status": lambda b, r: r.get("approval_status") or OMIT,
        "assignee_section": lambda b, r: None,
        "actual_time_minutes": lambda b, r: None,
        "custom_type": lambda b, r: None,
        "custom_type_status_option": lambda b, r: None,
        "external": lambda b, r: r.get("external") or OMIT,
    },
    projected={"custom_fields": lambda b, r, fields: b.task_custom_fields(r, frozenset(fields))},
))
register(Kind(
    "job", ("gid", "resource_type", "resource_subtype", "status", "new_project", "new_task"),
    ("gid", "resource_type", "resource_subtype", "status", "new_project", "new_task",
     "new_portfolio", "new_project_template", "new_graph_export", "new_resource_export"),
    getters={"new_task": lambda b, r: ref("task", r.get("new_task")),
             "new_project": lambda b, r: ref("project", r.get("new_project")),
             "new_project_template": lambda b, r: ref("project_template",
                                                      r.get("new_project_template"))},
    drop_null=("new_project", "new_task", "new_portfolio", "new_project_template",
               "new_graph_export", "new_resource_export"),
))

CREATE_ONLY = ("projects", "tags", "followers", "memberships", "workspace", "parent")
READ_ONLY = ("gid", "resource_type", "created_at", "modified_at", "completed_at", "completed_by",
             "permalink_url", "num_subtasks", "num_likes", "likes", "hearts", "num_hearts",
             "dependencies", "dependents", "created_by", "actual_time_minutes")


class TasksModel:
    """The task operations."""

    # ---------------------------------------------------------------- create
    def create_task(self, data: dict[str, Any], *, parent: str | None = None) -> dict[str, Any]:
        """createTask (and createSubtaskForTask with ``parent``)."""
        if parent is None and data.get("parent") is not None:
            parent = as_gid(data["parent"], "parent")
        parent_task = self.get_task(parent, "parent") if parent else None
        memberships = self._create_memberships(data)
        workspace = as_gid(data["workspace"], "workspace") if data.get("workspace") else None
        if workspace:
            self.get_workspace(workspace, "workspace")
        implied = None
        if memberships:
            implied = self.projects[memberships[0][0]]["workspace"]
        elif parent_task:
            implied = parent_task["workspace"]
        if not workspace and not implied:
            raise BadRequest("You should specify one of workspace, parent, projects")
        if workspace and implied and workspace != implied:
            raise invalid("workspace", "Must be the workspace of the given projects or parent")
        workspace = workspace or implied
        for project_gid, _ in memberships:
            if self.projects[project_gid]["workspace"] != workspace:
                raise invalid("projects", "All projects must be in the task's workspace")
        me = self.acting_user
        task = self.new_record(
            "task",
            {
                "name": "",
                "notes": "",
                "html_notes": "<body></body>",
                "resource_subtype": "default_task",
                "completed": False,
                "completed_at": None,
                "completed_by": None,
                "assignee": None,
                "assigned_by": None,
                "assignee_status": "upcoming",
                "due_on": None,
                "due_at": None,
                "start_on": None,
                "start_at": None,
                "memberships": [],
                "tags": [],
                "followers": [me] if me else [],
                "parent": None,
                "workspace": workspace,
                "custom_fields": {},
                "liked": False,
                "likes": [],
                "num_likes": 0,
                "created_by": me,
                "dependencies": [],
                "dependents": [],
                "is_rendered_as_separator": False,
                "_subtasks": [],
                "external": None,
            },
        )
        task["modified_at"] = task["created_at"]
        task["_modified"] = task["_created"]
        try:
            self._apply_task_fields(task, data, creating=True)
            if "external" in data:
                self.set_external(task, data["external"])
            for project_gid, section_gid in memberships:
                self._place(task, project_gid, section_gid, {}, quiet=True)
            if data.get("tags") is not None:
                task["tags"] = [self.lookup("tag", g, "tags")["gid"]
                                for g in _gids(data["tags"], "tags")]
            if data.get("followers") is not None:
                for gid in self.user_gids(data["followers"], "followers"):
                    if gid not in task["followers"]:
                        task["followers"].append(gid)
            if data.get("custom_fields") is not None:
                self.write_custom_fields(task, data["custom_fields"], record=False)
        except Exception:
            del self.tasks[task["gid"]]
            for project_gid, _ in memberships:
                for section_gid in self.projects[project_gid]["_sections"]:
                    if task["gid"] in self.sections[section_gid]["_tasks"]:
                        self.sections[section_gid]["_tasks"].remove(task["gid"])
            raise
        if parent_task is not None:
            task["parent"] = parent_task["gid"]
            parent_task["_subtasks"].append(task["gid"])
        self.assign_custom_ids(task)
        container = (self.compact("task", parent_task) if parent_task else
                     self.compact("project", self.projects[memberships[0][0]]) if memberships
                     else self.compact("workspace", self.workspaces[workspace]))
        self.record_event(self.compact("task", task), "added", parent=container)
        for project_gid, _ in memberships[1:]:
            self.record_event(self.compact("task", task), "added",
                              parent=self.compact("project", self.projects[project_gid]))
        return task

    def _create_memberships(self, data: dict[str, Any]) -> list[tuple[str, str | None]]:
        pairs: list[tuple[str, str | None]] = []
        for gid in _gids(data.get("projects"), "projects"):
            self.get_project(gid, "projects")
            if gid not in [p for p, _ in pairs]:
                pairs.append((gid, None))
        raw = data.get("memberships")
        if raw is not None:
            if not isinstance(raw, list):
                raise invalid("memberships", "Must be an array of {project, section} objects")
            for item in raw:
                if not isinstance(item, dict) or item.get("project") is None:
                    raise invalid("memberships", "Each membership needs a project")
                project = self.get_project(as_gid(item["project"], "memberships"), "memberships")
                section = None
                if item.get("section") is not None:
                    section = self.get_section(as_gid(item["section"], "memberships"),
                                               "memberships")["gid"]
                    if self.sections[section]["project"] != project["gid"]:
                        raise invalid("memberships", "The section must belong to the project")
                pairs = [(p, s) for p, s in pairs if p != project["gid"]] + [
                    (project["gid"], section)
                ]
        if len(pairs) > self.settings.max_projects_per_task:
            raise invalid("projects", "A task can be in at most "
                          f"{self.settings.max_projects_per_task} projects")
        return pairs

    def get_task(self, task: Any, param: str | None = None) -> dict[str, Any]:
        return self.lookup("task", task, param)

    # ---------------------------------------------------------------- update / delete
    def update_task(self, task_gid: str, data: dict[str, Any]) -> dict[str, Any]:
        """updateTask: only the sent fields change; create-only fields are refused."""
        task = self.get_task(task_gid)
        for name in CREATE_ONLY:
            if name in data:
                hint = {"projects": "addProject/removeProject", "tags": "addTag/removeTag",
                        "followers": "addFollowers/removeFollowers",
                        "memberships": "addProject or sections/{gid}/addTask",
                        "workspace": "nothing: a task's workspace never changes",
                        "parent": "setParent"}[name]
                raise invalid(name, f"Cannot be changed with an update; use {hint}")
        for name in READ_ONLY:
            if name in data and not (name == "gid" and str(data[name]) == task_gid):
                raise invalid(name, "This field is read-only")
        snapshot = {k: task[k] for k in ("due_on", "due_at", "start_on", "start_at",
                                          "completed", "completed_at", "completed_by",
                                          "approval_status", "assignee", "assigned_by",
                                          "name", "notes", "html_notes", "resource_subtype",
                                          "followers", "liked", "likes", "num_likes",
                                          "assignee_status", "is_rendered_as_separator",
                                          "external")
                    if k in task}
        snapshot["followers"] = list(task["followers"])
        try:
            changes = self._apply_task_fields(task, data, creating=False)
            external_changed = "external" in data and self.set_external(task, data["external"])
            field_changes = []
            if data.get("custom_fields") is not None:
                field_changes = self.write_custom_fields(task, data["custom_fields"], record=True,
                                                         dry_run=True)
        except Exception:
            task.update(snapshot)
            raise
        if data.get("custom_fields") is not None:
            self.write_custom_fields(task, data["custom_fields"], record=True)
        compact = self.compact("task", task)
        for name, old, new in changes:
            self._system_story_for(task, name, old, new)
            value: Any = new
            if name == "assignee":
                value = {"gid": new, "resource_type": "user"} if new else None
            self.record_event(compact, "changed",
                              change={"field": name, "action": "changed", "new_value": value})
        if changes or field_changes or external_changed:
            self.touch(task)
        return task

    def _system_story_for(self, task: dict[str, Any], name: str, old: Any, new: Any) -> None:
        if name == "assignee":
            if new:
                user = self.users.get(new, {})
                self.add_system_story(task, "assigned", f"assigned to {user.get('name', new)}",
                                      assignee=new)
            else:
                self.add_system_story(task, "unassigned", "unassigned")
        elif name == "completed":
            self.add_system_story(task, "marked_complete" if new else "marked_incomplete",
                                  "completed this task" if new else "marked incomplete")
        elif name == "name":
            self.add_system_story(task, "name_changed", f'changed the name to "{new}"',
                                  old_name=old, new_name=new)
        elif name in ("due_on", "due_at"):
            self.add_system_story(
                task,
                "due_date_changed",
                f"changed the due date to {new}" if new else "removed the due date",
            )
        elif name == "notes":
            self.add_system_story(task, "notes_changed", "changed the description")

    def delete_task(self, task_gid: str) -> None:
        """deleteTask: the task and its subtasks leave every list."""
        task = self.get_task(task_gid)
        for child in list(task["_subtasks"]):
            if child in self.tasks:
                self.delete_task(child)
        for membership in task["memberships"]:
            section = self.sections.get(membership["section"] or "")
            if section and task_gid in section["_tasks"]:
                section["_tasks"].remove(task_gid)
        if task.get("parent") in self.tasks:
            siblings = self.tasks[task["parent"]]["_subtasks"]
            if task_gid in siblings:
                siblings.remove(task_gid)
        for other in task["dependencies"] + task["dependents"]:
            if other in self.tasks:
                for key in ("dependencies", "dependents"):
                    if task_gid in self.tasks[other][key]:
                        self.tasks[other][key].remove(task_gid)
        for story_gid in [s["gid"] for s in self.stories.values() if s["target"] == task_gid]:
            del self.stories[story_gid]
        self.record_event(self.compact("task", task), "deleted")
        del self.tasks[task_gid]

    # ---------------------------------------------------------------- lists
    def get_tasks(self, query: dict[str, str]) -> list[dict[str, Any]]:
        """getTasks with Asana's filter rule: project, tag or section, or assignee + workspace."""
        project, tag, section = query.get("project"), query.get("tag"), query.get("section")
        assignee, workspace = query.get("assignee"), query.get("workspace")
        if not (project or tag or section):
            if not assignee and not workspace:
                raise missing("workspace")
            if not assignee:
                raise missing("assignee")
            if not workspace:
                raise missing("workspace")
        if project:
            tasks = self.get_tasks_for_project(project, param="project")
        elif section:
            tasks = self.get_tasks_for_section(section, param="section")
        elif tag:
            tasks = self.get_tasks_for_tag(tag, param="tag")
        else:
            self.get_workspace(workspace, "workspace")
            tasks = [t for t in self.tasks.values() if t["workspace"] == workspace]
        if section and project:
            tasks = [t for t in tasks if any(m["section"] == section for m in t["memberships"])]
        if tag and (project or section):
            tasks = [t for t in tasks if tag in t["tags"]]
        if assignee:
            user = self.get_user(assignee, "assignee")["gid"]
            tasks = [t for t in tasks if t["assignee"] == user]
        if workspace:
            tasks = [t for t in tasks if t["workspace"] == workspace]
        return self.filter_completed_since(tasks, query)

    def filter_completed_since(self, tasks: list[dict[str, Any]],
                               query: dict[str, str]) -> list[dict[str, Any]]:
        from ..clock import parse_timestamp

        since = query.get("completed_since")
        if since:
            if since == "now":
                tasks = [t for t in tasks if not t["completed"]]
            else:
                try:
                    moment = parse_timestamp(since)
                except ValueError:
                    raise invalid("completed_since", f"Not a valid date-time: {since}") from None
                tasks = [t for t in tasks if not t["completed"]
                         or parse_timestamp(t["completed_at"]) >= moment]
        modified = query.get("modified_since")
        if modified:
            try:
                moment = parse_timestamp(modified)
            except ValueError:
                raise invalid("modified_since", f"Not a valid date-time: {modified}") from None
            tasks = [t for t in tasks if t["_modified"] >= moment]
        return tasks

    def get_tasks_for_project(
        self, project_gid: str, param: str | None = None
    ) -> list[dict[str, Any]]:
        project = self.get_project(project_gid, param)
        out = []
        for section_gid in project["_sections"]:
            out.extend(self.tasks[g] for g in self.sections[section_gid]["_tasks"])
        return out

    def get_tasks_for_section(
        self, section_gid: str, param: str | None = None
    ) -> list[dict[str, Any]]:
        section = self.get_section(section_gid, param)
        return [self.tasks[g] for g in section["_tasks"]]

    def get_tasks_for_tag(self, tag_gid: str, param: str | None = None) -> list[dict[str, Any]]:
        self.lookup("tag", tag_gid, param)
        return [t for t in self.tasks.values() if tag_gid in t["tags"]]

    def get_subtasks(self, task_gid: str) -> list[dict[str, Any]]:
        return [self.tasks[g] for g in self.get_task(task_gid)["_subtasks"]]


def _gids(values: Any, param: str) -> list[str]:
    return [as_gid(v, param) for v in as_list(values, param)]
