"""``cursor``: where a job resumes from, as words (``"2 days ago"``), ISO dates or any value."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from .context import RunContext
from .operation import Operation, State
from .references import resolve

__all__ = ["cursor"]

job_logger = logging.getLogger("asana_adaptor.job")


_RELATIVE = re.compile(r"^\s*(\d+)\s+(hour|day)s?\s+ago\s*$", re.I)
_ISO_DATE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}")


def _moment(value: str, now: datetime, start: datetime) -> datetime | None:
    """The moment a cursor word or ISO date names, or ``None`` for any other string."""
    word = value.strip().lower()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if word == "now":
        return now
    if word == "start":
        return start
    if word == "today":
        return midnight
    if word == "yesterday":
        return midnight - timedelta(days=1)
    match = _RELATIVE.match(value)
    if match:
        amount, unit = int(match.group(1)), match.group(2).lower()
        return now - (timedelta(hours=amount) if unit == "hour" else timedelta(days=amount))
    if _ISO_DATE.match(value):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
        return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment
    return None


def _iso(moment: datetime) -> str:
    text = moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def cursor(
    value: Any,
    default_value: Any = None,
    key: str = "cursor",
    format: Callable[[datetime], Any] | str | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Operation:
    """Set ``state[key]`` (default ``"cursor"``) to a position to resume from.

    ``value`` (or ``default_value`` when ``value`` resolves to ``None``) may be one of
    ``now``, ``today``, ``yesterday``, ``start`` (when the run's first cursor was set),
    ``"N hours ago"``, ``"N days ago"`` (in UTC, from the run's clock or ``clock``), an ISO
    date (normalised to UTC), or any other value such as a page number (kept as is). Dates
    become ISO strings (``2024-05-01T00:00:00.000Z``) unless ``format`` (a function, also
    applied to other values, or a ``strftime`` pattern for dates) says otherwise.

    Example::

        cursor(S.last_run, default_value="7 days ago")
        cursor("today", key="since", format="%Y-%m-%d")
    """

    def body(state: State, ctx: RunContext) -> State:
        chosen = resolve(value, state)
        if chosen is None:
            chosen = resolve(default_value, state)
        now = clock() if clock is not None else ctx.now()
        now = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
        start = ctx.cache.setdefault("cursor:start", now)
        moment = _moment(chosen, now, start) if isinstance(chosen, str) else None
        if moment is not None:
            if isinstance(format, str):
                chosen = moment.strftime(format)
            else:
                chosen = format(moment) if callable(format) else _iso(moment)
        elif callable(format):
            chosen = format(chosen)
        name = resolve(key, state)
        job_logger.info("Setting cursor %r to %s", name, chosen)
        return {**state, name: chosen}

    return Operation("cursor", body)
