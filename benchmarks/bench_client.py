"""Client overhead: requests per second through an in-memory transport, and pagination speed;
then the rate limiter against the sandbox's quota on a virtual clock.

Run: python benchmarks/bench_client.py [--requests N]

The transport answers at once, so the first figures measure the client itself (path checks, the
rate limiter, retries bookkeeping, logging, envelope parsing), not the network. The quota
figures count the 429s Asana (the sandbox) answers to 2,000 calls made one by one: with the
limiter set to the quota, and with a limiter that believes in 10x the real quota (a free
workspace configured as paid), where each 429 costs one refused request and a Retry-After wait.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import time

import httpx

from asana_adaptor.client import AsanaClient, RateLimiter, RetryPolicy, no_jitter
from asana_sandbox import ManualClock, Sandbox

CONFIG = {"token": "bench-token", "baseUrl": "http://bench.local"}
TASK = json.dumps({"data": {"gid": "1", "name": "Task", "notes": "x" * 200}}).encode()


def task_handler(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=TASK, headers={"content-type": "application/json"})


def pages_handler(total: int):
    def handler(request: httpx.Request) -> httpx.Response:
        limit = int(request.url.params["limit"])
        start = int(request.url.params.get("offset") or 0)
        items = [{"gid": str(i), "name": f"Task {i}"} for i in range(start, min(start + limit, total))]
        nxt = start + limit
        next_page = ({"offset": str(nxt), "path": f"/x?offset={nxt}",
                      "uri": f"http://bench.local/api/1.0/x?offset={nxt}"} if nxt < total else None)
        return httpx.Response(200, json={"data": items, "next_page": next_page})
    return handler


def client(handler) -> AsanaClient:
    # A quota high enough that the limiter never waits: we measure its bookkeeping only.
    return AsanaClient(CONFIG, transport=httpx.MockTransport(handler),
                       limiter=RateLimiter(per_minute=10_000_000))


async def sequential(n: int) -> float:
    c = client(task_handler)
    started = time.perf_counter()
    for i in range(n):
        await c.get(f"/tasks/{i}", {"opt_fields": "name,notes"})
    elapsed = time.perf_counter() - started
    await c.aclose()
    return n / elapsed


async def concurrent(n: int) -> float:
    c = client(task_handler)
    started = time.perf_counter()
    await asyncio.gather(*(c.get(f"/tasks/{i}") for i in range(n)))
    elapsed = time.perf_counter() - started
    await c.aclose()
    return n / elapsed


async def paginate(total: int) -> float:
    c = client(pages_handler(total))
    started = time.perf_counter()
    items = await c.get_all("/projects/1/tasks")
    elapsed = time.perf_counter() - started
    await c.aclose()
    assert len(items) == total
    return total / elapsed


async def quota_run(calls: int, quota: int, believed: int) -> tuple[int, int, float]:
    """(429s answered, requests sent, virtual minutes) for ``calls`` GETs made one by one."""
    clock = ManualClock()
    sandbox = Sandbox(quota=quota, clock=clock)
    c = AsanaClient({"token": sandbox.token, "baseUrl": sandbox.base_url},
                    transport=sandbox.transport(),
                    retry=RetryPolicy(attempts=50, timeout=3600, sleep=clock.sleep,
                                      clock=clock.monotonic, jitter=no_jitter),
                    limiter=RateLimiter(believed, sleep=clock.sleep, clock=clock.monotonic))
    started = clock.monotonic()
    sent = 0
    for _ in range(calls):
        response = await c.get("/users/me")
        sent += response.attempts
    await c.aclose()
    return sent - calls, sent, (clock.monotonic() - started) / 60


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    logging.getLogger("asana_adaptor").setLevel(logging.ERROR)  # no per-call or retry lines
    n = args.requests
    print(f"sequential GETs:          {asyncio.run(sequential(n)):8.0f} requests/s  ({n} requests)")
    print(f"concurrent GETs (<=50):   {asyncio.run(concurrent(n)):8.0f} requests/s  ({n} requests)")
    print(f"pagination, 100 per page: {asyncio.run(paginate(20_000)):8.0f} items/s     (20000 items)")
    for calls, quota, believed in ((2000, 1500, 1500), (2000, 150, 1500)):
        refused, sent, minutes = asyncio.run(quota_run(calls, quota, believed))
        print(f"{calls} GETs, quota {quota}/min, limiter at {believed}/min: {refused} answered 429 "
              f"of {sent} sent, {minutes:.1f} virtual minutes")


if __name__ == "__main__":
    main()
