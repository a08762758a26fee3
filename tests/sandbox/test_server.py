"""The sandbox as a real server, started through the CLI on a free loopback port."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx
import pytest

pytestmark = pytest.mark.server


@pytest.fixture
def server(tmp_path):
    """`asana-adaptor sandbox --port 0`; yields (base_url, token)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "asana_adaptor", "sandbox", "--port", "0",
         "--data", str(tmp_path / "state.json")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    base_url = token = None
    deadline = time.monotonic() + 20
    try:
        while time.monotonic() < deadline and not (base_url and token):
            line = process.stdout.readline()
            if not line:
                break
            if line.strip().startswith("baseUrl:"):
                base_url = line.split(":", 1)[1].strip()
            elif line.strip().startswith("token:"):
                token = line.split(":", 1)[1].strip()
        assert base_url and token, process.stderr.read() if process.poll() is not None else "no banner"
        yield base_url, token
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _get_ready(client: httpx.Client, url: str, headers: dict[str, str]) -> httpx.Response:
    deadline = time.monotonic() + 10
    while True:
        try:
            return client.get(url, headers=headers)
        except httpx.ConnectError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_cli_server_answers_with_the_printed_token(server):
    """The printed base URL and token reach the demo user over real HTTP."""
    base_url, token = server
    with httpx.Client(timeout=10) as client:
        response = _get_ready(client, f"{base_url}/api/1.0/users/me", {"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json()["data"]["email"] == "sandbox@example.org"


def test_drop_after_commit_breaks_the_real_connection(server):
    """On the server, a dropped write closes the connection after applying the write."""
    base_url, token = server
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(timeout=10) as client:
        me = _get_ready(client, f"{base_url}/api/1.0/users/me", auth).json()["data"]
        workspace = me["workspaces"][0]["gid"]
        client.post(f"{base_url}/_sandbox/faults", json={"drops": [{"path": "/tasks", "method": "POST"}]})
        with pytest.raises(httpx.RemoteProtocolError):
            client.post(f"{base_url}/api/1.0/tasks", headers=auth,
                        json={"data": {"name": "Sent once", "workspace": workspace}})
        listed = client.get(f"{base_url}/api/1.0/workspaces/{workspace}/tasks/search", headers=auth,
                            params={"text": "Sent once"})
    assert [t["name"] for t in listed.json()["data"]] == ["Sent once"]
