"""Tasks, jobs, task search and typeahead."""

from __future__ import annotations

from ..routing import Call, Route
from ..responses import Reply


def create_task(call: Call) -> Reply:
    return call.single("task", call.backend.create_task(call.data), 201)


def get_tasks(call: Call) -> Reply:
    return call.listing("task", call.backend.get_tasks(call.query))


def get_task(call: Call) -> Reply:
    return call.single("task", call.backend.get_task(call.params["task_gid"]))


def update_task(call: Call) -> Reply:
    return call.single("task", call.backend.update_task(call.params["task_gid"], call.data))


def delete_task(call: Call) -> Reply:
    call.backend.delete_task(call.params["task_gid"])
    return call.empty()


def get_tasks_for_project(call: Call) -> Reply:
    backend = call.backend
    tasks = backend.filter_completed_since(
        backend.get_tasks_for_project(call.params["project_gid"]), call.query)
    return call.listing("task", tasks)


def get_tasks_for_section(call: Call) -> Reply:
    backend = call.backend
    tasks = backend.filter_completed_since(
        backend.get_tasks_for_section(call.params["section_gid"]), call.query)
    return call.listing("task", tasks)


def get_tasks_for_tag(call: Call) -> Reply:
    return call.listing("task", call.backend.get_tasks_for_tag(call.params["tag_gid"]))


def get_subtasks(call: Call) -> Reply:
    return call.listing("task", call.backend.get_subtasks(call.params["task_gid"]))


def create_subtask(call: Call) -> Reply:
    task = call.backend.create_task(call.data, parent=call.params["task_gid"])
    return call.single("task", task, 201)


def set_parent(call: Call) -> Reply:
    return call.single("task", call.backend.set_parent_for_task(call.params["task_gid"], call.data))


def add_project(call: Call) -> Reply:
    call.backend.add_project_for_task(call.params["task_gid"], call.data)
    return call.empty()


def remove_project(call: Call) -> Reply:
    call.backend.remove_project_for_task(call.params["task_gid"], call.data)
    return call.empty()


def add_tag(call: Call) -> Reply:
    call.backend.add_tag_for_task(call.params["task_gid"], call.data)
    return call.empty()


def remove_tag(call: Call) -> Reply:
    call.backend.remove_tag_for_task(call.params["task_gid"], call.data)
    return call.empty()


def add_followers(call: Call) -> Reply:
    return call.single(
        "task", call.backend.add_followers_for_task(call.params["task_gid"], call.data)
    )


def remove_followers(call: Call) -> Reply:
    task = call.backend.remove_followers_for_task(call.params["task_gid"], call.data)
    return call.single("task", task)


def _dependency_routes(key: str) -> list[Route]:
    title = key.capitalize()

    def get_list(call: Call) -> Reply:
        return call.listing("task", call.backend.get_dependencies(call.params["task_gid"], key))

    def add(call: Call) -> Reply:
        call.backend.add_dependencies(call.params["task_gid"], call.data, key)
        return call.empty()

    def remove(call: Call) -> Reply:
        call.backend.remove_dependencies(call.params["task_gid"], call.data, key)
        return call.empty()

    return [
        Route("GET", f"/tasks/{{task_gid}}/{key}", get_list),
        Route("POST", f"/tasks/{{task_gid}}/add{title}", add),
        Route("POST", f"/tasks/{{task_gid}}/remove{title}", remove),
    ]


def duplicate_task(call: Call) -> Reply:
    return call.single("job", call.backend.duplicate_task(call.params["task_gid"], call.data), 201)


def get_job(call: Call) -> Reply:
    return call.single("job", call.backend.get_job(call.params["job_gid"]))


def get_task_for_custom_id(call: Call) -> Reply:
    task = call.backend.get_task_for_custom_id(call.params["workspace_gid"],
                                               call.params["custom_id"])
    return call.single("task", task)


def search_tasks(call: Call) -> Reply:
    tasks = call.backend.search_tasks(call.params["workspace_gid"], call.query)
    return call.listing("task", tasks, paginated=False, max_results=len(tasks) or 1)


def typeahead(call: Call) -> Reply:
    kind, matches = call.backend.typeahead(call.params["workspace_gid"], call.query)
    return call.listing(kind, matches, paginated=False, max_results=len(matches) or 1)


routes = [
    Route("GET", "/tasks", get_tasks),
    Route("POST", "/tasks", create_task),
    Route("GET", "/tasks/{task_gid}", get_task),
    Route("PUT", "/tasks/{task_gid}", update_task),
    Route("DELETE", "/tasks/{task_gid}", delete_task),
    Route("POST", "/tasks/{task_gid}/duplicate", duplicate_task),
    Route("GET", "/projects/{project_gid}/tasks", get_tasks_for_project),
    Route("GET", "/sections/{section_gid}/tasks", get_tasks_for_section),
    Route("GET", "/tags/{tag_gid}/tasks", get_tasks_for_tag),
    Route("GET", "/tasks/{task_gid}/subtasks", get_subtasks),
    Route("POST", "/tasks/{task_gid}/subtasks", create_subtask),
    Route("POST", "/tasks/{task_gid}/setParent", set_parent),
    *_dependency_routes("dependencies"),
    *_dependency_routes("dependents"),
    Route("POST", "/tasks/{task_gid}/addProject", add_project),
    Route("POST", "/tasks/{task_gid}/removeProject", remove_project),
    Route("POST", "/tasks/{task_gid}/addTag", add_tag),
    Route("POST", "/tasks/{task_gid}/removeTag", remove_tag),
    Route("POST", "/tasks/{task_gid}/addFollowers", add_followers),
    Route("POST", "/tasks/{task_gid}/removeFollowers", remove_followers),
    Route("GET", "/workspaces/{workspace_gid}/tasks/custom_id/{custom_id}", get_task_for_custom_id),
    Route("GET", "/workspaces/{workspace_gid}/tasks/search", search_tasks, kind="search"),
    Route("GET", "/workspaces/{workspace_gid}/typeahead", typeahead),
    Route("GET", "/jobs/{job_gid}", get_job),
]
