"""Tags."""

from __future__ import annotations


def test_workspace_tags(api, sandbox, ok):
    """The demo workspace has urgent and follow-up."""
    assert [t["name"] for t in ok(api.get(f"/workspaces/{sandbox.workspace_gid}/tags"))] == [
        "urgent",
        "follow-up",
    ]


def test_create_tag(api, sandbox, ok):
    """POST /tags creates a tag in a workspace."""
    tag = ok(
        api.post(
            "/tags", {"name": "land", "workspace": sandbox.workspace_gid, "color": "dark-green"}
        ),
        201,
    )
    assert (tag["name"], tag["color"], tag["workspace"]["gid"]) == (
        "land",
        "dark-green",
        sandbox.workspace_gid,
    )


def test_create_tag_needs_workspace(api, error_message):
    """A tag needs a workspace."""
    assert error_message(api.post("/tags", {"name": "x"}), 400) == "workspace: Missing input"


def test_create_tag_in_workspace_path(api, sandbox, ok):
    """POST /workspaces/{gid}/tags creates there."""
    tag = ok(api.post(f"/workspaces/{sandbox.workspace_gid}/tags", {"name": "water"}), 201)
    assert tag["permalink_url"].startswith("https://app.asana.com/")


def test_bad_color_is_400(api, sandbox, error_message):
    """Colors come from Asana's palette."""
    response = api.post(
        "/tags", {"name": "x", "workspace": sandbox.workspace_gid, "color": "purple"}
    )
    assert error_message(response, 400).startswith("color:")


def test_update_and_delete_tag(api, sandbox, ok):
    """A tag can be renamed and deleted."""
    tag = ok(api.post("/tags", {"name": "tmp", "workspace": sandbox.workspace_gid}), 201)
    assert ok(api.put(f"/tags/{tag['gid']}", {"name": "temp"}))["name"] == "temp"
    assert ok(api.delete(f"/tags/{tag['gid']}")) == {}
    assert api.get(f"/tags/{tag['gid']}").status_code == 404


def test_create_task_with_tags(api, sandbox, grievances, ok):
    """tags on create attach tags."""
    tag = ok(api.get("/tags", {"workspace": sandbox.workspace_gid}))[0]["gid"]
    task = ok(api.post("/tasks", {"name": "x", "projects": [grievances], "tags": [tag]}), 201)
    assert [t["gid"] for t in task["tags"]] == [tag]
