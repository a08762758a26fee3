"""Rate limits: minute quota, free quota, search quota, concurrency caps; all 429 + Retry-After."""

from __future__ import annotations

import asyncio

from asana_sandbox import Sandbox, SandboxSettings

RATE_MESSAGE = ("You've made too many requests and hit a rate limit. "
                "Please retry after the given amount of time.")


def test_quota_exceeded_is_429_with_retry_after(make_api, clock):
    """Past the minute quota the API answers 429, Asana's message and an integer Retry-After."""
    api = make_api(Sandbox(clock=clock, quota=3))
    for _ in range(3):
        assert api.get("/users/me").status_code == 200
    response = api.get("/users/me")
    assert response.status_code == 429
    assert response.json() == {
        "errors": [{"message": RATE_MESSAGE, "help": response.json()["errors"][0]["help"]}]
    }
    assert response.headers["retry-after"].isdigit() and int(response.headers["retry-after"]) == 60


def test_quota_window_slides(make_api, clock):
    """After the window passes, requests succeed again."""
    api = make_api(Sandbox(clock=clock, quota=2))
    api.get("/users/me")
    api.get("/users/me")
    assert api.get("/users/me").status_code == 429
    clock.advance(61)
    assert api.get("/users/me").status_code == 200


def test_rejected_requests_count_against_the_quota(make_api, clock):
    """Hammering through 429s keeps the quota exhausted."""
    api = make_api(Sandbox(clock=clock, quota=2))
    api.get("/users/me")
    api.get("/users/me")
    clock.advance(50)
    assert api.get("/users/me").status_code == 429
    clock.advance(15)  # the first two expired, but the rejected one still counts
    assert api.get("/users/me").status_code == 200
    assert api.get("/users/me").status_code == 429


def test_free_user_gets_150_per_minute(make_api, clock):
    """A token whose owner has no premium workspace gets the free quota of 150."""
    sb = Sandbox(clock=clock)
    free = [w for w in sb.backend.workspaces.values() if not w["_premium"]][0]["gid"]
    sb.backend.create_user("Free Person", "free@example.org", [free])
    sb.add_token("free-token", "free@example.org")
    api = make_api(sb, token="free-token")
    statuses = [api.get("/users/me").status_code for _ in range(151)]
    assert statuses[:150] == [200] * 150 and statuses[150] == 429


def test_search_limited_to_60_per_minute(make_api, clock):
    """The search API allows 60 requests a minute."""
    sb = Sandbox(clock=clock)
    api = make_api(sb)
    path = f"/workspaces/{sb.workspace_gid}/tasks/search"
    statuses = [api.get(path, {"text": "x"}).status_code for _ in range(61)]
    assert statuses[:60] == [200] * 60 and statuses[60] == 429
    assert api.get("/users/me").status_code == 200


def test_get_concurrency_cap(make_api, clock):
    """More GETs in flight than the cap get 429."""
    sb = Sandbox(clock=clock, latency_ms=100, settings=SandboxSettings(get_concurrency=2))
    api = make_api(sb)

    async def burst():
        return await asyncio.gather(*(api.client.get("/users/me") for _ in range(3)))

    statuses = sorted(r.status_code for r in api.run(burst()))
    assert statuses == [200, 200, 429]


def test_write_cap_is_separate_from_get_cap(make_api, clock):
    """Writes have their own pool: a full GET pool does not block a write."""
    sb = Sandbox(
        clock=clock,
        latency_ms=100,
        settings=SandboxSettings(get_concurrency=1, write_concurrency=1),
    )
    api = make_api(sb)
    body = {"data": {"name": "x", "workspace": sb.workspace_gid}}

    async def burst():
        return await asyncio.gather(
            api.client.get("/users/me"), api.client.post("/tasks", json=body)
        )

    assert [r.status_code for r in api.run(burst())] == [200, 201]


def test_rate_limits_can_be_switched_off(make_api, clock):
    """rate_limits=False disables every limiter."""
    api = make_api(Sandbox(clock=clock, quota=1, rate_limits=False))
    assert [api.get("/users/me").status_code for _ in range(3)] == [200, 200, 200]


def test_quota_window_slides_rather_than_resets(make_api, clock):
    """Requests leave the quota a minute after they were made, one by one."""
    api = make_api(Sandbox(clock=clock, quota=3))
    assert [api.get("/users/me").status_code for _ in range(2)] == [200, 200]
    clock.advance(30)
    assert api.get("/users/me").status_code == 200
    clock.advance(31)  # the first two are a minute old; the third is not
    assert [api.get("/users/me").status_code for _ in range(3)] == [200, 200, 429]


def test_premium_token_gets_1500_per_minute(make_api, clock):
    """The demo token (a premium workspace's user) has Asana's paid quota of 1,500."""
    api = make_api(Sandbox(clock=clock))
    statuses = [api.get("/users/me").status_code for _ in range(1501)]
    assert statuses.count(200) == 1500 and statuses[-1] == 429


def _in_flight(api, requests):
    async def burst():
        return await asyncio.gather(*requests())

    return sorted(response.status_code for response in api.run(burst()))


def test_default_get_cap_is_50_in_flight(make_api, clock):
    """With Asana's defaults, the 51st GET in flight is refused with 429."""
    api = make_api(Sandbox(clock=clock, latency_ms=100))
    statuses = _in_flight(api, lambda: [api.client.get("/users/me") for _ in range(51)])
    assert statuses == [200] * 50 + [429]


def test_default_write_cap_is_15_in_flight(make_api, clock):
    """With Asana's defaults, the 16th write in flight is refused with 429."""
    sb = Sandbox(clock=clock, latency_ms=100)
    api = make_api(sb)
    body = {"data": {"name": "x", "workspace": sb.workspace_gid}}
    statuses = _in_flight(api, lambda: [api.client.post("/tasks", json=body) for _ in range(16)])
    assert statuses == [201] * 15 + [429]
