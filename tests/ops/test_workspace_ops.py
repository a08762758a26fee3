"""Workspace-level operations: workspaces, users, tags, typeahead, enum options."""

import pytest

from asana_adaptor.client import (
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    InvalidRequestError,
    NotFoundError,
)
from asana_adaptor.ops import (
    create_enum_option,
    create_tag,
    get_custom_field_settings,
    get_tags,
    get_user,
    get_users,
    get_workspace,
    get_workspaces,
    typeahead,
)

UNKNOWN = "1999999999999999"


def test_get_workspaces_lists_both_workspaces(run):
    """get_workspaces lists the token's workspaces."""
    names = {w["name"] for w in run(get_workspaces())["data"]}
    assert names == {"Demo Organization", "Free Workspace"}


def test_get_workspace_defaults_to_the_configured_one(run, sb):
    """get_workspace() reads configuration.workspaceGid."""
    state = run(get_workspace(None, {"opt_fields": "name,is_organization"}))
    assert state["data"] == {"gid": sb.workspace_gid, "name": "Demo Organization",
                             "is_organization": True}


def test_get_workspace_unknown_gid_raises_not_found(run):
    """An unknown workspace gid raises NotFoundError."""
    with pytest.raises(NotFoundError):
        run(get_workspace(UNKNOWN))


def test_get_users_lists_the_workspace_users(run):
    """get_users lists every user of the configured workspace."""
    state = run(get_users({"opt_fields": "name,email"}))
    assert {u["email"] for u in state["data"]} == {
        "sandbox@example.org", "amina@example.org", "carlos@example.org", "mei@example.org"}


@pytest.mark.parametrize("who, name", [("me", "Sandbox User"),
                                       ("mei@example.org", "Mei Chen")])
def test_get_user_by_me_or_email(run, who, name):
    """get_user accepts "me" and an email address."""
    assert run(get_user(who))["data"]["name"] == name


def test_get_user_by_gid(run):
    """get_user accepts a gid."""
    me = run(get_user("me"))["data"]
    assert run(get_user(me["gid"]))["data"]["name"] == "Sandbox User"


def test_get_user_unknown_raises_not_found(run):
    """An unknown user raises NotFoundError."""
    with pytest.raises(NotFoundError):
        run(get_user("nobody@example.org"))


def test_get_tags_and_create_tag(run, api, sb):
    """create_tag adds a tag in the configured workspace; get_tags lists it with the seed tags."""
    gid = run(create_tag({"name": "escalated", "color": "dark-red"}))["data"]["gid"]
    assert api("GET", f"/tags/{gid}")["workspace"]["gid"] == sb.workspace_gid
    names = {t["name"] for t in run(get_tags())["data"]}
    assert {"urgent", "follow-up", "escalated"} <= names


def test_get_tags_of_unknown_workspace_is_a_bad_request(run):
    """Tags of an unknown workspace raise BadRequestError naming the workspace."""
    with pytest.raises(BadRequestError, match="workspace: Unknown object"):
        run(get_tags({"workspace": UNKNOWN}))


def test_typeahead_finds_a_project_by_prefix(run):
    """typeahead finds projects whose name starts with the query."""
    state = run(typeahead("project", "griev"))
    assert [p["name"] for p in state["data"]] == ["Grievances"]


def test_typeahead_unknown_workspace_raises_not_found(run):
    """Typeahead in an unknown workspace raises NotFoundError."""
    with pytest.raises(NotFoundError):
        run(typeahead("user", "a", {"workspaceGid": UNKNOWN}))


def _country_field(run, project_gid):
    settings = run(get_custom_field_settings(project_gid, {"opt_fields": "custom_field.name"}))
    return next(s["custom_field"]["gid"] for s in settings["data"]
                if s["custom_field"]["name"] == "Country")


def test_create_enum_option_adds_an_option(run, api, project_gid):
    """create_enum_option adds an option that the field then lists last."""
    field = _country_field(run, project_gid)
    state = run(create_enum_option(field, {"name": "Ethiopia", "color": "dark-green"}))
    assert state["data"]["name"] == "Ethiopia"
    options = api("GET", f"/custom_fields/{field}")["enum_options"]
    assert options[-1]["name"] == "Ethiopia"


def test_create_enum_option_refuses_an_empty_name(run, project_gid):
    """An enum option without a name is refused with a clear error."""
    field = _country_field(run, project_gid)
    with pytest.raises(InvalidRequestError, match="non-empty name"):
        run(create_enum_option(field, {"color": "dark-green"}))


def test_create_enum_option_on_unknown_field_raises_not_found(run):
    """An option on an unknown field raises NotFoundError."""
    with pytest.raises(NotFoundError):
        run(create_enum_option(UNKNOWN, "Ethiopia"))


def test_create_tag_without_a_workspace_says_what_to_set(run, sb, recorder):
    """Without a workspace in data or configuration, create_tag names workspaceGid."""
    configuration = {"token": sb.token, "baseUrl": sb.base_url}
    with pytest.raises(ConfigurationError, match="workspaceGid"):
        run(create_tag("escalated"), state={"configuration": configuration})
    assert recorder.requests == []


def test_get_workspaces_with_a_wrong_token_is_an_authentication_error(run, sb):
    """A wrong token makes get_workspaces raise AuthenticationError with Asana's words."""
    configuration = {"token": "0/not-a-real-token", "baseUrl": sb.base_url}
    with pytest.raises(AuthenticationError, match="Not Authorized"):
        run(get_workspaces(), state={"configuration": configuration})


def test_get_users_of_an_unknown_workspace_names_it(run):
    """Users of an unknown workspace raise BadRequestError naming the workspace."""
    with pytest.raises(BadRequestError, match=f"workspace: Unknown object: {UNKNOWN}"):
        run(get_users({"workspace": UNKNOWN}))
