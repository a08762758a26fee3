"""Webhooks: CRUD, the handshake, signed background deliveries, filters, retries, heartbeats."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import socket
import threading
import time
from typing import Any

import httpx
import pytest
import uvicorn

from asana_sandbox import Sandbox
from asana_sandbox.webhooks import WebhookSettings, install_webhooks

TARGET = "https://receiver.example.org/hooks/asana?app=1"
FAST = dict(heartbeat_interval=3600.0, retry_base=0.001, retry_max=0.01, delivery_timeout=0.5,
            handshake_timeout=0.5)


class Receiver:
    """An ASGI app standing in for a webhook target; it records what it is sent.

    ``statuses`` are answered to deliveries in turn (then 200); ``echo=False`` breaks the
    handshake; ``gate`` (an asyncio.Event) holds every delivery until it is set.
    """

    def __init__(self, statuses: list[int] | None = None, echo: bool = True,
                 handshake_status: int = 200, hang: float = 0.0) -> None:
        self.statuses = list(statuses or [])
        self.echo = echo
        self.handshake_status = handshake_status
        self.hang = hang
        self.gate: asyncio.Event | None = None
        self.handshakes: list[dict[str, str]] = []
        self.deliveries: list[tuple[dict[str, str], bytes]] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        extra: list[tuple[bytes, bytes]] = []
        if "x-hook-secret" in headers:
            self.handshakes.append(headers)
            status = self.handshake_status
            if self.echo:
                extra.append((b"x-hook-secret", headers["x-hook-secret"].encode()))
        else:
            self.deliveries.append((headers, b"".join(chunks)))
            if self.gate is not None:
                await self.gate.wait()
            if self.hang:
                await asyncio.sleep(self.hang)
            status = self.statuses.pop(0) if self.statuses else 200
        await send({"type": "http.response.start", "status": status, "headers": extra})
        await send({"type": "http.response.body", "body": b"ok"})

    def events(self) -> list[list[dict[str, Any]]]:
        """The events lists of every delivery, in order."""
        return [json.loads(body)["events"] for _, body in self.deliveries]

    def non_empty(self) -> list[dict[str, Any]]:
        return [event for events in self.events() for event in events]


def _hooks(sandbox: Any, receiver: Receiver, **settings: Any):
    return install_webhooks(sandbox.api, transport=httpx.ASGITransport(app=receiver),
                            settings=WebhookSettings(**{**FAST, **settings}))


def _create(api: Any, resource: str, target: str = TARGET, **data: Any) -> httpx.Response:
    return api.post("/webhooks", {"resource": resource, "target": target, **data})


def _until(api: Any, condition: Any, timeout: float = 5.0) -> None:
    """Let the sandbox's background work run until ``condition()`` holds (or fail)."""
    async def wait() -> None:
        async with asyncio.timeout(timeout):
            while not condition():
                await asyncio.sleep(0.002)
    api.run(wait())


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
def make_hooks(sandbox, api):
    """``make_hooks(receiver, **settings)``: deliveries to ``receiver``, stopped after the test."""
    made = []

    def build(receiver: Receiver, **settings: Any):
        delivery = _hooks(sandbox, receiver, **settings)
        made.append(delivery)
        return delivery

    yield build
    for delivery in made:
        api.run(delivery.aclose())


@pytest.fixture
def hooks(make_hooks, receiver):
    return make_hooks(receiver)


def test_create_handshakes_then_answers_201_with_the_secret(api, hooks, receiver, grievances):
    """The target gets X-Hook-Secret before the create answers; the body carries the secret."""
    response = _create(api, grievances)
    assert response.status_code == 201, response.text
    body = response.json()
    assert receiver.handshakes[0]["x-hook-secret"] == body["X-Hook-Secret"]
    hook = body["data"]
    assert hook["resource_type"] == "webhook" and hook["active"] is True
    assert hook["resource"] == {"gid": grievances, "resource_type": "project", "name": "Grievances"}
    assert hook["target"] == TARGET
    assert hook["delivery_retry_count"] == 0 and hook["last_failure_at"] is None


def test_a_handshake_without_the_echo_fails_the_create(api, sandbox, error_message, grievances,
                                                       make_hooks):
    """A target that does not echo X-Hook-Secret makes the create a 400, and nothing is kept."""
    make_hooks(Receiver(echo=False))
    message = error_message(_create(api, grievances), 400)
    assert "X-Hook-Secret" in message and "handshake" in message
    listed = api.get("/webhooks", params={"workspace": sandbox.workspace_gid}).json()["data"]
    assert listed == []


def test_a_handshake_answered_500_fails_the_create(api, sandbox, error_message, grievances,
                                                   make_hooks):
    """A target answering 500 to the handshake makes the create a 400 that names the status."""
    make_hooks(Receiver(handshake_status=500))
    assert "answered 500" in error_message(_create(api, grievances), 400)


def test_an_unreachable_target_fails_the_create(api, sandbox, error_message, grievances):
    """A target that cannot be reached makes the create a 400 with the reason."""
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused", request=request)

    install_webhooks(sandbox.api, transport=httpx.MockTransport(refuse),
                     settings=WebhookSettings(**FAST))
    assert "Connection refused" in error_message(_create(api, grievances), 400)


@pytest.mark.parametrize("missing", ["resource", "target"])
def test_resource_and_target_are_required(api, hooks, error_message, grievances, missing):
    """POST /webhooks without resource or target is '<field>: Missing input'."""
    data = {"resource": grievances, "target": TARGET}
    del data[missing]
    assert error_message(api.post("/webhooks", data), 400) == f"{missing}: Missing input"


def test_workspace_webhooks_need_filters(api, sandbox, hooks, error_message):
    """A webhook on a workspace without filters is refused; with a filter it is created."""
    workspace = sandbox.workspace_gid
    assert "filter" in error_message(_create(api, workspace), 400)
    created = _create(api, workspace, filters=[{"resource_type": "project", "action": "added"}])
    assert created.status_code == 201, created.text


def test_fields_filters_need_action_changed(api, hooks, error_message, grievances):
    """A filter with fields but no action 'changed' is a 400."""
    response = _create(api, grievances, filters=[{"resource_type": "task", "fields": ["name"]}])
    assert "changed" in error_message(response, 400)


def test_a_local_target_is_forbidden_when_the_blocklist_is_on(api, sandbox, receiver, grievances,
                                                              make_hooks):
    """With block_local_targets, a localhost target answers 403 as Asana does."""
    make_hooks(receiver, block_local_targets=True)
    response = _create(api, grievances, target="http://localhost:9999/hook")
    assert response.status_code == 403 and receiver.handshakes == []


def test_a_resource_has_a_limited_number_of_webhooks(api, receiver, grievances, error_message,
                                                      make_hooks):
    """Past the per-resource limit (1,000 on Asana) a create is refused before any handshake."""
    make_hooks(receiver, max_per_resource=2)
    assert _create(api, grievances).status_code == 201
    assert _create(api, grievances).status_code == 201
    assert "at most 2" in error_message(_create(api, grievances), 400)
    assert len(receiver.handshakes) == 2


def test_a_heartbeat_follows_the_handshake(api, hooks, receiver, grievances):
    """The first delivery after the handshake is an empty events list."""
    _create(api, grievances)
    api.run(hooks.drain())
    assert receiver.events()[0] == []


def test_changes_are_delivered_signed(api, hooks, receiver, grievances, new_task):
    """A change is delivered with a hex HMAC-SHA256 of the raw body keyed with the secret."""
    secret = _create(api, grievances).json()["X-Hook-Secret"]
    task = new_task("Signed")
    api.run(hooks.drain())
    headers, body = receiver.deliveries[-1]
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-hook-signature"], expected)
    events = json.loads(body)["events"]
    assert any(e["resource"]["gid"] == task["gid"] and e["action"] == "added" for e in events)


def test_change_values_are_bare_references(api, sandbox, hooks, receiver, new_task):
    """In a webhook event, change.new_value is only {gid, resource_type}."""
    task = new_task("To assign")
    _create(api, task["gid"])
    api.put(f"/tasks/{task['gid']}", {"assignee": "me"})
    api.run(hooks.drain())
    changes = [e["change"] for e in receiver.non_empty() if e.get("change")
               and e["change"]["field"] == "assignee"]
    assert changes[0]["new_value"] == {"gid": sandbox.user_gid, "resource_type": "user"}


def test_filters_decide_what_is_delivered(api, hooks, receiver, new_task):
    """With a filter on changed name, a notes change is not delivered and a name change is."""
    task = new_task("Filtered")
    _create(api, task["gid"], filters=[{"resource_type": "task", "action": "changed",
                                        "fields": ["name"]}])
    api.put(f"/tasks/{task['gid']}", {"notes": "not interesting"})
    api.put(f"/tasks/{task['gid']}", {"name": "Renamed"})
    api.run(hooks.drain())
    fields = [e["change"]["field"] for e in receiver.non_empty()]
    assert fields == ["name"]


def test_events_queued_during_a_failure_are_batched(api, sandbox, grievances, new_task, make_hooks):
    """While the target fails, events queue up; the next successful POST carries them all."""
    receiver = Receiver(statuses=[200, 500, 500])  # heartbeat ok, then two failures
    hooks = make_hooks(receiver)
    _create(api, grievances)
    api.run(hooks.drain())
    for number in range(3):
        new_task(f"Queued {number}")
    api.run(hooks.drain())
    last = receiver.events()[-1]
    added = [e for e in last if e["action"] == "added" and e["resource"]["resource_type"] == "task"]
    assert len({e["resource"]["gid"] for e in added}) == 3


def test_failures_are_recorded_and_cleared_on_success(api, sandbox, grievances, new_task,
                                                      make_hooks):
    """After a 500 the webhook shows the failure fields; a later success resets the count."""
    receiver = Receiver(statuses=[200, 500, 500, 500, 500])
    hooks = make_hooks(receiver, retry_base=0.05, retry_max=0.05)
    gid = _create(api, grievances).json()["data"]["gid"]
    api.run(hooks.drain())
    new_task("Will fail first")
    _until(api, lambda: hooks.records[gid]["delivery_retry_count"] >= 1)
    failing = api.get(f"/webhooks/{gid}").json()["data"]
    assert failing["delivery_retry_count"] >= 1
    assert failing["last_failure_content"].startswith("500")
    assert failing["last_failure_at"] and failing["next_attempt_after"]
    assert failing["failure_deletion_timestamp"]
    api.run(hooks.drain())
    healed = api.get(f"/webhooks/{gid}").json()["data"]
    assert healed["delivery_retry_count"] == 0 and healed["last_success_at"]
    assert healed["failure_deletion_timestamp"] is None


def test_a_slow_target_times_out_and_is_retried(api, sandbox, grievances, make_hooks):
    """A target slower than the delivery timeout counts as a failure."""
    receiver = Receiver(hang=0.5)
    hooks = make_hooks(receiver, delivery_timeout=0.05, retry_base=10.0, retry_max=10.0)
    gid = _create(api, grievances).json()["data"]["gid"]
    _until(api, lambda: hooks.records[gid]["delivery_retry_count"] >= 1)
    hook = api.get(f"/webhooks/{gid}").json()["data"]
    assert "Timed out" in hook["last_failure_content"]


def test_a_webhook_failing_past_the_window_is_deleted(api, sandbox, clock, grievances,
                                                      make_hooks):
    """A webhook whose deliveries fail for 24 hours is deleted: GET answers 404."""
    receiver = Receiver(statuses=[500] * 10_000)
    hooks = make_hooks(receiver, retry_base=0.001, retry_max=0.001)
    gid = _create(api, grievances).json()["data"]["gid"]
    _until(api, lambda: hooks.records[gid]["delivery_retry_count"] >= 2)
    assert api.get(f"/webhooks/{gid}").status_code == 200
    clock.advance(24 * 3600 + 1)
    _until(api, lambda: gid not in hooks.records)
    assert api.get(f"/webhooks/{gid}").status_code == 404


def test_heartbeats_repeat_at_the_interval(api, sandbox, grievances, make_hooks):
    """With a short heartbeat interval, empty deliveries keep coming."""
    receiver = Receiver()
    make_hooks(receiver, heartbeat_interval=0.01)
    _create(api, grievances)
    _until(api, lambda: sum(1 for events in receiver.events() if events == []) >= 3)
    assert all(events == [] for events in receiver.events())


def test_delivery_never_blocks_the_api(api, hooks, receiver, grievances, new_task):
    """While the target holds a delivery open, API calls still answer."""
    _create(api, grievances)
    api.run(hooks.drain())
    receiver.gate = asyncio.Event()
    task = new_task("Not blocked")
    assert api.get(f"/tasks/{task['gid']}").status_code == 200
    assert receiver.deliveries, "the delivery should be in flight"
    receiver.gate.set()
    api.run(hooks.drain())


def test_update_replaces_the_filters(api, hooks, grievances):
    """PUT /webhooks/{gid} with filters replaces the whole list."""
    gid = _create(api, grievances, filters=[{"resource_type": "task", "action": "added"}]
                  ).json()["data"]["gid"]
    updated = api.put(f"/webhooks/{gid}", {"filters": [{"resource_type": "story"}]})
    assert updated.status_code == 200, updated.text
    assert updated.json()["data"]["filters"] == [{"resource_type": "story"}]


def test_update_refuses_anything_but_filters(api, hooks, error_message, grievances):
    """Only filters can change on a webhook; another field is a 400 naming it."""
    gid = _create(api, grievances).json()["data"]["gid"]
    assert error_message(api.put(f"/webhooks/{gid}", {"target": TARGET}), 400).startswith("target:")


def test_list_requires_a_workspace(api, hooks, error_message):
    """GET /webhooks without workspace is 'workspace: Missing input'."""
    assert error_message(api.get("/webhooks"), 400) == "workspace: Missing input"


def test_list_filters_by_resource_and_paginates(api, sandbox, hooks, grievances):
    """GET /webhooks?workspace=&resource= lists compacts, paginated with limit."""
    other = sandbox.project_gid("Field Operations")
    for resource in (grievances, grievances, other):
        assert _create(api, resource).status_code == 201
    workspace = sandbox.workspace_gid
    mine = api.get("/webhooks", params={"workspace": workspace, "resource": grievances}).json()
    assert len(mine["data"]) == 2
    assert set(mine["data"][0]) == {"gid", "resource_type", "active", "resource", "target"}
    page = api.get("/webhooks", params={"workspace": workspace, "limit": 2}).json()
    assert len(page["data"]) == 2 and page["next_page"]["offset"]


def test_delete_removes_the_webhook_and_stops_deliveries(api, hooks, receiver, grievances,
                                                          new_task):
    """After DELETE, GET answers 404 and changes are no longer delivered."""
    gid = _create(api, grievances).json()["data"]["gid"]
    api.run(hooks.drain())
    assert api.delete(f"/webhooks/{gid}").json() == {"data": {}}
    assert api.get(f"/webhooks/{gid}").status_code == 404
    before = len(receiver.deliveries)
    new_task("Unseen")
    api.run(hooks.drain())
    assert len(receiver.deliveries) == before


class _LoopbackReceiver:
    """A real uvicorn server on 127.0.0.1 (free port) serving a Receiver in its own thread."""

    def __init__(self, app: Receiver) -> None:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.sock = sock
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]},
                                       daemon=True)

    def __enter__(self) -> "_LoopbackReceiver":
        self.thread.start()
        deadline = time.monotonic() + 5
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.should_exit = True
        self.thread.join(5)
        self.sock.close()


@pytest.mark.server
def test_delivery_to_a_real_loopback_server(api, sandbox, grievances, new_task):
    """Handshake and a signed delivery reach a real HTTP server over TCP."""
    receiver = Receiver()
    hooks = install_webhooks(sandbox.api, settings=WebhookSettings(**FAST))
    with _LoopbackReceiver(receiver) as server:
        target = f"http://127.0.0.1:{server.port}/hook"
        response = _create(api, grievances, target=target)
        assert response.status_code == 201, response.text
        secret = response.json()["X-Hook-Secret"]
        task = new_task("Over the wire")
        api.run(hooks.drain())
        api.run(hooks.aclose())
    assert receiver.handshakes[0]["x-hook-secret"] == secret
    headers, body = receiver.deliveries[-1]
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["x-hook-signature"] == expected
    assert any(e["resource"]["gid"] == task["gid"] for e in json.loads(body)["events"])


def test_opt_fields_select_webhook_fields(api, hooks, grievances):
    """GET /webhooks/{gid}?opt_fields=target,filters.action returns only those and the gid."""
    gid = _create(api, grievances, filters=[{"resource_type": "task", "action": "added"}]
                  ).json()["data"]["gid"]
    data = api.get(f"/webhooks/{gid}", params={"opt_fields": "target,filters.action"}).json()
    assert data["data"] == {"gid": gid, "target": TARGET, "filters": [{"action": "added"}]}


def test_another_users_webhooks_are_invisible(api, sandbox, hooks, grievances, make_api):
    """A webhook made with one user's token is a 404 and absent from lists for another user."""
    gid = _create(api, grievances).json()["data"]["gid"]
    sandbox.add_token("amina-token", "amina@example.org")
    other = make_api(sandbox, token="amina-token")
    assert other.get(f"/webhooks/{gid}").status_code == 404
    listed = other.get("/webhooks", params={"workspace": sandbox.workspace_gid}).json()["data"]
    assert listed == []


def test_webhooks_survive_a_restart_with_a_data_file(tmp_path, clock, make_api):
    """A webhook kept in the data file is served and delivered to after a restart."""
    path = tmp_path / "sandbox.json"
    receiver = Receiver()
    settings = WebhookSettings(**FAST)
    first = Sandbox(data_file=path, clock=clock)
    install_webhooks(first.api, transport=httpx.ASGITransport(app=receiver), settings=settings)
    api = make_api(first)
    project = first.project_gid("Grievances")
    gid = _create(api, project).json()["data"]["gid"]
    api.run(first.api.webhooks.aclose())
    second = Sandbox(data_file=path, clock=clock)
    hooks = install_webhooks(second.api, transport=httpx.ASGITransport(app=receiver),
                             settings=settings)
    again = make_api(second)
    assert again.get(f"/webhooks/{gid}").json()["data"]["target"] == TARGET
    task = again.post("/tasks", {"name": "After restart", "projects": [project]}).json()["data"]
    again.run(hooks.drain())
    assert any(e["resource"]["gid"] == task["gid"] for e in receiver.non_empty())
    again.run(hooks.aclose())
