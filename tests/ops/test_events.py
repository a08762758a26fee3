"""get_events: sync tokens kept in state, the first call and expired tokens."""

import pytest

from asana_adaptor.client import BadRequestError
from asana_adaptor.ops import create_task, get_events, update_task

UNKNOWN = "1999999999999999"


def test_first_call_returns_no_events_and_stores_the_token(run, project_gid):
    """The first get_events returns [] and keeps Asana's fresh sync token in state."""
    state = run(get_events(project_gid))
    assert state["data"] == []
    assert state["sync"][project_gid]


def test_next_call_returns_the_changes_since_the_token(run, project_gid):
    """After the first call, get_events returns what changed since, and a new token."""
    first = run(get_events(project_gid))
    made = run(create_task({"name": "Evented", "projects": [project_gid]}))
    later = run(get_events(project_gid), state={"sync": first["sync"]})
    touched = {e["resource"]["gid"] for e in later["data"]}
    assert made["data"]["gid"] in touched
    assert later["sync"][project_gid] != first["sync"][project_gid]


def test_repeated_calls_do_not_repeat_events(run, project_gid):
    """Events already returned are not returned again by the next call."""
    state = run(get_events(project_gid))
    gid = run(create_task({"name": "Once", "projects": [project_gid]}))["data"]["gid"]
    state = run(get_events(project_gid), state={"sync": state["sync"]})
    assert state["data"]
    state = run(get_events(project_gid), state={"sync": state["sync"]})
    assert gid not in {e["resource"]["gid"] for e in state["data"]}


def test_tokens_are_kept_per_resource(run, project_gid, field_ops_gid):
    """Two resources keep their own tokens side by side in state.sync."""
    state = run(get_events(project_gid), get_events(field_ops_gid))
    assert set(state["sync"]) == {project_gid, field_ops_gid}


def test_expired_token_adopts_the_fresh_one_and_flags_it(run, project_gid):
    """An unusable token (412) is replaced by Asana's fresh one and flagged in sync_expired."""
    state = run(get_events(project_gid), state={"sync": {project_gid: "expired-token"}})
    assert state["data"] == []
    assert state["sync"][project_gid] not in (None, "expired-token")
    assert state["sync_expired"] == {project_gid: True}
    task = run(create_task({"name": "After", "projects": [project_gid]}))["data"]["gid"]
    later = run(get_events(project_gid), state={"sync": state["sync"]})
    assert task in {e["resource"]["gid"] for e in later["data"]}


def test_events_of_unknown_resource_are_a_bad_request(run):
    """Events of an unknown resource raise BadRequestError naming the resource parameter."""
    with pytest.raises(BadRequestError, match="resource: Unknown object"):
        run(get_events(UNKNOWN))


def test_changes_show_as_changed_events(run, project_gid):
    """A field change shows as a 'changed' event naming the field."""
    gid = run(create_task({"name": "Watch", "projects": [project_gid]}))["data"]["gid"]
    state = run(get_events(gid))
    run(update_task(gid, {"name": "Watched"}))
    later = run(get_events(gid), state={"sync": state["sync"]})
    changes = [e for e in later["data"] if e["action"] == "changed"]
    assert changes and changes[0]["change"]["field"] == "name"


def test_more_than_a_page_of_events_is_followed(run, recorder, project_gid):
    """When Asana says has_more, get_events keeps reading until it has every event."""
    state = run(get_events(project_gid))
    made = {run(create_task({"name": f"E{i}", "projects": [project_gid]}))["data"]["gid"]
            for i in range(110)}
    recorder.requests.clear()
    later = run(get_events(project_gid), state={"sync": state["sync"]})
    assert made <= {e["resource"]["gid"] for e in later["data"]}
    assert len(recorder.calls("GET", "/events")) >= 2
