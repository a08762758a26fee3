"""The Events API across restarts: sync tokens and the event log kept in the data file."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from asana_sandbox import ManualClock, Sandbox, SandboxSettings

DAY = 24 * 60 * 60


def _sync(api: Any, resource: str, path: str = "/events") -> str:
    """A fresh sync token (the 412 answer to a call without one)."""
    params = {"resource": resource} if path == "/events" else None
    response = api.get(path, params=params)
    assert response.status_code == 412, response.text
    return response.json()["sync"]


def _events(api: Any, resource: str, sync: str) -> dict[str, Any]:
    response = api.get("/events", params={"resource": resource, "sync": sync})
    assert response.status_code == 200, response.text
    return response.json()


def _new_task(api: Any, project: str, name: str, ok) -> str:
    return ok(api.post("/tasks", {"name": name, "projects": [project]}), 201)["gid"]


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    return tmp_path / "sandbox.json"


def test_a_token_from_one_sandbox_reads_changes_made_in_the_next(data_file, clock, make_api,
                                                                  ok):
    """A token issued by one sandbox returns, in the next on the file, the changes after it."""
    first = Sandbox(data_file=data_file, clock=clock)
    project = first.project_gid("Grievances")
    sync = _sync(make_api(first), project)
    second = Sandbox(data_file=data_file, clock=clock)
    api = make_api(second)
    task = _new_task(api, project, "After the token", ok)
    events = _events(api, project, sync)["data"]
    assert [(e["action"], e["resource"]["gid"]) for e in events] == [("added", task)]


def test_events_recorded_before_a_restart_are_read_after_it(data_file, clock, make_api, ok):
    """Changes made by the first sandbox after the token are returned by the second."""
    first = Sandbox(data_file=data_file, clock=clock)
    project = first.project_gid("Grievances")
    api = make_api(first)
    sync = _sync(api, project)
    task = _new_task(api, project, "Before the restart", ok)
    second = Sandbox(data_file=data_file, clock=clock)
    events = _events(make_api(second), project, sync)["data"]
    assert [(e["action"], e["resource"]["name"]) for e in events] == [
        ("added", "Before the restart")]
    assert events[0]["resource"]["gid"] == task


def test_the_next_token_after_a_restart_continues_without_repeats(data_file, clock, make_api,
                                                                  ok):
    """The token a restarted sandbox hands out returns only later changes, in a third one."""
    first = Sandbox(data_file=data_file, clock=clock)
    project = first.project_gid("Grievances")
    api = make_api(first)
    sync = _sync(api, project)
    _new_task(api, project, "Seen once", ok)
    following = _events(make_api(Sandbox(data_file=data_file, clock=clock)), project, sync)
    third = make_api(Sandbox(data_file=data_file, clock=clock))
    later = _new_task(third, project, "Later", ok)
    events = _events(third, project, following["sync"])["data"]
    assert [e["resource"]["gid"] for e in events] == [later]


def test_the_workspace_stream_survives_a_restart(data_file, clock, make_api, ok):
    """A workspace events token from one sandbox returns the next one's changes."""
    first = Sandbox(data_file=data_file, clock=clock)
    path = f"/workspaces/{first.workspace_gid}/events"
    sync = _sync(make_api(first), first.workspace_gid, path)
    second = Sandbox(data_file=data_file, clock=clock)
    api = make_api(second)
    task = _new_task(api, second.project_gid("Grievances"), "Workspace-wide", ok)
    response = api.get(path, params={"sync": sync})
    assert response.status_code == 200, response.text
    assert task in [e["resource"]["gid"] for e in response.json()["data"]]


def test_an_expired_token_still_answers_412_after_a_reload(data_file, make_api):
    """A token older than 24 hours is refused by a sandbox started later on the file."""
    clock = ManualClock()
    first = Sandbox(data_file=data_file, clock=clock)
    project = first.project_gid("Grievances")
    sync = _sync(make_api(first), project)
    clock.advance(DAY + 1)
    response = make_api(Sandbox(data_file=data_file, clock=clock)).get(
        "/events", params={"resource": project, "sync": sync})
    assert response.status_code == 412
    assert response.json()["sync"] != sync


def test_a_token_younger_than_a_day_is_still_valid_after_a_reload(data_file, make_api, ok):
    """23 hours later a restarted sandbox still accepts the token and returns the change."""
    clock = ManualClock()
    first = Sandbox(data_file=data_file, clock=clock)
    project = first.project_gid("Grievances")
    sync = _sync(make_api(first), project)
    clock.advance(23 * 60 * 60)
    api = make_api(Sandbox(data_file=data_file, clock=clock))
    task = _new_task(api, project, "Next day", ok)
    assert [e["resource"]["gid"] for e in _events(api, project, sync)["data"]] == [task]


def test_a_token_that_missed_dropped_events_answers_412_after_a_reload(data_file, clock,
                                                                       make_api, ok):
    """Events pushed out of the capped log before a restart still expire the token after it."""
    settings = SandboxSettings(max_events=3)
    first = Sandbox(data_file=data_file, clock=clock, settings=settings)
    api = make_api(first)
    project = first.project_gid("Grievances")
    sync = _sync(api, project)
    for number in range(5):
        _new_task(api, project, f"t{number}", ok)
    second = Sandbox(data_file=data_file, clock=clock, settings=SandboxSettings(max_events=3))
    response = make_api(second).get("/events", params={"resource": project, "sync": sync})
    assert response.status_code == 412


def test_a_data_file_without_event_streams_loads_as_before(data_file, clock, make_api, ok):
    """An older data file (no ``event_streams``) loads; the Events API starts afresh."""
    sandbox = Sandbox(data_file=data_file, clock=clock)
    project = sandbox.project_gid("Grievances")
    _new_task(make_api(sandbox), project, "Kept", ok)
    document = json.loads(data_file.read_text())
    del document["event_streams"]
    data_file.write_text(json.dumps(document))
    api = make_api(Sandbox(data_file=data_file, clock=clock))
    assert "Kept" in [t["name"] for t in ok(api.get(f"/projects/{project}/tasks"))]
    sync = _sync(api, project)
    task = _new_task(api, project, "New", ok)
    assert [e["resource"]["gid"] for e in _events(api, project, sync)["data"]] == [task]


def test_a_malformed_event_streams_key_names_the_key_and_the_fix(data_file, clock):
    """A broken ``event_streams`` entry is refused, saying which key and what to do."""
    Sandbox(data_file=data_file, clock=clock)
    document = json.loads(data_file.read_text())
    document["event_streams"] = {"sequence": "many"}
    data_file.write_text(json.dumps(document))
    with pytest.raises(ValueError, match="`event_streams` is malformed .*remove that key"):
        Sandbox(data_file=data_file, clock=clock)


def test_expired_tokens_are_left_out_of_the_data_file(data_file, make_api, ok):
    """Tokens older than a day are not written to the file again."""
    clock = ManualClock()
    sandbox = Sandbox(data_file=data_file, clock=clock)
    api = make_api(sandbox)
    project = sandbox.project_gid("Grievances")
    old = _sync(api, project)
    clock.advance(DAY + 1)
    fresh = _sync(api, project)
    tokens = json.loads(data_file.read_text())["event_streams"]["tokens"]
    assert fresh in tokens and old not in tokens


# -- through the CLI ------------------------------------------------------------------------

def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ASANA_")}
    return subprocess.run([sys.executable, "-m", "asana_adaptor", "run", *args], cwd=cwd,
                          capture_output=True, text=True, env=environ, timeout=60,
                          check=False)


def test_an_events_polling_job_sees_changes_between_sandbox_runs(tmp_path):
    """Run 1 stores a token; a task created by another run is in run 2's events."""
    project = Sandbox().project_gid("Grievances")  # the demo seed's gids are fixed
    (tmp_path / "poll.py").write_text(f"get_events({project!r})\n")
    (tmp_path / "add.py").write_text(
        f"create_task({{'name': 'Between runs', 'projects': [{project!r}]}})\n")
    first = _cli("poll.py", "--sandbox", "-o", "first.json", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    state = json.loads((tmp_path / "first.json").read_text())
    assert state["data"] == [] and state["sync"][project]
    added = _cli("add.py", "--sandbox", "-O", cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    task = json.loads(added.stdout)["data"]["gid"]
    second = _cli("poll.py", "--sandbox", "-s", "first.json", "-o", "second.json", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    events = json.loads((tmp_path / "second.json").read_text())["data"]
    assert [(e["action"], e["resource"]["gid"]) for e in events] == [("added", task)]


def test_reset_forgets_sync_tokens() -> None:
    """After a reset, a sync token issued before it is refused with 412 and a fresh token."""
    sb = Sandbox()
    client = sb.client()
    project = sb.project_gid("Grievances")

    async def flow() -> tuple[int, int]:
        first = await client.get("/events", params={"resource": project})
        token = first.json()["sync"]
        ok = await client.get("/events", params={"resource": project, "sync": token})
        sb.reset()
        after = await client.get("/events", params={"resource": project, "sync": token})
        return ok.status_code, after.status_code

    assert asyncio.run(flow()) == (200, 412)
