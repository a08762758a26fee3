"""What the client sends, what it returns, and what it logs."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from asana_adaptor.client import (USER_AGENT, AsanaResponse, ConfigurationError,
                                  InvalidRequestError, NotFoundError)
from asana_adaptor._version import __version__
from asana_adaptor.runtime.context import RunContext
from clientkit import BASE, TOKEN, Script, call, err, make_client, ok, run


def test_sends_bearer_token_user_agent_and_accept():
    """Every request carries Authorization: Bearer, the User-Agent and Accept: application/json."""
    script = Script(ok({"gid": "1"}))
    run(call(make_client(script), "GET", "/users/me"))
    headers = script.requests[0].headers
    assert headers["authorization"] == f"Bearer {TOKEN}"
    assert headers["user-agent"] == USER_AGENT == f"asana-adaptor/{__version__} (+python httpx)"
    assert headers["accept"] == "application/json"


def test_relative_path_goes_under_the_base_url():
    """"/tasks/1" is sent to {baseUrl}/api/1.0/tasks/1."""
    script = Script(ok())
    run(call(make_client(script), "GET", "/tasks/1"))
    assert str(script.requests[0].url) == f"{BASE}/tasks/1"


def test_path_without_leading_slash_is_accepted():
    """"tasks/1" means "/tasks/1"."""
    script = Script(ok())
    run(call(make_client(script), "get", "tasks/1"))
    assert (script.requests[0].method, script.requests[0].url.path) == ("GET", "/api/1.0/tasks/1")


def test_data_is_wrapped_in_the_envelope():
    """data is sent as {"data": data} with JSON content type."""
    script = Script(ok({"gid": "9"}, status=201))
    response = run(call(make_client(script), "POST", "/tasks", data={"name": "Call back"}))
    assert script.bodies() == [{"data": {"name": "Call back"}}]
    assert script.requests[0].headers["content-type"] == "application/json"
    assert (response.status, response.data) == (201, {"gid": "9"})


def test_options_go_beside_data():
    """options are sent as a sibling of data."""
    script = Script(ok())
    run(call(make_client(script), "PUT", "/tasks/1", data={"completed": True},
             options={"fields": ["name"]}))
    assert script.bodies() == [{"data": {"completed": True}, "options": {"fields": ["name"]}}]


def test_list_params_are_joined_with_commas_and_none_dropped():
    """opt_fields=["name","notes"] becomes opt_fields=name,notes; None params are not sent."""
    script = Script(ok())
    run(call(make_client(script), "GET", "/tasks/1",
             params={"opt_fields": ["name", "notes"], "opt_pretty": True, "limit": None}))
    params = script.requests[0].url.params
    assert params["opt_fields"] == "name,notes" and params["opt_pretty"] == "true"
    assert "limit" not in params


def test_query_in_the_path_is_kept_with_params():
    """A query written in the path is merged with params."""
    script = Script(ok())
    run(call(make_client(script), "GET", "/tasks?project=1", params={"limit": 5}))
    assert dict(script.requests[0].url.params) == {"project": "1", "limit": "5"}


def test_form_fields_are_form_encoded():
    """form= sends application/x-www-form-urlencoded fields at top level."""
    script = Script(ok())
    run(call(make_client(script), "POST", "/tasks", form={"name": "x"}))
    request = script.requests[0]
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.content == b"name=x"


def test_files_are_sent_as_multipart():
    """files= sends multipart/form-data with the form fields beside the file."""
    script = Script(ok({"gid": "a1"}))
    run(call(make_client(script), "POST", "/attachments",
             files={"file": ("report.txt", b"hello", "text/plain")}, form={"parent": "123"}))
    request = script.requests[0]
    assert request.headers["content-type"].startswith("multipart/form-data")
    assert b'name="parent"' in request.content and b"hello" in request.content


def test_files_with_data_is_refused_before_sending():
    """files and data together are refused without a request."""
    script = Script(ok())
    error = run(call(make_client(script), "POST", "/attachments", files={"file": b"x"}, data={}))
    assert isinstance(error, InvalidRequestError) and script.requests == []


def test_absolute_url_under_the_base_url_is_accepted():
    """An absolute URL under the configured base URL is sent like its relative path."""
    script = Script(ok())
    run(call(make_client(script), "GET", f"{BASE}/tasks/1?opt_fields=name"))
    assert str(script.requests[0].url) == f"{BASE}/tasks/1?opt_fields=name"


def test_absolute_url_on_another_origin_is_refused_and_not_sent():
    """An absolute URL on another host raises BASE_URL_MISMATCH and sends nothing."""
    script = Script(ok())
    error = run(call(make_client(script), "GET", "https://evil.example.com/api/1.0/tasks/1"))
    assert isinstance(error, ConfigurationError) and error.code == "BASE_URL_MISMATCH"
    assert script.requests == []


def test_absolute_url_with_another_scheme_is_refused():
    """http:// when the base is https:// counts as another origin."""
    error = run(call(make_client(Script(ok())), "GET", "http://app.asana.com/api/1.0/tasks/1"))
    assert error.code == "BASE_URL_MISMATCH"


def test_absolute_url_outside_the_api_is_refused():
    """An absolute URL on the origin but outside /api/1.0 raises UNEXPECTED_ABSOLUTE_URL."""
    script = Script(ok())
    error = run(call(make_client(script), "POST", "https://app.asana.com/-/oauth_token"))
    assert error.code == "UNEXPECTED_ABSOLUTE_URL" and script.requests == []


def test_redirects_are_not_followed():
    """A 3xx is returned as is: the token never follows a redirect."""
    script = Script(httpx.Response(302, headers={"Location": "https://evil.example.com/x"}))
    response = run(call(make_client(script), "GET", "/tasks/1"))
    assert response.status == 302 and len(script.requests) == 1


def test_response_exposes_status_headers_body_data_next_page():
    """AsanaResponse carries status, headers, body, data, next_page, method, path and timing."""
    body = {"data": [{"gid": "1"}], "next_page": {"offset": "abc", "path": "/x", "uri": f"{BASE}/x"}}
    script = Script(httpx.Response(200, json=body, headers={"Asana-Change": "name=x;info=y"}))
    response = run(call(make_client(script), "GET", "/projects/1/tasks", params={"limit": 1}))
    assert isinstance(response, AsanaResponse)
    assert (response.status, response.body, response.data) == (200, body, [{"gid": "1"}])
    assert response.next_page["offset"] == "abc"
    assert response.headers["asana-change"] == "name=x;info=y"
    assert (response.method, response.path) == ("GET", "/projects/1/tasks?limit=1")
    assert response.elapsed_ms >= 0 and response.attempts == 1
    assert response.to_state() == {"status": 200, "headers": response.headers,
                                   "next_page": body["next_page"]}


def test_error_status_raises_the_mapped_error():
    """A 404 raises NotFoundError with Asana's message, method and relative path."""
    script = Script(err(404, "Unknown object: 99"))
    error = run(call(make_client(script), "GET", "/tasks/99"))
    assert isinstance(error, NotFoundError)
    assert (error.method, error.path, error.messages) == ("GET", "/tasks/99", ["Unknown object: 99"])


def test_one_info_line_per_call(caplog):
    """Each call logs `METHOD path?query - status in N ms` at INFO, path relative to the base."""
    caplog.set_level(logging.INFO, logger="asana_adaptor.client")
    run(call(make_client(Script(ok())), "GET", "/tasks/123", params={"opt_fields": "name"}))
    lines = [r for r in caplog.records if r.name == "asana_adaptor.client"]
    assert len(lines) == 1 and lines[0].levelno == logging.INFO
    assert lines[0].getMessage().startswith("GET /tasks/123?opt_fields=name - 200 in ")
    assert lines[0].getMessage().endswith(" ms")


def test_injected_transport_is_not_closed_by_aclose():
    """Closing a client leaves an injected transport usable by another client."""
    script = Script(ok())
    transport = httpx.MockTransport(script)
    run(call(make_client(transport), "GET", "/a"))
    run(call(make_client(transport), "GET", "/b"))
    assert [r.url.path for r in script.requests] == ["/api/1.0/a", "/api/1.0/b"]


def test_run_context_builds_the_client_with_its_options():
    """RunContext.client(configuration) builds an AsanaClient with the context's transport, logger and options."""
    script = Script(ok({"gid": "me"}))

    async def main():
        ctx = RunContext(transport=httpx.MockTransport(script), client_options={"timeout": httpx.Timeout(5.0)})
        client = ctx.client({"token": TOKEN})
        response = await client.get("/users/me")
        assert ctx.client({"token": TOKEN}) is client and client.timeout.read == 5.0
        await ctx.aclose()
        return response

    assert run(main()).data == {"gid": "me"}


@pytest.mark.parametrize("method", ["get", "delete"])
def test_verb_methods_send_their_method(method):
    """get() and delete() send GET and DELETE with params."""
    script = Script(ok())

    async def main():
        client = make_client(script)
        await getattr(client, method)("/tasks/1", {"opt_fields": "name"})
        await client.aclose()

    run(main())
    assert script.requests[0].method == method.upper()
    assert script.requests[0].url.params["opt_fields"] == "name"


def test_post_and_put_wrap_data_and_pass_options():
    """post() and put() wrap data and pass keyword options through."""
    script = Script(ok())

    async def main():
        client = make_client(script)
        await client.post("/tasks", {"name": "a"}, {"opt_fields": "gid"}, options={"pretty": True})
        await client.put("/tasks/1", {"name": "b"})
        await client.aclose()

    run(main())
    assert [r.method for r in script.requests] == ["POST", "PUT"]
    assert script.bodies() == [{"data": {"name": "a"}, "options": {"pretty": True}},
                               {"data": {"name": "b"}}]
    assert script.requests[0].url.params["opt_fields"] == "gid"


def test_non_json_success_body_is_kept_as_text():
    """A success body that is not JSON is returned as text with data None."""
    response = run(call(make_client(Script(httpx.Response(200, text="pong"))), "GET", "/ping"))
    assert (response.body, response.data) == ("pong", None)


def test_json_body_is_sent_as_utf8():
    """Non-ASCII text arrives intact."""
    script = Script(ok())
    run(call(make_client(script), "POST", "/tasks", data={"name": "Réclamation – Kenya"}))
    assert json.loads(script.requests[0].content.decode("utf-8"))["data"]["name"] == "Réclamation – Kenya"


def test_absolute_url_with_default_port_and_upper_case_host_is_the_same_origin():
    """https://APP.asana.com:443/api/1.0/... is on the configured origin."""
    script = Script(ok())
    run(call(make_client(script), "GET", "https://APP.asana.com:443/api/1.0/tasks/1"))
    assert str(script.requests[0].url) == f"{BASE}/tasks/1"


def test_protocol_relative_url_is_refused():
    """"//evil.example.com/x" is treated as another origin."""
    script = Script(ok())
    error = run(call(make_client(script), "GET", "//evil.example.com/x"))
    assert error.code == "BASE_URL_MISMATCH" and script.requests == []


def test_another_port_is_another_origin():
    """The same host on another port is refused."""
    error = run(call(make_client(Script(ok())), "GET", "https://app.asana.com:8443/api/1.0/tasks"))
    assert error.code == "BASE_URL_MISMATCH"


def test_every_request_carries_the_timeouts():
    """Each request goes out with connect 10 s and read 60 s timeouts (never unbounded)."""
    script = Script(ok())
    run(call(make_client(script), "GET", "/tasks/1"))
    assert script.requests[0].extensions["timeout"] == {
        "connect": 10.0, "read": 60.0, "write": 60.0, "pool": 60.0}


def test_log_line_shows_the_query_decoded(caplog):
    """The logged path shows the query as written, not percent-encoded."""
    caplog.set_level(logging.INFO, logger="asana_adaptor.client")
    run(call(make_client(Script(ok([]))), "GET", "/workspaces/1/typeahead",
             params={"query": "Mei Chén", "opt_fields": ["name", "email"]}))
    line = [r.getMessage() for r in caplog.records if r.name == "asana_adaptor.client"][0]
    assert line.startswith("GET /workspaces/1/typeahead?query=Mei Chén&opt_fields=name,email - 200")


def test_log_line_counts_a_long_opt_fields(caplog):
    """An opt_fields over 80 characters is logged as `opt_fields=<N fields>`; all are sent."""
    caplog.set_level(logging.INFO, logger="asana_adaptor.client")
    fields = [f"custom_fields.field_{i}" for i in range(20)]
    script = Script(ok([]))
    run(call(make_client(script), "GET", "/projects/1/tasks",
             params={"opt_fields": fields, "limit": 100}))
    line = [r.getMessage() for r in caplog.records if r.name == "asana_adaptor.client"][0]
    assert line.startswith("GET /projects/1/tasks?opt_fields=<20 fields>&limit=100 - 200 in ")
    assert script.requests[0].url.params["opt_fields"] == ",".join(fields)
