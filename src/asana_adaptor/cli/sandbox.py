"""`asana-adaptor sandbox`: the local Asana as a real HTTP server."""

from __future__ import annotations

import os
import socket

import click

from ..runtime.filelock import hold, holder

_METHODS = ("GET", "POST", "PUT", "DELETE")


def _parse_rule(text: str, option: str, with_status: bool) -> tuple[str | None, str, int, int]:
    """``[METHOD] PATH STATUS [COUNT]`` (``--fail``) or ``[METHOD] PATH [COUNT]`` (``--drop``)."""
    words = text.split()
    method = words.pop(0).upper() if words and words[0].upper() in _METHODS else None
    usage = ("[METHOD] PATH STATUS [COUNT], e.g. \"POST /tasks 503 2\"" if with_status
             else "[METHOD] PATH [COUNT], e.g. \"POST /tasks 1\"")
    try:
        path = words.pop(0)
        status = int(words.pop(0)) if with_status else 0
        count = int(words.pop(0)) if words else 1
        if words or not path.startswith("/") or count < 1 or (with_status and
                                                                not 400 <= status <= 599):
            raise ValueError
    except (IndexError, ValueError):
        raise click.BadParameter(f"{text!r}: expected {usage}", param_hint=option) from None
    return method, path, status, count


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8123, show_default=True, type=int,
              help="Port to listen on (0 picks a free one).")
@click.option("--data", "data_file", type=click.Path(dir_okay=False), default=None,
              help="JSON file that keeps the workspace across restarts.")
@click.option("--seed", type=click.Choice(["demo", "empty"]), default="demo", show_default=True,
              help="Initial content when there is no data file yet.")
@click.option("--latency", type=float, default=0.0, show_default=True,
              help="Added latency per request, in milliseconds.")
@click.option("--jitter", type=float, default=0.0, show_default=True,
              help="Random extra latency per request, up to this many milliseconds.")
@click.option("--quota", type=int, default=None,
              help="Requests per minute per token (default: Asana's 1500, 150 when free).")
@click.option("--error-rate", type=float, default=0.0, show_default=True,
              help="Share of requests (0..1) answered with a 500 or 503.")
@click.option("--page-size", type=int, default=None,
              help="Serve at most this many items per page, whatever limit asks.")
@click.option("--fail", "failures", multiple=True, metavar="'[METHOD] PATH STATUS [COUNT]'",
              help="The next COUNT (default 1) requests to PATH answer STATUS. Repeatable.")
@click.option("--drop", "drops", multiple=True, metavar="'[METHOD] PATH [COUNT]'",
              help="The next COUNT writes to PATH are applied, then the connection drops. "
                   "Repeatable.")
@click.option("--search-lag", type=float, default=0.0, show_default=True,
              help="Seconds before search sees a new or changed task.")
@click.option("--oauth-token", "oauth_tokens", multiple=True, metavar="TOKEN",
              help="An extra valid token that acts as an OAuth app (may set a task's external "
                   "data, which personal access tokens cannot). Repeatable.")
@click.option("--no-rate-limits", is_flag=True, help="Turn every rate limiter off.")
def sandbox(host: str, port: int, data_file: str | None, seed: str, latency: float,
            jitter: float, quota: int | None, error_rate: float, page_size: int | None,
            failures: tuple[str, ...], drops: tuple[str, ...], search_lag: float,
            oauth_tokens: tuple[str, ...], no_rate_limits: bool) -> None:
    """Run the local Asana (the sandbox) as a server.

    Point a job at it with configuration.baseUrl set to the printed base URL and
    the printed token. Example: asana-adaptor sandbox --port 8123 --data sandbox.json

    Faults: --fail "POST /tasks 503 2" makes the next two task creates answer 503;
    --drop "POST /tasks" applies the next task create, then breaks the connection.
    """
    import uvicorn

    from asana_sandbox import Sandbox

    if not 0.0 <= error_rate <= 1.0:
        raise click.BadParameter("must be between 0 and 1", param_hint="--error-rate")
    fail_rules = [_parse_rule(text, "--fail", True) for text in failures]
    drop_rules = [_parse_rule(text, "--drop", False) for text in drops]
    data_lock = None
    if data_file:  # one process writes a data file: a second writer would lose updates
        try:
            data_lock = hold(data_file + ".lock", f"a sandbox server (pid {os.getpid()})")
        except OSError as error:
            raise click.ClickException(f"{data_file}.lock: cannot open: {error.strerror}") from None
        if data_lock is None:
            owner = holder(data_file + ".lock") or "another process"
            raise click.ClickException(f"{data_file} is in use by {owner}; point your jobs at "
                                       "that server, or give this one its own --data")
    try:
        sb = Sandbox(seed=seed, data_file=data_file, latency_ms=latency, jitter_ms=jitter,
                     quota=quota, rate_limits=not no_rate_limits, oauth_tokens=oauth_tokens)
    except (OSError, ValueError) as error:
        raise click.ClickException(f"cannot start the sandbox: {error}") from None
    sb.faults.error_rate = error_rate
    sb.faults.page_size = page_size
    for method, path, status, count in fail_rules:
        sb.faults.fail_next(count, path, status, method=method)
    for method, path, _, count in drop_rules:
        sb.faults.drop_next(count, path, method=method)
    if search_lag:
        sb.backend.set_search_index_lag(search_lag)
    try:
        listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from None
    bound = listener.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    base_url = f"http://{shown}:{bound}"
    if data_lock is not None:  # say where the server is, for a `run --sandbox` that finds it
        data_lock.seek(0)
        data_lock.truncate()
        data_lock.write(f"the sandbox server at {base_url}")
        data_lock.flush()
    click.echo(f"Asana sandbox ({'data file ' + data_file if data_file else 'seed ' + seed}) "
               f"listening on {base_url}/api/1.0")
    click.echo(f"  baseUrl:   {base_url}")
    click.echo(f"  token:     {sb.token}")
    click.echo(f"  workspace: {sb.workspace_gid}")
    click.echo(f"  control:   {base_url}/_sandbox")
    click.echo("Press Ctrl+C to stop.", nl=True)
    config = uvicorn.Config(sb.app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[listener])
    except KeyboardInterrupt:  # uvicorn has shut down cleanly, then re-raises Ctrl+C
        click.echo("Stopped.")
    finally:
        sb.close()
        listener.close()
        if data_lock is not None:
            data_lock.close()
