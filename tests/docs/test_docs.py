"""The documentation's promises: its commands parse, its tables match the code, links resolve."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import click
import pytest

from asana_adaptor.cli import main
from asana_adaptor.runtime.exitcodes import ExitCode
from asana_adaptor.runtime.workflow import load_workflow

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _block_commands(text: str) -> list[str]:
    """``asana-adaptor ...`` lines of fenced code blocks, continuations joined, comments cut."""
    commands: list[str] = []
    for block in re.findall(r"^```[a-z]*\n(.*?)^```", text, re.S | re.M):
        joined = re.sub(r"\\\n\s*", " ", block)
        for line in joined.splitlines():
            line = line.split(" #")[0].strip()
            if line.startswith("asana-adaptor "):
                commands.append(line)
    return commands


def _inline_commands(text: str) -> list[str]:
    """``asana-adaptor ...`` spans of inline code."""
    return re.findall(r"(?<!`)`(asana-adaptor [^`]+)`", text)


def _leaf(tokens: list[str]) -> tuple[str, click.Command, list[str]]:
    """The command a line names (through the groups) and the tokens left for it."""
    tokens = list(tokens)
    command: click.Command = main
    name = "asana-adaptor"
    while isinstance(command, click.Group) and tokens:
        name = tokens.pop(0)
        found = command.get_command(click.Context(command), name)
        assert found is not None, f"no command {name!r}"
        command = found
    return name, command, tokens


def _option_names(command: click.Command) -> set[str]:
    return {opt for param in command.params for opt in getattr(param, "opts", [])} | {
        "-h", "--help"}


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_command_line_in_a_code_block_parses(doc: Path) -> None:
    """Each `asana-adaptor ...` line of a code block names a command and parses as written."""
    for line in _block_commands(_text(doc)):
        name, command, rest = _leaf(shlex.split(line)[1:])
        assert not isinstance(command, click.Group), f"{doc.name}: `{line}` lacks a subcommand"
        try:
            command.make_context(name, rest)
        except click.UsageError as exc:
            pytest.fail(f"{doc.name}: `{line}` does not parse: {exc.format_message()}")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_inline_command_names_real_commands_and_options(doc: Path) -> None:
    """Each inline `asana-adaptor ...` names existing commands, and only their options."""
    for span in _inline_commands(_text(doc)):
        variants = [re.sub(r"[\[\]]", " ", span).split()[1:]]
        for index, word in enumerate(variants[0]):  # `create\|list\|delete`: each of them
            variants = [[*v[:index], alt, *v[index + 1:]] for v in variants
                        for alt in word.split("\\|")]
        for words in variants:
            name, command, rest = _leaf(words)
            for word in rest:
                option = word.split("=")[0]
                if option.startswith("-"):
                    assert option in _option_names(command), (
                        f"{doc.name}: `{span}`: {name} has no option {option}")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_relative_link_resolves(doc: Path) -> None:
    """Each relative Markdown link points to a file that exists."""
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", _text(doc)):
        if "://" not in target:
            assert (doc.parent / target).exists(), f"{doc.name}: broken link {target}"


def _table_codes(text: str) -> list[int]:
    return [int(code) for code in re.findall(r"^\| *(\d+) *\|", text, re.M)]


def test_exit_code_tables_list_every_exit_code() -> None:
    """README's and RUNTIME.md's exit code tables hold exactly the codes `run` can end with."""
    codes = [int(code) for code in ExitCode]
    readme = re.search(r"^## Exit codes\n(.*?)^## ", _text(ROOT / "README.md"), re.S | re.M)
    runtime = re.search(r"^### Exit codes\n(.*?)^### ", _text(ROOT / "docs" / "RUNTIME.md"),
                        re.S | re.M)
    assert readme and runtime
    assert _table_codes(readme.group(1)) == codes
    assert _table_codes(runtime.group(1)) == codes


def test_readme_run_options_table_lists_every_option_of_run() -> None:
    """Every option of `asana-adaptor run` appears in README's table of run options."""
    readme = _text(ROOT / "README.md")
    table = readme.split("`run` options:", 1)[1].strip().split("\n\n", 1)[0]
    _name, run, _rest = _leaf(["run"])
    for param in run.params:
        if isinstance(param, click.Option):
            assert f"`{param.opts[-1]}" in table or f" {param.opts[-1]}" in table, param.opts


def test_runtime_workflow_example_loads(tmp_path: Path) -> None:
    """The workflow in RUNTIME.md, saved beside a job.py, passes every load-time check."""
    match = re.search(r"^## Workflows\n\n```yaml\n(.*?)^```", _text(ROOT / "docs" / "RUNTIME.md"),
                      re.S | re.M)
    assert match
    (tmp_path / "workflow.yaml").write_text(match.group(1), encoding="utf-8")
    shutil.copy(ROOT / "examples" / "hello" / "job.py", tmp_path / "job.py")
    workflow = load_workflow(tmp_path / "workflow.yaml")
    assert set(workflow.steps) == {"gather", "greet", "report"}


def test_webhooks_hooks_yaml_example_loads(tmp_path: Path) -> None:
    """The hooks.yaml shown in WEBHOOKS.md, with the files it names, is a valid hooks file."""
    from asana_adaptor.webhooks import load_hooks

    match = re.search(r"^## hooks.yaml\n\n```yaml\n(.*?)^```", _text(ROOT / "docs" / "WEBHOOKS.md"),
                      re.S | re.M)
    assert match
    (tmp_path / "hooks.yaml").write_text(match.group(1), encoding="utf-8")
    (tmp_path / "creds.json").write_text('{"token": "0/abcdef"}', encoding="utf-8")
    workflow = tmp_path / "examples" / "grievances" / "workflow.yaml"
    workflow.parent.mkdir(parents=True)
    shutil.copy(ROOT / "examples" / "grievances" / "workflow.yaml", workflow)
    config = load_hooks(tmp_path / "hooks.yaml")
    hook = config.hooks["/asana/grievances"]
    assert (config.max_attempts, config.retry_delay, hook.handshake, hook.timeout) == (
        3, 30, "first", 300)
