"""Task relations: project and section placement, parents, tags, followers, dependencies,
duplication (jobs) and custom IDs."""

from __future__ import annotations

from typing import Any

from ..errors import BadRequest, NotFound, PaymentRequired, invalid, missing, unknown_object
from ..parsing import as_list, as_gid, as_str
from .tasks import _gids


def copied_task_parts(source: dict[str, Any], include: set[str]) -> dict[str, Any]:
    """What a duplicate copies of ``source`` for the parts named in ``include``: notes,
    assignee, dates, tags, followers (the same for a task and for a project's tasks)."""
    data: dict[str, Any] = {}
    if "notes" in include:
        data["html_notes"] = source["html_notes"]
    if "assignee" in include and source["assignee"]:
        data["assignee"] = source["assignee"]
    if "dates" in include:
        for key in ("due_on", "due_at", "start_on", "start_at"):
            if source.get(key):
                data[key] = source[key]
    if "tags" in include:
        data["tags"] = list(source["tags"])
    if "followers" in include:
        data["followers"] = list(source["followers"])
    return data

_NO_HINT = object()


class TaskRelationsModel:
    """Where a task sits and what it is linked to."""

    # ---------------------------------------------------------------- containers
    def _ensure_section(self, project: dict[str, Any]) -> str:
        if not project["_sections"]:
            self.create_section(project["gid"], "Untitled section", _quiet=True)
        return project["_sections"][0]

    def _place(self, task: dict[str, Any], project_gid: str, section_gid: str | None,
               hints: dict[str, Any], *, quiet: bool = False, default_top: bool = False) -> bool:
        """Put ``task`` in a project (and section) at the hinted position; True if newly added."""
        project = self.projects[project_gid]
        before = hints.get("insert_before", _NO_HINT)
        after = hints.get("insert_after", _NO_HINT)
        if before is not _NO_HINT and after is not _NO_HINT and (before is not None
                                                               or after is not None):
            raise BadRequest("insert_before, insert_after: Only one may be specified")
        membership = next((m for m in task["memberships"] if m["project"] == project_gid), None)
        anchor_param, anchor = None, None
        if before not in (_NO_HINT, None):
            anchor_param, anchor = "insert_before", as_gid(before, "insert_before")
        elif after not in (_NO_HINT, None):
            anchor_param, anchor = "insert_after", as_gid(after, "insert_after")
        if anchor is not None:
            if anchor == task["gid"]:
                raise invalid(anchor_param, "A task cannot be inserted next to itself")
            anchor_task = self.get_task(anchor, anchor_param)
            anchor_section = next((m["section"] for m in anchor_task["memberships"]
                                   if m["project"] == project_gid), None)
            if anchor_section is None or (section_gid and anchor_section != section_gid):
                raise invalid(anchor_param, "The task to insert next to must be in the same "
                              "project and section")
            section_gid = anchor_section
        if section_gid is None:
            section_gid = membership["section"] if membership else self._ensure_section(project)
        if membership is None and len(task["memberships"]) >= self.settings.max_projects_per_task:
            raise invalid("project", "A task can be in at most "
                          f"{self.settings.max_projects_per_task} projects")
        if membership is not None and membership["section"]:
            old = self.sections.get(membership["section"])
            if old and task["gid"] in old["_tasks"]:
                old["_tasks"].remove(task["gid"])
        order = self.sections[section_gid]["_tasks"]
        if anchor is not None:
            index = order.index(anchor) + (0 if anchor_param == "insert_before" else 1)
            order.insert(index, task["gid"])
        elif after is None and after is not _NO_HINT and before is _NO_HINT:
            order.insert(0, task["gid"])
        elif before is None and before is not _NO_HINT:
            order.append(task["gid"])
        elif default_top:
            order.insert(0, task["gid"])
        else:
            order.append(task["gid"])
        if membership is None:
            task["memberships"].append({"project": project_gid, "section": section_gid})
            if not quiet:
                self.record_event(self.compact("task", task), "added",
                                  parent=self.compact("project", project))
                self.add_system_story(
                    task,
                    "added_to_project",
                    f"added this task to {project['name']}",
                    project=project_gid,
                )
            self.assign_custom_ids(task)
            return True
        if membership["section"] != section_gid:
            membership["section"] = section_gid
            if not quiet:
                section = self.sections[section_gid]
                self.record_event(self.compact("task", task), "added",
                                  parent=self.compact("section", section))
                self.add_system_story(task, "section_changed",
                                      f"moved this task to {section['name']} in {project['name']}",
                                      new_section=section_gid)
        return False

    def add_project_for_task(self, task_gid: str, data: dict[str, Any]) -> None:
        """addProjectForTask: add to (or move within) a project, optionally in a section."""
        task = self.get_task(task_gid)
        if data.get("project") is None:
            raise missing("project")
        project = self.get_project(as_gid(data["project"], "project"), "project")
        if project["workspace"] != task["workspace"]:
            raise invalid("project", "The project is in another workspace")
        section_gid = None
        if data.get("section") is not None:
            section = self.get_section(as_gid(data["section"], "section"), "section")
            if section["project"] != project["gid"]:
                raise invalid("section", "The section must belong to the project")
            section_gid = section["gid"]
        self._place(task, project["gid"], section_gid, data)

    def remove_project_for_task(self, task_gid: str, data: dict[str, Any]) -> None:
        task = self.get_task(task_gid)
        if data.get("project") is None:
            raise missing("project")
        project = self.get_project(as_gid(data["project"], "project"), "project")
        membership = next((m for m in task["memberships"] if m["project"] == project["gid"]), None)
        if membership is None:
            return
        section = self.sections.get(membership["section"] or "")
        if section and task_gid in section["_tasks"]:
            section["_tasks"].remove(task_gid)
        task["memberships"].remove(membership)
        self.record_event(self.compact("task", task), "removed",
                          parent=self.compact("project", project))
        self.add_system_story(task, "removed_from_project",
                              f"removed this task from {project['name']}", project=project["gid"])

    def add_task_for_section(self, section_gid: str, data: dict[str, Any]) -> None:
        """addTaskForSection: move into the section (top by default), out of the others."""
        section = self.get_section(section_gid)
        if data.get("task") is None:
            raise missing("task")
        task = self.get_task(as_gid(data["task"], "task"), "task")
        project = self.projects[section["project"]]
        if project["workspace"] != task["workspace"]:
            raise invalid("task", "The task is in another workspace")
        self._place(task, project["gid"], section_gid, data, default_top=True)

    def set_parent_for_task(self, task_gid: str, data: dict[str, Any]) -> dict[str, Any]:
        """setParentForTask: ``parent`` is required (null removes it)."""
        task = self.get_task(task_gid)
        if "parent" not in data:
            raise missing("parent")
        hints = [k for k in ("insert_before", "insert_after") if data.get(k) is not None]
        if len(hints) > 1:
            raise BadRequest("insert_before, insert_after: Only one may be specified")
        new_parent = None
        if data["parent"] is not None:
            new_parent = self.get_task(as_gid(data["parent"], "parent"), "parent")
            walker: dict[str, Any] | None = new_parent
            while walker is not None:
                if walker["gid"] == task_gid:
                    raise invalid("parent", "A task cannot be its own ancestor")
                walker = self.tasks.get(walker.get("parent") or "")
            if new_parent["workspace"] != task["workspace"]:
                raise invalid("parent", "The parent is in another workspace")
        if hints and new_parent is None:
            raise invalid(hints[0], "Needs a parent")
        anchor = as_gid(data[hints[0]], hints[0]) if hints else None
        if anchor and (anchor == task_gid or anchor not in new_parent["_subtasks"]):
            raise invalid(hints[0], "Must be a subtask of the new parent")
        old_parent = self.tasks.get(task.get("parent") or "")
        if old_parent and task_gid in old_parent["_subtasks"]:
            old_parent["_subtasks"].remove(task_gid)
        task["parent"] = new_parent["gid"] if new_parent else None
        if new_parent is not None:
            order = new_parent["_subtasks"]
            if anchor:
                order.insert(order.index(anchor) + (0 if hints[0] == "insert_before" else 1),
                             task_gid)
            else:
                order.append(task_gid)
        self.record_event(self.compact("task", task), "changed",
                          change={"field": "parent", "action": "changed",
                                  "new_value": {"gid": task["parent"], "resource_type": "task"}
                                  if task["parent"] else None})
        return task

    # ---------------------------------------------------------------- tags, followers
    def add_tag_for_task(self, task_gid: str, data: dict[str, Any]) -> None:
        task = self.get_task(task_gid)
        if data.get("tag") is None:
            raise missing("tag")
        tag = self.lookup("tag", as_gid(data["tag"], "tag"), "tag")
        if tag["workspace"] != task["workspace"]:
            raise invalid("tag", "The tag is in another workspace")
        if tag["gid"] not in task["tags"]:
            task["tags"].append(tag["gid"])
            self.record_event(self.compact("task", task), "added",
                              parent=self.compact("tag", tag))
            self.add_system_story(task, "added_to_tag", f"added to {tag['name']}", tag=tag["gid"])

    def remove_tag_for_task(self, task_gid: str, data: dict[str, Any]) -> None:
        task = self.get_task(task_gid)
        if data.get("tag") is None:
            raise missing("tag")
        tag = self.lookup("tag", as_gid(data["tag"], "tag"), "tag")
        if tag["gid"] in task["tags"]:
            task["tags"].remove(tag["gid"])
            self.record_event(self.compact("task", task), "removed",
                              parent=self.compact("tag", tag))

    def add_followers_for_task(self, task_gid: str, data: dict[str, Any]) -> dict[str, Any]:
        task = self.get_task(task_gid)
        if data.get("followers") is None:
            raise missing("followers")
        for gid in self.user_gids(data["followers"], "followers"):
            if gid not in task["followers"]:
                task["followers"].append(gid)
                self.record_event(self.compact("task", task), "changed",
                                  change={"field": "followers", "action": "added",
                                          "added_value": {"gid": gid, "resource_type": "user"}})
        return task

    def remove_followers_for_task(self, task_gid: str, data: dict[str, Any]) -> dict[str, Any]:
        task = self.get_task(task_gid)
        if data.get("followers") is None:
            raise missing("followers")
        for gid in self.user_gids(data["followers"], "followers"):
            if gid in task["followers"]:
                task["followers"].remove(gid)
                self.record_event(self.compact("task", task), "changed",
                                  change={"field": "followers", "action": "removed",
                                          "removed_value": {"gid": gid, "resource_type": "user"}})
        return task

    # ---------------------------------------------------------------- dependencies
    def _premium_for(self, task: dict[str, Any], what: str) -> None:
        if not self.is_premium(task["workspace"]):
            raise PaymentRequired(f"{what} are a premium feature; this workspace is not premium")

    def get_dependencies(self, task_gid: str, key: str = "dependencies") -> list[dict[str, Any]]:
        task = self.get_task(task_gid)
        self._premium_for(task, "Task dependencies")
        return [self.tasks[g] for g in task[key] if g in self.tasks]

    def add_dependencies(self, task_gid: str, data: dict[str, Any],
                         key: str = "dependencies") -> None:
        """addDependenciesForTask / addDependentsForTask (``key="dependents"``)."""
        other_key = "dependents" if key == "dependencies" else "dependencies"
        task = self.get_task(task_gid)
        self._premium_for(task, "Task dependencies")
        if data.get(key) is None:
            raise missing(key)
        others = [self.get_task(g, key) for g in _gids(data[key], key)]
        for other in others:
            if other["gid"] == task_gid:
                raise invalid(key, "A task cannot depend on itself")
            if other["workspace"] != task["workspace"]:
                raise invalid(key, "Tasks must be in the same workspace")
        new = [o for o in others if o["gid"] not in task[key]]
        limit = self.settings.max_dependencies
        if len(task["dependencies"]) + len(task["dependents"]) + len(new) > limit:
            raise invalid(key, f"A task can have at most {limit} dependencies and dependents "
                          "combined")
        for other in new:
            task[key].append(other["gid"])
            if task_gid not in other[other_key]:
                other[other_key].append(task_gid)
            self.record_event(
                self.compact("task", task),
                "changed",
                change={
                    "field": key,
                    "action": "added",
                    "added_value": {"gid": other["gid"], "resource_type": "task"},
                },
            )

    def remove_dependencies(self, task_gid: str, data: dict[str, Any],
                            key: str = "dependencies") -> None:
        other_key = "dependents" if key == "dependencies" else "dependencies"
        task = self.get_task(task_gid)
        self._premium_for(task, "Task dependencies")
        if data.get(key) is None:
            raise missing(key)
        for gid in _gids(data[key], key):
            other = self.get_task(gid, key)
            if gid in task[key]:
                task[key].remove(gid)
                if task_gid in other[other_key]:
                    other[other_key].remove(task_gid)
                self.record_event(self.compact("task", task), "changed",
                                  change={"field": key, "action": "removed",
                                          "removed_value": {"gid": gid, "resource_type": "task"}})

    # ---------------------------------------------------------------- duplicate / jobs
    def duplicate_task(self, task_gid: str, data: dict[str, Any]) -> dict[str, Any]:
        """duplicateTask: copies now; the job reports in_progress, then succeeded when polled."""
        source = self.get_task(task_gid)
        if data.get("name") is None:
            raise missing("name")
        include = set(as_list(data.get("include"), "include"))
        copy = self._copy_task(source, as_str(data["name"], "name"), include,
                               parent=source.get("parent") if "parent" in include else None)
        job = self.new_record("job", {"resource_subtype": "duplicate_task",
                                      "status": "succeeded", "new_task": copy["gid"],
                                      "new_project": None, "new_portfolio": None,
                                      "new_project_template": None, "new_graph_export": None,
                                      "new_resource_export": None, "_owner": self.acting_user})
        return dict(job, status="in_progress")  # as first reported; polling shows succeeded

    def _copy_task(self, source: dict[str, Any], name: str, include: set[str],
                   parent: str | None) -> dict[str, Any]:
        data: dict[str, Any] = {"name": name, "resource_subtype": source["resource_subtype"]}
        if parent:
            data["parent"] = parent
        if "projects" in include and source["memberships"]:
            data["memberships"] = [dict(m) for m in source["memberships"]]
        else:
            data["workspace"] = source["workspace"]
        data.update(copied_task_parts(source, include))
        copy = self.create_task(data)
        if "projects" in include:
            copy["custom_fields"] = {k: (list(v) if isinstance(v, list) else
                                         dict(v) if isinstance(v, dict) else v)
                                     for k, v in source["custom_fields"].items()}
        if "subtasks" in include:
            for child in source["_subtasks"]:
                if child in self.tasks:
                    child_task = self.tasks[child]
                    self._copy_task(child_task, child_task["name"], include - {"projects"},
                                    parent=copy["gid"])
        return copy

    def get_job(self, job_gid: str) -> dict[str, Any]:
        job = self.lookup("job", job_gid)
        if job.get("_owner") and job["_owner"] != self.acting_user:
            raise unknown_object(job_gid)  # only the job's creator can see it
        return job

    # ---------------------------------------------------------------- custom ids
    def assign_custom_ids(self, task: dict[str, Any]) -> None:
        """Give ``task`` a value for each custom-ID field of its projects it lacks."""
        for membership in task["memberships"]:
            for field_gid in self.project_field_gids(membership["project"]):
                field = self.custom_fields.get(field_gid)
                if field and field.get("id_prefix") and field_gid not in task["custom_fields"]:
                    number = self.custom_id_counters.get(field_gid, 0) + 1
                    self.custom_id_counters[field_gid] = number
                    task["custom_fields"][field_gid] = f"{field['id_prefix']}-{number}"

    def get_task_for_custom_id(self, workspace: str, custom_id: str) -> dict[str, Any]:
        self.get_workspace(workspace)
        for task in self.tasks.values():
            if task["workspace"] != workspace:
                continue
            for field_gid, value in task["custom_fields"].items():
                field = self.custom_fields.get(field_gid)
                if field and field.get("id_prefix") and value == custom_id:
                    return task
        raise NotFound(f"custom_id: No task with custom ID {custom_id}")
