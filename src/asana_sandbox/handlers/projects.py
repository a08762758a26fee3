"""Projects, sections and custom field settings."""

from __future__ import annotations

from ..routing import Call, Route
from ..responses import Reply
from . import query_bool, query_gid


def get_projects(call: Call) -> Reply:
    projects = call.backend.get_projects(query_gid(call.query, "workspace"),
                                         query_gid(call.query, "team"),
                                         query_bool(call.query, "archived"))
    return call.listing("project", projects)


def get_projects_for_workspace(call: Call) -> Reply:
    projects = call.backend.get_projects(call.params["workspace_gid"], None,
                                         query_bool(call.query, "archived"))
    return call.listing("project", projects)


def get_projects_for_team(call: Call) -> Reply:
    call.backend.get_team(call.params["team_gid"])
    projects = [p for p in call.backend.projects.values() if p["team"] == call.params["team_gid"]]
    archived = query_bool(call.query, "archived")
    if archived is not None:
        projects = [p for p in projects if p["archived"] == archived]
    return call.listing("project", projects)


def create_project(call: Call) -> Reply:
    return call.single("project", call.backend.create_project(call.data), 201)


def create_project_for_workspace(call: Call) -> Reply:
    call.backend.get_workspace(call.params["workspace_gid"])
    project = call.backend.create_project(call.data, workspace=call.params["workspace_gid"])
    return call.single("project", project, 201)


def create_project_for_team(call: Call) -> Reply:
    call.backend.get_team(call.params["team_gid"])
    project = call.backend.create_project(call.data, team=call.params["team_gid"])
    return call.single("project", project, 201)


def get_project(call: Call) -> Reply:
    return call.single("project", call.backend.get_project(call.params["project_gid"]))


def update_project(call: Call) -> Reply:
    return call.single(
        "project", call.backend.update_project(call.params["project_gid"], call.data)
    )


def delete_project(call: Call) -> Reply:
    call.backend.delete_project(call.params["project_gid"])
    return call.empty()


def get_projects_for_task(call: Call) -> Reply:
    return call.listing("project", call.backend.get_projects_for_task(call.params["task_gid"]))


def get_custom_field_settings(call: Call) -> Reply:
    settings = call.backend.get_custom_field_settings_for_project(call.params["project_gid"])
    return call.listing("custom_field_setting", settings)


def add_custom_field_setting(call: Call) -> Reply:
    setting = call.backend.add_custom_field_setting(call.params["project_gid"], call.data)
    return call.single("custom_field_setting", setting)


def remove_custom_field_setting(call: Call) -> Reply:
    call.backend.remove_custom_field_setting(call.params["project_gid"], call.data)
    return call.empty()


def get_sections(call: Call) -> Reply:
    return call.listing(
        "section", call.backend.get_sections_for_project(call.params["project_gid"])
    )


def create_section(call: Call) -> Reply:
    data = call.data
    section = call.backend.create_section(call.params["project_gid"], data.get("name"),
                                          data.get("insert_before"), data.get("insert_after"))
    return call.single("section", section, 201)


def get_section(call: Call) -> Reply:
    return call.single("section", call.backend.get_section(call.params["section_gid"]))


def update_section(call: Call) -> Reply:
    return call.single(
        "section", call.backend.update_section(call.params["section_gid"], call.data)
    )


def delete_section(call: Call) -> Reply:
    call.backend.delete_section(call.params["section_gid"])
    return call.empty()


def insert_section(call: Call) -> Reply:
    data = call.data
    call.backend.insert_section(call.params["project_gid"], data.get("section"),
                                data.get("before_section"), data.get("after_section"))
    return call.empty()


def add_task_for_section(call: Call) -> Reply:
    call.backend.add_task_for_section(call.params["section_gid"], call.data)
    return call.empty()


def _project_users(method: str):
    def handler(call: Call) -> Reply:
        project = getattr(call.backend, method)(call.params["project_gid"], call.data)
        return call.single("project", project)

    return handler


def get_task_counts(call: Call) -> Reply:
    counts = call.backend.get_task_counts(call.params["project_gid"])
    fields = call.request.fields or {}
    return Reply(200, {"data": {name: counts[name] for name in fields if name in counts
                                and name != "gid"}})


def search_projects(call: Call) -> Reply:
    projects = call.backend.search_projects(call.params["workspace_gid"], call.query)
    return call.listing("project", projects, paginated=False, max_results=len(projects) or 1)


def duplicate_project(call: Call) -> Reply:
    job = call.backend.duplicate_project(call.params["project_gid"], call.data)
    return call.single("job", job, 201)


def save_as_template(call: Call) -> Reply:
    job = call.backend.save_project_as_template(call.params["project_gid"], call.data)
    return call.single("job", job, 201)


def get_custom_field_settings_for_team(call: Call) -> Reply:
    call.backend.get_team(call.params["team_gid"])
    return call.listing("custom_field_setting", [])


def _absent_holder(kind: str, param: str):
    def handler(call: Call) -> Reply:
        call.backend.lookup(kind, call.params[param])  # the sandbox has none: 404
        return call.listing("custom_field_setting", [])

    return handler


routes = [
    Route("GET", "/projects", get_projects),
    Route("POST", "/projects", create_project),
    Route("GET", "/projects/{project_gid}", get_project),
    Route("PUT", "/projects/{project_gid}", update_project),
    Route("DELETE", "/projects/{project_gid}", delete_project),
    Route("GET", "/tasks/{task_gid}/projects", get_projects_for_task),
    Route("GET", "/teams/{team_gid}/projects", get_projects_for_team),
    Route("POST", "/teams/{team_gid}/projects", create_project_for_team),
    Route("GET", "/workspaces/{workspace_gid}/projects", get_projects_for_workspace),
    Route("POST", "/workspaces/{workspace_gid}/projects", create_project_for_workspace),
    Route("GET", "/projects/{project_gid}/custom_field_settings", get_custom_field_settings),
    Route("POST", "/projects/{project_gid}/addCustomFieldSetting", add_custom_field_setting),
    Route("POST", "/projects/{project_gid}/removeCustomFieldSetting", remove_custom_field_setting),
    Route("GET", "/projects/{project_gid}/sections", get_sections),
    Route("POST", "/projects/{project_gid}/sections", create_section),
    Route("GET", "/sections/{section_gid}", get_section),
    Route("PUT", "/sections/{section_gid}", update_section),
    Route("DELETE", "/sections/{section_gid}", delete_section),
    Route("POST", "/projects/{project_gid}/sections/insert", insert_section),
    Route("POST", "/sections/{section_gid}/addTask", add_task_for_section),
    Route("POST", "/projects/{project_gid}/addMembers", _project_users("add_members_for_project")),
    Route("POST", "/projects/{project_gid}/removeMembers",
          _project_users("remove_members_for_project")),
    Route("POST", "/projects/{project_gid}/addFollowers",
          _project_users("add_followers_for_project")),
    Route("POST", "/projects/{project_gid}/removeFollowers",
          _project_users("remove_followers_for_project")),
    Route("GET", "/projects/{project_gid}/task_counts", get_task_counts),
    Route("GET", "/workspaces/{workspace_gid}/projects/search", search_projects, kind="search"),
    Route("POST", "/projects/{project_gid}/duplicate", duplicate_project),
    Route("POST", "/projects/{project_gid}/saveAsTemplate", save_as_template),
    Route("GET", "/teams/{team_gid}/custom_field_settings", get_custom_field_settings_for_team),
    Route("GET", "/portfolios/{portfolio_gid}/custom_field_settings",
          _absent_holder("portfolio", "portfolio_gid")),
    Route("GET", "/goals/{goal_gid}/custom_field_settings", _absent_holder("goal", "goal_gid")),
]
