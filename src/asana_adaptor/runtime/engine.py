"""Running a workflow: steps in order along their edges, failures recorded in ``state.errors``.

Each step receives the state the previous step returned, with its own defaults filled in
(``state``/``data`` in the workflow file) and its own configuration attached; its output has
``configuration`` removed. A step whose job raises records ``{type, message, step}`` under
``state["errors"][step_id]``, keeps the last state its job reached, and follows the edges that
fit a failure (``always``, ``on_job_failure``, conditions). When several steps end a run (no
edge followed), the result maps each such step id to its state, as OpenFn does. A step
reached by several edges runs once for each (workflows have no cycles, so runs end).
"""

from __future__ import annotations

import logging
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Mapping

from .cache import StepCache
from .context import RunContext
from .jobfile import JobFailed, describe_error
from .logs import current_step
from .operation import State
from .workflow import FAILURE, Step, Workflow

__all__ = ["StepResult", "WorkflowResult", "run_workflow", "without_configuration"]

run_logger = logging.getLogger("asana_adaptor.run")


@dataclass
class StepResult:
    """What happened to one step."""

    id: str
    ok: bool
    duration_ms: float
    handled: bool = False
    message: str | None = None


@dataclass
class WorkflowResult:
    """The final state, each step's result, and edge conditions that could not be evaluated."""

    state: Any
    steps: list[StepResult] = field(default_factory=list)
    leaves: dict[str, Any] = field(default_factory=dict)
    condition_errors: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """True when a step failed without an ``on_job_failure`` edge, or a condition broke."""
        return bool(self.condition_errors) or any(not s.ok and not s.handled for s in self.steps)


def without_configuration(state: Any) -> Any:
    """``state`` without its ``configuration`` key (other values are returned unchanged)."""
    if isinstance(state, dict) and "configuration" in state:
        return {k: v for k, v in state.items() if k != "configuration"}
    return state


def step_input(step: Step, incoming: State, configuration: dict[str, Any] | None) -> State:
    """The state a step starts from: defaults, the incoming state, its own configuration."""
    state = {**(step.state or {}), **without_configuration(incoming)}
    if step.has_data and state.get("data") is None:
        state["data"] = step.data
    state.setdefault("data", None)
    state.setdefault("references", [])
    if configuration is not None:
        state["configuration"] = configuration
    return state


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


async def run_workflow(
    workflow: Workflow,
    state: State,
    ctx: RunContext,
    *,
    start: str | None = None,
    end: str | None = None,
    configurations: Mapping[str, dict[str, Any] | None] | None = None,
    cache: StepCache | None = None,
    progress: dict[str, Any] | None = None,
) -> WorkflowResult:
    """Run ``workflow`` from ``start`` (default: its start step), stopping after ``end``."""
    configurations = configurations or {}
    progress = progress if progress is not None else {}
    result = WorkflowResult(state=None)
    leaves = result.leaves
    queue: deque[tuple[str, State]] = deque([(start or workflow.start, state)])
    while queue:
        step_id, incoming = queue.popleft()
        step = workflow.steps[step_id]
        state = step_input(step, incoming, configurations.get(step_id))
        progress.update(step=step_id, state=state)
        current_step.set(step_id)
        run_logger.info("Starting step %s", step.label)
        started = time.perf_counter()
        failure: JobFailed | None = None
        try:
            output = await step.job.run(state, ctx, progress)
        except JobFailed as exc:
            failure, output = exc, exc.state
        output = without_configuration(output)
        record = StepResult(step_id, failure is None, _ms(started))
        if failure is None:
            run_logger.info("Completed step %s in %sms", step_id, record.duration_ms,
                            extra={"step": step_id, "duration_ms": record.duration_ms,
                                   "status": "success"})
        else:
            record.message = failure.message
            error = {"type": type(failure.error).__name__, "message": str(failure.error),
                     "step": step_id}
            earlier = output.get("errors")
            earlier = earlier if isinstance(earlier, dict) else ({} if earlier is None else
                                                                 {"earlier": earlier})
            output = {**output, "errors": {**earlier, step_id: error}}
            run_logger.error("Step %s failed in %sms: %s", step_id, record.duration_ms,
                             failure.message, extra={"step": step_id, "status": "fail",
                                                     "duration_ms": record.duration_ms})
            run_logger.debug("Traceback of step %s", step_id, exc_info=failure.error,
                             extra={"step": step_id})
        progress.update(step=step_id, state=output)
        result.steps.append(record)
        if cache is not None:
            cache.write(step_id, output)
        if step_id == end:
            leaves[step_id] = output
            continue
        followed = []
        for edge in step.next:
            try:
                if edge.follows(output, failure is not None):
                    followed.append(edge)
            except Exception as exc:  # a condition read something that is not there
                message = (f"the condition {edge.describe()!r} on {step_id} -> {edge.target} "
                           f"failed: {describe_error(exc)}")
                if failure is None:
                    result.condition_errors.append(message)
                    run_logger.error(message, extra={"step": step_id})
                else:  # the step's failure is already reported; its state may be partial
                    run_logger.warning("%s (not followed: the step failed)", message,
                                       extra={"step": step_id})
        record.handled = failure is not None and any(e.kind == FAILURE for e in followed)
        if not followed:
            leaves[step_id] = output
        for edge in followed:
            queue.append((edge.target, output))
    current_step.set(None)
    result.state = next(iter(leaves.values())) if len(leaves) == 1 else leaves
    return result
