"""Task links against the sandbox: parent, projects, sections, tags, followers, dependencies."""

import pytest

from asana_adaptor.client import (
    BadRequestError,
    InvalidRequestError,
    NotFoundError,
    PremiumRequiredError,
)
from asana_adaptor.ops import (
    add_dependencies,
    add_dependents,
    add_followers,
    add_tag,
    add_task_to_project,
    create_task,
    move_task_to_section,
    remove_followers,
    remove_tag,
    remove_task_from_project,
    set_parent,
)

UNKNOWN = "1999999999999999"


@pytest.fixture
def new_task(run, project_gid):
    """A function that creates a task in the Grievances project and returns its gid."""

    def make(name: str = "Linked task") -> str:
        return run(create_task({"name": name, "projects": [project_gid]}))["data"]["gid"]

    return make


def _section(api, project_gid, name):
    return next(s["gid"] for s in api("GET", f"/projects/{project_gid}/sections")
                if s["name"] == name)


def _tag(api, sb, name):
    return next(t["gid"] for t in api("GET", "/tags", {"workspace": sb.workspace_gid})
                if t["name"] == name)


def test_set_parent_makes_a_subtask(run, api, new_task):
    """set_parent moves a task under another one."""
    parent, child = new_task("Parent"), new_task("Child")
    run(set_parent(child, parent))
    assert api("GET", f"/tasks/{child}")["parent"]["gid"] == parent


def test_set_parent_to_none_makes_a_top_level_task(run, api, new_task):
    """set_parent(None) detaches a subtask from its parent."""
    parent, child = new_task("Parent"), new_task("Child")
    run(set_parent(child, parent), set_parent(child, None))
    assert api("GET", f"/tasks/{child}")["parent"] is None


def test_set_parent_refuses_both_anchors(run, recorder, new_task):
    """Giving insert_before and insert_after together is refused before sending."""
    child = new_task()
    sent = len(recorder.requests)
    with pytest.raises(InvalidRequestError, match="insert_before"):
        run(set_parent(child, UNKNOWN, {"insert_before": "1", "insert_after": "2"}))
    assert len(recorder.requests) == sent


def test_add_task_to_project_in_a_section(run, api, sb, new_task, project_gid):
    """add_task_to_project puts the task in the other project's given section."""
    task = new_task()
    field_ops = sb.project_gid("Field Operations")
    section = api("GET", f"/projects/{field_ops}/sections")[0]["gid"]
    run(add_task_to_project(task, field_ops, {"section": section}))
    stored = api("GET", f"/tasks/{task}",
                 {"opt_fields": "memberships.project,memberships.section"})
    assert (field_ops, section) in [(m["project"]["gid"], m["section"]["gid"])
                                    for m in stored["memberships"]]


def test_add_task_to_unknown_project_is_a_bad_request(run, new_task):
    """Adding a task to an unknown project raises BadRequestError naming the project."""
    with pytest.raises(BadRequestError, match="project: Unknown object"):
        run(add_task_to_project(new_task(), UNKNOWN))


def test_remove_task_from_project(run, api, new_task, project_gid):
    """remove_task_from_project takes the task out of the project; the task remains."""
    task = new_task()
    run(remove_task_from_project(task, project_gid))
    assert task not in {t["gid"] for t in api("GET", f"/projects/{project_gid}/tasks")}
    assert api("GET", f"/tasks/{task}")["gid"] == task


def test_move_task_to_section(run, api, new_task, project_gid):
    """move_task_to_section places the task in that section of the project."""
    task = new_task()
    resolved = _section(api, project_gid, "Resolved")
    run(move_task_to_section(task, resolved))
    assert task in {t["gid"] for t in api("GET", f"/sections/{resolved}/tasks")}


def test_move_task_to_unknown_section_raises_not_found(run, new_task):
    """Moving a task to an unknown section raises NotFoundError."""
    with pytest.raises(NotFoundError):
        run(move_task_to_section(new_task(), UNKNOWN))


def test_add_and_remove_tag(run, api, sb, new_task):
    """add_tag tags the task and remove_tag untags it."""
    task, urgent = new_task(), _tag(api, sb, "urgent")
    run(add_tag(task, urgent))
    assert [t["gid"] for t in api("GET", f"/tasks/{task}")["tags"]] == [urgent]
    run(remove_tag(task, urgent))
    assert api("GET", f"/tasks/{task}")["tags"] == []


def test_add_unknown_tag_is_a_bad_request(run, new_task):
    """Tagging with an unknown tag raises BadRequestError naming the tag."""
    with pytest.raises(BadRequestError, match="tag: Unknown object"):
        run(add_tag(new_task(), UNKNOWN))


def test_add_and_remove_followers_by_email(run, api, new_task):
    """add_followers accepts emails; remove_followers takes them off again."""
    task = new_task()

    def followers():
        stored = api("GET", f"/tasks/{task}", {"opt_fields": "followers.name"})
        return {f["name"] for f in stored["followers"]}

    run(add_followers(task, ["amina@example.org", "carlos@example.org"]))
    assert {"Amina Diallo", "Carlos Ruiz"} <= followers()
    run(remove_followers(task, "carlos@example.org"))
    assert "Carlos Ruiz" not in followers() and "Amina Diallo" in followers()


def test_add_followers_refuses_an_empty_list(run, new_task):
    """An empty follower list is refused with a clear error."""
    with pytest.raises(InvalidRequestError, match="followers"):
        run(add_followers(new_task(), []))


def test_add_dependencies_and_dependents(run, api, new_task):
    """add_dependencies and add_dependents link tasks both ways."""
    first, second, third = new_task("First"), new_task("Second"), new_task("Third")
    run(add_dependencies(second, [first]), add_dependents(second, [third]))
    task = api("GET", f"/tasks/{second}", {"opt_fields": "dependencies,dependents"})
    assert [d["gid"] for d in task["dependencies"]] == [first]
    assert [d["gid"] for d in task["dependents"]] == [third]


def test_add_dependencies_in_a_free_workspace_needs_premium(run, api, sb):
    """Dependencies are premium: in the free workspace they raise PremiumRequiredError."""
    free = next(p["gid"] for p in api("GET", "/projects", {"workspace": next(
        w["gid"] for w in api("GET", "/workspaces") if w["name"] == "Free Workspace")}))
    a = run(create_task({"name": "a", "projects": [free]}))["data"]["gid"]
    b = run(create_task({"name": "b", "projects": [free]}))["data"]["gid"]
    with pytest.raises(PremiumRequiredError):
        run(add_dependencies(a, [b]))


def test_remove_task_from_unknown_project_is_a_bad_request(run, new_task):
    """Removing a task from an unknown project raises BadRequestError naming the project."""
    with pytest.raises(BadRequestError, match="project: Unknown object"):
        run(remove_task_from_project(new_task(), UNKNOWN))


def test_remove_tag_from_unknown_task_raises_not_found(run, api, sb):
    """Untagging an unknown task raises NotFoundError."""
    with pytest.raises(NotFoundError):
        run(remove_tag(UNKNOWN, _tag(api, sb, "urgent")))


def test_add_dependents_with_unknown_task_is_refused(run, new_task):
    """A dependent that does not exist is refused by Asana with its gid in the message."""
    with pytest.raises((BadRequestError, NotFoundError), match=UNKNOWN):
        run(add_dependents(new_task(), [UNKNOWN]))


def test_remove_followers_from_an_unknown_task(run):
    """Removing followers from an unknown task raises NotFoundError naming its path."""
    with pytest.raises(NotFoundError, match=f"/tasks/{UNKNOWN}/removeFollowers"):
        run(remove_followers(UNKNOWN, ["me"]))
