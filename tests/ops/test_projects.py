"""Projects, sections and custom field settings against the sandbox."""

import pytest

from asana_adaptor.client import BadRequestError, InvalidRequestError, NotFoundError
from asana_adaptor.ops import (
    create_project,
    create_section,
    delete_project,
    get_custom_field_settings,
    get_project,
    get_projects,
    get_sections,
    update_project,
)

UNKNOWN = "1999999999999999"


@pytest.fixture
def team_gid(api, sb):
    return api("GET", f"/workspaces/{sb.workspace_gid}/teams")[0]["gid"]


def test_get_projects_lists_the_configured_workspace(run):
    """get_projects lists the projects of configuration.workspaceGid."""
    names = {p["name"] for p in run(get_projects())["data"]}
    assert {"Grievances", "Field Operations"} <= names
    assert "Free Project" not in names


def test_get_projects_of_unknown_workspace_is_a_bad_request(run):
    """Listing projects of an unknown workspace raises BadRequestError naming the workspace."""
    with pytest.raises(BadRequestError, match="workspace: Unknown object"):
        run(get_projects({"workspace": UNKNOWN}))


def test_get_project_returns_the_project(run, project_gid):
    """get_project returns the project record."""
    state = run(get_project(project_gid, {"opt_fields": "name,team.name"}))
    assert state["data"]["name"] == "Grievances"
    assert state["data"]["team"]["name"] == "Programmes"


def test_get_project_unknown_gid_raises_not_found(run):
    """An unknown project gid raises NotFoundError."""
    with pytest.raises(NotFoundError):
        run(get_project(UNKNOWN))


def test_create_update_delete_project(run, api, team_gid):
    """A created project can be read, renamed, then deleted (and is gone)."""
    gid = run(create_project({"name": "Grievances Kenya", "team": team_gid}))["data"]["gid"]
    assert api("GET", f"/projects/{gid}")["name"] == "Grievances Kenya"
    run(update_project(gid, {"name": "Grievances KE", "archived": True}))
    stored = api("GET", f"/projects/{gid}")
    assert (stored["name"], stored["archived"]) == ("Grievances KE", True)
    run(delete_project(gid))
    assert api("GET", f"/projects/{gid}")["status"] == 404


def test_create_project_defaults_to_the_configured_workspace(run, api, sb, team_gid):
    """create_project fills workspace from configuration.workspaceGid."""
    state = run(create_project({"name": "Field Notes", "team": team_gid}))
    assert api("GET", f"/projects/{state['data']['gid']}")["workspace"]["gid"] == sb.workspace_gid


def test_update_unknown_project_raises_not_found(run):
    """Updating an unknown project raises NotFoundError."""
    with pytest.raises(NotFoundError):
        run(update_project(UNKNOWN, {"name": "x"}))


def test_delete_unknown_project_raises_not_found(run):
    """Deleting an unknown project raises NotFoundError."""
    with pytest.raises(NotFoundError):
        run(delete_project(UNKNOWN))


def test_get_sections_in_board_order(run, project_gid):
    """get_sections lists the project's sections in order."""
    names = [s["name"] for s in run(get_sections(project_gid))["data"]]
    assert names[-3:] == ["New", "In Review", "Resolved"]


def test_get_sections_of_unknown_project_raises_not_found(run):
    """Listing sections of an unknown project raises NotFoundError."""
    with pytest.raises(NotFoundError):
        run(get_sections(UNKNOWN))


def test_create_section_adds_it_to_the_project(run, api, project_gid):
    """create_section adds a section that the project then lists."""
    gid = run(create_section(project_gid, {"name": "Escalated"}))["data"]["gid"]
    assert gid in {s["gid"] for s in api("GET", f"/projects/{project_gid}/sections")}


def test_create_section_refuses_an_empty_name(run, recorder, project_gid):
    """A blank section name is refused before sending."""
    with pytest.raises(InvalidRequestError, match="non-empty name"):
        run(create_section(project_gid, {"name": "  "}))
    assert recorder.requests == []


def test_get_custom_field_settings_lists_the_project_fields(run, project_gid):
    """get_custom_field_settings returns the project's fields with their types and options."""
    state = run(get_custom_field_settings(project_gid, {"opt_fields": [
        "custom_field.name", "custom_field.resource_subtype", "custom_field.enum_options.name"]}))
    fields = {s["custom_field"]["name"]: s["custom_field"] for s in state["data"]}
    assert fields["Grievance Status"]["resource_subtype"] == "enum"
    assert [o["name"] for o in fields["Grievance Status"]["enum_options"]] == [
        "Open", "In Progress", "Resolved", "Closed"]
    assert len(fields) == 9


def test_get_custom_field_settings_of_unknown_project_raises_not_found(run):
    """Custom field settings of an unknown project raise NotFoundError."""
    with pytest.raises(NotFoundError):
        run(get_custom_field_settings(UNKNOWN))


def test_create_project_without_a_team_in_an_organization_is_refused(run):
    """An organization's project needs a team: Asana's 400 names the missing team."""
    with pytest.raises(BadRequestError, match="team: Missing input"):
        run(create_project({"name": "No team"}))
