"""A client-side rate limiter that keeps a run under Asana's limits.

Asana limits each token to a per-minute quota (1,500 requests/min on paid plans, 150 on free)
evaluated over a sliding window, to 60 search requests/min, and to 50 GETs and 15 writes in
flight at once. The limiter is shared by every call of one client (or several clients, when
passed to each), so a healthy run almost never sees a 429. When one does come, the client calls
:meth:`RateLimiter.pause` with its ``Retry-After``: every call sharing the limiter then waits
it out instead of hammering Asana, which counts rejected requests against the quota too::

    limiter = RateLimiter(per_minute=150)
    async with limiter.slot("GET"):
        ...  # send the request

``clock`` and ``sleep`` are injectable (see :class:`~.testing.VirtualClock`).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from contextlib import asynccontextmanager
from typing import AsyncIterator, Awaitable, Callable

__all__ = ["RateLimiter"]

_READS = frozenset({"GET", "HEAD", "OPTIONS"})


class _Window:
    """At most ``limit`` starts within any ``window`` seconds."""

    def __init__(self, limit: float, window: float) -> None:
        self.limit = int(limit)
        self.window = window
        self.starts: deque[float] = deque()

    def forget(self, now: float) -> None:
        while self.starts and self.starts[0] <= now - self.window:
            self.starts.popleft()

    def wait_for(self, cost: int, now: float) -> float:
        """Seconds until ``cost`` more starts fit (0 when they fit now)."""
        self.forget(now)
        overflow = len(self.starts) + cost - self.limit
        if overflow <= 0:
            return 0.0
        return max(self.starts[overflow - 1] + self.window - now, 0.001)


class RateLimiter:
    """A sliding-window quota of ``per_minute`` request starts plus in-flight caps per pool.

    Search requests also draw on a separate quota of ``search_per_minute``.
    """

    def __init__(
        self,
        per_minute: float = 1500,
        *,
        max_reads: int = 50,
        max_writes: int = 15,
        search_per_minute: float = 60,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if min(per_minute, search_per_minute, window) <= 0 or min(max_reads, max_writes) < 1:
            raise ValueError("RateLimiter needs a positive quota, window and in-flight caps")
        self.per_minute = per_minute
        self.search_per_minute = search_per_minute
        self.max_reads = max_reads
        self.max_writes = max_writes
        self.window = window
        self.clock = clock
        self.sleep = sleep
        self._quota = _Window(per_minute, window)
        self._search = _Window(search_per_minute, window)
        self._reads = asyncio.Semaphore(max_reads)
        self._writes = asyncio.Semaphore(max_writes)
        self.in_flight = {"read": 0, "write": 0}
        self.waited = 0.0  # total seconds spent waiting for a quota or a pause
        self.resume_at = float("-inf")  # no request starts before this time (see pause)

    def used(self) -> float:
        """How many request units started within the last ``window`` seconds."""
        self._quota.forget(self.clock())
        return len(self._quota.starts)

    def pause(self, seconds: float) -> None:
        """Start no request for ``seconds`` from now (Asana answered 429 with Retry-After)."""
        self.resume_at = max(self.resume_at, self.clock() + max(0.0, seconds))

    async def _take_quota(self, cost: int, search: bool) -> None:
        windows = [self._quota, self._search] if search else [self._quota]
        costs = [max(1, min(cost, w.limit)) for w in windows]
        while True:
            now = self.clock()
            waits = [w.wait_for(c, now) for w, c in zip(windows, costs)]
            wait = max(self.resume_at - now, *waits)
            if wait <= 0:
                for w, c in zip(windows, costs):
                    w.starts.extend([now] * c)
                return
            self.waited += wait
            await self.sleep(wait)

    @asynccontextmanager
    async def slot(self, method: str, *, cost: int = 1, search: bool = False) -> AsyncIterator[None]:
        """Hold an in-flight slot for ``method`` and ``cost`` units of the quota meanwhile.

        ``cost`` counts against the per-minute quota (a batch of n actions costs n); the
        in-flight slot is one per request. ``search`` also draws on the search quota.
        """
        pool = "read" if method.upper() in _READS else "write"
        semaphore = self._reads if pool == "read" else self._writes
        async with semaphore:
            await self._take_quota(cost, search)
            self.in_flight[pool] += 1
            try:
                yield
            finally:
                self.in_flight[pool] -= 1
