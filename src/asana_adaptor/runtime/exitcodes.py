"""Exit codes of ``asana-adaptor run``, and the error that carries one.

Each code names one kind of ending, so a scheduler can tell a bad input from a failed step.
Every member's docstring says when it is used; ``asana-adaptor run --help`` lists them.

>>> int(ExitCode.STATE_INVALID), ExitCode.STATE_INVALID.__doc__
(6, 'The input state is not valid JSON or YAML.')
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["ExitCode", "RunError"]


class ExitCode(IntEnum):
    """How ``asana-adaptor run`` ended. Each member's docstring says when it is used."""

    OK = 0
    STEP_FAILED = 1
    USAGE = 2
    FILE_NOT_FOUND = 3
    JOB_INVALID = 4
    WORKFLOW_INVALID = 5
    STATE_INVALID = 6
    STATE_NOT_OBJECT = 7
    STEP_NOT_FOUND = 8
    CONFIGURATION_INVALID = 9
    TIMEOUT = 10
    OUTPUT_FAILED = 11
    SANDBOX_UNAVAILABLE = 12
    INTERNAL_ERROR = 70
    INTERRUPTED = 130


_DOCS = {
    ExitCode.OK: "Every step that ran succeeded, or its failure was handled by an "
                 "on_job_failure edge.",
    ExitCode.STEP_FAILED: "A job raised an error, or a workflow step failed and no "
                          "on_job_failure edge handled it.",
    ExitCode.USAGE: "Wrong command-line options.",
    ExitCode.FILE_NOT_FOUND: "The job, workflow, state, credentials or a step's job file "
                             "does not exist.",
    ExitCode.JOB_INVALID: "A job file does not load: a syntax error, an error raised while it "
                          "loads, or a top-level line that is not an operation.",
    ExitCode.WORKFLOW_INVALID: "A workflow file is malformed: unknown keys, duplicate ids, "
                               "unknown edge targets, unsafe conditions or a cycle.",
    ExitCode.STATE_INVALID: "The input state is not valid JSON or YAML.",
    ExitCode.STATE_NOT_OBJECT: "The input state parses but is not an object.",
    ExitCode.STEP_NOT_FOUND: "--start, --end or --only matches no step, or more than one.",
    ExitCode.CONFIGURATION_INVALID: "A configuration or credentials file is invalid, or a "
                                    "step names an unknown credential.",
    ExitCode.TIMEOUT: "The run took longer than --timeout seconds.",
    ExitCode.OUTPUT_FAILED: "The output or a cache file could not be written.",
    ExitCode.SANDBOX_UNAVAILABLE: "--sandbox was given but the local sandbox cannot start.",
    ExitCode.INTERNAL_ERROR: "A bug in asana-adaptor itself.",
    ExitCode.INTERRUPTED: "The run was interrupted (Ctrl-C).",
}
for _member, _doc in _DOCS.items():
    _member.__doc__ = _doc


class RunError(Exception):
    """An error that ends a run with a one-line message and an exit code.

    >>> str(RunError("state.json:3:5: expected ','", ExitCode.STATE_INVALID))
    "state.json:3:5: expected ','"
    """

    def __init__(self, message: str, code: ExitCode) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
