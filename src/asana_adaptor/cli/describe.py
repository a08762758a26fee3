"""`asana-adaptor describe`: what a project or workspace holds, for writing jobs.

``describe project GID`` lists the project's custom fields (name, type, gid, and for dropdowns
every option with its gid and whether it is enabled), its sections and its members;
``describe workspace GID`` lists the workspace's projects and custom fields. ``--json`` prints
the same as one JSON document. A project or workspace may also be given by name.

Which Asana it reads, and how failures are reported, is in :mod:`.connection`.
"""

from __future__ import annotations

import json
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from ..client import AsanaClient
from ..ops.custom_field_catalog import SETTINGS_FIELDS, WORKSPACE_FIELDS, CustomField, list_all
from ..ops.names import AmbiguousNameError, NameIndex, UnknownNameError
from .connection import connection_options, run_with_client

# ---------------------------------------------------------------------------------------------
# Reading

def _field_json(record: dict[str, Any]) -> dict[str, Any]:
    f = CustomField.from_api(record)
    out: dict[str, Any] = {"name": f.name, "type": f.type, "gid": f.gid}
    if f.type in ("enum", "multi_enum"):
        out["enum_options"] = [{"name": o.name, "gid": o.gid, "enabled": o.enabled}
                               for o in f.options]
    if f.precision is not None and f.type == "number":
        out["precision"] = f.precision
    if f.read_only:
        out["read_only"] = f.read_only
    return out


async def _workspaces(client: AsanaClient) -> list[dict]:
    return await list_all(client, "/workspaces", {"opt_fields": "name"})


async def _find(kind: str, wanted: str, items: list[dict]) -> str:
    index = NameIndex(((i.get("name") or "", str(i["gid"])) for i in items), kind=kind)
    try:
        return index.find(wanted)
    except (UnknownNameError, AmbiguousNameError) as exc:
        raise click.ClickException(str(exc)) from None


async def _project_gid(client: AsanaClient, configuration: dict, wanted: str) -> str:
    if wanted.isdigit():
        return wanted
    workspaces = ([{"gid": configuration["workspaceGid"]}] if configuration.get("workspaceGid")
                  else await _workspaces(client))
    projects: list[dict] = []
    for ws in workspaces:
        projects += await list_all(client, "/projects",
                                   {"workspace": ws["gid"], "opt_fields": "name"})
    return await _find("project", wanted, projects)


async def read_project(client: AsanaClient, configuration: dict, wanted: str) -> dict:
    """The project, its custom fields, sections and members as one JSON-ready dict."""
    gid = await _project_gid(client, configuration, wanted)
    project = (await client.get(f"/projects/{gid}", {
        "opt_fields": "name,workspace.name,team.name,members.name,members.email,archived"})).data
    settings = await list_all(client, f"/projects/{gid}/custom_field_settings",
                              {"opt_fields": SETTINGS_FIELDS})
    sections = await list_all(client, f"/projects/{gid}/sections", {"opt_fields": "name"})
    return {
        "project": {"gid": gid, "name": project.get("name"),
                    "workspace": project.get("workspace"), "team": project.get("team")},
        "custom_fields": [_field_json(s["custom_field"]) for s in settings
                          if s.get("custom_field")],
        "sections": [{"name": s.get("name"), "gid": s["gid"]} for s in sections],
        "members": [{"name": m.get("name"), "email": m.get("email"), "gid": m["gid"]}
                    for m in project.get("members") or []],
    }


async def read_workspace(client: AsanaClient, configuration: dict, wanted: str) -> dict:
    """The workspace, its projects and custom fields as one JSON-ready dict."""
    gid = wanted if wanted.isdigit() else await _find("workspace", wanted,
                                                      await _workspaces(client))
    workspace = (await client.get(f"/workspaces/{gid}",
                                  {"opt_fields": "name,is_organization"})).data
    projects = await list_all(client, "/projects",
                              {"workspace": gid, "opt_fields": "name,archived,team.name"})
    fields = await list_all(client, f"/workspaces/{gid}/custom_fields",
                            {"opt_fields": WORKSPACE_FIELDS})
    return {
        "workspace": {"gid": gid, "name": workspace.get("name")},
        "projects": [{"name": p.get("name"), "gid": p["gid"],
                      "team": (p.get("team") or {}).get("name"),
                      "archived": bool(p.get("archived"))} for p in projects],
        "custom_fields": [_field_json(f) for f in fields],
    }


# ---------------------------------------------------------------------------------------------
# Printing

def _fields_tables(fields: list[dict], console: Console) -> None:
    table = Table(title="Custom fields", title_justify="left")
    for column in ("Name", "Type", "GID", "Options"):
        table.add_column(column, overflow="fold")
    for f in fields:
        options = f.get("enum_options")
        detail = f"{len(options)} options" if options is not None else ""
        if f.get("precision") is not None:
            detail = f"precision {f['precision']}"
        if f.get("read_only"):
            detail = f.get("read_only")
        table.add_row(f["name"], f["type"], f["gid"], detail)
    console.print(table)
    for f in fields:
        if f.get("enum_options"):
            options = Table(title=f"Options of {f['name']!r} ({f['type']})", title_justify="left")
            for column in ("Option", "GID", "Enabled"):
                options.add_column(column)
            for o in f["enum_options"]:
                options.add_row(o["name"], o["gid"], "yes" if o["enabled"] else "[red]no[/red]")
            console.print(options)


def _simple_table(title: str, rows: list[dict], columns: list[tuple[str, str]],
                  console: Console) -> None:
    table = Table(title=title, title_justify="left")
    for header, _ in columns:
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*("" if row.get(key) is None else str(row.get(key)) for _, key in columns))
    console.print(table)


def _print_project(info: dict, console: Console) -> None:
    p = info["project"]
    console.print(f"[bold]Project {p['name']}[/bold] ({p['gid']})"
                  + (f" in workspace {p['workspace']['name']}" if p.get("workspace") else ""))
    _fields_tables(info["custom_fields"], console)
    _simple_table("Sections", info["sections"], [("Name", "name"), ("GID", "gid")], console)
    _simple_table("Members", info["members"],
                  [("Name", "name"), ("Email", "email"), ("GID", "gid")], console)


def _print_workspace(info: dict, console: Console) -> None:
    w = info["workspace"]
    console.print(f"[bold]Workspace {w['name']}[/bold] ({w['gid']})")
    _simple_table("Projects", info["projects"],
                  [("Name", "name"), ("GID", "gid"), ("Team", "team"), ("Archived", "archived")],
                  console)
    _fields_tables(info["custom_fields"], console)


# ---------------------------------------------------------------------------------------------
# Commands

def _options(command: Any) -> Any:
    command = click.option("--json", "as_json", is_flag=True,
                           help="Print one JSON document instead of tables.")(command)
    return connection_options(command)


@click.group()
def describe() -> None:
    """Show what a project or workspace holds: custom fields, options, sections, members."""


@describe.command("project")
@click.argument("project")
@_options
def describe_project(project: str, as_json: bool, use_sandbox: bool, sandbox_data: str | None,
                     credentials: str | None, name: str | None, log_level: str) -> None:
    """PROJECT's custom fields (with option gids), sections and members (a gid or a name).

    \b
    Examples:
      asana-adaptor describe project 1201382240880
      asana-adaptor describe project Grievances --sandbox --json
    """
    info = run_with_client(use_sandbox, credentials, name,
                lambda client, config: read_project(client, config, project), sandbox_data,
                log_level)
    if as_json:
        click.echo(json.dumps(info, indent=2, ensure_ascii=False))
    else:
        _print_project(info, Console(width=max(100, Console().width)))


@describe.command("workspace")
@click.argument("workspace")
@_options
def describe_workspace(workspace: str, as_json: bool, use_sandbox: bool,
                       sandbox_data: str | None, credentials: str | None,
                       name: str | None, log_level: str) -> None:
    """WORKSPACE's projects and custom fields (a gid or a name).

    \b
    Examples:
      asana-adaptor describe workspace 1200000000000001 --credentials creds.json
      asana-adaptor describe workspace "Demo Organization" --sandbox
    """
    info = run_with_client(use_sandbox, credentials, name,
                lambda client, config: read_workspace(client, config, workspace), sandbox_data,
                log_level)
    if as_json:
        click.echo(json.dumps(info, indent=2, ensure_ascii=False))
    else:
        _print_workspace(info, Console(width=max(100, Console().width)))
