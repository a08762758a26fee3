"""Rate limits: per-token sliding-minute quota, search quota, GET/write concurrency caps.

Every limiter reads time from the injected clock; a refusal raises
:class:`~asana_sandbox.errors.TooManyRequests` (429 with an integer ``Retry-After``).
Rejected requests still count against the minute quota, as on Asana.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Any

from .errors import TooManyRequests
from .settings import SandboxSettings

WINDOW = 60.0


class SlidingWindow:
    """Timestamps of recent requests for one token."""

    __slots__ = ("times",)

    def __init__(self) -> None:
        self.times: deque[float] = deque()

    def hit(self, now: float, limit: int) -> int:
        """Record a request; return 0 if allowed, else the seconds to wait."""
        times = self.times
        while times and times[0] <= now - WINDOW:
            times.popleft()
        allowed = len(times) < limit
        times.append(now)
        if allowed:
            return 0
        # the request that lets the window drop under the limit again
        oldest_to_expire = times[len(times) - limit]
        return max(1, math.ceil(oldest_to_expire + WINDOW - now))


class RateLimiter:
    """All the limiters of one sandbox."""

    def __init__(self, settings: SandboxSettings, clock: Any) -> None:
        self.settings = settings
        self.clock = clock
        self.reset()

    def reset(self) -> None:
        self.minute: dict[str, SlidingWindow] = {}
        self.search: dict[str, SlidingWindow] = {}
        self.in_flight: dict[tuple[str, bool], int] = {}

    def check(self, token: str, quota: int, *, is_get: bool, is_search: bool) -> None:
        """Count a request against the quotas; raise 429 when one is exhausted."""
        now = self.clock.monotonic()
        window = self.minute.get(token)
        if window is None:
            window = self.minute[token] = SlidingWindow()
        wait = window.hit(now, quota)
        if wait:
            raise TooManyRequests(wait)
        if is_search:
            window = self.search.get(token)
            if window is None:
                window = self.search[token] = SlidingWindow()
            wait = window.hit(now, self.settings.search_per_minute)
            if wait:
                raise TooManyRequests(wait)

    def acquire(self, token: str, is_get: bool, retry_after: int = 1) -> None:
        """Take a concurrency slot (50 GETs / 15 writes per token) or raise 429."""
        key = (token, is_get)
        cap = self.settings.get_concurrency if is_get else self.settings.write_concurrency
        current = self.in_flight.get(key, 0)
        if current >= cap:
            raise TooManyRequests(retry_after)
        self.in_flight[key] = current + 1

    def release(self, token: str, is_get: bool) -> None:
        key = (token, is_get)
        self.in_flight[key] = max(0, self.in_flight.get(key, 1) - 1)
