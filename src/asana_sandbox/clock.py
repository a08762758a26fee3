"""Clocks: the sandbox reads time only through one of these, so tests can drive it.

>>> clock = ManualClock(start=1_700_000_000.0)
>>> clock.advance(61)   # a minute later, rate-limit windows have moved on
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone


class SystemClock:
    """Real time: ``time()`` is the wall clock (timestamps), ``monotonic()`` the interval clock."""

    def time(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class ManualClock:
    """A clock that moves only when told to; ``sleep`` advances it instead of waiting."""

    def __init__(self, start: float = 1_767_225_600.0) -> None:
        self._now = float(start)

    def time(self) -> float:
        return self._now

    def monotonic(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += float(seconds)

    async def sleep(self, seconds: float) -> None:
        self.advance(seconds)
        await asyncio.sleep(0)


def iso_timestamp(seconds: float) -> str:
    """``2024-05-24T19:50:18.053Z`` (UTC, milliseconds), Asana's timestamp format."""
    moment = datetime.fromtimestamp(seconds, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def iso_date(seconds: float) -> str:
    """``YYYY-MM-DD`` (UTC) for a timestamp."""
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%d")


def parse_timestamp(value: str) -> float:
    """Seconds since the epoch for an ISO-8601 date-time or ``YYYY-MM-DD`` (UTC when naive)."""
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()
