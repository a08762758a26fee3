"""hooks.yaml: paths, workflows, filters, handshake policy; clear errors for bad files."""

from __future__ import annotations

import pytest

from asana_adaptor.webhooks import HooksConfigError, load_hooks
from receiverkit import task_event

GOOD = """
credentials: creds.json
max_attempts: 5
hooks:
  - path: /asana/grievances
    workflow: flows/workflow.yaml
    filter: {resource_type: task, action: changed}
  - path: /asana/other/
    job: jobs/job.py
    handshake: replace
    credential: asana
"""


@pytest.fixture
def files(write):
    write("flows/workflow.yaml", "steps: [{id: a, expression: 'fn(lambda s: s)'}]\n")
    write("jobs/job.py", "fn(lambda s: s)\n")
    write("creds.json", '{"asana": {"token": "0/abc"}}')


def test_a_good_file_loads_with_paths_relative_to_it(write, files, tmp_path):
    """Workflow, credentials and db paths resolve beside hooks.yaml; defaults fill the rest."""
    config = load_hooks(write("hooks.yaml", GOOD))
    grievances, other = config.hooks["/asana/grievances"], config.hooks["/asana/other"]
    assert grievances.workflow == tmp_path / "flows/workflow.yaml"
    assert other.workflow == tmp_path / "jobs/job.py" and other.handshake == "replace"
    assert grievances.handshake == "first" and other.credential == "asana"
    assert config.credentials == tmp_path / "creds.json" and config.db == tmp_path / "inbox.sqlite"
    assert (config.max_attempts, config.retry_delay) == (5, 30.0)


def test_a_filter_selects_events_like_asana_does(write, files):
    """The hook's filter passes changed tasks and leaves other events out."""
    hook = load_hooks(write("hooks.yaml", GOOD)).hooks["/asana/grievances"]
    assert hook.wants(task_event(action="changed"))
    assert not hook.wants(task_event(action="added"))
    assert not hook.wants({**task_event(), "resource": {"gid": "1", "resource_type": "story"}})


@pytest.mark.parametrize("text, message", [
    ("hooks: []\n", "`hooks` must be a non-empty list"),
    ("hooks: [{path: asana, job: jobs/job.py}]\n", "must be a URL path such as /asana/grievances"),
    ("hooks: [{path: /a}]\n", "needs exactly one of `workflow`"),
    ("hooks: [{path: /a, job: jobs/missing.py}]\n", "jobs/missing.py not found"),
    ("hooks: [{path: /a, job: jobs/job.py, handshake: always}]\n", "must be `first` or `replace`"),
    ("hooks: [{path: /a, job: jobs/job.py, filter: {action: edited}}]\n", "is not one of"),
    ("hooks: [{path: /a, job: jobs/job.py, filtr: {}}]\n", "unknown keys ['filtr']"),
    ("hooks: [{path: /a, job: jobs/job.py}, {path: /a/, job: jobs/job.py}]\n",
     "two hooks have the path /a"),
    ("hooks: [{path: /a, job: jobs/job.py}]\nmax_attempts: 0\n", "max_attempts must be a number"),
    ("hooks: [{path: /a, job: jobs/job.py}]\ncredentials: nope.json\n",
     "credentials file nope.json not found"),
])
def test_bad_files_say_what_is_wrong(write, files, text, message):
    """Each mistake gives one message naming the file and the fix."""
    with pytest.raises(HooksConfigError) as caught:
        load_hooks(write("hooks.yaml", text))
    assert message in str(caught.value) and "hooks.yaml" in str(caught.value)


def test_yaml_syntax_errors_give_line_and_column(write):
    """A YAML syntax error names the line and column."""
    with pytest.raises(HooksConfigError, match=r"hooks.yaml:\d+:\d+: invalid YAML"):
        load_hooks(write("hooks.yaml", "hooks:\n  - path: [/a\n"))


def test_a_path_with_a_route_pattern_is_refused(write, files):
    """A `{name}` in a path (which would route every matching URL to one hook) is an error."""
    with pytest.raises(HooksConfigError, match=r"hooks\[0\].path '/a/\{x\}' must be a plain"):
        load_hooks(write("hooks.yaml", "hooks: [{path: '/a/{x}', job: jobs/job.py}]\n"))
