"""The Batch API: chunks of 10, a result per action, errors per action."""

from __future__ import annotations

import json

import httpx
import pytest

from asana_adaptor.client import (AmbiguousWriteError, AuthenticationError, InvalidRequestError,
                                  NotFoundError)
from clientkit import Script, err, make_client, ok, run


def echo_batch(request: httpx.Request) -> httpx.Response:
    """Answer every action: 404 for /tasks/missing, else 200 with the path as the gid."""
    actions = json.loads(request.content)["data"]["actions"]
    results = []
    for action in actions:
        if action["relative_path"] == "/tasks/missing":
            results.append({"status_code": 404, "headers": {},
                            "body": {"errors": [{"message": "Unknown object: missing"}]}})
        else:
            results.append({"status_code": 200, "headers": {},
                            "body": {"data": {"gid": action["relative_path"].split("/")[-1]}}})
    return httpx.Response(200, json={"data": results})


def batch(script, actions):
    async def main():
        client = make_client(script)
        try:
            return await client.batch(actions)
        finally:
            await client.aclose()
    return run(main())


def gets(n):
    return [{"method": "get", "relative_path": f"/tasks/{i}"} for i in range(n)]


def test_actions_are_sent_in_chunks_of_ten():
    """25 actions go out as three POST /batch requests of 10, 10 and 5."""
    script = Script(echo_batch)
    results = batch(script, gets(25))
    assert [len(b["data"]["actions"]) for b in script.bodies()] == [10, 10, 5]
    assert all(r.method == "POST" and r.url.path == "/api/1.0/batch" for r in script.requests)
    assert [r.data["gid"] for r in results] == [str(i) for i in range(25)]


def test_each_action_gets_its_own_result_and_error():
    """A failed action has its mapped error; the others their data."""
    results = batch(Script(echo_batch), [{"method": "get", "relative_path": "/tasks/1"},
                                         {"method": "get", "relative_path": "/tasks/missing"}])
    assert [r.status_code for r in results] == [200, 404]
    assert results[0].ok and results[0].data == {"gid": "1"}
    assert isinstance(results[1].error, NotFoundError)
    assert results[1].error.messages == ["Unknown object: missing"]
    assert results[1].error.path == "/tasks/missing"


@pytest.mark.parametrize("action", [{"method": "get"}, {"method": "fetch", "relative_path": "/x"},
                                    {"method": "get", "relative_path": "/tasks?limit=1"},
                                    {"method": "get", "relative_path": "https://app.asana.com/x"},
                                    "GET /tasks/1"])
def test_malformed_actions_are_refused_before_sending(action):
    """An action without a valid method or a query-free relative path is refused up front."""
    script = Script(echo_batch)
    with pytest.raises(InvalidRequestError):
        batch(script, [action])
    assert script.requests == []


def test_no_actions_sends_nothing():
    """An empty batch returns [] without a request (Asana would answer 400)."""
    script = Script(echo_batch)
    assert batch(script, []) == [] and script.requests == []


def test_whole_batch_failure_is_raised():
    """When every chunk fails (a 401), the error is raised."""
    with pytest.raises(AuthenticationError):
        batch(Script(err(401, "Not Authorized")), gets(3))


def test_failed_chunk_becomes_per_action_errors():
    """If one chunk fails and another succeeds, the failed chunk's actions carry the error."""
    actions = [{"method": "put", "relative_path": f"/tasks/{i}", "data": {"completed": True}}
               for i in range(12)]
    seen = []

    def flaky(request):
        seen.append(request)
        if len(json.loads(request.content)["data"]["actions"]) == 2:
            raise httpx.ReadError("connection reset")
        return echo_batch(request)

    results = batch(Script(flaky), actions)
    assert [r.ok for r in results] == [True] * 10 + [False] * 2
    assert isinstance(results[10].error, AmbiguousWriteError)
    assert results[10].action["relative_path"] == "/tasks/10"


def test_read_only_batch_is_retried_on_5xx(clock):
    """A batch of GETs is safe to repeat, so a 5xx is retried."""
    script = Script(err(503, "Service Unavailable"), echo_batch)
    assert [r.status_code for r in batch(script, gets(2))] == [200, 200]
    assert len(script.requests) == 2


def test_write_batch_failing_after_sending_is_ambiguous():
    """A batch with writes that gets a 5xx raises AmbiguousWriteError, not a retry."""
    script = Script(err(500, "Server Error"), echo_batch)
    with pytest.raises(AmbiguousWriteError):
        batch(script, [{"method": "post", "relative_path": "/tasks", "data": {"name": "x"}}])
    assert len(script.requests) == 1


def test_batch_costs_one_quota_unit_per_action(clock):
    """Each action counts against the per-minute quota."""
    from asana_adaptor.client import RateLimiter
    limiter = RateLimiter(10, clock=clock.time, sleep=clock.sleep)

    async def main():
        client = make_client(Script(echo_batch, ok()), clock, limiter=limiter)
        await client.batch(gets(10))
        await client.get("/users/me")
        await client.aclose()

    run(main())
    assert clock.sleeps == [60.0]
