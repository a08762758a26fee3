"""External data on tasks: ``external: {gid, data}``, ``external:<id>`` references, OAuth only."""

from __future__ import annotations

from typing import Any

import pytest

from asana_sandbox import ManualClock, Sandbox

OAUTH = "oauth-app-token"


@pytest.fixture
def oauth_sandbox(clock: ManualClock) -> Sandbox:
    return Sandbox(clock=clock, oauth_tokens=[OAUTH])


@pytest.fixture
def app_api(make_api, oauth_sandbox) -> Any:
    """A client using the OAuth token."""
    return make_api(oauth_sandbox, OAUTH)


@pytest.fixture
def pat_api(make_api, oauth_sandbox) -> Any:
    """A client using the demo (personal access) token."""
    return make_api(oauth_sandbox)


def _create(api: Any, sandbox: Sandbox, ok, **fields: Any) -> dict[str, Any]:
    data = {"name": "From the app", "projects": [sandbox.project_gid("Grievances")], **fields}
    return ok(api.post("/tasks", data), 201)


def test_oauth_token_sets_external_on_create(app_api, oauth_sandbox, ok):
    """An OAuth app's external data comes back on the task."""
    task = _create(app_api, oauth_sandbox, ok, external={"gid": "case-17", "data": "row 4"})
    assert task["external"] == {"gid": "case-17", "data": "row 4"}


def test_external_id_stands_in_for_the_task_gid_in_paths(app_api, oauth_sandbox, ok):
    """GET and PUT /tasks/external:<id> reach the task."""
    task = _create(app_api, oauth_sandbox, ok, external={"gid": "case-17"})
    assert ok(app_api.get("/tasks/external:case-17"))["gid"] == task["gid"]
    ok(app_api.put("/tasks/external:case-17", {"name": "Renamed"}))
    assert ok(app_api.get(f"/tasks/{task['gid']}"))["name"] == "Renamed"


def test_external_id_stands_in_for_a_task_gid_in_bodies(app_api, oauth_sandbox, ok):
    """A subtask's setParent accepts external:<id> as the parent."""
    parent = _create(app_api, oauth_sandbox, ok, external={"gid": "parent-1"})
    child = _create(app_api, oauth_sandbox, ok)
    ok(app_api.post(f"/tasks/{child['gid']}/setParent", {"parent": "external:parent-1"}))
    assert ok(app_api.get(f"/tasks/{child['gid']}"))["parent"]["gid"] == parent["gid"]


def test_unknown_external_id_is_404(pat_api, error_message):
    """An external id no task carries answers 404 Unknown object."""
    message = error_message(pat_api.get("/tasks/external:nobody"), 404)
    assert "external:nobody" in message


def test_personal_access_token_cannot_set_external(pat_api, oauth_sandbox, error_message):
    """A PAT that sends external gets a 403 naming OAuth, and no task is created."""
    project = oauth_sandbox.project_gid("Grievances")
    response = pat_api.post("/tasks", {"name": "x", "projects": [project],
                                       "external": {"gid": "case-1"}})
    assert "OAuth" in error_message(response, 403)
    assert not [t for t in oauth_sandbox.backend.tasks.values() if t["name"] == "x"]


def test_external_id_must_be_unique(app_api, oauth_sandbox, ok, error_message):
    """A second task cannot take an external id already in use."""
    _create(app_api, oauth_sandbox, ok, external={"gid": "case-17"})
    project = oauth_sandbox.project_gid("Grievances")
    response = app_api.post("/tasks", {"name": "dup", "projects": [project],
                                       "external": {"gid": "case-17"}})
    assert "already used" in error_message(response, 400)


def test_external_is_left_out_when_unset(pat_api, oauth_sandbox, ok):
    """A task without external data has no external key, even when asked for."""
    task = _create(pat_api, oauth_sandbox, ok)
    assert "external" not in task
    shown = ok(pat_api.get(f"/tasks/{task['gid']}", params={"opt_fields": "external,name"}))
    assert shown == {"gid": task["gid"], "name": "From the app"}
