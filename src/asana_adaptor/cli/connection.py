"""What the commands that talk to Asana share: where the configuration comes from, the
``--sandbox`` switch, logging with secrets masked, and one clear line when a call fails.

``describe`` and ``webhooks`` are interactive: a call is retried at most 3 times within 20 s
(a run's default is 8 times within 5 minutes), retries are logged to stderr as warnings
(``--log info`` also shows each request), and a failure ends with one line saying what went
wrong and what to do.
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import IO, Any, Awaitable, Callable

import click

from ..client import AsanaClient, AsanaError, RetryPolicy, TransportError
from ..runtime.config import (
    DEFAULT_CREDENTIAL,
    env_configuration,
    load_credentials,
    validate_configuration,
)
from ..runtime.exitcodes import RunError
from ..runtime.filelock import hold, holder
from ..runtime.logs import LEVELS, configure_logging
from ..runtime.redact import Redactor

__all__ = ["connection_options", "run_with_client"]

Work = Callable[[AsanaClient, dict[str, Any]], Awaitable[Any]]

SANDBOX_FILE = Path(".cache") / "sandbox.json"
RETRY = {"attempts": 3, "timeout": 20.0}  # an interactive command gives up quickly


# ---------------------------------------------------------------------------------------------
# Configuration

def _load_configuration(credentials: str | None, name: str | None) -> dict[str, Any]:
    """The configuration from ``--credentials`` (``--name`` picks one) or the environment."""
    try:
        if credentials:
            found = load_credentials(credentials, credentials)
            if name is None and len(found) > 1 and DEFAULT_CREDENTIAL not in found:
                raise click.ClickException(
                    f"{credentials} holds several credentials ({', '.join(sorted(found))}); "
                    "pick one with --name")
            key = name or (DEFAULT_CREDENTIAL if DEFAULT_CREDENTIAL in found else next(iter(found)))
            if key not in found:
                raise click.ClickException(
                    f"{credentials}: no credential named {key!r}; it has: "
                    + ", ".join(sorted(found)))
            configuration = found[key]
        else:
            configuration = env_configuration(os.environ)
            if configuration is None:
                raise click.ClickException(
                    "no Asana token: pass --credentials FILE, set ASANA_TOKEN, or use --sandbox "
                    "to look at the local demo sandbox")
        validate_configuration(configuration, credentials or "ASANA_TOKEN")
    except RunError as exc:
        raise click.ClickException(exc.message) from None
    return dict(configuration)


def _sandbox_file(sandbox_data: str | None) -> Path | None:
    if sandbox_data:
        path = Path(sandbox_data)
        if path.is_dir():
            path = path / SANDBOX_FILE
        if not path.is_file():
            raise click.ClickException(
                f"{sandbox_data}: no sandbox data there; `asana-adaptor run WORKFLOW --sandbox` "
                "writes it to .cache/sandbox.json beside the workflow")
        return path
    return SANDBOX_FILE if SANDBOX_FILE.is_file() else None


def run_with_client(use_sandbox: bool, credentials: str | None, name: str | None,
                    work: Work, sandbox_data: str | None = None, log_level: str = "default") -> Any:
    """Run ``work(client, configuration)`` against Asana or the in-process sandbox."""
    if sandbox_data and not use_sandbox:
        raise click.ClickException("--sandbox-data only applies with --sandbox")
    if use_sandbox:
        from asana_sandbox import Sandbox  # only the --sandbox path needs the sandbox

        data_file = _sandbox_file(sandbox_data)
        lock = _lock_sandbox_file(data_file) if data_file else None
        try:
            sandbox = Sandbox(seed="demo", data_file=str(data_file) if data_file else None)
        except Exception:
            if lock is not None:
                lock.close()
            raise
        configuration = {"token": sandbox.token, "baseUrl": sandbox.base_url,
                         "workspaceGid": sandbox.workspace_gid}
        transport = sandbox.transport()
    else:
        sandbox, transport, lock = None, None, None
        configuration = _load_configuration(credentials, name)

    async def main() -> Any:
        async with AsanaClient(configuration, transport=transport,
                               retry=RetryPolicy(**RETRY)) as client:
            return await work(client, configuration)

    redactor = Redactor()
    redactor.add_configuration(configuration)
    logs = configure_logging(log_level, json_lines=False, redactor=redactor)
    client_logger = logging.getLogger("asana_adaptor.client")
    saved_level = client_logger.level
    if log_level == "default":  # warnings (retries) only; --log info shows every request
        client_logger.setLevel(logging.WARNING)
    try:
        return asyncio.run(main())
    except TransportError as exc:
        origin = configuration.get("baseUrl") or "https://app.asana.com"
        raise click.ClickException(
            f"cannot reach {origin}: {exc.words.rstrip('.')}. {exc.hint}") from None
    except AsanaError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        client_logger.setLevel(saved_level)
        logs.close()
        if sandbox is not None:
            sandbox.close()
        if lock is not None:
            lock.close()


def _lock_sandbox_file(data_file: Path) -> IO[str]:
    """Become the one writer of the sandbox's data file for this command (it saves on close)."""
    try:
        lock = hold(f"{data_file}.lock", f"asana-adaptor (pid {os.getpid()})")
    except OSError as exc:
        raise click.ClickException(f"{data_file}.lock: cannot open: {exc.strerror}") from None
    if lock is None:
        owner = holder(f"{data_file}.lock") or "another process"
        raise click.ClickException(
            f"{data_file} is in use by {owner}; wait for it, or point --credentials at that "
            "server (its baseUrl and token) instead of --sandbox")
    return lock


def connection_options(command: Any) -> Any:
    """The options that say which Asana to talk to, and how much to log."""
    command = click.option("--log", "log_level", type=click.Choice(LEVELS), default="default",
                           show_default=True,
                           help="What to log to stderr: default shows retries and errors, info "
                                "also each request.")(command)
    command = click.option("--sandbox", "use_sandbox", is_flag=True,
                           help="Use the local demo sandbox (no token, no network); uses "
                                ".cache/sandbox.json when it exists.")(command)
    command = click.option("--sandbox-data", metavar="PATH",
                           help="With --sandbox: the data a `run --sandbox` kept (a workflow's "
                                "folder or its .cache/sandbox.json).")(command)
    command = click.option("--credentials", type=click.Path(dir_okay=False),
                           help="A JSON configuration ({\"token\": ...}) or a map of name -> "
                                "configuration. Default: ASANA_TOKEN.")(command)
    command = click.option("--name", help="Which configuration of a credentials map.")(command)
    return command
