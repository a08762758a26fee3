"""How Asana operations compose state: data, references, response, callbacks, lazy args."""

import asyncio

import pytest

from asana_adaptor.ops import get_task, get_tasks, get_user
from asana_adaptor.runtime import S


def test_data_is_set_and_the_previous_data_goes_to_references(run):
    """data becomes the result; the previous data is appended to references."""
    state = run(get_user("me"), state={"data": {"before": 1}, "references": [0]})
    assert state["data"]["name"] == "Sandbox User"
    assert state["references"] == [0, {"before": 1}]


def test_response_has_status_headers_and_next_page(run, field_ops_gid):
    """state.response holds status, headers and next_page of the last call."""
    state = run(get_tasks(field_ops_gid, {"limit": 1}))
    response = state["response"]
    assert set(response) == {"status", "headers", "next_page"}
    assert response["status"] == 200
    assert response["headers"]["content-type"].startswith("application/json")
    assert response["next_page"]["offset"]


def test_response_holds_no_credentials(run, sb):
    """No header in state.response carries the token or an authorization/cookie header."""
    state = run(get_user("me"))
    headers = state["response"]["headers"]
    assert not {"authorization", "cookie", "set-cookie"} & set(headers)
    assert sb.token not in repr({k: v for k, v in state.items() if k != "configuration"})


def test_the_operation_is_named_after_the_function():
    """An operation object carries its snake_case name for logs and errors."""
    assert get_task("1").name == "get_task"


def test_callback_post_processes_the_state(run):
    """A callback receives the next state and its return value is the new state."""
    state = run(get_user("me", None, lambda s: {**s, "who": s["data"]["email"]}))
    assert state["who"] == "sandbox@example.org"


def test_async_callback_is_awaited(run):
    """An async callback is awaited."""

    async def note(s):
        await asyncio.sleep(0)
        return {**s, "seen": True}

    assert run(get_user("me", callback=note))["seen"] is True


def test_callback_returning_none_keeps_the_state(run):
    """A callback that only looks (returns None) leaves the state as it was."""
    seen = []
    state = run(get_user("me", callback=lambda s: seen.append(s["data"]["gid"])))
    assert seen == [state["data"]["gid"]]


def test_arguments_resolve_against_state_when_the_operation_runs(run):
    """A state path and a function of state are both read at run time."""
    state = run(get_user(S.who, {"opt_fields": lambda s: s["fields"]}),
                state={"who": "mei@example.org", "fields": "name"})
    assert set(state["data"]) == {"gid", "name"}
    assert state["data"]["name"] == "Mei Chen"


def test_a_refused_argument_names_the_operation(run, recorder):
    """An argument an operation will not send is reported under that operation's name."""
    from asana_adaptor import get_task
    from asana_adaptor.client import InvalidRequestError

    with pytest.raises(InvalidRequestError) as err:
        run(get_task(None))
    assert str(err.value).startswith("get_task: task_gid must be a gid, got None.")
    assert recorder.requests == []
