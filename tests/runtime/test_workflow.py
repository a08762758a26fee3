"""Workflows: loading checks, edges, failures recorded in state.errors, exit codes."""

from __future__ import annotations

import json
import re

import pytest

from asana_adaptor.runtime import ExitCode, RunError, load_workflow

JOB_OK = 'fn(lambda s: {**s, "data": {"n": 1}})\n'


def test_a_workflow_runs_steps_along_success_edges(write, run):
    """Each step gets the previous step's output; the last step's state is written."""
    write("a.py", JOB_OK)
    wf = write("wf.yaml", """
        steps:
          - id: a
            job: a.py
            next: {b: on_job_success}
          - id: b
            expression: |
              fn(lambda s: {**s, "data": {"n": s["data"]["n"] + 1}})
    """)
    out = run(wf)
    assert out.code == ExitCode.OK
    assert json.loads((wf.parent / "output.json").read_text())["data"] == {"n": 2}


def test_steps_log_start_and_finish_with_duration(write, run):
    """One line when each step starts, one when it finishes, with its duration."""
    wf = write("wf.yaml", """
        steps:
          - {id: first, name: The first, expression: 'log("hi")', next: second}
          - {id: second, expression: 'log("there")'}
    """)
    lines = run(wf).stderr.splitlines()
    assert lines[:2] == ["[RUN] Starting step first (The first)", "[JOB] hi"]
    assert re.fullmatch(r"\[RUN\] Completed step first in [0-9.]+ms", lines[2])
    assert lines[3] == "[RUN] Starting step second"


def test_a_failed_step_records_its_error_and_follows_failure_edges(write, run):
    """state.errors[step] holds {type, message, step}; on_job_failure handles it: exit 0."""
    wf = write("wf.yaml", """
        steps:
          - id: risky
            expression: 'fn(lambda s: {**s, "data": 1 / 0})'
            next: {ok: on_job_success, recover: on_job_failure}
          - {id: ok, expression: 'log("not me")'}
          - {id: recover, expression: 'fn(lambda s: {**s, "recovered": True})'}
    """)
    out = run(wf)
    state = json.loads((wf.parent / "output.json").read_text())
    assert out.code == ExitCode.OK
    assert state["errors"] == {"risky": {"type": "ZeroDivisionError",
                                         "message": "division by zero", "step": "risky"}}
    assert state["recovered"] is True and "not me" not in out.stderr


def test_an_unhandled_failure_exits_non_zero_with_the_job_line(write, run):
    """Without an on_job_failure edge the run fails with file:line in one line."""
    write("bad.py", 'log("a")\nfn(lambda s: s["data"]["x"])\n')
    wf = write("wf.yaml", "steps:\n  - {id: bad, job: bad.py}\n")
    out = run(wf)
    assert out.code == ExitCode.STEP_FAILED
    assert out.result.message == "bad.py:2: TypeError: 'NoneType' object is not subscriptable"
    assert "Traceback" not in out.stderr


def test_log_debug_shows_the_traceback(write, run):
    """--log debug adds the full traceback of a failed step."""
    write("bad.py", "fn(lambda s: 1 / 0)\n")
    out = run(write("wf.yaml", "steps:\n  - {id: bad, job: bad.py}\n"), log_level="debug")
    assert "Traceback (most recent call last)" in out.stderr and 'bad.py", line 1' in out.stderr


def test_conditions_route_on_the_output_state(write, run):
    """A condition edge is followed only when it holds."""
    wf = write("wf.yaml", """
        steps:
          - id: count
            expression: 'fn(lambda s: {**s, "data": {"n": 5}})'
            next:
              big: 'state["data"]["n"] > 3'
              small: 'state["data"]["n"] <= 3'
          - {id: big, expression: 'log("big")'}
          - {id: small, expression: 'log("small")'}
    """)
    out = run(wf)
    assert "[JOB] big" in out.stderr and "[JOB] small" not in out.stderr


def test_several_final_steps_give_a_state_per_step(write, run):
    """When two branches end the run, the output maps each final step to its state."""
    wf = write("wf.yaml", """
        steps:
          - {id: root, expression: 'log("r")', next: {left: true, right: always}}
          - {id: left, expression: 'fn(lambda s: {**s, "side": "L"})'}
          - {id: right, expression: 'fn(lambda s: {**s, "side": "R"})'}
    """)
    run(wf)
    state = json.loads((wf.parent / "output.json").read_text())
    assert {k: v["side"] for k, v in state.items()} == {"left": "L", "right": "R"}


def test_step_defaults_fill_data_and_state(write, run):
    """A step's `data` and `state` fill in what the incoming state lacks."""
    wf = write("wf.yaml", """
        steps:
          - id: only
            data: {who: world}
            state: {greeting: Hello}
            expression: 'fn(lambda s: {**s, "data": s["greeting"] + " " + s["data"]["who"]})'
    """)
    run(wf)
    assert json.loads((wf.parent / "output.json").read_text())["data"] == "Hello world"


def test_options_start_picks_the_first_step(write, run):
    """options.start names where the run begins."""
    wf = write("wf.yaml", """
        options: {start: second}
        steps:
          - {id: first, expression: 'log("one")'}
          - {id: second, expression: 'log("two")'}
    """)
    out = run(wf)
    assert "[JOB] two" in out.stderr and "[JOB] one" not in out.stderr


def test_a_cycle_is_rejected_at_load_time(write):
    """a -> b -> a is refused before anything runs, naming the loop."""
    wf = write("wf.yaml", """
        steps:
          - {id: a, expression: 'log(1)', next: b}
          - {id: b, expression: 'log(2)', next: {a: on_job_success}}
    """)
    with pytest.raises(RunError) as err:
        load_workflow(wf)
    assert err.value.code == ExitCode.WORKFLOW_INVALID
    assert "cycle: a -> b -> a" in err.value.message


def test_an_unsafe_condition_is_rejected_at_load_time(write):
    """A condition that calls something unsafe fails when the workflow loads."""
    wf = write("wf.yaml", """
        steps:
          - {id: a, expression: 'log(1)', next: {b: "__import__('os')"}}
          - {id: b, expression: 'log(2)'}
    """)
    with pytest.raises(RunError, match=r"edge a -> b: condition .* unknown name '__import__'"):
        load_workflow(wf)


def test_a_misspelled_edge_keyword_suggests_the_right_one(write):
    """`on_job_fail` is refused as a typo of on_job_failure, not read as a condition."""
    wf = write("wf.yaml", """
        steps:
          - {id: a, expression: 'log(1)', next: {b: on_job_fail}}
          - {id: b, expression: 'log(2)'}
    """)
    with pytest.raises(RunError, match=r"edge a -> b: unknown edge value 'on_job_fail'; "
                                       r"did you mean 'on_job_failure'\?"):
        load_workflow(wf)


@pytest.mark.parametrize("body, fragment", [
    ("steps: []", "`steps` must be a non-empty list"),
    ("steps:\n  - {id: a, expression: 'log(1)', next: nowhere}", "unknown step 'nowhere'"),
    ("steps:\n  - {id: a, expression: 'log(1)'}\n  - {id: a, expression: 'log(2)'}",
     "two steps have the id 'a'"),
    ("steps:\n  - {id: a, expresion: 'log(1)'}", "unknown keys ['expresion']"),
    ("steps:\n  - {id: a}", "needs `job: path/to/job.py` or an inline `expression`"),
    ("steps:\n  - {id: a, expression: 'log(1)'\n", "wf.yaml:3:1: invalid YAML"),
])
def test_malformed_workflows_are_rejected_with_a_reason(write, body, fragment):
    """Each structural mistake is reported with the file name and what to fix."""
    with pytest.raises(RunError) as err:
        load_workflow(write("wf.yaml", body))
    assert err.value.code == ExitCode.WORKFLOW_INVALID and fragment in err.value.message


def test_an_unquoted_lambda_in_yaml_says_to_use_a_block(write):
    """`expression: fn(lambda s: ...)` unquoted is a YAML error that shows the `|` form."""
    wf = write("wf.yaml", "steps:\n  - id: a\n    expression: fn(lambda s: s)\n")
    with pytest.raises(RunError, match=r"wf.yaml:3:\d+: invalid YAML: mapping values are not "
                                       r"allowed here \(.*`expression: \|`"):
        load_workflow(wf)


def test_a_javascript_condition_says_what_to_write_in_python(write):
    """`!state.errors` fails with the Python operator to use instead."""
    wf = write("wf.yaml", """
        steps:
          - {id: a, expression: 'log(1)', next: {b: '!state.errors'}}
          - {id: b, expression: 'log(2)'}
    """)
    with pytest.raises(RunError, match=r"not a Python expression: .* write 'not' for '!'"):
        load_workflow(wf)


def test_an_openfn_javascript_job_file_is_refused_with_what_to_do(write):
    """A step naming ./job.js is refused before it is read as Python, saying to port it."""
    write("job.js", "getTask('1');\n")
    wf = write("wf.json", '{"steps": [{"id": "a", "expression": "./job.js"}]}')
    with pytest.raises(RunError) as err:
        load_workflow(wf)
    assert err.value.code == ExitCode.WORKFLOW_INVALID
    assert "./job.js is a JavaScript job (OpenFn's)" in err.value.message


def test_running_a_credentials_file_says_to_pass_it_with_credentials(write):
    """Running creds.json by mistake says it is a credentials file and how to pass it."""
    with pytest.raises(RunError, match=r"this is a credentials or state file: pass it with "
                                       r"--credentials or -s"):
        load_workflow(write("creds.json", '{"token": "0/abcdef", "workspaceGid": "1"}'))


def test_a_json_workflow_with_an_openfn_expression_path_loads(write):
    """JSON workflows work, and `expression: ./job.py` is read as a job file path."""
    write("job.py", JOB_OK)
    wf = write("wf.json", json.dumps({"workflow": {"steps": [
        {"id": "a", "adaptor": "asana", "expression": "./job.py"}]}}))
    assert load_workflow(wf).steps["a"].job.display == "job.py"


def test_a_missing_step_job_file_is_file_not_found(write):
    """A step pointing at a job file that does not exist fails with FILE_NOT_FOUND."""
    with pytest.raises(RunError) as err:
        load_workflow(write("wf.yaml", "steps:\n  - {id: a, job: gone.py}\n"))
    assert err.value.code == ExitCode.FILE_NOT_FOUND and "gone.py not found" in err.value.message


def test_an_inline_expression_error_names_the_step(write, run):
    """Errors in inline expressions read `wf.yaml[step]:LINE: ...`."""
    out = run(write("wf.yaml", "steps:\n  - id: s\n    expression: |\n      log(1)\n"
                               "      fn(lambda s: 1 / 0)\n"))
    assert out.result.message == "wf.yaml[s]:2: ZeroDivisionError: division by zero"
