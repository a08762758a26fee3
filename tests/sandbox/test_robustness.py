"""Generated bodies and query strings never crash the sandbox: always JSON, never a 5xx."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asana_sandbox import Sandbox
from asana_sandbox.webhooks import WebhookSettings, install_webhooks

FIELDS = ("name", "notes", "projects", "workspace", "parent", "assignee", "custom_fields",
          "due_on", "due_at", "start_on", "resource", "target", "filters", "actions", "section",
          "tag", "followers", "completed", "text", "html_text", "resource_subtype", "project",
          "enum_options", "insert_before", "insert_after", "memberships", "dependencies", "team")
PARAMS = ("limit", "offset", "opt_fields", "opt_pretty", "project", "workspace", "resource",
          "sync", "assignee", "section", "tag", "text", "completed_since", "modified_since",
          "sort_by", "projects.any", "resource_type", "query", "count", "parent")
GENERATED = settings(max_examples=75, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

scalars = (st.none() | st.booleans() | st.integers(-2**40, 2**40)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)
data_objects = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), values, max_size=5)
bodies = (st.fixed_dictionaries({"data": data_objects}, optional={"options": values})
          | values)
queries = st.dictionaries(st.sampled_from(PARAMS), st.text(max_size=20), max_size=4)


class _Driver:
    """One sandbox and one client, driven on a private event loop."""

    def __init__(self) -> None:
        self.sandbox = Sandbox(rate_limits=False)
        install_webhooks(self.sandbox.api, transport=httpx.MockTransport(
            lambda request: httpx.Response(404)), settings=WebhookSettings(handshake_timeout=1))
        grievances = self.sandbox.project_gid("Grievances")
        self.loop = asyncio.new_event_loop()
        self.client = self.sandbox.client()
        task = self.send("POST", "/tasks", json={"data": {"name": "Target",
                                                          "projects": [grievances]}})
        task_gid = task.json()["data"]["gid"]
        ws = self.sandbox.workspace_gid
        self.writes = ["/tasks", f"/tasks/{task_gid}", f"/tasks/{task_gid}/stories",
                       f"/tasks/{task_gid}/addProject", f"/tasks/{task_gid}/setParent",
                       f"/projects/{grievances}/sections", "/projects", "/custom_fields",
                       "/webhooks", "/batch", "/tags", f"/tasks/{task_gid}/subtasks",
                       f"/tasks/{task_gid}/addFollowers", "/attachments"]
        self.reads = ["/tasks", f"/projects/{grievances}/tasks", "/events", "/webhooks",
                      f"/workspaces/{ws}/tasks/search", f"/workspaces/{ws}/typeahead",
                      "/users", "/projects", f"/tasks/{task_gid}", "/attachments",
                      f"/workspaces/{ws}/events", "/tags", f"/tasks/{task_gid}/stories"]

    def send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.loop.run_until_complete(self.client.request(method, path, **kwargs))

    def close(self) -> None:
        self.loop.run_until_complete(self.client.aclose())
        self.loop.close()


def _assert_asana_shaped(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = json.loads(response.content)
    if response.status_code >= 400:
        errors = body["errors"]
        assert errors and all(isinstance(e["message"], str) and e["message"] for e in errors)
    else:
        assert "data" in body


def test_generated_json_bodies_never_crash_a_write():
    """Any JSON body on a sample of write routes gets a 2xx or an Asana-shaped 4xx."""
    driver = _Driver()
    try:
        @GENERATED
        @given(index=st.integers(0, len(driver.writes) - 1),
               method=st.sampled_from(["POST", "PUT"]), body=bodies)
        def check(index: int, method: str, body: Any) -> None:
            path = "/api/1.0" + driver.writes[index]
            _assert_asana_shaped(driver.send(method, path, json=body))

        check()
    finally:
        driver.close()


def test_generated_query_strings_never_crash_a_read():
    """Any query string on a sample of list and get routes gets a 2xx or an Asana 4xx."""
    driver = _Driver()
    try:
        @GENERATED
        @given(index=st.integers(0, len(driver.reads) - 1), params=queries)
        def check(index: int, params: dict[str, str]) -> None:
            _assert_asana_shaped(driver.send("GET", "/api/1.0" + driver.reads[index],
                                             params=params))

        check()
    finally:
        driver.close()


def test_raw_and_form_bodies_never_crash_a_write():
    """Bytes that are not JSON, and form bodies, get an Asana-shaped answer too."""
    driver = _Driver()
    try:
        @GENERATED
        @given(index=st.integers(0, len(driver.writes) - 1), raw=st.binary(max_size=64),
               form=st.dictionaries(st.sampled_from(FIELDS), st.text(max_size=12), max_size=4),
               as_form=st.booleans())
        def check(index: int, raw: bytes, form: dict[str, str], as_form: bool) -> None:
            path = "/api/1.0" + driver.writes[index]
            if as_form:
                response = driver.send("POST", path, data=form)
            else:
                response = driver.send("POST", path, content=raw,
                                       headers={"Content-Type": "application/json"})
            _assert_asana_shaped(response)

        check()
    finally:
        driver.close()


def test_generated_batch_actions_never_crash():
    """Generated batch actions answer 200 with per-action results, or a 4xx for the batch."""
    driver = _Driver()
    try:
        actions = st.lists(st.fixed_dictionaries(
            {"relative_path": st.sampled_from(driver.writes + driver.reads) | st.text(max_size=10),
             "method": st.sampled_from(["get", "post", "put", "delete", "patch", "head", "x"])},
            optional={"data": data_objects, "options": values}), max_size=11)

        @GENERATED
        @given(batch=actions)
        def check(batch: list[dict[str, Any]]) -> None:
            response = driver.send("POST", "/api/1.0/batch", json={"data": {"actions": batch}})
            _assert_asana_shaped(response)
            if response.status_code == 200:
                for result in response.json()["data"]:
                    assert result["status_code"] < 500, result

        check()
    finally:
        driver.close()
