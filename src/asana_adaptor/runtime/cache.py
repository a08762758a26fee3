"""The step cache: each step's output as JSON under ``.cache/`` beside the workflow.

``--cache-steps`` writes ``.cache/<workflow>/<step>.json`` (configuration removed, secrets
masked); ``--start STEP`` without ``-s`` reads back the cached output of the step that feeds
STEP. The ``.cache`` folder carries its own ``.gitignore`` so it never lands in a repository.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable

from .exitcodes import ExitCode, RunError
from .redact import Redactor

__all__ = ["StepCache", "cache_root"]


def cache_root(beside: Path) -> Path:
    """The ``.cache`` folder next to a job or workflow file, created with its ``.gitignore``."""
    root = beside.parent / ".cache"
    try:
        root.mkdir(parents=True, exist_ok=True)
        ignore = root / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# written by asana-adaptor: cached step outputs and sandbox "
                              "data\n*\n", encoding="utf-8")
    except OSError as exc:
        raise RunError(f"cannot create the cache folder {root}: {exc}",
                       ExitCode.OUTPUT_FAILED) from None
    return root


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name) or "_"


class StepCache:
    """Cached step outputs of one workflow (or job) file."""

    def __init__(self, source: Path, redactor: Redactor | None = None) -> None:
        self.folder = cache_root(source) / _safe(source.stem)
        self.redactor = redactor or Redactor()

    def file(self, step_id: str) -> Path:
        return self.folder / f"{_safe(step_id)}.json"

    def write(self, step_id: str, state: Any) -> Path:
        """Write a (configuration-free) state with its secrets masked; returns the file."""
        path = self.file(step_id)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".json.tmp")
            tmp.write_text(self.redactor.dumps(state) + "\n", encoding="utf-8")
            os.replace(tmp, path)
        except (OSError, TypeError, ValueError) as exc:
            raise RunError(f"cannot write the step cache {path}: {exc}",
                           ExitCode.OUTPUT_FAILED) from None
        return path

    def latest(self, step_ids: Iterable[str]) -> tuple[str, Any] | None:
        """The most recently written cached output among ``step_ids``, as ``(id, state)``."""
        found = [(self.file(s).stat().st_mtime, s) for s in step_ids if self.file(s).is_file()]
        if not found:
            return None
        _, step_id = max(found)
        try:
            return step_id, json.loads(self.file(step_id).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise RunError(f"{self.file(step_id)}: unreadable cached state ({exc}); delete it "
                           "or pass -s", ExitCode.STATE_INVALID) from None
