"""Custom field definitions, enum options and project custom field settings."""

from __future__ import annotations


def _create(api, sandbox, **fields):
    data = {"workspace": sandbox.workspace_gid, "name": "Priority", "resource_subtype": "enum",
            "enum_options": [{"name": "Low"}, {"name": "High", "color": "dark-red"}], **fields}
    return api.post("/custom_fields", data)


def test_create_enum_field_with_options(api, sandbox, ok):
    """createCustomField answers 201 with its options."""
    field = ok(_create(api, sandbox), 201)
    assert field["resource_subtype"] == field["type"] == "enum"
    assert [(o["name"], o["color"], o["enabled"]) for o in field["enum_options"]] == [
        ("Low", "none", True), ("High", "dark-red", True)]


def test_create_needs_workspace(api, error_message):
    """workspace is required."""
    response = api.post("/custom_fields", {"name": "x", "resource_subtype": "text"})
    assert error_message(response, 400) == "workspace: Missing input"


def test_create_needs_resource_subtype(api, sandbox, error_message):
    """resource_subtype is required."""
    response = api.post("/custom_fields", {"workspace": sandbox.workspace_gid, "name": "x"})
    assert error_message(response, 400) == "resource_subtype: Missing input"


def test_duplicate_name_is_400(api, sandbox):
    """Names are unique in a workspace."""
    assert _create(api, sandbox, name="Category").status_code == 400


def test_custom_fields_need_premium(api, ok, error_message):
    """Creating a field in a free workspace answers 402."""
    free = [w for w in ok(api.get("/workspaces")) if w["name"] == "Free Workspace"][0]["gid"]
    error_message(
        api.post("/custom_fields", {"workspace": free, "name": "x", "resource_subtype": "text"}),
        402,
    )


def test_type_cannot_change(api, sandbox, ok):
    """resource_subtype is fixed after creation."""
    field = ok(_create(api, sandbox), 201)
    assert (
        api.put(f"/custom_fields/{field['gid']}", {"resource_subtype": "text"}).status_code == 400
    )


def test_rename_field(api, sandbox, ok):
    """PUT renames a field."""
    field = ok(_create(api, sandbox), 201)
    assert ok(api.put(f"/custom_fields/{field['gid']}", {"name": "Urgency"}))["name"] == "Urgency"


def test_delete_field(api, sandbox, ok):
    """DELETE removes a field."""
    field = ok(_create(api, sandbox), 201)
    assert ok(api.delete(f"/custom_fields/{field['gid']}")) == {}
    assert api.get(f"/custom_fields/{field['gid']}").status_code == 404


def test_workspace_fields_list(api, sandbox, ok):
    """The workspace lists its custom fields."""
    names = [f["name"] for f in ok(api.get(f"/workspaces/{sandbox.workspace_gid}/custom_fields"))]
    assert names[:3] == ["Grievance ID", "Grievance Status", "Category"]


def test_create_enum_option_appends(api, sandbox, ok):
    """A new option goes last."""
    field = sandbox.custom_field_gid("Country")
    option = ok(api.post(f"/custom_fields/{field}/enum_options", {"name": "Nepal"}), 201)
    names = [o["name"] for o in ok(api.get(f"/custom_fields/{field}"))["enum_options"]]
    assert names[-1] == "Nepal" and option["resource_type"] == "enum_option"


def test_create_enum_option_insert_before(api, sandbox, ok):
    """insert_before places the new option before another."""
    field = sandbox.custom_field_gid("Country")
    peru = sandbox.enum_option_gid("Country", "Peru")
    api.post(f"/custom_fields/{field}/enum_options", {"name": "Ecuador", "insert_before": peru})
    assert [o["name"] for o in ok(api.get(f"/custom_fields/{field}"))["enum_options"]][:2] == [
        "Ecuador",
        "Peru",
    ]


def test_insert_enum_option_moves_it(api, sandbox, ok):
    """enum_options/insert moves an option after another."""
    field = sandbox.custom_field_gid("Grievance Status")
    open_, closed = (sandbox.enum_option_gid("Grievance Status", n) for n in ("Open", "Closed"))
    ok(
        api.post(
            f"/custom_fields/{field}/enum_options/insert",
            {"enum_option": open_, "after_enum_option": closed},
        )
    )
    names = [o["name"] for o in ok(api.get(f"/custom_fields/{field}"))["enum_options"]]
    assert names == ["In Progress", "Resolved", "Closed", "Open"]


def test_update_enum_option_disables(api, sandbox, ok):
    """PUT /enum_options/{gid} can disable an option."""
    option = sandbox.enum_option_gid("Country", "Myanmar")
    assert ok(api.put(f"/enum_options/{option}", {"enabled": False}))["enabled"] is False


def test_inactive_option_is_in_the_seed(api, sandbox, ok):
    """Category has a disabled "Inactive Option"."""
    options = ok(api.get(f"/custom_fields/{sandbox.custom_field_gid('Category')}"))["enum_options"]
    assert {"name": "Inactive Option", "enabled": False}.items() <= options[-1].items()


def test_project_custom_field_settings(api, grievances, ok):
    """Grievances lists its nine custom field settings with the fields."""
    settings = ok(api.get(f"/projects/{grievances}/custom_field_settings",
                          {"opt_fields": "custom_field.name,custom_field.resource_subtype"}))
    assert [
        (s["custom_field"]["name"], s["custom_field"]["resource_subtype"]) for s in settings
    ] == [
        ("Grievance ID", "text"),
        ("Grievance Status", "enum"),
        ("Category", "enum"),
        ("Country", "enum"),
        ("Date Entered", "date"),
        ("Reporter", "text"),
        ("Households Affected", "number"),
        ("Themes", "multi_enum"),
        ("Focal Point", "people"),
    ]


def test_add_and_remove_custom_field_setting(api, sandbox, ok):
    """addCustomFieldSetting attaches a field; removeCustomFieldSetting detaches it."""
    project = sandbox.project_gid("Field Operations")
    field = ok(_create(api, sandbox), 201)
    setting = ok(
        api.post(
            f"/projects/{project}/addCustomFieldSetting",
            {"custom_field": field["gid"], "is_important": True},
        )
    )
    assert setting["custom_field"]["gid"] == field["gid"] and setting["is_important"] is True
    assert len(ok(api.get(f"/projects/{project}/custom_field_settings"))) == 1
    assert (
        ok(
            api.post(
                f"/projects/{project}/removeCustomFieldSetting", {"custom_field": field["gid"]}
            )
        )
        == {}
    )
    assert ok(api.get(f"/projects/{project}/custom_field_settings")) == []


def test_adding_same_field_twice_is_400(api, grievances, sandbox):
    """A field is on a project at most once."""
    response = api.post(f"/projects/{grievances}/addCustomFieldSetting",
                        {"custom_field": sandbox.custom_field_gid("Reporter")})
    assert response.status_code == 400
