"""How long events are kept: a day and a cap, in the backend and behind GET /events."""

from __future__ import annotations

from typing import Any

import pytest

from asana_sandbox import ManualClock, Sandbox, SandboxSettings


@pytest.fixture
def small_sandbox(clock: ManualClock) -> Sandbox:
    """A sandbox keeping at most 5 events."""
    return Sandbox(clock=clock, settings=SandboxSettings(max_events=5))


@pytest.fixture
def small_api(make_api, small_sandbox) -> Any:
    return make_api(small_sandbox)


def _sync(api: Any, resource: str) -> str:
    response = api.get("/events", params={"resource": resource})
    assert response.status_code == 412, response.text
    return response.json()["sync"]


def _rename(api: Any, task: str, times: int) -> None:
    for number in range(times):
        assert api.put(f"/tasks/{task}", {"name": f"name {number}"}).status_code == 200


def _new_task(api: Any, sandbox: Sandbox, ok) -> str:
    project = sandbox.project_gid("Grievances")
    return ok(api.post("/tasks", {"name": "t", "projects": [project]}), 201)["gid"]


def test_backend_keeps_at_most_max_events(small_api, small_sandbox, ok):
    """After many changes the backend's event list holds only the newest max_events."""
    task = _new_task(small_api, small_sandbox, ok)
    _rename(small_api, task, 12)
    events = small_sandbox.backend.events
    assert len(events) == 5
    assert events[-1]["change"]["new_value"] == "name 11"


def test_backend_drops_events_older_than_a_day(api, sandbox, clock, new_task):
    """An event recorded more than 24 hours ago leaves the backend's list."""
    old = new_task("Old")
    clock.advance(24 * 60 * 60 + 1)
    fresh = new_task("Fresh")
    gids = {event["resource"]["gid"] for event in sandbox.backend.events}
    assert fresh["gid"] in gids and old["gid"] not in gids


def test_token_that_missed_dropped_events_answers_412(small_api, small_sandbox, ok):
    """A token whose unseen events left the log is expired: 412 with a fresh token."""
    task = _new_task(small_api, small_sandbox, ok)
    sync = _sync(small_api, task)
    _rename(small_api, task, 8)
    response = small_api.get("/events", params={"resource": task, "sync": sync})
    assert response.status_code == 412
    assert response.json()["sync"] != sync


def test_token_that_kept_up_stays_valid_after_trimming(small_api, small_sandbox, ok):
    """A token that read every event survives older events leaving the log."""
    task = _new_task(small_api, small_sandbox, ok)
    sync = _sync(small_api, task)
    for number in range(5):
        assert small_api.put(f"/tasks/{task}", {"name": f"round {number}"}).status_code == 200
        response = small_api.get("/events", params={"resource": task, "sync": sync})
        body = response.json()
        assert response.status_code == 200, body
        assert body["data"] and body["data"][-1]["action"] in ("changed", "added")
        sync = body["sync"]


def test_dropped_events_of_other_resources_do_not_expire_a_token(small_api, small_sandbox, ok):
    """Trimming events about another task leaves this task's token valid."""
    quiet = _new_task(small_api, small_sandbox, ok)
    busy = _new_task(small_api, small_sandbox, ok)
    sync = _sync(small_api, quiet)
    _rename(small_api, busy, 10)
    response = small_api.get("/events", params={"resource": quiet, "sync": sync})
    assert response.status_code == 200 and response.json()["data"] == []
