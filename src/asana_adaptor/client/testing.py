"""Testing support: a virtual clock, so retries and rate limits run without real waiting.

    >>> vc = VirtualClock()
    >>> client = AsanaClient(configuration, transport=transport,           # doctest: +SKIP
    ...                      retry=RetryPolicy(sleep=vc.sleep, clock=vc.time, jitter=no_jitter),
    ...                      limiter=RateLimiter(60, sleep=vc.sleep, clock=vc.time))
    >>> vc.sleeps       # every wait asked for, in order              # doctest: +SKIP
    [30.0]
"""

from __future__ import annotations

import asyncio

__all__ = ["VirtualClock"]


class VirtualClock:
    """A clock that only moves when something sleeps on it; it records every sleep."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def time(self) -> float:
        """The current virtual time, in seconds."""
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Advance the clock by ``seconds`` (recorded in :attr:`sleeps`) and yield once."""
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)

    def advance(self, seconds: float) -> None:
        """Move the clock forward without recording a sleep."""
        self.now += seconds
