"""The README's promises, checked: its job example runs as written, its commands exist."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, re.S | re.M)
    assert match, f"README has no '## {title}' section"
    return match.group(1)


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "asana_adaptor", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_quickstart_has_exactly_two_commands() -> None:
    """The Quickstart shows two commands: one runs the main job, one runs the tests."""
    block = re.search(r"```sh\n(.*?)```", _section("Quickstart"), re.S)
    assert block
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]
    assert commands == ["make demo", "make test"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "examples/grievances/workflow.yaml --sandbox" in makefile
    assert "pytest" in makefile


def test_readme_job_example_runs_against_the_sandbox(tmp_path: Path) -> None:
    """The README's job, copied verbatim, upserts its records into the sandbox's project."""
    code = re.search(r"```python\n(.*?)```", _section("A job"), re.S)
    assert code
    (tmp_path / "job.py").write_text(code.group(1), encoding="utf-8")
    from asana_sandbox import Sandbox

    project = Sandbox().project_gid("Grievances")
    state = {"data": {"project": project, "submissions": [
        {"id": "GRV-README-1", "title": "Fence damaged by elephants",
         "status": "open", "date": "2024-05-02"},
        {"id": "GRV-README-2", "title": "Water point closed", "status": "In Progress",
         "date": "2024-05-03"},
    ]}}
    (tmp_path / "state.json").write_text(json.dumps(state), encoding="utf-8")

    first = _run("run", "job.py", "-s", "state.json", "--sandbox", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    second = _run("run", "job.py", "-s", "state.json", "--sandbox", "-O", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["data"]["action"] == "unchanged"


def test_every_command_in_the_reference_exists() -> None:
    """Each command the README's reference names answers --help."""
    names = set(re.findall(r"`asana-adaptor (\w+)", _section("Commands")))
    assert {"run", "sandbox", "describe", "docs"} <= names
    for name in sorted(names):
        result = _run(name, "--help", cwd=ROOT)
        assert result.returncode == 0, f"asana-adaptor {name} --help: {result.stderr}"


def test_readme_sections_come_in_their_order() -> None:
    """README reads: quickstart, a job, commands, sandbox, OpenFn, configuration, exit codes,
    architecture, performance."""
    headings = re.findall(r"^## (.+)$", README, re.M)
    assert headings == ["Quickstart", "A job", "Commands", "The sandbox", "From OpenFn",
                        "Configuration", "Exit codes", "Architecture", "Performance"]
