"""`asana-adaptor webhooks create|list|delete` against the sandbox, and `serve` as a process."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from asana_adaptor.cli.serve import serve
from asana_adaptor.cli.webhooks import parse_filter, webhooks
from asana_adaptor.webhooks import IncomingEvent, SqliteInbox, create_receiver, event_key, sign
from asana_sandbox import Sandbox
from receiverkit import ECHO_JOB, HOOK_PATH, LoopbackServer, body_of, task_event

TOKEN = "0/serve-test-token-0123456789"


@pytest.fixture
def sandbox_dir(tmp_path: Path) -> tuple[str, str, str]:
    """A sandbox data file in tmp_path/.cache; returns (folder, workspace gid, project gid)."""
    sandbox = Sandbox(data_file=tmp_path / ".cache" / "sandbox.json")
    sandbox.close()
    return str(tmp_path), sandbox.workspace_gid, sandbox.project_gid("Grievances")


def invoke(*args: str):
    return CliRunner().invoke(webhooks, list(args), catch_exceptions=False)


def test_filters_are_parsed_from_key_value_pairs_or_json():
    """--filter accepts key=value pairs (fields split by |) or a JSON object."""
    assert parse_filter("resource_type=task,action=changed,fields=name|notes") == {
        "resource_type": "task", "action": "changed", "fields": ["name", "notes"]}
    assert parse_filter('{"resource_type": "story"}') == {"resource_type": "story"}


def test_a_bad_filter_says_which_keys_are_allowed(sandbox_dir):
    """An unknown filter key is a usage error listing the allowed keys."""
    folder, _, project = sandbox_dir
    result = CliRunner().invoke(webhooks, ["create", project, "http://x.test/h", "--filter",
                                           "kind=task", "--sandbox", "--sandbox-data", folder])
    assert result.exit_code == 2 and "resource_type, resource_subtype, action" in result.output


@pytest.mark.server
def test_create_list_delete_against_the_sandbox(sandbox_dir, hook, tmp_path):
    """create handshakes with a live receiver, list shows the webhook, delete removes it."""
    folder, workspace, project = sandbox_dir
    store = SqliteInbox(tmp_path / "inbox.sqlite")
    try:
        with LoopbackServer(create_receiver(store, {HOOK_PATH: hook})) as server:
            target = f"http://127.0.0.1:{server.port}{HOOK_PATH}"
            created = invoke("create", project, target, "--filter",
                             "resource_type=task,action=changed", "--sandbox",
                             "--sandbox-data", folder, "--json")
        secret = store.secret(HOOK_PATH)
    finally:
        store.close()
    assert created.exit_code == 0, created.output
    assert secret and secret not in created.output
    gid = json.loads(created.stdout)["gid"]
    listed = invoke("list", "--workspace", workspace, "--sandbox", "--sandbox-data", folder)
    assert gid in listed.output and target in listed.output
    assert "resource_type=task,action=changed" in listed.output
    deleted = invoke("delete", gid, "--sandbox", "--sandbox-data", folder)
    assert deleted.stdout.strip() == f"Deleted webhook {gid}"
    after = invoke("list", "--workspace", workspace, "--sandbox", "--sandbox-data", folder,
                   "--json")
    assert json.loads(after.stdout) == []


def test_create_reports_a_failed_handshake(sandbox_dir):
    """When nothing answers at TARGET, create fails with Asana's message and exit code 1."""
    folder, _, project = sandbox_dir
    result = CliRunner().invoke(webhooks, ["create", project, "http://127.0.0.1:9/none",
                                           "--sandbox", "--sandbox-data", folder])
    assert result.exit_code == 1 and "handshake" in result.output


def test_a_failed_handshake_says_how_to_fix_it(sandbox_dir):
    """A failed handshake points to starting serve and to the path in hooks.yaml."""
    folder, _, project = sandbox_dir
    result = CliRunner().invoke(webhooks, ["create", project, "http://127.0.0.1:9/none",
                                           "--sandbox", "--sandbox-data", folder])
    assert "asana-adaptor serve hooks.yaml" in result.output
    assert "the path is not in hooks.yaml" in result.output


def test_list_takes_the_workspace_from_the_configuration(sandbox_dir):
    """Without --workspace, list uses the configuration's workspaceGid."""
    folder, _, _ = sandbox_dir
    result = invoke("list", "--sandbox", "--sandbox-data", folder)
    assert result.exit_code == 0 and result.output.strip() == "No webhooks."


def test_list_without_any_workspace_says_what_to_pass(sandbox_dir, tmp_path):
    """With no --workspace and no workspaceGid, list names both ways to give one."""
    creds = tmp_path / "creds.json"
    creds.write_text(json.dumps({"token": TOKEN, "baseUrl": "http://127.0.0.1:9"}))
    result = CliRunner().invoke(webhooks, ["list", "--credentials", str(creds)])
    assert result.exit_code == 2 and "put workspaceGid in the credentials" in result.output


def test_create_in_a_sandbox_that_would_not_be_kept_is_refused(tmp_path, monkeypatch):
    """create --sandbox with no sandbox data here refuses before any handshake is made."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(webhooks, ["create", "1200000000000008",
                                           "http://127.0.0.1:9/none", "--sandbox"])
    assert result.exit_code == 1 and "no sandbox data here" in result.output
    assert "handshake" not in result.output and not (tmp_path / ".cache").exists()


def test_serve_refuses_a_bad_hooks_file(write):
    """A hooks file naming a missing workflow exits 1 with the reason."""
    hooks = write("hooks.yaml", "hooks: [{path: /a, workflow: missing.yaml}]\n")
    result = CliRunner().invoke(serve, [str(hooks)])
    assert result.exit_code == 1 and "missing.yaml not found" in result.output


@pytest.mark.server
def test_serve_receives_stores_and_runs(write, tmp_path):
    """The serve process answers the handshake, stores a signed delivery and runs the job."""
    write("jobs/echo.py", ECHO_JOB + 'fn(lambda s: (print("token", s["configuration"]["token"]),'
                                     ' s)[1])\n')
    write("creds.json", json.dumps({"token": TOKEN}))
    hooks = write("hooks.yaml", f"credentials: creds.json\nhooks: [{{path: {HOOK_PATH}, "
                                "job: jobs/echo.py}]\n")
    db = tmp_path / "elsewhere.sqlite"
    env = {k: v for k, v in os.environ.items() if k != "ASANA_TOKEN"}
    process = subprocess.Popen(
        [sys.executable, "-c", "from asana_adaptor.cli.serve import serve; serve()",
         str(hooks), "--port", "0", "--db", str(db)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = process.stdout.readline()
        assert line.startswith("Receiving Asana webhooks on http://127.0.0.1:"), line
        base = line.split()[4]
        secret = "serve-secret-0123456789abcdef"
        with httpx.Client(base_url=base) as client:
            shake = client.post(HOOK_PATH, headers={"X-Hook-Secret": secret})
            body = body_of([task_event("777")])
            sent = client.post(HOOK_PATH, content=body,
                               headers={"X-Hook-Signature": sign(secret, body)})
        assert shake.headers["X-Hook-Secret"] == secret and sent.status_code == 200
        deadline = time.monotonic() + 30
        status = None
        while time.monotonic() < deadline:
            db_conn = sqlite3.connect(db)
            try:
                status = db_conn.execute("SELECT status FROM events").fetchone()
            finally:
                db_conn.close()
            if status and status[0] != "pending" and status[0] != "running":
                break
            time.sleep(0.05)
        assert status == ("succeeded",)
    finally:
        process.send_signal(signal.SIGINT)
        _, errors = process.communicate(timeout=20)
    assert process.returncode == 0, errors
    assert "Handshake on /asana/grievances" in errors and "the run succeeded" in errors
    assert "token ***" in errors
    assert TOKEN not in errors and secret not in errors


def test_serve_refuses_an_inbox_another_serve_is_using(write, tmp_path):
    """A second serve on an inbox in use exits 1 naming the inbox, before it listens."""
    hooks = write("hooks.yaml", f"hooks: [{{path: {HOOK_PATH}, job: jobs/echo.py}}]\n")
    write("jobs/echo.py", ECHO_JOB)
    db = tmp_path / "inbox.sqlite"
    with open(f"{db}.lock", "a") as held, socket.socket() as taken:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as the running serve does
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = CliRunner().invoke(serve, [str(hooks), "--db", str(db),
                                            "--port", str(taken.getsockname()[1])])
    assert result.exit_code == 1, result.output
    assert "another `asana-adaptor serve` is using this inbox" in result.output


STOPPABLE_RECEIVER = """
import sys, uvicorn
from pathlib import Path
from asana_adaptor.webhooks import (Dispatcher, HookConfig, SqliteInbox, WorkflowRunner,
                                    create_receiver)
hook = HookConfig(path=sys.argv[1], workflow=Path(sys.argv[2]))
store = SqliteInbox(sys.argv[3])
runner = WorkflowRunner(configuration={"token": "0/t"}, environ={})
app = create_receiver(store, {hook.path: hook}, dispatcher=Dispatcher(store, {hook.path: hook},
                      runner), shutdown_grace=0.5)
print("ready", flush=True)
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[4]), log_level="warning")
"""


@pytest.mark.server
def test_a_stop_does_not_wait_past_the_grace_for_a_long_run(write, tmp_path):
    """Ctrl+C during a run that outlasts the shutdown grace ends the process; the event is kept."""
    job = write("jobs/slow.py", "import time\nfn(lambda s: (time.sleep(60), s)[1])\n")
    db = tmp_path / "inbox.sqlite"
    store = SqliteInbox(db)
    store.save_secret(HOOK_PATH, "s", replace=False)
    store.record_delivery(HOOK_PATH, b"{}", [IncomingEvent(event_key(task_event()),
                                                           task_event())])
    store.close()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-c", STOPPABLE_RECEIVER, HOOK_PATH, str(job),
                                str(db), str(port)], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 20
        while _status(db) != "running" and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)
    finally:
        process.kill()
        process.wait()
    assert _status(db) == "running"  # recovered and run again at the next start
    assert _run_status(db) == "running"  # the run was still going when the process ended


def _status(db: Path, table: str = "events") -> str | None:
    connection = sqlite3.connect(db)
    try:
        row = connection.execute(f"SELECT status FROM {table}").fetchone()
    finally:
        connection.close()
    return row[0] if row else None


def _run_status(db: Path) -> str | None:
    return _status(db, "runs")
