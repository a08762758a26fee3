"""Task relations: subtasks, setParent, projects, tags, followers, dependencies, duplicate."""

from __future__ import annotations

from asana_sandbox import Sandbox


def test_create_subtask(api, new_task, ok):
    """POST /tasks/{gid}/subtasks creates a child task."""
    parent = new_task("parent")
    child = ok(api.post(f"/tasks/{parent['gid']}/subtasks", {"name": "child"}), 201)
    assert child["parent"]["gid"] == parent["gid"]
    assert [t["gid"] for t in ok(api.get(f"/tasks/{parent['gid']}/subtasks"))] == [child["gid"]]


def test_num_subtasks_counts_children(api, new_task, ok):
    """num_subtasks (opt-in) counts subtasks."""
    parent = new_task()
    api.post(f"/tasks/{parent['gid']}/subtasks", {"name": "a"})
    api.post(f"/tasks/{parent['gid']}/subtasks", {"name": "b"})
    assert (
        ok(api.get(f"/tasks/{parent['gid']}", {"opt_fields": "num_subtasks"}))["num_subtasks"] == 2
    )


def test_set_parent_and_unset(api, new_task, ok):
    """setParent attaches a task to a parent; parent null detaches it."""
    parent, task = new_task("p"), new_task("t")
    assert (
        ok(api.post(f"/tasks/{task['gid']}/setParent", {"parent": parent["gid"]}))["parent"]["gid"]
        == parent["gid"]
    )
    assert ok(api.post(f"/tasks/{task['gid']}/setParent", {"parent": None}))["parent"] is None
    assert ok(api.get(f"/tasks/{parent['gid']}/subtasks")) == []


def test_set_parent_requires_parent(api, new_task, error_message):
    """setParent without parent is "parent: Missing input"."""
    task = new_task()
    assert (
        error_message(api.post(f"/tasks/{task['gid']}/setParent", {}), 400)
        == "parent: Missing input"
    )


def test_set_parent_refuses_cycles(api, new_task):
    """A task cannot become its own descendant's child."""
    parent = new_task()
    child = api.post(f"/tasks/{parent['gid']}/subtasks", {"name": "c"}).json()["data"]
    assert (
        api.post(f"/tasks/{parent['gid']}/setParent", {"parent": child["gid"]}).status_code == 400
    )


def test_set_parent_insert_after(api, new_task, ok):
    """insert_after orders the subtask after a sibling."""
    parent = new_task()
    a = ok(api.post(f"/tasks/{parent['gid']}/subtasks", {"name": "a"}), 201)
    ok(api.post(f"/tasks/{parent['gid']}/subtasks", {"name": "b"}), 201)
    c = new_task("c")
    api.post(f"/tasks/{c['gid']}/setParent", {"parent": parent["gid"], "insert_after": a["gid"]})
    assert [t["name"] for t in ok(api.get(f"/tasks/{parent['gid']}/subtasks"))] == ["a", "c", "b"]


def test_add_and_remove_project(api, new_task, sandbox, ok):
    """addProject adds a project; removeProject takes it away."""
    task = new_task()
    field_ops = sandbox.project_gid("Field Operations")
    assert ok(api.post(f"/tasks/{task['gid']}/addProject", {"project": field_ops})) == {}
    assert {p["name"] for p in ok(api.get(f"/tasks/{task['gid']}/projects"))} == {
        "Grievances",
        "Field Operations",
    }
    api.post(f"/tasks/{task['gid']}/removeProject", {"project": field_ops})
    assert [p["name"] for p in ok(api.get(f"/tasks/{task['gid']}"))["projects"]] == ["Grievances"]


def test_add_project_requires_project(api, new_task, error_message):
    """addProject without project is "project: Missing input"."""
    task = new_task()
    assert (
        error_message(api.post(f"/tasks/{task['gid']}/addProject", {}), 400)
        == "project: Missing input"
    )


def test_add_project_with_section_and_insert_after_null_goes_to_top(api, new_task, grievances, ok):
    """section + insert_after: null puts the task at the top of the section."""
    first, second = new_task("first"), new_task("second")
    section = ok(api.get(f"/tasks/{first['gid']}"))["memberships"][0]["section"]["gid"]
    api.post(
        f"/tasks/{second['gid']}/addProject",
        {"project": grievances, "section": section, "insert_after": None},
    )
    assert [t["name"] for t in ok(api.get(f"/sections/{section}/tasks"))] == ["second", "first"]


def test_add_project_with_both_hints_is_400(api, new_task, grievances):
    """insert_before and insert_after together are refused."""
    a, b = new_task("a"), new_task("b")
    response = api.post(
        f"/tasks/{b['gid']}/addProject",
        {"project": grievances, "insert_before": a["gid"], "insert_after": a["gid"]},
    )
    assert response.status_code == 400


def test_add_and_remove_tag(api, new_task, sandbox, ok):
    """addTag/removeTag change a task's tags and the tag's task list."""
    task = new_task()
    urgent = [
        t
        for t in ok(api.get("/tags", {"workspace": sandbox.workspace_gid}))
        if t["name"] == "urgent"
    ][0]["gid"]
    assert ok(api.post(f"/tasks/{task['gid']}/addTag", {"tag": urgent})) == {}
    assert [t["name"] for t in ok(api.get(f"/tasks/{task['gid']}/tags"))] == ["urgent"]
    assert [t["gid"] for t in ok(api.get(f"/tags/{urgent}/tasks"))] == [task["gid"]]
    api.post(f"/tasks/{task['gid']}/removeTag", {"tag": urgent})
    assert ok(api.get(f"/tasks/{task['gid']}/tags")) == []


def test_add_and_remove_followers(api, new_task, ok):
    """add/removeFollowers accept emails and answer the task."""
    task = new_task()
    added = ok(api.post(f"/tasks/{task['gid']}/addFollowers", {"followers": ["mei@example.org"]}))
    assert "Mei Chen" in [f["name"] for f in added["followers"]]
    removed = ok(
        api.post(f"/tasks/{task['gid']}/removeFollowers", {"followers": ["mei@example.org"]})
    )
    assert "Mei Chen" not in [f["name"] for f in removed["followers"]]


def test_dependencies_add_list_remove(api, new_task, ok):
    """Dependencies can be added, listed (with dependents mirrored) and removed."""
    blocker, task = new_task("blocker"), new_task("task")
    assert (
        ok(api.post(f"/tasks/{task['gid']}/addDependencies", {"dependencies": [blocker["gid"]]}))
        == {}
    )
    assert [t["gid"] for t in ok(api.get(f"/tasks/{task['gid']}/dependencies"))] == [blocker["gid"]]
    assert [t["gid"] for t in ok(api.get(f"/tasks/{blocker['gid']}/dependents"))] == [task["gid"]]
    api.post(f"/tasks/{task['gid']}/removeDependencies", {"dependencies": [blocker["gid"]]})
    assert ok(api.get(f"/tasks/{task['gid']}/dependencies")) == []


def test_dependencies_capped_at_30(api, new_task, ok, error_message):
    """A task has at most 30 dependencies and dependents combined."""
    task = new_task()
    others = [new_task(f"d{i}")["gid"] for i in range(31)]
    response = api.post(f"/tasks/{task['gid']}/addDependencies", {"dependencies": others})
    assert "30" in error_message(response, 400)


def test_dependencies_need_premium(make_api, error_message):
    """Dependencies in a free workspace answer 402."""
    sb = Sandbox()
    api = make_api(sb)
    free = sb.project_gid("Free Project")
    a = api.post("/tasks", {"name": "a", "projects": [free]}).json()["data"]
    b = api.post("/tasks", {"name": "b", "projects": [free]}).json()["data"]
    error_message(api.post(f"/tasks/{a['gid']}/addDependencies", {"dependencies": [b["gid"]]}), 402)


def test_duplicate_returns_job_then_new_task(api, new_task, ok):
    """duplicate answers a 201 job; polling the job gives the new task."""
    task = new_task("Original", notes="copy me")
    job = ok(
        api.post(f"/tasks/{task['gid']}/duplicate", {"name": "Copy", "include": "notes,projects"}),
        201,
    )
    assert job["resource_type"] == "job" and job["status"] in ("not_started", "in_progress")
    polled = ok(api.get(f"/jobs/{job['gid']}"))
    assert polled["status"] == "succeeded"
    copy = ok(api.get(f"/tasks/{polled['new_task']['gid']}"))
    assert (copy["name"], copy["notes"]) == ("Copy", "copy me")
    assert copy["projects"][0]["name"] == "Grievances"


def test_duplicate_requires_name(api, new_task, error_message):
    """duplicate without name is "name: Missing input"."""
    task = new_task()
    assert (
        error_message(api.post(f"/tasks/{task['gid']}/duplicate", {}), 400) == "name: Missing input"
    )


def test_custom_id_lookup(api, sandbox, grievances, new_task, ok):
    """A task is found by the custom ID its project's ID field gave it."""
    field = ok(api.post("/custom_fields", {"workspace": sandbox.workspace_gid, "name": "Ticket",
                                           "resource_subtype": "text", "id_prefix": "GRV"}), 201)
    api.post(f"/projects/{grievances}/addCustomFieldSetting", {"custom_field": field["gid"]})
    task = new_task()
    found = ok(api.get(f"/workspaces/{sandbox.workspace_gid}/tasks/custom_id/GRV-1"))
    assert found["gid"] == task["gid"]
    assert api.get(f"/workspaces/{sandbox.workspace_gid}/tasks/custom_id/GRV-9").status_code == 404
