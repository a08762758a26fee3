"""Webhook delivery: the handshake, background batches of events, heartbeats and retries.

A :class:`WebhookDelivery` listens to the backend's events. Each event that bubbles up to a
webhook's resource and passes one of its filters is queued for that webhook and delivered in
the background as ``{"events": [...]}`` with ``X-Hook-Signature`` (:func:`sign`). A non-2xx
answer, an error or a timeout is retried with exponential backoff and recorded in the webhook's
failure fields; a webhook that has failed for ``failure_window`` seconds is deleted.

>>> sign("secret", b"{}")[:16]
'77325902caca812d'
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any, Iterable

import httpx

from .clock import SystemClock, iso_timestamp
from .errors import BadRequest

DAY = 24 * 60 * 60.0
HIGH_LEVEL = ("workspace", "team", "portfolio")  # webhooks on these must have filters
NEVER_ON_HIGH_LEVEL = ("task", "story")  # ...and never see these events


@dataclass
class WebhookSettings:
    """Delivery timing. Asana's values by default; tests shrink the intervals."""

    heartbeat_interval: float = 8 * 60 * 60.0
    retry_base: float = 60.0
    retry_max: float = 60 * 60.0
    delivery_timeout: float = 10.0
    handshake_timeout: float = 10.0
    failure_window: float = DAY
    max_events_per_delivery: int = 100
    max_per_resource: int = 1000
    block_local_targets: bool = False


def sign(secret: str, body: bytes) -> str:
    """``X-Hook-Signature``: the hex HMAC-SHA256 of ``body`` keyed with ``secret``."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def passes(filters: list[dict[str, Any]], event: dict[str, Any]) -> bool:
    """Whether an event passes any of the filters (no filters: everything passes)."""
    if not filters:
        return True
    resource = event.get("resource") or {}
    change = event.get("change") or {}
    for rule in filters:
        if rule.get("resource_type") and rule["resource_type"] != resource.get("resource_type"):
            continue
        subtype = rule.get("resource_subtype")
        if subtype and subtype != resource.get("resource_subtype"):
            continue
        if rule.get("action") and rule["action"] != event.get("action"):
            continue
        if rule.get("fields") and change.get("field") not in rule["fields"]:
            continue
        return True
    return False


def _bare(value: Any) -> Any:
    if isinstance(value, dict) and "gid" in value:
        return {"gid": value["gid"], "resource_type": value.get("resource_type")}
    if isinstance(value, list):
        return [_bare(item) for item in value]
    return value


def webhook_event(event: dict[str, Any]) -> dict[str, Any]:
    """The event as a webhook carries it: change values reduced to ``{gid, resource_type}``."""
    out = {key: value for key, value in event.items() if not key.startswith("_")}
    change = event.get("change")
    if isinstance(change, dict):
        out["change"] = {
            key: (_bare(value) if key.endswith("_value") else value)
            for key, value in change.items()
        }
    return out


@dataclass
class _Queue:
    """Events waiting for one webhook, and the task delivering them."""

    events: list[dict[str, Any]] = field(default_factory=list)
    wake: asyncio.Event | None = None
    task: asyncio.Task[None] | None = None
    heartbeat_due: bool = True
    busy: bool = False


class WebhookDelivery:
    """Handshakes and background deliveries for the webhooks in ``backend.webhooks``."""

    def __init__(self, backend: Any, *, clock: Any = None,
                 transport: httpx.AsyncBaseTransport | None = None,
                 settings: WebhookSettings | None = None) -> None:
        self.backend = backend
        self.clock = clock or getattr(backend, "clock", None) or SystemClock()
        self.transport = transport
        self.settings = settings or WebhookSettings()
        self._queues: dict[str, _Queue] = {}

    @property
    def records(self) -> dict[str, dict[str, Any]]:
        """The webhook records (the backend's ``webhook`` table)."""
        return self.backend.tables["webhook"]

    def stop(self) -> None:
        """Stop every delivery (queued events are dropped)."""
        for queue in self._queues.values():
            if queue.task is not None and not queue.task.done():
                queue.task.cancel()
        self._queues.clear()

    async def aclose(self) -> None:
        """Stop every delivery and wait until the delivery tasks have ended."""
        tasks = [q.task for q in self._queues.values() if q.task is not None and not q.task.done()]
        self.stop()
        for task in tasks:
            try:
                await task
            except asyncio.CancelledError:
                pass

    def delete(self, gid: str) -> None:
        """Remove a webhook and stop its deliveries."""
        self.records.pop(gid, None)
        queue = self._queues.pop(gid, None)
        if queue is not None and queue.task is not None and not queue.task.done():
            if queue.task is not asyncio.current_task():
                queue.task.cancel()

    # -- http ---------------------------------------------------------------------------------
    async def _post(self, url: str, body: bytes, headers: dict[str, str],
                    timeout: float) -> httpx.Response:
        client = httpx.AsyncClient(transport=self.transport)
        try:
            request = client.build_request("POST", url, content=body, headers=headers)
            async with asyncio.timeout(timeout):
                response = await client.send(request)
                await response.aread()
            return response
        finally:
            if self.transport is None:  # an injected transport belongs to its owner
                await client.aclose()

    async def handshake(self, target: str, secret: str) -> None:
        """POST the handshake; 400 unless the target answers 200/204 echoing the secret."""
        advice = "It must accept a POST and answer 200 or 204 echoing the X-Hook-Secret header."
        try:
            response = await self._post(
                target, b"", {"X-Hook-Secret": secret}, self.settings.handshake_timeout
            )
        except TimeoutError:
            raise BadRequest(f"target: The webhook handshake with {target} timed out after "
                             f"{self.settings.handshake_timeout:g} s. {advice}") from None
        except (httpx.HTTPError, OSError) as exc:
            raise BadRequest(f"target: The webhook handshake with {target} failed "
                             f"({type(exc).__name__}: {exc}). {advice}") from None
        if response.status_code not in (200, 204):
            raise BadRequest(f"target: The webhook handshake with {target} failed: it answered "
                             f"{response.status_code}. {advice}")
        if response.headers.get("X-Hook-Secret") != secret:
            raise BadRequest(f"target: The webhook handshake with {target} failed: the answer "
                             f"did not echo the X-Hook-Secret header. {advice}")

    # -- events -------------------------------------------------------------------------------
    def on_event(self, event: dict[str, Any], targets: Iterable[str]) -> None:
        """Backend listener: queue the event for every webhook that should see it."""
        for gid in [g for g in self._queues if g not in self.records]:
            self.delete(gid)  # gone with a reset or a reload: stop its deliveries
        if not self.records:
            return
        targets = set(targets)
        resource_type = (event.get("resource") or {}).get("resource_type")
        for gid, hook in list(self.records.items()):
            if gid not in self._queues:  # loaded from a data file: resume its heartbeats
                self._kick(gid, self._queues.setdefault(gid, _Queue(heartbeat_due=False)))
            if not hook["active"] or hook["resource"] not in targets:
                continue
            if hook["_resource_kind"] in HIGH_LEVEL and resource_type in NEVER_ON_HIGH_LEVEL:
                continue
            if not passes(hook["filters"], event):
                continue
            queue = self._queues[gid]
            queue.events.append(webhook_event(event))
            self._kick(gid, queue)

    def start(self, gid: str) -> None:
        """Begin deliveries (a heartbeat first) for a webhook that has passed its handshake."""
        queue = self._queues.setdefault(gid, _Queue())
        queue.heartbeat_due = True
        self._kick(gid, queue)

    def _kick(self, gid: str, queue: _Queue) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no event loop yet: the events wait for the next change or heartbeat
        if queue.task is None or queue.task.done() or queue.task.get_loop() is not loop:
            queue.wake = asyncio.Event()
            queue.task = loop.create_task(self._run(gid, queue))
        assert queue.wake is not None
        queue.wake.set()

    def _backoff(self, retries: int) -> float:
        return min(self.settings.retry_base * 2 ** max(retries - 1, 0), self.settings.retry_max)

    async def _run(self, gid: str, queue: _Queue) -> None:
        settings = self.settings
        while gid in self.records:
            if not queue.events and not queue.heartbeat_due:
                assert queue.wake is not None
                queue.wake.clear()
                try:
                    async with asyncio.timeout(settings.heartbeat_interval):
                        await queue.wake.wait()
                except TimeoutError:
                    queue.heartbeat_due = True
                continue
            batch = [] if queue.heartbeat_due else queue.events[: settings.max_events_per_delivery]
            queue.busy = True
            try:
                delivered = await self._deliver(gid, batch)
            finally:
                queue.busy = False
            if delivered:
                if not batch:
                    queue.heartbeat_due = False
                del queue.events[: len(batch)]
            elif gid in self.records:
                queue.busy = True  # waiting to retry still counts as work in hand
                try:
                    await asyncio.sleep(self._backoff(self.records[gid]["delivery_retry_count"]))
                finally:
                    queue.busy = False

    async def _deliver(self, gid: str, events: list[dict[str, Any]]) -> bool:
        hook = self.records.get(gid)
        if hook is None:
            return False
        body = json.dumps({"events": events}, separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json",
                   "X-Hook-Signature": sign(hook["_secret"], body)}
        failure: str | None = None
        try:
            response = await self._post(hook["target"], body, headers,
                                        self.settings.delivery_timeout)
            if not 200 <= response.status_code < 300:
                failure = (f"{response.status_code} {response.reason_phrase}\n\n"
                           f"{response.text[:500]}")
        except TimeoutError:
            failure = f"Timed out after {self.settings.delivery_timeout:g} seconds"
        except (httpx.HTTPError, OSError) as exc:
            failure = f"{type(exc).__name__}: {exc}"[:500]
        hook = self.records.get(gid)
        if hook is None:  # deleted while the delivery was in flight
            return False
        now = self.clock.time()
        if failure is None:
            hook.update(last_success_at=iso_timestamp(now), delivery_retry_count=0,
                        next_attempt_after=None, failure_deletion_timestamp=None,
                        _failure_deadline=None)
            return True
        deadline = hook.get("_failure_deadline")
        if deadline is None:
            deadline = now + self.settings.failure_window
            hook.update(_failure_deadline=deadline,
                        failure_deletion_timestamp=iso_timestamp(deadline))
        elif now >= deadline:
            self.delete(gid)
            return False
        hook["delivery_retry_count"] += 1
        retry_at = now + self._backoff(hook["delivery_retry_count"])
        hook.update(last_failure_at=iso_timestamp(now), last_failure_content=failure,
                    next_attempt_after=iso_timestamp(retry_at))
        return False

    async def drain(self, timeout: float = 5.0) -> None:
        """Wait until every queued event and heartbeat has been delivered or given up on."""
        async def settled() -> None:
            while any(
                gid in self.records and (queue.events or queue.heartbeat_due or queue.busy)
                for gid, queue in list(self._queues.items())
            ):
                await asyncio.sleep(0.001)
        async with asyncio.timeout(timeout):
            await settled()
