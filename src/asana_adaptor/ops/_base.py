"""What every Asana operation shares: lazy arguments, the client call, the next state.

An Asana operation is a public function returning an :class:`~asana_adaptor.runtime.Operation`.
Its body is a small async function that receives a :class:`Call` (the client, the run context,
the state) and the resolved arguments, makes one client call and returns the client's
response (or a :class:`Result` when the data is not the response's ``data``)::

    def get_task(task_gid, params=None, callback=None):
        async def body(call, task_gid, params):
            return await call.get(f"/tasks/{path_id(task_gid, 'task_gid')}", params)
        return asana_operation("get_task", body, task_gid, params, callback=callback)

:func:`asana_operation` resolves every argument against state when the operation runs, gets
the run's client for ``state["configuration"]``, runs the body and composes the next state:
``data`` is the result, the previous ``data`` goes to ``references``, ``response`` holds the
last Asana response's ``status``, ``headers`` (without secrets) and ``next_page``; then the
optional ``callback(state)`` (sync or async) post-processes it, as in OpenFn.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Mapping
from urllib.parse import quote

# JobError is defined with the client's errors and re-exported here.
from ..client.errors import (AmbiguousWriteError, ConfigurationError, ForbiddenError,
                             InvalidRequestError, JobError)
from ..client.response import SECRET_HEADERS
from ..runtime.context import RunContext
from ..runtime.operation import Operation, State, compose
from ..runtime.references import resolve

__all__ = [
    "Call",
    "JobError",
    "Result",
    "apply_callback",
    "asana_operation",
    "drop_none",
    "explain_external",
    "path_id",
    "refuse",
    "response_summary",
]


def refuse(words: str, *, hint: str, method: str | None = None,
           path: str | None = None) -> InvalidRequestError:
    """The error for arguments an operation will not send (raise it)."""
    return InvalidRequestError(words, method=method, path=path, hint=hint)


@dataclass
class Result:
    """What an operation body returns when ``data`` is not simply the response's ``data``.

    ``response`` is the Asana response whose status/headers/next_page go to ``state.response``
    (``None`` when no single response stands for the result); ``extra`` are further
    top-level state keys.
    """

    data: Any
    response: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


class Call:
    """The client, run context and state an operation body works with."""

    def __init__(self, client: Any, ctx: RunContext, state: State) -> None:
        self.client = client
        self.ctx = ctx
        self.state = state

    @property
    def configuration(self) -> Mapping[str, Any]:
        return self.state.get("configuration") or {}

    def workspace_gid(self, explicit: Any = None) -> str:
        """``explicit`` or ``configuration.workspaceGid``; a clear error when neither is set."""
        gid = explicit or self.configuration.get("workspaceGid")
        if not gid:
            raise ConfigurationError(
                "no workspace given", code="MISSING_WORKSPACE", key="workspaceGid",
                fix="Set configuration.workspaceGid, or pass the workspace gid to the operation "
                    "(options={'workspaceGid': ...} for search_task).")
        return path_id(gid, "workspace_gid")

    # The client wraps bodies in Asana's {"data": ...} envelope: operations pass the record.
    async def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return await self.client.get(path, _query(params))

    async def get_all(self, path: str, params: Mapping[str, Any] | None = None) -> Result:
        """Every page of a list (one page when the caller passed ``limit``, OpenFn's rule).

        ``data`` is the items of all pages; ``response`` is the last page's.
        """
        items: list[Any] = []
        last = None
        async for page in self.client.pages(path, _query(params)):
            last = page
            if isinstance(page.data, list):
                items.extend(page.data)
            elif page.data is not None:
                items.append(page.data)
        return Result(items, last)

    async def post(self, path: str, data: Any = None,
                   params: Mapping[str, Any] | None = None) -> Any:
        try:
            return await self.client.post(path, {} if data is None else data, _query(params))
        except AmbiguousWriteError as error:
            raise error.with_hint(_job_hint(error, path)) from error.cause
        except ForbiddenError as error:
            raise explain_external(error) from error

    async def put(self, path: str, data: Any = None,
                  params: Mapping[str, Any] | None = None) -> Any:
        return await self.client.put(path, {} if data is None else data, _query(params))

    async def delete(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return await self.client.delete(path, _query(params))

    async def upload(self, path: str, fields: Mapping[str, Any],
                     files: Mapping[str, Any] | None = None) -> Any:
        """A multipart/form-data POST: ``fields`` as form parts, ``files`` as file parts."""
        parts = {k: (None, str(v)) for k, v in fields.items()}
        return await self.client.post(path, files={**parts, **dict(files or {})})

    async def raw(self, method: str, path: Any, *, query: Any = None, body: Any = None) -> Any:
        """Any call; ``body`` as Asana expects it (``{"data": ..., "options"?: ...}``)."""
        data = options = None
        if body is not None:
            if isinstance(body, Mapping) and "data" in body and set(body) <= {"data", "options"}:
                data, options = body["data"], body.get("options")
            else:
                data = body
        try:
            return await self.client.request(method, path, params=_query(query), data=data,
                                             options=options)
        except AmbiguousWriteError as error:
            raise error.with_hint(_job_hint(error, str(path))) from error.cause


Body = Callable[..., Awaitable[Any]]


def asana_operation(
    name: str, body: Body, *args: Any, callback: Any = None, **kwargs: Any
) -> Operation:
    """An :class:`Operation` called ``name`` that runs ``body(call, *args, **kwargs)``.

    ``args`` and ``kwargs`` are resolved against state when the operation runs; ``body``
    returns a client response (``data`` = its ``data``) or a :class:`Result`.
    """

    async def run(state: State, ctx: RunContext) -> State:
        resolved_args = [resolve(a, state) for a in args]
        resolved_kwargs = {k: resolve(v, state) for k, v in kwargs.items()}
        client = ctx.client(state.get("configuration"))
        try:
            outcome = await body(Call(client, ctx, state), *resolved_args, **resolved_kwargs)
        except InvalidRequestError as error:
            if error.method or error.path:
                raise
            raise error.in_operation(name) from None  # say which operation refused
        result = outcome if isinstance(outcome, Result) else Result(outcome.data, outcome)
        extra = dict(result.extra)
        extra["response"] = (
            response_summary(result.response, state) if result.response is not None else None
        )
        next_state = compose(state, result.data, **extra)
        return await apply_callback(callback, next_state)

    return Operation(name, run)


async def apply_callback(callback: Any, state: State) -> State:
    """OpenFn's ``callback(state)``: its return value is the next state (``None`` keeps it)."""
    if callback is None:
        return state
    out = callback(state)
    if inspect.isawaitable(out):
        out = await out
    return state if out is None else out


def response_summary(response: Any, state: State | None = None) -> dict[str, Any]:
    """``{"status", "headers", "next_page"}`` of a client response, without secrets."""
    token = ((state or {}).get("configuration") or {}).get("token")
    headers: dict[str, str] = {}
    for key, value in dict(getattr(response, "headers", None) or {}).items():
        if key.lower() in SECRET_HEADERS:
            continue
        if token and isinstance(value, str) and token in value:
            value = value.replace(token, "***")
        headers[key.lower()] = value
    return {
        "status": getattr(response, "status", None),
        "headers": headers,
        "next_page": getattr(response, "next_page", None),
    }


def path_id(value: Any, what: str) -> str:
    """A gid (or ``me``/email/``external:...``) made safe to put in a URL path.

    A missing value is a clear error naming the argument instead of a request to ``/tasks/None``.
    """
    if value is None or value == "" or isinstance(value, (dict, list, tuple, bool)):
        raise refuse(f"{what} must be a gid, got {value!r}",
                     hint=f"Pass {what} as a gid string such as '1201382240880'; if it comes "
                          "from state, check that the path points at a value.")
    return quote(str(value), safe="@:")


def drop_none(mapping: Mapping[str, Any] | None) -> dict[str, Any]:
    """A copy of ``mapping`` without the keys whose value is ``None``."""
    return {k: v for k, v in (mapping or {}).items() if v is not None}


def _query(params: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Query parameters as Asana expects them: lists comma-joined, booleans lower-case."""
    if not params:
        return None
    if not isinstance(params, Mapping):
        raise refuse(f"query parameters must be a dict, got {type(params).__name__}",
                     hint='Pass parameters like {"opt_fields": "name,notes"}.')
    out: dict[str, Any] = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            value = ",".join(str(v) for v in value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        out[key] = value
    return out or None


def _job_hint(error: AmbiguousWriteError, path: str) -> str:
    """What a job writer can do about a write that may have happened (no retry_writes here)."""
    hint = (f"{error.what[0].upper()}{error.what[1:]} may or may not have been {error.verb}: "
            "look for it in Asana before running the job again")
    if path.rstrip("/") == "/tasks":
        return hint + " (upsert_task looks before it creates, so a re-run cannot duplicate it)."
    return hint + "."


def explain_external(error: ForbiddenError) -> ForbiddenError:
    """A 403 for setting ``external`` with a personal access token, with what to do instead
    (any other 403 comes back as a copy with its own message)."""
    words = error.words.lower()
    if "external" not in words or "oauth" not in words:
        return error.with_hint(error.hint)  # type: ignore[return-value]
    return error.with_hint(  # type: ignore[return-value]
        "Only an OAuth app may set external.gid: leave `external` out of the task and match "
        "on a custom field instead, such as {'match': 'Grievance ID', 'data': ...}.")
