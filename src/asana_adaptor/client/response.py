"""What a successful call returns: the parsed envelope plus what state needs to record."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["AsanaResponse", "BatchResult", "SECRET_HEADERS"]

# Response headers never kept (the Authorization header is a request header, but a proxy or
# an emulator could echo it).
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie",
                            "x-hook-secret"})


@dataclass
class AsanaResponse:
    """A successful Asana response.

    ``body`` is the parsed JSON; ``data`` is ``body["data"]`` and ``next_page`` is
    ``body["next_page"]`` (``None`` on the last page or when not paginated). ``headers`` never
    hold credentials; ``path`` is relative to the base URL.

    >>> r = AsanaResponse(200, {}, {"data": {"gid": "1"}}, {"gid": "1"}, None, "GET", "/tasks/1", 12.0)
    >>> r.to_state()
    {'status': 200, 'headers': {}, 'next_page': None}
    """

    status: int
    headers: dict[str, str]
    body: Any
    data: Any
    next_page: dict | None
    method: str
    path: str
    elapsed_ms: float
    attempts: int = 1

    def to_state(self) -> dict[str, Any]:
        """The ``response`` entry operations put in state: status, headers, next_page."""
        return {"status": self.status, "headers": dict(self.headers), "next_page": self.next_page}


@dataclass
class BatchResult:
    """The outcome of one Batch API action: its own status, headers and body.

    ``error`` is the mapped :class:`~.errors.AsanaError` when the action failed (its own
    status was >= 400, or the batch request carrying it failed), else ``None``.
    """

    status_code: int
    headers: dict[str, str]
    body: Any
    data: Any
    error: Any = None
    action: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the action succeeded."""
        return self.error is None
