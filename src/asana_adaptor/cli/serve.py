"""`asana-adaptor serve`: receive Asana webhooks and run a workflow per event."""

from __future__ import annotations

import os
import socket
import sys
from typing import IO

import click

from ..runtime.filelock import hold
from ..runtime.logs import LEVELS, configure_logging
from ..runtime.redact import Redactor


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("hooks_file", type=click.Path(dir_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8080, show_default=True, type=int,
              help="Port to listen on (0 picks a free one).")
@click.option("--db", "db_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="The inbox (SQLite) [default: `db` in HOOKS_FILE, or inbox.sqlite beside it].")
@click.option("--log", "log_level", type=click.Choice(LEVELS), default="default",
              show_default=True, help="How much to log (to stderr).")
@click.option("--log-json", is_flag=True, help="Log one JSON object per line.")
def serve(hooks_file: str, host: str, port: int, db_file: str | None, log_level: str,
          log_json: bool) -> None:
    """Receive Asana webhooks on the paths of HOOKS_FILE and run a workflow per event.

    Every delivery is verified (X-Hook-Signature) and stored in the inbox before it is
    acknowledged; the workflows run in the background, in order per path, with retries.
    Put it behind HTTPS (a reverse proxy) for Asana to reach it.

    \b
    Example:
      asana-adaptor serve hooks.yaml --port 8080
      asana-adaptor webhooks create PROJECT_GID https://hooks.example.org/asana/grievances
    """
    import uvicorn

    from ..webhooks import (
        Dispatcher,
        HooksConfigError,
        SqliteInbox,
        StoreError,
        WorkflowRunner,
        create_receiver,
        load_hooks,
    )

    try:
        config = load_hooks(hooks_file)
        runner = WorkflowRunner(credentials_file=config.credentials, log_level=log_level)
        runner.check(config.hooks)
    except HooksConfigError as exc:
        raise click.ClickException(str(exc)) from None
    redactor = Redactor()
    for configuration in runner.secrets():
        redactor.add_configuration(configuration)
    try:
        store = SqliteInbox(db_file or config.db)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        inbox_lock = _lock_inbox(store.path)
    except click.ClickException:
        store.close()
        raise
    try:
        listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
    except OSError as exc:
        store.close()
        inbox_lock.close()
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    logs = configure_logging(log_level, json_lines=log_json, redactor=redactor, stream=sys.stderr)
    dispatcher = Dispatcher(store, config.hooks, runner, max_attempts=config.max_attempts,
                            retry_delay=config.retry_delay)
    app = create_receiver(store, config.hooks, dispatcher=dispatcher, redactor=redactor)
    shown = f"[{host}]" if ":" in host else host
    base_url = f"http://{shown}:{listener.getsockname()[1]}"
    click.echo(f"Receiving Asana webhooks on {base_url} (inbox {store.path})")
    for hook in config.hooks.values():
        click.echo(f"  {base_url}{hook.path} -> {hook.workflow}")
    click.echo("Press Ctrl+C to stop.")
    sys.stdout.flush()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                           lifespan="on"))
    try:
        server.run(sockets=[listener])
    except KeyboardInterrupt:  # uvicorn has shut down cleanly, then re-raises Ctrl+C
        click.echo("Stopped.")
    finally:
        listener.close()
        store.close()
        inbox_lock.close()
        logs.close()


def _lock_inbox(path: str) -> IO[str]:
    """Hold ``PATH.lock`` while serving: a second receiver on the same inbox would take the
    events this one is running for interrupted ones and run them again, out of order."""
    try:
        handle = hold(path + ".lock", f"asana-adaptor serve (pid {os.getpid()})")
    except OSError as exc:
        raise click.ClickException(f"{path}.lock: cannot open the inbox lock: "
                                   f"{exc.strerror}") from None
    if handle is None:
        raise click.ClickException(f"{path}: another `asana-adaptor serve` is using this inbox; "
                                   "stop it first, or give this one its own --db")
    return handle
