"""Users, workspaces, teams and typeahead."""

from __future__ import annotations


def test_me_is_the_token_owner(api, ok):
    """/users/me is the demo user."""
    me = ok(api.get("/users/me"))
    assert (me["name"], me["email"]) == ("Sandbox User", "sandbox@example.org")


def test_user_by_email(api, ok):
    """A user can be fetched by email."""
    assert ok(api.get("/users/amina@example.org"))["name"] == "Amina Diallo"


def test_unknown_user_is_404(api):
    """An unknown user gid is a 404."""
    assert api.get("/users/1234567890123456").status_code == 404


def test_users_of_workspace_sorted(api, sandbox, ok):
    """Workspace users are listed alphabetically."""
    names = [u["name"] for u in ok(api.get(f"/workspaces/{sandbox.workspace_gid}/users"))]
    assert names == ["Amina Diallo", "Carlos Ruiz", "Mei Chen", "Sandbox User"]


def test_users_filtered_by_workspace(api, ok):
    """GET /users?workspace= lists that workspace's users."""
    free = [w for w in ok(api.get("/workspaces")) if w["name"] == "Free Workspace"][0]["gid"]
    assert [u["name"] for u in ok(api.get("/users", {"workspace": free}))] == ["Sandbox User"]


def test_workspaces_of_me(api, ok):
    """The demo user sees both workspaces."""
    assert [w["name"] for w in ok(api.get("/workspaces"))] == [
        "Demo Organization",
        "Free Workspace",
    ]


def test_workspace_full_record(api, sandbox, ok):
    """A workspace carries is_organization and email_domains."""
    workspace = ok(api.get(f"/workspaces/{sandbox.workspace_gid}"))
    assert workspace["is_organization"] is True and workspace["email_domains"] == ["example.org"]


def test_update_workspace_name(api, sandbox, ok):
    """PUT /workspaces/{gid} renames."""
    assert (
        ok(api.put(f"/workspaces/{sandbox.workspace_gid}", {"name": "Renamed"}))["name"]
        == "Renamed"
    )


def test_team_of_workspace(api, sandbox, ok):
    """The demo workspace has the Programmes team."""
    assert [t["name"] for t in ok(api.get(f"/workspaces/{sandbox.workspace_gid}/teams"))] == [
        "Programmes"
    ]


def test_typeahead_users_by_default(api, sandbox, ok):
    """Typeahead defaults to users and matches names."""
    assert [
        u["name"]
        for u in ok(api.get(f"/workspaces/{sandbox.workspace_gid}/typeahead", {"query": "mei"}))
    ] == ["Mei Chen"]


def test_typeahead_projects(api, sandbox, ok):
    """Typeahead finds projects by name."""
    found = ok(
        api.get(
            f"/workspaces/{sandbox.workspace_gid}/typeahead",
            {"resource_type": "project", "query": "griev"},
        )
    )
    assert [p["name"] for p in found] == ["Grievances"] and found[0]["resource_type"] == "project"


def test_typeahead_count_limits_results(api, sandbox, ok):
    """count caps the number of results."""
    assert (
        len(
            ok(api.get(f"/workspaces/{sandbox.workspace_gid}/typeahead", {"query": "", "count": 2}))
        )
        == 2
    )


def test_typeahead_bad_type_is_400(api, sandbox):
    """An unknown resource_type is refused."""
    assert (
        api.get(
            f"/workspaces/{sandbox.workspace_gid}/typeahead", {"resource_type": "planet"}
        ).status_code
        == 400
    )
