"""Job files: a Python file whose top-level expressions are the job's operations, in order.

This is the rule OpenFn's compiler applies to JavaScript jobs. Assignments, function
definitions and imports run as ordinary Python when the file loads; every top-level
expression statement (a call such as ``fn(...)`` or ``each(...)``) must produce an
operation, and the operations run in the order they appear. The adaptor's public names
(``asana_adaptor.__all__``) are available without an import; ``from asana_adaptor import *``
works too. A string on its own line (a docstring) is allowed and ignored. Modules beside the
job file can be imported while it loads. Compiling (and caching the compiled job) is in
``jobcode.py``.

Errors name the job file and line: ``job.py:4: ZeroDivisionError: division by zero``.

>>> job = compile_job('x = 2\\nfn(lambda state: {**state, "data": x})\\n', "job.py")
>>> [(op.name, line) for op, line in job.steps]
[('fn', 2)]
"""

from __future__ import annotations

import ast
import builtins
import linecache
import os
import re
import sys
from pathlib import Path
from types import CodeType, TracebackType
from typing import Any

from .context import RunContext
from .exitcodes import ExitCode, RunError
from .jobcode import COLLECT, NESTED, cached_code, job_code
from .operation import Operation, State, run_operation

__all__ = ["Job", "JobFailed", "compile_job", "load_job", "display_path", "describe_error"]


def display_path(path: str | os.PathLike[str]) -> str:
    """``path`` as a user would write it: relative to the working directory when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


_JAVASCRIPT_NAMES = {"null": "None", "undefined": "None", "true": "True", "false": "False"}


def _openfn_name_hint(name: str) -> str:
    """For an unknown name from OpenFn's JavaScript (``null``, ``getTask``), the Python one."""
    if name in _JAVASCRIPT_NAMES:
        return f" (Python writes {_JAVASCRIPT_NAMES[name]}, not {name})"
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()
    if snake != name and snake in _namespace(""):
        return f" (OpenFn's {name} is {snake} here: operation names are in snake_case)"
    return ""


def describe_error(exc: BaseException) -> str:
    """``"TypeName: message"`` on one line (or the type alone when the message is empty)."""
    text = " ".join(str(exc).split("\n")).strip()
    if isinstance(exc, KeyError) and exc.args:
        text = f"key {exc.args[0]!r} not found"
    if isinstance(exc, NameError) and getattr(exc, "name", None):
        text += _openfn_name_hint(exc.name)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _job_line(tb: TracebackType | None, filename: str) -> int | None:
    """The line of the innermost traceback frame that runs code from ``filename``."""
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


class JobFailed(Exception):
    """A job raised while running. ``state`` is the last state a top-level operation returned."""

    def __init__(self, job: "Job", error: BaseException, op_name: str, op_line: int,
                 state: State) -> None:
        self.job = job
        self.error = error
        self.op_name = op_name
        self.op_line = op_line
        self.line = _job_line(error.__traceback__, job.filename) or op_line
        self.state = state
        where = f"{job.display}:{self.line}: {describe_error(error)}"
        if self.line != op_line:
            where += f" (in {op_name} at line {op_line})"
        super().__init__(where)
        self.message = where


class Job:
    """A loaded job: its operations with the line each was written on."""

    def __init__(self, display: str, filename: str, steps: list[tuple[Operation, int]]) -> None:
        self.display = display
        self.filename = filename
        self.steps = steps

    @property
    def operations(self) -> list[Operation]:
        return [op for op, _ in self.steps]

    async def run(self, state: State, ctx: RunContext, progress: dict[str, Any] | None = None
                  ) -> State:
        """Run the operations in order; a failure raises :class:`JobFailed`.

        ``progress["state"]``, when given, follows the state after each top-level operation.
        """
        op, line = None, 0
        try:
            for op, line in self.steps:
                state = await run_operation(op, state, ctx)
                if progress is not None:
                    progress["state"] = state
        except (Exception, SystemExit) as exc:  # exit() in a job fails the step, not the run
            raise JobFailed(self, exc, getattr(op, "name", "operation"), line, state) from exc
        return state

    def __repr__(self) -> str:
        return f"<job {self.display}: {len(self.steps)} operations>"


class _NotAnOperation(Exception):
    """A top-level expression gave something other than an operation."""


def _namespace(filename: str) -> dict[str, Any]:
    import asana_adaptor

    names = {name: getattr(asana_adaptor, name) for name in asana_adaptor.__all__}
    return {**names, "__name__": "__job__", "__file__": filename, "__builtins__": builtins}


def _snippet(source: str, line: int) -> str:
    """The first line of the expression statement written at ``line`` (for messages)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Expr) and node.lineno == line:
            text = (ast.get_source_segment(source, node) or "").split("\n")[0]
            return text if len(text) <= 60 else text[:57] + "..."
    return "..."


def compile_job(source: str, filename: str, display: str | None = None,
                code: CodeType | None = None) -> Job:
    """Load a job from source text; ``filename`` appears in tracebacks, ``display`` in errors.

    Raises :class:`RunError` (``JOB_INVALID``) for a syntax error, an error raised while the
    file loads, or a top-level expression that is not an operation.
    """
    display = display or filename
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    code = code or job_code(source, filename, display)
    steps: list[tuple[Operation, int]] = []

    def collect(value: Any, line: int) -> None:
        if not isinstance(value, Operation):
            got = "None" if value is None else f"a {type(value).__name__}"
            hint = ("wrap a plain function in fn(...)" if callable(value)
                    else "put plain Python in an assignment or inside fn(lambda state: ...)")
            raise _NotAnOperation(
                f"{display}:{line}: `{_snippet(source, line)}` is not an operation "
                f"(it gave {got}); each top-level expression must be an operation: {hint}")
        if value.line is None:
            value.line, value.source = line, display
        steps.append((value, line))

    def nested(value: Any, line: int) -> None:
        if isinstance(value, Operation):
            raise _NotAnOperation(
                f"{display}:{line}: `{_snippet(source, line)}` makes an operation inside a "
                "block (if, for, with...), where it would never run; write operations at the "
                "top level: fn_if(condition, operation) for a condition, each(items, "
                "operation) for a loop")

    namespace = {**_namespace(filename), COLLECT: collect, NESTED: nested}
    folder = os.path.dirname(filename) if os.path.isfile(filename) else None
    if folder:
        sys.path.insert(0, folder)  # a job may import modules that sit beside it
    try:
        exec(code, namespace)  # noqa: S102 - the user's own job file
    except _NotAnOperation as exc:
        raise RunError(str(exc), ExitCode.JOB_INVALID) from None
    except (Exception, SystemExit) as exc:
        line = _job_line(exc.__traceback__, filename) or 0
        raise RunError(f"{display}:{line}: {describe_error(exc)}",
                       ExitCode.JOB_INVALID) from exc
    finally:
        if folder and sys.path and sys.path[0] == folder:
            del sys.path[0]
    return Job(display, filename, steps)


def load_job(path: str | os.PathLike[str], display: str | None = None, *,
             write_cache: bool | None = None) -> Job:
    """Load a job file. A missing file raises :class:`RunError` (``FILE_NOT_FOUND``).

    The compiled job is kept in ``__pycache__`` beside the file and reused while the source
    is unchanged; ``write_cache`` (default: unless ``PYTHONDONTWRITEBYTECODE`` is set) says
    whether to write it.
    """
    file = Path(path)
    display = display or display_path(file)
    try:
        source = file.read_text(encoding="utf-8-sig")  # a BOM from Windows editors is dropped
    except FileNotFoundError:
        raise RunError(f"{display}: job file not found", ExitCode.FILE_NOT_FOUND) from None
    except IsADirectoryError:
        raise RunError(f"{display}: is a directory, not a job file",
                       ExitCode.FILE_NOT_FOUND) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RunError(f"{display}: cannot read the job file: {exc}",
                       ExitCode.JOB_INVALID) from None
    filename = str(file.resolve())
    return compile_job(source, filename, display,
                       cached_code(file, source, filename, display,
                                    not sys.dont_write_bytecode if write_cache is None
                                    else write_cache))
