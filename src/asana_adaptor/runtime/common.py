"""Common operations: OpenFn's language-common, in Python, with the same semantics.

Every argument resolves lazily against the state the operation runs on: a state path
(``S.data.items``), a function of state (``lambda state: ...``), or plain values nested in
dicts, lists and tuples. Operations passed to another operation (``each(S.data, fn(...))``)
may be :class:`Operation` objects or plain ``state -> state`` callables, sync or async.

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
import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Callable

from jsonpath_ng.ext import parse as _parse_jsonpath

from .context import RunContext
from .operation import Operation, OperationLike, State, run_operation
from .references import is_lazy, resolve

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


class Lazy:
    """A value computed from state when an operation runs (``data_value("name")``)."""

    __slots__ = ("_compute", "_text")

    def __init__(self, compute: Callable[[State], Any], text: str) -> None:
        self._compute = compute
        self._text = text

    def __call__(self, state: State) -> Any:
        return self._compute(state)

    def __repr__(self) -> str:
        return self._text


# -- JSONPath ---------------------------------------------------------------------------------

@lru_cache(maxsize=256)
def _jsonpath(path: str) -> Any:
    try:
        return _parse_jsonpath(path)
    except Exception as exc:  # jsonpath-ng raises several types for bad syntax
        raise ValueError(f"invalid JSONPath {path!r}: {exc}") from None


def _query(value: Any, path: str) -> list[Any]:
    return [match.value for match in _jsonpath(path).find(value)]


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


def _items(source: Any, state: State, where: str) -> list[Any]:
    if isinstance(source, str):
        return _query(state, source)
    items = resolve(source, state)
    if isinstance(items, (list, tuple)):
        return list(items)
    raise TypeError(
        f"{where}: the source {source!r} gave {type(items).__name__}, expected a list "
        "(pass a state path such as S.data.items, a JSONPath string, or a list)"
    )


def each(source: Any, operation: OperationLike) -> Operation:
    """Run ``operation`` once per item, in series, with ``data`` = the item, ``index`` = its position.

    ``source`` is a state path or function giving a list, a JSONPath string (``"$.data[*]"``)
    or a list. Each run receives the state the previous one returned.

    Example::

        each(S.data.submissions, fn(lambda state: {**state, "seen": state["index"]}))
    """

    async def body(state: State, ctx: RunContext) -> State:
        for index, item in enumerate(_items(source, state, "each()")):
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


# -- building values --------------------------------------------------------------------------

def field(key: str, value: Any) -> tuple[str, Any]:
    """A ``(key, value)`` pair for :func:`fields`.

    Example::

        fields(field("name", S.data.title), field("notes", "from Kobo"))
    """
    return (key, value)


def fields(*pairs: tuple[str, Any]) -> dict[str, Any]:
    """A dict from :func:`field` pairs; its values resolve when an operation uses it.

    Example::

        fields(field("name", S.data.title), field("completed", False))
    """
    return dict(pairs)


def merge(source: Any, extra: Any) -> Lazy:
    """A lazy list: each object of ``source`` with the fields of ``extra`` added.

    ``source`` is a JSONPath string or a state path/function giving a list.

    Example::

        each(merge(S.data.rows, fields(field("project", S.project))), ...)
    """

    def compute(state: State) -> list[Any]:
        additions = resolve(extra, state)
        return [{**item, **additions} for item in _items(source, state, "merge()")]

    return Lazy(compute, f"merge({source!r}, {extra!r})")


def data_path(path: str) -> str:
    """The JSONPath of ``path`` inside ``data``: ``data_path("a.b")`` is ``"$.data.a.b"``.

    Example::

        source_value(data_path("form.name"))
    """
    clean = re.sub(r"^\$\.?", "", path.strip())
    return f"$.data.{clean}" if clean else "$.data"


def source_value(path: str) -> Lazy:
    """The first value at a JSONPath in state (``None`` when nothing matches).

    Example::

        fn_if(source_value("$.data.form.consent"), log("consented"))
    """
    _jsonpath(path)  # a bad path fails where the job wrote it

    def compute(state: State) -> Any:
        found = _query(state, path)
        return found[0] if found else None

    return Lazy(compute, f"source_value({path!r})")


def data_value(path: str) -> Lazy:
    """The first value at ``path`` inside ``data`` (``data_value("form.name")``).

    Example::

        log("reporter:", data_value("form.reporter"))
    """
    full = data_path(path)
    inner = source_value(full)
    return Lazy(inner, f"data_value({path!r})")


def last_reference_value(path: str) -> Lazy:
    """The first value at a JSONPath in the last entry of ``references``.

    Example::

        log("previous name:", last_reference_value("$.name"))
    """
    _jsonpath(path)

    def compute(state: State) -> Any:
        references = state.get("references") or []
        if not references:
            return None
        found = _query(references[-1], path)
        return found[0] if found else None

    return Lazy(compute, f"last_reference_value({path!r})")


def chunk(items: Any, size: Any) -> Any:
    """Split a list into lists of at most ``size`` items.

    With plain values it returns the chunks at once; with a lazy argument it returns a lazy
    value for an operation to resolve.

    Example::

        chunk([1, 2, 3], 2)                          # [[1, 2], [3]]
        each(chunk(S.data.rows, 50), log(S.data))    # 50 rows at a time
    """

    def compute(state: Any) -> list[list[Any]]:
        values, n = resolve(items, state), resolve(size, state)
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError(f"chunk(): size must be a positive integer, got {n!r}")
        if not isinstance(values, (list, tuple)):
            raise TypeError(f"chunk(): expected a list, got {type(values).__name__}")
        return [list(values[i:i + n]) for i in range(0, len(values), n)]

    if is_lazy(items) or is_lazy(size):
        return Lazy(compute, f"chunk({items!r}, {size!r})")
    return compute({})


# -- state keys -------------------------------------------------------------------------------

_RELATIVE = re.compile(r"^\s*(\d+)\s+(hour|day)s?\s+ago\s*$", re.I)
_ISO_DATE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}")


def _moment(value: str, now: datetime, start: datetime) -> datetime | None:
    """The moment a cursor word or ISO date names, or ``None`` for any other string."""
    word = value.strip().lower()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if word == "now":
        return now
    if word == "start":
        return start
    if word == "today":
        return midnight
    if word == "yesterday":
        return midnight - timedelta(days=1)
    match = _RELATIVE.match(value)
    if match:
        amount, unit = int(match.group(1)), match.group(2).lower()
        return now - (timedelta(hours=amount) if unit == "hour" else timedelta(days=amount))
    if _ISO_DATE.match(value):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
        return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment
    return None


def _iso(moment: datetime) -> str:
    text = moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def cursor(
    value: Any,
    default_value: Any = None,
    key: str = "cursor",
    format: Callable[[datetime], Any] | str | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Operation:
    """Set ``state[key]`` (default ``"cursor"``) to a position to resume from.

    ``value`` (or ``default_value`` when ``value`` resolves to ``None``) may be one of
    ``now``, ``today``, ``yesterday``, ``start`` (when the run's first cursor was set),
    ``"N hours ago"``, ``"N days ago"`` (in UTC, from the run's clock or ``clock``), an ISO
    date (normalised to UTC), or any other value such as a page number (kept as is). Dates
    become ISO strings (``2024-05-01T00:00:00.000Z``) unless ``format`` (a function, also
    applied to other values, or a ``strftime`` pattern for dates) says otherwise.

    Example::

        cursor(S.last_run, default_value="7 days ago")
        cursor("today", key="since", format="%Y-%m-%d")
    """

    def body(state: State, ctx: RunContext) -> State:
        chosen = resolve(value, state)
        if chosen is None:
            chosen = resolve(default_value, state)
        now = clock() if clock is not None else ctx.now()
        now = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
        start = ctx.cache.setdefault("cursor:start", now)
        moment = _moment(chosen, now, start) if isinstance(chosen, str) else None
        if moment is not None:
            if isinstance(format, str):
                chosen = moment.strftime(format)
            else:
                chosen = format(moment) if callable(format) else _iso(moment)
        elif callable(format):
            chosen = format(chosen)
        name = resolve(key, state)
        job_logger.info("Setting cursor %r to %s", name, chosen)
        return {**state, name: chosen}

    return Operation("cursor", body)


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


def assert_(expression: Any, error_message: str | None = None) -> Operation:
    """Fail the job when ``expression`` (resolved against state) is falsy.

    Example::

        assert_(lambda state: len(state["data"]) > 0, "no submissions received")
    """

    def body(state: State, ctx: RunContext) -> State:
        result = resolve(expression, state)
        if not result:
            raise AssertionError(
                resolve(error_message, state) or f"assertion failed: {expression!r} gave {result!r}"
            )
        return state

    return Operation("assert", body)


def _pointer(path: Any) -> str:
    return "/" + "/".join(str(p) for p in path)


def validate(schema: Any = "schema", data: Any = "data") -> Operation:
    """Check data against a JSON Schema; failures are collected in ``state["validationErrors"]``.

    As in OpenFn, ``schema`` and ``data`` are a JSONPath into state (a plain key such as
    ``"schema"`` or ``"form"`` is one), a state path/function, or the value itself; by default
    ``state["schema"]`` and ``state["data"]``. ``validationErrors`` starts as ``[]``; each
    failed check appends ``{"data": <the data>, "errors": [{"path": "/items/0", "message":
    ..., "keyword": "required"}, ...]}``. The job goes on either way: test the list with
    :func:`fn_if` or :func:`assert_`. The schema's ``$schema`` picks the draft (2020-12 when
    it names none).

    Example::

        validate({"type": "object", "required": ["name"]})
        assert_(lambda state: not state["validationErrors"], "the form is incomplete")
        each("$.data.records[*]", validate("$.schemas.record"))
    """
    from jsonschema import Draft202012Validator, validators

    def pick(source: Any, state: State) -> Any:
        if isinstance(source, str):
            found = _query(state, source)
            return found[0] if found else None
        return resolve(source, state)

    def body(state: State, ctx: RunContext) -> State:
        the_schema, the_data = pick(schema, state), pick(data, state)
        if not isinstance(the_schema, dict):
            raise TypeError(f"validate(): the schema at {schema!r} is "
                            f"{type(the_schema).__name__}, not a JSON Schema object")
        checker = validators.validator_for(the_schema, default=Draft202012Validator)(the_schema)
        found = sorted(checker.iter_errors(the_data), key=lambda e: [str(p) for p in e.path])
        previous = list(state.get("validationErrors") or [])
        if found:
            job_logger.info("validate(): %d error(s)", len(found))
            previous.append({"data": the_data, "errors": [
                {"path": _pointer(e.absolute_path), "message": e.message,
                 "keyword": e.validator} for e in found]})
        return {**state, "validationErrors": previous}

    return Operation("validate", body)


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

    ``data`` becomes ``{value: [items...]}``. As in OpenFn, items without a value at
    ``key_path`` are left out (a job log line says how many). ``callback`` (an operation or
    a ``state -> state`` function), when given, runs on the new state.

    Example::

        group(S.data.submissions, "country")
        # data == {"Peru": [...], "Kenya": [...]}
    """

    async def body(state: State, ctx: RunContext) -> State:
        grouped: dict[str, list[Any]] = {}
        left_out = 0
        for item in _items(items, state, "group()"):
            value = _pick(item, key_path)
            if value is None:
                left_out += 1
            else:
                grouped.setdefault(str(value), []).append(item)
        if left_out:
            job_logger.info("group(): %d item(s) without a value at %r left out",
                            left_out, key_path)
        result = {**state, "data": grouped}
        if callback is not None:
            result = await run_operation(callback, result, ctx)
        return result

    return Operation("group", body)
