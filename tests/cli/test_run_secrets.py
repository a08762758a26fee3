"""The token never leaves: a job that tries to leak it, then every artefact is searched."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

TOKEN = "1/1200000000000001:7f3a9c2e5b8d4f60a1c3e5b7d9f1a3c5"
ENV_TOKEN = "2/1200000000000002:0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e"

LEAKY_JOB = '''
    """Tries every way out for the token."""
    def token(state):
        return state["configuration"]["token"]

    class Holder:
        def __init__(self, value):
            self.value = value
        def __str__(self):
            return "holding " + self.value

    import sys
    fn(lambda s: print("token is", token(s)) or s)
    fn(lambda s: print("to stderr:", token(s), file=sys.stderr) or s)
    log("via log:", S.configuration.token, S.configuration)
    fn(lambda s: {**s, "data": {"leak": token(s), "nested": [{"t": "Bearer " + token(s)}],
                               token(s): "as a key", "copy": dict(s["configuration"]),
                               "raw": token(s).encode(), "object": Holder(token(s))}})
    fn(lambda s: {**s, "stash": s["configuration"]})
    fn(lambda s: (_ for _ in ()).throw(RuntimeError("bad token " + token(s))))
'''

WORKFLOW = """
    steps:
      - id: leak
        job: leak.py
        configuration: asana
        next: {after: on_job_failure}
      - id: after
        expression: |
          log("errors:", S.errors)
          fn(lambda s: {**s, "env": s["configuration"]["token"]})
"""


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASANA_")}
    env["ASANA_TOKEN"] = ENV_TOKEN
    return subprocess.run([sys.executable, "-m", "asana_adaptor", "run", "workflow.yaml",
                           "--credentials", "creds.json", *args], cwd=tmp_path,
                          capture_output=True, text=True, env=env, timeout=60)


def test_a_job_cannot_leak_the_token_into_any_artefact(tmp_path):
    """print, log, data (also as bytes and objects), keys, stashed configuration and errors all
    show *** instead."""
    (tmp_path / "leak.py").write_text(textwrap.dedent(LEAKY_JOB))
    (tmp_path / "workflow.yaml").write_text(textwrap.dedent(WORKFLOW))
    (tmp_path / "creds.json").write_text(json.dumps({"asana": {"apiVersion": "1.0",
                                                                "token": TOKEN}}))
    plain = run(tmp_path, "--cache-steps", "--log", "debug")
    as_json = run(tmp_path, "--log-json", "-O")

    assert plain.returncode == 0, plain.stderr  # the failure was handled by on_job_failure
    assert "[JOB] token is ***" in plain.stderr
    assert "[JOB] warning: to stderr: ***" in plain.stderr
    assert "RuntimeError: bad token ***" in plain.stderr and "Traceback" in plain.stderr
    output = json.loads((tmp_path / "output.json").read_text())
    assert output["errors"]["leak"]["message"] == "bad token ***"
    assert output["stash"] == {"apiVersion": "1.0", "token": "***"}
    assert output["env"] == "***"
    assert output["data"]["object"] == "holding ***" and output["data"]["raw"] == "b'***'"

    artefacts = {"stdout": plain.stdout + as_json.stdout, "stderr": plain.stderr + as_json.stderr}
    for file in [tmp_path / "output.json", *(tmp_path / ".cache").rglob("*")]:
        if file.is_file():
            artefacts[str(file.relative_to(tmp_path))] = file.read_text()
    assert len(artefacts) >= 5  # stdout, stderr, output.json, .gitignore, two cached steps
    for name, text in artefacts.items():
        assert TOKEN not in text, name
        assert ENV_TOKEN not in text, name
        assert TOKEN.split(":")[1] not in text, name
