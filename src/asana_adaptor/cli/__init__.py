"""The ``asana-adaptor`` command line: thin commands over the library."""

from __future__ import annotations

import click

from .._version import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="asana-adaptor")
def main() -> None:
    """Move data into and out of Asana with small scripted jobs."""


def _register() -> None:
    from .describe import describe
    from .docs import docs
    from .run import run
    from .sandbox import sandbox
    from .serve import serve
    from .webhooks import webhooks

    for command in (run, sandbox, describe, docs, serve, webhooks):
        main.add_command(command)


_register()
