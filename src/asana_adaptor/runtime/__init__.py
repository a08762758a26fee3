"""The job runtime: state, lazy references, operations, execute, common operations."""

from .context import RunContext, current_context
from .execute import Execution, execute, initial_state
from .operation import Operation, compose, is_operation, operation, run_operation
from .references import S, StatePath, is_lazy, resolve

__all__ = [
    "Execution",
    "Operation",
    "RunContext",
    "S",
    "StatePath",
    "compose",
    "current_context",
    "execute",
    "initial_state",
    "is_lazy",
    "is_operation",
    "operation",
    "resolve",
    "run_operation",
]
