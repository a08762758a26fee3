"""Sections: list, create, update, delete, insert, addTask and section task lists."""

from __future__ import annotations


def _sections(api, project, ok):
    return ok(api.get(f"/projects/{project}/sections"))


def test_demo_sections_in_order(api, grievances, ok):
    """Grievances has New, In Review, Resolved."""
    assert [s["name"] for s in _sections(api, grievances, ok)] == ["New", "In Review", "Resolved"]


def test_create_section_appends(api, grievances, ok):
    """A new section goes last."""
    created = ok(api.post(f"/projects/{grievances}/sections", {"name": "Escalated"}), 201)
    assert created["project"]["gid"] == grievances
    assert _sections(api, grievances, ok)[-1]["gid"] == created["gid"]


def test_create_section_insert_before(api, grievances, ok):
    """insert_before places the new section before another."""
    first = _sections(api, grievances, ok)[0]["gid"]
    created = ok(
        api.post(f"/projects/{grievances}/sections", {"name": "Triage", "insert_before": first}),
        201,
    )
    assert _sections(api, grievances, ok)[0]["gid"] == created["gid"]


def test_create_section_without_name_is_400(api, grievances, error_message):
    """A section needs a non-empty name."""
    assert (
        error_message(api.post(f"/projects/{grievances}/sections", {"name": ""}), 400)
        == "name: Missing input"
    )


def test_rename_section(api, grievances, ok):
    """PUT /sections/{gid} renames."""
    section = _sections(api, grievances, ok)[0]["gid"]
    assert ok(api.put(f"/sections/{section}", {"name": "Incoming"}))["name"] == "Incoming"


def test_insert_section_after_another(api, grievances, ok):
    """sections/insert moves a section after another."""
    new, review, resolved = [s["gid"] for s in _sections(api, grievances, ok)]
    assert ok(api.post(f"/projects/{grievances}/sections/insert",
                       {"section": new, "after_section": resolved})) == {}
    assert [s["gid"] for s in _sections(api, grievances, ok)] == [review, resolved, new]


def test_insert_section_needs_one_anchor(api, grievances, ok):
    """sections/insert needs before_section or after_section."""
    new = _sections(api, grievances, ok)[0]["gid"]
    assert api.post(f"/projects/{grievances}/sections/insert", {"section": new}).status_code == 400


def test_add_task_to_section_moves_it(api, grievances, new_task, ok):
    """addTask moves the task into that section and out of the others."""
    task = new_task()
    review = _sections(api, grievances, ok)[1]["gid"]
    assert ok(api.post(f"/sections/{review}/addTask", {"task": task["gid"]})) == {}
    memberships = ok(api.get(f"/tasks/{task['gid']}"))["memberships"]
    assert memberships == [
        {
            "project": {"gid": grievances, "resource_type": "project", "name": "Grievances"},
            "section": {"gid": review, "resource_type": "section", "name": "In Review"},
        }
    ]


def test_add_task_goes_to_top_of_section(api, grievances, new_task, ok):
    """addTask puts the task at the top of the section by default."""
    first, second = new_task("first"), new_task("second")
    section = ok(api.get(f"/tasks/{first['gid']}"))["memberships"][0]["section"]["gid"]
    api.post(f"/sections/{section}/addTask", {"task": second["gid"]})
    names = [t["name"] for t in ok(api.get(f"/sections/{section}/tasks"))]
    assert names == ["second", "first"]


def test_add_task_insert_after(api, grievances, new_task, ok):
    """insert_after places the task right after another task of the section."""
    a, b, c = new_task("a"), new_task("b"), new_task("c")
    section = ok(api.get(f"/tasks/{a['gid']}"))["memberships"][0]["section"]["gid"]
    api.post(f"/sections/{section}/addTask", {"task": c["gid"], "insert_after": a["gid"]})
    assert [t["name"] for t in ok(api.get(f"/sections/{section}/tasks"))] == ["a", "c", "b"]


def test_new_tasks_land_in_first_section(api, grievances, new_task, ok):
    """A task created in a project lands at the end of its first section."""
    task = new_task()
    assert ok(api.get(f"/tasks/{task['gid']}"))["memberships"][0]["section"]["name"] == "New"


def test_create_with_membership_section(api, grievances, ok):
    """memberships on create place the task in a section."""
    resolved = _sections(api, grievances, ok)[2]["gid"]
    task = ok(
        api.post(
            "/tasks", {"name": "x", "memberships": [{"project": grievances, "section": resolved}]}
        ),
        201,
    )
    assert task["memberships"][0]["section"]["gid"] == resolved


def test_delete_nonempty_section_is_400(api, grievances, new_task, ok):
    """A section must be empty to be deleted."""
    new_task()
    first = _sections(api, grievances, ok)[0]["gid"]
    assert api.delete(f"/sections/{first}").status_code == 400


def test_delete_empty_section(api, grievances, ok):
    """An empty section can be deleted."""
    last = _sections(api, grievances, ok)[-1]["gid"]
    assert ok(api.delete(f"/sections/{last}")) == {}
    assert len(_sections(api, grievances, ok)) == 2


def test_get_section(api, grievances, ok):
    """GET /sections/{gid} answers the full section."""
    first = _sections(api, grievances, ok)[0]["gid"]
    section = ok(api.get(f"/sections/{first}"))
    assert section["name"] == "New" and section["project"]["name"] == "Grievances"
