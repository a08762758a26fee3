"""``asana-adaptor docs [NAME]``: the operations a job can use, and help for one of them."""

from __future__ import annotations

import difflib
import inspect
import re
from typing import Any, Callable

import click
from rich.console import Console
from rich.table import Table

__all__ = ["docs", "operation_catalogue"]


def operation_catalogue() -> dict[str, tuple[str, Callable[..., Any]]]:
    """``{name: (group, function)}`` for every operation a job can use, sorted by name.

    The group is ``common`` (language-common operations) or ``asana``.
    """
    from ..ops import __all__ as asana_names
    from .. import ops
    from ..runtime import common

    found: dict[str, tuple[str, Callable[..., Any]]] = {}
    for group, module, names in (("common", common, common.__all__), ("asana", ops, asana_names)):
        for name in names:
            value = getattr(module, name, None)
            if inspect.isfunction(value) and not inspect.iscoroutinefunction(value):
                found[name] = (group, value)
    return dict(sorted(found.items()))


def summary(function: Callable[..., Any]) -> str:
    """The first line of a function's docstring."""
    doc = inspect.getdoc(function) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def signature(function: Callable[..., Any]) -> str:
    """``(task_gid, params=None, callback=None)``: the call as a job writes it."""
    sig = inspect.signature(function)
    bare = [p.replace(annotation=inspect.Parameter.empty) for p in sig.parameters.values()]
    return str(sig.replace(parameters=bare, return_annotation=inspect.Signature.empty))


def _snake(name: str) -> str:
    """OpenFn's camelCase names (``getTask``) as ours (``get_task``)."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


@click.command()
@click.argument("name", required=False)
def docs(name: str | None) -> None:
    """List the operations, or show one operation's signature, description and example.

    \b
      asana-adaptor docs               every operation, one line each
      asana-adaptor docs upsert_task   help for one (OpenFn's upsertTask works too)
    """
    catalogue = operation_catalogue()
    console = Console(soft_wrap=False)
    if name is None:
        table = Table(title="Operations", title_justify="left", show_lines=False)
        table.add_column("operation", style="bold cyan", no_wrap=True)
        table.add_column("from", style="dim", no_wrap=True)
        table.add_column("what it does")
        for op_name, (group, function) in catalogue.items():
            table.add_row(op_name, group, summary(function))
        console.print(table)
        console.print("Run [bold]asana-adaptor docs NAME[/bold] for one operation's details.")
        return
    key = name if name in catalogue else _snake(name).rstrip("_")
    if key not in catalogue and key + "_" in catalogue:  # as_, assert_
        key += "_"
    if key not in catalogue:
        close = difflib.get_close_matches(_snake(name), list(catalogue), n=5, cutoff=0.5)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise click.ClickException(
            f"no operation named {name!r}.{hint} Run 'asana-adaptor docs' for the full list."
        )
    group, function = catalogue[key]
    console.print(f"[bold cyan]{key}[/bold cyan]{signature(function)}", highlight=False)
    console.print(f"[dim]({group} operation)[/dim]")
    console.print()
    # The docstring keeps its own line breaks (examples are code): not re-wrapped to the terminal.
    click.echo(inspect.getdoc(function) or "(no description)")
