"""prepare_task_body against the sandbox: names resolve through the project's settings."""

import asyncio

import pytest

from asana_adaptor.client import AsanaClient
from asana_adaptor.ops.custom_fields import CustomFieldError, prepare_task_body
from asana_adaptor.ops import create_task


@pytest.fixture
def prepare(sb, recorder):
    """``prepare(body, **kw)`` runs prepare_task_body with one cache shared by the test."""
    cache: dict = {}

    def _prepare(body, **kw):
        async def main():
            async with AsanaClient({"token": sb.token, "baseUrl": sb.base_url},
                                   transport=recorder) as client:
                return await prepare_task_body(client, cache, body, **kw)

        return asyncio.run(main())

    return _prepare


def read_fields(api, gid):
    """The task's custom fields as {name: display_value}."""
    task = api("GET", f"/tasks/{gid}")
    return {f["name"]: f["display_value"] for f in task["custom_fields"]}


def test_every_field_type_by_name_with_drifted_spellings(run, api, project_gid):
    """Every field type, named and valued with case/space/dash/quote drift, lands right in Asana."""
    state = run(create_task({"name": "Fence cut", "projects": [project_gid], "custom_fields": {
        " grievance  id": "GRV-PER-2024-001",
        "GRIEVANCE STATUS": "in progress ",
        "category": "Human\u2013Wildlife  Conflict",
        "Country\u00a0": "peru",
        "date entered": "2024-03-05",
        "Reporter ": "Rosa Quispe",
        "households affected": "12",
        "Themes": ["water", " LIVELIHOODS"],
        "focal point": [" AMINA@Example.org ", "me"],
    }}))
    fields = read_fields(api, state["data"]["gid"])
    assert fields["Grievance ID"] == "GRV-PER-2024-001"
    assert fields["Grievance Status"] == "In Progress"
    assert fields["Category"] == "Human-Wildlife Conflict"
    assert fields["Country"] == "Peru"
    assert fields["Date Entered"].startswith("2024-03-05")
    assert fields["Reporter"] == "Rosa Quispe"
    assert float(fields["Households Affected"]) == 12
    assert fields["Themes"] == "Water, Livelihoods"
    assert fields["Focal Point"] == "Amina Diallo, Sandbox User"


def test_curly_quotes_and_em_dash_match(sb, prepare, project_gid):
    """Curly quotes around and an em dash inside an option name still find the option."""
    body = prepare({"projects": [project_gid], "custom_fields": {
        "Category": "\u201cHuman\u2014Wildlife Conflict\u201d".strip("\u201c\u201d"),
        "\u2018Grievance Status\u2019".strip("\u2018\u2019"): "Open"}})
    category = sb.custom_field_gid("Category")
    assert body["custom_fields"][category] == sb.enum_option_gid("Category",
                                                                 "Human-Wildlife Conflict")


def test_result_uses_gids_and_raw_values(sb, prepare, project_gid):
    """The prepared body maps field gids to option gids, numbers and date objects."""
    body = prepare({"name": "x", "projects": [project_gid], "custom_fields": {
        "Grievance Status": "Open", "Households Affected": "7", "Date Entered": "2024-01-02"}})
    assert body["custom_fields"] == {
        sb.custom_field_gid("Grievance Status"): sb.enum_option_gid("Grievance Status", "Open"),
        sb.custom_field_gid("Households Affected"): 7,
        sb.custom_field_gid("Date Entered"): {"date": "2024-01-02"},
    }
    assert body["name"] == "x" and body["projects"] == [project_gid]


def test_settings_are_read_once_per_run(prepare, recorder, project_gid):
    """Many bodies for one project read its custom field settings once."""
    for status in ("Open", "Closed", "Resolved"):
        prepare({"projects": [project_gid], "custom_fields": {"Grievance Status": status}})
    reads = recorder.calls("GET", f"/projects/{project_gid}/custom_field_settings")
    assert len(reads) == 1


def test_project_argument_wins_over_body(sb, prepare, project_gid, field_ops_gid):
    """project_gid= picks the settings even when the body lists another project."""
    body = prepare({"projects": [field_ops_gid], "custom_fields": {"Country": "Kenya"}},
                   project_gid=project_gid)
    assert body["custom_fields"] == {
        sb.custom_field_gid("Country"): sb.enum_option_gid("Country", "Kenya")}


def test_unknown_field_lists_project_fields_closest_first(prepare, project_gid):
    """An unknown field name raises, listing the project's fields, the closest first."""
    with pytest.raises(CustomFieldError) as caught:
        prepare({"projects": [project_gid], "custom_fields": {"Grievance Stat": "Open"}})
    assert caught.value.choices[0] == "Grievance Status"
    assert "Focal Point" in caught.value.choices


def test_different_word_option_is_refused_with_closest_options(prepare, project_gid):
    """An option that is a different word raises, listing the options closest first."""
    with pytest.raises(CustomFieldError) as caught:
        prepare({"projects": [project_gid], "custom_fields": {"Country": "Perú"}})
    assert caught.value.choices[0] == "Peru"
    assert "'Peru'" in str(caught.value)


def test_disabled_option_is_refused(prepare, project_gid):
    """Choosing the disabled "Inactive Option" says it is disabled."""
    with pytest.raises(CustomFieldError, match="disabled"):
        prepare({"projects": [project_gid], "custom_fields": {"Category": "inactive option"}})


def test_missing_option_is_created_when_asked(sb, prepare, api, recorder, project_gid):
    """create_missing_options=True adds the option once and uses it."""
    field = sb.custom_field_gid("Country")
    first = prepare({"projects": [project_gid], "custom_fields": {"Country": "Ecuador"}},
                    create_missing_options=True)
    again = prepare({"projects": [project_gid], "custom_fields": {"Country": "ecuador "}},
                    create_missing_options=True)
    assert first["custom_fields"][field] == again["custom_fields"][field]
    assert first["custom_fields"][field] == sb.enum_option_gid("Country", "Ecuador")
    assert len(recorder.calls("POST", f"/custom_fields/{field}/enum_options")) == 1


def test_unknown_person_is_refused(prepare, project_gid):
    """A people value whose email is no Asana user raises naming it."""
    with pytest.raises(CustomFieldError, match="nobody@example.org"):
        prepare({"projects": [project_gid],
                 "custom_fields": {"Focal Point": ["nobody@example.org"]}})


def test_people_resolve_once_per_run(prepare, recorder, project_gid):
    """Each distinct email is looked up once per run."""
    for _ in range(3):
        prepare({"projects": [project_gid], "custom_fields": {"Focal Point": "mei@example.org"}})
    assert len(recorder.calls("GET", "/users/mei@example.org")) == 1


def test_workspace_fields_without_a_project(sb, prepare, recorder):
    """Without a project, names resolve through the workspace's custom fields."""
    body = prepare({"workspace": sb.workspace_gid,
                    "custom_fields": {"Grievance Status": "resolved"}})
    assert body["custom_fields"] == {sb.custom_field_gid("Grievance Status"):
                                     sb.enum_option_gid("Grievance Status", "Resolved")}
    assert recorder.calls("GET", f"/workspaces/{sb.workspace_gid}/custom_fields")


def test_raw_gids_without_a_container_pass_through(prepare, recorder):
    """Gid keys with no project or workspace are sent as given, with no request."""
    body = prepare({"parent": "1", "custom_fields": {"123": "456"}})
    assert body["custom_fields"] == {"123": "456"} and recorder.requests == []


def test_names_without_a_container_are_refused(prepare):
    """Field names with no project or workspace to look them up in raise saying what to add."""
    with pytest.raises(CustomFieldError, match="projects"):
        prepare({"parent": "1", "custom_fields": {"Country": "Peru"}})


def test_same_field_twice_is_refused(prepare, project_gid):
    """One field written under two spellings raises instead of picking one."""
    with pytest.raises(CustomFieldError, match="twice"):
        prepare({"projects": [project_gid],
                 "custom_fields": {"Country": "Peru", "country": "Kenya"}})


def test_none_clears_a_value(sb, run, api, project_gid):
    """None for a field clears its value on the task."""
    made = run(create_task({"name": "t", "projects": [project_gid],
                            "custom_fields": {"Reporter": "Ana"}}))
    from asana_adaptor.ops import update_task

    run(update_task(made["data"]["gid"], {"custom_fields": {"Reporter": None}}))
    assert read_fields(api, made["data"]["gid"])["Reporter"] in (None, "")
