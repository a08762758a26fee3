"""Every response of a realistic sequence of calls validates against Asana's spec and shapes.

Each test drives one area through a real httpx client on the in-process sandbox; every answer
is checked on the way by :func:`openapi_check.assert_conforms` (spec schema for the declared
status, plus 16-digit gids, known resource types, ISO timestamps with milliseconds and the
fields of compact records). The last tests check docs/SANDBOX_COVERAGE.md.
"""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path
from typing import Any

import httpx
import pytest

import openapi_check as oc
from asana_sandbox import Sandbox
from asana_sandbox.webhooks import WebhookSettings, install_webhooks

pytestmark = pytest.mark.skipif(
    not oc.spec_available(),
    reason=f"Asana's OpenAPI spec is not at {oc.SPEC_PATH} (the project expects "
           "../shared/asana-openapi/asana_oas.yaml beside it)",
)


class Conform:
    """An httpx client on the sandbox that checks every response against the spec."""

    def __init__(self, sandbox: Sandbox, token: str | None = None) -> None:
        self.sandbox = sandbox
        self.loop = asyncio.new_event_loop()
        self.recorder = oc.RecordingTransport(sandbox.transport())
        self.client = httpx.AsyncClient(
            transport=self.recorder, base_url=f"{sandbox.base_url}/api/1.0",
            headers={"Authorization": f"Bearer {token or sandbox.token}"},
        )
        self.operations: set[str] = set()

    def run(self, awaitable: Any) -> Any:
        return self.loop.run_until_complete(awaitable)

    def call(self, method: str, path: str, data: Any = None, status: int | None = None,
             **kwargs: Any) -> Any:
        """Send, check conformance, check the status if given; returns the parsed body."""
        if data is not None:
            kwargs["json"] = {"data": data}
        if "data_fields" in kwargs:
            kwargs["data"] = kwargs.pop("data_fields")
        response = self.run(self.client.request(method, path, **kwargs))
        op = oc.assert_conforms(self.recorder.exchanges[-1])
        assert op is not None, f"{method} {path} matches no operation of the spec"
        self.operations.add(op.operation_id)
        if status is not None:
            assert response.status_code == status, f"{method} {path}: {response.text}"
        return response.json()

    def form(self, path: str, fields: dict[str, str], files: Any = None,
             status: int = 200) -> Any:
        """POST a multipart (with files) or form-encoded body."""
        return self.call("POST", path, status=status, data=None, files=files,
                         **{"data_fields": fields})

    def get(self, path: str, status: int | None = 200, **params: Any) -> Any:
        return self.call("GET", path, status=status, params=params or None)

    def post(self, path: str, data: Any = None, status: int | None = 200, **kwargs: Any) -> Any:
        return self.call("POST", path, data if data is not None else {}, status, **kwargs)

    def put(self, path: str, data: Any, status: int | None = 200) -> Any:
        return self.call("PUT", path, data, status)

    def delete(self, path: str, status: int | None = 200) -> Any:
        return self.call("DELETE", path, status=status)

    def close(self) -> None:
        self.run(self.client.aclose())
        self.loop.close()


@pytest.fixture
def conform(sandbox: Sandbox) -> Conform:
    client = Conform(sandbox)
    yield client
    client.close()


@pytest.fixture
def task(conform: Conform, grievances: str) -> dict[str, Any]:
    return conform.post("/tasks", {"name": "Conformance task", "projects": [grievances],
                                   "notes": "Checked against the spec"}, 201)["data"]


def test_users_workspaces_and_teams_conform(conform, sandbox):
    """Users, workspaces and teams answer as the spec says."""
    ws = sandbox.workspace_gid
    me = conform.get("/users/me")["data"]
    conform.get(f"/users/{me['gid']}")
    conform.get("/users/sandbox@example.org")
    conform.get("/users", workspace=ws)
    conform.get("/users", workspace=ws, limit=2)
    conform.get("/workspaces")
    conform.get(f"/workspaces/{ws}")
    conform.get(f"/workspaces/{ws}/users")
    conform.get(f"/workspaces/{ws}/users/{me['gid']}")
    teams = conform.get(f"/workspaces/{ws}/teams")["data"]
    conform.get(f"/teams/{teams[0]['gid']}")
    conform.get(f"/teams/{teams[0]['gid']}/users")
    assert {"getUser", "getUsers", "getWorkspaces", "getWorkspace", "getUsersForWorkspace",
            "getTeamsForWorkspace", "getTeam"} <= conform.operations


def test_projects_and_custom_field_settings_conform(conform, sandbox, grievances):
    """Project CRUD, project lists and custom field settings answer as the spec says."""
    ws = sandbox.workspace_gid
    team = conform.get(f"/workspaces/{ws}/teams")["data"][0]["gid"]
    conform.get("/projects", workspace=ws)
    conform.get("/projects", workspace=ws, limit=1)
    conform.get(f"/workspaces/{ws}/projects")
    conform.get(f"/teams/{team}/projects")
    conform.get(f"/projects/{grievances}")
    conform.get(f"/projects/{grievances}", opt_fields="name,owner.name,custom_field_settings")
    project = conform.post("/projects", {"name": "Spec project", "workspace": ws, "team": team},
                           201)["data"]
    conform.post(f"/workspaces/{ws}/projects", {"name": "Second", "team": team}, 201)
    conform.post(f"/teams/{team}/projects", {"name": "Third"}, 201)
    conform.put(f"/projects/{project['gid']}", {"notes": "Updated", "color": "light-green"})
    conform.get(f"/projects/{grievances}/custom_field_settings")
    field = conform.post("/custom_fields", {"name": "Spec field", "workspace": ws,
                                            "resource_subtype": "text"}, 201)["data"]
    conform.post(f"/projects/{project['gid']}/addCustomFieldSetting",
                 {"custom_field": field["gid"], "is_important": True})
    conform.post(f"/projects/{project['gid']}/removeCustomFieldSetting",
                 {"custom_field": field["gid"]})
    conform.delete(f"/projects/{project['gid']}")
    assert {"createProject", "getProject", "updateProject", "deleteProject",
            "getCustomFieldSettingsForProject", "addCustomFieldSettingForProject",
            "removeCustomFieldSettingForProject"} <= conform.operations


def test_sections_conform(conform, grievances, task):
    """Section CRUD, insert, addTask and section task lists answer as the spec says."""
    sections = conform.get(f"/projects/{grievances}/sections")["data"]
    section = conform.post(f"/projects/{grievances}/sections", {"name": "Escalated"}, 201)["data"]
    conform.get(f"/sections/{section['gid']}")
    conform.put(f"/sections/{section['gid']}", {"name": "Escalated (legal)"})
    conform.post(f"/projects/{grievances}/sections/insert",
                 {"section": section["gid"], "before_section": sections[0]["gid"]})
    conform.post(f"/sections/{section['gid']}/addTask", {"task": task["gid"]})
    conform.get(f"/sections/{section['gid']}/tasks")
    conform.get(f"/sections/{section['gid']}/tasks", limit=1)
    conform.post(f"/sections/{sections[0]['gid']}/addTask", {"task": task["gid"]})
    conform.delete(f"/sections/{section['gid']}")
    assert {"getSectionsForProject", "createSectionForProject", "getSection", "updateSection",
            "insertSectionForProject", "addTaskForSection", "getTasksForSection",
            "deleteSection"} <= conform.operations


def test_tasks_conform(conform, sandbox, grievances, task):
    """Task CRUD, lists, subtasks, memberships, tags, followers and dependencies conform."""
    ws = sandbox.workspace_gid
    gid = task["gid"]
    status = sandbox.custom_field_gid("Grievance Status")
    open_option = sandbox.enum_option_gid("Grievance Status", "Open")
    conform.get(f"/tasks/{gid}")
    conform.get(f"/tasks/{gid}", opt_fields="name,assignee.email,memberships.section.name,"
                                            "custom_fields.enum_value.name,html_notes")
    conform.put(f"/tasks/{gid}", {"assignee": "me", "due_on": "2026-03-01",
                                  "custom_fields": {status: open_option}})
    conform.get("/tasks", project=grievances)
    conform.get("/tasks", project=grievances, limit=1)
    conform.get("/tasks", assignee="me", workspace=ws, limit=5)
    conform.get(f"/projects/{grievances}/tasks", limit=10, opt_fields="name,completed")
    sub = conform.post(f"/tasks/{gid}/subtasks", {"name": "Visit the site"}, 201)["data"]
    conform.get(f"/tasks/{gid}/subtasks")
    other = conform.post("/tasks", {"name": "Parent", "workspace": ws}, 201)["data"]
    conform.post(f"/tasks/{sub['gid']}/setParent", {"parent": other["gid"]})
    field_ops = sandbox.project_gid("Field Operations")
    conform.post(f"/tasks/{gid}/addProject", {"project": field_ops})
    conform.get(f"/tasks/{gid}/projects")
    conform.post(f"/tasks/{gid}/removeProject", {"project": field_ops})
    tag = conform.get("/tags", workspace=ws)["data"][0]["gid"]
    conform.post(f"/tasks/{gid}/addTag", {"tag": tag})
    conform.get(f"/tags/{tag}/tasks")
    conform.post(f"/tasks/{gid}/removeTag", {"tag": tag})
    conform.post(f"/tasks/{gid}/addFollowers", {"followers": ["amina@example.org"]})
    conform.post(f"/tasks/{gid}/removeFollowers", {"followers": ["amina@example.org"]})
    conform.post(f"/tasks/{gid}/addDependencies", {"dependencies": [other["gid"]]})
    conform.get(f"/tasks/{gid}/dependencies")
    conform.get(f"/tasks/{other['gid']}/dependents")
    conform.post(f"/tasks/{gid}/removeDependencies", {"dependencies": [other["gid"]]})
    conform.post(f"/tasks/{other['gid']}/addDependents", {"dependents": [gid]})
    conform.post(f"/tasks/{other['gid']}/removeDependents", {"dependents": [gid]})
    job = conform.post(f"/tasks/{gid}/duplicate", {"name": "Copy", "include": "notes"}, 201)["data"]
    conform.get(f"/jobs/{job['gid']}")
    conform.get(f"/workspaces/{ws}/tasks/search", text="Conformance")
    conform.get(f"/workspaces/{ws}/tasks/search", **{"projects.any": grievances,
                                                      "sort_by": "created_at"})
    conform.get(f"/workspaces/{ws}/tasks/custom_id/GRV-1", status=None)
    conform.get(f"/workspaces/{ws}/typeahead", resource_type="task", query="Conf")
    conform.get(f"/workspaces/{ws}/typeahead", query="Amina")
    conform.delete(f"/tasks/{sub['gid']}")
    assert {"getTask", "updateTask", "getTasks", "getTasksForProject", "createSubtaskForTask",
            "getSubtasksForTask", "setParentForTask", "addProjectForTask",
            "removeProjectForTask", "addTagForTask", "removeTagForTask", "addFollowersForTask",
            "removeFollowerForTask", "addDependenciesForTask", "getDependenciesForTask",
            "getDependentsForTask", "duplicateTask", "getJob", "searchTasksForWorkspace",
            "typeaheadForWorkspace", "deleteTask"} <= conform.operations


def test_stories_conform(conform, task):
    """Comment CRUD and the story list (system stories included) conform."""
    gid = task["gid"]
    story = conform.post(f"/tasks/{gid}/stories", {"text": "Met the community"}, 201)["data"]
    conform.post(f"/tasks/{gid}/stories", {"html_text": "<body><strong>Urgent</strong></body>",
                                           "is_pinned": True}, 201)
    conform.put(f"/tasks/{gid}", {"completed": True})
    conform.get(f"/tasks/{gid}/stories")
    conform.get(f"/tasks/{gid}/stories", limit=2)
    conform.get(f"/stories/{story['gid']}")
    conform.put(f"/stories/{story['gid']}", {"text": "Met the whole community"})
    conform.delete(f"/stories/{story['gid']}")
    assert {"createStoryForTask", "getStoriesForTask", "getStory", "updateStory",
            "deleteStory"} <= conform.operations


def test_tags_conform(conform, sandbox, task):
    """Tag CRUD and tag lists conform."""
    ws = sandbox.workspace_gid
    conform.get("/tags", workspace=ws)
    conform.get(f"/workspaces/{ws}/tags")
    tag = conform.post("/tags", {"name": "spec", "workspace": ws}, 201)["data"]
    conform.post(f"/workspaces/{ws}/tags", {"name": "spec-2"}, 201)
    conform.get(f"/tags/{tag['gid']}")
    conform.put(f"/tags/{tag['gid']}", {"color": "dark-red", "notes": "From the spec test"})
    conform.post(f"/tasks/{task['gid']}/addTag", {"tag": tag["gid"]})
    conform.get(f"/tasks/{task['gid']}/tags")
    conform.delete(f"/tags/{tag['gid']}")
    assert {"getTags", "getTagsForWorkspace", "createTag", "createTagForWorkspace", "getTag",
            "updateTag", "getTagsForTask", "deleteTag"} <= conform.operations


def test_custom_fields_and_enum_options_conform(conform, sandbox):
    """Custom field CRUD and enum option create/insert/update conform."""
    ws = sandbox.workspace_gid
    conform.get(f"/workspaces/{ws}/custom_fields")
    field = conform.post("/custom_fields", {
        "name": "Severity", "workspace": ws, "resource_subtype": "enum",
        "enum_options": [{"name": "Low"}, {"name": "High"}],
    }, 201)["data"]
    conform.post("/custom_fields", {"name": "Budget", "workspace": ws,
                                    "resource_subtype": "number", "precision": 2}, 201)
    conform.get(f"/custom_fields/{field['gid']}")
    conform.put(f"/custom_fields/{field['gid']}", {"description": "How bad it is"})
    option = conform.post(f"/custom_fields/{field['gid']}/enum_options",
                          {"name": "Medium", "color": "light-green"}, 201)["data"]
    first = field["enum_options"][0]["gid"]
    conform.post(f"/custom_fields/{field['gid']}/enum_options/insert",
                 {"enum_option": option["gid"], "before_enum_option": first})
    conform.put(f"/enum_options/{option['gid']}", {"name": "Moderate", "enabled": False})
    conform.delete(f"/custom_fields/{field['gid']}")
    assert {"getCustomFieldsForWorkspace", "createCustomField", "getCustomField",
            "updateCustomField", "createEnumOptionForCustomField",
            "insertEnumOptionForCustomField", "updateEnumOption",
            "deleteCustomField"} <= conform.operations


def test_attachments_conform(conform, task):
    """Uploads, external links, attachment lists, get and delete conform."""
    gid = task["gid"]
    upload = conform.form("/attachments", {"parent": gid},
                          files={"file": ("visit.txt", b"visited", "text/plain")})["data"]
    conform.form("/attachments", {"parent": gid, "resource_subtype": "external",
                                  "url": "https://example.org/photo.jpg", "name": "Photo"})
    conform.get("/attachments", parent=gid)
    conform.get("/attachments", parent=gid, limit=1)
    conform.get(f"/attachments/{upload['gid']}")
    conform.delete(f"/attachments/{upload['gid']}")
    assert {"createAttachmentForObject", "getAttachmentsForObject", "getAttachment",
            "deleteAttachment"} <= conform.operations


def test_webhooks_events_and_batch_conform(conform, sandbox, grievances, task):
    """Webhook CRUD, /events (412 then 200) and /batch conform."""
    async def receiver(scope: dict[str, Any], receive: Any, send: Any) -> None:
        while (await receive()).get("more_body"):
            pass
        headers = dict(scope["headers"])
        secret = headers.get(b"x-hook-secret")
        echo = [(b"x-hook-secret", secret)] if secret else []
        await send({"type": "http.response.start", "status": 200, "headers": echo})
        await send({"type": "http.response.body", "body": b""})

    hooks = install_webhooks(sandbox.api, transport=httpx.ASGITransport(app=receiver),
                             settings=WebhookSettings(retry_base=0.001, retry_max=0.001))
    try:
        _drive_webhooks_events_and_batch(conform, sandbox, grievances, task, hooks)
    finally:
        conform.run(hooks.aclose())
    assert {"createWebhook", "getWebhooks", "getWebhook", "updateWebhook", "deleteWebhook",
            "getEvents", "getWorkspaceEvents", "createBatchRequest"} <= conform.operations


def _drive_webhooks_events_and_batch(conform: Conform, sandbox: Sandbox, grievances: str,
                                     task: dict[str, Any], hooks: Any) -> None:
    ws = sandbox.workspace_gid
    hook = conform.post("/webhooks", {"resource": grievances,
                                      "target": "https://receiver.example.org/hook"}, 201)
    gid = hook["data"]["gid"]
    conform.get("/webhooks", workspace=ws)
    conform.get("/webhooks", workspace=ws, resource=grievances, limit=1)
    conform.get(f"/webhooks/{gid}")
    conform.put(f"/webhooks/{gid}", {"filters": [{"resource_type": "task", "action": "changed",
                                                  "fields": ["name"]}]})
    sync = conform.get("/events", status=412, resource=grievances)["sync"]
    conform.put(f"/tasks/{task['gid']}", {"name": "Renamed for the stream", "assignee": "me"})
    conform.post(f"/tasks/{task['gid']}/stories", {"text": "An event"}, 201)
    conform.get("/events", resource=grievances, sync=sync)
    conform.get("/events", resource=task["gid"], status=412)
    workspace_sync = conform.get(f"/workspaces/{ws}/events", status=412)["sync"]
    conform.post("/tasks", {"name": "Seen by the workspace", "workspace": ws}, 201)
    conform.get(f"/workspaces/{ws}/events", sync=workspace_sync, opt_fields="action,resource.name")
    conform.run(hooks.drain())
    conform.delete(f"/webhooks/{gid}")
    conform.post("/batch", {"actions": [
        {"relative_path": f"/tasks/{task['gid']}", "method": "get"},
        {"relative_path": "/tasks", "method": "post",
         "data": {"name": "Batched", "projects": [grievances]}},
        {"relative_path": "/tasks/1999999999999999", "method": "get"},
    ]})


def test_errors_conform(conform, sandbox, clock, make_api):
    """400, 401, 402, 404 (unknown and not emulated) and 429 use Asana's error envelope."""
    ws = sandbox.workspace_gid
    conform.get("/tasks", status=400)
    conform.get("/tasks", status=400, project=sandbox.project_gid("Grievances"), limit=0)
    conform.get("/tasks", status=400, project=sandbox.project_gid("Grievances"), offset="forged")
    conform.get("/tasks/1999999999999999", status=404)
    conform.get("/goals/1999999999999999", status=404)
    conform.post("/tasks", {"name": "No container"}, 400)
    free = next(w["gid"] for w in sandbox.backend.workspaces.values() if not w.get("_premium"))
    conform.get(f"/workspaces/{free}/tasks/search", status=402, text="x")
    unauthorized = Conform(sandbox, token="not-a-token")
    try:
        body = unauthorized.get("/users/me", status=401)
        assert body == {"errors": [{"message": "Not Authorized"}]}
    finally:
        unauthorized.close()
    limited = Conform(Sandbox(clock=clock, quota=1))
    try:
        limited.get("/users/me")
        limited.get("/users/me", status=429)
    finally:
        limited.close()
    assert ws


def test_compact_task_lists_carry_the_compact_fields(conform, grievances, task):
    """A task list without opt_fields gives gid, resource_type, name and resource_subtype."""
    tasks = conform.get("/tasks", project=grievances)["data"]
    assert tasks and all(set(t) >= {"gid", "resource_type", "name", "resource_subtype"}
                         for t in tasks)
    assert all(t["resource_type"] == "task" for t in tasks)


def test_full_task_timestamps_have_milliseconds(conform, task):
    """created_at and modified_at are ISO-8601 UTC with milliseconds and Z."""
    full = conform.get(f"/tasks/{task['gid']}")["data"]
    assert oc.TIMESTAMP.match(full["created_at"]) and oc.TIMESTAMP.match(full["modified_at"])
    assert oc.GID.match(full["gid"])


def test_the_checker_rejects_a_wrong_shape():
    """The shape checks catch a short gid, an unknown type and a timestamp without ms."""
    problems = oc.shape_problems({"data": [{"gid": "12", "resource_type": "tsk",
                                            "created_at": "2024-01-01T00:00:00Z"}]},
                                 compact_list=True)
    assert len(problems) == 3


def test_the_checker_rejects_a_body_the_spec_forbids():
    """A task whose name is a number fails schema validation."""
    with pytest.raises(oc.ConformanceError, match="getTask"):
        oc.validate_response("GET", "/api/1.0/tasks/1234567890123456", 200,
                             {"data": {"gid": "1234567890123456", "name": 5}})


def test_the_checker_rejects_an_undeclared_status():
    """A 200 from createTask (which declares 201) is a conformance error."""
    with pytest.raises(oc.ConformanceError, match="201"):
        oc.validate_response("POST", "/tasks", 200, {"data": {}})


# -- docs/SANDBOX_COVERAGE.md ----------------------------------------------------------------

def _coverage_module() -> Any:
    path = Path(__file__).resolve().parents[2] / "scripts" / "sandbox_coverage.py"
    spec = importlib.util.spec_from_file_location("sandbox_coverage", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def test_coverage_document_is_up_to_date():
    """docs/SANDBOX_COVERAGE.md matches what the script generates from spec and routes."""
    coverage = _coverage_module()
    assert coverage.DOC_PATH.read_text(encoding="utf-8") == coverage.build(), (
        "docs/SANDBOX_COVERAGE.md is stale: run python scripts/sandbox_coverage.py")


def test_coverage_lists_all_247_operations():
    """The coverage rows are every operation of the spec."""
    coverage = _coverage_module()
    rows = coverage.coverage(coverage.spec_operations(), coverage.sandbox_routes())
    assert len(rows) == 247 == len(oc.operations())


def test_every_promised_tag_is_fully_emulated():
    """Tasks, Projects, Sections, ... Jobs: every operation of these tags is emulated."""
    coverage = _coverage_module()
    rows = coverage.coverage(coverage.spec_operations(), coverage.sandbox_routes())
    missing = [f"{op.tag}: {op.method} {op.path} ({op.operation_id})"
               for op in coverage.missing_promised(rows)]
    assert not missing, "not emulated:\n" + "\n".join(missing)
