"""The record_event hook: every change produces an Asana-shaped event with its targets."""

from __future__ import annotations


def _listen(sandbox):
    seen = []
    sandbox.backend.event_listeners.append(lambda event, targets: seen.append((event, targets)))
    return seen


def test_task_create_records_added_with_project_parent(api, sandbox, grievances, new_task):
    """Creating a task in a project records "added" with the project as parent."""
    seen = _listen(sandbox)
    task = new_task()
    event, targets = [e for e in seen if e[0]["resource"]["resource_type"] == "task"][0]
    assert event["action"] == "added" and event["resource"]["gid"] == task["gid"]
    assert event["parent"]["gid"] == grievances and event["type"] == "task"
    assert {task["gid"], grievances, sandbox.workspace_gid} <= targets


def test_update_records_changed_with_field(api, sandbox, new_task):
    """An update records "changed" with the field and the new value."""
    task = new_task()
    seen = _listen(sandbox)
    api.put(f"/tasks/{task['gid']}", {"assignee": "me"})
    changes = [e["change"] for e, _ in seen if e["action"] == "changed"]
    assert {"field": "assignee", "action": "changed",
            "new_value": {"gid": sandbox.user_gid, "resource_type": "user"}} in changes


def test_event_user_is_the_caller(api, sandbox, new_task):
    """Events name the acting user."""
    new_task()
    assert sandbox.backend.events[-1]["user"] == {"gid": sandbox.user_gid, "resource_type": "user"}


def test_subtask_story_events_bubble_to_project(api, sandbox, grievances, new_task):
    """A comment on a subtask reaches the parent's project."""
    parent = new_task()
    child = api.post(f"/tasks/{parent['gid']}/subtasks", {"name": "c"}).json()["data"]
    seen = _listen(sandbox)
    api.post(f"/tasks/{child['gid']}/stories", {"text": "hi"})
    event, targets = seen[-1]
    assert event["resource"]["resource_type"] == "story"
    assert {child["gid"], parent["gid"], grievances} <= targets


def test_events_have_increasing_sequence_numbers(api, new_task, sandbox):
    """Each event gets a larger internal sequence number."""
    new_task()
    new_task()
    numbers = [e["_seq"] for e in sandbox.backend.events]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)


def test_delete_records_deleted(api, sandbox, new_task):
    """Deleting a task records "deleted"."""
    task = new_task()
    api.delete(f"/tasks/{task['gid']}")
    last = sandbox.backend.events[-1]
    assert (last["action"], last["resource"]["gid"]) == ("deleted", task["gid"])
