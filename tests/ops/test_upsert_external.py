"""Upsert matched on external.gid, through the sandbox with an OAuth token (only OAuth apps may
set ``external``; a personal access token is refused)."""

import json

import httpx
import pytest

from asana_adaptor.client import ForbiddenError
from asana_adaptor.ops import upsert_task
from asana_adaptor.ops.upsert import UpsertError
from asana_adaptor.runtime import execute

OAUTH = "oauth-access-token-of-the-kobo-app"


@pytest.fixture
def oauth(sb, configuration):
    """The state's configuration for an OAuth app's token."""
    sb.add_token(OAUTH, oauth=True)
    return {"configuration": {**configuration, "token": OAUTH}}


def kobo(name="From Kobo", external_gid="kobo-41230000"):
    return {"match": "external.gid", "data": {"name": name, "external": {"gid": external_gid}}}


def test_external_gid_creates_then_finds_the_task(run, recorder, api, oauth, project_gid):
    """The first upsert creates a task carrying external.gid; the next one updates that task."""
    first = run(upsert_task(project_gid, kobo()), state=oauth)["data"]
    second = run(upsert_task(project_gid, kobo(name="Renamed")), state=oauth)["data"]
    assert (first["action"], second["action"]) == ("created", "updated")
    assert second["gid"] == first["gid"] and second["changes"] == ["name"]
    assert len(recorder.calls("POST", "/tasks")) == 1
    assert api("GET", "/tasks/external:kobo-41230000")["name"] == "Renamed"


def test_external_gid_equal_record_makes_no_request(run, recorder, oauth, project_gid):
    """A record equal to the task its external.gid finds is unchanged, with no request."""
    run(upsert_task(project_gid, kobo()), state=oauth)
    before = len(recorder.requests)
    outcome = run(upsert_task(project_gid, kobo()), state=oauth)["data"]
    assert outcome["action"] == "unchanged" and len(recorder.requests) == before


def test_personal_access_token_cannot_match_on_external_gid(run, api, project_gid):
    """With a personal access token Asana refuses external (403 naming OAuth); nothing is made."""
    with pytest.raises(ForbiddenError, match="OAuth"):
        run(upsert_task(project_gid, kobo()))
    names = [t["name"] for t in api("GET", f"/projects/{project_gid}/tasks")]
    assert "From Kobo" not in names


def test_personal_access_token_refusal_says_to_match_on_a_custom_field(run, project_gid):
    """The 403 for external with a personal access token says to match on a custom field."""
    with pytest.raises(ForbiddenError) as caught:
        run(upsert_task(project_gid, kobo()))
    message = str(caught.value)
    assert "match on a custom field instead" in message and "lacks access" not in message


def test_openfn_external_id_naming_external_gid_matches_on_it(run, recorder, oauth,
                                                             project_gid):
    """{"externalId": "external.gid"} matches on the task's external.gid, as match does."""
    spec = {"externalId": "external.gid", "data": kobo()["data"]}
    run(upsert_task(project_gid, spec), state=oauth)
    again = run(upsert_task(project_gid, spec), state=oauth)["data"]
    assert again["action"] == "unchanged" and len(recorder.calls("POST", "/tasks")) == 1


def test_a_key_asana_did_not_keep_stops_the_upsert():
    """A create read back without its external.gid stops with an error, not a later duplicate.

    The sandbox always keeps or refuses ``external``; an Asana that silently dropped it is
    scripted here with httpx.MockTransport.
    """
    project = "1200000000000100"

    def asana(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            body = json.loads(request.content)["data"]
            task = {"gid": "1200000000000200", "name": body["name"], "external": None,
                    "custom_fields": [], "projects": [{"gid": project}]}
            return httpx.Response(201, json={"data": task})
        return httpx.Response(200, json={"data": [], "next_page": None})

    with pytest.raises(UpsertError, match="would create a duplicate.*OAuth"):
        execute(upsert_task(project, kobo()))(
            {"configuration": {"token": "0/a-personal-token"}},
            transport=httpx.MockTransport(asana))
