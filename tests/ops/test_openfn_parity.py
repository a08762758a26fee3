"""The requests OpenFn's own Asana adaptor tests expect, restated for the parity operations.

Each test records what the client actually sends (a transport that forwards to the sandbox)
and checks the method, path, query and body OpenFn's tests pin down.
"""

import pytest

from asana_adaptor.client import ConfigurationError
from asana_adaptor.ops import (
    create_task,
    create_task_story,
    get_task,
    get_tasks,
    request,
    search_task,
    update_task,
    upsert_task,
)


@pytest.fixture
def task(run, project_gid):
    return run(create_task({"name": "Existing Task", "projects": [project_gid]}))["data"]


def test_get_task_sends_get_with_the_params_as_query(run, recorder, task):
    """getTask: GET /tasks/{gid} with the params (opt_fields) as query; data = the task."""
    recorder.requests.clear()
    state = run(get_task(task["gid"], {"opt_fields": "name,notes"}))
    [sent] = recorder.requests
    assert (sent.method, sent.path, sent.query) == ("GET", f"/tasks/{task['gid']}",
                                                     {"opt_fields": "name,notes"})
    assert set(state["data"]) == {"gid", "name", "notes"}
    assert state["data"]["name"] == "Existing Task"


def test_requests_carry_the_bearer_token(run, recorder, sb, task):
    """Every call sends Authorization: Bearer <token> and asks for JSON."""
    recorder.requests.clear()
    run(get_task(task["gid"]))
    [sent] = recorder.requests
    assert sent.headers["authorization"] == f"Bearer {sb.token}"
    assert "application/json" in sent.headers["accept"]


def test_get_tasks_passes_opt_fields_and_follows_every_page(run, recorder, project_gid):
    """getTasks: GET /projects/{gid}/tasks with opt_fields, following next_page to the end."""
    made = {run(create_task({"name": f"T{i}", "projects": [project_gid]}))["data"]["gid"]
            for i in range(105)}
    recorder.requests.clear()
    state = run(get_tasks(project_gid, {"opt_fields": "name"}))
    sent = recorder.calls("GET", f"/projects/{project_gid}/tasks")
    assert len(sent) == 2
    assert all(r.query["opt_fields"] == "name" for r in sent)
    assert "offset" not in sent[0].query and sent[1].query["offset"]
    assert made <= {t["gid"] for t in state["data"]}
    assert all(set(t) == {"gid", "name"} for t in state["data"])


def test_get_tasks_with_a_limit_fetches_one_page(run, recorder, field_ops_gid):
    """getTasks with a caller's limit makes one request and returns that page only."""
    recorder.requests.clear()
    state = run(get_tasks(field_ops_gid, {"limit": 2}))
    assert len(recorder.requests) == 1
    assert recorder.requests[0].query["limit"] == "2"
    assert len(state["data"]) == 2


def test_get_tasks_of_an_empty_project_is_an_empty_list(run, api, sb):
    """getTasks on a project without tasks gives data == []."""
    team = api("GET", f"/workspaces/{sb.workspace_gid}/teams")[0]["gid"]
    empty = api("POST", "/projects", json={"data": {"name": "Empty", "team": team,
                                                    "workspace": sb.workspace_gid}})["gid"]
    assert run(get_tasks(empty))["data"] == []


def test_create_task_wraps_the_params_in_data(run, recorder, project_gid):
    """createTask: POST /tasks with body {data: params}."""
    params = {"name": "New Task", "projects": [project_gid]}
    recorder.requests.clear()
    state = run(create_task(params))
    [sent] = recorder.requests
    assert (sent.method, sent.path, sent.json) == ("POST", "/tasks", {"data": params})
    assert state["data"]["name"] == "New Task"


def test_update_task_puts_the_data_wrapped(run, recorder, task):
    """updateTask: PUT /tasks/{gid} with body {data}."""
    recorder.requests.clear()
    state = run(update_task(task["gid"], {"name": "Updated Task"}))
    [sent] = recorder.requests
    assert (sent.method, sent.path) == ("PUT", f"/tasks/{task['gid']}")
    assert sent.json == {"data": {"name": "Updated Task"}}
    assert state["data"]["name"] == "Updated Task"


def test_upsert_task_reads_the_project_then_posts_the_data(run, recorder, project_gid):
    """upsertTask, no match: GET /projects/{gid}/tasks asking for the externalId field, then
    POST /tasks with {data}."""
    data = {"name": "Parity Upsert", "notes": "first", "projects": [project_gid]}
    recorder.requests.clear()
    state = run(upsert_task(project_gid, {"externalId": "name", "data": data}))
    [read] = recorder.calls("GET", f"/projects/{project_gid}/tasks")
    assert "name" in read.query["opt_fields"].split(",")
    writes = [r for r in recorder.requests if r.method != "GET"]
    assert [(w.method, w.path, w.json) for w in writes] == [("POST", "/tasks", {"data": data})]
    assert state["data"]["action"] == "created"


def test_upsert_task_puts_to_the_match_without_projects_or_workspace(run, recorder, task, sb,
                                                                     project_gid):
    """upsertTask, a match: PUT /tasks/{gid} with {data} minus projects and workspace (and,
    beyond OpenFn, minus the fields that already hold the same value)."""
    data = {"name": "Existing Task", "notes": "new notes", "projects": [project_gid],
            "workspace": sb.workspace_gid}
    recorder.requests.clear()
    state = run(upsert_task(project_gid, {"externalId": "name", "data": data}))
    writes = [r for r in recorder.requests if r.method != "GET"]
    assert [(w.method, w.path, w.json) for w in writes] == [
        ("PUT", f"/tasks/{task['gid']}", {"data": {"notes": "new notes"}})]
    assert state["data"] == {**state["data"], "action": "updated", "gid": task["gid"]}


def test_search_task_sends_default_subtype_text_and_custom_field_filters(run, recorder, sb):
    """searchTask: GET /workspaces/{ws}/tasks/search, resource_subtype=default_task, text,
    custom_fields.<gid>.value and the other filters."""
    reporter, country = sb.custom_field_gid("Reporter"), sb.custom_field_gid("Country")
    kenya = sb.enum_option_gid("Country", "Kenya")
    recorder.requests.clear()
    run(search_task("Test Search Task", {"custom_fields": {reporter: "Amina", country: kenya},
                                         "sort_by": "modified_at"}))
    [sent] = recorder.requests
    assert sent.path == f"/workspaces/{sb.workspace_gid}/tasks/search"
    assert sent.query == {"resource_subtype": "default_task", "text": "Test Search Task",
                          f"custom_fields.{reporter}.value": "Amina",
                          f"custom_fields.{country}.value": kenya, "sort_by": "modified_at"}


def test_search_task_uses_options_workspace_and_caller_subtype(run, recorder, sb):
    """searchTask: options.workspaceGid wins over configuration; a given subtype is kept."""
    recorder.requests.clear()
    run(search_task("x", {"resource_subtype": "milestone"}, {"workspaceGid": sb.workspace_gid}),
        state={"configuration": {"token": sb.token, "baseUrl": sb.base_url,
                                 "workspaceGid": "1000000000000000"}})
    [sent] = recorder.requests
    assert sent.path == f"/workspaces/{sb.workspace_gid}/tasks/search"
    assert sent.query["resource_subtype"] == "milestone"


def test_create_task_story_posts_the_story_fields(run, recorder, task):
    """createTaskStory: POST /tasks/{gid}/stories with {data: {text, is_pinned: false}}."""
    recorder.requests.clear()
    run(create_task_story(task["gid"], {"text": "This is a comment"}))
    [sent] = recorder.requests
    assert (sent.method, sent.path) == ("POST", f"/tasks/{task['gid']}/stories")
    assert sent.json == {"data": {"text": "This is a comment", "is_pinned": False}}


def test_create_task_story_sends_opt_fields_as_query(run, recorder, task):
    """createTaskStory: opt_fields and opt_pretty go to the query, not the body."""
    recorder.requests.clear()
    state = run(create_task_story(task["gid"], {"text": "c", "opt_fields": ["text"]}))
    [sent] = recorder.requests
    assert sent.query == {"opt_fields": "text"}
    assert "opt_fields" not in sent.json["data"]
    assert set(state["data"]) == {"gid", "text"}


def test_request_refuses_an_absolute_url_with_base_url_mismatch(run):
    """request('https://www.blah.com/a/b/c') fails with code BASE_URL_MISMATCH."""
    with pytest.raises(ConfigurationError) as caught:
        run(request("https://www.blah.com/a/b/c"))
    assert caught.value.code == "BASE_URL_MISMATCH"


def test_request_sends_method_query_and_body(run, recorder, project_gid):
    """request(path, {method, query, body}) sends exactly those."""
    body = {"data": {"name": "do the thing", "completed": False, "projects": [project_gid]}}
    recorder.requests.clear()
    run(request("tasks", {"method": "POST", "query": {"opt_fields": "name"}, "body": body}))
    [sent] = recorder.requests
    assert (sent.method, sent.path, sent.query, sent.json) == (
        "POST", "/tasks", {"opt_fields": "name"}, body)
