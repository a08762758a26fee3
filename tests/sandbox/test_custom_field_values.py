"""Custom field values on tasks: the write map and the typed read array (ASANA_API §5)."""

from __future__ import annotations

import pytest


def _entry(task, name):
    return next(f for f in task["custom_fields"] if f["name"] == name)


def test_task_lists_every_project_field_unset(new_task):
    """A new task in Grievances carries all nine fields, unset."""
    task = new_task()
    assert len(task["custom_fields"]) == 9
    assert all(f["display_value"] is None for f in task["custom_fields"])


def test_text_value(new_task, sandbox):
    """A text field takes a string."""
    task = new_task(custom_fields={sandbox.custom_field_gid("Reporter"): "Community leader"})
    entry = _entry(task, "Reporter")
    assert (
        entry["text_value"] == "Community leader" and entry["display_value"] == "Community leader"
    )


def test_text_over_1024_chars_is_400(api, grievances, sandbox, error_message):
    """Text values are limited to 1,024 characters."""
    field = sandbox.custom_field_gid("Reporter")
    response = api.post(
        "/tasks", {"name": "x", "projects": [grievances], "custom_fields": {field: "x" * 1025}}
    )
    assert "1024" in error_message(response, 400)


def test_number_value_and_display(new_task, sandbox):
    """A number field takes a number; display follows the precision."""
    task = new_task(custom_fields={sandbox.custom_field_gid("Households Affected"): 42})
    entry = _entry(task, "Households Affected")
    assert entry["number_value"] == 42 and entry["display_value"] == "42"


def test_enum_value_by_option_gid(new_task, sandbox):
    """An enum field takes an option gid and reads back the option."""
    option = sandbox.enum_option_gid("Category", "Land Rights")
    task = new_task(custom_fields={sandbox.custom_field_gid("Category"): option})
    entry = _entry(task, "Category")
    assert entry["enum_value"]["gid"] == option
    assert entry["enum_value"]["name"] == "Land Rights"
    assert entry["display_value"] == "Land Rights"


def test_enum_value_not_an_option_is_400(api, grievances, sandbox, error_message):
    """An enum value must be an option of that field."""
    other = sandbox.enum_option_gid("Country", "Peru")
    response = api.post("/tasks", {"name": "x", "projects": [grievances],
                                   "custom_fields": {sandbox.custom_field_gid("Category"): other}})
    message = error_message(response, 400)
    assert other in message and "Land Rights" in message


def test_enum_option_name_instead_of_gid_is_400(api, grievances, sandbox):
    """Option names are not accepted; Asana wants the option gid."""
    response = api.post(
        "/tasks",
        {
            "name": "x",
            "projects": [grievances],
            "custom_fields": {sandbox.custom_field_gid("Category"): "Land Rights"},
        },
    )
    assert response.status_code == 400


def test_disabled_option_cannot_be_set(api, grievances, sandbox):
    """A disabled option cannot be chosen."""
    inactive = sandbox.enum_option_gid("Category", "Inactive Option")
    response = api.post(
        "/tasks",
        {
            "name": "x",
            "projects": [grievances],
            "custom_fields": {sandbox.custom_field_gid("Category"): inactive},
        },
    )
    assert response.status_code == 400


def test_multi_enum_values(new_task, sandbox):
    """A multi_enum field takes a list of option gids."""
    water, land = (sandbox.enum_option_gid("Themes", n) for n in ("Water", "Land"))
    task = new_task(custom_fields={sandbox.custom_field_gid("Themes"): [water, land]})
    entry = _entry(task, "Themes")
    assert [o["name"] for o in entry["multi_enum_values"]] == ["Water", "Land"]
    assert entry["display_value"] == "Water, Land"


@pytest.mark.parametrize("value", ["2026-03-04", {"date": "2026-03-04"}])
def test_date_value_forms(new_task, sandbox, value):
    """A date field accepts "YYYY-MM-DD" and {"date": ...}."""
    task = new_task(custom_fields={sandbox.custom_field_gid("Date Entered"): value})
    entry = _entry(task, "Date Entered")
    assert entry["date_value"] == {"date": "2026-03-04"}
    assert entry["display_value"] == "2026-03-04"


def test_date_time_value(new_task, sandbox):
    """A date field accepts {"date_time": ...}."""
    task = new_task(
        custom_fields={
            sandbox.custom_field_gid("Date Entered"): {"date_time": "2026-03-04T10:00:00Z"}
        }
    )
    assert _entry(task, "Date Entered")["date_value"] == {"date": "2026-03-04",
                                                          "date_time": "2026-03-04T10:00:00.000Z"}


def test_people_value_with_emails_and_me(new_task, sandbox):
    """A people field takes gids, emails or "me"."""
    task = new_task(
        custom_fields={sandbox.custom_field_gid("Focal Point"): ["me", "mei@example.org"]}
    )
    entry = _entry(task, "Focal Point")
    assert [p["name"] for p in entry["people_value"]] == ["Sandbox User", "Mei Chen"]
    assert entry["display_value"] == "Sandbox User, Mei Chen"


def test_null_clears_a_value(api, new_task, sandbox, ok):
    """null clears a value."""
    field = sandbox.custom_field_gid("Reporter")
    task = new_task(custom_fields={field: "someone"})
    updated = ok(api.put(f"/tasks/{task['gid']}", {"custom_fields": {field: None}}))
    assert _entry(updated, "Reporter")["text_value"] is None


def test_field_not_on_tasks_projects_is_400(api, sandbox, ok, error_message):
    """A custom field must apply to one of the task's projects."""
    task = ok(
        api.post("/tasks", {"name": "x", "projects": [sandbox.project_gid("Field Operations")]}),
        201,
    )
    response = api.put(
        f"/tasks/{task['gid']}", {"custom_fields": {sandbox.custom_field_gid("Reporter"): "a"}}
    )
    assert "addCustomFieldSetting" in error_message(response, 400)


def test_unknown_field_is_400(api, new_task, error_message):
    """An unknown field gid is refused."""
    task = new_task()
    response = api.put(f"/tasks/{task['gid']}", {"custom_fields": {"1234567890123456": "a"}})
    assert error_message(response, 400).startswith("custom_fields:")


def test_custom_fields_must_be_a_map(api, new_task, error_message):
    """custom_fields is written as an object, not the read array."""
    task = new_task()
    response = api.put(
        f"/tasks/{task['gid']}", {"custom_fields": [{"gid": "1", "text_value": "a"}]}
    )
    assert error_message(response, 400).startswith("custom_fields:")


def test_dotted_opt_fields_into_custom_fields(api, new_task, sandbox, ok):
    """custom_fields.enum_value.name projects inside the value array."""
    option = sandbox.enum_option_gid("Country", "Kenya")
    task = new_task(custom_fields={sandbox.custom_field_gid("Country"): option})
    data = ok(
        api.get(
            f"/tasks/{task['gid']}",
            {"opt_fields": "custom_fields.name,custom_fields.enum_value.name"},
        )
    )
    country = [f for f in data["custom_fields"] if f["name"] == "Country"][0]
    assert country == {"gid": sandbox.custom_field_gid("Country"), "name": "Country",
                       "enum_value": {"gid": option, "name": "Kenya"}}


def test_changing_a_value_records_a_system_story(api, new_task, sandbox, ok):
    """A custom field change leaves a system story on the task."""
    task = new_task()
    option = sandbox.enum_option_gid("Grievance Status", "Resolved")
    api.put(
        f"/tasks/{task['gid']}",
        {"custom_fields": {sandbox.custom_field_gid("Grievance Status"): option}},
    )
    stories = ok(api.get(f"/tasks/{task['gid']}/stories"))
    assert stories[-1]["resource_subtype"] == "enum_custom_field_changed"
    assert "Resolved" in stories[-1]["text"]


def test_bad_value_leaves_task_unchanged(api, new_task, sandbox, ok):
    """A refused update does not apply its other fields."""
    task = new_task("Stay")
    response = api.put(
        f"/tasks/{task['gid']}",
        {
            "name": "Changed",
            "custom_fields": {sandbox.custom_field_gid("Households Affected"): "many"},
        },
    )
    assert response.status_code == 400
    assert ok(api.get(f"/tasks/{task['gid']}"))["name"] == "Stay"


def test_projected_entries_match_full_entries(api, new_task, sandbox, ok):
    """custom_fields.name/display_value projections agree with the full entries."""
    option = sandbox.enum_option_gid("Themes", "Water")
    task = new_task(custom_fields={sandbox.custom_field_gid("Themes"): [option],
                                   sandbox.custom_field_gid("Households Affected"): 7})
    full = ok(api.get(f"/tasks/{task['gid']}"))["custom_fields"]
    projected = ok(
        api.get(
            f"/tasks/{task['gid']}",
            {"opt_fields": "custom_fields.name,custom_fields.display_value,custom_fields.enabled"},
        )
    )
    assert projected["custom_fields"] == [
        {
            "gid": f["gid"],
            "name": f["name"],
            "display_value": f["display_value"],
            "enabled": f["enabled"],
        }
        for f in full
    ]


def test_renamed_option_shows_on_tasks(api, new_task, sandbox, ok):
    """Renaming an enum option changes what tasks show."""
    option = sandbox.enum_option_gid("Country", "Peru")
    task = new_task(custom_fields={sandbox.custom_field_gid("Country"): option})
    api.put(f"/enum_options/{option}", {"name": "Perú"})
    entry = [
        f for f in ok(api.get(f"/tasks/{task['gid']}"))["custom_fields"] if f["name"] == "Country"
    ][0]
    assert entry["display_value"] == "Perú"
    assert "Perú" in [o["name"] for o in entry["enum_options"]]


def test_disabled_value_when_field_leaves_project(api, new_task, sandbox, grievances, ok):
    """A value whose field no longer applies is kept with enabled false."""
    field = sandbox.custom_field_gid("Reporter")
    task = new_task(custom_fields={field: "kept"})
    api.post(f"/projects/{grievances}/removeCustomFieldSetting", {"custom_field": field})
    entry = [f for f in ok(api.get(f"/tasks/{task['gid']}"))["custom_fields"] if f["gid"] == field][
        0
    ]
    assert (entry["enabled"], entry["text_value"]) == (False, "kept")


@pytest.mark.parametrize("fields", [
    "custom_fields.name,custom_fields.display_value",
    "custom_fields.number_value,custom_fields.text_value,custom_fields.enabled",
    "custom_fields.enum_value.name,custom_fields.multi_enum_values.name",
])
def test_list_projection_matches_each_tasks_own(api, new_task, sandbox, grievances, ok, fields):
    """A page of tasks shows the same custom_fields projection as each task fetched alone."""
    status = sandbox.custom_field_gid("Grievance Status")
    open_ = sandbox.enum_option_gid("Grievance Status", "Open")
    themes = sandbox.custom_field_gid("Themes")
    water = sandbox.enum_option_gid("Themes", "Water")
    households = sandbox.custom_field_gid("Households Affected")
    new_task("unset")
    new_task("open", custom_fields={status: open_, households: 3})
    new_task("also open", custom_fields={status: open_, households: 3, themes: [water]})
    moved = new_task("moved", custom_fields={households: 9})
    ok(api.post(f"/tasks/{moved['gid']}/addProject",
                {"project": sandbox.project_gid("Field Operations")}))
    ok(api.post(f"/tasks/{moved['gid']}/removeProject", {"project": grievances}))
    page = ok(api.get(f"/projects/{grievances}/tasks", {"opt_fields": fields, "limit": 100}))
    alone = [ok(api.get(f"/tasks/{task['gid']}", {"opt_fields": fields})) for task in page]
    assert page == alone
    moved_alone = ok(api.get(f"/tasks/{moved['gid']}", {"opt_fields": fields}))
    listed = ok(api.get(f"/projects/{sandbox.project_gid('Field Operations')}/tasks",
                        {"opt_fields": fields}))
    assert [t for t in listed if t["gid"] == moved["gid"]] == [moved_alone]
