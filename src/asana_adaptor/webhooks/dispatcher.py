"""Running a workflow per stored event, in order per hook path, with bounded retries.

The :class:`Dispatcher` takes, for each hook path, the oldest event still pending and runs the
hook's workflow for it; the next event of that path waits until this one has succeeded or used
up its attempts, so events of one webhook are handled in the order they arrived. A failed run
is retried after ``retry_delay`` seconds, doubled each time (at most an hour), up to
``max_attempts`` runs; then the event is marked ``failed`` and stays in the inbox with its
error. Every run (status, exit code, error, log, final state) is recorded in the store. A
restart turns events left ``running`` back into ``pending`` and carries on.

:class:`WorkflowRunner` runs one event with the runtime's :class:`~..runtime.runner.Runner`,
in-process, starting from ``{"data": <event>, "configuration": ..., "references": []}``::

    runner = WorkflowRunner(credentials_file="creds.json")
    dispatcher = Dispatcher(SqliteInbox("inbox.sqlite"), config.hooks, runner)
    await dispatcher.dispatch_due()     # or: await dispatcher.run_forever()
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any, Callable, Mapping

import httpx

from ..runtime.config import DEFAULT_CREDENTIAL, env_configuration, load_credentials
from ..runtime.exitcodes import ExitCode, RunError
from ..runtime.jobfile import describe_error
from ..runtime.runner import RunOptions, Runner
from .config import HookConfig, HooksConfigError
from .inbox import FAILED, PENDING, SUCCEEDED, InboxStore, RunOutcome, StoredEvent, StoreError

__all__ = ["Dispatcher", "RunEvent", "WorkflowRunner"]

logger = logging.getLogger("asana_adaptor.run.webhooks")

RunEvent = Callable[[HookConfig, StoredEvent], RunOutcome]
"""Runs a hook's workflow for one stored event (called in a worker thread)."""

MAX_LOG_CHARS = 64_000
MAX_RETRY_DELAY = 3600.0


class WorkflowRunner:
    """A :data:`RunEvent` that runs the hook's workflow or job file with the runtime's Runner.

    The configuration put in the initial state is ``configuration`` when given, else the
    hook's ``credential`` from ``credentials_file`` (or its default / only one), else the
    ``ASANA_TOKEN`` environment default. ``transport`` is handed to the Asana client (the
    sandbox in tests and rehearsals)."""

    def __init__(self, *, credentials_file: str | Path | None = None,
                 configuration: Mapping[str, Any] | None = None,
                 transport: httpx.AsyncBaseTransport | None = None,
                 environ: Mapping[str, str] | None = None, log_level: str = "default") -> None:
        self.credentials_file = str(credentials_file) if credentials_file else None
        self.credentials: dict[str, dict[str, Any]] = {}
        if self.credentials_file:
            try:
                self.credentials = load_credentials(self.credentials_file, self.credentials_file)
            except RunError as exc:
                raise HooksConfigError(exc.message) from None
        self.configuration = dict(configuration) if configuration is not None else None
        self.transport = transport
        self.environ = os.environ if environ is None else environ
        self.log_level = log_level

    def check(self, hooks: Mapping[str, HookConfig]) -> None:
        """Raise :class:`HooksConfigError` when a hook names a credential that is not there."""
        for hook in hooks.values():
            if hook.credential and self.configuration is None \
                    and hook.credential not in self.credentials:
                have = ", ".join(sorted(self.credentials)) or "none: add `credentials: FILE`"
                raise HooksConfigError(f"hook {hook.path}: unknown credential "
                                       f"{hook.credential!r} (credentials: {have})")

    def configuration_for(self, hook: HookConfig) -> dict[str, Any] | None:
        """The configuration a run of ``hook`` starts with."""
        if self.configuration is not None:
            return dict(self.configuration)
        found = self.credentials
        if hook.credential:
            return found.get(hook.credential)
        if DEFAULT_CREDENTIAL in found:
            return found[DEFAULT_CREDENTIAL]
        if len(found) == 1:
            return next(iter(found.values()))
        return env_configuration(self.environ)

    def secrets(self) -> list[Any]:
        """Every configuration this runner may use (so that their secrets can be masked)."""
        return [self.configuration, *self.credentials.values(), env_configuration(self.environ)]

    def __call__(self, hook: HookConfig, stored: StoredEvent) -> RunOutcome:
        state: dict[str, Any] = {"data": stored.event, "references": []}
        configuration = self.configuration_for(hook)
        if configuration is not None:
            state["configuration"] = configuration
        options = RunOptions(path=str(hook.workflow), state_from_stdin=True,
                             output_to_stdout=True, credentials_file=self.credentials_file,
                             log_level=self.log_level, timeout=hook.timeout)
        log = io.StringIO()
        result = Runner(options, environ=self.environ, stdin=io.StringIO(json.dumps(state)),
                        stdout=io.StringIO(), stderr=log, transport=self.transport).run()
        text = log.getvalue()
        if len(text) > MAX_LOG_CHARS:
            text = text[:MAX_LOG_CHARS] + "\n[log cut]"
        return RunOutcome(ok=result.code == ExitCode.OK, exit_code=int(result.code),
                          error=result.message, log=text, output=result.state)


class Dispatcher:
    """Runs :data:`RunEvent` for the events in ``store``, one at a time, in order per path.

    ``clock`` (seconds) decides when a retry is due; tests inject it and ``retry_delay=0``.
    ``store_retry`` is how long to wait before trying again when the inbox cannot be written.
    """

    def __init__(self, store: InboxStore, hooks: Mapping[str, HookConfig], run_event: RunEvent,
                 *, max_attempts: int = 3, retry_delay: float = 30.0,
                 clock: Callable[[], float] = time.time, idle_poll: float = 60.0,
                 store_retry: float = 5.0) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.store = store
        self.hooks = dict(hooks)
        self.run_event = run_event
        self.max_attempts = max_attempts
        self.retry_delay = retry_delay
        self.clock = clock
        self.idle_poll = idle_poll
        self.store_retry = store_retry
        self._wake: asyncio.Event | None = None
        self._stopping = False

    def notify(self) -> None:
        """New events were stored: dispatch them now (when :meth:`run_forever` is running)."""
        if self._wake is not None:
            self._wake.set()

    def _retry_at(self, attempt: int) -> float:
        return self.clock() + min(self.retry_delay * 2 ** (attempt - 1), MAX_RETRY_DELAY)

    async def _due(self) -> tuple[list[StoredEvent], float | None]:
        heads = [e for e in await asyncio.to_thread(self.store.open_heads)
                 if e.path in self.hooks]  # events of a path no longer configured wait
        now = self.clock()
        due = [e for e in heads if e.next_attempt_at <= now]
        later = [e.next_attempt_at for e in heads if e.next_attempt_at > now]
        return due, (min(later) - now if later else None)

    async def dispatch_due(self) -> int:
        """Run every event that is due, until none is; returns how many runs were made."""
        runs = 0
        while not self._stopping:
            due, _ = await self._due()
            if not due:
                break
            for stored in due:
                if self._stopping:
                    break
                if await self.dispatch(stored) is not None:
                    runs += 1
        return runs

    def stop(self) -> None:
        """Finish the run in progress (if any), then let :meth:`run_forever` return."""
        self._stopping = True
        self.notify()

    async def dispatch(self, stored: StoredEvent) -> str | None:
        """Run one event's workflow and record the outcome; returns the event's new status
        (``None`` when the event was no longer pending)."""
        hook = self.hooks[stored.path]
        attempt = await asyncio.to_thread(self.store.begin_run, stored.id)
        if attempt is None:
            return None
        what = f"event {stored.id} on {stored.path} ({_describe(stored.event)})"
        logger.info("Running %s for %s, attempt %d of %d", hook.workflow.name, what, attempt,
                    self.max_attempts)
        try:
            outcome = await _in_daemon_thread(self.run_event, hook, stored)
        except Exception as exc:  # the runner itself broke: count it as a failed run
            outcome = RunOutcome(ok=False, exit_code=int(ExitCode.INTERNAL_ERROR),
                                 error=f"internal error: {describe_error(exc)}")
        next_at = 0.0
        if outcome.ok:
            status = SUCCEEDED
            logger.info("%s: the run succeeded", what.capitalize())
        elif attempt < self.max_attempts:
            status, next_at = PENDING, self._retry_at(attempt)
            logger.warning("%s: the run failed (exit %d): %s; retrying in %.0f s",
                           what.capitalize(), outcome.exit_code, outcome.error,
                           next_at - self.clock())
        else:
            status = FAILED
            logger.error("%s: the run failed (exit %d) after %d attempts: %s; the event stays "
                         "in the inbox as failed (to run it again: update events set status = "
                         "'pending', attempts = 0 where id = %d)", what.capitalize(),
                         outcome.exit_code, attempt, outcome.error, stored.id)
        while True:  # an event left `running` would hold back its path until a restart
            try:
                await asyncio.to_thread(self.store.finish_run, stored.id, attempt, outcome,
                                        status=status, next_attempt_at=next_at)
                return status
            except StoreError as exc:
                if self._stopping:
                    raise
                logger.error("%s: the outcome of the run cannot be recorded (%s); trying again "
                             "in %gs", what.capitalize(), exc, self.store_retry)
                await asyncio.sleep(self.store_retry)

    async def run_forever(self, store_retry: float | None = None) -> None:
        """Recover interrupted runs, then dispatch as events arrive (until cancelled)."""
        store_retry = self.store_retry if store_retry is None else store_retry
        self._wake = asyncio.Event()
        self._stopping = False
        while not self._stopping:  # a locked inbox at start must not end the dispatcher
            try:
                recovered = await asyncio.to_thread(self.store.recover)
                break
            except StoreError as exc:
                logger.error("The inbox cannot be written to recover interrupted runs (%s); "
                             "trying again in %gs", exc, store_retry)
                await asyncio.sleep(store_retry)
        else:
            return
        if recovered:
            logger.warning("%d event(s) were running when the receiver stopped; running them "
                           "again", recovered)
        while not self._stopping:
            self._wake.clear()
            try:
                await self.dispatch_due()
                _, wait = await self._due()
            except StoreError as exc:
                logger.error("The inbox cannot be read or written (%s); trying again in %gs",
                             exc, store_retry)
                wait = store_retry
            except Exception as exc:  # never let the background dispatcher die silently
                logger.error("The dispatcher hit an internal error (%s); trying again in %gs",
                             describe_error(exc), store_retry, exc_info=exc)
                wait = store_retry
            if self._stopping:
                break
            try:
                await asyncio.wait_for(self._wake.wait(),
                                       self.idle_poll if wait is None else max(wait, 0.0))
            except TimeoutError:
                pass


async def _in_daemon_thread(work: RunEvent, hook: HookConfig, stored: StoredEvent) -> RunOutcome:
    """``work(hook, stored)`` in a daemon thread: a stop that gives up waiting for a run (after
    the shutdown grace) ends the process instead of waiting for the run to finish."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[RunOutcome] = loop.create_future()

    def settle(result: RunOutcome | None, error: BaseException | None) -> None:
        if done.done():
            return
        if error is not None:
            done.set_exception(error)
        else:
            done.set_result(result)  # type: ignore[arg-type]

    def target() -> None:
        try:
            result, error = work(hook, stored), None
        except BaseException as exc:  # handed to the awaiting task
            result, error = None, exc
        try:
            loop.call_soon_threadsafe(settle, result, error)
        except RuntimeError:  # the loop is closed: nobody waits for this run any more
            pass

    threading.Thread(target=target, name=f"webhook-run-{stored.id}", daemon=True).start()
    return await done


def _describe(event: Mapping[str, Any]) -> str:
    resource = event.get("resource") or {}
    change = event.get("change") or {}
    text = f"{resource.get('resource_type', '?')} {resource.get('gid', '?')} {event.get('action')}"
    return text + (f" {change['field']}" if change.get("field") else "")
