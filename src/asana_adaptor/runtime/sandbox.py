"""``--sandbox``: the local Asana started in-process, its data kept beside the job.

The sandbox package is imported here only, and only when ``--sandbox`` is given: the library
never depends on it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from .cache import cache_root
from .exitcodes import ExitCode, RunError
from .jobfile import describe_error, display_path

__all__ = ["sandbox_configuration", "start_sandbox"]

runtime_logger = logging.getLogger("asana_adaptor.runtime")


def start_sandbox(beside: Path, *, reset: bool = False) -> Any:
    """A ``Sandbox(seed="demo")`` whose data lives in ``.cache/sandbox.json`` beside ``beside``.

    ``reset`` starts again from the demo seed.
    """
    try:
        from asana_sandbox import Sandbox
    except ImportError as exc:
        raise RunError(f"--sandbox: the local sandbox is not available ({exc})",
                       ExitCode.SANDBOX_UNAVAILABLE) from None
    data_file = cache_root(beside) / "sandbox.json"
    if reset and data_file.exists():
        data_file.unlink()
    try:
        sandbox = Sandbox(seed="demo", data_file=str(data_file))
    except Exception as exc:
        raise RunError(f"--sandbox: the local sandbox did not start: {describe_error(exc)}",
                       ExitCode.SANDBOX_UNAVAILABLE) from None
    runtime_logger.info("Running against the local sandbox (data in %s)",
                        display_path(data_file))
    return sandbox


def sandbox_configuration(sandbox: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """What every step's configuration gets under ``--sandbox``: the sandbox's address and
    token (always), and its workspace (when the configuration names none)."""
    return ({"baseUrl": sandbox.base_url, "token": sandbox.token},
            {"workspaceGid": sandbox.workspace_gid})
