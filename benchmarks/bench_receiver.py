"""How many webhook events the receiver accepts per second: verified, stored, acknowledged.

Each delivery goes through the real receiver app (in-process ASGI, httpx client): signature
check, JSON parse, a committed SQLite transaction (WAL, synchronous=FULL: an fsync per
delivery), then the 200. No workflow runs here (the dispatcher is left out): this measures
the acknowledging path Asana waits on. Prints deliveries and events per second for deliveries
of 1 event sent one at a time, 1 event with 16 in flight, and 100 events (Asana's batch size).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
import time
from pathlib import Path

import httpx

from asana_adaptor.webhooks import HookConfig, SqliteInbox, create_receiver, sign

PATH = "/asana/bench"
SECRET = "bench-secret-0123456789abcdef"


def _event(n: int) -> dict:
    return {"user": {"gid": "1", "resource_type": "user"},
            "created_at": f"2026-01-01T00:00:{n // 1000:02d}.{n % 1000:03d}Z",
            "action": "changed", "resource": {"gid": str(10_000 + n), "resource_type": "task"},
            "parent": None, "change": {"field": "name", "action": "changed"}, "type": "task"}


async def _run(folder: Path, deliveries: int, per_delivery: int, in_flight: int) -> float:
    job = folder / "job.py"
    job.write_text("fn(lambda s: s)\n")
    store = SqliteInbox(folder / f"inbox-{per_delivery}-{in_flight}.sqlite")
    app = create_receiver(store, {PATH: HookConfig(PATH, job)})
    bodies = []
    for d in range(deliveries):
        events = [_event(d * per_delivery + i) for i in range(per_delivery)]
        bodies.append(json.dumps({"events": events}).encode())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://receiver.bench") as client:
        await client.post(PATH, headers={"X-Hook-Secret": SECRET})
        gate = asyncio.Semaphore(in_flight)

        async def send(body: bytes) -> None:
            async with gate:
                response = await client.post(PATH, content=body,
                                             headers={"X-Hook-Signature": sign(SECRET, body)})
                assert response.status_code == 200, response.text

        started = time.perf_counter()
        await asyncio.gather(*(send(body) for body in bodies))
        elapsed = time.perf_counter() - started
    stored = len(store.events())
    store.close()
    assert stored == deliveries * per_delivery, stored
    return elapsed


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-receiver-"))
    try:
        print("receiver: verified + stored (fsync) + acknowledged, in-process ASGI")
        for label, deliveries, per, flight in (
                ("1 event per delivery, sequential", 300, 1, 1),
                ("1 event per delivery, 16 in flight", 300, 1, 16),
                ("100 events per delivery, sequential", 30, 100, 1)):
            elapsed = asyncio.run(_run(folder, deliveries, per, flight))
            print(f"  {label:<38} {deliveries / elapsed:8.0f} deliveries/s "
                  f"{deliveries * per / elapsed:9.0f} events/s "
                  f"({elapsed * 1000 / deliveries:.2f} ms per delivery)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
