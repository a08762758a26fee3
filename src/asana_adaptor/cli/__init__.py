import click

@click.group()
def main():
    """asana-adaptor"""
