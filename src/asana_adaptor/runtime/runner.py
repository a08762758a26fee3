"""``asana-adaptor run``, as a library call: load, check, run with a timeout, write the output.

Example (from a checkout)::

    result = Runner(RunOptions("examples/hello/job.py", output_to_stdout=True)).run()
    assert result.code == ExitCode.OK and result.state["data"] == {"greeted": 3}

Everything that can be wrong with the input is found before the first step runs (missing
files, bad state, bad workflow, unknown steps, invalid configurations); each ends the run
with a one-line message and its own :class:`~.exitcodes.ExitCode`.
"""

from __future__ import annotations

import json
import logging
import math
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable, Mapping

import httpx

from .cache import StepCache
from .config import env_configuration, load_credentials, step_configurations
from .context import RunContext, using_context
from .documents import parse_document, read_document
from .engine import WorkflowResult, run_workflow, without_configuration
from .exitcodes import ExitCode, RunError
from .jobfile import describe_error, display_path, load_job
from .logs import configure_logging, job_output
from .redact import Redactor
from .sandbox import sandbox_configuration, start_sandbox
from .worker import RunTimedOut, run_in_worker
from .workflow import Workflow, load_workflow, single_job_workflow

__all__ = ["MAX_TIMEOUT_SECONDS", "RunOptions", "RunResult", "Runner"]

run_logger = logging.getLogger("asana_adaptor.run")
runtime_logger = logging.getLogger("asana_adaptor.runtime")
cli_logger = logging.getLogger("asana_adaptor.cli")

MAX_TIMEOUT_SECONDS = 7 * 24 * 3600
"""The longest ``--timeout`` accepted."""

_WORKFLOW_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class RunOptions:
    """The options of ``asana-adaptor run`` (see ``asana-adaptor run --help``)."""

    path: str
    state_file: str | None = None
    state_from_stdin: bool = False
    output_file: str | None = None
    output_to_stdout: bool = False
    credentials_file: str | None = None
    start: str | None = None
    end: str | None = None
    only: str | None = None
    cache_steps: bool = False
    log_level: str = "default"
    log_json: bool = False
    timeout: float = 300.0
    sandbox: bool = False
    sandbox_reset: bool = False


@dataclass
class RunResult:
    """How a run ended: its exit code, the state written (masked), and the error line."""

    code: ExitCode
    state: Any = None
    output_path: Path | None = None
    message: str | None = None
    worker_alive: bool = False


class Runner:
    """One run of a job or workflow file. Inject ``transport``/``clock``/``environ`` in tests."""

    def __init__(
        self,
        options: RunOptions,
        *,
        environ: Mapping[str, str] | None = None,
        stdin: IO[str] | None = None,
        stdout: IO[str] | None = None,
        stderr: IO[str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], Any] | None = None,
    ) -> None:
        self.options = options
        self.environ = os.environ if environ is None else environ
        self.stdin, self.stdout, self.stderr = stdin, stdout, stderr
        self.transport = transport
        self.clock = clock
        self.redactor = Redactor()
        self.credentials: dict[str, dict[str, Any]] | None = None
        self._sandbox: Any = None
        self._sandbox_lock: IO[str] | None = None
        self._worker_alive = False

    # -- the run ---------------------------------------------------------------------------
    def run(self) -> RunResult:
        """Run; never raises (except for ``SystemExit``): errors become a result and a line."""
        env = env_configuration(self.environ)
        self.redactor.add_configuration(env)
        opts = self.options
        logs = configure_logging(opts.log_level, json_lines=opts.log_json,
                                 redactor=self.redactor,
                                 stream=self.stderr if self.stderr is not None else sys.stderr)
        try:
            try:
                return self._run(env)
            except RunError as exc:
                return self._fail(exc.message, exc.code)
            except KeyboardInterrupt:
                return self._fail("interrupted", ExitCode.INTERRUPTED)
            except Exception as exc:
                cli_logger.debug("internal error", exc_info=exc)
                return self._fail(f"internal error: {describe_error(exc)} (run with --log debug "
                                  "for the traceback, and please report it)",
                                  ExitCode.INTERNAL_ERROR)
        finally:
            self._close_sandbox()
            logs.close()

    def _fail(self, message: str, code: ExitCode, state: Any = None,
              output_path: Path | None = None) -> RunResult:
        message = self.redactor.text(message)
        if self.options.log_level == "none":  # no handler: the error line is written here
            stream = self.stderr if self.stderr is not None else sys.stderr
            line = (json.dumps({"level": "error", "source": "CLI", "message": message},
                               ensure_ascii=False) if self.options.log_json
                    else f"error: {message}")
            stream.write(line + "\n")
            stream.flush()
        else:
            cli_logger.error(message)
        return RunResult(code, state, output_path, message, self._worker_alive)

    def _run(self, env: dict[str, Any] | None) -> RunResult:
        opts = self.options
        self._check_options()
        path = Path(opts.path)
        if not path.exists():
            raise RunError(f"{display_path(path)}: file not found", ExitCode.FILE_NOT_FOUND)
        if opts.credentials_file:
            self.credentials = load_credentials(opts.credentials_file,
                                                display_path(opts.credentials_file))
            for configuration in self.credentials.values():
                self.redactor.add_configuration(configuration)
        with job_output():  # a job may print while it loads
            workflow = self._load(path)
        runtime_logger.info("Loaded %s: %s", workflow.display, ", ".join(
            f"{s.id} ({len(s.job.steps)} operation{'' if len(s.job.steps) == 1 else 's'})"
            for s in workflow.steps.values()))
        start, end = self._select(workflow)
        state = self._input_state(workflow, start)
        given = state.pop("configuration", None)
        self.redactor.add_configuration(given)
        configurations = self._configurations(workflow, start, given, env)
        cache = StepCache(workflow.path, self.redactor) if opts.cache_steps else None
        progress: dict[str, Any] = {"step": start, "state": state}
        began = time.perf_counter()
        retries = _LastRetry()
        logging.getLogger("asana_adaptor").addHandler(retries)
        try:
            result = self._execute(workflow, state, start, end, configurations, cache, progress)
        except RunTimedOut:
            step = progress.get("step")
            waiting = (f"; the last Asana call was being retried: "
                       f"{retries.message.removeprefix('retrying ')}" if retries.message else "")
            return self._stopped(workflow, progress, "TimeoutError", ExitCode.TIMEOUT,
                                 f"timed out after {opts.timeout:g}s while running step "
                                 f"{step!r}; pass --timeout SECONDS to allow longer{waiting}")
        except KeyboardInterrupt:
            self._worker_alive = True  # the job may be in synchronous code: do not wait
            return self._stopped(workflow, progress, "KeyboardInterrupt", ExitCode.INTERRUPTED,
                                 f"interrupted while running step {progress.get('step')!r}")
        finally:
            logging.getLogger("asana_adaptor").removeHandler(retries)
        written, output_path = self._write_output(workflow, result.state,
                                                  several=len(result.leaves) > 1)
        self._summary(result, output_path, (time.perf_counter() - began) * 1000)
        if result.failed:
            failed = [s for s in result.steps if not s.ok and not s.handled]
            first = failed[0].message if failed else result.condition_errors[0]
            message = first or "a step failed"
            more = len(failed) + len(result.condition_errors) - 1
            if more > 0:
                message += f" (and {more} more failure{'s' if more > 1 else ''})"
            return self._fail(message, ExitCode.STEP_FAILED, written,
                              output_path)
        return RunResult(ExitCode.OK, written, output_path, None, self._worker_alive)

    def _stopped(self, workflow: Workflow, progress: dict[str, Any], kind: str,
                 code: ExitCode, message: str) -> RunResult:
        """End a run stopped from outside (timeout, Ctrl-C): the last state reached is written,
        with the reason under ``errors[step]``."""
        step = progress.get("step")
        partial = without_configuration(progress.get("state") or {})
        earlier = partial.get("errors")
        earlier = earlier if isinstance(earlier, dict) else {}
        partial = {**partial, "errors": {**earlier, step: {
            "type": kind, "message": message, "step": step}}}
        written, output_path = self._write_output(workflow, partial, several=False)
        return self._fail(message, code, written, output_path)

    # -- checking the input ------------------------------------------------------------------
    def _check_options(self) -> None:
        opts = self.options
        if opts.state_file and opts.state_from_stdin:
            raise RunError("use either -s/--state FILE or -S (stdin), not both", ExitCode.USAGE)
        if opts.output_file and opts.output_to_stdout:
            raise RunError("use either -o/--output FILE or -O (stdout), not both", ExitCode.USAGE)
        if opts.only and (opts.start or opts.end):
            raise RunError("--only runs one step; do not combine it with --start or --end",
                           ExitCode.USAGE)
        if not (isinstance(opts.timeout, (int, float)) and math.isfinite(opts.timeout)
                and 0 < opts.timeout <= MAX_TIMEOUT_SECONDS):
            raise RunError(f"--timeout must be a positive number of seconds, at most "
                           f"{MAX_TIMEOUT_SECONDS} (a week); got {opts.timeout!r}", ExitCode.USAGE)
        if opts.sandbox_reset and not opts.sandbox:
            raise RunError("--sandbox-reset only applies with --sandbox", ExitCode.USAGE)

    def _load(self, path: Path) -> Workflow:
        suffix = path.suffix.lower()
        if suffix == ".py":
            workflow = single_job_workflow(load_job(path), path)
            if self.options.start or self.options.end or self.options.only:
                raise RunError("--start, --end and --only apply to workflow files, not to a job",
                               ExitCode.USAGE)
            return workflow
        if suffix in _WORKFLOW_SUFFIXES:
            return load_workflow(path)
        raise RunError(f"{display_path(path)}: expected a job file (.py) or a workflow file "
                       "(.yaml, .yml, .json)", ExitCode.USAGE)

    def _select(self, workflow: Workflow) -> tuple[str, str | None]:
        opts = self.options
        if opts.only:
            only = workflow.find_step(opts.only, "--only")
            return only, only
        start = workflow.find_step(opts.start, "--start") if opts.start else workflow.start
        end = workflow.find_step(opts.end, "--end") if opts.end else None
        if end is not None and end not in workflow.reachable(start):
            raise RunError(f"--end {end!r} cannot be reached from step {start!r}",
                           ExitCode.STEP_NOT_FOUND)
        return start, end

    def _input_state(self, workflow: Workflow, start: str) -> dict[str, Any]:
        opts = self.options
        if opts.state_from_stdin:
            stream = self.stdin if self.stdin is not None else sys.stdin
            text = stream.read()
            if not text.strip():
                raise RunError("-S: stdin is empty; pipe a JSON state in (such as "
                               "`asana-adaptor run a.py -O | asana-adaptor run b.py -S`)",
                               ExitCode.STATE_INVALID)
            state = parse_document(text, "<stdin>", ExitCode.STATE_INVALID)
            where = "<stdin>"
        elif opts.state_file:
            where = display_path(opts.state_file)
            state = read_document(opts.state_file, where, ExitCode.STATE_INVALID, "state file")
        elif (opts.start or opts.only) and workflow.parents(start):
            return self._cached_input(workflow, start)
        else:
            return {}
        if not isinstance(state, dict):
            kind = "null" if state is None else type(state).__name__
            raise RunError(f"{where}: the state must be an object ({{...}}), got {kind}",
                           ExitCode.STATE_NOT_OBJECT)
        return state

    def _cached_input(self, workflow: Workflow, start: str) -> dict[str, Any]:
        parents = workflow.parents(start)
        found = StepCache(workflow.path).latest(parents) if parents else None
        if found is None:
            run_logger.warning("no cached output of the steps before %r (run once with "
                               "--cache-steps, or pass -s); starting from an empty state", start)
            return {}
        step_id, state = found
        run_logger.info("Starting from the cached output of step %s", step_id)
        return state if isinstance(state, dict) else {}

    def _configurations(self, workflow: Workflow, start: str, given: Any,
                        env: dict[str, Any] | None) -> dict[str, dict[str, Any] | None]:
        override = fill = None
        if self.options.sandbox:
            self._sandbox, self._sandbox_lock = start_sandbox(
                workflow.path, reset=self.options.sandbox_reset)
            self.transport = self._sandbox.transport()
            override, fill = sandbox_configuration(self._sandbox)
        return step_configurations(
            workflow, workflow.reachable(start), credentials=self.credentials or {},
            given=given, env=env, override=override, fill=fill,
            learn=self.redactor.add_configuration)

    def _close_sandbox(self) -> None:
        if self._sandbox is not None:
            sandbox, self._sandbox = self._sandbox, None
            try:
                sandbox.close()
            except Exception as exc:  # the run is over; report and go on
                runtime_logger.warning("the sandbox did not close cleanly: %s",
                                       describe_error(exc))
            finally:
                if self._sandbox_lock is not None:
                    self._sandbox_lock.close()
                    self._sandbox_lock = None

    # -- executing -----------------------------------------------------------------------------
    def _execute(self, workflow: Workflow, state: dict[str, Any], start: str, end: str | None,
                 configurations: dict[str, Any], cache: StepCache | None,
                 progress: dict[str, Any]) -> WorkflowResult:
        async def main() -> WorkflowResult:
            ctx = RunContext(transport=self.transport, clock=self.clock)
            try:
                async with using_context(ctx):
                    return await run_workflow(workflow, state, ctx, start=start, end=end,
                                              configurations=configurations, cache=cache,
                                              progress=progress)
            finally:
                await ctx.aclose()

        try:
            return run_in_worker(main, self.options.timeout)
        except RunTimedOut as exc:
            self._worker_alive = exc.worker_alive
            raise

    # -- output ----------------------------------------------------------------------------------
    def _write_output(self, workflow: Workflow, state: Any, *, several: bool
                      ) -> tuple[Any, Path | None]:
        """Write the final state (or, when ``several`` steps ended the run, one per step)."""
        opts = self.options
        if several:
            final = {k: without_configuration(v) for k, v in state.items()}
        else:
            final = without_configuration(state)
        try:
            text = self.redactor.dumps(final) + "\n"
        except (TypeError, ValueError) as exc:
            raise RunError(f"the final state cannot be written as JSON: {exc}",
                           ExitCode.OUTPUT_FAILED) from None
        final = json.loads(text)  # what the file holds: masked, objects written as text
        if opts.output_to_stdout:
            stream = self.stdout if self.stdout is not None else sys.stdout
            stream.write(text)
            stream.flush()
            return final, None
        path = Path(opts.output_file) if opts.output_file else workflow.path.parent / "output.json"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise RunError(f"{display_path(path)}: cannot write the output: {exc.strerror or exc}",
                           ExitCode.OUTPUT_FAILED) from None
        return final, path

    def _summary(self, result: WorkflowResult, output_path: Path | None, ms: float) -> None:
        ok = sum(1 for s in result.steps if s.ok)
        failed = [s for s in result.steps if not s.ok]
        handled = sum(1 for s in failed if s.handled)
        parts = [f"{ok} step{'s' if ok != 1 else ''} succeeded"]
        if failed:
            parts.append(f"{len(failed)} failed" + (f" ({handled} handled)" if handled else ""))
        run_logger.info("Finished in %sms: %s", round(ms, 1), ", ".join(parts))
        if output_path is not None:
            run_logger.info("Wrote %s", display_path(output_path))


class _LastRetry(logging.Handler):
    """Holds the retry warning when it is the latest log record of the run (``message``:
    "retrying GET /tasks/1 in 6.2 s (attempt 6 of 8): could not connect to ..."); any later
    record (the retried call answering, the job going on) clears it."""

    def __init__(self) -> None:
        super().__init__()
        self.message: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        retrying = record.levelno == logging.WARNING and text.startswith("retrying ")
        self.message = text if retrying else None
