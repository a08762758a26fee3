"""`asana-adaptor run`."""

import click


@click.command()
def run() -> None:
    """(being built)"""
    raise click.ClickException("'run' is not available yet")
