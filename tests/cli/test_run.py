"""`asana-adaptor run` through real subprocesses: exit codes, files written, log lines."""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from asana_adaptor.runtime.exitcodes import ExitCode

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "hello"


def cli(*args: str, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None,
        timeout: float = 60) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ASANA_")}
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "asana_adaptor", "run", *args], cwd=cwd,
                          input=stdin, capture_output=True, text=True, env=environ,
                          timeout=timeout)


@pytest.fixture
def hello(tmp_path: Path) -> Path:
    """A copy of examples/hello in a temporary folder."""
    target = tmp_path / "hello"
    shutil.copytree(EXAMPLES, target, ignore=shutil.ignore_patterns(".cache", "output.json"))
    return target


def test_the_example_workflow_runs_and_writes_output_beside_it(hello):
    """The hello workflow exits 0, logs each step with its duration, writes output.json."""
    done = cli("workflow.yaml", cwd=hello)
    assert done.returncode == 0, done.stderr
    assert "[RUN] Starting step greet (Greet everyone)" in done.stderr
    assert "[JOB] Hello, Amina!" in done.stderr
    assert any(line.startswith("[RUN] Completed step report in ") and line.endswith("ms")
               for line in done.stderr.splitlines())
    assert json.loads((hello / "output.json").read_text())["data"] == {"greeted": 3}


def test_a_job_reads_stdin_and_prints_the_state_to_stdout(hello):
    """-S and -O: state in from stdin, final state out on stdout, logs on stderr only."""
    done = cli("job.py", "-S", "-O", cwd=hello, stdin='{"data": {"people": ["Zoe"]}}')
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["data"] == {"greeted": 1}
    assert "[JOB] Hello, Zoe!" in done.stderr and not (hello / "output.json").exists()


def test_the_workflow_cache_lets_a_later_run_start_midway(hello):
    """--cache-steps writes .cache/; --start then picks up the cached input."""
    assert cli("workflow.yaml", "--cache-steps", cwd=hello).returncode == 0
    assert (hello / ".cache" / "workflow" / "greet.json").is_file()
    done = cli("workflow.yaml", "--start", "report", "-O", cwd=hello)
    assert done.returncode == 0, done.stderr
    assert "Starting step gather" not in done.stderr
    assert json.loads(done.stdout)["data"] == {"greeted": 3}


BAD_INPUTS = {
    "missing job file": (["absent.py"], ExitCode.FILE_NOT_FOUND, "absent.py: file not found"),
    "syntax error": (["syntax.py"], ExitCode.JOB_INVALID, "syntax.py:2: SyntaxError"),
    "job raises": (["raises.py"], ExitCode.STEP_FAILED,
                   "raises.py:2: ValueError: no submissions"),
    "invalid state": (["ok.py", "-s", "broken.json"], ExitCode.STATE_INVALID,
                      "broken.json:1:10: invalid JSON"),
    "state not an object": (["ok.py", "-s", "list.json"], ExitCode.STATE_NOT_OBJECT,
                            "list.json: the state must be an object"),
    "missing state file": (["ok.py", "-s", "absent.json"], ExitCode.FILE_NOT_FOUND,
                           "absent.json: state file not found"),
    "unknown start step": (["flow.yaml", "--start", "nope"], ExitCode.STEP_NOT_FOUND,
                           "--start 'nope' matches no step"),
    "ambiguous start step": (["flow.yaml", "--start", "s"], ExitCode.STEP_NOT_FOUND,
                             "--start 's' is ambiguous: it matches send, save"),
    "cyclic workflow": (["cycle.yaml"], ExitCode.WORKFLOW_INVALID, "cycle: a -> b -> a"),
    "invalid configuration": (["ok.py", "--credentials", "creds.json"],
                              ExitCode.CONFIGURATION_INVALID, "missing 'token'"),
    "timeout": (["slow.py", "--timeout", "0.3"], ExitCode.TIMEOUT, "timed out after 0.3s"),
}


@pytest.fixture
def bad_files(tmp_path: Path) -> Path:
    files = {
        "syntax.py": "log('a')\nfn(lambda s: )\n",
        "raises.py": "log('a')\n"
                     "fn(lambda s: (_ for _ in ()).throw(ValueError('no submissions')))\n",
        "ok.py": "log('ok')\n",
        "slow.py": "import time\nfn(lambda s: time.sleep(20) or s)\n",
        "broken.json": '{"data": }',
        "list.json": "[1]",
        "flow.yaml": "steps:\n  - {id: send, job: ok.py}\n  - {id: save, job: ok.py}\n",
        "cycle.yaml": "steps:\n  - {id: a, job: ok.py, next: b}\n"
                      "  - {id: b, job: ok.py, next: a}\n",
        "creds.json": json.dumps({"apiVersion": "1.0", "workspaceGid": "1"}),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    return tmp_path


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_gives_one_line_and_its_own_exit_code(bad_files, case):
    """Each kind of bad input ends with a one-line error and a distinct exit code."""
    args, code, fragment = BAD_INPUTS[case]
    done = cli(*args, cwd=bad_files)
    errors = [line for line in done.stderr.splitlines() if line.startswith("[CLI] error: ")]
    assert done.returncode == code, done.stderr
    assert len(errors) == 1 and fragment in errors[0], done.stderr
    assert "Traceback" not in done.stderr


def test_exit_codes_are_distinct():
    """No two exit codes share a number (an alias would hide in list(ExitCode))."""
    names = ExitCode.__members__
    assert len({int(code) for code in names.values()}) == len(names)


def test_help_lists_the_options():
    """`run --help` documents every option."""
    done = subprocess.run([sys.executable, "-m", "asana_adaptor", "run", "--help"],
                          capture_output=True, text=True)
    for option in ("--state", "-S", "--output", "-O", "--credentials", "--start", "--end",
                   "--only", "--cache-steps", "--log", "--log-json", "--timeout", "--sandbox",
                   "--sandbox-reset"):
        assert option in done.stdout


def test_sandbox_runs_asana_operations_locally(tmp_path):
    """--sandbox sends the job's Asana calls to the local sandbox and logs each request."""
    pytest.importorskip("asana_sandbox")
    (tmp_path / "me.py").write_text('request("/users/me")\n')
    done = cli("me.py", "--sandbox", "-O", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["data"]["name"] == "Sandbox User"
    assert "GET /users/me - 200" in done.stderr
    assert (tmp_path / ".cache" / ".gitignore").is_file()


def test_output_goes_to_the_file_given_with_o_and_json_logs_parse(hello):
    """-o writes the final state where asked; --log-json writes one JSON object per line."""
    done = cli("workflow.yaml", "-o", "out/final.json", "--log-json", "--end", "greet",
               cwd=hello)
    assert done.returncode == 0, done.stderr
    assert json.loads((hello / "out" / "final.json").read_text())["data"] == {"greeted": 3}
    lines = [json.loads(line) for line in done.stderr.splitlines()]
    finished = [e for e in lines if e.get("status") == "success"]
    assert [e["step"] for e in finished] == ["gather", "greet"]
    assert all(isinstance(e["duration_ms"], float) for e in finished)
    assert not (hello / "output.json").exists()


def test_requests_log_one_line_each_even_when_a_job_configures_logging(tmp_path):
    """A job calling logging.basicConfig() gets no httpx lines: one [ASANA] line per call."""
    pytest.importorskip("asana_sandbox")
    (tmp_path / "me.py").write_text(textwrap.dedent("""\
        import logging
        fn(lambda state: logging.basicConfig(level=logging.DEBUG) or state)
        request("/users/me")
        request("/workspaces")
    """))
    done = cli("me.py", "--sandbox", "-O", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    requests = [line for line in done.stderr.splitlines() if line.startswith("[ASANA] GET ")]
    assert [line.split(" - ")[0] for line in requests] == ["[ASANA] GET /users/me",
                                                          "[ASANA] GET /workspaces"]
    assert "httpx" not in done.stderr and "HTTP Request" not in done.stderr


def test_ctrl_c_writes_the_last_state_and_exits_130(tmp_path):
    """Interrupting a stuck job ends the run at once with INTERRUPTED and the state reached."""
    (tmp_path / "stuck.py").write_text('import time\nfn(lambda s: {**s, "kept": 1})\n'
                                       'fn(lambda s: print("asleep") or time.sleep(60) or s)\n')
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ASANA_")}
    proc = subprocess.Popen([sys.executable, "-m", "asana_adaptor", "run", "stuck.py"],
                            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=environ)
    try:
        watch = selectors.DefaultSelector()
        watch.register(proc.stderr, selectors.EVENT_READ)
        seen, deadline = b"", time.monotonic() + 30
        while b"[JOB] asleep" not in seen and time.monotonic() < deadline:
            if watch.select(timeout=0.5):
                chunk = os.read(proc.stderr.fileno(), 4096)
                if not chunk:
                    break
                seen += chunk
        proc.send_signal(signal.SIGINT)
        rest = proc.communicate(timeout=30)[1].decode()
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == ExitCode.INTERRUPTED, seen.decode() + rest
    assert "[CLI] error: interrupted while running step 'stuck'" in rest
    state = json.loads((tmp_path / "output.json").read_text())
    assert state["kept"] == 1 and state["errors"]["stuck"]["type"] == "KeyboardInterrupt"
