"""How fast the in-process sandbox answers: simple GETs per second and a 100-task page.

Targets: at least 2,000 simple GETs per second on one core, and a 100-task page with
opt_fields in under 2 ms, also when the opt_fields reach into the tasks' nine custom fields
(four of them set on every task). Run: ``python benchmarks/bench_sandbox.py``.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

import httpx

from asana_sandbox import Sandbox

SECONDS = 2.0
PAGE_FIELDS = "name,completed,due_on,assignee.name,memberships.section.name,tags.name"
CUSTOM_FIELDS = PAGE_FIELDS + ",custom_fields.name,custom_fields.display_value"


def _scope(sandbox: Sandbox, path: str, query: str = "") -> dict[str, Any]:
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
        "query_string": query.encode(), "server": ("asana-sandbox.local", 80),
        "client": ("127.0.0.1", 1234),
        "headers": [(b"host", b"asana-sandbox.local"),
                    (b"authorization", f"Bearer {sandbox.token}".encode())],
    }


async def _asgi_get(app: Any, scope: dict[str, Any]) -> int:
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def asgi_rate(sandbox: Sandbox, path: str) -> float:
    """GETs per second calling the ASGI app directly."""
    scope = _scope(sandbox, path)
    count = 0
    start = time.perf_counter()
    while time.perf_counter() - start < SECONDS:
        for _ in range(100):
            assert await _asgi_get(sandbox.app, scope) == 200
        count += 100
    return count / (time.perf_counter() - start)


async def httpx_rate(sandbox: Sandbox, path: str) -> float:
    """GETs per second through an httpx.AsyncClient on the ASGI transport."""
    async with sandbox.client() as client:
        count = 0
        start = time.perf_counter()
        while time.perf_counter() - start < SECONDS:
            for _ in range(50):
                response = await client.get(path)
                assert response.status_code == 200
            count += 50
        return count / (time.perf_counter() - start)


async def page_times(sandbox: Sandbox, project: str, fields: str,
                     rounds: int = 200) -> list[float]:
    """Milliseconds per GET of a 100-task page with ``fields`` as opt_fields (direct ASGI)."""
    path = f"/api/1.0/projects/{project}/tasks"
    scope = _scope(sandbox, path, f"limit=100&opt_fields={fields}")
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        assert await _asgi_get(sandbox.app, scope) == 200
        times.append((time.perf_counter() - start) * 1000)
    return times


def _field_values(sandbox: Sandbox) -> Any:
    """Custom field values for the n-th task: four of the nine fields set, as in real data."""
    fields = {f["name"]: f for f in sandbox.backend.custom_fields.values()}
    options = sandbox.backend.enum_options

    def option(field: str, number: int) -> str:
        gids = [g for g in fields[field]["enum_options"] if options[g]["enabled"]]
        return gids[number % len(gids)]

    def values(number: int) -> dict[str, Any]:
        return {fields["Grievance ID"]["gid"]: f"GRV-{number:04d}",
                fields["Grievance Status"]["gid"]: option("Grievance Status", number),
                fields["Country"]["gid"]: option("Country", number),
                fields["Households Affected"]["gid"]: number}
    return values


async def main() -> None:
    sandbox = Sandbox(rate_limits=False)
    project = sandbox.project_gid("Grievances")
    values = _field_values(sandbox)
    async with sandbox.client() as client:
        for number in range(100):
            response = await client.post("/tasks", json={"data": {
                "name": f"Bench task {number}", "projects": [project], "assignee": "me",
                "due_on": "2026-06-01", "custom_fields": values(number)}})
            assert response.status_code == 201, response.text
        task = response.json()["data"]["gid"]
        page = await client.get(f"/projects/{project}/tasks",
                                params={"limit": 100, "opt_fields": PAGE_FIELDS})
        assert len(page.json()["data"]) == 100

    simple = "/api/1.0/users/me"
    direct = await asgi_rate(sandbox, simple)
    direct_task = await asgi_rate(sandbox, f"/api/1.0/tasks/{task}")
    via_httpx = await httpx_rate(sandbox, "/users/me")
    pages = {}
    for label, fields in (
        ("opt_fields", PAGE_FIELDS),
        ("+ 9 custom fields (4 set)", CUSTOM_FIELDS),
    ):
        times = sorted(await page_times(sandbox, project, fields))
        pages[label] = (statistics.median(times), times[int(len(times) * 0.95)])

    def verdict(ok: bool) -> str:
        return "ok" if ok else "BELOW TARGET"

    print("asana sandbox, in-process, one event loop on one core")
    print(f"  GET /users/me      direct ASGI : {direct:9,.0f} req/s   "
          f"(target >= 2,000: {verdict(direct >= 2000)})")
    print(f"  GET /tasks/{{gid}}   direct ASGI : {direct_task:9,.0f} req/s   "
          f"(target >= 2,000: {verdict(direct_task >= 2000)})")
    print(f"  GET /users/me      httpx client: {via_httpx:9,.0f} req/s   "
          f"(target >= 2,000: {verdict(via_httpx >= 2000)})")
    for label, (median, p95) in pages.items():
        print(f"  100-task page, {label:<25}: median {median:.2f} ms, p95 {p95:.2f} ms   "
              f"(target < 2 ms: {verdict(median < 2)})")
    print(f"  opt_fields: {PAGE_FIELDS}")


if __name__ == "__main__":
    asyncio.run(main())
