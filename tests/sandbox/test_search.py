"""Task search: filters, custom field filters, sorting, premium rule, 100 cap, indexing lag."""

from __future__ import annotations

from asana_sandbox import Sandbox, SandboxSettings


def _search(api, sandbox, ok, **params):
    return ok(api.get(f"/workspaces/{sandbox.workspace_gid}/tasks/search", params))


def _in_grievances(sandbox, **params):
    """Search parameters limited to the Grievances project."""
    return {"projects.any": sandbox.project_gid("Grievances"), **params}


def _gids(tasks):
    return [t["gid"] for t in tasks]


def test_text_matches_name_and_notes(api, sandbox, new_task, ok):
    """text searches names and descriptions."""
    a = new_task("Borehole dry")
    b = new_task("Other", notes="the borehole pump")
    new_task("Unrelated")
    assert {t["gid"] for t in _search(api, sandbox, ok, text="borehole")} == {a["gid"], b["gid"]}


def test_results_are_compact_without_next_page(api, sandbox, new_task):
    """Search answers compacts and never next_page."""
    new_task("x")
    body = api.get(
        f"/workspaces/{sandbox.workspace_gid}/tasks/search", {"text": "x", "limit": 10}
    ).json()
    assert "next_page" not in body
    assert set(body["data"][0]) == {"gid", "resource_type", "name", "resource_subtype"}


def test_completed_filter(api, sandbox, new_task, ok):
    """completed=false leaves completed tasks out."""
    new_task("done", completed=True)
    open_ = new_task("open")
    found = _search(api, sandbox, ok, **_in_grievances(sandbox, completed="false"))
    assert [t["name"] for t in found] == [open_["name"]]


def test_projects_any(api, sandbox, new_task, ok):
    """projects.any keeps tasks in any of the projects."""
    task = new_task()
    assert _gids(_search(api, sandbox, ok, **_in_grievances(sandbox))) == [task["gid"]]


def test_custom_field_enum_value(api, sandbox, new_task, ok):
    """custom_fields.{gid}.value matches an enum option gid."""
    field = sandbox.custom_field_gid("Country")
    kenya = sandbox.enum_option_gid("Country", "Kenya")
    match = new_task("k", custom_fields={field: kenya})
    new_task("p", custom_fields={field: sandbox.enum_option_gid("Country", "Peru")})
    assert _gids(_search(api, sandbox, ok, **{f"custom_fields.{field}.value": kenya})) == [
        match["gid"]
    ]


def test_custom_field_text_value_exact(api, sandbox, new_task, ok):
    """custom_fields.{gid}.value matches a text value exactly (the upsert lookup)."""
    field = sandbox.custom_field_gid("Grievance ID")
    match = new_task("a", custom_fields={field: "GRV-001"})
    new_task("b", custom_fields={field: "GRV-0010"})
    found = _search(api, sandbox, ok, **{f"custom_fields.{field}.value": "GRV-001"})
    assert _gids(found) == [match["gid"]]


def test_custom_field_is_set(api, sandbox, new_task, ok):
    """custom_fields.{gid}.is_set=false finds tasks without a value."""
    field = sandbox.custom_field_gid("Reporter")
    new_task("set", custom_fields={field: "x"})
    unset = new_task("unset")
    found = _search(
        api, sandbox, ok, **_in_grievances(sandbox, **{f"custom_fields.{field}.is_set": "false"})
    )
    assert _gids(found) == [unset["gid"]]


def test_custom_field_contains_and_starts_with(api, sandbox, new_task, ok):
    """Text fields support contains and starts_with."""
    field = sandbox.custom_field_gid("Reporter")
    task = new_task("a", custom_fields={field: "Village council"})
    found = _search(api, sandbox, ok, **{f"custom_fields.{field}.contains": "council"})
    assert _gids(found) == [task["gid"]]
    assert _search(api, sandbox, ok, **{f"custom_fields.{field}.starts_with": "council"}) == []


def test_custom_field_number_range(api, sandbox, new_task, ok):
    """Number fields support less_than and greater_than."""
    field = sandbox.custom_field_gid("Households Affected")
    new_task("small", custom_fields={field: 3})
    big = new_task("big", custom_fields={field: 300})
    assert _gids(_search(api, sandbox, ok, **{f"custom_fields.{field}.greater_than": "10"})) == [
        big["gid"]
    ]
    found = _search(api, sandbox, ok, **{f"custom_fields.{field}.less_than": "10"})
    assert [t["name"] for t in found] == ["small"]


def test_sort_by_created_at_ascending(api, sandbox, new_task, clock, ok):
    """sort_by=created_at with sort_ascending=true orders oldest first."""
    names = []
    for name in ("one", "two", "three"):
        names.append(new_task(name)["name"])
        clock.advance(1)
    found = _search(
        api, sandbox, ok, **_in_grievances(sandbox, sort_by="created_at", sort_ascending="true")
    )
    assert [t["name"] for t in found] == names


def test_created_at_before(api, sandbox, new_task, clock, ok):
    """created_at.before narrows by creation time."""
    old = new_task("old")
    clock.advance(60)
    newer = new_task("new")
    found = _search(
        api, sandbox, ok, **_in_grievances(sandbox, **{"created_at.before": newer["created_at"]})
    )
    assert _gids(found) == [old["gid"]]


def test_at_most_100_results(api, sandbox, ok):
    """Search returns at most 100 tasks."""
    grievances = sandbox.project_gid("Grievances")
    for index in range(105):
        api.post("/tasks", {"name": f"bulk {index}", "projects": [grievances]})
    assert len(_search(api, sandbox, ok, text="bulk")) == 100


def test_free_workspace_is_402(api, ok, error_message):
    """Search needs a premium workspace."""
    free = [w for w in ok(api.get("/workspaces")) if w["name"] == "Free Workspace"][0]["gid"]
    error_message(api.get(f"/workspaces/{free}/tasks/search", {"text": "x"}), 402)


def test_indexing_lag_hides_new_tasks(make_api, clock, ok):
    """With an indexing lag, a new task is found only after the lag."""
    sb = Sandbox(clock=clock, settings=SandboxSettings(search_index_lag=30))
    api = make_api(sb)
    api.post("/tasks", {"name": "fresh one", "projects": [sb.project_gid("Grievances")]})
    assert _search(api, sb, ok, text="fresh") == []
    clock.advance(31)
    assert [t["name"] for t in _search(api, sb, ok, text="fresh")] == ["fresh one"]


def test_unknown_custom_field_filter_is_400(api, sandbox):
    """A filter on an unknown field is refused."""
    response = api.get(f"/workspaces/{sandbox.workspace_gid}/tasks/search",
                       {"custom_fields.1234567890123456.value": "x"})
    assert response.status_code == 400


def test_indexing_lag_applies_to_renames(make_api, clock, ok):
    """A task renamed within the lag is still found by its old name, not yet by the new."""
    sb = Sandbox(clock=clock, settings=SandboxSettings(search_index_lag=30))
    api = make_api(sb)
    task = ok(api.post("/tasks", {"name": "old wording",
                                  "projects": [sb.project_gid("Grievances")]}), 201)
    clock.advance(31)
    ok(api.put(f"/tasks/{task['gid']}", {"name": "new wording"}))
    assert [t["gid"] for t in _search(api, sb, ok, text="old wording")] == [task["gid"]]
    assert _search(api, sb, ok, text="new wording") == []
    clock.advance(31)
    assert _search(api, sb, ok, text="old wording") == []
    assert [t["gid"] for t in _search(api, sb, ok, text="new wording")] == [task["gid"]]


def test_lag_set_through_control_api_keeps_existing_tasks_findable(api, sandbox, clock, ok,
                                                                    new_task):
    """Switching the lag on later: a task changed afterwards is found by its previous name."""
    task = new_task("before the lag")
    response = api.request("POST", f"{sandbox.base_url}/_sandbox/settings",
                           json={"search_index_lag": 30})
    assert response.status_code == 200
    ok(api.put(f"/tasks/{task['gid']}", {"name": "after the lag"}))
    assert [t["gid"] for t in _search(api, sandbox, ok, text="before the lag")] == [task["gid"]]
    clock.advance(31)
    assert [t["gid"] for t in _search(api, sandbox, ok, text="after the lag")] == [task["gid"]]
