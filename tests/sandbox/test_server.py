"""The sandbox as a real server, started through the CLI on a free loopback port."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import httpx
import pytest

pytestmark = pytest.mark.server


class Server:
    """A running `asana-adaptor sandbox`, with what its banner printed."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self.token = token
        self.auth = {"Authorization": f"Bearer {token}"}
        self.api = f"{base_url}/api/1.0"


@contextmanager
def running(*args: str) -> Iterator[Server]:
    """`asana-adaptor sandbox --port 0 ARGS`, stopped on exit."""
    process = subprocess.Popen(
        [sys.executable, "-m", "asana_adaptor", "sandbox", "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    banner: dict[str, str] = {}
    deadline = time.monotonic() + 20
    try:
        while time.monotonic() < deadline and not {"baseUrl", "token"} <= banner.keys():
            line = process.stdout.readline()
            if not line:
                break
            name, _, value = line.strip().partition(":")
            if name in ("baseUrl", "token"):
                banner[name] = value.strip()
        if not {"baseUrl", "token"} <= banner.keys():
            problem = process.stderr.read() if process.poll() is not None else "no banner"
            pytest.fail(f"the sandbox did not print its base URL and token: {problem}")
        yield Server(banner["baseUrl"], banner["token"])
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    with running("--data", str(tmp_path / "state.json")) as started:
        yield started


def _get_ready(client: httpx.Client, url: str, headers: dict[str, str]) -> httpx.Response:
    deadline = time.monotonic() + 10
    while True:
        try:
            return client.get(url, headers=headers)
        except httpx.ConnectError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _workspace(client: httpx.Client, server: Server) -> str:
    me = _get_ready(client, f"{server.api}/users/me", server.auth).json()["data"]
    return me["workspaces"][0]["gid"]


def test_cli_server_answers_with_the_printed_token(server):
    """The printed base URL and token reach the demo user over real HTTP."""
    with httpx.Client(timeout=10) as client:
        response = _get_ready(client, f"{server.api}/users/me", server.auth)
    assert response.status_code == 200
    assert response.json()["data"]["email"] == "sandbox@example.org"


def test_drop_after_commit_breaks_the_real_connection(server):
    """On the server, a dropped write closes the connection after applying the write."""
    with httpx.Client(timeout=10) as client:
        workspace = _workspace(client, server)
        client.post(f"{server.base_url}/_sandbox/faults",
                    json={"drops": [{"path": "/tasks", "method": "POST"}]})
        with pytest.raises(httpx.RemoteProtocolError):
            client.post(f"{server.api}/tasks", headers=server.auth,
                        json={"data": {"name": "Sent once", "workspace": workspace}})
        listed = client.get(f"{server.api}/workspaces/{workspace}/tasks/search",
                            headers=server.auth, params={"text": "Sent once"})
    assert [t["name"] for t in listed.json()["data"]] == ["Sent once"]


def test_data_file_keeps_the_workspace_across_restarts(tmp_path):
    """A task created on one run of the server is there on the next run with the same --data."""
    data = str(tmp_path / "kept.json")
    with running("--data", data) as first, httpx.Client(timeout=10) as client:
        workspace = _workspace(client, first)
        created = client.post(f"{first.api}/tasks", headers=first.auth,
                              json={"data": {"name": "Survives", "workspace": workspace}})
        assert created.status_code == 201, created.text
        gid = created.json()["data"]["gid"]
    with running("--data", data) as second, httpx.Client(timeout=10) as client:
        response = _get_ready(client, f"{second.api}/tasks/{gid}", second.auth)
    assert response.status_code == 200
    assert response.json()["data"]["name"] == "Survives"


def test_fail_flag_scripts_failures_on_the_server():
    """--fail "POST /tasks 503 2" answers the next two task creates with 503, then recovers."""
    with running("--fail", "POST /tasks 503 2") as server, httpx.Client(timeout=10) as client:
        workspace = _workspace(client, server)
        body = {"data": {"name": "Retried", "workspace": workspace}}
        statuses = [client.post(f"{server.api}/tasks", headers=server.auth, json=body).status_code
                    for _ in range(3)]
    assert statuses == [503, 503, 201]


def test_drop_flag_drops_the_first_write():
    """--drop "POST /tasks" applies the first task create and breaks its connection."""
    with running("--drop", "POST /tasks") as server, httpx.Client(timeout=10) as client:
        workspace = _workspace(client, server)
        body = {"data": {"name": "Dropped", "workspace": workspace}}
        with pytest.raises(httpx.RemoteProtocolError):
            client.post(f"{server.api}/tasks", headers=server.auth, json=body)
        listed = client.get(f"{server.api}/workspaces/{workspace}/tasks/search",
                            headers=server.auth, params={"text": "Dropped"})
    assert [t["name"] for t in listed.json()["data"]] == ["Dropped"]


def test_bad_fail_rule_is_refused_with_usage():
    """A malformed --fail rule stops the command with the expected syntax."""
    result = subprocess.run(
        [sys.executable, "-m", "asana_adaptor", "sandbox", "--port", "0", "--fail", "/tasks"],
        capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "[METHOD] PATH STATUS [COUNT]" in result.stderr


def test_quota_flag_sets_requests_per_minute():
    """--quota 3 lets three requests through in a minute and answers the fourth with 429."""
    with running("--quota", "3") as server, httpx.Client(timeout=10) as client:
        first = _get_ready(client, f"{server.api}/users/me", server.auth).status_code
        rest = [client.get(f"{server.api}/users/me", headers=server.auth) for _ in range(3)]
    assert [first] + [r.status_code for r in rest[:2]] == [200, 200, 200]
    assert rest[2].status_code == 429 and rest[2].headers["retry-after"].isdigit()


def test_oauth_token_flag_may_set_external_data():
    """A token given with --oauth-token sets a task's external data; the printed one cannot."""
    with running("--oauth-token", "app-token") as server, httpx.Client(timeout=10) as client:
        workspace = _workspace(client, server)
        body = {"data": {"name": "Linked", "workspace": workspace,
                         "external": {"gid": "row-7"}}}
        refused = client.post(f"{server.api}/tasks", headers=server.auth, json=body)
        created = client.post(f"{server.api}/tasks", json=body,
                              headers={"Authorization": "Bearer app-token"})
    assert refused.status_code == 403
    assert created.status_code == 201 and created.json()["data"]["external"] == {"gid": "row-7"}


def test_ctrl_c_stops_the_server_cleanly_and_keeps_the_data(tmp_path):
    """Ctrl+C prints "Stopped.", exits 0 and the data file holds what was written."""
    data = tmp_path / "state.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "asana_adaptor", "sandbox", "--port", "0", "--data", str(data)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # as in a terminal
    try:
        base = next(line.split()[-1] for line in process.stdout if "baseUrl:" in line)
        with httpx.Client() as client:
            auth = {"Authorization": "Bearer " + process.stdout.readline().split()[-1]}
            me = _get_ready(client, f"{base}/api/1.0/users/me", auth).json()["data"]
            created = client.post(f"{base}/api/1.0/tasks", headers=auth, json={
                "data": {"name": "Kept", "workspace": me["workspaces"][0]["gid"]}})
        assert created.status_code == 201
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0 and out.strip().endswith("Stopped."), err
    assert '"Kept"' in data.read_text()


def test_a_data_file_kept_by_a_running_server_is_not_written_by_another(tmp_path):
    """A second server, or a `run --sandbox`, on a data file a server keeps is refused, naming it."""
    data = tmp_path / ".cache" / "sandbox.json"
    data.parent.mkdir()
    with running("--data", str(data)) as first:
        second = subprocess.run(
            [sys.executable, "-m", "asana_adaptor", "sandbox", "--port", "0", "--data", str(data)],
            capture_output=True, text=True, timeout=30)
        (tmp_path / "job.py").write_text('fn(lambda state: state)\n', encoding="utf-8")
        job = subprocess.run([sys.executable, "-m", "asana_adaptor", "run", "job.py", "--sandbox"],
                             cwd=tmp_path, capture_output=True, text=True, timeout=30)
    assert second.returncode != 0
    assert f"in use by the sandbox server at {first.base_url}" in second.stderr
    assert job.returncode == 12
    assert f"in use by the sandbox server at {first.base_url}" in job.stderr
