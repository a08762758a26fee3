"""Run logs: one line per Asana call, nothing from the HTTP libraries underneath."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from asana_adaptor.runtime import ExitCode

sandbox_module = pytest.importorskip("asana_sandbox")

CALLS = """\
get_projects()
get_tasks(lambda s: s["data"][0]["gid"], {"opt_fields": "name"})
request("/users/me")
"""


class Records(logging.Handler):
    """Keeps every record that reaches it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def root_records():
    """A handler on the root logger at DEBUG, as a job calling logging.basicConfig() makes."""
    root, handler = logging.getLogger(), Records()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler.records
    root.removeHandler(handler)
    root.setLevel(level)


class CountingTransport(httpx.AsyncBaseTransport):
    """Passes requests on to the sandbox and counts them."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(f"{request.method} {request.url.path}")
        return await self.inner.handle_async_request(request)


def test_a_run_logs_one_asana_line_per_call_and_nothing_from_httpx(write, run, root_records):
    """Each HTTP request shows as exactly one [ASANA] line; httpx's own lines never appear."""
    sandbox = sandbox_module.Sandbox(seed="demo")
    transport = CountingTransport(sandbox.transport())
    state = write("state.json", json.dumps({"configuration": {
        "token": sandbox.token, "baseUrl": sandbox.base_url,
        "workspaceGid": sandbox.workspace_gid}}))
    out = run(write("job.py", CALLS), state_file=str(state), transport=transport)
    assert out.code == ExitCode.OK, out.stderr
    asana_lines = [line for line in out.stderr.splitlines() if line.startswith("[ASANA] ")]
    assert len(transport.requests) >= 3
    assert len(asana_lines) == len(transport.requests), out.stderr
    assert not [r for r in root_records if r.name.split(".")[0] in ("httpx", "httpcore")]


def test_the_http_library_loggers_are_restored_after_a_run(write, run):
    """Holding httpx at WARNING lasts for the run only."""
    logging.getLogger("httpcore").setLevel(logging.DEBUG)
    try:
        run(write("job.py", 'log("x")\n'))
        assert logging.getLogger("httpcore").level == logging.DEBUG
    finally:
        logging.getLogger("httpcore").setLevel(logging.NOTSET)
