"""Shared fixtures: write files into a temporary folder, run the runner in-process."""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest

from asana_adaptor.runtime.runner import RunOptions, RunResult, Runner


@dataclass
class Outcome:
    result: RunResult
    stderr: str
    stdout: str

    @property
    def code(self) -> int:
        return int(self.result.code)


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run each test from its own folder, so files show as `job.py` in messages."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """write("job.py", source) -> the path, with the source dedented."""

    def go(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return go


@pytest.fixture
def run() -> Callable[..., Outcome]:
    """run(path, **RunOptions fields, environ=, stdin=, clock=) -> Outcome (in-process)."""

    def go(path: Path | str, *, environ: dict[str, str] | None = None, stdin: str | None = None,
           clock: Any = None, transport: Any = None, **options: Any) -> Outcome:
        err, out = io.StringIO(), io.StringIO()
        result = Runner(RunOptions(str(path), **options), environ=environ or {},
                        stdin=io.StringIO(stdin) if stdin is not None else None,
                        stdout=out, stderr=err, clock=clock, transport=transport).run()
        return Outcome(result, err.getvalue(), out.getvalue())

    return go
