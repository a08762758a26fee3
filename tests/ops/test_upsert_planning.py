"""Upsert planning on Asana-shaped tasks: match keys, the index and the changes to write."""

import pytest

from asana_adaptor.ops.upsert_index import ProjectIndex
from asana_adaptor.ops.upsert_keys import (KeyPart, UpsertError, key_of_body, key_of_task,
                                          parse_match)
from asana_adaptor.ops.upsert_plan import Plan, changes_for

GID_FIELD = KeyPart("custom_field", "Grievance ID", "900")
COUNTRY = KeyPart("custom_field", "Country", "910")


def task(gid, grievance_id=None, country=None, **fields):
    custom = []
    if grievance_id is not None:
        custom.append({"gid": "900", "name": "Grievance ID", "resource_subtype": "text",
                       "text_value": grievance_id})
    if country is not None:
        custom.append({"gid": "910", "name": "Country", "resource_subtype": "enum",
                       "enum_value": {"gid": country, "name": "x"}})
    return {"gid": gid, "name": fields.pop("name", f"Task {gid}"), "notes": "",
            "completed": False, "assignee": None, "due_on": None, "custom_fields": custom,
            **fields}


def test_openfn_external_id_matches_a_task_field():
    """OpenFn's externalId names a top-level task field."""
    assert parse_match({"externalId": "name", "data": {}}) == (KeyPart("field", "name"),)


def test_openfn_external_id_may_name_a_custom_field():
    """externalId naming a custom field matches on it, as match does."""
    assert parse_match({"externalId": "Grievance ID", "data": {}}) == (
        KeyPart("custom_field", "Grievance ID"),)


def test_match_by_custom_field_name():
    """A match name that is not a task field is a custom field."""
    assert parse_match({"match": "Grievance ID"}) == (KeyPart("custom_field", "Grievance ID"),)


def test_match_by_explicit_custom_field():
    """{"custom_field": ...} names a custom field even when it looks like a task field."""
    assert parse_match({"match": {"custom_field": "name"}}) == (KeyPart("custom_field", "name"),)


def test_match_on_external_gid():
    """external.gid is its own kind of key."""
    assert parse_match({"match": "external.gid"})[0].kind == "external"


def test_match_on_several_fields():
    """A list of fields makes one composite key, in order."""
    parts = parse_match({"match": ["Country", {"field": "name"}]})
    assert [p.kind for p in parts] == ["custom_field", "field"]


def test_missing_key_is_a_clear_error():
    """A spec without match or externalId says how to write one."""
    with pytest.raises(UpsertError, match="Grievance ID"):
        parse_match({"data": {}})


def test_key_of_body_reads_prepared_custom_fields():
    """The key of a prepared body comes from its gid-keyed custom fields."""
    body = {"custom_fields": {"900": "GRV-001", "910": "1"}}
    assert key_of_body((COUNTRY, GID_FIELD), body) == ("1", "GRV-001")


def test_key_of_body_without_value_names_the_field():
    """A record without its key value is refused, naming the field."""
    with pytest.raises(UpsertError, match="'Grievance ID'"):
        key_of_body((GID_FIELD,), {"name": "x", "custom_fields": {}})


def test_key_of_task_matches_key_of_body():
    """A task read from Asana and the body that wrote it have the same key."""
    assert key_of_task((GID_FIELD,), task("1", "GRV-001")) == key_of_body(
        (GID_FIELD,), {"custom_fields": {"900": "GRV-001"}})


def test_index_finds_every_task_with_a_key():
    """The index returns all gids sharing a key (so duplicates can be reported)."""
    index = ProjectIndex("p", frozenset(), [task("1", "A"), task("2", "B"), task("3", "A")])
    assert index.lookup((GID_FIELD,), ("A",)) == ["1", "3"]


def test_index_follows_a_changed_key():
    """After a write changes a task's key, the index finds it under the new key only."""
    index = ProjectIndex("p", frozenset(), [task("1", "A")])
    index.lookup((GID_FIELD,), ("A",))
    index.put(task("1", "Z"))
    assert index.lookup((GID_FIELD,), ("A",)) == []
    assert index.lookup((GID_FIELD,), ("Z",)) == ["1"]


def test_index_learns_a_created_task():
    """A created task is found by the next lookup."""
    index = ProjectIndex("p", frozenset(), [])
    index.lookup((GID_FIELD,), ("A",))
    index.put(task("7", "A"))
    assert index.lookup((GID_FIELD,), ("A",)) == ["7"]


def plan(body, assignee_gid=None):
    return Plan(body, ("A",), (GID_FIELD,), {"900": "Grievance ID", "910": "Country"},
                assignee_gid)


def test_no_changes_when_the_task_already_matches():
    """A record equal to its task gives an empty update."""
    update, changed = changes_for(task("1", "A", "5", name="Fence"),
                                  plan({"name": "Fence", "projects": ["p"],
                                        "custom_fields": {"900": "A", "910": "5"}}))
    assert update == {} and changed == []


def test_only_differing_fields_are_written():
    """An update carries only the fields whose values differ, named in changes."""
    update, changed = changes_for(task("1", "A", "5", name="Fence"),
                                  plan({"name": "Fence", "notes": "new",
                                        "custom_fields": {"900": "A", "910": "6"}}))
    assert update == {"notes": "new", "custom_fields": {"910": "6"}}
    assert changed == ["notes", "Country"]


def test_create_only_fields_are_not_written_on_update():
    """projects, workspace, tags and followers are never part of an update."""
    update, _ = changes_for(task("1", "A"), plan({"projects": ["x"], "workspace": "w",
                                                  "tags": ["t"], "followers": ["f"]}))
    assert update == {}


def test_assignee_compared_by_resolved_gid():
    """An assignee given by email is unchanged when it resolves to the stored user."""
    stored = task("1", "A", assignee={"gid": "42", "resource_type": "user"})
    update, _ = changes_for(stored, plan({"assignee": "amina@example.org"}, assignee_gid="42"))
    assert update == {}


def test_due_at_compared_as_instants():
    """Two spellings of the same instant are not a change."""
    stored = task("1", "A", due_at="2024-03-05T10:30:00.000Z")
    update, _ = changes_for(stored, plan({"due_at": "2024-03-05T13:30:00+03:00"}))
    assert update == {}


def test_clearing_a_set_field_is_a_change():
    """None for a custom field that has a value is written."""
    update, changed = changes_for(task("1", "A", "5"), plan({"custom_fields": {"910": None}}))
    assert update == {"custom_fields": {"910": None}} and changed == ["Country"]
