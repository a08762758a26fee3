"""The public operations: names, docstrings with examples, OpenFn's argument order."""

import inspect
import re

import pytest

from asana_adaptor import ops
from asana_adaptor.runtime import Operation

OPERATIONS = [n for n in ops.__all__
              if inspect.isfunction(getattr(ops, n))
              and not inspect.iscoroutinefunction(getattr(ops, n))]


def test_there_are_many_operations_and_all_are_snake_case():
    """Every exported operation name is snake_case."""
    assert len(OPERATIONS) >= 40
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", n) for n in OPERATIONS)


@pytest.mark.parametrize("name", OPERATIONS)
def test_every_operation_has_a_docstring_with_an_example(name):
    """Each operation documents itself with a summary line and an example call."""
    doc = inspect.getdoc(getattr(ops, name)) or ""
    assert doc.splitlines()[0].strip()
    assert "Example::" in doc and f"{name}(" in doc.split("Example::", 1)[1]


@pytest.mark.parametrize("name", OPERATIONS)
def test_every_operation_takes_an_optional_callback(name):
    """Each operation accepts callback=None, as OpenFn's do."""
    parameter = inspect.signature(getattr(ops, name)).parameters.get("callback")
    assert parameter is not None and parameter.default is None


@pytest.mark.parametrize("name, args", [
    ("get_task", ["task_gid", "params", "callback"]),
    ("get_tasks", ["project_gid", "params", "callback"]),
    ("create_task", ["params", "callback"]),
    ("update_task", ["task_gid", "data", "callback"]),
    ("search_task", ["text", "query", "options", "callback"]),
    ("create_task_story", ["task_gid", "params", "callback"]),
    ("request", ["path", "params", "callback"]),
])
def test_parity_operations_keep_openfns_positional_arguments(name, args):
    """The parity operations take OpenFn's arguments in OpenFn's order."""
    assert list(inspect.signature(getattr(ops, name)).parameters) == args


def test_calling_an_operation_returns_an_operation_named_after_it():
    """Building an operation makes no call; it is an Operation with the function's name."""
    op = ops.create_task({"name": "x"})
    assert isinstance(op, Operation) and op.name == "create_task"
