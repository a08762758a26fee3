"""The receiver app: handshake, signatures, storing before acknowledging, duplicates, failures."""

from __future__ import annotations

import io
import sqlite3
from dataclasses import replace
from typing import Sequence

import pytest

from asana_adaptor.runtime.logs import configure_logging
from asana_adaptor.runtime.redact import Redactor
from asana_adaptor.webhooks import (
    DeliveryReceipt,
    IncomingEvent,
    InboxStore,
    SqliteInbox,
    StoreError,
    sign,
)
from receiverkit import HOOK_PATH, SECRET, body_of, task_event


def test_a_handshake_is_echoed_and_its_secret_stored(receiver):
    """X-Hook-Secret comes back in a 200 and lands in the inbox file for that path."""
    response = receiver.handshake()
    assert response.status_code == 200
    assert response.headers["X-Hook-Secret"] == SECRET
    assert receiver.query("SELECT path, secret FROM hooks") == [(HOOK_PATH, SECRET)]


def test_paths_not_in_the_configuration_are_404(receiver):
    """A handshake on an unknown path is refused and stores nothing."""
    assert receiver.handshake(path="/somewhere/else").status_code == 404
    assert receiver.query("SELECT COUNT(*) FROM hooks") == [(0,)]


def test_a_second_handshake_is_refused_by_default(receiver):
    """With `handshake: first` a new secret cannot replace the stored one (403)."""
    receiver.handshake()
    response = receiver.handshake("another-secret-value")
    assert response.status_code == 403 and "X-Hook-Secret" not in response.headers
    assert receiver.query("SELECT secret FROM hooks") == [(SECRET,)]


def test_a_second_handshake_replaces_the_secret_when_configured(make_receiver, hook):
    """With `handshake: replace` the newest secret wins and the old one stops verifying."""
    receiver = make_receiver(replace(hook, handshake="replace"))
    receiver.handshake()
    assert receiver.handshake("another-secret-value").status_code == 200
    assert receiver.deliver([task_event()]).status_code == 401
    assert receiver.deliver([task_event()], secret="another-secret-value").status_code == 200


def test_a_signed_delivery_is_on_disk_when_acknowledged(receiver):
    """After the 200, another connection to the SQLite file sees the delivery and its event."""
    receiver.handshake()
    event = task_event()
    response = receiver.deliver([event])
    assert response.status_code == 200 and response.json()["stored"] == 1
    assert receiver.query("SELECT body FROM deliveries") == [(body_of([event]),)]
    assert receiver.query("SELECT status FROM events") == [("pending",)]


def test_a_bad_signature_is_401_and_nothing_is_stored(receiver):
    """A signature made with another secret is refused before anything is stored."""
    receiver.handshake()
    assert receiver.deliver([task_event()], secret="not-the-secret").status_code == 401
    assert receiver.query("SELECT COUNT(*) FROM deliveries") == [(0,)]


def test_a_missing_signature_is_401(receiver):
    """A delivery without X-Hook-Signature is refused and nothing is stored."""
    receiver.handshake()
    response = receiver.post(content=body_of([task_event()]))
    assert response.status_code == 401 and "X-Hook-Signature" in response.json()["error"]
    assert receiver.query("SELECT COUNT(*) FROM events") == [(0,)]


def test_a_delivery_before_any_handshake_is_401(receiver):
    """Without a stored secret nothing can verify, so nothing is accepted."""
    response = receiver.deliver([task_event()])
    assert response.status_code == 401 and "create the webhook first" in response.json()["error"]


def test_a_signed_body_that_is_not_json_is_400(receiver):
    """The signature is checked first; a signed body that does not parse is 400, not stored."""
    receiver.handshake()
    body = b'{"events": [oops'
    response = receiver.post(content=body, headers={"X-Hook-Signature": sign(SECRET, body)})
    assert response.status_code == 400 and "not JSON" in response.json()["error"]
    assert receiver.query("SELECT COUNT(*) FROM deliveries") == [(0,)]


def test_a_signed_body_without_an_events_list_is_400(receiver):
    """JSON that is not {"events": [...]} is refused with what was expected."""
    receiver.handshake()
    body = b'{"data": []}'
    response = receiver.post(content=body, headers={"X-Hook-Signature": sign(SECRET, body)})
    assert response.status_code == 400 and '{"events"' in response.json()["error"]


def test_a_heartbeat_is_acknowledged_and_recorded(receiver):
    """An empty events list answers 200 and counts as a heartbeat, with no event stored."""
    receiver.handshake()
    response = receiver.deliver([])
    assert response.status_code == 200 and response.json()["heartbeat"] is True
    assert receiver.query("SELECT heartbeat FROM deliveries") == [(1,)]
    assert receiver.query("SELECT heartbeats FROM hooks") == [(1,)]
    assert receiver.query("SELECT COUNT(*) FROM events") == [(0,)]


def test_a_duplicate_delivery_stores_its_events_once(receiver):
    """Delivering the same events again is acknowledged but adds no event."""
    receiver.handshake()
    events = [task_event("1"), task_event("2")]
    assert receiver.deliver(events).json()["stored"] == 2
    again = receiver.deliver([events[1], task_event("3")])
    assert again.json() == {"stored": 1, "duplicates": 1, "heartbeat": False}
    assert receiver.query("SELECT COUNT(*) FROM events") == [(3,)]


def test_events_the_filter_leaves_out_are_stored_as_skipped(make_receiver, hook):
    """An event that passes no filter of the hook is kept, marked skipped."""
    receiver = make_receiver(replace(hook, filters=({"resource_type": "task",
                                                      "action": "added"},)))
    receiver.handshake()
    receiver.deliver([task_event("1", action="added"), task_event("2", action="changed")])
    assert receiver.query("SELECT status FROM events ORDER BY id") == [("pending",),
                                                                        ("skipped",)]


class FullDiskInbox(SqliteInbox):
    """An inbox whose writes of deliveries fail, as when the disk is full."""

    def record_delivery(self, path: str, body: bytes,
                        events: Sequence[IncomingEvent]) -> DeliveryReceipt:
        raise StoreError("database or disk is full")


def test_a_store_failure_is_500_so_asana_delivers_again(make_receiver, hook, tmp_path):
    """When the inbox cannot store the delivery the answer is 500, never an acknowledgement."""
    store: InboxStore = FullDiskInbox(tmp_path / "inbox.sqlite")
    receiver = make_receiver(hook, store=store)
    receiver.handshake()
    response = receiver.deliver([task_event()])
    assert response.status_code == 500 and "deliver again" in response.json()["error"]
    assert receiver.query("SELECT COUNT(*) FROM events") == [(0,)]


def test_a_locked_database_is_500(make_receiver, hook, tmp_path):
    """Another process holding the write lock past the busy timeout makes the delivery 500."""
    store = SqliteInbox(tmp_path / "inbox.sqlite", busy_timeout=0.05)
    receiver = make_receiver(hook, store=store)
    receiver.handshake()
    other = sqlite3.connect(tmp_path / "inbox.sqlite", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        assert receiver.deliver([task_event()]).status_code == 500
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert receiver.deliver([task_event()]).status_code == 200


def test_the_secret_never_appears_in_logs_or_answers(make_receiver, hook):
    """Logs at debug level and delivery answers never show the secret."""
    stream = io.StringIO()
    redactor = Redactor()
    logs = configure_logging("debug", json_lines=False, redactor=redactor, stream=stream)
    try:
        receiver = make_receiver(hook, redactor=redactor)
        receiver.handshake()
        answers = [receiver.deliver([task_event()]), receiver.deliver([], secret="wrong"),
                   receiver.handshake("second-secret-value")]
    finally:
        logs.close()
    assert "Handshake on /asana/grievances" in stream.getvalue()
    for text in [stream.getvalue(), *(a.text for a in answers)]:
        assert SECRET not in text and "second-secret-value" not in text


def test_health_answers_ok(receiver):
    """GET /healthz is a liveness probe."""
    assert receiver.run(receiver.client.get("/healthz")).json() == {"status": "ok"}




def test_an_oversized_body_is_413_and_not_stored(make_receiver, hook):
    """A body above the size limit is refused before it is verified or stored."""
    receiver = make_receiver(hook, max_body=1000)
    receiver.handshake()
    response = receiver.deliver([task_event(str(n)) for n in range(20)])
    assert response.status_code == 413
    assert receiver.query("SELECT COUNT(*) FROM deliveries") == [(0,)]


def test_a_delivery_after_the_inbox_file_was_deleted_is_500(receiver):
    """Deleting the inbox file under a running receiver makes deliveries 500, not lost 200s."""
    receiver.handshake()
    for name in (receiver.db, receiver.db.with_name(receiver.db.name + "-wal")):
        name.unlink()
    response = receiver.deliver([task_event()])
    assert response.status_code == 500 and "deliver again" in response.json()["error"]


@pytest.mark.parametrize("body, reason", [(b"x" * 2000, "larger than 1000 bytes"),
                                          (b"not json", "not JSON"),
                                          (b'{"events": 1}', 'not {"events"')])
def test_a_refused_signed_delivery_is_logged_with_its_reason(make_receiver, hook, caplog,
                                                              body, reason):
    """A signed delivery answered 413 or 400 leaves a warning saying why in serve's log."""
    receiver = make_receiver(hook, max_body=1000)
    receiver.handshake()
    with caplog.at_level("WARNING", logger="asana_adaptor.run.webhooks"):
        response = receiver.post(HOOK_PATH, body, {"X-Hook-Signature": sign(SECRET, body)})
    assert response.status_code in (400, 413)
    assert any(reason in r.getMessage() and HOOK_PATH in r.getMessage() for r in caplog.records)
