"""The dispatcher: a real workflow run per stored event, outcomes recorded, retries, restarts."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from pathlib import Path

import pytest

from asana_adaptor.webhooks import (
    Dispatcher,
    HookConfig,
    IncomingEvent,
    SqliteInbox,
    StoreError,
    WorkflowRunner,
    event_key,
)
from receiverkit import HOOK_PATH, task_event

CONFIGURATION = {"token": "0/dispatch-test-token", "baseUrl": "http://asana.invalid"}
APPEND_JOB = """
import json
fn(lambda s: (open({log!r}, "a").write(s["data"]["resource"]["gid"] + "\\n"), s)[1])
fn(lambda s: {{**s, "data": {{"done": s["data"]["resource"]["gid"]}}}})
"""
FAIL_ON_2_JOB = """
fn(lambda s: (open({log!r}, "a").write(s["data"]["resource"]["gid"] + "\\n"), s)[1])
fn(lambda s: 1 / 0 if s["data"]["resource"]["gid"] == "2" else s)
"""


def store_events(store: SqliteInbox, path: str, *gids: str) -> None:
    events = [task_event(gid) for gid in gids]
    store.record_delivery(path, json.dumps({"events": events}).encode(),
                          [IncomingEvent(event_key(e), e) for e in events])


class Clock:
    """A settable clock (seconds)."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path: Path):
    inbox = SqliteInbox(tmp_path / "inbox.sqlite")
    yield inbox
    inbox.close()


def dispatcher_for(store, *hooks: HookConfig, **options) -> Dispatcher:
    runner = WorkflowRunner(configuration=CONFIGURATION, environ={})
    return Dispatcher(store, {h.path: h for h in hooks}, runner, **options)


def test_each_event_runs_the_workflow_and_the_outcome_is_recorded(store, hook):
    """A stored event runs the hook's job with {data: event, configuration, references: []}."""
    store_events(store, HOOK_PATH, "1200000000000101")
    assert asyncio.run(dispatcher_for(store, hook).dispatch_due()) == 1
    [event] = store.events()
    assert event.status == "succeeded" and event.exit_code == 0
    [run] = store.runs(event.id)
    assert run.status == "succeeded" and run.attempt == 1
    assert run.output["data"] == {"gid": "1200000000000101", "action": "changed",
                                  "has_configuration": True, "references": []}
    assert "configuration" not in run.output


def test_the_token_never_reaches_the_recorded_run(store, write):
    """The run's log and recorded state mask the configuration's token."""
    job = write("jobs/leak.py", 'fn(lambda s: (print(s["configuration"]["token"]), '
                                '{**s, "data": s["configuration"]["token"]})[1])\n')
    store_events(store, HOOK_PATH, "1")
    asyncio.run(dispatcher_for(store, HookConfig(HOOK_PATH, job)).dispatch_due())
    [run] = store.runs(store.events()[0].id)
    assert run.status == "succeeded"
    assert CONFIGURATION["token"] not in run.log + json.dumps(run.output)
    assert run.output["data"] == "***"


def test_events_of_one_path_run_in_arrival_order(store, write, tmp_path):
    """Three events delivered in two batches run in the order they were stored."""
    log = tmp_path / "order.txt"
    hook = HookConfig(HOOK_PATH, write("jobs/append.py", APPEND_JOB.format(log=str(log))))
    store_events(store, HOOK_PATH, "3", "1")
    store_events(store, HOOK_PATH, "2")
    assert asyncio.run(dispatcher_for(store, hook).dispatch_due()) == 3
    assert log.read_text().split() == ["3", "1", "2"]


def test_a_failing_run_is_retried_then_kept_with_its_error(store, write, tmp_path):
    """A job that always fails runs max_attempts times; the event stays, marked failed."""
    hook = HookConfig(HOOK_PATH, write("jobs/fail.py", 'fn(lambda s: 1 / 0)\n'))
    store_events(store, HOOK_PATH, "1")
    assert asyncio.run(dispatcher_for(store, hook, max_attempts=3,
                                      retry_delay=0).dispatch_due()) == 3
    [event] = store.events()
    assert event.status == "failed" and event.attempts == 3 and event.exit_code == 1
    assert "ZeroDivisionError" in event.error
    assert [r.status for r in store.runs(event.id)] == ["failed"] * 3
    assert event.event == task_event("1")


def test_a_failed_event_log_says_how_to_run_it_again(store, write, caplog):
    """The error for an event out of attempts gives the SQL that makes it pending again."""
    hook = HookConfig(HOOK_PATH, write("jobs/fail.py", 'fn(lambda s: 1 / 0)\n'))
    store_events(store, HOOK_PATH, "1")
    with caplog.at_level("WARNING", logger="asana_adaptor.run.webhooks"):
        asyncio.run(dispatcher_for(store, hook, max_attempts=1, retry_delay=0).dispatch_due())
    [event] = store.events()
    assert any(f"attempts = 0 where id = {event.id})" in r.getMessage()
               for r in caplog.records if r.levelname == "ERROR")


def test_a_retry_waits_its_delay_and_holds_back_its_path_only(store, write, tmp_path):
    """After a failure the path waits for the retry; another path's events still run."""
    log = tmp_path / "order.txt"
    failing = HookConfig(HOOK_PATH, write("jobs/f.py", FAIL_ON_2_JOB.format(log=str(log))))
    other = replace(failing, path="/asana/other")
    store_events(store, HOOK_PATH, "2", "3")
    store_events(store, "/asana/other", "4")
    clock = Clock()
    dispatcher = dispatcher_for(store, failing, other, retry_delay=60, clock=clock)
    assert asyncio.run(dispatcher.dispatch_due()) == 2  # "2" fails, "4" runs; "3" waits
    assert log.read_text().split() == ["2", "4"]
    first = store.events(HOOK_PATH)[0]
    assert (first.status, first.next_attempt_at) == ("pending", 1_060.0)
    clock.now = 1_059.0
    assert asyncio.run(dispatcher.dispatch_due()) == 0
    clock.now = 1_061.0
    asyncio.run(dispatcher.dispatch_due())
    assert log.read_text().split() == ["2", "4", "2"]  # the next retry waits twice as long
    clock.now = 1_182.0
    asyncio.run(dispatcher.dispatch_due())  # third and last attempt fails; then "3" runs
    assert log.read_text().split() == ["2", "4", "2", "2", "3"]
    assert [e.status for e in store.events(HOOK_PATH)] == ["failed", "succeeded"]


def test_a_restart_runs_what_was_left(tmp_path, hook):
    """Events stored (one left running by a crash) are run by the next receiver's dispatcher."""
    db = tmp_path / "inbox.sqlite"
    first = SqliteInbox(db)
    store_events(first, HOOK_PATH, "1", "2")
    first.begin_run(first.events()[0].id)  # the process died during this run
    first.close()
    second = SqliteInbox(db)
    dispatcher = dispatcher_for(second, hook, idle_poll=0.05)

    async def serve_until_done() -> None:
        task = asyncio.create_task(dispatcher.run_forever())
        try:
            async with asyncio.timeout(20):
                while any(e.status != "succeeded" for e in second.events()):
                    await asyncio.sleep(0.02)
        finally:
            task.cancel()

    asyncio.run(serve_until_done())
    event = second.events()[0]
    assert [r.status for r in second.runs(event.id)] == ["failed", "succeeded"]
    assert "interrupted" in second.runs(event.id)[0].error
    second.close()


def test_events_of_an_unconfigured_path_wait_in_the_inbox(store, hook):
    """An event stored for a path no longer configured is neither run nor dropped."""
    store_events(store, "/asana/retired", "1")
    assert asyncio.run(dispatcher_for(store, hook).dispatch_due()) == 0
    assert [e.status for e in store.events()] == ["pending"]


def test_a_runner_that_raises_counts_as_a_failed_run(store, hook):
    """An exception from the run itself is recorded as an internal error, and retried."""
    def broken(hook, stored):
        raise OSError("no space left on device")

    store_events(store, HOOK_PATH, "1")
    dispatcher = Dispatcher(store, {HOOK_PATH: hook}, broken, max_attempts=2, retry_delay=0)
    assert asyncio.run(dispatcher.dispatch_due()) == 2
    [event] = store.events()
    assert event.status == "failed" and event.exit_code == 70
    assert event.error == "internal error: OSError: no space left on device"


def test_an_event_is_taken_by_one_dispatcher_only(store):
    """Starting a run of an event that is already running is refused."""
    store_events(store, HOOK_PATH, "1")
    event_id = store.events()[0].id
    assert store.begin_run(event_id) == 1
    assert store.begin_run(event_id) is None
    assert store.events()[0].attempts == 1


def test_running_a_failed_event_again_keeps_the_earlier_runs(store, write):
    """After the documented re-run SQL, the first run's record still holds its own error."""
    hook = HookConfig(HOOK_PATH, write("jobs/once.py", 'fn(lambda s: 1 / 0)\n'))
    store_events(store, HOOK_PATH, "1")
    asyncio.run(dispatcher_for(store, hook, max_attempts=1).dispatch_due())
    store._db.execute("UPDATE events SET status = 'pending', attempts = 0")
    write("jobs/once.py", 'fn(lambda s: s)\n')
    asyncio.run(dispatcher_for(store, hook, max_attempts=1).dispatch_due())
    runs = store.runs(store.events()[0].id)
    assert [(r.attempt, r.status) for r in runs] == [(1, "failed"), (1, "succeeded")]
    assert "ZeroDivisionError" in runs[0].error


class FlakyOutcomeInbox(SqliteInbox):
    """An inbox whose first attempt to record a run's outcome fails (disk full)."""

    failures = 1

    def finish_run(self, *args, **kwargs) -> None:
        if self.failures:
            self.failures -= 1
            raise StoreError("database or disk is full")
        super().finish_run(*args, **kwargs)


def test_an_outcome_that_cannot_be_recorded_at_first_does_not_block_its_path(tmp_path, hook):
    """A failed write of a run's outcome is tried again, so the path's next event runs."""
    store = FlakyOutcomeInbox(tmp_path / "inbox.sqlite")
    store_events(store, HOOK_PATH, "1", "2")
    assert asyncio.run(dispatcher_for(store, hook, store_retry=0).dispatch_due()) == 2
    assert [e.status for e in store.events()] == ["succeeded", "succeeded"]
    store.close()


class LockedAtStartInbox(SqliteInbox):
    """An inbox another process holds locked when the dispatcher first recovers."""

    failures = 1

    def recover(self) -> int:
        if self.failures:
            self.failures -= 1
            raise StoreError("database is locked")
        return super().recover()


def test_a_locked_inbox_at_start_does_not_stop_the_dispatcher(tmp_path, hook):
    """When recovering at start fails once, the dispatcher tries again and then runs events."""
    store = LockedAtStartInbox(tmp_path / "inbox.sqlite")
    store_events(store, HOOK_PATH, "1")
    dispatcher = dispatcher_for(store, hook, idle_poll=0.05)

    async def serve_until_done() -> None:
        task = asyncio.create_task(dispatcher.run_forever(store_retry=0.01))
        try:
            async with asyncio.timeout(20):
                while store.events()[0].status != "succeeded":
                    assert not task.done(), task.exception()
                    await asyncio.sleep(0.02)
        finally:
            task.cancel()

    asyncio.run(serve_until_done())
    store.close()
