"""The main job, examples/grievances, run through the CLI against the --sandbox."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "grievances"


@pytest.fixture
def example(tmp_path):
    """A copy of the example folder (its sandbox data lands in the copy's .cache)."""
    target = tmp_path / "grievances"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns(".cache", "output.json"))
    return target


def run_cli(folder):
    result = subprocess.run(
        [sys.executable, "-m", "asana_adaptor", "run", str(folder / "workflow.yaml"), "--sandbox"],
        capture_output=True, text=True, timeout=120, cwd=folder)
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr


def summary(output):
    """{"created": n, ...} read from the printed summary table."""
    return {name: int(n) for name, n in
            re.findall(r"(created|updated|unchanged|skipped)\s*│\s*(\d+)", output)}


def test_first_run_creates_every_grievance(example):
    """The first run creates one task per submission and prints the counts."""
    assert summary(run_cli(example)) == {"created": 50, "updated": 0, "unchanged": 0,
                                         "skipped": 0}


def test_second_run_creates_nothing(example):
    """Run twice, the second run creates nothing and finds every task unchanged."""
    run_cli(example)
    assert summary(run_cli(example)) == {"created": 0, "updated": 0, "unchanged": 50,
                                         "skipped": 0}


def test_second_run_sends_no_writes(example):
    """The second run's log shows reads only: no POST or PUT to Asana."""
    run_cli(example)
    output = run_cli(example)
    assert not re.search(r"\[ASANA\] (POST|PUT|DELETE) ", output)


def test_changed_submission_is_updated_and_commented(example):
    """A submission whose status changed updates its task and comments on it."""
    run_cli(example)
    data_file = example / "submissions.json"
    submissions = json.loads(data_file.read_text(encoding="utf-8"))
    submissions[3]["grievance/status"] = "closed"
    data_file.write_text(json.dumps(submissions, ensure_ascii=False), encoding="utf-8")
    output = run_cli(example)
    assert summary(output) == {"created": 0, "updated": 1, "unchanged": 49, "skipped": 0}
    final = json.loads((example / "output.json").read_text(encoding="utf-8"))
    (updated,) = [r for r in final["data"]["results"] if r["action"] == "updated"]
    assert updated["changes"] == ["Grievance Status"]
    assert len(re.findall(r"\[ASANA\] POST /tasks/\d+/stories", output)) == 1
    stored = (example / ".cache" / "sandbox.json").read_text(encoding="utf-8")
    assert "Updated from a new KoboToolbox submission: Grievance Status." in stored
