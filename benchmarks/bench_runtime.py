"""The runtime's own overhead: a job of 1,000 trivial fn steps, against calling them directly.

Target: under 20 ms for the 1,000 operations beyond the cost of the operations themselves.
Prints the median of several repetitions for three paths:

- execute(*ops)(state)          the library call
- job file through the engine   a loaded job run as a workflow step (logging on, to a buffer)
- the whole run (Runner, in-process): load the file, run it in a worker thread with the
  timeout, log, write the output; once with the compiled job in ``__pycache__`` (as Python
  keeps for modules, unless PYTHONDONTWRITEBYTECODE is set), once parsing the file

The runtime's overhead is the worst of the first three; CPython's parsing of the job's source
(proportional to its length, done once per run when nothing is cached) is shown apart.
"""

from __future__ import annotations

import asyncio
import io
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from asana_adaptor import execute, fn
from asana_adaptor.runtime import RunContext
from asana_adaptor.runtime.engine import run_workflow
from asana_adaptor.runtime.jobcode import job_code
from asana_adaptor.runtime.jobfile import compile_job, load_job
from asana_adaptor.runtime.logs import configure_logging
from asana_adaptor.runtime.redact import Redactor
from asana_adaptor.runtime.runner import RunOptions, Runner
from asana_adaptor.runtime.workflow import single_job_workflow

N = 1000
REPEAT = 25
TARGET_MS = 20.0


def step(state: dict) -> dict:
    return state


def median_ms(work, repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> int:
    state = {"data": {"n": 1}, "references": []}
    baseline = median_ms(lambda: [step(state) for _ in range(N)])

    ops = [fn(step) for _ in range(N)]
    library = median_ms(lambda: execute(*ops)(state))

    folder = Path(tempfile.mkdtemp())
    job_file = folder / "job.py"
    job_file.write_text("def step(state):\n    return state\n\n" + "fn(step)\n" * N)
    source = job_file.read_text()
    cold_ms = median_ms(lambda: compile_job(source, str(job_file)), repeat=10)
    code = job_code(source, str(job_file), "job.py")
    warm_ms = median_ms(lambda: compile_job(source, str(job_file), code=code), repeat=10)
    workflow = single_job_workflow(load_job(job_file), job_file)

    logs = configure_logging("default", json_lines=False, redactor=Redactor(),
                             stream=io.StringIO())

    async def engine_run() -> None:
        await run_workflow(workflow, dict(state), RunContext())

    try:
        engine = median_ms(lambda: asyncio.run(engine_run()))
    finally:
        logs.close()

    options = RunOptions(str(job_file), output_to_stdout=True, log_level="default")

    def whole_run() -> None:
        Runner(options, environ={}, stdout=io.StringIO(), stderr=io.StringIO()).run()

    cache_dir = job_file.parent / "__pycache__"

    def cold_run() -> None:
        shutil.rmtree(cache_dir, ignore_errors=True)
        whole_run()

    cold = median_ms(cold_run, repeat=10)
    load_job(job_file, write_cache=True)  # what Python's own bytecode cache would hold
    warm = median_ms(whole_run, repeat=10)

    print(f"{N} trivial fn operations; median of {REPEAT} runs; operations alone "
          f"{baseline:.2f} ms")
    rows = [("execute(*ops)(state)", library), ("job through the engine", engine),
            ("whole run, compiled job cached", warm),
            ("whole run, parsing the job", cold)]
    for label, total in rows:
        overhead = total - baseline
        print(f"  {label:32s} total {total:7.2f} ms   overhead {overhead:6.2f} ms   "
              f"{overhead * 1000 / N:5.1f} µs/op")
    print(f"  of which CPython parsing and compiling the 1,000-line file: {cold_ms:.2f} ms "
          f"(a compiled copy in __pycache__ loads in {warm_ms:.2f} ms)")
    runtime_overhead = max(library, engine, warm) - baseline
    verdict = "OK" if runtime_overhead < TARGET_MS else "OVER TARGET"
    print(f"runtime overhead {runtime_overhead:.2f} ms for {N} operations "
          f"({runtime_overhead * 1000 / N:.1f} µs/op); target under {TARGET_MS:g} ms: {verdict}")
    return 0 if runtime_overhead < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
