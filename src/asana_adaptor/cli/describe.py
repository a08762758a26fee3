"""`asana-adaptor describe`."""

import click


@click.command()
def describe() -> None:
    """(being built)"""
    raise click.ClickException("'describe' is not available yet")
