"""batch (many calls, per-action results) and request (any call by relative path)."""

import pytest

from asana_adaptor.client import (AmbiguousWriteError, ConfigurationError,
                                  InvalidRequestError, NotFoundError)
from asana_adaptor.ops import batch, create_task, request

UNKNOWN = "1999999999999999"


def test_batch_returns_a_result_per_action_in_order(run, api, project_gid):
    """batch runs every action and reports each one's status and body, in order."""
    gid = run(create_task({"name": "Batched", "projects": [project_gid]}))["data"]["gid"]
    state = run(batch([
        {"method": "get", "relative_path": f"/tasks/{gid}", "options": {"fields": ["name"]}},
        {"method": "put", "relative_path": f"/tasks/{gid}", "data": {"completed": True}},
        {"method": "get", "relative_path": f"/tasks/{UNKNOWN}"},
    ]))
    first, second, third = state["data"]
    assert (first["status_code"], first["body"]["data"]["name"]) == (200, "Batched")
    assert second["ok"] and api("GET", f"/tasks/{gid}")["completed"] is True
    assert third["status_code"] == 404 and not third["ok"] and third["error"]


def test_batch_over_ten_actions_is_chunked(run, recorder, project_gid):
    """More than 10 actions go out in several /batch requests, results still in order."""
    gid = run(create_task({"name": "Many", "projects": [project_gid]}))["data"]["gid"]
    actions = [{"method": "get", "relative_path": f"/tasks/{gid}"}] * 23
    state = run(batch(actions))
    assert [r["status_code"] for r in state["data"]] == [200] * 23
    assert len(recorder.calls("POST", "/batch")) == 3


def test_batch_refuses_a_malformed_action(run):
    """An action without a relative path is refused before sending."""
    with pytest.raises(InvalidRequestError, match="relative_path"):
        run(batch([{"method": "get"}]))


def test_request_gets_by_relative_path(run, project_gid):
    """request('/projects/{gid}') returns the project's data."""
    assert run(request(f"/projects/{project_gid}"))["data"]["name"] == "Grievances"


def test_request_posts_a_body_in_asanas_envelope(run, api, project_gid):
    """request with method POST and body {data: ...} creates the record."""
    state = run(request("/tasks", {"method": "POST",
                                   "body": {"data": {"name": "Raw", "projects": [project_gid]}}}))
    assert api("GET", f"/tasks/{state['data']['gid']}")["name"] == "Raw"


def test_request_passes_the_query(run, field_ops_gid):
    """request's query reaches Asana (here a one-item page)."""
    state = run(request("/tasks", {"query": {"project": field_ops_gid, "limit": 1}}))
    assert len(state["data"]) == 1
    assert state["response"]["next_page"]["offset"]


def test_request_refuses_another_origin(run, recorder):
    """An absolute URL on another host is refused (BASE_URL_MISMATCH) and nothing is sent."""
    with pytest.raises(ConfigurationError) as caught:
        run(request("https://www.blah.com/a/b/c"))
    assert caught.value.code == "BASE_URL_MISMATCH"
    assert recorder.requests == []


def test_request_refuses_an_absolute_url_outside_the_api(run, sb, recorder):
    """An absolute URL on the configured origin but outside the API is UNEXPECTED_ABSOLUTE_URL."""
    with pytest.raises(ConfigurationError) as caught:
        run(request(f"{sb.base_url}/somewhere/else"))
    assert caught.value.code == "UNEXPECTED_ABSOLUTE_URL"
    assert recorder.requests == []


def test_request_accepts_an_absolute_url_under_the_api(run, sb, project_gid):
    """An absolute URL under the configured API base is allowed."""
    state = run(request(f"{sb.base_url}/api/1.0/projects/{project_gid}"))
    assert state["data"]["gid"] == project_gid


def test_request_unknown_path_raises_not_found(run):
    """An unknown route answers 404, raised as NotFoundError."""
    with pytest.raises(NotFoundError):
        run(request("/no/such/route"))


def test_request_refuses_unknown_parameters(run):
    """A misspelt request parameter is refused, listing the valid ones."""
    with pytest.raises(InvalidRequestError, match="method, query, body"):
        run(request("/users/me", {"qeury": {"a": 1}}))


def test_request_accepts_a_path_that_starts_with_the_api_prefix(run, project_gid):
    """"/api/1.0/projects/..." (as copied from Asana's reference) reaches the project."""
    state = run(request(f"/api/1.0/projects/{project_gid}"))
    assert state["data"]["gid"] == project_gid


def test_request_post_that_fails_after_sending_says_what_a_job_can_do(sb, run):
    """A POST through request() answered by a 500 gives a hint a job can follow."""
    sb.faults.fail_next(1, "/tasks", 500, method="POST")
    with pytest.raises(AmbiguousWriteError) as caught:
        run(request("/tasks", {"method": "POST",
                               "body": {"data": {"name": "x", "workspace": sb.workspace_gid}}}))
    assert "look for it in Asana before running the job again" in str(caught.value)
    assert "retry_writes" not in str(caught.value)
