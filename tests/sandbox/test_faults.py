"""Fault injection: scripted failures, error rate, latency, drop-after-commit, page size."""

from __future__ import annotations

import httpx
import pytest

from asana_sandbox import Sandbox


def test_scripted_failures_answer_the_status_then_recover(api, sandbox):
    """fail_next(2, path, 503) fails exactly the next two matching requests."""
    sandbox.faults.fail_next(2, "/users/me", 503)
    assert [api.get("/users/me").status_code for _ in range(3)] == [503, 503, 200]


def test_scripted_failure_matches_route_template(api, sandbox, new_task):
    """A rule can name a route template."""
    task = new_task()
    sandbox.faults.fail_next(1, "/tasks/{task_gid}", 500, method="GET")
    response = api.get(f"/tasks/{task['gid']}")
    assert response.status_code == 500 and response.json()["errors"][0]["phrase"]


def test_scripted_failure_only_hits_its_method(api, sandbox, grievances):
    """A rule with a method leaves other methods alone."""
    sandbox.faults.fail_next(1, "/tasks", 500, method="POST")
    assert api.get("/tasks", {"project": grievances}).status_code == 200
    assert api.post("/tasks", {"name": "x", "projects": [grievances]}).status_code == 500


def test_scripted_429_has_retry_after(api, sandbox):
    """A scripted 429 looks like Asana's, with the chosen Retry-After."""
    sandbox.faults.fail_next(1, "/users/me", 429, retry_after=7)
    response = api.get("/users/me")
    assert response.status_code == 429 and response.headers["retry-after"] == "7"


def test_error_rate_one_fails_everything(api, sandbox):
    """error_rate=1 answers every request with a 500 or 503."""
    sandbox.faults.error_rate = 1.0
    assert {api.get("/users/me").status_code for _ in range(10)} <= {500, 503}


def test_latency_is_taken_from_the_clock(make_api, clock):
    """Added latency is slept on the injected clock."""
    api = make_api(Sandbox(clock=clock, latency_ms=250))
    before = clock.time()
    api.get("/users/me")
    assert clock.time() - before == pytest.approx(0.25)


def test_drop_after_commit_applies_the_write(api, sandbox, grievances, ok):
    """The dropped write is applied, yet the client sees a broken connection."""
    sandbox.faults.drop_next(1, "/tasks", method="POST")
    with pytest.raises(httpx.RemoteProtocolError):
        api.post("/tasks", {"name": "Dropped but saved", "projects": [grievances]})
    names = [t["name"] for t in ok(api.get(f"/projects/{grievances}/tasks"))]
    assert names == ["Dropped but saved"]


def test_drop_only_affects_writes(api, sandbox):
    """Reads are never dropped."""
    sandbox.faults.drop_next(1)
    assert api.get("/users/me").status_code == 200


def test_page_size_override(api, sandbox, new_task, grievances, ok):
    """page_size caps pages whatever limit asks for."""
    for index in range(3):
        new_task(f"t{index}")
    sandbox.faults.page_size = 2
    body = api.get(f"/projects/{grievances}/tasks", {"limit": 100}).json()
    assert len(body["data"]) == 2 and body["next_page"] is not None


def test_clear_removes_faults(api, sandbox):
    """clear() switches every fault off."""
    sandbox.faults.error_rate = 1.0
    sandbox.faults.fail_next(5, "/users/me", 500)
    sandbox.faults.clear()
    assert api.get("/users/me").status_code == 200
