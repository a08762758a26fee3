"""The job runtime: state, lazy references, operations, execute, common operations,
job files, workflows, redaction and the runner behind ``asana-adaptor run``."""

from .context import RunContext, current_context
from .execute import Execution, execute, initial_state
from .exitcodes import ExitCode, RunError
from .jobfile import Job, compile_job, load_job
from .operation import Operation, compose, is_operation, operation, run_operation
from .redact import Redactor
from .references import S, StatePath, is_lazy, resolve
from .runner import RunOptions, RunResult, Runner
from .workflow import Workflow, load_workflow

__all__ = [
    "Execution",
    "ExitCode",
    "Job",
    "Operation",
    "Redactor",
    "RunContext",
    "RunError",
    "RunOptions",
    "RunResult",
    "Runner",
    "S",
    "StatePath",
    "Workflow",
    "compile_job",
    "compose",
    "current_context",
    "execute",
    "initial_state",
    "is_lazy",
    "is_operation",
    "load_job",
    "load_workflow",
    "operation",
    "resolve",
    "run_operation",
]
