"""Upsert 500 records into a project of 1,000 tasks, against the in-process sandbox.

Prints, for a first run (every record new: 500 creates) and a second run over the same records
(nothing changed), the requests Asana received (from the sandbox's request log), the wall time,
and the request count OpenFn's upsertTask would need for the same work: each call pages through
the whole project (⌈tasks/100⌉ reads) and always writes (1 request), so N records cost
N × ⌈tasks/100⌉ + N requests.

Both forms are measured: ``each(records, upsert_task(...))`` (one record at a time) and
``upsert_tasks(...)`` (planned in bulk, writes concurrent).

    python benchmarks/bench_upsert.py                  # no added latency
    python benchmarks/bench_upsert.py --latency-ms 20  # each request takes ~20 ms, like a network
"""

from __future__ import annotations

import argparse
import asyncio
import math
import time

from asana_adaptor.ops import upsert_task, upsert_tasks
from asana_adaptor.runtime import RunContext, execute
from asana_adaptor.runtime.common import each
from asana_sandbox import Sandbox

EXISTING = 1000
RECORDS = 500
STATUSES = ["Open", "In Progress", "Resolved", "Closed"]
COUNTRIES = ["Peru", "Kenya", "Indonesia", "Cambodia"]


def seeded_sandbox(latency_ms: float) -> tuple[Sandbox, str]:
    """A demo sandbox whose Grievances project holds EXISTING tasks (seeded directly)."""
    sb = Sandbox(rate_limits=False)
    project = sb.project_gid("Grievances")
    id_field = sb.custom_field_gid("Grievance ID")
    for i in range(EXISTING):
        sb.backend.create_task({"name": f"Existing grievance {i}", "projects": [project],
                                "custom_fields": {id_field: f"OLD-{i:04d}"}})
    sb.api.log.clear()
    sb.faults.latency_ms = latency_ms
    return sb, project


def records() -> list[dict]:
    return [{
        "name": f"Grievance NEW-{i:04d}",
        "notes": f"Submission {i}: boundary dispute reported at the village assembly.",
        "custom_fields": {
            "Grievance ID": f"NEW-{i:04d}",
            "grievance status": STATUSES[i % 4].lower(),          # names, drifted spellings
            "Category": "Human\u2013Wildlife Conflict" if i % 2 else "land rights ",
            "Country": COUNTRIES[i % 4],
            "Date Entered": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "Households Affected": str(i % 40),
        },
    } for i in range(RECORDS)]


def run_once(sb: Sandbox, op) -> tuple[dict, int, int, float]:
    """Run ``op`` as one fresh run; (final state, reads, writes, seconds)."""
    configuration = {"token": sb.token, "baseUrl": sb.base_url,
                     "workspaceGid": sb.workspace_gid, "rateLimit": 1_000_000}
    sb.api.log.clear()

    async def main():
        ctx = RunContext(transport=sb.transport())
        try:
            return await execute(op).run_async({"configuration": configuration}, ctx)
        finally:
            await ctx.aclose()

    started = time.perf_counter()
    state = asyncio.run(main())
    seconds = time.perf_counter() - started
    counts = sb.api.log.counts
    reads = sum(n for key, n in counts.items() if key.startswith("GET "))
    return state, reads, sb.api.log.total - reads, seconds


def openfn_baseline(tasks: int, n: int) -> int:
    return n * math.ceil(tasks / 100) + n


def measure(form: str, latency_ms: float) -> None:
    sb, project = seeded_sandbox(latency_ms)
    data = records()
    if form == "each":
        op = each(data, upsert_task(project, {"match": "Grievance ID",
                                              "data": lambda state: state["data"]}))
    else:
        op = upsert_tasks(project, data, match="Grievance ID", concurrency=10)
    for label, tasks in (("first run (all new)", EXISTING),
                         ("second run (unchanged)", EXISTING + RECORDS)):
        _, reads, writes, seconds = run_once(sb, op)
        baseline = openfn_baseline(tasks, RECORDS)
        total = reads + writes
        print(f"  {form:<12} {label:<24} {total:>6} requests ({reads:>3} reads, {writes:>3} "
              f"writes) {seconds:>7.2f} s   OpenFn: {baseline:>6} requests "
              f"-> {baseline / total:>6.1f}x fewer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency-ms", type=float, default=0.0,
                        help="latency the sandbox adds to each request (default 0)")
    args = parser.parse_args()
    print(f"Upsert {RECORDS} records into a project of {EXISTING} tasks "
          f"(sandbox in-process, +{args.latency_ms:g} ms per request)")
    for form in ("each", "upsert_tasks"):
        measure(form, args.latency_ms)


if __name__ == "__main__":
    main()
