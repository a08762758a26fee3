"""The token never appears in an error message, a log line or AsanaResponse.headers."""

from __future__ import annotations

import logging

import httpx
import pytest

from asana_adaptor.client import AsanaError, ConfigurationError, RetryPolicy
from clientkit import TOKEN, Script, all_text, call, make_client, run


def echo_everything(request: httpx.Request) -> httpx.Response:
    """A hostile server that echoes the Authorization header everywhere it can."""
    auth = request.headers["authorization"]
    return httpx.Response(200, json={"data": {"gid": "1"}},
                          headers={"Authorization": auth, "X-Echo": auth,
                                   "Set-Cookie": f"s={TOKEN}"})


def echo_error(status: int):
    def handler(request: httpx.Request) -> httpx.Response:
        auth = request.headers["authorization"]
        return httpx.Response(status, headers={"X-Echo": auth},
                              json={"errors": [{"message": f"bad token {auth}", "help": auth}]})
    return handler


def test_response_headers_never_hold_the_token(caplog):
    """Echoed credentials are dropped or masked in AsanaResponse.headers."""
    caplog.set_level(logging.DEBUG)
    response = run(call(make_client(Script(echo_everything)), "GET", "/users/me"))
    assert "authorization" not in response.headers and "set-cookie" not in response.headers
    assert response.headers["x-echo"] == "Bearer ***"
    assert TOKEN not in repr(response.headers)
    assert TOKEN not in all_text(caplog.records)


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 429, 500, 503])
def test_error_messages_never_hold_the_token(status, caplog):
    """An error response that echoes the token yields an error without it, for every status."""
    caplog.set_level(logging.DEBUG)
    client = make_client(Script(echo_error(status)), retry=RetryPolicy(attempts=1))
    error = run(call(client, "POST", "/tasks", data={"name": "x"}))
    assert isinstance(error, AsanaError)
    for text in (str(error), repr(error), repr(error.body), " ".join(error.messages),
                 str(error.help), all_text(caplog.records)):
        assert TOKEN not in text


def test_transport_error_never_holds_the_token(caplog):
    """A transport failure whose text contains the token is masked."""
    caplog.set_level(logging.DEBUG)
    script = Script(httpx.ReadError(f"reset while sending Bearer {TOKEN}"))
    error = run(call(make_client(script, retry=RetryPolicy(attempts=1)), "GET", "/tasks/1"))
    assert TOKEN not in str(error) and TOKEN not in all_text(caplog.records)


def test_token_in_a_query_is_masked_in_our_log_line_and_error(caplog):
    """A path carrying the token (or any secret-looking param) is masked in the log and the error."""
    caplog.set_level(logging.INFO, logger="asana_adaptor.client")
    script = Script(httpx.Response(404, json={"errors": [{"message": "Unknown object"}]}))
    error = run(call(make_client(script), "GET", f"/tasks/1?access_token={TOKEN}&api_key=k123"))
    ours = [r for r in caplog.records if r.name == "asana_adaptor.client"]
    assert ours and all(TOKEN not in r.getMessage() and "k123" not in r.getMessage() for r in ours)
    assert error.path == "/tasks/1?access_token=***&api_key=***"
    assert TOKEN not in str(error)


def test_refused_absolute_url_never_shows_the_token():
    """A refused URL carrying the token is shown masked."""
    error = run(call(make_client(Script()), "GET", f"https://evil.example.com/x?t={TOKEN}"))
    assert isinstance(error, ConfigurationError) and TOKEN not in str(error)


def test_log_lines_of_a_normal_run_never_hold_the_token(caplog):
    """Every log record (this package, httpx, httpcore) of a run with retries is free of the token."""
    caplog.set_level(logging.DEBUG)
    script = Script(httpx.Response(429, headers={"Retry-After": "1"}, json={"errors": [{"message": "slow"}]}),
                    httpx.Response(200, json={"data": {"gid": "1"}}))
    run(call(make_client(script), "GET", "/users/me"))
    assert len(caplog.records) >= 3
    assert TOKEN not in all_text(caplog.records)
