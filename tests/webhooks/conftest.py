"""Fixtures: a receiver app over a real SQLite inbox in tmp_path, driven through httpx."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from asana_adaptor.webhooks import HookConfig, SqliteInbox, create_receiver
from receiverkit import ECHO_JOB, HOOK_PATH, SyncReceiver


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    def put(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path
    return put


@pytest.fixture
def hook(write) -> HookConfig:
    return HookConfig(path=HOOK_PATH, workflow=write("jobs/echo.py", ECHO_JOB))


@pytest.fixture
def make_receiver(tmp_path: Path):
    """``make_receiver(*hooks, store=None)``: a SyncReceiver; closed after the test."""
    made: list[SyncReceiver] = []

    def build(*hooks: HookConfig, store: Any = None, **options: Any) -> SyncReceiver:
        db = tmp_path / "inbox.sqlite"
        store = store if store is not None else SqliteInbox(db)
        app = create_receiver(store, {h.path: h for h in hooks}, **options)
        receiver = SyncReceiver(app, store, db)
        made.append(receiver)
        return receiver

    yield build
    for receiver in made:
        receiver.close()
        receiver.store.close()


@pytest.fixture
def receiver(make_receiver, hook) -> SyncReceiver:
    return make_receiver(hook)
