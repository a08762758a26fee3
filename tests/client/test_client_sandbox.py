"""The client against the sandbox in-process: real Asana behaviour through the real code path."""

from __future__ import annotations

import logging

import pytest

from asana_adaptor.client import (AmbiguousWriteError, AsanaClient, AuthenticationError,
                                  NotFoundError, RateLimitedError, RateLimiter, RetryPolicy,
                                  no_jitter)
from asana_sandbox import ManualClock, Sandbox
from clientkit import run


class Recording(ManualClock):
    """The sandbox's manual clock, also recording the client's sleeps."""

    def __init__(self) -> None:
        super().__init__()
        self.sleeps: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        await super().sleep(seconds)


def client_for(sb: Sandbox, token: str | None = None, **kw) -> AsanaClient:
    clock = sb.clock
    kw.setdefault("limiter", RateLimiter(sleep=clock.sleep, clock=clock.monotonic))
    return AsanaClient({"token": token or sb.token, "baseUrl": sb.base_url},
                       transport=sb.transport(), **kw)


async def using(client: AsanaClient, work):
    try:
        return await work(client)
    finally:
        await client.aclose()


def test_me_through_the_sandbox():
    """GET /users/me returns the token's owner."""
    sb = Sandbox()
    response = run(using(client_for(sb), lambda c: c.get("/users/me", {"opt_fields": "email"})))
    assert response.status == 200 and response.data["email"] == "sandbox@example.org"


def test_wrong_token_raises_authentication_error():
    """A wrong token gets 401 "Not Authorized" and the advice to check configuration.token."""
    sb = Sandbox()
    with pytest.raises(AuthenticationError) as info:
        run(using(client_for(sb, token="0/not-a-real-token"), lambda c: c.get("/users/me")))
    assert info.value.messages == ["Not Authorized"]
    assert "configuration.token" in str(info.value)
    assert "0/not-a-real-token" not in str(info.value)


def test_unknown_task_raises_not_found():
    """GET of a task that does not exist raises NotFoundError with the sandbox's message."""
    sb = Sandbox()
    with pytest.raises(NotFoundError) as info:
        run(using(client_for(sb), lambda c: c.get("/tasks/1999999999999999")))
    assert info.value.status == 404 and info.value.path == "/tasks/1999999999999999"
    assert info.value.messages and "1999999999999999" in info.value.messages[0]


def test_paginates_over_the_grievances_project(caplog):
    """Seven tasks read with page_size=3 come back whole, in order, in three page requests."""
    caplog.set_level(logging.INFO, logger="asana_adaptor.client")
    sb = Sandbox()
    project = sb.project_gid("Grievances")

    async def work(client):
        created = [(await client.post("/tasks", {"name": f"Grievance {i}", "projects": [project]})).data["gid"]
                   for i in range(7)]
        listed = [t async for t in client.paginate(f"/projects/{project}/tasks", page_size=3)]
        return created, listed

    created, listed = run(using(client_for(sb), work))
    assert [t["gid"] for t in listed] == created
    pages = [r for r in caplog.records if r.getMessage().startswith(f"GET /projects/{project}/tasks")]
    assert len(pages) == 3


def test_sandbox_quota_429_is_waited_out_and_retried():
    """Past the sandbox's quota, the client waits the 429's Retry-After and then succeeds."""
    clock = Recording()
    sb = Sandbox(quota=2, clock=clock)
    policy = RetryPolicy(sleep=clock.sleep, clock=clock.monotonic, jitter=no_jitter)

    async def work(client):
        return [await client.get("/users/me") for _ in range(3)]

    responses = run(using(client_for(sb, retry=policy), work))
    assert [r.status for r in responses] == [200, 200, 200]
    assert responses[2].attempts == 2
    assert len(clock.sleeps) == 1 and clock.sleeps[0] > 0


def test_sandbox_quota_429_without_retries_is_rate_limited_error():
    """With one attempt allowed, the sandbox's 429 surfaces as RateLimitedError with the wait."""
    clock = Recording()
    sb = Sandbox(quota=1, clock=clock)
    policy = RetryPolicy(attempts=1, sleep=clock.sleep, clock=clock.monotonic)

    async def work(client):
        await client.get("/users/me")
        await client.get("/users/me")

    with pytest.raises(RateLimitedError) as info:
        run(using(client_for(sb, retry=policy), work))
    assert info.value.retry_after and info.value.retry_after > 0
    assert "too many requests" in str(info.value).lower()


def test_dropped_connection_after_commit_is_an_ambiguous_write():
    """A task create whose connection drops after commit raises AmbiguousWriteError; the task exists."""
    sb = Sandbox()
    project = sb.project_gid("Grievances")
    sb.faults.drop_next(1, "/tasks", method="POST")

    with pytest.raises(AmbiguousWriteError) as info:
        run(using(client_for(sb), lambda c: c.post("/tasks", {"name": "Dropped", "projects": [project]})))
    assert "the task may or may not have been created" in str(info.value).lower()
    assert [t["name"] for t in sb.backend.tasks.values() if t["name"] == "Dropped"] == ["Dropped"]


def test_dropped_put_is_retried_transparently():
    """A PUT whose connection drops after commit is repeated, harmlessly."""
    sb = Sandbox()
    project = sb.project_gid("Grievances")
    clock = Recording()
    policy = RetryPolicy(sleep=clock.sleep, clock=clock.monotonic, jitter=no_jitter)

    async def work(client):
        gid = (await client.post("/tasks", {"name": "Before", "projects": [project]})).data["gid"]
        sb.faults.drop_next(1, f"/tasks/{gid}", method="PUT")
        return await client.put(f"/tasks/{gid}", {"name": "After"})

    response = run(using(client_for(sb, retry=policy), work))
    assert response.data["name"] == "After" and response.attempts == 2
    assert clock.sleeps == [0.5]


def test_batch_through_the_sandbox():
    """A batch of GETs returns each action's own result, a 404 among them."""
    sb = Sandbox()
    project = sb.project_gid("Grievances")
    actions = [{"method": "get", "relative_path": f"/projects/{project}"},
               {"method": "get", "relative_path": "/tasks/1999999999999999"}]
    results = run(using(client_for(sb), lambda c: c.batch(actions)))
    assert [r.status_code for r in results] == [200, 404]
    assert results[0].data["name"] == "Grievances"
    assert isinstance(results[1].error, NotFoundError)


def test_a_429_pauses_the_next_calls_until_retry_after():
    """After a 429, the client's next call waits out Retry-After instead of being refused too."""
    clock = Recording()
    sb = Sandbox(quota=2, clock=clock)
    once = RetryPolicy(attempts=1, sleep=clock.sleep, clock=clock.monotonic)

    async def work(client):
        await client.get("/users/me")
        await client.get("/users/me")
        with pytest.raises(RateLimitedError) as refused:
            await client.get("/users/me")
        return refused.value.retry_after, await client.get("/users/me")

    retry_after, response = run(using(client_for(sb, retry=once, limiter=RateLimiter(
        sleep=clock.sleep, clock=clock.monotonic)), work))
    assert response.status == 200 and response.attempts == 1
    assert clock.sleeps == [retry_after]


def test_a_run_over_the_quota_never_sees_a_429(caplog):
    """2,000 calls against a 1,500/min quota: the limiter spaces them and Asana never says 429."""
    caplog.set_level(logging.INFO, logger="asana_adaptor.client")
    clock = Recording()
    sb = Sandbox(quota=1500, clock=clock)
    once = RetryPolicy(attempts=1, sleep=clock.sleep, clock=clock.monotonic)

    async def work(client):
        return [await client.get("/users/me") for _ in range(2000)]

    responses = run(using(client_for(sb, retry=once, limiter=RateLimiter(
        1500, sleep=clock.sleep, clock=clock.monotonic)), work))
    assert len(responses) == 2000 and {r.status for r in responses} == {200}
    assert not [r for r in caplog.records if " - 429 " in r.getMessage()]
    assert sum(clock.sleeps) >= 60.0   # the last 500 waited for the window to slide
