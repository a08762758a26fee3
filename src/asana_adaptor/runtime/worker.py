"""Running a run's event loop in a worker thread, bounded by ``--timeout``.

The loop runs in its own thread so that a job stuck in synchronous code (a long
``time.sleep``, a busy loop) cannot hold the run past its timeout: an awaiting job is
cancelled at the timeout; a job that never awaits is abandoned shortly after (the thread is a
daemon, and the CLI exits without waiting for it). While the job runs, ``print()`` and writes
to ``sys.stderr`` become ``JOB`` log lines.

>>> async def work():
...     return "done"
>>> run_in_worker(work, timeout=5)
'done'
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Awaitable, Callable, TypeVar

from .logs import job_output

__all__ = ["RunTimedOut", "TIMEOUT_GRACE_SECONDS", "run_in_worker"]

T = TypeVar("T")

TIMEOUT_GRACE_SECONDS = 2.0
"""At most this long (and never longer than the timeout itself) a job stuck in synchronous
code gets after the timeout before it is abandoned."""


class RunTimedOut(Exception):
    """The work went past its timeout; ``worker_alive`` when it could not be stopped."""

    def __init__(self, worker_alive: bool) -> None:
        super().__init__("timed out")
        self.worker_alive = worker_alive


def run_in_worker(work: Callable[[], Awaitable[T]], timeout: float) -> T:
    """Run ``work()`` in a fresh event loop on a worker thread and return its result.

    Raises :class:`RunTimedOut` after ``timeout`` seconds, or what ``work`` raised.
    """
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = asyncio.run(asyncio.wait_for(work(), timeout))
        except BaseException as exc:  # handed to the calling thread
            box["error"] = exc

    with job_output():
        worker = threading.Thread(target=target, name="asana-adaptor-run", daemon=True)
        worker.start()
        worker.join(timeout + min(timeout, TIMEOUT_GRACE_SECONDS))
    if worker.is_alive():
        raise RunTimedOut(worker_alive=True)
    error = box.get("error")
    if isinstance(error, TimeoutError):
        raise RunTimedOut(worker_alive=False)
    if error is not None:
        raise error
    return box["result"]
