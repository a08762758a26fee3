"""State, lazy references, operations and execute: the core OpenFn semantics."""

from __future__ import annotations

import asyncio

import pytest

from asana_adaptor import S, execute, fn
from asana_adaptor.runtime import RunContext, compose, operation, resolve


def test_execute_runs_operations_in_order_and_returns_the_final_state():
    """Each operation receives the state the previous one returned."""
    final = execute(lambda s: {**s, "trail": ["a"]},
                    lambda s: {**s, "trail": s["trail"] + ["b"]})({"data": 1})
    assert final == {"data": 1, "references": [], "trail": ["a", "b"]}


def test_the_initial_state_gets_data_and_references_when_missing():
    """execute fills data: None and references: [] and keeps what the state already has."""
    assert execute()({}) == {"data": None, "references": []}
    assert execute()({"references": [1]})["references"] == [1]


def test_operations_may_be_async_functions():
    """A coroutine function state -> state is awaited."""

    async def later(state):
        await asyncio.sleep(0)
        return {**state, "data": "later"}

    assert execute(later)({})["data"] == "later"


def test_an_operation_that_returns_no_state_is_an_error_naming_it():
    """Returning None (a forgotten `return state`) fails with a message saying what to do."""
    with pytest.raises(TypeError, match="operation fn returned NoneType, not a state dict"):
        execute(fn(lambda s: None))({})


def test_a_state_path_reads_keys_and_indexes_when_resolved():
    """S.data.items[0].name is read from the state it is resolved against."""
    state = {"data": {"items": [{"name": "first"}, {"name": "second"}]}}
    assert resolve(S.data["items"][1].name, state) == "second"
    assert resolve(S.data.missing, state) is None


def test_reading_through_none_names_the_path():
    """S.data.form.name on a state without data says which part was None."""
    with pytest.raises(LookupError, match=r"cannot read S\.form of S\.data: it is None"):
        resolve(S.data.form.name, {"data": None})


def test_references_resolve_at_any_depth_of_dicts_lists_and_tuples():
    """Paths and functions nested anywhere in a value are replaced by what they read."""
    value = {"a": [S.data.x, {"b": (S.data.y, lambda s: s["data"]["x"] * 10)}], "c": "plain"}
    assert resolve(value, {"data": {"x": 1, "y": 2}}) == {"a": [1, {"b": (2, 10)}], "c": "plain"}


def test_a_function_result_is_not_resolved_again():
    """As OpenFn's expandReferences: what a function returns is taken as it is."""
    inner = S.data
    assert resolve(lambda s: {"kept": inner}, {"data": 1}) == {"kept": inner}


def test_a_state_path_cannot_be_assigned():
    """S is read-only: changing state goes through fn()."""
    with pytest.raises(TypeError, match="read-only"):
        S.data = 1


def test_the_standard_reducer_pushes_the_previous_data_onto_references():
    """compose(state, data) sets data and appends the previous data to references."""
    state = compose({"data": "old", "references": ["older"], "x": 1}, "new", response={"s": 200})
    assert state == {"data": "new", "references": ["older", "old"], "x": 1,
                     "response": {"s": 200}}


def test_operation_arguments_resolve_against_the_state_at_run_time():
    """A built-in operation reads its lazy arguments when it runs, not when it is written."""

    def put(value):
        @operation("put")
        def body(state, ctx):
            return compose(state, resolve(value, state))

        return body

    final = execute(fn(lambda s: {**s, "name": "late"}), put({"who": S.name}))({})
    assert final["data"] == {"who": "late"} and final["references"] == [None]


def test_an_operation_called_inside_a_running_job_explains_what_to_do():
    """Calling op(state) from inside fn() is refused with a hint to list the operation."""
    inner = fn(lambda s: s)
    with pytest.raises(RuntimeError, match="return it from fn\\(\\) or list it as a step"):
        execute(fn(lambda s: inner(s)))({})


def test_execute_inside_an_event_loop_points_to_run_async():
    """The synchronous call refuses to nest in a loop; run_async works there."""

    async def main():
        with pytest.raises(RuntimeError, match="run_async"):
            execute(fn(lambda s: s))({})
        return await execute(fn(lambda s: {**s, "data": 5})).run_async({})

    assert asyncio.run(main())["data"] == 5


def test_the_run_context_makes_one_client_per_configuration():
    """ctx.client(configuration) is shared by every operation that uses the same one."""

    async def main():
        ctx = RunContext()
        try:
            one = ctx.client({"token": "abcdef"})
            assert ctx.client({"token": "abcdef"}) is one
            assert ctx.client({"token": "other1"}) is not one
        finally:
            await ctx.aclose()

    asyncio.run(main())
