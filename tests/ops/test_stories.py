"""Stories: comments on tasks and listing a task's stories."""

import pytest

from asana_adaptor.client import InvalidRequestError, NotFoundError
from asana_adaptor.ops import create_task, create_task_story, get_stories

UNKNOWN = "1999999999999999"


@pytest.fixture
def task_gid(run, project_gid):
    return run(create_task({"name": "Commented", "projects": [project_gid]}))["data"]["gid"]


def test_create_task_story_adds_a_comment(run, api, task_gid):
    """create_task_story adds a comment that the task's stories then show."""
    state = run(create_task_story(task_gid, {"text": "Synced from Kobo"}))
    assert state["data"]["text"] == "Synced from Kobo"
    stories = api("GET", f"/tasks/{task_gid}/stories")
    assert "Synced from Kobo" in [s.get("text") for s in stories]


def test_create_task_story_with_html_text(run, api, task_gid):
    """An html_text comment is stored with its plain text."""
    run(create_task_story(task_gid, {"html_text": "<body>Seen by <strong>Amina</strong></body>"}))
    texts = [s.get("text") for s in api("GET", f"/tasks/{task_gid}/stories")]
    assert "Seen by Amina" in texts


def test_create_task_story_refuses_text_and_html_text_together(run, task_gid):
    """text and html_text together are refused with a clear error."""
    with pytest.raises(InvalidRequestError, match="exactly one of text or html_text"):
        run(create_task_story(task_gid, {"text": "a", "html_text": "<body>b</body>"}))


def test_create_task_story_on_unknown_task_raises_not_found(run):
    """Commenting on an unknown task raises NotFoundError."""
    with pytest.raises(NotFoundError):
        run(create_task_story(UNKNOWN, {"text": "hello"}))


def test_get_stories_lists_comments_in_order(run, task_gid):
    """get_stories returns the task's comments, oldest first."""
    state = run(create_task_story(task_gid, {"text": "one"}),
                create_task_story(task_gid, {"text": "two"}),
                get_stories(task_gid))
    comments = [s["text"] for s in state["data"] if s.get("resource_subtype") == "comment_added"]
    assert comments == ["one", "two"]


def test_get_stories_of_unknown_task_raises_not_found(run):
    """Listing the stories of an unknown task raises NotFoundError."""
    with pytest.raises(NotFoundError):
        run(get_stories(UNKNOWN))
