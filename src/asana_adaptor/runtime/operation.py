"""Operations: steps that take state and return the next state.

An operation is any callable ``state -> state``, sync or async. The adaptor's own operations
are :class:`Operation` objects: they carry a name (for logs and errors) and run inside a
:class:`~asana_adaptor.runtime.context.RunContext` that holds what a run shares (the HTTP
transport, the logger, per-run caches and Asana clients).
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, Union

import httpx

from .context import RunContext, current_context, run_sync

__all__ = ["Operation", "operation", "run_operation", "compose", "is_operation", "State"]

State = dict[str, Any]
OperationLike = Union["Operation", Callable[[State], Any]]


class Operation:
    """A named step over state.

    ``body(state, ctx)`` may be sync or async and returns the next state. Calling an
    operation directly (``op(state)``) runs it in a fresh run context, which is handy in
    a REPL; jobs and workflows run it inside their own context.
    """

    __slots__ = ("name", "body", "line", "source")

    def __init__(self, name: str, body: Callable[[State, RunContext], Any]) -> None:
        self.name = name
        self.body = body
        self.line: int | None = None  # set by the job loader: where the job wrote it
        self.source: str | None = None

    async def run(self, state: State, ctx: RunContext) -> State:
        """Run the body against ``state`` inside ``ctx``; returns the next state."""
        result = self.body(state, ctx)
        if inspect.isawaitable(result):
            result = await result
        return result

    def __call__(
        self,
        state: State,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        context: RunContext | None = None,
    ) -> State:
        """Run this one operation synchronously, as ``execute(op)(state, transport=...)`` does."""
        ctx = current_context()
        if ctx is not None:
            raise RuntimeError(
                f"{self.name}(...) was called inside a running job; return it from fn() or "
                "list it as a step instead"
            )
        return run_sync(lambda c: self.run(state, c), transport=transport, context=context,
                        what=f"{self.name}(...)(state)")

    def __repr__(self) -> str:
        return f"<operation {self.name}>"


def operation(name: str) -> Callable[[Callable[[State, RunContext], Any]], Operation]:
    """Decorator: turn ``body(state, ctx)`` into an :class:`Operation` called ``name``."""

    def wrap(body: Callable[[State, RunContext], Any]) -> Operation:
        return Operation(name, body)

    return wrap


def is_operation(value: Any) -> bool:
    """True for something a job may list as a step."""
    return isinstance(value, Operation)


async def run_operation(op: OperationLike, state: State, ctx: RunContext) -> State:
    """Run an operation or a plain ``state -> state`` callable (sync or async)."""
    if isinstance(op, Operation):
        result: Any = await op.run(state, ctx)
    elif callable(op):
        result = op(state)
        if inspect.isawaitable(result):
            result = await result
    else:
        raise TypeError(f"{op!r} is not an operation (expected a callable state -> state)")
    if not isinstance(result, dict):
        name = getattr(op, "name", getattr(op, "__name__", repr(op)))
        if isinstance(result, Operation):
            raise TypeError(
                f"operation {name} returned the operation {result.name}(...) instead of a "
                f"state; list {result.name}(...), called with its arguments, as a step rather "
                "than passing the function itself or returning an operation from fn()"
            )
        raise TypeError(
            f"operation {name} returned {type(result).__name__}, not a state dict; "
            "an operation must return the next state"
        )
    return result


def compose(state: State, data: Any, **extra: Any) -> State:
    """The standard reducer: set ``data``, push the previous ``data`` onto ``references``.

    >>> compose({"data": 1, "references": []}, 2)
    {'data': 2, 'references': [1]}
    """
    return {
        **state,
        **extra,
        "data": data,
        "references": [*(state.get("references") or []), state.get("data")],
    }

