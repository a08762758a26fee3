"""Run logs: levels, plain / rich / JSON lines, secrets masked, a job's print() captured.

Loggers: ``asana_adaptor.job`` (the job's own ``print()`` and ``log()``, shown as ``JOB``),
``asana_adaptor.run`` (steps starting and finishing, shown as ``RUN``),
``asana_adaptor.runtime`` (loading details, shown at ``--log info``), ``asana_adaptor.cli``
(the final error line) and everything else under ``asana_adaptor`` (the Asana client's
request lines, shown as ``ASANA``).

Levels: ``none`` (nothing), ``default`` (job lines, steps, requests, warnings, errors),
``info`` (also loading details), ``debug`` (everything, with full tracebacks).

The client writes one ``ASANA`` line per call; httpx and httpcore, which would add their own
line per request with the full URL, are held at ``WARNING`` for the duration of a run.
"""

from __future__ import annotations

import contextlib
import contextvars
import io
import json
import logging
import sys
import traceback
from datetime import datetime, timezone
from typing import IO, Any, Iterator

from .redact import Redactor

__all__ = ["LEVELS", "JobOutput", "LogSetup", "configure_logging", "current_step",
           "job_output"]

LEVELS = ("none", "default", "info", "debug")
ROOT = "asana_adaptor"
QUIET_LIBRARIES = ("httpx", "httpcore")
"""Loggers held at WARNING during a run: the client already logs each call once."""

current_step: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "asana_adaptor_step", default=None
)

_SOURCES = {
    "asana_adaptor.job": "JOB",
    "asana_adaptor.run": "RUN",
    "asana_adaptor.runtime": "RUN",
    "asana_adaptor.cli": "CLI",
}


def _source(name: str) -> str:
    for prefix, source in _SOURCES.items():
        if name == prefix or name.startswith(prefix + "."):
            return source
    return "ASANA"


class _Redact(logging.Filter):
    """Masks secrets in the whole rendered record (message and traceback) and tags the step."""

    def __init__(self, redactor: Redactor, tracebacks: bool) -> None:
        super().__init__()
        self.redactor = redactor
        self.tracebacks = tracebacks

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and self.tracebacks:
            message += "\n" + "".join(traceback.format_exception(*record.exc_info)).rstrip()
        record.msg = self.redactor.text(message)
        record.args = None
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        if not hasattr(record, "step"):
            record.step = current_step.get()
        record.source = _source(record.name)
        return True


class _Plain(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        mark = {logging.WARNING: "warning: ", logging.ERROR: "error: ",
                logging.CRITICAL: "error: "}.get(record.levelno, "")
        return f"[{record.source}] {mark}{record.getMessage()}"


class _Json(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(
                timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "source": record.source,
            "message": record.getMessage(),
        }
        if record.step is not None:
            entry["step"] = record.step
        for key in ("duration_ms", "status"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        return json.dumps(entry, ensure_ascii=False, default=str)


class LogSetup:
    """The handler installed for one run; :meth:`close` puts logging back as it was."""

    def __init__(self, handler: logging.Handler | None, level: str) -> None:
        self.handler = handler
        self.level = level
        root = logging.getLogger(ROOT)
        self._saved = (root.level, root.propagate, logging.getLogger(f"{ROOT}.runtime").level)
        self._libraries = {name: logging.getLogger(name).level for name in QUIET_LIBRARIES}

    def close(self) -> None:
        root = logging.getLogger(ROOT)
        if self.handler is not None:
            root.removeHandler(self.handler)
            self.handler.flush()
        root.setLevel(self._saved[0])
        root.propagate = self._saved[1]
        logging.getLogger(f"{ROOT}.runtime").setLevel(self._saved[2])
        for name, level in self._libraries.items():
            logging.getLogger(name).setLevel(level)


def configure_logging(
    level: str,
    *,
    json_lines: bool,
    redactor: Redactor,
    stream: IO[str] | None = None,
) -> LogSetup:
    """Send the ``asana_adaptor`` logs to ``stream`` (stderr) at ``level`` with secrets masked."""
    if level not in LEVELS:
        raise ValueError(f"unknown log level {level!r}; use one of {', '.join(LEVELS)}")
    stream = stream if stream is not None else sys.stderr
    root = logging.getLogger(ROOT)
    setup = LogSetup(None, level)
    root.propagate = False
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
    if level == "none":
        root.setLevel(logging.CRITICAL + 1)
        return setup
    handler: logging.Handler
    if not json_lines and stream.isatty():
        from rich.console import Console
        from rich.logging import RichHandler

        handler = RichHandler(console=Console(file=stream), show_path=False, markup=False,
                              rich_tracebacks=False, show_time=False)
        handler.setFormatter(logging.Formatter("[%(source)s] %(message)s"))
    else:
        handler = logging.StreamHandler(stream)
        handler.setFormatter(_Json() if json_lines else _Plain())
    handler.addFilter(_Redact(redactor, tracebacks=level == "debug"))
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if level == "debug" else logging.INFO)
    logging.getLogger(f"{ROOT}.runtime").setLevel(
        logging.WARNING if level == "default" else logging.NOTSET)
    setup.handler = handler
    return setup


class JobOutput(io.TextIOBase):
    """A stand-in for ``sys.stdout`` (or ``sys.stderr``, at ``level=WARNING``) while a job
    runs: each printed line becomes a JOB log line, with secrets masked like any other."""

    def __init__(self, level: int = logging.INFO) -> None:
        self._logger = logging.getLogger(f"{ROOT}.job")
        self._level = level
        self._pending = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._pending += text
        *lines, self._pending = self._pending.split("\n")
        for line in lines:
            self._logger.log(self._level, line)
        return len(text)

    def flush(self) -> None:
        if self._pending:
            line, self._pending = self._pending, ""
            self._logger.log(self._level, line)


@contextlib.contextmanager
def job_output() -> Iterator[None]:
    """While the block runs (a job loading or running), ``print()`` gives ``JOB`` lines and
    writes to ``sys.stderr`` give ``JOB`` warnings; stdout stays free for ``-O``."""
    output, errors = JobOutput(), JobOutput(logging.WARNING)
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = output, errors
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
        output.flush()
        errors.flush()
