"""The rate limiter: a sliding-minute quota and separate in-flight caps for reads and writes."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from asana_adaptor.client import RateLimiter
from clientkit import Script, make_client, ok, run


def limiter_on(clock, per_minute=1500, **kw) -> RateLimiter:
    return RateLimiter(per_minute, clock=clock.time, sleep=clock.sleep, **kw)


async def take(limiter: RateLimiter, method: str = "GET", cost: int = 1) -> None:
    async with limiter.slot(method, cost=cost):
        pass


def test_calls_within_the_quota_do_not_wait(clock):
    """Up to per_minute calls start at once."""
    limiter = limiter_on(clock, per_minute=5)

    async def main():
        for _ in range(5):
            await take(limiter)

    run(main())
    assert clock.sleeps == [] and limiter.used() == 5


def test_call_over_the_quota_waits_for_the_window_to_slide(clock):
    """The call past the quota waits until the oldest start is a minute old."""
    limiter = limiter_on(clock, per_minute=3)

    async def main():
        for _ in range(3):
            await take(limiter)
        clock.advance(20)
        await take(limiter)

    run(main())
    assert clock.sleeps == [40.0] and clock.now == 60.0


def test_window_slides_rather_than_resetting(clock):
    """Starts older than a minute stop counting one by one."""
    limiter = limiter_on(clock, per_minute=2)

    async def main():
        await take(limiter)          # t=0
        clock.advance(30)
        await take(limiter)          # t=30
        clock.advance(31)            # t=61: the first has left the window
        await take(limiter)
        await take(limiter)          # waits until t=90, when the second leaves

    run(main())
    assert clock.sleeps == [29.0]


def test_cost_counts_several_units(clock):
    """A slot of cost n uses n units of the quota (a batch of n actions)."""
    limiter = limiter_on(clock, per_minute=10)

    async def main():
        await take(limiter, "POST", cost=10)
        await take(limiter)

    run(main())
    assert clock.sleeps == [60.0]


def gate_transport(gate: asyncio.Event, active: dict, peak: dict) -> httpx.MockTransport:
    async def handler(request: httpx.Request) -> httpx.Response:
        pool = "read" if request.method == "GET" else "write"
        active[pool] += 1
        peak[pool] = max(peak[pool], active[pool])
        await gate.wait()
        active[pool] -= 1
        return httpx.Response(200, json={"data": {}})
    return httpx.MockTransport(handler)


def test_in_flight_caps_are_50_reads_and_15_writes(clock):
    """At most 50 GETs and 15 writes are in flight at once, in independent pools."""
    active, peak = {"read": 0, "write": 0}, {"read": 0, "write": 0}

    async def main():
        gate = asyncio.Event()
        client = make_client(gate_transport(gate, active, peak), clock)
        calls = [asyncio.create_task(client.get(f"/tasks/{i}")) for i in range(70)]
        calls += [asyncio.create_task(client.put(f"/tasks/{i}", {"completed": True}))
                  for i in range(30)]
        calls += [asyncio.create_task(client.delete(f"/tasks/{i}")) for i in range(5)]
        for _ in range(50):
            await asyncio.sleep(0)
        seen = dict(active)
        gate.set()
        results = await asyncio.gather(*calls)
        await client.aclose()
        return seen, results

    seen, results = run(main())
    assert seen == {"read": 50, "write": 15}
    assert peak == {"read": 50, "write": 15}
    assert len(results) == 105 and all(r.status == 200 for r in results)


def test_client_calls_share_one_quota(clock):
    """All calls of one client draw on its limiter's quota."""
    script = Script(ok())

    async def main():
        client = make_client(script, clock, limiter=limiter_on(clock, per_minute=2))
        await client.get("/a")
        await client.post("/tasks", {"name": "x"})
        await client.get("/b")
        await client.aclose()

    run(main())
    assert clock.sleeps == [60.0] and len(script.requests) == 3


def test_the_limiter_records_the_time_it_waited(clock):
    """limiter.waited sums the seconds spent waiting for the quota."""
    limiter = limiter_on(clock, per_minute=1)

    async def main():
        await take(limiter)
        await take(limiter)

    run(main())
    assert limiter.waited == 60.0


@pytest.mark.parametrize("kwargs", [{"per_minute": 0}, {"max_reads": 0}, {"max_writes": 0}])
def test_limiter_refuses_meaningless_limits(kwargs):
    """A zero quota or cap is refused."""
    with pytest.raises(ValueError):
        RateLimiter(**kwargs)


def test_default_limits_match_asanas():
    """Defaults: 1,500 per minute, 60 searches per minute, 50 reads and 15 writes in flight."""
    limiter = RateLimiter()
    assert (limiter.per_minute, limiter.max_reads, limiter.max_writes) == (1500, 50, 15)
    assert limiter.search_per_minute == 60



def test_search_draws_on_its_own_smaller_quota(clock):
    """Search requests are held to search_per_minute; other calls are not."""
    script = Script(ok([]))

    async def main():
        limiter = limiter_on(clock, search_per_minute=2)
        client = make_client(script, clock, limiter=limiter)
        await client.get("/workspaces/1/tasks/search", {"text": "a"})
        await client.get("/workspaces/1/tasks/search", {"text": "b"})
        await client.get("/tasks/1")
        assert clock.sleeps == []
        await client.get("/workspaces/1/tasks/search", {"text": "c"})
        await client.aclose()

    run(main())
    assert clock.sleeps == [60.0] and len(script.requests) == 4


def test_pause_holds_reads_and_writes_until_it_ends(clock):
    """After pause(30) (a 429's Retry-After), no call of either pool starts before 30 s."""
    limiter = limiter_on(clock)
    started = []

    async def one(method):
        await take(limiter, method)
        started.append(clock.now)

    async def main():
        limiter.pause(30)
        await asyncio.gather(one("GET"), one("POST"), one("DELETE"))

    run(main())
    assert len(started) == 3 and min(started) >= 30.0
