"""The library as a Python script uses it: the star import, direct calls and typed mistakes."""

from __future__ import annotations

import asyncio
import importlib
from pathlib import Path

import pytest

import asana_adaptor
from asana_adaptor import create_task, execute, fn, get_task
from asana_adaptor import ops
from asana_adaptor.ops import __all__ as ops_names
from asana_adaptor.runtime.common import __all__ as common_names

sandbox_module = pytest.importorskip("asana_sandbox")

EXPORTED = {
    "CustomFieldError", "DuplicateMatchError", "MAX_ATTACHMENT_BYTES", "S", "UpsertError",
    "__version__", "add_dependencies", "add_dependents", "add_followers", "add_tag",
    "add_task_to_project", "as_", "assert_", "batch", "chunk", "combine", "create_enum_option",
    "create_project", "create_section", "create_subtask", "create_tag", "create_task",
    "create_task_story", "cursor", "data_path", "data_value", "delete_project", "delete_task",
    "duplicate_task", "each", "execute", "field", "fields", "fn", "fn_if", "get_attachments",
    "get_custom_field_settings", "get_events", "get_project", "get_projects", "get_sections",
    "get_stories", "get_subtasks", "get_tags", "get_task", "get_tasks", "get_user", "get_users",
    "get_workspace", "get_workspaces", "group", "last_reference_value", "log", "merge",
    "move_task_to_section", "prepare_task_body", "remove_followers", "remove_tag",
    "remove_task_from_project", "request", "search_task", "set_parent", "source_value",
    "store_as", "typeahead", "update_project", "update_task", "upload_attachment",
    "upsert_task", "upsert_tasks", "validate",
}


@pytest.fixture
def sandbox():
    """A fresh demo sandbox and a state whose configuration uses its token."""
    sb = sandbox_module.Sandbox()
    state = {"configuration": {"token": sb.token, "workspaceGid": sb.workspace_gid}}
    return sb, state


def test_package_exports_are_pinned_and_sorted():
    """asana_adaptor.__all__ is sorted and lists exactly the names a job file gets."""
    assert asana_adaptor.__all__ == sorted(asana_adaptor.__all__)
    assert set(asana_adaptor.__all__) == EXPORTED


def test_package_exports_every_operation_and_common_function():
    """Every Asana operation and every common operation is exported from the package."""
    assert set(ops_names) | set(common_names) | {"S", "execute", "__version__"} == EXPORTED


def test_ops_exports_every_name_its_modules_export_in_order():
    """ops.__all__ is each resource module's __all__ in turn, so docs list them by resource."""
    modules = ["tasks", "task_links", "stories", "projects", "sections", "tags", "users",
               "workspaces", "enum_options", "attachments", "events", "batch", "request",
               "custom_fields", "upsert"]
    expected = [name for module in modules
                for name in importlib.import_module(f"asana_adaptor.ops.{module}").__all__]
    assert ops.__all__ == expected


def test_both_packages_declare_their_type_hints():
    """asana_adaptor and asana_sandbox ship a py.typed marker, so type checkers read their hints."""
    for package in (asana_adaptor, sandbox_module):
        assert (Path(package.__file__).parent / "py.typed").is_file(), package.__name__


def test_star_import_gives_every_exported_name():
    """`from asana_adaptor import *` binds every name in __all__ to the package's object."""
    namespace: dict = {}
    exec("from asana_adaptor import *", namespace)  # noqa: S102 - the import under test
    assert {n: namespace[n] for n in EXPORTED} == {n: getattr(asana_adaptor, n) for n in EXPORTED}


def test_an_operation_called_directly_takes_an_injected_transport(sandbox):
    """op(state, transport=...) runs one operation against the sandbox and returns the state."""
    sb, state = sandbox
    project = sb.project_gid("Grievances")
    out = create_task({"name": "Direct", "projects": [project]})(state, transport=sb.transport())
    assert out["data"]["name"] == "Direct" and out["data"]["gid"]


def test_execute_runs_against_the_sandbox_transport(sandbox):
    """execute(get_task(...), fn(...))(state, transport=...) reads back what a step wrote."""
    sb, state = sandbox
    project = sb.project_gid("Grievances")
    out = execute(
        create_task({"name": "Round trip", "projects": [project]}),
        fn(lambda s: {**s, "gid": s["data"]["gid"]}),
        get_task(asana_adaptor.S.gid),
    )(state, transport=sb.transport())
    assert out["data"]["name"] == "Round trip" and out["data"]["gid"] == out["gid"]


def test_an_operation_called_directly_inside_an_event_loop_names_itself():
    """A direct op(state) in a running loop is refused, naming the operation and run_async."""

    async def main():
        with pytest.raises(RuntimeError, match=r"create_task\(\.\.\.\)\(state\) is synchronous.*"
                                               r"run_async"):
            create_task({"name": "x"})({})

    asyncio.run(main())


def test_a_state_that_is_not_a_dict_is_refused_by_execute():
    """execute(...)("text") says the state must be a dict instead of failing inside dict()."""
    with pytest.raises(TypeError, match="the state must be a dict .*got str"):
        execute(fn(lambda s: s))("text")


def test_passing_an_operation_function_uncalled_says_to_call_it():
    """execute(get_task) names get_task(...) and says to call it with its arguments."""
    with pytest.raises(TypeError, match=r"returned the operation get_task\(\.\.\.\).*called with "
                                        r"its arguments"):
        execute(get_task)({})
