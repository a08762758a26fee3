"""Retries, in one place: which failures are retried, how long to wait, when to stop.

The rules:

* a 429 means Asana did not process the request: every method waits ``Retry-After`` seconds
  and tries again;
* a connection that could not be opened (nothing was sent) is retried for every method;
* a 5xx, a read timeout or a dropped connection is retried with exponential backoff and jitter
  for GET, HEAD, PUT and DELETE (repeating them is harmless); for a POST it raises
  :class:`~.errors.AmbiguousWriteError`, unless the caller passed ``retry_writes=True``;
* every retry is logged at WARNING with its reason and wait; all retries of one call are bounded
  by ``attempts`` and by ``timeout`` seconds in total.

Testing support is part of the API: inject ``sleep`` and ``clock`` (see
:class:`~.testing.VirtualClock`) and pin ``jitter``, and nothing waits for real::

    >>> from asana_adaptor.client.testing import VirtualClock
    >>> vc = VirtualClock()
    >>> policy = RetryPolicy(sleep=vc.sleep, clock=vc.time, jitter=no_jitter)
    >>> [policy.backoff(n) for n in (1, 2, 3)]
    [0.5, 1.0, 2.0]
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass, field
from typing import Awaitable, Callable

from .errors import AmbiguousWriteError, AsanaError, RateLimitedError, ServerError, TransportError

__all__ = ["IDEMPOTENT_METHODS", "RetryPolicy", "equal_jitter", "no_jitter", "retry_call"]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


def equal_jitter(ceiling: float) -> float:
    """A random wait between half the backoff ``ceiling`` and the whole of it."""
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def no_jitter(ceiling: float) -> float:
    """The backoff ``ceiling`` itself (for tests and reproducible runs)."""
    return ceiling


@dataclass
class RetryPolicy:
    """How a call is retried: at most ``attempts`` tries within ``timeout`` seconds in total."""

    attempts: int = 8
    timeout: float = 300.0
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    jitter: Callable[[float], float] = equal_jitter
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep)
    clock: Callable[[], float] = field(default=time.monotonic)

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("RetryPolicy.attempts must be at least 1 (1 means no retries)")
        if self.timeout <= 0:
            raise ValueError("RetryPolicy.timeout must be a positive number of seconds")

    def backoff(self, retry: int) -> float:
        """The wait before retry number ``retry`` (1-based) of a 5xx or transport failure."""
        ceiling = min(self.backoff_max, self.backoff_base * 2 ** (retry - 1))
        return max(0.0, self.jitter(ceiling))


def _reason(error: AsanaError) -> str:
    if error.status is not None:
        return f"{error.status} {error.words}"
    return error.words


async def retry_call(
    attempt: Callable[[], Awaitable[object]],
    *,
    method: str,
    where: str,
    what: tuple[str, str] = ("the write", "applied"),
    policy: RetryPolicy,
    logger: logging.Logger,
    retry_writes: bool = False,
) -> object:
    """Run ``attempt()`` until it returns, retrying the failures the rules allow.

    ``attempt`` returns a result or raises an :class:`~.errors.AsanaError`
    (:class:`~.errors.TransportError` with ``sent=False`` when nothing reached the server).
    ``where`` ("GET /tasks/1") names the call in log lines; ``what`` (``("the task", "created")``)
    says what a POST does, for :class:`~.errors.AmbiguousWriteError`.
    """
    started = policy.clock()
    repeatable = method.upper() in IDEMPOTENT_METHODS or retry_writes
    tries = backoffs = 0
    while True:
        tries += 1
        try:
            return await attempt()
        except RateLimitedError as error:
            if error.retry_after is None:
                backoffs += 1
            wait = error.retry_after if error.retry_after is not None else policy.backoff(backoffs)
            failure: AsanaError = error
        except (ServerError, TransportError) as error:
            unsent = isinstance(error, TransportError) and not error.sent
            if not (repeatable or unsent):
                raise AmbiguousWriteError(error, what=what[0], verb=what[1]) from error
            backoffs += 1
            wait = policy.backoff(backoffs)
            failure = error
        if tries >= policy.attempts:
            raise failure
        elapsed = policy.clock() - started
        if elapsed + wait > policy.timeout:
            raise failure
        logger.warning("retrying %s in %.1f s (attempt %d of %d): %s",
                       where, wait, tries + 1, policy.attempts, _reason(failure))
        await policy.sleep(wait)
