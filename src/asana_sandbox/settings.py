"""Tunable behaviour of one sandbox instance."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SandboxSettings:
    """Knobs that are not faults: sizes, lags and limits.

    ``quota`` overrides the per-token requests-per-minute quota (otherwise 1,500, or 150 when
    the token's owner belongs to no premium workspace). ``rate_limits=False`` turns every
    limiter off.
    """

    max_unpaginated: int = 1000
    search_index_lag: float = 0.0
    search_max_results: int = 100
    rate_limits: bool = True
    quota: int | None = None
    paid_quota: int = 1500
    free_quota: int = 150
    search_per_minute: int = 60
    get_concurrency: int = 50
    write_concurrency: int = 15
    max_projects_per_task: int = 20
    max_dependencies: int = 30
    max_text_length: int = 1024
    # how long, and how many, events are kept (in ``backend.events`` and for ``GET /events``)
    event_retention: float = 24 * 60 * 60.0
    max_events: int = 10_000
