"""duplicate_task's wait for Asana's job when the job fails or never finishes.

The sandbox's jobs always succeed, so these edge cases use an httpx.MockTransport that answers
like Asana's job endpoints.
"""

import asyncio

import httpx
import pytest

from asana_adaptor.client import JobError, RetryPolicy, VirtualClock
from asana_adaptor.ops import duplicate_task
from asana_adaptor.runtime import RunContext, execute

CONFIGURATION = {"token": "0/test-token", "baseUrl": "https://asana.test"}


def _asana(final_status):
    polls = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/duplicate"):
            return httpx.Response(201, json={"data": {"gid": "77", "resource_type": "job",
                                                      "status": "not_started"}})
        polls.append(request.url.path)
        return httpx.Response(200, json={"data": {"gid": "77", "resource_type": "job",
                                                  "status": final_status, "new_task": None}})

    return httpx.MockTransport(handler), polls


def test_a_failed_job_raises_job_error():
    """A job that ends 'failed' raises JobError saying the duplicate was not made."""
    transport, polls = _asana("failed")
    with pytest.raises(JobError, match="duplicate was not made"):
        execute(duplicate_task("1", {"name": "Copy"}, {"poll_interval": 0.001}))(
            {"configuration": CONFIGURATION}, transport=transport)
    assert polls == ["/api/1.0/jobs/77"]


def test_a_job_that_never_finishes_times_out_with_advice():
    """A job still in progress polls at 0.1, 0.2, 0.4... s, then raises JobError with advice."""
    transport, polls = _asana("in_progress")
    clock = VirtualClock()
    ctx = RunContext(transport=transport,
                     client_options={"retry": RetryPolicy(sleep=clock.sleep, clock=clock.time)})

    async def main():
        try:
            await execute(duplicate_task("1", {"name": "Copy"}, {"timeout": 5})).run_async(
                {"configuration": CONFIGURATION}, ctx)
        finally:
            await ctx.aclose()

    with pytest.raises(JobError, match="did not finish within 5 s") as caught:
        asyncio.run(main())
    assert "timeout" in str(caught.value)
    assert clock.sleeps == [0.1, 0.2, 0.4, 0.8, 1.6, 2.0] and len(polls) == 6


def test_unknown_wait_options_are_refused():
    """A misspelt option is refused before anything is sent."""
    transport, polls = _asana("succeeded")
    with pytest.raises(ValueError, match="timeout and poll_interval"):
        execute(duplicate_task("1", {"name": "Copy"}, {"timout": 5}))(
            {"configuration": CONFIGURATION}, transport=transport)
    assert polls == []
