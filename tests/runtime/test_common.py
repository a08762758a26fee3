"""Common operations: OpenFn's semantics, Python names."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone

import pytest

from asana_adaptor import (S, as_, assert_, chunk, combine, cursor, data_path, data_value, each,
                           execute, field, fields, fn, fn_if, group, last_reference_value, log,
                           merge, source_value, store_as, validate)
from asana_adaptor.runtime import RunContext, resolve
from asana_adaptor.runtime.common import __all__ as common_names


def at(iso: str):
    moment = datetime.fromisoformat(iso).replace(tzinfo=timezone.utc)
    return lambda: moment


def test_every_common_operation_has_a_docstring_with_an_example():
    """Each public common operation documents itself with an example."""
    import asana_adaptor.runtime.common as common

    for name in common_names:
        doc = getattr(common, name).__doc__ or ""
        assert "xample" in doc or ">>>" in doc, name


def test_fn_returns_the_state_its_function_returns():
    """fn(f) runs f(state) and passes on what f returns."""
    final = execute(fn(lambda s: {**s, "data": 41}), fn(lambda s: {**s, "data": s["data"] + 1}))({})
    assert final["data"] == 42


def test_fn_accepts_an_async_function():
    """fn also runs coroutine functions."""

    async def later(state):
        await asyncio.sleep(0)
        return {**state, "data": "done"}

    assert execute(fn(later))({})["data"] == "done"


def test_fn_if_runs_the_operation_only_when_the_condition_holds():
    """fn_if resolves its condition against state."""
    mark = fn(lambda s: {**s, "marked": True})
    assert execute(fn_if(S.data.go, mark))({"data": {"go": True}})["marked"] is True
    assert "marked" not in execute(fn_if(S.data.go, mark))({"data": {"go": False}})


def test_each_runs_once_per_item_with_data_and_index():
    """each sets data to the item and index to its position, in series."""
    seen = []
    final = execute(each(S.data.items, fn(lambda s: seen.append((s["index"], s["data"])) or s)))(
        {"data": {"items": ["a", "b", "c"]}})
    assert seen == [(0, "a"), (1, "b"), (2, "c")]
    assert final["index"] == 2


def test_each_accepts_a_jsonpath_string():
    """A string source is a JSONPath query over state."""
    seen = []
    execute(each("$.data.rows[*].name", fn(lambda s: seen.append(s["data"]) or s)))(
        {"data": {"rows": [{"name": "x"}, {"name": "y"}]}})
    assert seen == ["x", "y"]


def test_each_accepts_a_plain_list_and_plain_callables():
    """The source may be a list and the operation a plain state -> state function."""
    final = execute(each([1, 2, 3], lambda s: {**s, "total": s.get("total", 0) + s["data"]}))({})
    assert final["total"] == 6


def test_each_nests():
    """each inside each sees the inner item as data."""
    pairs = []
    inner = each(S.data.kids, fn(lambda s: pairs.append(s["data"]) or s))
    execute(each(S.data.groups, inner))({"data": {"groups": [{"kids": [1, 2]}, {"kids": [3]}]}})
    assert pairs == [1, 2, 3]


def test_each_refuses_a_source_that_is_not_a_list():
    """A source that resolves to something other than a list is an error naming it."""
    with pytest.raises(TypeError, match="S.data.missing"):
        execute(each(S.data.missing, log("x")))({"data": {}})


def test_each_over_a_misspelled_key_lists_the_keys_there():
    """each(S.data.itemz) says S.data has no key 'itemz' and lists the keys it has."""
    with pytest.raises(TypeError, match=r"S.data has no key 'itemz' \(its keys: items, total\)"):
        execute(each(S.data.itemz, log("x")))({"data": {"items": [1], "total": 1}})


def test_combine_runs_operations_in_order():
    """combine(a, b) is one operation running a then b."""
    op = combine(fn(lambda s: {**s, "log": ["a"]}), fn(lambda s: {**s, "log": s["log"] + ["b"]}))
    assert execute(op)({})["log"] == ["a", "b"]


def test_as_stores_data_under_a_key_and_keeps_data():
    """as_(key, op) keeps op's data under state[key] and leaves data as it was."""
    final = execute(as_("project", fn(lambda s: {**s, "data": {"gid": "12"}})))({"data": "orig"})
    assert final["project"] == {"gid": "12"} and final["data"] == "orig"
    assert store_as is as_


def test_field_and_fields_build_a_dict_resolved_lazily():
    """fields(field(k, v)...) is a dict whose lazy values resolve inside an operation."""
    body = fields(field("name", S.data.title), field("fixed", 1))
    assert resolve(body, {"data": {"title": "T"}}) == {"name": "T", "fixed": 1}


def test_merge_adds_fields_to_every_item():
    """merge(source, fields) gives each item of source plus the extra fields."""
    merged = merge(S.data.rows, fields(field("project", S.project)))
    assert merged({"project": "P", "data": {"rows": [{"a": 1}, {"a": 2}]}}) == [
        {"a": 1, "project": "P"}, {"a": 2, "project": "P"}]


def test_data_path_and_data_value_read_inside_data():
    """data_path builds a JSONPath under data; data_value reads the first match."""
    assert data_path("form.name") == "$.data.form.name"
    assert data_value("form.name")({"data": {"form": {"name": "Ada"}}}) == "Ada"
    assert data_value("form.nothing")({"data": {"form": {}}}) is None


def test_source_value_reads_a_jsonpath_over_state():
    """source_value(path) is the first value at a JSONPath in state."""
    assert source_value("$.a.b[1]")({"a": {"b": [5, 6]}}) == 6


def test_source_value_rejects_a_bad_jsonpath_where_it_is_written():
    """A malformed JSONPath fails when the job builds the value, naming the path."""
    with pytest.raises(ValueError, match="invalid JSONPath"):
        source_value("$.a[")


def test_last_reference_value_reads_the_last_reference():
    """last_reference_value looks into the most recent entry of references."""
    state = {"references": [{"n": 1}, {"n": 2}]}
    assert last_reference_value("$.n")(state) == 2


def test_cursor_understands_relative_words_with_an_injected_clock():
    """cursor("today"/"yesterday"/"N hours ago") uses the run's clock."""
    ctx = RunContext(clock=at("2024-05-10T15:30:00"))
    run = lambda *ops: execute(*ops)({}, context=ctx)  # noqa: E731
    assert run(cursor("today"))["cursor"] == "2024-05-10T00:00:00.000Z"
    assert run(cursor("yesterday"))["cursor"] == "2024-05-09T00:00:00.000Z"
    assert run(cursor("3 hours ago"))["cursor"] == "2024-05-10T12:30:00.000Z"
    assert run(cursor("2 days ago", key="since"))["since"] == "2024-05-08T15:30:00.000Z"
    assert run(cursor("now"))["cursor"] == "2024-05-10T15:30:00.000Z"


def test_cursor_takes_a_clock_argument_and_a_format():
    """cursor(..., clock=, format=) formats the moment with strftime."""
    final = execute(cursor("today", format="%Y-%m-%d", clock=at("2024-01-02T03:04:05")))({})
    assert final["cursor"] == "2024-01-02"


def test_cursor_normalises_iso_dates_to_utc():
    """ISO dates, with or without a time or offset, become UTC ISO strings."""
    assert execute(cursor("2024-03-01"))({})["cursor"] == "2024-03-01T00:00:00.000Z"
    assert execute(cursor("2024-03-01T12:00:00+02:00"))({})["cursor"] == \
        "2024-03-01T10:00:00.000Z"


def test_cursor_keeps_other_values_and_falls_back_to_the_default():
    """A page number or token is kept as is; None falls back to default_value."""
    assert execute(cursor("page-7"))({})["cursor"] == "page-7"
    assert execute(cursor(S.page, default_value=1))({})["cursor"] == 1


def test_cursor_start_is_when_the_run_first_set_a_cursor():
    """cursor("start") gives the moment of the run's first cursor, however late it runs."""
    moments = iter([datetime(2024, 1, 1, 8, tzinfo=timezone.utc),
                    datetime(2024, 1, 1, 9, tzinfo=timezone.utc)])
    ctx = RunContext(clock=lambda: next(moments))
    final = execute(cursor("now", key="first"), cursor("start", key="again"))({}, context=ctx)
    assert final["first"] == final["again"] == "2024-01-01T08:00:00.000Z"


def test_log_writes_a_job_line_and_passes_state(caplog):
    """log() resolves its arguments and logs them as one job line."""
    with caplog.at_level(logging.INFO, logger="asana_adaptor.job"):
        final = execute(log("count:", S.data.n, {"k": 1}))({"data": {"n": 3}})
    assert final["data"] == {"n": 3}
    assert 'count: 3 {"k": 1}' in caplog.messages


def test_chunk_splits_now_or_lazily():
    """chunk splits a list at once, or lazily when given a state path."""
    assert chunk([1, 2, 3, 4, 5], 2) == [[1, 2], [3, 4], [5]]
    assert chunk(S.data, 2)({"data": [1, 2, 3]}) == [[1, 2], [3]]


def test_assert_raises_with_the_given_message():
    """assert_ fails the job with its message when the expression is falsy."""
    with pytest.raises(AssertionError, match="no rows"):
        execute(assert_(S.data.rows, "no rows"))({"data": {"rows": []}})
    assert execute(assert_(S.data.rows))({"data": {"rows": [1]}})["data"] == {"rows": [1]}


def test_validate_collects_schema_errors_in_state():
    """validate(schema) appends {data, errors} with each error's path to validationErrors."""
    schema = {"type": "object", "required": ["name"],
              "properties": {"age": {"type": "integer"}}}
    final = execute(validate(schema))({"data": {"age": "x"}})
    [entry] = final["validationErrors"]
    assert entry["data"] == {"age": "x"}
    assert {(e["path"], e["keyword"]) for e in entry["errors"]} == {("/", "required"),
                                                                   ("/age", "type")}
    assert execute(validate(schema))({"data": {"name": "A"}})["validationErrors"] == []


def test_validate_reads_schema_and_data_by_jsonpath():
    """String arguments are JSONPaths into state, as in OpenFn; failures accumulate."""
    state = {"schemas": {"n": {"type": "integer"}}, "rows": [1, "two", "three"]}
    final = execute(each("$.rows[*]", validate("$.schemas.n")))(state)
    assert [e["data"] for e in final["validationErrors"]] == ["two", "three"]


def test_group_groups_by_key_and_leaves_out_items_without_it(caplog):
    """group sets data to {value: items} (old data to references); keyless items are logged."""
    rows = [{"c": "Peru", "n": 1}, {"c": "Kenya", "n": 2}, {"c": "Peru", "n": 3}, {"n": 4}]
    with caplog.at_level(logging.INFO, logger="asana_adaptor.job"):
        final = execute(group(S.data, "c"))({"data": rows})
    assert final["data"] == {"Peru": [rows[0], rows[2]], "Kenya": [rows[1]]}
    assert final["references"] == [rows]
    assert "group(): 1 item(s) without a value at 'c' left out" in caplog.messages


def test_group_runs_its_callback_on_the_grouped_state():
    """The callback sees data already grouped."""
    final = execute(group(S.data, "k", lambda s: {**s, "keys": sorted(s["data"])}))(
        {"data": [{"k": "b"}, {"k": "a"}]})
    assert final["keys"] == ["a", "b"]
