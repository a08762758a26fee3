"""``--sandbox``: the local Asana started in-process, its data kept beside the job.

The sandbox package is imported here only, and only when ``--sandbox`` is given: the library
never depends on it.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import IO, Any

from .cache import cache_root
from .exitcodes import ExitCode, RunError
from .filelock import hold, holder
from .jobfile import describe_error, display_path

__all__ = ["sandbox_configuration", "start_sandbox"]

runtime_logger = logging.getLogger("asana_adaptor.runtime")


def start_sandbox(beside: Path, *, reset: bool = False) -> tuple[Any, IO[str]]:
    """A ``Sandbox(seed="demo")`` whose data lives in ``.cache/sandbox.json`` beside ``beside``,
    and the lock that makes this run its only writer (close it after the sandbox).

    ``reset`` starts again from the demo seed. A sandbox server or another run that keeps the
    same file is an error: two writers would lose each other's changes.
    """
    try:
        from asana_sandbox import Sandbox
    except ImportError as exc:
        raise RunError(f"--sandbox: the local sandbox is not available ({exc})",
                       ExitCode.SANDBOX_UNAVAILABLE) from None
    data_file = cache_root(beside) / "sandbox.json"
    shown = display_path(data_file)
    try:
        lock = hold(f"{data_file}.lock", f"asana-adaptor run --sandbox (pid {os.getpid()})")
    except OSError as exc:
        raise RunError(f"--sandbox: cannot lock {shown}: {describe_error(exc)}",
                       ExitCode.SANDBOX_UNAVAILABLE) from None
    if lock is None:
        owner = holder(f"{data_file}.lock") or "another process"
        raise RunError(
            f"--sandbox: {shown} is in use by {owner}; wait for it to finish, or send this job "
            "to a sandbox server with --credentials (its baseUrl and token)",
            ExitCode.SANDBOX_UNAVAILABLE)
    if reset and data_file.exists():
        data_file.unlink()
    try:
        sandbox = Sandbox(seed="demo", data_file=str(data_file))
    except Exception as exc:
        lock.close()
        raise RunError(f"--sandbox: the local sandbox did not start: {describe_error(exc)}",
                       ExitCode.SANDBOX_UNAVAILABLE) from None
    runtime_logger.info("Running against the local sandbox (data in %s)", shown)
    return sandbox, lock


def sandbox_configuration(sandbox: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """What every step's configuration gets under ``--sandbox``: the sandbox's address and
    token (always), and its workspace (when the configuration names none)."""
    return ({"baseUrl": sandbox.base_url, "token": sandbox.token},
            {"workspaceGid": sandbox.workspace_gid})
