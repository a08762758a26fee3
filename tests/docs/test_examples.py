"""The example files load as they are shipped."""

from __future__ import annotations

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
