"""The runner behind `asana-adaptor run`: inputs, outputs, selection, cache, timeouts."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import httpx
import pytest

from asana_adaptor.runtime import ExitCode

ECHO = 'fn(lambda s: {**s, "data": {"seen": s["data"], "has_config": "configuration" in s}})\n'
WORKFLOW = """
    steps:
      - {id: fetch, name: Fetch rows, expression: 'fn(lambda s: {**s, "data": [1, 2]})', next: sum}
      - id: sum
        name: Add up
        expression: 'fn(lambda s: {**s, "data": sum(s["data"])})'
        next: report
      - {id: report, expression: 'log("total", S.data)'}
"""


def test_a_job_writes_output_json_beside_it(write, run):
    """By default the final state goes to output.json next to the job."""
    job = write("jobs/job.py", ECHO)
    assert run(job).code == ExitCode.OK
    assert json.loads((job.parent / "output.json").read_text())["data"]["seen"] is None


def test_state_from_a_yaml_file_and_output_to_stdout(write, run):
    """-s reads YAML by extension; -O prints the final state as JSON."""
    out = run(write("job.py", ECHO), state_file=str(write("s.yaml", "data: {a: 1}\n")),
              output_to_stdout=True)
    assert json.loads(out.stdout)["data"]["seen"] == {"a": 1}


def test_state_from_stdin(write, run):
    """-S reads the state from stdin."""
    out = run(write("job.py", ECHO), state_from_stdin=True, stdin='{"data": 7}',
              output_to_stdout=True)
    assert json.loads(out.stdout)["data"]["seen"] == 7


def test_empty_stdin_says_to_pipe_a_state_in(write, run):
    """-S with nothing on stdin is STATE_INVALID with a message about piping."""
    out = run(write("job.py", ECHO), state_from_stdin=True, stdin="")
    assert out.code == ExitCode.STATE_INVALID
    assert out.result.message.startswith("-S: stdin is empty; pipe a JSON state in")


def test_invalid_json_state_gives_line_and_column(write, run):
    """A broken state file is STATE_INVALID with file:line:column."""
    out = run(write("job.py", ECHO), state_file=str(write("s.json", '{\n  "a": 1,,\n}')))
    assert out.code == ExitCode.STATE_INVALID
    assert out.result.message.startswith("s.json:2:10: invalid JSON")


def test_a_trailing_comma_in_the_state_file_is_named(write, run):
    """A comma before the closing brace is pointed out, with how to fix it."""
    out = run(write("job.py", ECHO), state_file=str(write("s.json", '{"data": {"a": 1,}}')))
    assert out.code == ExitCode.STATE_INVALID
    assert out.result.message.endswith("(a trailing comma before '}': remove the last comma)")


def test_a_state_that_is_not_an_object_is_refused(write, run):
    """A JSON list as state is STATE_NOT_OBJECT."""
    out = run(write("job.py", ECHO), state_file=str(write("s.json", "[1, 2]")))
    assert out.code == ExitCode.STATE_NOT_OBJECT
    assert out.result.message == "s.json: the state must be an object ({...}), got list"


def test_a_missing_file_is_file_not_found(run):
    """Running a path that does not exist is FILE_NOT_FOUND with a one-line message."""
    out = run("nope.py")
    assert out.code == ExitCode.FILE_NOT_FOUND and out.result.message == "nope.py: file not found"


def test_a_failed_job_still_writes_its_state(write, run):
    """The output of a failed job has the last good state and the error."""
    job = write("job.py", 'fn(lambda s: {**s, "kept": 1})\nfn(lambda s: 1 / 0)\n')
    assert run(job).code == ExitCode.STEP_FAILED
    state = json.loads((job.parent / "output.json").read_text())
    assert state["kept"] == 1 and state["errors"]["job"]["type"] == "ZeroDivisionError"


def test_print_in_a_job_becomes_a_job_log_line(write, run):
    """A job's print() goes to the log, not to stdout."""
    out = run(write("job.py", 'fn(lambda s: print("hello from the job") or s)\n'),
              output_to_stdout=True)
    assert "[JOB] hello from the job" in out.stderr
    assert "hello" not in out.stdout


def test_log_none_is_silent_and_log_json_gives_objects(write, run):
    """--log none writes nothing; --log-json writes one JSON object per line."""
    job = write("job.py", 'log("hi")\n')
    assert run(job, log_level="none").stderr == ""
    lines = [json.loads(line) for line in run(job, log_json=True).stderr.splitlines()]
    assert {"source": "JOB", "message": "hi", "step": "job"}.items() <= lines[1].items()


def test_start_and_end_run_part_of_a_workflow(write, run):
    """--start/--end accept unique parts of step ids or names."""
    wf = write("wf.yaml", WORKFLOW)
    out = run(wf, start="add", end="sum", state_file=str(write("s.json", '{"data": [5, 6]}')))
    assert out.code == ExitCode.OK and "total" not in out.stderr
    assert json.loads((wf.parent / "output.json").read_text())["data"] == 11


@pytest.mark.parametrize("option, value, fragment", [
    ("start", "zzz", "--start 'zzz' matches no step"),
    ("only", "r", "--only 'r' is ambiguous: it matches fetch, report"),
])
def test_unknown_or_ambiguous_steps_are_refused(write, run, option, value, fragment):
    """An option naming no step, or several, is STEP_NOT_FOUND."""
    out = run(write("wf.yaml", WORKFLOW), **{option: value})
    assert out.code == ExitCode.STEP_NOT_FOUND and fragment in out.result.message


def test_cache_steps_writes_each_step_and_start_reuses_it(write, run):
    """--cache-steps keeps each output under .cache/; --start then resumes from it."""
    wf = write("wf.yaml", WORKFLOW)
    run(wf, cache_steps=True)
    cache = wf.parent / ".cache"
    assert (cache / ".gitignore").read_text().strip().endswith("*")
    assert json.loads((cache / "wf" / "fetch.json").read_text())["data"] == [1, 2]
    out = run(wf, only="sum")
    assert "Starting from the cached output of step fetch" in out.stderr
    assert json.loads((wf.parent / "output.json").read_text())["data"] == 3


def test_a_timeout_ends_a_stuck_job_with_its_own_code(write, run):
    """A job stuck in synchronous code is abandoned after --timeout with a clear message."""
    job = write("job.py", 'import time\nfn(lambda s: time.sleep(30) or s)\n')
    out = run(job, timeout=0.2)
    assert out.code == ExitCode.TIMEOUT
    assert out.result.message.startswith("timed out after 0.2s while running step 'job'")
    assert json.loads((job.parent / "output.json").read_text())["errors"]["job"]["type"] == \
        "TimeoutError"


def test_a_timeout_during_retries_names_the_failing_call(write, run):
    """A run that times out while an Asana call is being retried says which call and why."""
    def refuse(request):
        raise httpx.ConnectError("Connection refused", request=request)

    job = write("job.py", 'get_task("1")\n')
    state = write("s.json", '{"configuration": {"token": "0/abcdef123456"}}')
    out = run(job, state_file=str(state), timeout=1.0, transport=httpx.MockTransport(refuse))
    assert out.code == ExitCode.TIMEOUT
    assert "; the last Asana call was being retried: GET /tasks/1 in " in out.result.message
    assert out.result.message.endswith("could not connect to app.asana.com (Connection refused)")


def test_a_timeout_cancels_an_awaiting_job(write, run):
    """An async job waiting past --timeout is cancelled: TIMEOUT, nothing left running."""
    job = write("job.py", """
        import asyncio
        async def wait(state):
            await asyncio.sleep(30)
            return state
        fn(wait)
    """)
    out = run(job, timeout=0.2)
    assert out.code == ExitCode.TIMEOUT and not out.result.worker_alive


def test_the_injected_clock_reaches_cursor(write, run):
    """Runner(clock=...) is the clock cursor() reads."""
    out = run(write("job.py", 'cursor("today")\n'), output_to_stdout=True,
              clock=lambda: datetime(2030, 1, 2, 3, 4, tzinfo=timezone.utc))
    assert json.loads(out.stdout)["cursor"] == "2030-01-02T00:00:00.000Z"


@pytest.mark.parametrize("options, fragment", [
    ({"state_file": "a.json", "state_from_stdin": True}, "either -s/--state FILE or -S"),
    ({"only": "a", "start": "b"}, "--only runs one step"),
    ({"timeout": 0}, "--timeout must be a positive number"),
    ({"timeout": float("nan")}, "--timeout must be a positive number"),
    ({"timeout": float("inf")}, "at most 604800 (a week); got inf"),
])
def test_conflicting_options_are_usage_errors(write, run, options, fragment):
    """Options that cannot go together exit with USAGE."""
    out = run(write("wf.yaml", WORKFLOW), **options)
    assert out.code == ExitCode.USAGE and fragment in out.result.message


def test_an_unknown_file_type_is_a_usage_error(write, run):
    """Only .py, .yaml, .yml and .json files can be run."""
    out = run(write("notes.txt", "hello"))
    assert out.code == ExitCode.USAGE and "expected a job file (.py)" in out.result.message


def test_log_info_adds_loading_details_that_default_hides(write, run):
    """--log info shows what was loaded; the default level does not."""
    job = write("job.py", 'log("a")\nlog("b")\n')
    assert "Loaded job.py: job (2 operations)" in run(job, log_level="info").stderr
    assert "Loaded" not in run(job).stderr


def test_log_none_still_prints_the_final_error_line(write, run):
    """With --log none a failed run writes only `error: <message>`."""
    out = run(write("job.py", 'log("quiet")\nfn(lambda s: 1 / 0)\n'), log_level="none")
    assert out.stderr == "error: job.py:2: ZeroDivisionError: division by zero\n"


def test_print_while_a_job_loads_keeps_stdout_for_the_state(write, run):
    """A print() in top-level code is a JOB line too, so -O output stays valid JSON."""
    out = run(write("job.py", '_ = print("loading")\nlog("x")\n'), output_to_stdout=True)
    assert json.loads(out.stdout)["data"] is None
    assert "[JOB] loading" in out.stderr


def test_step_options_on_a_job_file_are_a_usage_error(write, run):
    """--start/--end/--only select workflow steps; on a job file they are refused."""
    out = run(write("job.py", 'log("x")\n'), only="job")
    assert out.code == ExitCode.USAGE and "apply to workflow files" in out.result.message


def test_invalid_yaml_state_gives_line_and_column(write, run):
    """A broken YAML state file is STATE_INVALID with file:line:column."""
    out = run(write("job.py", ECHO), state_file=str(write("s.yaml", "data:\n  a: [1, 2\n")))
    assert out.code == ExitCode.STATE_INVALID
    assert out.result.message.startswith("s.yaml:3:1: invalid YAML")


def test_files_saved_with_a_byte_order_mark_load(tmp_path, run):
    """A job and a state saved with a UTF-8 byte order mark load as if it were not there."""
    (tmp_path / "job.py").write_text(ECHO, encoding="utf-8-sig")
    (tmp_path / "s.json").write_text('{"data": 1}', encoding="utf-8-sig")
    out = run(tmp_path / "job.py", state_file=str(tmp_path / "s.json"), output_to_stdout=True)
    assert out.code == ExitCode.OK and json.loads(out.stdout)["data"]["seen"] == 1


def test_log_none_with_log_json_gives_the_error_as_json(write, run):
    """--log none --log-json still writes the final error, as one JSON object."""
    out = run(write("job.py", "fn(lambda s: 1 / 0)\n"), log_level="none", log_json=True)
    assert json.loads(out.stderr) == {"level": "error", "source": "CLI",
                                      "message": "job.py:1: ZeroDivisionError: division by zero"}
