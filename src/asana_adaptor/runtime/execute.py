"""``execute(*operations)``: run operations in order over a state."""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from .context import RunContext, current_context, run_sync, using_context
from .operation import OperationLike, State, run_operation

__all__ = ["execute", "Execution", "initial_state"]


def initial_state(state: State | None) -> State:
    """A copy of ``state`` with ``data: None`` and ``references: []`` when missing."""
    if state is not None and not isinstance(state, Mapping):
        raise TypeError(f"the state must be a dict such as {{\"data\": ...}}, got "
                        f"{type(state).__name__}")
    out: State = dict(state or {})
    out.setdefault("data", None)
    out.setdefault("references", [])
    return out


class Execution:
    """Operations bound together; call it with a state to run them in order."""

    def __init__(self, operations: tuple[OperationLike, ...]) -> None:
        self.operations = operations

    async def run_async(self, state: State | None = None, ctx: RunContext | None = None) -> State:
        """Run inside an event loop; uses the current run context or ``ctx``."""
        state = initial_state(state)
        ctx = ctx or current_context()
        if ctx is None:
            ctx = RunContext()
            try:
                async with using_context(ctx):
                    return await self._run(state, ctx)
            finally:
                await ctx.aclose()
        async with using_context(ctx):
            return await self._run(state, ctx)

    async def _run(self, state: State, ctx: RunContext) -> State:
        for op in self.operations:
            state = await run_operation(op, state, ctx)
        return state

    def __call__(
        self,
        state: State | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        context: RunContext | None = None,
    ) -> State:
        """Run synchronously and return the final state.

        ``transport`` injects the HTTP transport the Asana operations use (for example
        ``Sandbox().transport()`` from ``asana_sandbox`` to rehearse against the local sandbox).
        """
        start = initial_state(state)
        return run_sync(lambda ctx: self._run(start, ctx), transport=transport, context=context)


def execute(*operations: OperationLike) -> Execution:
    """Bind operations in order; call the result with a state to run them.

    Example::

        final = execute(
            fn(lambda state: {**state, "data": {"n": 1}}),
            fn(lambda state: {**state, "data": state["data"]["n"] + 1}),
        )({})
        assert final["data"] == 2
    """
    return Execution(operations)

