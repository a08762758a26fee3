"""The Batch API: up to 10 actions through the normal handlers, per-action results, limits."""

from __future__ import annotations

from typing import Any

import pytest

from asana_sandbox import Sandbox


def _batch(api: Any, *actions: dict[str, Any]) -> Any:
    return api.post("/batch", {"actions": list(actions)})


def _results(api: Any, *actions: dict[str, Any]) -> list[dict[str, Any]]:
    response = _batch(api, *actions)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_results_come_back_in_the_order_of_the_actions(api, sandbox, grievances):
    """Two GETs answer 200 each, in order, with the bodies the endpoints give."""
    results = _results(api, {"relative_path": f"/projects/{grievances}", "method": "get"},
                       {"relative_path": "/users/me", "method": "get"})
    assert [r["status_code"] for r in results] == [200, 200]
    assert results[0]["body"]["data"]["name"] == "Grievances"
    assert results[1]["body"]["data"]["gid"] == sandbox.user_gid


def test_a_create_action_answers_201_with_a_location(api, grievances):
    """A POST action creates the task: 201, a location header, and the task exists."""
    (result,) = _results(api, {"relative_path": "/tasks", "method": "post",
                               "data": {"name": "From a batch", "projects": [grievances]}})
    assert result["status_code"] == 201
    gid = result["body"]["data"]["gid"]
    assert result["headers"]["location"].endswith(f"/tasks/{gid}")
    assert api.get(f"/tasks/{gid}").json()["data"]["name"] == "From a batch"


def test_an_action_error_is_its_own_result(api, grievances):
    """A failing action carries its error; the other actions and the batch still succeed."""
    results = _results(api, {"relative_path": "/tasks/1999999999999999", "method": "get"},
                       {"relative_path": f"/projects/{grievances}", "method": "get"})
    assert results[0]["status_code"] == 404
    assert results[0]["body"]["errors"][0]["message"]
    assert results[1]["status_code"] == 200


def test_validation_errors_match_a_direct_call(api):
    """POST /tasks without a container fails inside a batch exactly as it does directly."""
    direct = api.post("/tasks", {"name": "Nowhere"})
    (result,) = _results(api, {"relative_path": "/tasks", "method": "post",
                               "data": {"name": "Nowhere"}})
    assert result["status_code"] == direct.status_code == 400
    assert result["body"]["errors"][0]["message"] == direct.json()["errors"][0]["message"]


def test_get_data_and_options_become_query_and_options(api, grievances, new_task):
    """A GET action's data are its query parameters; options carry limit and fields."""
    for number in range(3):
        new_task(f"Listed {number}")
    (result,) = _results(api, {"relative_path": "/tasks", "method": "get",
                               "data": {"project": grievances},
                               "options": {"limit": 2, "fields": ["name"]}})
    body = result["body"]
    assert result["status_code"] == 200 and len(body["data"]) == 2
    assert all(set(task) == {"gid", "name"} for task in body["data"])
    assert body["next_page"]["offset"]


def test_zero_actions_is_a_400(api, error_message):
    """An empty actions list is refused."""
    assert error_message(_batch(api), 400).startswith("actions:")


def test_more_than_ten_actions_is_a_400(api, error_message):
    """Eleven actions are refused with a message that gives the limit."""
    actions = [{"relative_path": "/users/me", "method": "get"}] * 11
    assert "at most 10" in error_message(_batch(api, *actions), 400)


def test_ten_actions_are_accepted(api):
    """Exactly ten actions run."""
    results = _results(api, *[{"relative_path": "/users/me", "method": "get"}] * 10)
    assert len(results) == 10 and {r["status_code"] for r in results} == {200}


def test_actions_are_required(api, error_message):
    """A batch without actions is 'actions: Missing input'."""
    assert error_message(api.post("/batch", {}), 400) == "actions: Missing input"


@pytest.mark.parametrize("path, word", [("/attachments", "Attachments"),
                                        ("/batch", "nested")])
def test_uploads_and_nested_batches_are_refused_per_action(api, path, word):
    """An attachment upload or a nested batch is a 400 for that action only."""
    results = _results(api, {"relative_path": path, "method": "post", "data": {}},
                       {"relative_path": "/users/me", "method": "get"})
    assert results[0]["status_code"] == 400
    assert word in results[0]["body"]["errors"][0]["message"]
    assert results[1]["status_code"] == 200


@pytest.mark.parametrize("action, word", [
    ({"method": "get"}, "relative_path: Missing input"),
    ({"relative_path": "/users/me"}, "method: Missing input"),
    ({"relative_path": "/users/me", "method": "fetch"}, "method"),
    ({"relative_path": "/users/me?opt_fields=name", "method": "get"}, "Query parameters"),
    ({"relative_path": "/users/me", "method": "get", "options": {"pretty": True}}, "pretty"),
])
def test_a_malformed_action_is_a_400_for_that_action(api, action, word):
    """Missing path or method, an unknown method, a query string or pretty: 400 per action."""
    (result,) = _results(api, action)
    assert result["status_code"] == 400
    assert word in result["body"]["errors"][0]["message"]


def test_each_action_counts_against_the_quota(clock, make_api):
    """With a quota of 10 a 10-action batch uses it up: the next request is a 429."""
    sandbox = Sandbox(clock=clock, quota=10)
    api = make_api(sandbox)
    results = _results(api, *[{"relative_path": "/users/me", "method": "get"}] * 10)
    assert {r["status_code"] for r in results} == {200}
    refused = api.get("/users/me")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1


def test_a_batch_over_the_quota_is_refused_whole(clock, make_api):
    """If one action would exceed the quota, the batch is a 429 and no action runs."""
    sandbox = Sandbox(clock=clock, quota=5)
    api = make_api(sandbox)
    project = sandbox.project_gid("Grievances")
    before = len(sandbox.backend.tasks)
    actions = [{"relative_path": "/tasks", "method": "post",
                "data": {"name": f"Over {n}", "projects": [project]}} for n in range(8)]
    response = _batch(api, *actions)
    assert response.status_code == 429 and response.headers["Retry-After"].isdigit()
    assert len(sandbox.backend.tasks) == before


def test_an_unauthorized_batch_is_a_401(sandbox, make_api):
    """A batch with a bad token fails as a whole with 401."""
    api = make_api(sandbox, token="not-a-token")
    response = _batch(api, {"relative_path": "/users/me", "method": "get"})
    assert response.status_code == 401
