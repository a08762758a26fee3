"""Task operations against the sandbox: what a user sees in state and in Asana afterwards."""

import pytest

from asana_adaptor.client import (
    AmbiguousWriteError,
    BadRequestError,
    ConfigurationError,
    InvalidRequestError,
    NotFoundError,
    PremiumRequiredError,
)
from asana_adaptor.ops import (
    create_subtask,
    create_task,
    delete_task,
    duplicate_task,
    get_subtasks,
    get_task,
    get_tasks,
    search_task,
    update_task,
)
from asana_adaptor.runtime import S

UNKNOWN = "1999999999999999"


def test_get_task_returns_the_task(run, api, field_ops_gid):
    """get_task puts the full task in data."""
    first = api("GET", f"/projects/{field_ops_gid}/tasks")[0]
    state = run(get_task(first["gid"]))
    assert state["data"]["gid"] == first["gid"]
    assert state["data"]["name"] == first["name"]
    assert state["data"]["resource_type"] == "task"


def test_get_task_honours_opt_fields(run, api, field_ops_gid):
    """get_task passes opt_fields, so only those fields (and gid) come back."""
    first = api("GET", f"/projects/{field_ops_gid}/tasks")[0]
    state = run(get_task(first["gid"], {"opt_fields": "name"}))
    assert set(state["data"]) == {"gid", "name"}


def test_get_task_unknown_gid_raises_not_found(run):
    """An unknown task gid raises NotFoundError naming the path."""
    with pytest.raises(NotFoundError) as caught:
        run(get_task(UNKNOWN))
    assert f"/tasks/{UNKNOWN}" in str(caught.value)


def test_get_task_refuses_a_missing_gid(run, recorder):
    """A gid that resolved to None is refused before any request is sent."""
    with pytest.raises(InvalidRequestError, match="task_gid"):
        run(get_task(S.data.gid), state={"data": {}})
    assert recorder.requests == []


def test_get_tasks_returns_every_task_of_the_project(run, api, field_ops_gid):
    """get_tasks returns all the project's tasks."""
    expected = {t["gid"] for t in api("GET", f"/projects/{field_ops_gid}/tasks")}
    state = run(get_tasks(field_ops_gid))
    assert {t["gid"] for t in state["data"]} == expected
    assert expected


def test_get_tasks_unknown_project_raises_not_found(run):
    """Listing the tasks of an unknown project raises NotFoundError."""
    with pytest.raises(NotFoundError):
        run(get_tasks(UNKNOWN))


def test_create_task_puts_the_task_in_the_project(run, api, project_gid):
    """create_task creates the task; reading the project back shows it."""
    state = run(create_task({"name": "Broken water pump", "notes": "Village B",
                             "projects": [project_gid]}))
    gid = state["data"]["gid"]
    assert state["response"]["status"] == 201
    stored = api("GET", f"/tasks/{gid}")
    assert stored["name"] == "Broken water pump"
    assert stored["notes"] == "Village B"
    assert gid in {t["gid"] for t in api("GET", f"/projects/{project_gid}/tasks")}


def test_create_task_with_lazy_arguments(run, api, project_gid):
    """create_task resolves state paths inside its body when it runs."""
    state = run(create_task({"name": S.data.title, "projects": [S.project]}),
                state={"data": {"title": "From the form"}, "project": project_gid})
    assert api("GET", f"/tasks/{state['data']['gid']}")["name"] == "From the form"


def test_create_task_that_fails_after_sending_says_what_a_job_can_do(sb, run):
    """A create answered by a 500 points to upsert_task, not to a client-only option."""
    sb.faults.fail_next(1, "/tasks", 500, method="POST")
    with pytest.raises(AmbiguousWriteError) as caught:
        run(create_task({"name": "Pump", "workspace": sb.workspace_gid}))
    message = str(caught.value)
    assert "upsert_task looks before it creates" in message and "retry_writes" not in message


def test_create_task_without_a_container_is_a_bad_request(run):
    """Asana's 400 (no workspace, project or parent) surfaces as BadRequestError."""
    with pytest.raises(BadRequestError):
        run(create_task({"name": "Nowhere"}))


def test_update_task_changes_only_the_given_fields(run, api, project_gid):
    """update_task writes the given fields and leaves the others."""
    made = run(create_task({"name": "Old", "notes": "keep", "projects": [project_gid]}))
    gid = made["data"]["gid"]
    state = run(update_task(gid, {"name": "New", "completed": True}))
    assert state["data"]["name"] == "New"
    stored = api("GET", f"/tasks/{gid}")
    assert (stored["name"], stored["notes"], stored["completed"]) == ("New", "keep", True)


def test_update_task_unknown_gid_raises_not_found(run):
    """Updating an unknown task raises NotFoundError."""
    with pytest.raises(NotFoundError):
        run(update_task(UNKNOWN, {"name": "x"}))


def test_delete_task_removes_it(run, api, project_gid):
    """delete_task removes the task: reading it back is a 404."""
    gid = run(create_task({"name": "Temporary", "projects": [project_gid]}))["data"]["gid"]
    state = run(delete_task(gid))
    assert state["data"] == {}
    assert api("GET", f"/tasks/{gid}")["status"] == 404


def test_delete_task_unknown_gid_raises_not_found(run):
    """Deleting an unknown task raises NotFoundError."""
    with pytest.raises(NotFoundError):
        run(delete_task(UNKNOWN))


def test_search_task_finds_by_text(run, project_gid):
    """search_task returns the tasks whose name matches the text."""
    made = run(create_task({"name": "Elephant damaged maize field", "projects": [project_gid]}))
    state = run(search_task("maize"))
    assert made["data"]["gid"] in {t["gid"] for t in state["data"]}


def test_search_task_in_a_free_workspace_needs_premium(run, api):
    """Search in a non-premium workspace raises PremiumRequiredError (402)."""
    free = next(w["gid"] for w in api("GET", "/workspaces") if w["name"] == "Free Workspace")
    with pytest.raises(PremiumRequiredError):
        run(search_task("pump", {}, {"workspaceGid": free}))


def test_search_task_in_a_free_workspace_points_to_get_tasks(run, api):
    """The 402 of a search says how to do without it: get_tasks and a filter in fn."""
    free = next(w["gid"] for w in api("GET", "/workspaces") if w["name"] == "Free Workspace")
    with pytest.raises(PremiumRequiredError) as caught:
        run(search_task("pump", {}, {"workspaceGid": free}))
    assert "get_tasks(project_gid) and filter them in fn(...)" in str(caught.value)


def test_search_task_without_a_workspace_is_a_configuration_error(run, sb):
    """Without options.workspaceGid or configuration.workspaceGid, search says what to set."""
    configuration = {"token": sb.token, "baseUrl": sb.base_url}
    with pytest.raises(ConfigurationError, match="workspaceGid"):
        run(search_task("pump"), state={"configuration": configuration})


def test_create_subtask_and_get_subtasks(run, api, project_gid):
    """create_subtask makes a subtask that get_subtasks lists and whose parent is set."""
    parent = run(create_task({"name": "Parent", "projects": [project_gid]}))["data"]["gid"]
    child = run(create_subtask(parent, {"name": "Child"}))["data"]["gid"]
    assert api("GET", f"/tasks/{child}")["parent"]["gid"] == parent
    state = run(get_subtasks(parent))
    assert [t["gid"] for t in state["data"]] == [child]


def test_create_subtask_under_unknown_parent_is_refused_by_asana(run):
    """A subtask of an unknown task fails with Asana's error naming the unknown gid."""
    with pytest.raises((NotFoundError, BadRequestError), match=UNKNOWN):
        run(create_subtask(UNKNOWN, {"name": "Orphan"}))


def test_duplicate_task_waits_for_the_job_and_returns_the_new_task(run, api, project_gid):
    """duplicate_task returns the new task once Asana's job has succeeded."""
    made = run(create_task({"name": "Original", "notes": "n", "projects": [project_gid]}))
    gid = made["data"]["gid"]
    state = run(duplicate_task(gid, {"name": "Copy", "include": ["notes"]},
                               {"poll_interval": 0.01}))
    new_gid = state["data"]["gid"]
    assert new_gid != gid
    copy = api("GET", f"/tasks/{new_gid}")
    assert (copy["name"], copy["notes"]) == ("Copy", "n")


def test_duplicate_task_unknown_gid_raises_not_found(run):
    """Duplicating an unknown task raises NotFoundError."""
    with pytest.raises(NotFoundError):
        run(duplicate_task(UNKNOWN, {"name": "Copy"}))


def test_get_subtasks_of_unknown_task_raises_not_found(run):
    """Listing the subtasks of an unknown task raises NotFoundError."""
    with pytest.raises(NotFoundError):
        run(get_subtasks(UNKNOWN))
