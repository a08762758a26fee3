"""`asana-adaptor webhooks`: create, list and delete Asana webhooks.

``create`` asks Asana to handshake with TARGET (an ``asana-adaptor serve`` receiver must be
listening there); the secret travels only in that handshake and is never printed.
Authentication is the same as ``describe``: ``--credentials FILE``, ``ASANA_TOKEN`` or
``--sandbox`` (the local demo sandbox, kept in ``.cache/sandbox.json``).
"""

from __future__ import annotations

import json
from typing import Any

import click

from ..client import AsanaClient, BadRequestError
from .connection import SANDBOX_FILE, connection_options, run_with_client

_FILTER_KEYS = ("resource_type", "resource_subtype", "action", "fields")
_COLUMNS = ("gid", "active", "resource", "target", "filters")
_HANDSHAKE_HINT = (
    "Start the receiver first (`asana-adaptor serve hooks.yaml`) and give TARGET its address "
    "and a `path:` of hooks.yaml. If it answered 404, the path is not in hooks.yaml; if it "
    "answered 403, the path already holds the secret of an earlier webhook: delete that "
    "webhook, or set `handshake: replace` on the hook and restart serve.")


def parse_filter(spec: str) -> dict[str, Any]:
    """``resource_type=task,action=changed,fields=name|due_on`` or a JSON object, as a filter.

    >>> parse_filter("resource_type=task,action=changed,fields=name|notes")
    {'resource_type': 'task', 'action': 'changed', 'fields': ['name', 'notes']}
    """
    text = spec.strip()
    if text.startswith("{"):
        try:
            rule = json.loads(text)
        except json.JSONDecodeError as exc:
            raise click.BadParameter(f"{spec!r} is not valid JSON: {exc.msg}",
                                     param_hint="--filter") from None
        if not isinstance(rule, dict):
            raise click.BadParameter("a JSON filter must be an object", param_hint="--filter")
    else:
        rule = {}
        for part in filter(None, (p.strip() for p in text.split(","))):
            key, sep, value = part.partition("=")
            if not sep or not value:
                raise click.BadParameter(
                    f"{part!r} is not key=value (e.g. resource_type=task,action=changed)",
                    param_hint="--filter")
            rule[key.strip()] = value.strip()
        if isinstance(rule.get("fields"), str):
            rule["fields"] = [f for f in rule["fields"].split("|") if f]
    unknown = set(rule) - set(_FILTER_KEYS)
    if unknown or not rule:
        raise click.BadParameter(f"use the keys {', '.join(_FILTER_KEYS)} (got "
                                 f"{', '.join(sorted(unknown)) or 'nothing'})",
                                 param_hint="--filter")
    return rule


def _row(hook: dict[str, Any]) -> dict[str, Any]:
    resource = hook.get("resource") or {}
    return {
        "gid": hook.get("gid"),
        "active": hook.get("active"),
        "resource": (f"{resource.get('resource_type', '')} {resource.get('gid', '')}"
                     + (f" ({resource['name']})" if resource.get("name") else "")).strip(),
        "target": hook.get("target"),
        "filters": "; ".join(",".join(f"{k}={'|'.join(v) if isinstance(v, list) else v}"
                                      for k, v in rule.items())
                             for rule in hook.get("filters") or []) or "-",
    }


def _echo_rows(hooks: list[dict[str, Any]]) -> None:
    if not hooks:
        click.echo("No webhooks.")
        return
    rows = [_row(h) for h in hooks]
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in _COLUMNS}
    click.echo("  ".join(c.upper().ljust(widths[c]) for c in _COLUMNS).rstrip())
    for row in rows:
        click.echo("  ".join(str(row[c]).ljust(widths[c]) for c in _COLUMNS).rstrip())


def _public(hook: Any) -> Any:
    """A webhook record without its secret (Asana sends it beside ``data`` only, but be sure)."""
    if isinstance(hook, dict):
        return {k: _public(v) for k, v in hook.items() if k.lower() != "x-hook-secret"}
    return hook


def _options(command: Any) -> Any:
    command = click.option("--json", "as_json", is_flag=True,
                           help="Print JSON instead of a table.")(command)
    return connection_options(command)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def webhooks() -> None:
    """Create, list and delete Asana webhooks (see also `asana-adaptor serve`)."""


@webhooks.command("create")
@click.argument("resource")
@click.argument("target")
@click.option("--filter", "filters", multiple=True, metavar="SPEC",
              help="resource_type=task,action=changed[,fields=a|b] or a JSON object; repeat "
                   "the option for several filters (an event passes any of them).")
@_options
def create(resource: str, target: str, filters: tuple[str, ...], as_json: bool,
           use_sandbox: bool, sandbox_data: str | None, credentials: str | None,
           name: str | None, log_level: str) -> None:
    """Create a webhook on RESOURCE (a project, task... gid) delivering to TARGET (a URL).

    Asana handshakes with TARGET before answering, so the receiver must already be up.
    With --sandbox the webhook is kept in a `run --sandbox`'s data (refused when there is
    none) and no events are delivered; to rehearse deliveries, serve the sandbox
    (`asana-adaptor sandbox`) and pass --credentials pointing at it.

    \b
    Examples:
      asana-adaptor webhooks create 1201382240880 https://hooks.example.org/asana/grievances \\
          --filter resource_type=task,action=changed --credentials creds.json
    """
    if use_sandbox and not sandbox_data and not SANDBOX_FILE.is_file():
        # The webhook would live in a throwaway sandbox, yet its handshake would still give
        # the receiver's path a secret that later refuses the real webhook's handshake.
        raise click.ClickException(
            f"no sandbox data here ({SANDBOX_FILE}) to keep the webhook in: run a job with "
            "--sandbox first, or pass --sandbox-data; to rehearse deliveries, serve the sandbox "
            "(`asana-adaptor sandbox --data FILE`) and create the webhook with --credentials "
            "pointing at it")
    body: dict[str, Any] = {"resource": resource, "target": target}
    if filters:
        body["filters"] = [parse_filter(spec) for spec in filters]

    async def work(client: AsanaClient, configuration: dict) -> Any:
        try:
            return (await client.post("/webhooks", body)).data
        except BadRequestError as error:
            if "handshake" not in error.words.lower():
                raise
            raise error.with_hint(_HANDSHAKE_HINT) from error

    hook = _public(run_with_client(use_sandbox, credentials, name, work, sandbox_data, log_level))
    if as_json:
        click.echo(json.dumps(hook, indent=2, ensure_ascii=False))
        return
    click.echo(f"Created webhook {hook.get('gid')} on {_row(hook)['resource']} -> "
               f"{hook.get('target')}")
    click.echo("Its secret went to the target in the handshake (never printed).")


@webhooks.command("list")
@click.option("--workspace", metavar="GID",
              help="The workspace whose webhooks to list [default: the configuration's "
                   "workspaceGid].")
@click.option("--resource", metavar="GID", help="Only the webhooks on this resource.")
@_options
def list_webhooks(workspace: str | None, resource: str | None, as_json: bool, use_sandbox: bool,
                  sandbox_data: str | None, credentials: str | None, name: str | None,
                  log_level: str) -> None:
    """List your webhooks in a workspace.

    \b
    Example:
      asana-adaptor webhooks list --workspace 1200000000000001 --credentials creds.json
    """
    params = {"opt_fields": ",".join(
        ("active", "resource.name", "resource.resource_type", "target", "filters",
         "last_success_at", "last_failure_at", "last_failure_content"))}
    if resource:
        params["resource"] = resource

    async def work(client: AsanaClient, configuration: dict) -> Any:
        where = workspace or configuration.get("workspaceGid")
        if not where:
            raise click.UsageError("pass --workspace GID, or put workspaceGid in the "
                                   "credentials (Asana lists webhooks per workspace)")
        return await client.get_all("/webhooks", {"workspace": where, **params})

    found = run_with_client(use_sandbox, credentials, name, work, sandbox_data, log_level)
    hooks = [_public(h) for h in found]
    if as_json:
        click.echo(json.dumps(hooks, indent=2, ensure_ascii=False))
    else:
        _echo_rows(hooks)


@webhooks.command("delete")
@click.argument("gid")
@_options
def delete(gid: str, as_json: bool, use_sandbox: bool, sandbox_data: str | None,
           credentials: str | None, name: str | None, log_level: str) -> None:
    """Delete the webhook GID (permanent; a delivery in flight may still arrive).

    \b
    Example:
      asana-adaptor webhooks delete 1204567890123456 --credentials creds.json
    """
    async def work(client: AsanaClient, configuration: dict) -> Any:
        await client.delete(f"/webhooks/{gid}")
        return {"deleted": gid}

    result = run_with_client(use_sandbox, credentials, name, work, sandbox_data, log_level)
    click.echo(json.dumps(result) if as_json else f"Deleted webhook {gid}")
