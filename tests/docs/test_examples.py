"""The example files load as they are shipped."""

from __future__ import annotations

import inspect
import textwrap
from pathlib import Path

from asana_adaptor.runtime.jobfile import load_job
from asana_adaptor.webhooks.config import load_hooks

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_webhook_example_hooks_file_loads() -> None:
    """examples/webhooks/hooks.yaml is a valid hooks file whose job exists and loads."""
    config = load_hooks(EXAMPLES / "webhooks" / "hooks.yaml")
    assert list(config.hooks) == ["/asana/grievances"]


def test_every_example_job_file_loads() -> None:
    """Every job file under examples/ compiles into at least one operation."""
    jobs = sorted(EXAMPLES.glob("**/*.py"))
    assert jobs
    for job in jobs:
        if job.parent.name == "jobs" or job.name == "job.py":
            assert load_job(job).operations, job


def _docstring_example(function: object) -> str:
    """The indented code block after ``Example::`` in a docstring."""
    doc = inspect.getdoc(function) or ""
    lines = doc.split("Example::", 1)[1].splitlines()[1:]
    block = []
    for line in lines:
        if line.strip() and not line.startswith("    "):
            break
        block.append(line)
    return textwrap.dedent("\n".join(block)).strip() + "\n"


def test_every_operation_example_loads_as_a_job(tmp_path: Path) -> None:
    """Each operation's docstring example, pasted into a job file, is a list of operations."""
    from asana_adaptor.cli.docs import operation_catalogue

    for name, (_group, function) in operation_catalogue().items():
        job = tmp_path / f"{name}.py"
        job.write_text(_docstring_example(function), encoding="utf-8")
        assert load_job(job).operations, name
