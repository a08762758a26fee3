"""The Events API: ``GET /events?resource=<gid>&sync=<token>`` and the workspace stream.

Every change the backend records reaches :meth:`EventStreams.on_event` with the set of gids it
bubbles up to (the resource, its parent task, the task's projects, the workspace). A sync token
marks a position in that log for one resource: the first call (no token) and an unknown or
expired token answer 412 with a fresh token (a token expires after 24 hours, or as soon as an
event it has not seen has left the log, which keeps 24 hours and at most ``max_events``); a
valid token answers the events since it, at most 100 at a time, with ``has_more`` and the next
token. Repeating the current token is idempotent.
``GET /workspaces/{gid}/events`` works the same way on everything in a workspace, 1,000 at a time.

With a data file the log, the sequence and the live tokens are saved under ``event_streams``
(after every change and every events request) and restored on start, so a token issued by one
process is valid in the next, under the same expiry and retention rules.

>>> streams = EventStreams(clock=ManualClock())
>>> streams.on_event({"action": "changed"}, {"123"})
>>> token = streams.fresh_token("123")
>>> streams.read("123", token)["data"]
[]
"""

from __future__ import annotations

import secrets
from collections import deque
from dataclasses import dataclass
from typing import Any, Iterable

from .clock import ManualClock, SystemClock  # noqa: F401  (ManualClock: doctest)
from .errors import PreconditionFailed, missing, unknown_object
from .responses import Reply
from .routing import Call, Route
from .views import KINDS, Ref, render_nested

DAY = 24 * 60 * 60.0
PAGE_SIZE = 100
WORKSPACE_PAGE_SIZE = 1000
SYNC_MESSAGE = (
    "Sync token invalid or too old. If you are attempting to keep resources in sync, you must "
    "fetch the full dataset for this query now and use the new sync token for the next sync."
)


@dataclass(frozen=True)
class _Token:
    resource: str
    position: int  # sequence number of the last event the holder has seen
    issued_at: float


@dataclass(frozen=True)
class _Logged:
    sequence: int
    recorded_at: float
    event: dict[str, Any]
    targets: frozenset[str]


class EventStreams:
    """Sync tokens and the event log behind ``GET /events``.

    ``token_ttl`` is how long a sync token (and an event) stays valid, 24 hours by default;
    ``max_events`` caps the log; ``page_size`` caps the events per response (Asana: 100).
    """

    def __init__(self, clock: Any = None, token_ttl: float = DAY,
                 page_size: int = PAGE_SIZE, max_events: int = 10_000) -> None:
        self.clock = clock or SystemClock()
        self.token_ttl = token_ttl
        self.page_size = page_size
        self.max_events = max_events
        self._log: deque[_Logged] = deque()
        self._tokens: dict[str, _Token] = {}
        self._sequence = 0
        self._dropped: dict[str, int] = {}  # gid -> sequence of its last event dropped

    def reset(self) -> None:
        """Forget every event and every token."""
        self._log.clear()
        self._tokens.clear()
        self._dropped.clear()
        self._sequence = 0

    def to_json(self) -> dict[str, Any]:
        """The log, the sequence and the live tokens, for the data file (expired ones left out)."""
        now = self.clock.time()
        self._expire(now)
        tokens = {key: [t.resource, t.position, t.issued_at] for key, t in self._tokens.items()
                  if now - t.issued_at <= self.token_ttl}
        oldest = min((position for _, position, _ in tokens.values()), default=self._sequence)
        # a drop at or before every live token's position can no longer invalidate one
        dropped = {gid: seq for gid, seq in self._dropped.items() if seq > oldest}
        return {
            "version": 1,
            "sequence": self._sequence,
            "log": [[e.sequence, e.recorded_at, e.event, sorted(e.targets)] for e in self._log],
            "tokens": tokens,
            "dropped": dropped,
        }

    def from_json(self, document: Any) -> None:
        """Replace the log and the tokens with ``document`` (from :meth:`to_json`)."""
        try:
            sequence = int(document["sequence"])
            log = deque(_Logged(int(seq), float(at), dict(event), frozenset(map(str, targets)))
                        for seq, at, event, targets in document["log"])
            tokens = {str(key): _Token(str(resource), int(position), float(issued))
                      for key, (resource, position, issued) in document["tokens"].items()}
            dropped = {str(gid): int(seq) for gid, seq in document["dropped"].items()}
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ValueError(f"the data file's `event_streams` is malformed ({error!r}); remove "
                             "that key (sync tokens then start again) or delete the file") from None
        self._sequence, self._log, self._tokens, self._dropped = sequence, log, tokens, dropped
        self._expire(self.clock.time())

    def on_event(self, event: dict[str, Any], targets: Iterable[str]) -> None:
        """Backend listener: log one event under the gids it bubbles up to."""
        self._sequence += 1
        now = self.clock.time()
        self._log.append(_Logged(self._sequence, now, event, frozenset(targets)))
        self._expire(now)

    def _expire(self, now: float) -> None:
        log = self._log
        while log and (len(log) > self.max_events or now - log[0].recorded_at > self.token_ttl):
            dropped = log.popleft()
            for gid in dropped.targets:
                self._dropped[gid] = dropped.sequence
        if len(self._tokens) > 10_000:
            for key in [k for k, t in self._tokens.items() if now - t.issued_at > self.token_ttl]:
                del self._tokens[key]

    def fresh_token(self, resource: str, position: int | None = None) -> str:
        """A new sync token for ``resource``, positioned at ``position`` (default: now)."""
        token = secrets.token_hex(16)
        at = self._sequence if position is None else position
        self._tokens[token] = _Token(resource, at, self.clock.time())
        return token

    def issued_for(self, resource: str, sync: str | None) -> _Token | None:
        """The live token ``sync`` issued for ``resource``, if it is one."""
        return self._valid(resource, sync)

    def _valid(self, resource: str, sync: str | None) -> _Token | None:
        if not sync:
            return None
        token = self._tokens.get(sync)
        if token is None or token.resource != resource:
            return None
        if self.clock.time() - token.issued_at > self.token_ttl:
            return None
        if self._dropped.get(resource, 0) > token.position:
            return None  # an event it has not seen has left the log
        return token

    def read(self, resource: str, sync: str | None, page_size: int | None = None) -> dict[str, Any]:
        """``{"data": [events], "sync": next, "has_more": bool}``, or 412 with a fresh token."""
        limit = page_size or self.page_size
        token = self._valid(resource, sync)
        if token is None:
            raise PreconditionFailed(SYNC_MESSAGE, extra={"sync": self.fresh_token(resource)})
        page: list[dict[str, Any]] = []
        position = token.position
        has_more = False
        for logged in self._log:
            if logged.sequence <= token.position or resource not in logged.targets:
                continue
            if len(page) == limit:
                has_more = True
                break
            page.append(logged.event)
            position = logged.sequence
        if not has_more:
            position = max(position, self._sequence)
        return {"data": page, "sync": self.fresh_token(resource, position), "has_more": has_more}


# -- route -----------------------------------------------------------------------------------

EVENT_FIELDS = ("user", "created_at", "action", "resource", "parent", "change", "type")
REFERENCE_FIELDS = ("user", "resource", "parent")


def install_events(api: Any, **options: Any) -> EventStreams:
    """The api's event streams, created (with ``options``) and hooked to the backend once."""
    streams = getattr(api, "event_streams", None)
    if not isinstance(streams, EventStreams) or options:
        if isinstance(streams, EventStreams) and streams.on_event in api.backend.event_listeners:
            api.backend.event_listeners.remove(streams.on_event)
        options.setdefault("clock", getattr(api.backend, "clock", None))
        options.setdefault("token_ttl", api.settings.event_retention)
        options.setdefault("max_events", api.settings.max_events)
        streams = EventStreams(**options)
        api.event_streams = streams
    api.backend.attach_state("event_streams", streams)
    listeners = api.backend.event_listeners
    if streams.on_event not in listeners:
        listeners.append(streams.on_event)
    return streams


def _reference(backend: Any, value: Any, fields: dict[str, Any] | None) -> Any:
    """A compact (or the opt_fields projection) of a referenced record, current if it exists."""
    if not isinstance(value, dict) or "gid" not in value:
        return value
    kind = value.get("resource_type")
    if kind in KINDS and value["gid"] in backend.tables.get(kind, {}):
        return render_nested(backend, Ref(kind, value["gid"]), fields or None)
    if not fields:
        return dict(value)
    return {"gid": value["gid"], **{k: value[k] for k in fields if k in value and k != "gid"}}


def render_event(backend: Any, event: dict[str, Any],
                 fields: dict[str, Any] | None) -> dict[str, Any]:
    """An event on the wire: compacts for its references and change values, or opt_fields."""
    names = fields.keys() if fields else EVENT_FIELDS
    out: dict[str, Any] = {}
    for name in names:
        if name not in EVENT_FIELDS:
            continue
        sub = fields.get(name) if fields else None
        value = event.get(name)
        if name in REFERENCE_FIELDS:
            value = _reference(backend, value, sub)
        elif name == "change" and isinstance(value, dict):
            value = {
                key: (_reference(backend, item, (sub or {}).get(key)) if key.endswith("_value")
                      and isinstance(item, dict) else item)
                for key, item in value.items()
                if not sub or key in sub or key in ("field", "action")
            }
        out[name] = value
    return out


def _read(api: Any, streams: EventStreams, resource: str, sync: str | None,
          page_size: int | None) -> dict[str, Any]:
    """``streams.read``, then the issued token saved (when there is a data file), 412 or not."""
    try:
        body = streams.read(resource, sync, page_size)
    except PreconditionFailed:
        api.save_state()
        raise
    api.save_state()
    return body


def get_events(call: Call) -> Reply:
    """GET /events?resource=&sync=: events on a resource since the sync token (412 without one)."""
    resource = call.query.get("resource")
    if not resource:
        raise missing("resource")
    streams = install_events(call.api)
    sync = call.query.get("sync")
    exists = any(resource in table for table in call.backend.tables.values())
    if not exists and streams.issued_for(resource, sync) is None:
        raise unknown_object(resource, "resource")  # a stream outlives its deleted resource
    body = _read(call.api, streams, resource, sync, None)
    fields = call.request.fields
    body["data"] = [render_event(call.backend, event, fields) for event in body["data"]]
    return Reply(200, body)


def get_workspace_events(call: Call) -> Reply:
    """GET /workspaces/{workspace_gid}/events?sync=: the workspace's stream, 1,000 per token."""
    workspace = call.params["workspace_gid"]
    call.backend.get_workspace(workspace)
    streams = install_events(call.api)
    body = _read(call.api, streams, workspace, call.query.get("sync"), WORKSPACE_PAGE_SIZE)
    fields = call.request.fields
    body["data"] = [render_event(call.backend, event, fields) for event in body["data"]]
    return Reply(200, body)


routes = [
    Route("GET", "/events", get_events, kind="event"),
    Route("GET", "/workspaces/{workspace_gid}/events", get_workspace_events, kind="event"),
]


def install(api: Any) -> None:
    """Hook the event streams to a freshly built api (called by the app)."""
    install_events(api)
