"""My Tasks lists, favorites and user updates."""

from __future__ import annotations


def test_user_task_list_tasks_are_the_users_tasks(api, sandbox, new_task, ok):
    """A user's My Tasks list holds the tasks assigned to them."""
    mine = new_task("mine", assignee="me")
    new_task("theirs", assignee="amina@example.org")
    task_list = ok(api.get("/users/me/user_task_list", {"workspace": sandbox.workspace_gid}))
    assert task_list["name"] == "My Tasks" and task_list["owner"]["gid"] == sandbox.user_gid
    tasks = ok(api.get(f"/user_task_lists/{task_list['gid']}/tasks"))
    assert [t["gid"] for t in tasks] == [mine["gid"]]


def test_user_task_list_is_stable(api, sandbox, ok):
    """Asking twice gives the same list."""
    first = ok(api.get("/users/me/user_task_list", {"workspace": sandbox.workspace_gid}))
    second = ok(api.get("/users/me/user_task_list", {"workspace": sandbox.workspace_gid}))
    assert first["gid"] == second["gid"] == ok(api.get(f"/user_task_lists/{first['gid']}"))["gid"]


def test_user_task_list_needs_workspace(api, error_message):
    """workspace is required."""
    assert error_message(api.get("/users/me/user_task_list"), 400) == "workspace: Missing input"


def test_favorites_are_empty(api, sandbox, ok):
    """Nothing is favorited in a fresh sandbox."""
    assert (
        ok(
            api.get(
                "/users/me/favorites",
                {"resource_type": "project", "workspace": sandbox.workspace_gid},
            )
        )
        == []
    )


def test_favorites_need_resource_type(api, sandbox, error_message):
    """favorites needs resource_type."""
    response = api.get("/users/me/favorites", {"workspace": sandbox.workspace_gid})
    assert error_message(response, 400) == "resource_type: Missing input"


def test_update_user_custom_fields(api, sandbox, ok):
    """PUT /users/{gid} sets the user's custom field values."""
    field = sandbox.custom_field_gid("Reporter")
    ok(api.put("/users/me", {"custom_fields": {field: "Field officer"}}))
    user = ok(api.get("/users/me", {"opt_fields": "custom_fields.display_value"}))
    assert user["custom_fields"] == [{"gid": field, "display_value": "Field officer"}]


def test_update_user_other_fields_is_400(api, error_message):
    """Only custom_fields can change on a user."""
    assert error_message(api.put("/users/me", {"name": "New name"}), 400).startswith("name:")
