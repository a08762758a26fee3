"""Validation rules of task writes (ASANA_API §4, §5)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "field", ["projects", "tags", "followers", "memberships", "workspace", "parent"]
)
def test_create_only_fields_are_refused_on_update(api, new_task, field, error_message):
    """PUT refuses fields that can only be set on create, naming the right endpoint."""
    task = new_task()
    message = error_message(api.put(f"/tasks/{task['gid']}", {field: []}), 400)
    assert message.startswith(f"{field}:")


def test_refused_update_changes_nothing(api, new_task, ok):
    """A refused update leaves the task as it was."""
    task = new_task("Keep")
    api.put(f"/tasks/{task['gid']}", {"name": "Changed", "projects": []})
    assert ok(api.get(f"/tasks/{task['gid']}"))["name"] == "Keep"


def test_read_only_field_is_refused(api, new_task, error_message):
    """Read-only fields cannot be written."""
    task = new_task()
    message = error_message(
        api.put(f"/tasks/{task['gid']}", {"created_at": "2020-01-01T00:00:00.000Z"}), 400
    )
    assert message.startswith("created_at:")


def test_at_most_20_projects_on_create(api, sandbox, ok, error_message):
    """A task can be in at most 20 projects."""
    team = ok(api.get(f"/workspaces/{sandbox.workspace_gid}/teams"))[0]["gid"]
    projects = [
        ok(api.post("/projects", {"name": f"P{i}", "team": team}), 201)["gid"] for i in range(21)
    ]
    message = error_message(api.post("/tasks", {"name": "x", "projects": projects}), 400)
    assert "20" in message


def test_addproject_beyond_20_is_400(api, sandbox, ok, error_message):
    """addProject refuses a 21st project."""
    team = ok(api.get(f"/workspaces/{sandbox.workspace_gid}/teams"))[0]["gid"]
    projects = [
        ok(api.post("/projects", {"name": f"P{i}", "team": team}), 201)["gid"] for i in range(21)
    ]
    task = ok(api.post("/tasks", {"name": "x", "projects": projects[:20]}), 201)
    response = api.post(f"/tasks/{task['gid']}/addProject", {"project": projects[20]})
    assert "20" in error_message(response, 400)


def test_start_on_without_due_date_is_400(api, grievances, error_message):
    """start_on needs a due date."""
    response = api.post("/tasks", {"name": "x", "projects": [grievances], "start_on": "2026-01-01"})
    assert error_message(response, 400).startswith("start_on:")


def test_start_on_with_due_on_is_accepted(api, new_task):
    """start_on with due_on in the same request is fine."""
    task = new_task(start_on="2026-01-01", due_on="2026-01-05")
    assert (task["start_on"], task["due_on"]) == ("2026-01-01", "2026-01-05")


def test_due_on_and_due_at_together_is_400(api, grievances):
    """due_on and due_at are exclusive."""
    response = api.post("/tasks", {"name": "x", "projects": [grievances], "due_on": "2026-01-01",
                                   "due_at": "2026-01-01T10:00:00.000Z"})
    assert response.status_code == 400


def test_bad_date_is_400_naming_field(api, grievances, error_message):
    """A malformed date names the field and the expected format."""
    response = api.post("/tasks", {"name": "x", "projects": [grievances], "due_on": "01/02/2026"})
    message = error_message(response, 400)
    assert message.startswith("due_on:") and "YYYY-MM-DD" in message


def test_milestone_cannot_have_start_date(api, grievances):
    """Milestones have no start date."""
    response = api.post(
        "/tasks",
        {
            "name": "x",
            "projects": [grievances],
            "resource_subtype": "milestone",
            "start_on": "2026-01-01",
            "due_on": "2026-01-02",
        },
    )
    assert response.status_code == 400


def test_assignee_outside_workspace_is_400(api, sandbox, ok, error_message):
    """The assignee must belong to the task's workspace."""
    free = [w for w in ok(api.get("/workspaces")) if w["name"] == "Free Workspace"][0]["gid"]
    response = api.post("/tasks", {"name": "x", "workspace": free, "assignee": "amina@example.org"})
    assert error_message(response, 400).startswith("assignee:")


def test_unknown_email_is_400(api, grievances, error_message):
    """An unknown email names the parameter."""
    response = api.post(
        "/tasks", {"name": "x", "projects": [grievances], "assignee": "who@nowhere.org"}
    )
    assert error_message(response, 400).startswith("assignee:")
