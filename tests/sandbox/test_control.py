"""The control API under /_sandbox: reset, seed, faults, settings, request log."""

from __future__ import annotations

from typing import Any

import httpx


def _control(api, method: str, path: str, body: Any = None) -> httpx.Response:
    async def call():
        async with httpx.AsyncClient(transport=api.sandbox.transport(),
                                     base_url=api.sandbox.base_url) as client:
            return await client.request(method, f"/_sandbox{path}", json=body)

    return api.run(call())


def test_reset_restores_the_seed(api, new_task, grievances, ok):
    """POST /_sandbox/reset brings back the fresh demo data."""
    new_task()
    assert _control(api, "POST", "/reset").status_code == 200
    assert ok(api.get(f"/projects/{grievances}/tasks")) == []


def test_seed_empty(api, ok):
    """POST /_sandbox/seed {"seed": "empty"} leaves only the workspace and its owner."""
    _control(api, "POST", "/seed", {"seed": "empty"})
    workspace = ok(api.get("/workspaces"))[0]["gid"]
    assert ok(api.get(f"/workspaces/{workspace}/projects")) == []
    assert ok(api.get("/users/me"))["email"] == "sandbox@example.org"


def test_faults_can_be_set_over_http(api):
    """POST /_sandbox/faults adds scripted failures."""
    response = _control(
        api, "POST", "/faults", {"scripted": [{"path": "/users/me", "status": 502, "count": 1}]}
    )
    assert response.json()["data"]["scripted"][0]["status"] == 502
    assert api.get("/users/me").status_code == 502
    assert api.get("/users/me").status_code == 200


def test_delete_faults_clears_them(api):
    """DELETE /_sandbox/faults clears every fault."""
    _control(api, "POST", "/faults", {"error_rate": 1})
    _control(api, "DELETE", "/faults")
    assert api.get("/users/me").status_code == 200


def test_request_log_counts_per_route(api, new_task):
    """The request log counts requests per method and route."""
    task = new_task()
    api.get(f"/tasks/{task['gid']}")
    api.get(f"/tasks/{task['gid']}")
    log = _control(api, "GET", "/requests").json()["data"]
    assert log["counts"]["GET /tasks/{task_gid}"] == 2
    assert log["counts"]["POST /tasks"] == 1


def test_request_log_can_be_cleared(api):
    """DELETE /_sandbox/requests empties the log."""
    api.get("/users/me")
    _control(api, "DELETE", "/requests")
    assert _control(api, "GET", "/requests").json()["data"]["total"] == 0


def test_settings_change_search_lag(api, sandbox):
    """POST /_sandbox/settings changes sandbox settings."""
    _control(api, "POST", "/settings", {"search_index_lag": 12})
    assert sandbox.settings.search_index_lag == 12


def test_unknown_control_path_is_404(api):
    """Unknown paths outside the API are 404 in Asana's error shape."""
    response = _control(api, "GET", "/nothing-here")
    assert response.status_code == 404 and "errors" in response.json()


def test_settings_of_the_wrong_type_are_refused(api, sandbox):
    """A setting of the wrong type is a 400 and changes nothing."""
    response = _control(api, "POST", "/settings", {"quota": "lots"})
    assert response.status_code == 400 and sandbox.settings.quota is None
