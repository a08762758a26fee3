"""End to end: the sandbox creates a webhook on the receiver, a task changes, the workflow runs."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from asana_adaptor.client import AsanaClient
from asana_adaptor.webhooks import (
    Dispatcher,
    SqliteInbox,
    WorkflowRunner,
    create_receiver,
    load_hooks,
)
from asana_sandbox import Sandbox
from asana_sandbox.webhooks import WebhookSettings, install_webhooks
from receiverkit import LoopbackServer

FAST = WebhookSettings(heartbeat_interval=3600.0, retry_base=0.001, retry_max=0.01,
                       delivery_timeout=5.0, handshake_timeout=5.0)
FETCH_JOB = """
get_task(S.data.resource.gid, {"opt_fields": "name"})
fn(lambda s: {**s, "data": {"current_name": s["data"]["name"]}})
"""
HOOKS_YAML = """
db: inbox.sqlite
retry_delay: 0
hooks:
  - path: /asana/grievances
    job: jobs/fetch.py
    filter: {resource_type: task, action: changed, fields: [name]}
"""


@pytest.fixture
def setup(write, tmp_path: Path):
    write("jobs/fetch.py", FETCH_JOB)
    config = load_hooks(write("hooks.yaml", HOOKS_YAML))
    sandbox = Sandbox(seed="demo")
    store = SqliteInbox(config.db)
    runner = WorkflowRunner(configuration={"token": sandbox.token, "baseUrl": sandbox.base_url},
                            transport=sandbox.transport(), environ={})
    dispatcher = Dispatcher(store, config.hooks, runner, retry_delay=config.retry_delay,
                            idle_poll=0.05)
    app = create_receiver(store, config.hooks, dispatcher=dispatcher)
    yield sandbox, store, dispatcher, app
    store.close()


async def _change_a_task(sandbox: Sandbox, target: str) -> tuple[dict[str, Any], str]:
    """Create a webhook on Grievances, then create and rename a task; returns (hook, task gid)."""
    project = sandbox.project_gid("Grievances")
    async with AsanaClient({"token": sandbox.token, "baseUrl": sandbox.base_url},
                           transport=sandbox.transport()) as client:
        hook = (await client.post("/webhooks", {"resource": project, "target": target})).data
        task = (await client.post("/tasks", {"name": "Water point broken",
                                             "projects": [project]})).data
        await client.put(f"/tasks/{task['gid']}", {"name": "Water point repaired"})
    return hook, task["gid"]


def test_sandbox_events_reach_the_receiver_and_run_the_workflow(setup):
    """Handshake, signed delivery, stored events, and a run that reads the task back."""
    sandbox, store, dispatcher, app = setup
    delivery = install_webhooks(sandbox.api, transport=httpx.ASGITransport(app=app),
                                settings=FAST)

    async def scenario() -> tuple[dict[str, Any], str]:
        hook, gid = await _change_a_task(sandbox, "http://receiver.test/asana/grievances")
        await delivery.drain()
        await dispatcher.dispatch_due()
        await delivery.aclose()
        return hook, gid

    hook, gid = asyncio.run(scenario())
    assert store.secret("/asana/grievances") is not None
    assert sandbox.backend.tables["webhook"][hook["gid"]]["last_success_at"] is not None
    mine = [e for e in store.events() if e.event["resource"]["gid"] == gid]
    renamed = [e for e in mine if (e.event.get("change") or {}).get("field") == "name"]
    assert renamed and all(e.status == "succeeded" for e in renamed)
    assert all(e.status == "skipped" for e in mine if e not in renamed)
    [run] = store.runs(renamed[-1].id)
    assert run.output["data"] == {"current_name": "Water point repaired"}


@pytest.mark.server
def test_a_loopback_receiver_runs_the_workflow_in_the_background(setup):
    """Over real HTTP: the receiver's own dispatcher runs the workflow soon after delivery."""
    sandbox, store, dispatcher, app = setup
    delivery = install_webhooks(sandbox.api, settings=FAST)
    with LoopbackServer(app) as server:
        async def scenario() -> str:
            target = f"http://127.0.0.1:{server.port}/asana/grievances"
            _, gid = await _change_a_task(sandbox, target)
            await delivery.drain()
            async with asyncio.timeout(20):
                while not any(e.status == "succeeded" for e in store.events()):
                    await asyncio.sleep(0.02)
            await delivery.aclose()
            return gid

        gid = asyncio.run(scenario())
    done = [e for e in store.events() if e.status == "succeeded"]
    assert done[0].event["resource"]["gid"] == gid
    assert store.runs(done[0].id)[-1].output["data"] == {"current_name": "Water point repaired"}
