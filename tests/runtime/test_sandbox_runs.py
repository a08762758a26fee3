"""`--sandbox`: steps run against the local Asana, which keeps its data beside the job."""

from __future__ import annotations

import json

import pytest

from asana_adaptor.runtime import ExitCode

pytest.importorskip("asana_sandbox")

FIND_PROJECT = """\
get_projects(lambda s: {"workspace": s["configuration"]["workspaceGid"]})
fn(lambda s: {**s, "project": next(p["gid"] for p in s["data"] if p["name"] == "Grievances")})
"""
CREATE = FIND_PROJECT + 'create_task({"name": "Rehearsal", "projects": [S.project]})\n'
COUNT = FIND_PROJECT + """\
get_tasks(S.project, {"opt_fields": "name"})
fn(lambda s: {**s, "data": sum(1 for t in s["data"] if t["name"] == "Rehearsal")})
"""


def test_sandbox_runs_keep_their_data_until_reset(write, run):
    """A task created in one --sandbox run is there in the next; --sandbox-reset clears it."""
    assert run(write("create.py", CREATE), sandbox=True).code == ExitCode.OK
    count = write("count.py", COUNT)
    assert json.loads(run(count, sandbox=True, output_to_stdout=True).stdout)["data"] == 1
    fresh = run(count, sandbox=True, sandbox_reset=True, output_to_stdout=True)
    assert json.loads(fresh.stdout)["data"] == 0
    assert (count.parent / ".cache" / "sandbox.json").is_file()


def test_sandbox_configuration_is_masked_and_the_workspace_kept(write, run):
    """The sandbox token never reaches the output; the workspace gid stays readable."""
    from asana_sandbox import DEMO_TOKEN

    job = write("job.py", 'fn(lambda s: {**s, "data": dict(s["configuration"])})\n')
    out = run(job, sandbox=True, output_to_stdout=True)
    config = json.loads(out.stdout)["data"]
    assert DEMO_TOKEN not in out.stdout + out.stderr
    assert config["token"] == "***" and config["workspaceGid"].isdigit()
    assert config["baseUrl"].startswith("http")


def test_sandbox_reset_without_sandbox_is_a_usage_error(write, run):
    """--sandbox-reset alone is refused."""
    assert run(write("job.py", 'log(1)\n'), sandbox_reset=True).code == ExitCode.USAGE


def test_a_step_workspace_is_kept_under_the_sandbox(write, run):
    """--sandbox fills workspaceGid only when the configuration has none."""
    write("job.py", 'fn(lambda s: {**s, "data": s["configuration"]["workspaceGid"]})\n')
    wf = write("wf.yaml", "steps:\n  - id: a\n    job: job.py\n"
                          "    configuration: {token: abcdefgh, workspaceGid: '77'}\n")
    assert json.loads(run(wf, sandbox=True, output_to_stdout=True).stdout)["data"] == "77"


def test_a_sandbox_data_file_in_use_elsewhere_is_refused(write, run):
    """While another process keeps .cache/sandbox.json, --sandbox refuses to write it too."""
    from asana_adaptor.runtime.filelock import hold

    job = write("job.py", CREATE)
    (job.parent / ".cache").mkdir(exist_ok=True)
    held = hold(job.parent / ".cache" / "sandbox.json.lock",
                "the sandbox server at http://127.0.0.1:8123")
    assert held is not None
    try:
        out = run(job, sandbox=True)
    finally:
        held.close()
    assert out.code == ExitCode.SANDBOX_UNAVAILABLE
    assert "is in use by the sandbox server at http://127.0.0.1:8123" in out.stderr
    assert run(job, sandbox=True).code == ExitCode.OK  # free again once the holder is gone
