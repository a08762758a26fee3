"""Users, workspaces and teams."""

from __future__ import annotations

from ..routing import Call, Route
from ..responses import Reply
from . import body_gid, query_gid


def get_user(call: Call) -> Reply:
    return call.single("user", call.backend.get_user(call.params["user_gid"]))


def get_users(call: Call) -> Reply:
    users = call.backend.get_users(
        query_gid(call.query, "workspace"), query_gid(call.query, "team")
    )
    return call.listing("user", users)


def get_users_for_workspace(call: Call) -> Reply:
    return call.listing("user", call.backend.get_users_for_workspace(call.params["workspace_gid"]))


def get_user_for_workspace(call: Call) -> Reply:
    backend = call.backend
    workspace = backend.get_workspace(call.params["workspace_gid"])
    user = backend.get_user(call.params["user_gid"])
    if workspace["gid"] not in user["workspaces"]:
        from ..errors import NotFound

        raise NotFound(f"user: {user['gid']} is not a member of workspace {workspace['gid']}")
    return call.single("user", user)


def get_users_for_team(call: Call) -> Reply:
    team = call.backend.get_team(call.params["team_gid"])
    return call.listing("user", [call.backend.users[g] for g in team["members"]
                                 if g in call.backend.users])


def get_workspaces(call: Call) -> Reply:
    return call.listing("workspace", call.backend.get_workspaces())


def get_workspace(call: Call) -> Reply:
    return call.single("workspace", call.backend.get_workspace(call.params["workspace_gid"]))


def update_workspace(call: Call) -> Reply:
    workspace = call.backend.update_workspace(call.params["workspace_gid"], call.data)
    return call.single("workspace", workspace)


def add_user_for_workspace(call: Call) -> Reply:
    user = call.backend.add_user_to_workspace(
        call.params["workspace_gid"], body_gid(call.data, "user")
    )
    return call.single("user", user)


def remove_user_for_workspace(call: Call) -> Reply:
    call.backend.remove_user_from_workspace(
        call.params["workspace_gid"], body_gid(call.data, "user")
    )
    return call.empty()


def get_team(call: Call) -> Reply:
    return call.single("team", call.backend.get_team(call.params["team_gid"]))


def get_teams_for_workspace(call: Call) -> Reply:
    return call.listing("team", call.backend.get_teams_for_workspace(call.params["workspace_gid"]))


def update_user(call: Call) -> Reply:
    return call.single("user", call.backend.update_user(call.params["user_gid"], call.data))


def update_user_for_workspace(call: Call) -> Reply:
    call.backend.get_workspace(call.params["workspace_gid"])
    return call.single("user", call.backend.update_user(call.params["user_gid"], call.data))


def get_favorites(call: Call) -> Reply:
    return call.listing("project", call.backend.get_favorites_for_user(call.params["user_gid"],
                                                                       call.query))


def get_user_task_list_for_user(call: Call) -> Reply:
    record = call.backend.get_user_task_list_for_user(call.params["user_gid"],
                                                      call.query.get("workspace"))
    return call.single("user_task_list", record)


def get_user_task_list(call: Call) -> Reply:
    return call.single("user_task_list",
                       call.backend.get_user_task_list(call.params["user_task_list_gid"]))


def get_tasks_for_user_task_list(call: Call) -> Reply:
    backend = call.backend
    tasks = backend.filter_completed_since(
        backend.get_tasks_for_user_task_list(call.params["user_task_list_gid"]), call.query)
    return call.listing("task", tasks)


routes = [
    Route("GET", "/users", get_users),
    Route("GET", "/users/{user_gid}", get_user),
    Route("GET", "/workspaces/{workspace_gid}/users", get_users_for_workspace),
    Route("GET", "/workspaces/{workspace_gid}/users/{user_gid}", get_user_for_workspace),
    Route("GET", "/teams/{team_gid}/users", get_users_for_team),
    Route("GET", "/workspaces", get_workspaces),
    Route("GET", "/workspaces/{workspace_gid}", get_workspace),
    Route("PUT", "/workspaces/{workspace_gid}", update_workspace),
    Route("POST", "/workspaces/{workspace_gid}/addUser", add_user_for_workspace),
    Route("POST", "/workspaces/{workspace_gid}/removeUser", remove_user_for_workspace),
    Route("GET", "/teams/{team_gid}", get_team),
    Route("GET", "/workspaces/{workspace_gid}/teams", get_teams_for_workspace),
    Route("PUT", "/users/{user_gid}", update_user),
    Route("PUT", "/workspaces/{workspace_gid}/users/{user_gid}", update_user_for_workspace),
    Route("GET", "/users/{user_gid}/favorites", get_favorites),
    Route("GET", "/users/{user_gid}/user_task_list", get_user_task_list_for_user),
    Route("GET", "/user_task_lists/{user_task_list_gid}", get_user_task_list),
    Route("GET", "/user_task_lists/{user_task_list_gid}/tasks", get_tasks_for_user_task_list),
]
