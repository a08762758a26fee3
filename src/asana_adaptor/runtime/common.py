"""Common operations: OpenFn's language-common, in Python, with the same semantics.

Every argument resolves lazily against the state the operation runs on: a state path
(``S.data.items``), a function of state (``lambda state: ...``), or plain values nested in
dicts, lists and tuples. Operations passed to another operation (``each(S.data, fn(...))``)
may be :class:`Operation` objects or plain ``state -> state`` callables, sync or async.

This module holds the operations that run code and other operations (``fn``, ``each``...),
``log`` and ``group``; the value builders live in ``values.py``, ``cursor`` in ``cursor.py``,
``assert_`` and ``validate`` in ``checks.py``. All are exported from here.

| OpenFn             | here                     |
|--------------------|--------------------------|
| fn, fnIf           | fn, fn_if                |
| each, combine      | each, combine            |
| as                 | as_ (also store_as)      |
| field, fields      | field, fields            |
| merge              | merge                    |
| dataValue/dataPath | data_value, data_path    |
| sourceValue        | source_value             |
| lastReferenceValue | last_reference_value     |
| cursor, log        | cursor, log              |
| chunk, group       | chunk, group             |
| assert, validate   | assert_, validate        |
"""

from __future__ import annotations

import json
import logging
from typing import Any, Callable

from .checks import assert_, validate
from .context import RunContext
from .cursor import cursor
from .operation import Operation, OperationLike, State, compose, run_operation
from .references import resolve
from .values import (chunk, data_path, data_value, field, fields, items_of, last_reference_value,
                     merge, source_value)

__all__ = [
    "as_",
    "assert_",
    "chunk",
    "combine",
    "cursor",
    "data_path",
    "data_value",
    "each",
    "field",
    "fields",
    "fn",
    "fn_if",
    "group",
    "last_reference_value",
    "log",
    "merge",
    "source_value",
    "store_as",
    "validate",
]

job_logger = logging.getLogger("asana_adaptor.job")


# -- running steps ----------------------------------------------------------------------------

def fn(func: Callable[[State], Any]) -> Operation:
    """Run your own code: ``func(state)`` (sync or async) returns the next state.

    Example::

        fn(lambda state: {**state, "data": {"count": len(state["data"]["items"])}})
    """
    if not callable(func):
        raise TypeError(f"fn() takes a function of state, got {type(func).__name__}")

    def body(state: State, ctx: RunContext) -> Any:
        return func(state)  # an awaitable result is awaited by Operation.run

    return Operation("fn", body)


def fn_if(condition: Any, operation: OperationLike) -> Operation:
    """Run ``operation`` only when ``condition`` (resolved against state) is truthy.

    Example::

        fn_if(S.data.is_new, log("a new submission"))
    """

    async def body(state: State, ctx: RunContext) -> State:
        if resolve(condition, state):
            return await run_operation(operation, state, ctx)
        return state

    return Operation("fn_if", body)


def each(source: Any, operation: OperationLike) -> Operation:
    """Run ``operation`` once per item, in series: ``data`` is the item, ``index`` its position.

    ``source`` is a state path or function giving a list, a JSONPath string (``"$.data[*]"``)
    or a list. Each run receives the state the previous one returned.

    Example::

        each(S.data.submissions, fn(lambda state: {**state, "seen": state["index"]}))
    """

    async def body(state: State, ctx: RunContext) -> State:
        for index, item in enumerate(items_of(source, state, "each()")):
            state = await run_operation(operation, {**state, "data": item, "index": index}, ctx)
        return state

    return Operation("each", body)


def combine(*operations: OperationLike) -> Operation:
    """Run several operations in order as one.

    Example::

        fn_if(S.data.ok, combine(log("ok"), cursor("now", key="synced_at")))
    """

    async def body(state: State, ctx: RunContext) -> State:
        for op in operations:
            state = await run_operation(op, state, ctx)
        return state

    return Operation("combine", body)


def as_(key: str, operation: OperationLike) -> Operation:
    """Run ``operation`` and keep its ``data`` under ``state[key]``; ``data`` is left as it was.

    OpenFn's ``as``. Example::

        as_("project", fn(lambda state: {**state, "data": {"gid": "12"}}))
        # -> state["project"] == {"gid": "12"}, state["data"] unchanged
    """

    async def body(state: State, ctx: RunContext) -> State:
        name = resolve(key, state)
        result = await run_operation(operation, state, ctx)
        rest = {k: v for k, v in result.items() if k != "data"}
        return {**state, name: result.get("data"), "data": state.get("data"), **rest}

    return Operation("as", body)


store_as = as_


# -- logging and grouping ---------------------------------------------------------------------

def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, default=str, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def log(*args: Any) -> Operation:
    """Write a line to the job's log; state passes through unchanged.

    Example::

        log("synced", S.data.count, "tasks")
    """

    def body(state: State, ctx: RunContext) -> State:
        job_logger.info(" ".join(_text(a) for a in resolve(list(args), state)))
        return state

    return Operation("log", body)


def _pick(item: Any, key_path: Any) -> Any:
    if callable(key_path):
        return key_path(item)
    value = item
    for part in str(key_path).split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def group(items: Any, key_path: Any, callback: OperationLike | None = None) -> Operation:
    """Group objects by the value at ``key_path`` (dotted, or a function of the item).

    ``data`` becomes ``{value: [items...]}`` (the previous ``data`` goes to ``references``).
    As in OpenFn, items without a value at ``key_path`` are left out (a job log line says how
    many). ``callback`` (an operation or a ``state -> state`` function), when given, runs on
    the new state.

    Example::

        group(S.data.submissions, "country")
        # data == {"Peru": [...], "Kenya": [...]}
    """

    async def body(state: State, ctx: RunContext) -> State:
        grouped: dict[str, list[Any]] = {}
        left_out = 0
        for item in items_of(items, state, "group()"):
            value = _pick(item, key_path)
            if value is None:
                left_out += 1
            else:
                grouped.setdefault(str(value), []).append(item)
        if left_out:
            job_logger.info("group(): %d item(s) without a value at %r left out",
                            left_out, key_path)
        result = compose(state, grouped)  # the standard reducer: old data to references
        if callback is not None:
            result = await run_operation(callback, result, ctx)
        return result

    return Operation("group", body)
