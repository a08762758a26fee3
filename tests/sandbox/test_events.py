"""The Events API: sync tokens, 412s, bubbling, pages of 100, expiry."""

from __future__ import annotations

from typing import Any

from asana_sandbox.events import SYNC_MESSAGE


def _sync(api: Any, resource: str) -> str:
    """A fresh sync token for ``resource`` (from the first call's 412)."""
    response = api.get("/events", params={"resource": resource})
    assert response.status_code == 412, response.text
    return response.json()["sync"]


def test_first_call_answers_412_with_a_fresh_sync_token(api, grievances):
    """Without a sync token, /events answers 412 with the token beside the errors."""
    response = api.get("/events", params={"resource": grievances})
    assert response.status_code == 412
    body = response.json()
    assert body["errors"][0]["message"] == SYNC_MESSAGE
    assert isinstance(body["sync"], str) and len(body["sync"]) == 32


def test_events_since_the_token_are_returned_once(api, grievances, new_task):
    """A task created after the token shows up as an 'added' event with the project as parent."""
    sync = _sync(api, grievances)
    task = new_task("Flooded well")
    body = api.get("/events", params={"resource": grievances, "sync": sync}).json()
    added = [e for e in body["data"]
             if e["resource"]["gid"] == task["gid"] and e["action"] == "added"]
    assert added and added[0]["parent"]["gid"] == grievances
    assert added[0]["resource"] == {"gid": task["gid"], "resource_type": "task",
                                    "name": "Flooded well", "resource_subtype": "default_task"}
    assert added[0]["type"] == "task"
    assert body["has_more"] is False
    again = api.get("/events", params={"resource": grievances, "sync": body["sync"]}).json()
    assert again["data"] == []


def test_repeating_the_current_token_is_idempotent(api, grievances, new_task):
    """The same token twice returns the same events."""
    sync = _sync(api, grievances)
    new_task("One")
    first = api.get("/events", params={"resource": grievances, "sync": sync}).json()
    second = api.get("/events", params={"resource": grievances, "sync": sync}).json()
    assert first["data"] == second["data"] and first["data"]


def test_task_changes_bubble_up_to_the_project(api, grievances, new_task):
    """Changing a task's name is an event on its project, with the change described."""
    task = new_task("Old name")
    sync = _sync(api, grievances)
    api.put(f"/tasks/{task['gid']}", {"name": "New name"})
    events = api.get("/events", params={"resource": grievances, "sync": sync}).json()["data"]
    changed = [e for e in events if e["action"] == "changed"]
    assert changed and changed[0]["resource"]["gid"] == task["gid"]
    assert changed[0]["change"]["field"] == "name"
    assert changed[0]["user"]["resource_type"] == "user"


def test_events_of_other_resources_are_not_returned(api, sandbox, grievances, new_task):
    """A stream on another project does not see a task created in Grievances."""
    other = sandbox.project_gid("Field Operations")
    sync = _sync(api, other)
    new_task("Not yours")
    body = api.get("/events", params={"resource": other, "sync": sync}).json()
    assert body["data"] == []


def test_at_most_100_events_per_response_with_has_more(api, grievances, new_task):
    """120 changes come back in pages of at most 100, has_more on all but the last, none lost."""
    task = new_task("Busy task")
    sync = _sync(api, task["gid"])
    for number in range(120):
        api.put(f"/tasks/{task['gid']}", {"notes": f"revision {number}"})
    pages = []
    while True:
        body = api.get("/events", params={"resource": task["gid"], "sync": sync}).json()
        pages.append(body)
        sync = body["sync"]
        if not body["has_more"]:
            break
    assert len(pages[0]["data"]) == 100 and pages[0]["has_more"] is True
    assert all(len(page["data"]) <= 100 for page in pages)
    notes = [e for page in pages for e in page["data"]
             if e["action"] == "changed" and (e.get("change") or {}).get("field") == "notes"]
    assert len(notes) == 120


def test_an_expired_token_answers_412_with_a_new_one(api, clock, grievances):
    """A sync token older than 24 hours is refused with a fresh token."""
    sync = _sync(api, grievances)
    clock.advance(24 * 3600 + 1)
    response = api.get("/events", params={"resource": grievances, "sync": sync})
    assert response.status_code == 412
    assert response.json()["sync"] != sync


def test_an_unknown_token_answers_412(api, grievances):
    """A made-up sync token is treated as expired."""
    response = api.get("/events", params={"resource": grievances, "sync": "not-a-token"})
    assert response.status_code == 412 and "sync" in response.json()


def test_a_token_is_bound_to_its_resource(api, sandbox, grievances):
    """A token issued for one resource is not valid for another."""
    sync = _sync(api, grievances)
    other = sandbox.project_gid("Field Operations")
    response = api.get("/events", params={"resource": other, "sync": sync})
    assert response.status_code == 412


def test_resource_is_required(api, error_message):
    """GET /events without a resource is a 400 naming the parameter."""
    assert error_message(api.get("/events"), 400) == "resource: Missing input"


def test_an_unknown_resource_is_refused(api):
    """A resource gid that does not exist is an error, not an empty stream."""
    response = api.get("/events", params={"resource": "1999999999999999"})
    assert response.status_code in (400, 404)
    assert "1999999999999999" in response.json()["errors"][0]["message"]


def test_opt_fields_project_events_and_expand_references(api, grievances, new_task):
    """opt_fields=action,user.name returns only those, with the user's name filled in."""
    sync = _sync(api, grievances)
    new_task("Projected")
    body = api.get("/events", params={"resource": grievances, "sync": sync,
                                      "opt_fields": "action,user.name"}).json()
    assert body["data"]
    for event in body["data"]:
        assert set(event) == {"action", "user"}
        assert event["user"]["name"] == "Sandbox User"


def test_story_events_reach_the_task_stream(api, new_task):
    """A comment on a task is an 'added' story event on that task's stream."""
    task = new_task("Commented")
    sync = _sync(api, task["gid"])
    api.post(f"/tasks/{task['gid']}/stories", {"text": "Visited the site"})
    events = api.get("/events", params={"resource": task["gid"], "sync": sync}).json()["data"]
    assert any(e["resource"]["resource_type"] == "story" and e["action"] == "added"
               for e in events)


def test_the_workspace_stream_sees_changes_anywhere_in_it(api, sandbox, new_task):
    """GET /workspaces/{gid}/events answers 412 first, then the workspace's events."""
    path = f"/workspaces/{sandbox.workspace_gid}/events"
    first = api.get(path)
    assert first.status_code == 412
    task = new_task("Anywhere")
    body = api.get(path, params={"sync": first.json()["sync"]}).json()
    assert any(e["resource"]["gid"] == task["gid"] for e in body["data"])


def test_the_workspace_stream_pages_by_1000(api, sandbox, new_task):
    """The workspace stream returns up to 1,000 events per token, more than /events' 100."""
    path = f"/workspaces/{sandbox.workspace_gid}/events"
    sync = api.get(path).json()["sync"]
    task = new_task("Chatty")
    for number in range(110):
        api.put(f"/tasks/{task['gid']}", {"notes": f"v{number}"})
    body = api.get(path, params={"sync": sync}).json()
    assert len(body["data"]) > 100 and body["has_more"] is False


def test_a_deleted_task_still_shows_its_name(api, new_task):
    """A stream on a task outlives it: its 'deleted' event keeps the name."""
    task = new_task("Gone soon")
    sync = _sync(api, task["gid"])
    api.delete(f"/tasks/{task['gid']}")
    events = api.get("/events", params={"resource": task["gid"], "sync": sync}).json()["data"]
    deleted = [e for e in events if e["action"] == "deleted"]
    assert deleted and deleted[0]["resource"]["name"] == "Gone soon"
