"""Retries: which failures are retried, how long the client waits, and when it stops."""

from __future__ import annotations

import logging

import httpx
import pytest

from asana_adaptor.client import (AmbiguousWriteError, BadRequestError, RateLimitedError,
                                  RetryPolicy, ServerError, TransportError, equal_jitter,
                                  no_jitter)
from clientkit import Script, call, err, make_client, ok, run

TOO_MANY = "You've made too many requests and hit a rate limit. Please retry after the given amount of time."


def rate_limited(seconds: str = "30") -> httpx.Response:
    return err(429, TOO_MANY, headers={"Retry-After": seconds})


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE"])
def test_429_waits_retry_after_then_retries_any_method(method, clock):
    """A 429 waits Retry-After seconds and retries, whatever the method."""
    script = Script(rate_limited("30"), ok({"gid": "1"}))
    response = run(call(make_client(script, clock), method, "/tasks", data={"name": "x"}))
    assert response.data == {"gid": "1"} and response.attempts == 2
    assert clock.sleeps == [30.0] and len(script.requests) == 2


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_5xx_backs_off_exponentially_for_idempotent_methods(method, clock):
    """GET, PUT and DELETE retry a 5xx after 0.5 s, 1 s, 2 s... (jitter pinned)."""
    script = Script(err(500, "Server Error"), err(502), err(503), ok())
    response = run(call(make_client(script, clock), method, "/tasks/1"))
    assert response.status == 200 and len(script.requests) == 4
    assert clock.sleeps == [0.5, 1.0, 2.0]


def test_backoff_is_capped(clock):
    """The backoff never exceeds backoff_max."""
    policy = RetryPolicy(backoff_base=1, backoff_max=5, jitter=no_jitter)
    assert [policy.backoff(n) for n in range(1, 6)] == [1, 2, 4, 5, 5]


def test_equal_jitter_stays_between_half_and_whole_ceiling():
    """The default jitter picks a wait between half the ceiling and the ceiling."""
    waits = [equal_jitter(8.0) for _ in range(200)]
    assert all(4.0 <= w <= 8.0 for w in waits) and len(set(waits)) > 1


def test_post_5xx_raises_ambiguous_write_without_retrying(clock):
    """A POST answered by a 5xx is not repeated: AmbiguousWriteError says it may exist."""
    script = Script(err(504, "Gateway Timeout"), ok())
    error = run(call(make_client(script, clock), "POST", "/tasks", data={"name": "x"}))
    assert isinstance(error, AmbiguousWriteError) and isinstance(error.cause, ServerError)
    assert "the task may or may not have been created" in str(error).lower()
    assert len(script.requests) == 1 and clock.sleeps == []


def test_post_connection_lost_after_sending_is_ambiguous(clock):
    """A POST whose connection drops before the response raises AmbiguousWriteError."""
    script = Script(httpx.RemoteProtocolError("Server disconnected without sending a response."))
    error = run(call(make_client(script, clock), "POST", "/tasks/1/stories", data={"text": "hi"}))
    assert isinstance(error, AmbiguousWriteError) and isinstance(error.cause, TransportError)
    assert "the story may or may not have been created" in str(error).lower()
    assert len(script.requests) == 1


def test_post_read_timeout_is_ambiguous(clock):
    """A POST that times out waiting for the response raises AmbiguousWriteError."""
    script = Script(httpx.ReadTimeout("timed out"))
    error = run(call(make_client(script, clock), "POST", "/tasks/1/addProject", data={"project": "2"}))
    assert isinstance(error, AmbiguousWriteError)
    assert "the change may or may not have been applied" in str(error).lower()


def test_post_with_retry_writes_is_retried(clock):
    """retry_writes=True lets a POST retry a 5xx like a GET."""
    script = Script(err(500), ok({"gid": "7"}))
    response = run(call(make_client(script, clock), "POST", "/tasks", data={}, retry_writes=True))
    assert response.data == {"gid": "7"} and clock.sleeps == [0.5]


def test_connect_error_is_retried_for_post(clock):
    """A connection that could not be opened sent nothing, so even a POST is retried."""
    script = Script(httpx.ConnectError("Connection refused"), ok({"gid": "3"}))
    response = run(call(make_client(script, clock), "POST", "/tasks", data={"name": "x"}))
    assert response.data == {"gid": "3"} and len(script.requests) == 2


@pytest.mark.parametrize("exc", [httpx.ReadTimeout("slow"), httpx.ReadError("reset"),
                                 httpx.RemoteProtocolError("dropped")])
def test_transport_errors_are_retried_for_get(exc, clock):
    """Timeouts and dropped connections on a GET back off and retry."""
    script = Script(exc, ok())
    assert run(call(make_client(script, clock), "GET", "/tasks/1")).status == 200
    assert clock.sleeps == [0.5]


def test_4xx_is_not_retried(clock):
    """A 400 is raised at once; repeating it cannot help."""
    script = Script(err(400, "project: Missing input"), ok())
    error = run(call(make_client(script, clock), "GET", "/tasks"))
    assert isinstance(error, BadRequestError) and len(script.requests) == 1


def test_attempts_bound_the_retries(clock):
    """After `attempts` tries the last error is raised."""
    script = Script(err(503, "Service Unavailable"))
    policy = RetryPolicy(attempts=3, sleep=clock.sleep, clock=clock.time, jitter=no_jitter)
    error = run(call(make_client(script, clock, retry=policy), "GET", "/tasks/1"))
    assert isinstance(error, ServerError) and error.status == 503
    assert len(script.requests) == 3 and clock.sleeps == [0.5, 1.0]


def test_total_time_bounds_the_retries(clock):
    """Retries stop when the next wait would pass the total time budget."""
    script = Script(err(500))
    policy = RetryPolicy(attempts=100, timeout=10, sleep=clock.sleep, clock=clock.time,
                         jitter=no_jitter)
    error = run(call(make_client(script, clock, retry=policy), "GET", "/tasks/1"))
    assert isinstance(error, ServerError)
    assert clock.sleeps == [0.5, 1.0, 2.0, 4.0] and sum(clock.sleeps) <= 10


def test_429_longer_than_the_budget_is_raised_at_once(clock):
    """A Retry-After beyond the remaining budget raises RateLimitedError without waiting."""
    script = Script(rate_limited("600"))
    error = run(call(make_client(script, clock), "GET", "/tasks/1"))
    assert isinstance(error, RateLimitedError) and error.retry_after == 600
    assert clock.sleeps == [] and "wait 600 s" in str(error)


def test_exhausted_transport_retries_raise_transport_error(clock):
    """A GET whose connections keep failing ends in TransportError naming the cause."""
    script = Script(httpx.ConnectError("Connection refused"))
    policy = RetryPolicy(attempts=2, sleep=clock.sleep, clock=clock.time, jitter=no_jitter)
    error = run(call(make_client(script, clock, retry=policy), "GET", "/tasks/1"))
    assert isinstance(error, TransportError) and not error.sent
    assert "could not connect" in str(error) and "configuration.baseUrl" in str(error)


def test_a_connection_failure_names_the_host_it_tried(clock):
    """"could not connect to HOST" shows which baseUrl was used, so a typo is visible."""
    script = Script(httpx.ConnectError("Name or service not known"))
    policy = RetryPolicy(attempts=1, sleep=clock.sleep, clock=clock.time, jitter=no_jitter)
    error = run(call(make_client(script, clock, retry=policy), "GET", "/tasks/1"))
    assert "could not connect to app.asana.com (" in str(error)


def test_default_policy_is_bounded_by_five_minutes():
    """By default all retries of a call end within 300 s."""
    assert RetryPolicy().timeout == 300.0


def test_each_retry_is_logged_with_reason_and_wait(clock, caplog):
    """Every retry logs a WARNING naming the call, the wait and the reason."""
    caplog.set_level(logging.INFO, logger="asana_adaptor.client")
    script = Script(rate_limited("2"), err(503, "Service Unavailable"), ok())
    run(call(make_client(script, clock), "GET", "/tasks/1"))
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "retrying GET /tasks/1 in 2.0 s (attempt 2 of 8): 429 " + TOO_MANY,
        "retrying GET /tasks/1 in 0.5 s (attempt 3 of 8): 503 Service Unavailable",
    ]
    infos = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO
             and r.name == "asana_adaptor.client"]
    assert [line.split(" in ")[0] for line in infos] == [
        "GET /tasks/1 - 429", "GET /tasks/1 - 503", "GET /tasks/1 - 200"]


@pytest.mark.parametrize("kwargs", [{"attempts": 0}, {"timeout": 0}])
def test_policy_refuses_meaningless_bounds(kwargs):
    """attempts < 1 or a non-positive timeout is refused."""
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)
