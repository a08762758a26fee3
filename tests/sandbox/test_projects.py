"""Projects: list, create (team rule), get, update, delete."""

from __future__ import annotations


def _team(api, sandbox, ok):
    return ok(api.get(f"/workspaces/{sandbox.workspace_gid}/teams"))[0]["gid"]


def test_list_projects_of_workspace(api, sandbox, ok):
    """The demo workspace has Grievances and Field Operations."""
    names = [p["name"] for p in ok(api.get(f"/workspaces/{sandbox.workspace_gid}/projects"))]
    assert names == ["Grievances", "Field Operations"]


def test_create_project_in_organization_needs_team(api, sandbox, error_message):
    """Projects in an organization need a team."""
    response = api.post("/projects", {"name": "P", "workspace": sandbox.workspace_gid})
    assert error_message(response, 400) == "team: Missing input"


def test_create_project_needs_workspace_or_team(api, error_message):
    """A project needs a workspace or a team."""
    assert error_message(api.post("/projects", {"name": "P"}), 400) == "workspace: Missing input"


def test_create_project_with_team(api, sandbox, ok):
    """A project created with a team gets an untitled section."""
    project = ok(
        api.post("/projects", {"name": "Monitoring", "team": _team(api, sandbox, ok)}), 201
    )
    assert project["team"]["name"] == "Programmes"
    assert [s["name"] for s in ok(api.get(f"/projects/{project['gid']}/sections"))] == [
        "Untitled section"
    ]


def test_create_project_for_team_path(api, sandbox, ok):
    """POST /teams/{gid}/projects creates in that team."""
    team = _team(api, sandbox, ok)
    project = ok(api.post(f"/teams/{team}/projects", {"name": "Via team"}), 201)
    assert project["workspace"]["gid"] == sandbox.workspace_gid


def test_create_project_in_free_workspace(api, ok):
    """A non-organization workspace needs no team."""
    free = [w for w in ok(api.get("/workspaces")) if w["name"] == "Free Workspace"][0]["gid"]
    project = ok(api.post(f"/workspaces/{free}/projects", {"name": "Mine"}), 201)
    assert "team" not in project and project["workspace"]["gid"] == free


def test_update_project(api, grievances, ok):
    """PUT changes the sent fields."""
    project = ok(api.put(f"/projects/{grievances}", {"notes": "Updated", "color": "dark-green"}))
    assert (project["notes"], project["color"], project["name"]) == (
        "Updated",
        "dark-green",
        "Grievances",
    )


def test_archived_filter(api, sandbox, grievances, ok):
    """archived=false hides archived projects."""
    api.put(f"/projects/{grievances}", {"archived": True})
    names = [
        p["name"]
        for p in ok(api.get("/projects", {"workspace": sandbox.workspace_gid, "archived": "false"}))
    ]
    assert names == ["Field Operations"]


def test_update_project_workspace_is_400(api, grievances, ok):
    """A project cannot move to another workspace."""
    free = [w for w in ok(api.get("/workspaces")) if w["name"] == "Free Workspace"][0]["gid"]
    assert api.put(f"/projects/{grievances}", {"workspace": free}).status_code == 400


def test_delete_project(api, sandbox, ok):
    """DELETE removes the project and its tasks' memberships."""
    project = sandbox.project_gid("Field Operations")
    task = ok(api.get(f"/projects/{project}/tasks"))[0]["gid"]
    assert ok(api.delete(f"/projects/{project}")) == {}
    assert api.get(f"/projects/{project}").status_code == 404
    assert ok(api.get(f"/tasks/{task}"))["projects"] == []
