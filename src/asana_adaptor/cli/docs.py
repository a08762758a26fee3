"""`asana-adaptor docs`."""

import click


@click.command()
def docs() -> None:
    """(being built)"""
    raise click.ClickException("'docs' is not available yet")
