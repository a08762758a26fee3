"""upsert_task and upsert_tasks against the sandbox: outcomes, request counts, safety."""

import asyncio

import pytest

from asana_adaptor.client import AmbiguousWriteError
from asana_adaptor.ops import create_task, upsert_task, upsert_tasks
from asana_adaptor.ops.upsert import DuplicateMatchError, UpsertError
from asana_adaptor.runtime import RunContext, execute
from asana_adaptor.runtime.common import each


def record(gid, status="Open", **extra):
    return {"name": f"Grievance {gid}", "notes": "Fence cut near the river.",
            "custom_fields": {"Grievance ID": gid, "Grievance Status": status,
                              "Country": "kenya", **extra.pop("fields", {})}, **extra}


def spec(data, **kw):
    return {"match": "Grievance ID", "data": data, **kw}


@pytest.fixture
def fresh_run(recorder, configuration):
    """``fresh_run(*ops, state=None)``: a whole new run (new context, empty caches)."""

    def _run(*ops, state=None):
        start = {"configuration": configuration, **(state or {})}

        async def main():
            ctx = RunContext(transport=recorder)
            try:
                return await execute(*ops).run_async(start, ctx)
            finally:
                await ctx.aclose()

        return asyncio.run(main())

    return _run


def tasks_with_id(api, project_gid, grievance_id):
    tasks = api("GET", f"/projects/{project_gid}/tasks",
                params={"opt_fields": "name,custom_fields.text_value,custom_fields.name"})
    return [t for t in tasks for f in t["custom_fields"]
            if f["name"] == "Grievance ID" and f.get("text_value") == grievance_id]


def writes(recorder):
    return [r for r in recorder.requests if r.method != "GET"]


def test_new_record_is_created(run, api, project_gid):
    """A record with an unseen key creates a task, reported as created."""
    state = run(upsert_task(project_gid, spec(record("GRV-1"))))
    assert state["data"]["action"] == "created"
    assert [t["gid"] for t in tasks_with_id(api, project_gid, "GRV-1")] == [state["data"]["gid"]]


def test_same_record_again_is_unchanged_without_a_request(run, recorder, project_gid):
    """Upserting an identical record again reports unchanged and sends nothing."""
    run(upsert_task(project_gid, spec(record("GRV-1"))))
    before = len(recorder.requests)
    state = run(upsert_task(project_gid, spec(record("GRV-1"))))
    assert state["data"]["action"] == "unchanged"
    assert len(recorder.requests) == before


def test_changed_field_is_updated_alone(sb, run, recorder, project_gid):
    """An update sends only the field that differs and names it in changes."""
    run(upsert_task(project_gid, spec(record("GRV-1"))))
    state = run(upsert_task(project_gid, spec(record("GRV-1", status="resolved"))))
    assert state["data"]["action"] == "updated"
    assert state["data"]["changes"] == ["Grievance Status"]
    (put,) = recorder.calls("PUT")
    assert put.json["data"] == {"custom_fields": {
        sb.custom_field_gid("Grievance Status"): sb.enum_option_gid("Grievance Status",
                                                                    "Resolved")}}


def test_update_reaches_asana(run, api, project_gid):
    """The updated value is what Asana then holds."""
    made = run(upsert_task(project_gid, spec(record("GRV-1"))))
    run(upsert_task(project_gid, spec(record("GRV-1", notes="Fence repaired."))))
    assert api("GET", f"/tasks/{made['data']['gid']}")["notes"] == "Fence repaired."


def test_create_only_skips_an_existing_task(run, recorder, project_gid):
    """mode=create_only leaves a matching task alone and reports skipped with its gid."""
    made = run(upsert_task(project_gid, spec(record("GRV-1"))))
    state = run(upsert_task(project_gid, spec(record("GRV-1", status="Closed"),
                                              mode="create_only")))
    assert state["data"]["action"] == "skipped"
    assert state["data"]["gid"] == made["data"]["gid"]
    assert recorder.calls("PUT") == []


def test_update_only_skips_a_new_record(run, recorder, api, project_gid):
    """mode=update_only does not create; the outcome is skipped with no gid."""
    state = run(upsert_task(project_gid, spec(record("GRV-9"), mode="update_only")))
    assert state["data"] == {"action": "skipped", "gid": None, "task": None, "changes": []}
    assert recorder.calls("POST", "/tasks") == []


def test_two_matching_tasks_raise_with_both_gids(run, project_gid):
    """Two tasks sharing the key make the upsert fail, listing both gids."""
    body = {"name": "dup", "projects": [project_gid],
            "custom_fields": {"Grievance ID": "GRV-D"}}
    a = run(create_task(body))["data"]["gid"]
    b = run(create_task(body))["data"]["gid"]
    with pytest.raises(DuplicateMatchError) as caught:
        run(upsert_task(project_gid, spec(record("GRV-D"))))
    error = caught.value
    assert sorted(error.gids) == sorted([a, b]) and a in str(error) and b in str(error)


def test_openfn_external_id_matches_on_name(run, project_gid):
    """OpenFn's {"externalId": "name"} form matches on the task name."""
    data = {"name": "Water point broken", "notes": "v1", "projects": [project_gid]}
    first = run(upsert_task(project_gid, {"externalId": "name", "data": data}))
    second = run(upsert_task(project_gid, {"externalId": "name",
                                           "data": {**data, "notes": "v2"}}))
    assert (first["data"]["action"], second["data"]["action"]) == ("created", "updated")
    assert first["data"]["gid"] == second["data"]["gid"]


def test_match_on_several_fields_together(run, project_gid):
    """A composite key matches only when every part matches."""
    key = ["Country", "Grievance ID"]
    run(upsert_task(project_gid, {"match": key, "data": record("GRV-1")}))
    other = record("GRV-1", fields={"Country": "Peru"})
    state = run(upsert_task(project_gid, {"match": key, "data": other}))
    assert state["data"]["action"] == "created"


def test_match_on_custom_field_by_gid(sb, run, project_gid):
    """The key field may be given by gid."""
    run(upsert_task(project_gid, spec(record("GRV-1"))))
    state = run(upsert_task(project_gid, {"match": {"custom_field": sb.custom_field_gid(
        "Grievance ID")}, "data": record("GRV-1")}))
    assert state["data"]["action"] == "unchanged"


def test_record_without_key_is_refused(run, recorder, project_gid):
    """A record lacking its key value raises naming the field, writing nothing."""
    with pytest.raises(Exception, match="Grievance ID"):
        run(upsert_task(project_gid, spec({"name": "no id", "custom_fields": {}})))
    assert writes(recorder) == []


def test_assignee_without_a_gid_is_refused(run, recorder, project_gid):
    """An assignee dict without a gid raises naming it, instead of looking up user 'None'."""
    with pytest.raises(UpsertError, match=r"assignee \{'name': 'Ada'\} has no gid"):
        run(upsert_task(project_gid, spec(record("G-1", assignee={"name": "Ada"}))))
    assert writes(recorder) == []


def test_missing_project_membership_is_added(run, recorder, api, project_gid, field_ops_gid):
    """A matched task missing one of the record's projects is added to it (addProject)."""
    made = run(upsert_task(project_gid, spec(record("GRV-1"))))
    state = run(upsert_task(project_gid, spec(record("GRV-1",
                                                     projects=[project_gid, field_ops_gid]))))
    assert state["data"]["action"] == "updated"
    assert recorder.calls("PUT") == []
    task = api("GET", f"/tasks/{made['data']['gid']}", params={"opt_fields": "projects"})
    assert {p["gid"] for p in task["projects"]} == {project_gid, field_ops_gid}


def test_each_reads_the_project_once(sb, fresh_run, project_gid):
    """each(records, upsert_task(...)) reads the project's tasks once for the whole run."""
    records = [record(f"GRV-{i}") for i in range(12)]
    sb.api.log.clear()
    fresh_run(each(records, upsert_task(project_gid, spec(lambda s: s["data"]))))
    counts = sb.api.log.counts
    assert counts["GET /projects/{project_gid}/tasks"] == 1
    assert counts["POST /tasks"] == 12
    assert sb.api.log.total == 14  # + the custom field settings


def test_second_run_writes_nothing(sb, fresh_run, project_gid):
    """A second run over the same records makes only reads: all unchanged."""
    records = [record(f"GRV-{i}") for i in range(5)]
    op = each(records, upsert_task(project_gid, spec(lambda s: s["data"])))
    fresh_run(op)
    sb.api.log.clear()
    fresh_run(op)
    assert dict(sb.api.log.counts) == {"GET /projects/{project_gid}/tasks": 1,
                                       "GET /projects/{project_gid}/custom_field_settings": 1}


def test_index_follows_writes_within_a_run(run, recorder, project_gid):
    """A key created earlier in the run is updated, not created again."""
    state = run(each([record("GRV-1"), record("GRV-1", status="Closed")],
                     upsert_task(project_gid, spec(lambda s: s["data"]))))
    assert state["data"]["action"] == "updated"
    assert len(recorder.calls("POST", "/tasks")) == 1


def test_index_reads_every_page(sb, run, recorder, project_gid):
    """The index follows pagination: a task on a later page is still matched."""
    records = [record(f"GRV-{i}") for i in range(7)]
    run(each(records, upsert_task(project_gid, spec(lambda s: s["data"]))))
    sb.faults.page_size = 3
    recorder.requests.clear()
    ctx = RunContext(transport=recorder)  # a new run: its index reads the project again
    out = asyncio.run(execute(upsert_task(project_gid, spec(record("GRV-6")))).run_async(
        {"configuration": {"token": sb.token, "baseUrl": sb.base_url}}, ctx))
    assert out["data"]["action"] == "unchanged"
    assert len(recorder.calls("GET", f"/projects/{project_gid}/tasks")) >= 3


def test_dropped_create_is_not_duplicated(sb, run, recorder, api, project_gid):
    """A create whose response is lost is found by its key, never created twice."""
    sb.faults.drop_next(1, "/tasks", method="POST")
    state = run(upsert_task(project_gid, spec(record("GRV-X"))))
    assert state["data"]["action"] == "created"
    assert len(tasks_with_id(api, project_gid, "GRV-X")) == 1
    assert len(recorder.calls("POST", "/tasks")) == 1
    assert len(recorder.calls("GET", f"/projects/{project_gid}/tasks")) == 2


def test_a_create_that_fails_after_sending_is_checked_with_a_warning(sb, run, caplog,
                                                                     project_gid):
    """A 500 on the create logs a warning saying the project is read again to check."""
    sb.faults.fail_next(1, "/tasks", 500, method="POST")
    with caplog.at_level("WARNING"):
        assert run(upsert_task(project_gid, spec(record("GRV-5"))))["data"]["action"] == "created"
    assert any("failed after it was sent (500" in r.getMessage()
               and f"reading project {project_gid} again" in r.getMessage()
               for r in caplog.records)


def test_a_create_that_keeps_failing_says_a_rerun_is_safe(sb, run, project_gid):
    """After every create attempt fails, the error says running the job again is safe."""
    sb.faults.fail_next(3, "/tasks", 500, method="POST")
    with pytest.raises(AmbiguousWriteError) as caught:
        run(upsert_task(project_gid, spec(record("GRV-6"))))
    message = str(caught.value)
    assert "running the job again is safe" in message and "retry_writes" not in message


def test_bulk_summary_and_order(run, project_gid):
    """upsert_tasks returns a summary and one outcome per record, in input order."""
    records = [record(f"GRV-{i}") for i in range(6)]
    run(upsert_tasks(project_gid, records[:2], match="Grievance ID"))
    records[1] = record("GRV-1", status="Closed")
    state = run(upsert_tasks(project_gid, records, match="Grievance ID", concurrency=4))
    assert state["data"]["summary"] == {"created": 4, "updated": 1, "unchanged": 1,
                                        "skipped": 0}
    assert [r["action"] for r in state["data"]["results"]][:2] == ["unchanged", "updated"]


def test_bulk_refuses_bad_records_before_writing(run, recorder, project_gid):
    """One bad record stops the bulk upsert before any write, naming the record."""
    records = [record("GRV-1"), record("GRV-2", status="Opne"), record("GRV-3")]
    with pytest.raises(UpsertError) as caught:
        run(upsert_tasks(project_gid, records, match="Grievance ID"))
    assert "record 1" in str(caught.value) and "'Open'" in str(caught.value)
    assert writes(recorder) == []


def test_bulk_same_key_twice_runs_in_order(run, recorder, project_gid):
    """Two records with one key in a bulk call create once, then update."""
    state = run(upsert_tasks(project_gid, [record("GRV-1"), record("GRV-1", status="Closed")],
                             match="Grievance ID"))
    assert [r["action"] for r in state["data"]["results"]] == ["created", "updated"]
    assert len(recorder.calls("POST", "/tasks")) == 1


def test_bad_mode_is_refused(run, project_gid):
    """An unknown mode raises listing the valid ones."""
    with pytest.raises(UpsertError, match="create_only"):
        run(upsert_task(project_gid, spec(record("GRV-1"), mode="insert")))


def test_callback_sees_the_outcome(run, project_gid):
    """The callback receives the state with the outcome in data."""
    seen = []
    run(upsert_task(project_gid, spec(record("GRV-1")),
                    callback=lambda state: seen.append(state["data"]["action"])))
    assert seen == ["created"]


def test_bulk_dropped_creates_are_not_duplicated(sb, run, api, project_gid):
    """Concurrent creates whose responses are lost are found again, never duplicated."""
    sb.faults.drop_next(2, "/tasks", method="POST")
    state = run(upsert_tasks(project_gid, [record(f"GRV-{i}") for i in range(6)],
                             match="Grievance ID", concurrency=3))
    assert state["data"]["summary"]["created"] == 6
    for i in range(6):
        assert len(tasks_with_id(api, project_gid, f"GRV-{i}")) == 1


def test_bulk_write_failure_is_reported_after_the_others(sb, run, api, project_gid):
    """A write Asana refuses fails its record only; the error names it, the rest are written."""
    sb.faults.fail_next(1, "/tasks", 400, method="POST")
    with pytest.raises(Exception) as caught:
        run(upsert_tasks(project_gid, [record(f"GRV-{i}") for i in range(3)],
                         match="Grievance ID", concurrency=1))
    assert "1 of 3 records failed" in str(caught.value)
    written = sum(len(tasks_with_id(api, project_gid, f"GRV-{i}")) for i in range(3))
    assert written == 2
