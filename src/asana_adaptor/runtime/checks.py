"""Checks inside a job: ``assert_`` stops it, ``validate`` collects JSON Schema errors."""

from __future__ import annotations

import logging
from typing import Any

from .context import RunContext
from .jsonpath import query
from .operation import Operation, State
from .references import resolve

__all__ = ["assert_", "validate"]

job_logger = logging.getLogger("asana_adaptor.job")


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
            found = query(state, source)
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
