"""`asana-adaptor docs`: the list of operations and help for one."""

import inspect

from click.testing import CliRunner

from asana_adaptor import ops
from asana_adaptor.cli import main
from asana_adaptor.cli.docs import operation_catalogue
from asana_adaptor.runtime import common


def _docs(*args: str):
    return CliRunner().invoke(main, ["docs", *args], terminal_width=200)


def test_docs_lists_common_and_asana_operations_with_their_summary():
    """With no name, every operation is listed with the first line of its docstring."""
    result = _docs()
    assert result.exit_code == 0
    assert "get_task" in result.output and "each" in result.output
    assert "Get one task by gid" in result.output


def test_docs_lists_every_public_operation():
    """The list covers every public operation of ops and of the common operations."""
    names = set(operation_catalogue())
    asana = {n for n in ops.__all__ if inspect.isfunction(getattr(ops, n))
             and not inspect.iscoroutinefunction(getattr(ops, n))}
    assert asana <= names
    assert {"fn", "each", "get_task", "upload_attachment", "get_events"} <= names
    assert not {n for n in common.__all__ if inspect.isfunction(getattr(common, n))} - names


def test_docs_for_one_operation_shows_signature_docstring_and_example():
    """`docs get_tasks` prints the signature, the description and the example."""
    result = _docs("get_tasks")
    assert result.exit_code == 0
    assert "get_tasks(project_gid, params=None, callback=None)" in result.output
    assert "following ``next_page``" in result.output
    assert 'get_tasks("1201382240880"' in result.output


def test_docs_accepts_openfn_camel_case_names():
    """`docs createTaskStory` shows create_task_story."""
    result = _docs("createTaskStory")
    assert result.exit_code == 0
    assert "create_task_story(task_gid, params, callback=None)" in result.output


def test_docs_unknown_name_suggests_the_closest_and_fails():
    """An unknown name exits non-zero and suggests the closest operation names."""
    result = _docs("get_tsk")
    assert result.exit_code != 0
    assert "no operation named 'get_tsk'" in result.output
    assert "Did you mean: get_task" in result.output


def test_docs_unknown_name_without_close_match_points_to_the_list():
    """A name like nothing known still fails and points to the full list."""
    result = _docs("zzzzzz")
    assert result.exit_code != 0
    assert "Did you mean" not in result.output
    assert "asana-adaptor docs" in result.output


def test_docs_for_one_operation_keeps_the_docstring_lines_whole():
    """Each docstring line (examples included) prints as written, not re-wrapped to 80 columns."""
    result = CliRunner().invoke(main, ["docs", "upsert_task"], terminal_width=80)
    assert result.exit_code == 0
    printed = result.output.splitlines()
    assert all(line in printed for line in inspect.getdoc(ops.upsert_task).splitlines())
