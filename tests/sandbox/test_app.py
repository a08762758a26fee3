"""The wire basics: auth, envelope, errors, routes, opt_fields, request bodies."""

from __future__ import annotations

import re



def test_missing_token_is_401_not_authorized(sandbox, make_api):
    """A request without a token gets Asana's 401 body."""
    response = make_api(sandbox, token="").get("/users/me")
    assert response.status_code == 401
    assert response.json() == {"errors": [{"message": "Not Authorized"}]}


def test_unknown_token_is_401(sandbox, make_api):
    """A token outside the configured set is refused."""
    assert make_api(sandbox, token="nope").get("/users/me").status_code == 401


def test_configured_tokens_are_accepted(make_api, ok):
    """Every token in the configured set works."""
    from asana_sandbox import Sandbox

    sb = Sandbox(tokens=["alpha", "beta"])
    assert ok(make_api(sb, token="beta").get("/users/me"))["email"] == "sandbox@example.org"


def test_responses_are_json_with_utf8_content_type(api):
    """Responses carry Asana's JSON content type."""
    response = api.get("/users/me")
    assert response.headers["content-type"] == "application/json; charset=UTF-8"


def test_single_object_is_wrapped_in_data(api):
    """A get answers {"data": {...}}."""
    body = api.get("/users/me").json()
    assert set(body) == {"data"}
    assert body["data"]["resource_type"] == "user"


def test_unknown_path_is_404_no_matching_route(api, error_message):
    """A path Asana does not have is a 404 in the error shape."""
    assert error_message(api.get("/definitely/not/asana"), 404) == "No matching route for request"


def test_spec_operation_not_emulated_is_404_not_implemented(api, error_message):
    """An Asana operation the sandbox does not emulate says so, never a fake success."""
    message = error_message(api.get("/goals/1234567890123456"), 404)
    assert "not implemented in the sandbox" in message
    assert "/goals/{goal_gid}" in message


def test_errors_carry_help_link(api):
    """Error entries carry a help link as Asana's do."""
    error = api.get("/tasks/1234567890123456").json()["errors"][0]
    assert error["help"].startswith("For more information on API status codes")


def test_unknown_object_is_404(api, error_message):
    """Getting an object that does not exist is a 404."""
    assert "1234567890123456" in error_message(api.get("/tasks/1234567890123456"), 404)


def test_gids_are_16_digit_strings(api, sandbox, ok):
    """Gids are 16-digit numeric strings."""
    for project in ok(api.get("/projects", {"workspace": sandbox.workspace_gid})):
        assert re.fullmatch(r"\d{16}", project["gid"])


def test_list_returns_compact_records(api, sandbox, ok):
    """Lists carry compact records."""
    projects = ok(api.get("/projects", {"workspace": sandbox.workspace_gid}))
    assert set(projects[0]) == {"gid", "resource_type", "name"}


def test_get_returns_full_record(api, grievances, ok):
    """A get carries the full record."""
    project = ok(api.get(f"/projects/{grievances}"))
    for name in ("created_at", "modified_at", "permalink_url", "workspace", "team", "members"):
        assert name in project


def test_opt_fields_selects_fields_and_keeps_gid(api, grievances, ok):
    """opt_fields returns only the requested fields, plus gid."""
    project = ok(api.get(f"/projects/{grievances}", {"opt_fields": "name,archived"}))
    assert project == {"gid": grievances, "name": "Grievances", "archived": False}


def test_opt_fields_dotted_path_expands_nested_record(api, grievances, ok):
    """A dotted opt_fields path reaches into a referenced record."""
    project = ok(
        api.get(f"/projects/{grievances}", {"opt_fields": "team.name,workspace.is_organization"})
    )
    assert project["team"]["name"] == "Programmes"
    assert project["workspace"]["is_organization"] is True
    assert set(project["team"]) == {"gid", "name"}


def test_opt_fields_group_operator(api, new_task, ok):
    """this.(a|b).c expands to both paths."""
    task = new_task(assignee="me")
    data = ok(api.get(f"/tasks/{task['gid']}",
                      {"opt_fields": "this.(assignee|followers).email"}))
    assert data["assignee"]["email"] == "sandbox@example.org"
    assert data["followers"][0]["email"] == "sandbox@example.org"


def test_opt_fields_reaches_opt_in_fields(api, new_task, ok):
    """Opt-in fields appear only when asked for."""
    task = new_task()
    assert "html_notes" not in ok(api.get(f"/tasks/{task['gid']}"))
    data = ok(api.get(f"/tasks/{task['gid']}", {"opt_fields": "html_notes,num_subtasks"}))
    assert data == {"gid": task["gid"], "html_notes": "<body></body>", "num_subtasks": 0}


def test_opt_pretty_indents_json(api):
    """opt_pretty (even bare) returns indented JSON."""
    response = api.get("/users/me?opt_pretty")
    assert response.text.startswith("{\n  \"data\"")


def test_options_sibling_in_json_body_selects_fields(api, grievances, ok):
    """The options object beside data acts like opt_fields."""
    response = api.post("/tasks", {"name": "x", "projects": [grievances]},
                        options={"fields": ["name"]})
    assert ok(response, 201) == {"gid": ok(response, 201)["gid"], "name": "x"}


def test_form_encoded_body_is_accepted(api, grievances, ok):
    """Form bodies put fields at the top level."""
    response = api.request("POST", "/tasks", data={"name": "From a form", "projects": grievances,
                                                    "opt_fields": "name,projects.name"})
    task = ok(response, 201)
    assert task["name"] == "From a form"
    assert task["projects"][0]["name"] == "Grievances"


def test_invalid_json_is_400(api, error_message):
    """A body that is not JSON is refused with a clear message."""
    response = api.request("POST", "/tasks", content=b"{not json",
                           headers={"content-type": "application/json"})
    assert "invalid JSON" in error_message(response, 400)


def test_data_that_is_not_an_object_is_400(api, error_message):
    """data must be an object."""
    assert error_message(api.post("/tasks", [1, 2]), 400).startswith("data:")


def test_create_answers_201_with_location(api, grievances):
    """Creates answer 201 with a Location header."""
    response = api.post("/tasks", {"name": "x", "projects": [grievances]})
    assert response.status_code == 201
    assert response.headers["location"].endswith(f"/tasks/{response.json()['data']['gid']}")


def test_delete_answers_empty_data(api, new_task):
    """Deletes answer {"data": {}}."""
    task = new_task()
    assert api.delete(f"/tasks/{task['gid']}").json() == {"data": {}}


def test_timestamps_have_milliseconds_and_z(api, new_task, ok):
    """created_at/modified_at are ISO-8601 UTC with milliseconds."""
    task = ok(api.get(f"/tasks/{new_task()['gid']}"))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", task["created_at"])
    assert task["modified_at"] == task["created_at"]


def test_permalink_url_points_at_asana(api, new_task, ok):
    """Tasks carry an app.asana.com permalink."""
    task = ok(api.get(f"/tasks/{new_task()['gid']}"))
    assert task["permalink_url"].startswith("https://app.asana.com/0/")
    assert task["permalink_url"].endswith(task["gid"])


def test_handler_crash_is_500_with_phrase(api, sandbox):
    """An unexpected failure answers 500 with a phrase, not a traceback."""
    from asana_sandbox.routing import Route

    def broken(call):
        raise RuntimeError("boom")

    sandbox.api.routes.add(Route("GET", "/crash_for_test", broken))
    response = api.get("/crash_for_test")
    assert response.status_code == 500
    error = response.json()["errors"][0]
    assert error["phrase"] and "boom" not in response.text


def test_options_pretty_in_a_write_body_indents_json(api, grievances):
    """options.pretty beside data indents the answer to a write, as opt_pretty does."""
    response = api.post("/tasks", {"name": "x", "projects": [grievances]},
                        options={"pretty": True})
    assert response.status_code == 201
    assert response.text.startswith("{\n  \"data\"")
