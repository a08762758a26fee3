"""`asana-adaptor sandbox`."""

import click


@click.command()
def sandbox() -> None:
    """(being built)"""
    raise click.ClickException("'sandbox' is not available yet")
