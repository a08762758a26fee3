"""create_task, update_task, create_subtask and search_task take custom fields by name."""

import pytest

from asana_adaptor.ops import (
    CustomFieldError,
    create_subtask,
    create_task,
    search_task,
    update_task,
)


def _values(api, gid):
    task = api("GET", f"/tasks/{gid}",
               {"opt_fields": "custom_fields.name,custom_fields.display_value"})
    return {f["name"]: f["display_value"] for f in task["custom_fields"]}


def test_create_task_with_custom_fields_by_name(run, api, project_gid):
    """Field and option names in create_task land as the right values on the task."""
    state = run(create_task({"name": "Fence broken", "projects": [project_gid],
                             "custom_fields": {"Grievance Status": "open",
                                               "Country": "Kenya",
                                               "Households Affected": "12"}}))
    values = _values(api, state["data"]["gid"])
    assert values["Grievance Status"] == "Open"
    assert values["Country"] == "Kenya"
    assert values["Households Affected"] == "12"


def test_update_task_with_custom_fields_by_name(run, api, project_gid):
    """update_task resolves names (through the workspace's fields) and writes the value."""
    gid = run(create_task({"name": "To resolve", "projects": [project_gid]}))["data"]["gid"]
    run(update_task(gid, {"custom_fields": {"Grievance Status": "Resolved"}}))
    assert _values(api, gid)["Grievance Status"] == "Resolved"


def test_create_subtask_with_custom_fields_by_name(run, api, project_gid):
    """create_subtask resolves custom field names too."""
    parent = run(create_task({"name": "Parent", "projects": [project_gid]}))["data"]["gid"]
    child = run(create_subtask(parent, {"name": "Child", "projects": [project_gid],
                                        "custom_fields": {"Reporter": "Amina"}}))["data"]["gid"]
    assert _values(api, child)["Reporter"] == "Amina"


def test_unknown_custom_field_name_is_refused_before_writing(run, recorder, project_gid):
    """A misspelt field name raises CustomFieldError and nothing is created."""
    with pytest.raises(CustomFieldError, match="Grievance Status"):
        run(create_task({"name": "x", "projects": [project_gid],
                         "custom_fields": {"Grievance Statuss": "Open"}}))
    assert not recorder.calls("POST", "/tasks")


def test_search_task_resolves_custom_field_names_to_gids(run, recorder, sb):
    """search_task turns a field name and option name into custom_fields.<gid>.value=<option>."""
    run(search_task("", {"custom_fields": {"Country": "Kenya"}}))
    [search] = [r for r in recorder.requests if r.path.endswith("/tasks/search")]
    country = sb.custom_field_gid("Country")
    assert search.query[f"custom_fields.{country}.value"] == sb.enum_option_gid("Country", "Kenya")
