"""Tasks: create, get, update, delete and the list endpoints with Asana's rules."""

from __future__ import annotations


def test_create_task_in_project_returns_full_task(api, grievances, ok):
    """POST /tasks answers 201 with the full task."""
    task = ok(api.post("/tasks", {"name": "Water point broken", "projects": [grievances]}), 201)
    assert task["name"] == "Water point broken"
    assert task["projects"][0]["gid"] == grievances
    assert task["workspace"]["name"] == "Demo Organization"
    assert task["completed"] is False and task["resource_type"] == "task"


def test_create_task_without_container_is_400(api, error_message):
    """A task needs a workspace, projects or parent."""
    message = error_message(api.post("/tasks", {"name": "Orphan"}), 400)
    assert "workspace" in message and "projects" in message and "parent" in message


def test_create_task_with_workspace_only(api, sandbox, ok):
    """A workspace alone is a valid container."""
    task = ok(api.post("/tasks", {"name": "Loose", "workspace": sandbox.workspace_gid}), 201)
    assert task["projects"] == [] and task["memberships"] == []


def test_create_task_with_unknown_project_is_400(api, error_message):
    """An unknown project gid names the parameter."""
    message = error_message(
        api.post("/tasks", {"name": "x", "projects": ["1234567890123456"]}), 400
    )
    assert message.startswith("projects:")


def test_get_task_round_trips_fields(api, new_task, ok):
    """Fields sent on create come back on get."""
    created = new_task("Fence damaged", notes="Near the river", due_on="2026-05-01", assignee="me")
    task = ok(api.get(f"/tasks/{created['gid']}"))
    assert (task["notes"], task["due_on"]) == ("Near the river", "2026-05-01")
    assert task["assignee"]["name"] == "Sandbox User"


def test_assignee_by_email(api, new_task, ok):
    """An email identifies a user anywhere a user is accepted."""
    task = new_task(assignee="amina@example.org")
    assert task["assignee"]["name"] == "Amina Diallo"


def test_update_changes_only_sent_fields(api, new_task, ok):
    """PUT changes what was sent and keeps the rest."""
    task = new_task("Before", notes="keep me")
    updated = ok(api.put(f"/tasks/{task['gid']}", {"name": "After"}))
    assert updated["name"] == "After" and updated["notes"] == "keep me"


def test_update_bumps_modified_at(api, new_task, clock, ok):
    """An edit moves modified_at forward."""
    task = new_task()
    clock.advance(5)
    updated = ok(api.put(f"/tasks/{task['gid']}", {"name": "Renamed"}))
    assert updated["modified_at"] > task["modified_at"]


def test_completing_sets_completed_at(api, new_task, ok):
    """completed=true fills completed_at and completed_by."""
    task = new_task()
    done = ok(api.put(f"/tasks/{task['gid']}", {"completed": True}))
    assert done["completed"] is True and done["completed_at"]
    assert done["completed_by"]["name"] == "Sandbox User"


def test_delete_then_get_is_404(api, new_task):
    """A deleted task is gone."""
    task = new_task()
    api.delete(f"/tasks/{task['gid']}")
    assert api.get(f"/tasks/{task['gid']}").status_code == 404


def test_delete_removes_from_project_list(api, new_task, grievances, ok):
    """A deleted task leaves its project's task list."""
    task = new_task()
    api.delete(f"/tasks/{task['gid']}")
    assert task["gid"] not in [t["gid"] for t in ok(api.get(f"/projects/{grievances}/tasks"))]


def test_get_tasks_without_filters_is_workspace_missing(api, error_message):
    """A bare GET /tasks answers "workspace: Missing input"."""
    assert error_message(api.get("/tasks"), 400) == "workspace: Missing input"


def test_get_tasks_with_assignee_only_needs_workspace(api, error_message):
    """assignee alone requires workspace."""
    assert error_message(api.get("/tasks", {"assignee": "me"}), 400) == "workspace: Missing input"


def test_get_tasks_with_workspace_only_needs_assignee(api, sandbox, error_message):
    """workspace alone requires assignee."""
    response = api.get("/tasks", {"workspace": sandbox.workspace_gid})
    assert error_message(response, 400) == "assignee: Missing input"


def test_get_tasks_by_assignee_and_workspace(api, sandbox, new_task, ok):
    """assignee + workspace lists that user's tasks."""
    mine = new_task("Mine", assignee="me")
    new_task("Not mine")
    tasks = ok(api.get("/tasks", {"assignee": "me", "workspace": sandbox.workspace_gid}))
    assert [t["gid"] for t in tasks] == [mine["gid"]]


def test_get_tasks_by_project_in_order(api, new_task, grievances, ok):
    """GET /tasks?project= lists tasks in project order as compacts."""
    first, second = new_task("first"), new_task("second")
    tasks = ok(api.get("/tasks", {"project": grievances}))
    assert [t["gid"] for t in tasks] == [first["gid"], second["gid"]]
    assert set(tasks[0]) == {"gid", "resource_type", "name", "resource_subtype"}


def test_completed_since_now_hides_completed(api, new_task, grievances, ok):
    """completed_since=now returns incomplete tasks only."""
    new_task("open")
    new_task("done", completed=True)
    tasks = ok(api.get(f"/projects/{grievances}/tasks", {"completed_since": "now"}))
    assert [t["name"] for t in tasks] == ["open"]


def test_modified_since_filters(api, new_task, grievances, clock, ok):
    """modified_since keeps tasks changed at or after that time."""
    old = new_task("old")
    clock.advance(3600)
    fresh = new_task("fresh")
    tasks = ok(api.get("/tasks", {"project": grievances, "modified_since": fresh["created_at"]}))
    assert [t["gid"] for t in tasks] == [fresh["gid"]]
    assert old["gid"] != fresh["gid"]


def test_project_tasks_endpoint_lists_compacts(api, new_task, grievances, ok):
    """GET /projects/{gid}/tasks lists the project's tasks."""
    task = new_task()
    assert ok(api.get(f"/projects/{grievances}/tasks"))[0]["gid"] == task["gid"]


def test_html_notes_sets_plain_notes(api, new_task, ok):
    """html_notes is stored and notes is its text."""
    task = new_task(html_notes="<body>Road <strong>blocked</strong></body>")
    data = ok(api.get(f"/tasks/{task['gid']}", {"opt_fields": "notes,html_notes"}))
    assert data["notes"] == "Road blocked"
    assert data["html_notes"] == "<body>Road <strong>blocked</strong></body>"


def test_invalid_html_notes_is_400(api, grievances, error_message):
    """html_notes must be valid XML inside <body>."""
    response = api.post(
        "/tasks", {"name": "x", "projects": [grievances], "html_notes": "<body><b>x</body>"}
    )
    assert error_message(response, 400).startswith("html_notes:")


def test_approval_task_completion_sets_approved(api, new_task, ok):
    """Completing an approval task sets approval_status to approved."""
    task = new_task(resource_subtype="approval")
    done = ok(api.put(f"/tasks/{task['gid']}", {"completed": True}))
    assert done["approval_status"] == "approved"


def test_unknown_resource_subtype_is_400(api, grievances, error_message):
    """resource_subtype must be one Asana knows."""
    response = api.post(
        "/tasks", {"name": "x", "projects": [grievances], "resource_subtype": "section"}
    )
    assert error_message(response, 400).startswith("resource_subtype:")
