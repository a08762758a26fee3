"""data_file persistence and the backend's JSON round trip."""

from __future__ import annotations

import pytest

from asana_sandbox import AsanaBackend, Sandbox


def test_writes_survive_a_restart(tmp_path, make_api, ok):
    """A task created in one sandbox is there in the next one on the same file."""
    path = tmp_path / "state.json"
    first = Sandbox(data_file=path)
    project = first.project_gid("Grievances")
    task = ok(make_api(first).post("/tasks", {"name": "Persisted", "projects": [project]}), 201)
    second = Sandbox(data_file=path)
    assert ok(make_api(second).get(f"/tasks/{task['gid']}"))["name"] == "Persisted"


def test_a_running_sandbox_sees_another_process_changes(tmp_path, make_api, ok):
    """A sandbox on the same file picks up changes written by another one."""
    path = tmp_path / "state.json"
    reader, writer = Sandbox(data_file=path), Sandbox(data_file=path)
    project = writer.project_gid("Grievances")
    task = ok(
        make_api(writer).post("/tasks", {"name": "From the other side", "projects": [project]}), 201
    )
    assert ok(make_api(reader).get(f"/tasks/{task['gid']}"))["name"] == "From the other side"


def test_new_gids_continue_after_reload(tmp_path, make_api, ok):
    """Gids keep counting after a restart (no reuse)."""
    path = tmp_path / "state.json"
    first = Sandbox(data_file=path)
    a = ok(make_api(first).post("/tasks", {"name": "a", "workspace": first.workspace_gid}), 201)
    second = Sandbox(data_file=path)
    b = ok(make_api(second).post("/tasks", {"name": "b", "workspace": second.workspace_gid}), 201)
    assert int(b["gid"]) > int(a["gid"])


def test_close_writes_the_file(tmp_path):
    """close() leaves the whole state in the file."""
    path = tmp_path / "state.json"
    sandbox = Sandbox(data_file=path)
    sandbox.backend.create_tag({"name": "direct"}, sandbox.workspace_gid)
    sandbox.close()
    backend = AsanaBackend()
    backend.load(path)
    assert "direct" in [t["name"] for t in backend.tags.values()]


def test_json_round_trip_keeps_everything(sandbox):
    """to_json/from_json reproduce the same state."""
    document = sandbox.backend.to_json()
    copy = AsanaBackend()
    copy.from_json(document)
    assert copy.to_json() == document


def test_reset_empties_the_backend(sandbox):
    """reset() forgets every record and event."""
    sandbox.backend.reset()
    assert (
        sandbox.backend.tasks == {} and sandbox.backend.users == {} and sandbox.backend.events == []
    )


@pytest.mark.parametrize("content, why", [('{"version": 1,}', "invalid JSON"),
                                          ('{"a": 1}', "it holds no `tables`")])
def test_a_data_file_that_is_not_a_sandbox_names_the_file_and_the_fix(tmp_path, content, why):
    """A broken or foreign data file is refused naming the file, the reason and the fix."""
    path = tmp_path / "state.json"
    path.write_text(content)
    with pytest.raises(ValueError) as caught:
        Sandbox(data_file=path)
    message = str(caught.value)
    assert message.startswith(f"{path} is not a sandbox data file ({why}")
    assert message.endswith("delete it to start again from the seed data")
