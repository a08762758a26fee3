"""Stories: comments and system stories."""

from __future__ import annotations


def test_create_comment(api, new_task, ok):
    """POST /tasks/{gid}/stories creates a comment by the caller."""
    task = new_task()
    story = ok(api.post(f"/tasks/{task['gid']}/stories", {"text": "Visited the site"}), 201)
    assert (story["text"], story["type"], story["resource_subtype"]) == (
        "Visited the site",
        "comment",
        "comment_added",
    )
    assert story["created_by"]["name"] == "Sandbox User"


def test_comment_with_html_text(api, new_task, ok):
    """html_text is accepted and its text derived."""
    task = new_task()
    story = ok(
        api.post(
            f"/tasks/{task['gid']}/stories", {"html_text": "<body>Met <em>elders</em></body>"}
        ),
        201,
    )
    assert story["text"] == "Met elders"


def test_text_and_html_text_together_is_400(api, new_task):
    """text and html_text are exclusive."""
    task = new_task()
    assert (
        api.post(
            f"/tasks/{task['gid']}/stories", {"text": "a", "html_text": "<body>a</body>"}
        ).status_code
        == 400
    )


def test_comment_needs_text(api, new_task, error_message):
    """A comment needs text."""
    task = new_task()
    assert (
        error_message(api.post(f"/tasks/{task['gid']}/stories", {}), 400) == "text: Missing input"
    )


def test_pinned_comment(api, new_task, ok):
    """is_pinned is kept."""
    task = new_task()
    story = ok(api.post(f"/tasks/{task['gid']}/stories", {"text": "pin", "is_pinned": True}), 201)
    assert ok(api.get(f"/stories/{story['gid']}"))["is_pinned"] is True


def test_update_comment_marks_edited(api, new_task, ok):
    """Editing a comment changes its text and sets is_edited."""
    task = new_task()
    story = ok(api.post(f"/tasks/{task['gid']}/stories", {"text": "draft"}), 201)
    edited = ok(api.put(f"/stories/{story['gid']}", {"text": "final"}))
    assert (edited["text"], edited["is_edited"]) == ("final", True)


def test_delete_comment(api, new_task, ok):
    """A comment can be deleted."""
    task = new_task()
    story = ok(api.post(f"/tasks/{task['gid']}/stories", {"text": "oops"}), 201)
    assert ok(api.delete(f"/stories/{story['gid']}")) == {}
    assert api.get(f"/stories/{story['gid']}").status_code == 404


def test_assignment_records_system_story(api, new_task, ok):
    """Assigning a task records an "assigned" system story."""
    task = new_task()
    api.put(f"/tasks/{task['gid']}", {"assignee": "carlos@example.org"})
    story = ok(api.get(f"/tasks/{task['gid']}/stories"))[-1]
    assert story["resource_subtype"] == "assigned" and "Carlos Ruiz" in story["text"]


def test_completion_records_system_story(api, new_task, ok):
    """Completing a task records "marked_complete"."""
    task = new_task()
    api.put(f"/tasks/{task['gid']}", {"completed": True})
    assert ok(api.get(f"/tasks/{task['gid']}/stories"))[-1]["resource_subtype"] == "marked_complete"


def test_adding_to_project_records_system_story(api, new_task, sandbox, ok):
    """addProject records "added_to_project"."""
    task = new_task()
    api.post(
        f"/tasks/{task['gid']}/addProject", {"project": sandbox.project_gid("Field Operations")}
    )
    story = ok(api.get(f"/tasks/{task['gid']}/stories"))[-1]
    assert story["resource_subtype"] == "added_to_project" and "Field Operations" in story["text"]


def test_system_story_cannot_be_edited(api, new_task, ok):
    """Only comments can be edited."""
    task = new_task()
    api.put(f"/tasks/{task['gid']}", {"completed": True})
    story = ok(api.get(f"/tasks/{task['gid']}/stories"))[-1]
    assert api.put(f"/stories/{story['gid']}", {"text": "x"}).status_code == 403


def test_comment_does_not_bump_task_modified_at(api, new_task, clock, ok):
    """A comment leaves the task's modified_at alone."""
    task = new_task()
    clock.advance(10)
    api.post(f"/tasks/{task['gid']}/stories", {"text": "hello"})
    assert ok(api.get(f"/tasks/{task['gid']}"))["modified_at"] == task["modified_at"]
