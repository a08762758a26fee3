"""Project members and followers, task counts, project search, duplicate, saveAsTemplate."""

from __future__ import annotations


def test_add_and_remove_members(api, grievances, ok):
    """addMembers/removeMembers change the project's members and answer the project."""
    added = ok(api.post(f"/projects/{grievances}/addMembers", {"members": "amina@example.org"}))
    assert "Amina Diallo" in [m["name"] for m in added["members"]]
    removed = ok(
        api.post(f"/projects/{grievances}/removeMembers", {"members": ["amina@example.org"]})
    )
    assert "Amina Diallo" not in [m["name"] for m in removed["members"]]


def test_add_members_needs_members(api, grievances, error_message):
    """addMembers without members is "members: Missing input"."""
    assert (
        error_message(api.post(f"/projects/{grievances}/addMembers", {}), 400)
        == "members: Missing input"
    )


def test_add_followers_to_project(api, grievances, ok):
    """addFollowers makes the user a follower (and a member)."""
    project = ok(
        api.post(f"/projects/{grievances}/addFollowers", {"followers": ["mei@example.org"]})
    )
    assert "Mei Chen" in [f["name"] for f in project["followers"]]
    assert "Mei Chen" in [m["name"] for m in project["members"]]


def test_task_counts_are_opt_in(api, grievances, new_task, ok):
    """task_counts returns only the counts asked for through opt_fields."""
    new_task("a")
    new_task("b", completed=True)
    assert ok(api.get(f"/projects/{grievances}/task_counts")) == {}
    counts = ok(api.get(f"/projects/{grievances}/task_counts",
                        {"opt_fields": "num_tasks,num_completed_tasks,num_incomplete_tasks"}))
    assert counts == {"num_tasks": 2, "num_completed_tasks": 1, "num_incomplete_tasks": 1}


def test_search_projects_by_text(api, sandbox, ok):
    """Project search matches names."""
    found = ok(api.get(f"/workspaces/{sandbox.workspace_gid}/projects/search", {"text": "field"}))
    assert [p["name"] for p in found] == ["Field Operations"]


def test_search_projects_needs_premium(api, ok, error_message):
    """Project search answers 402 in a free workspace."""
    free = [w for w in ok(api.get("/workspaces")) if w["name"] == "Free Workspace"][0]["gid"]
    error_message(api.get(f"/workspaces/{free}/projects/search", {"text": "x"}), 402)


def test_duplicate_project_copies_sections_fields_and_tasks(api, grievances, new_task, sandbox, ok):
    """duplicateProject answers a job whose new project has the sections, fields and tasks."""
    new_task("Copied task", custom_fields={sandbox.custom_field_gid("Reporter"): "someone"})
    job = ok(api.post(f"/projects/{grievances}/duplicate", {"name": "Grievances 2027"}), 201)
    new = ok(api.get(f"/jobs/{job['gid']}"))["new_project"]["gid"]
    assert [s["name"] for s in ok(api.get(f"/projects/{new}/sections"))] == [
        "New",
        "In Review",
        "Resolved",
    ]
    assert len(ok(api.get(f"/projects/{new}/custom_field_settings"))) == 9
    task = ok(api.get(f"/projects/{new}/tasks"))[0]
    copied = ok(api.get(f"/tasks/{task['gid']}"))
    assert copied["name"] == "Copied task"
    assert [f["display_value"] for f in copied["custom_fields"] if f["name"] == "Reporter"] == [
        "someone"
    ]


def test_save_as_template_returns_job(api, grievances, sandbox, ok):
    """saveAsTemplate answers a job with the new template."""
    team = ok(api.get(f"/workspaces/{sandbox.workspace_gid}/teams"))[0]["gid"]
    job = ok(api.post(f"/projects/{grievances}/saveAsTemplate",
                      {"name": "Grievance template", "public": False, "team": team}), 201)
    assert (
        ok(api.get(f"/jobs/{job['gid']}"))["new_project_template"]["name"] == "Grievance template"
    )


def test_save_as_template_needs_public(api, grievances, error_message):
    """saveAsTemplate needs public."""
    response = api.post(f"/projects/{grievances}/saveAsTemplate", {"name": "T"})
    assert error_message(response, 400) == "public: Missing input"


def test_team_custom_field_settings_empty(api, sandbox, ok):
    """A team has no custom field settings of its own."""
    team = ok(api.get(f"/workspaces/{sandbox.workspace_gid}/teams"))[0]["gid"]
    assert ok(api.get(f"/teams/{team}/custom_field_settings")) == []


def test_goal_routes_answer_404_for_any_goal(api):
    """The sandbox has no goals: their stories and settings are 404s."""
    assert api.get("/goals/1234567890123456/stories").status_code == 404
    assert api.get("/portfolios/1234567890123456/custom_field_settings").status_code == 404


def test_duplicate_project_copies_only_the_task_parts_asked_for(api, grievances, new_task, ok):
    """include=task_notes copies the tasks' notes; their assignees stay behind unless asked."""
    new_task("Noted task", notes="keep these notes", assignee="me")
    job = ok(api.post(f"/projects/{grievances}/duplicate",
                      {"name": "Grievances copy", "include": "task_notes"}), 201)
    new = ok(api.get(f"/jobs/{job['gid']}"))["new_project"]["gid"]
    task = ok(api.get(f"/projects/{new}/tasks"))[0]
    copied = ok(api.get(f"/tasks/{task['gid']}"))
    assert (copied["name"], copied["notes"], copied["assignee"]) == (
        "Noted task", "keep these notes", None)
