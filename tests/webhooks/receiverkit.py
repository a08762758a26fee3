"""Shared test tools for the receiver: events, bodies and a synchronous client over the app."""

from __future__ import annotations

import asyncio
import json
import socket
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Awaitable, TypeVar

import httpx
import uvicorn
from asana_adaptor.webhooks import SqliteInbox, sign

T = TypeVar("T")
HOOK_PATH = "/asana/grievances"
SECRET = "b7f3c0a1d2e4f5a6b7c8d9e0f1a2b3c4"
ECHO_JOB = ('fn(lambda s: {**s, "data": {"gid": s["data"]["resource"]["gid"], '
            '"action": s["data"]["action"], "has_configuration": "configuration" in s, '
            '"references": s["references"]}})\n')


def task_event(gid: str = "1200000000000101", action: str = "changed",
               field: str | None = "name", created_at: str = "2026-01-05T10:00:00.000Z"
               ) -> dict[str, Any]:
    """An Asana-shaped webhook event on a task."""
    event: dict[str, Any] = {
        "user": {"gid": "1200000000000002", "resource_type": "user"},
        "created_at": created_at, "action": action,
        "resource": {"gid": gid, "resource_type": "task", "resource_subtype": "default_task"},
        "parent": None, "change": None, "type": "task",
    }
    if action == "changed" and field:
        event["change"] = {"field": field, "action": "changed"}
    return event


def body_of(events: list[dict[str, Any]]) -> bytes:
    return json.dumps({"events": events}, separators=(",", ":")).encode()


class SyncReceiver:
    """A real httpx client on the receiver's ASGI app, driven synchronously."""

    def __init__(self, app: Any, store: SqliteInbox, db: Path) -> None:
        self.app, self.store, self.db = app, store, db
        self.loop = asyncio.new_event_loop()
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                        base_url="http://receiver.test")

    def run(self, awaitable: Awaitable[T]) -> T:
        return self.loop.run_until_complete(awaitable)

    def post(self, path: str = HOOK_PATH, content: bytes = b"",
             headers: dict[str, str] | None = None) -> httpx.Response:
        return self.run(self.client.post(path, content=content, headers=headers or {}))

    def handshake(self, secret: str = SECRET, path: str = HOOK_PATH) -> httpx.Response:
        return self.post(path, headers={"X-Hook-Secret": secret})

    def deliver(self, events: list[dict[str, Any]], secret: str = SECRET,
                path: str = HOOK_PATH) -> httpx.Response:
        body = body_of(events)
        return self.post(path, body, {"X-Hook-Signature": sign(secret, body),
                                      "Content-Type": "application/json"})

    def query(self, sql: str) -> list[tuple]:
        """Read the SQLite file with a separate connection, as another process would."""
        db = sqlite3.connect(self.db)
        try:
            return db.execute(sql).fetchall()
        finally:
            db.close()

    def close(self) -> None:
        self.run(self.client.aclose())
        self.loop.close()


class LoopbackServer:
    """The receiver app served by uvicorn on a free loopback port, in a thread."""

    def __init__(self, app: Any) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        self.thread = threading.Thread(target=self.server.run,
                                       kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> "LoopbackServer":
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()
